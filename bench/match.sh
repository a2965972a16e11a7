#!/usr/bin/env bash
# W2 benchmark: 30,000 needles × 4,000,000 company names, token_set ≥ 85,
# for both name generators (gen companies --vocab large and --vocab small).
# Data is generated under $BENCH_DIR (default /tmp/sluice-bench; never
# committed). Each run of `sluice match` goes under /usr/bin/time -v; the
# script prints wall time, user+sys CPU seconds and peak RSS, then checks a
# random sample of the needles against brute force (bench/matchcheck: every
# sampled needle scored against all names with the same scorer, no index).
# A markdown table goes to stdout and to bench/match-results.md.
#
# Exit status: 1 if any sampled needle differs from brute force or a peak
# RSS exceeds the budget plus 64 MiB; 0 otherwise.
#
#   bench/match.sh                      # both vocabularies, --mem 512MiB
#   MEM=1GiB REPS=3 bench/match.sh large
#   N=1000000 NEEDLES=30000 SAMPLE=100 bench/match.sh small
set -euo pipefail
cd "$(dirname "$0")/.."
vocabs=("$@")
[ ${#vocabs[@]} -eq 0 ] && vocabs=(large small)
dir="${BENCH_DIR:-/tmp/sluice-bench}"
n="${N:-4000000}"
nn="${NEEDLES:-30000}"
mem="${MEM:-512MiB}"
reps="${REPS:-1}"
sample="${SAMPLE:-300}"
thr=85
mkdir -p "$dir"
bin="$dir/sluice"
check="$dir/matchcheck"
go build -o "$bin" ./cmd/sluice
go build -o "$check" ./bench/matchcheck

# The budget in KiB, to compare with time -v's peak RSS (KiB).
mem_kib=$(awk -v m="$mem" 'BEGIN {
  u = toupper(m); v = u + 0; f = 1
  if (u ~ /GIB$|G$/) f = 1048576; else if (u ~ /MIB$|M$/) f = 1024; else if (u ~ /KIB$|K$/) f = 1
  else if (u ~ /GB$/) f = 1e9 / 1024; else if (u ~ /MB$/) f = 1e6 / 1024; else f = 1 / 1024
  printf "%d", v * f }')
limit_kib=$((mem_kib + 65536))

out="bench/match-results.md"
load_before=$(uptime | sed 's/.*load average: //')
{
  echo "| names | run | wall s | user+sys CPU s | peak RSS MiB | slices | matched | brute-force check ($sample needles) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$out.tmp"
status=0
for v in "${vocabs[@]}"; do
  hay="$dir/companies-$v-$n.csv"
  needles="$dir/needles-$v-$n-$nn.csv"
  if [ ! -f "$hay" ] || [ ! -f "$needles" ]; then
    "$bin" gen companies --n "$n" --vocab "$v" --out "$hay" --needles "$nn" --needles-out "$needles" >&2
  fi
  cat "$hay" "$needles" > /dev/null # warm the page cache
  for r in $(seq "$reps"); do
    res="$dir/matches-$v.csv"
    log="$dir/match-$v.time"
    /usr/bin/time -v -o "$log" "$bin" match "$needles" "$hay" --left name --right name \
      --threshold "$thr" --mem "$mem" --progress never -o "$res" 2> "$dir/match-$v.err"
    cat "$dir/match-$v.err" >&2
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.1f", s }' "$log")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
    slices=$(grep -o 'index in [0-9]* slices\?' "$dir/match-$v.err" | grep -o '[0-9]*')
    matched=$(grep -o 'matched [0-9]* of [0-9]*' "$dir/match-$v.err" | head -1 | cut -d' ' -f2,3,4)
    if [ "$rss" -gt "$limit_kib" ]; then
      echo "match.sh: $v run $r: peak RSS $((rss / 1024)) MiB exceeds $mem + 64 MiB" >&2
      status=1
    fi
    if [ "$r" -eq 1 ]; then
      verdict=$("$check" -needles "$needles" -haystack "$hay" -matches "$res" -sample "$sample" -threshold "$thr") || status=1
      echo "$verdict" >&2
      first=$(head -1 <<< "$verdict")
      verdict="$(grep -o '[0-9]* differences' <<< "$first") (brute force $(grep -o '[0-9]* pairs' <<< "$first") $(grep -o 'in [0-9.]*s' <<< "$first"))"
    else
      verdict="(checked on run 1)"
    fi
    echo "| $v vocabulary | $r | $wall | $cpu | $((rss / 1024)) | $slices | $matched | $verdict |" >> "$out.tmp"
  done
done
{
  echo "W2: $n names × $nn needles, token_set ≥ $thr, --mem $mem; $(nproc) cores shared with other work"
  echo "(load average before: $load_before; after: $(uptime | sed 's/.*load average: //')), $(date -u +%Y-%m-%d)."
  echo
  cat "$out.tmp"
} > "$out"
rm -f "$out.tmp"
cat "$out"
exit "$status"
