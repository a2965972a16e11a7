#!/usr/bin/env bash
# W1 benchmark: generates the W1 tables at each scale (deterministic, under
# $BENCH_DIR, default /tmp/sluice-bench — never committed), runs the acceptance
# spec with the sluice CLI under /usr/bin/time, and writes a markdown table
# (median wall time of REPS runs (default 5) with min and max, the largest peak
# RSS, rows out) to stdout and to bench/w1-results.md.
#
#   bench/w1.sh [S M L]          # scales to run (default: S M)
#   MEM=256MiB bench/w1.sh L     # with a memory budget
set -euo pipefail
cd "$(dirname "$0")/.."
scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(S M)
dir="${BENCH_DIR:-/tmp/sluice-bench}"
spec="$(cd ../shared/examples && pwd)/w1-features.yaml"
bin="$dir/sluice"
mkdir -p "$dir"
go build -o "$bin" ./cmd/sluice
memflag=()
[ -n "${MEM:-}" ] && memflag=(--mem "$MEM")

out="bench/w1-results.md"
reps="${REPS:-5}"
{
  echo "| scale | OES size | wall time, median of $reps (min–max) | peak RSS, max | rows out | budget |"
  echo "| --- | --- | --- | --- | --- | --- |"
} > "$out.tmp"
for s in "${scales[@]}"; do
  data="$dir/w1-$s"
  if [ ! -f "$data/oes.csv" ]; then
    "$bin" gen w1 --scale "$s" --out "$data" >&2
  fi
  size=$(du -m "$data/oes.csv" | cut -f1)
  # warm the page cache so the runs measure sluice, not the disk
  cat "$data"/*.csv > /dev/null
  log="$dir/w1-$s.time"
  : > "$log"
  for _ in $(seq "$reps"); do
    /usr/bin/time -a -o "$log" -f "%e %M" "$bin" run "$spec" --data-dir "$data" --out "$data/features.csv" --progress never "${memflag[@]}"
  done
  wall=$(sort -n "$log" | awk '{w[NR]=$1} END {printf "%.2f s (%.2f–%.2f)", w[int((NR+1)/2)], w[1], w[NR]}')
  rss=$(sort -k2 -n "$log" | tail -1 | awk '{printf "%.0f MiB", $2/1024}')
  rows=$(($(wc -l < "$data/features.csv") - 1))
  echo "| $s | ${size} MB | $wall | $rss | $rows | ${MEM:-none} |" >> "$out.tmp"
done
mv "$out.tmp" "$out"
cat "$out"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
