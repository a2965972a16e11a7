#!/usr/bin/env bash
# Resume benchmark (issue 19): how long does `sluice run --resume` take to
# finish a W1 run that was killed (SIGKILL) after a fraction of its time?
#
#   bench/resume.sh DATA_DIR [FRACTION] [sluice flags...]
#   bench/resume.sh /tmp/sluice-bench/w1-M-rpp40 0.8
#   bench/resume.sh /tmp/sluice-bench/w1-M-rpp40 0.8 --mem 256MiB
#
# Runs the W1 spec (../shared/examples/w1-features.yaml) on DATA_DIR (from
# `sluice gen w1`): once plainly (T), once with --resume uninterrupted (the
# cost of writing checkpoints), then with --resume killed at FRACTION x T
# and run again with --resume; prints the times, the resumed run's share of
# T, and checks that the resumed output is byte-identical to the plain one.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?data dir from sluice gen w1}
frac=${2:-0.8}
shift $(( $# < 2 ? $# : 2 ))
spec="$(cd ../shared/examples && pwd)/w1-features.yaml"
bin=$(mktemp -d)/sluice
go build -o "$bin" ./cmd/sluice
out=$(mktemp -d)
trap 'rm -rf "$out" "$(dirname "$bin")"' EXIT
now() { date +%s.%N; }
run() { "$bin" run "$spec" --data-dir "$data" --progress never --quiet "$@"; }

t0=$(now); run -o "$out/plain.csv" "$@"; t_plain=$(echo "$(now) - $t0" | bc)
t0=$(now); run -o "$out/full.csv" --resume "$@"; t_ckpt=$(echo "$(now) - $t0" | bc)
cmp "$out/plain.csv" "$out/full.csv"
rm "$out/full.csv"
delay=$(echo "$t_plain * $frac" | bc)
# started directly (not through the run function, whose subshell would be
# the process killed, leaving sluice running)
"$bin" run "$spec" --data-dir "$data" --progress never --quiet -o "$out/resumed.csv" --resume "$@" &
pid=$!
sleep "$delay"
kill -9 "$pid" 2>/dev/null && killed=yes || killed="no (finished first)"
wait "$pid" 2>/dev/null || true
ls -d "$out"/.sluice-run-* >/dev/null 2>&1 && ckpts=$(du -sm "$out"/.sluice-run-* | cut -f1) || ckpts=0
t0=$(now); run -o "$out/resumed.csv" --resume "$@"; t_res=$(echo "$(now) - $t0" | bc)
cmp "$out/plain.csv" "$out/resumed.csv"
printf 'data %s, flags: %s\n' "$data" "${*:-none}"
printf 'plain run            %6.2f s\n' "$t_plain"
printf 'with --resume        %6.2f s (checkpoints written)\n' "$t_ckpt"
printf 'killed at %.0f%%        %6.2f s: %s, %s MB of checkpoints left\n' "$(echo "$frac*100" | bc)" "$delay" "$killed" "$ckpts"
printf 'resumed run          %6.2f s = %.0f%% of the plain run; output identical\n' "$t_res" "$(echo "100*$t_res/$t_plain" | bc -l)"
