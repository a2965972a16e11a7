#!/usr/bin/env bash
# W1 benchmark: sluice vs Polars vs DuckDB on the acceptance spec
# (../shared/examples/w1-features.yaml), on two shapes of the OES table, in one
# invocation:
#
#   selective      `sluice gen w1 --scale X`: about 2 OES rows per (occupation,
#                  state) pair, ~19% of the rows on a pair W1 looks up;
#   nonselective   `sluice gen w1 --scale X --rows-per-pair N`, N = 4, 40, 200
#                  at S, M, L: each state broken down by ~N/0.6 industries,
#                  each (state, industry, occupation) row present with
#                  probability ~0.6, ~39% of the rows on a pair (the shape of
#                  issues 14 and 15). Each pair is wanted by ~10.5
#                  (title, state) rows of pair_codes, so `matched` has about
#                  10.5 x the rows on a pair: 1.7M at S, 17M at M, 86M at L.
#
# Engines (ENGINES, default all four):
#   sluice       sluice run SPEC --data-dir D --out OUT --progress never --quiet
#   sluice-mem   the same with --mem $MEM (default 256MiB)
#   polars       node bench/w1ref/w1-polars.js D OUT (nodejs-polars 0.25.2, lazy)
#   duckdb       node bench/w1ref/w1-duckdb.js D OUT TMP (@duckdb/node-api 1.5.6-r.1)
# Polars and DuckDB come from npm (the registry this machine reaches; PyPI is
# not reachable here), installed once into $BENCH_DIR/w1ref. If node/npm or the
# install is missing, those engines are reported "not installed" — never faked.
#
# Each engine runs REPS times (default 3) under /usr/bin/time -v; the table
# gives the median wall time (min–max), the largest peak RSS ("Maximum resident
# set size"), rows out, whether the output equals sluice's (no --mem) as a
# multiset of rows (bench/w1ref/w1cmp.py: numbers to 1e-9 relative), and the
# time ratio to Polars. A failed run (e.g. out of memory) is reported with its
# exit status. Data lives under $BENCH_DIR (default /tmp/sluice-bench), never
# committed; the page cache is warmed before each engine.
#
#   bench/w1.sh                  # S and M, both shapes, all engines
#   bench/w1.sh S M L            # the full table (L: ~5 GB per shape; sluice
#                                # without --mem and Polars need several GB of
#                                # RAM on the non-selective L shape)
#   SHAPES=nonselective ENGINES="sluice-mem polars" bench/w1.sh L
#   REPS=5 MEM=512MiB RPP_L=100 bench/w1.sh L
#   SLUICE_BIN=/path/to/sluice bench/w1.sh S    # use a prebuilt binary for run
#                                               # (gen then uses it too)
#
# Writes the markdown table to stdout and to $RESULTS (default
# bench/w1-results.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scales=("$@")
[ ${#scales[@]} -eq 0 ] && scales=(S M)
dir="${BENCH_DIR:-/tmp/sluice-bench}"
reps="${REPS:-3}"
mem="${MEM:-256MiB}"
read -r -a shapes <<< "${SHAPES:-selective nonselective}"
read -r -a engines <<< "${ENGINES:-sluice sluice-mem polars duckdb}"
declare -A rpp=([S]="${RPP_S:-4}" [M]="${RPP_M:-40}" [L]="${RPP_L:-200}")
results="${RESULTS:-bench/w1-results.md}"
spec="$(cd ../shared/examples && pwd)/w1-features.yaml"
mkdir -p "$dir"

bin="${SLUICE_BIN:-$dir/sluice}"
if [ -z "${SLUICE_BIN:-}" ]; then
  go build -o "$bin" ./cmd/sluice
fi

# Reference engines from npm, pinned in bench/w1ref/package.json.
ref="$dir/w1ref"
want_ref=0
for e in "${engines[@]}"; do
  case "$e" in polars | duckdb) want_ref=1 ;; esac
done
ref_ok=0
if [ "$want_ref" = 1 ]; then
  if command -v node > /dev/null && command -v npm > /dev/null; then
    mkdir -p "$ref"
    if ! NODE_PATH="$ref/node_modules" node -e 'require("nodejs-polars"); require("@duckdb/node-api")' 2> /dev/null; then
      echo "installing nodejs-polars and @duckdb/node-api into $ref" >&2
      cp bench/w1ref/package.json "$ref/package.json"
      platform=()
      # nodejs-polars's native build is an optional dependency that npm does
      # not always pick up; name it for the common platform.
      [ "$(uname -sm)" = "Linux x86_64" ] && platform=(nodejs-polars-linux-x64-gnu@0.25.2)
      (cd "$ref" && npm install --no-save --no-audit --no-fund -E "${platform[@]}" > npm.log 2>&1) ||
        echo "npm install failed (see $ref/npm.log)" >&2
    fi
    NODE_PATH="$ref/node_modules" node -e 'require("nodejs-polars"); require("@duckdb/node-api")' 2> /dev/null && ref_ok=1
  else
    echo "node/npm not found: Polars and DuckDB are not run" >&2
  fi
fi

# engine_cmd ENGINE DATA OUT: sets cmd to the command line of one run of
# ENGINE on the W1 tables in DATA.
engine_cmd() {
  case "$1" in
    sluice) cmd=("$bin" run "$spec" --data-dir "$2" --out "$3" --progress never --quiet) ;;
    sluice-mem) cmd=("$bin" run "$spec" --data-dir "$2" --out "$3" --progress never --quiet --mem "$mem") ;;
    polars) cmd=(env NODE_PATH="$ref/node_modules" node bench/w1ref/w1-polars.js "$2" "$3") ;;
    duckdb) cmd=(env NODE_PATH="$ref/node_modules" node bench/w1ref/w1-duckdb.js "$2" "$3" "$dir/duckdb-tmp") ;;
    *)
      echo "unknown engine $1 (want sluice, sluice-mem, polars or duckdb)" >&2
      exit 2
      ;;
  esac
}

# seconds "h:mm:ss" or "m:ss.ss" -> seconds
seconds() { awk -F: '{s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s}' <<< "$1"; }

{
  echo "| scale | shape | OES size | OES rows on a W1 pair | engine | wall time, median of $reps (min–max) | peak RSS, max | rows out | output | ÷ Polars |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$results.tmp"

for s in "${scales[@]}"; do
  for shape in "${shapes[@]}"; do
    case "$shape" in
      selective)
        data="$dir/w1-$s"
        genflags=()
        ;;
      nonselective)
        [ -n "${rpp[$s]:-}" ] || { echo "no rows per pair for scale $s (set RPP_$s)" >&2; exit 2; }
        data="$dir/w1-$s-rpp${rpp[$s]}"
        genflags=(--rows-per-pair "${rpp[$s]}")
        ;;
      *)
        echo "unknown shape $shape (want selective or nonselective)" >&2
        exit 2
        ;;
    esac
    if [ ! -f "$data/oes.csv" ] || [ ! -f "$data/gen.log" ]; then
      "$bin" gen w1 --scale "$s" "${genflags[@]}" --out "$data" 2> "$data.gen.log.tmp" ||
        { cat "$data.gen.log.tmp" >&2; exit 1; }
      mv "$data.gen.log.tmp" "$data/gen.log"
    fi
    cat "$data/gen.log" >&2
    size=$(du -m "$data/oes.csv" | cut -f1)
    # "wrote W1 scale S (420000 OES rows, 163507 of them on an (occupation, state) pair; …"
    onpair=$(sed -n 's/.*(\([0-9]*\) OES rows, \([0-9]*\) of them on.*/\2 of \1/p' "$data/gen.log")
    [ -n "$onpair" ] || onpair="?"

    declare -A wall=() rss=() rows=()
    rm -f "$data"/features-*.csv # compare only this invocation's outputs
    for e in "${engines[@]}"; do
      out="$data/features-$e.csv"
      rm -f "$out"
      if { [ "$e" = polars ] || [ "$e" = duckdb ]; } && [ "$ref_ok" != 1 ]; then
        wall[$e]="not installed"
        continue
      fi
      cat "$data"/*.csv > /dev/null # warm the page cache: measure the engine, not the disk
      log="$data/time-$e.txt"
      : > "$log"
      failed=""
      for rep in $(seq "$reps"); do
        tv="$data/time-$e.$rep.v"
        engine_cmd "$e" "$data" "$out"
        rm -rf "$dir/duckdb-tmp"
        if /usr/bin/time -v -o "$tv" "${cmd[@]}" 2> "$data/stderr-$e.txt"; then
          w=$(seconds "$(sed -n 's/.*Elapsed (wall clock).*: \([0-9:.]*\)$/\1/p' "$tv")")
          m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
          echo "$w $m" >> "$log"
          echo "$s $shape $e run $rep: $w s, $((m / 1024)) MiB" >&2
        else
          st=$(sed -n 's/.*Exit status: //p' "$tv")
          m=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
          failed="failed (exit ${st:-?}, $((${m:-0} / 1024)) MiB; $(tail -c 200 "$data/stderr-$e.txt" | tr '\n|' '  '))"
          echo "$s $shape $e run $rep: $failed" >&2
          break
        fi
      done
      if [ -n "$failed" ]; then
        wall[$e]="$failed"
        continue
      fi
      wall[$e]=$(sort -n "$log" | awk '{w[NR] = $1} END {printf "%.2f s (%.2f–%.2f)", w[int((NR + 1) / 2)], w[1], w[NR]}')
      rss[$e]=$(sort -k2 -n "$log" | tail -1 | awk '{printf "%.0f MiB", $2 / 1024}')
      rows[$e]=$(($(wc -l < "$out") - 1))
    done

    base=""
    [ -f "$data/features-sluice.csv" ] && base="$data/features-sluice.csv"
    pol=""
    [ -n "${rss[polars]:-}" ] && pol=$(awk '{print $1}' <<< "${wall[polars]}")
    for e in "${engines[@]}"; do
      out="$data/features-$e.csv"
      if [ -z "${rss[$e]:-}" ]; then
        echo "| $s | $shape | ${size} MB | $onpair | $e | ${wall[$e]} | | | | |" >> "$results.tmp"
        continue
      fi
      if [ -z "$base" ]; then
        check="(no sluice run to compare)"
      elif [ "$out" = "$base" ]; then
        check="reference"
      elif c=$(python3 bench/w1ref/w1cmp.py "$base" "$out"); then
        check="= sluice"
      else
        check="DIFFERS: $c"
        echo "$s $shape $e: output differs from sluice's: $c" >&2
      fi
      ratio=""
      if [ -n "$pol" ]; then
        ratio=$(awk -v a="$(awk '{print $1}' <<< "${wall[$e]}")" -v b="$pol" 'BEGIN {printf "%.2f", a / b}')
      fi
      echo "| $s | $shape | ${size} MB | $onpair | $e | ${wall[$e]} | ${rss[$e]} | ${rows[$e]} | $check | $ratio |" >> "$results.tmp"
    done
    unset wall rss rows
  done
done
mv "$results.tmp" "$results"
cat "$results"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; load average: $(cut -d' ' -f1-3 /proc/loadavg); sluice $("$bin" version 2> /dev/null | head -1)"
