#!/usr/bin/env bash
# CI for the beam module (github.com/sluicedata/sluice/beam): formatting, vet,
# one build of the sluice-beam binary (size and build time reported), the
# module's tests on Prism (in process, offline), a short fuzz run of the chunk
# codec, and a smoke run of the binary. Called by the repository's .ci/run;
# needs only Go (and ../shared beside the checkout for the W1 spec).
set -euo pipefail
cd "$(dirname "$0")"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
start=$(date +%s)
step() { printf '\n=== beam: %s (%ss)\n' "$*" $(( $(date +%s) - start )); }

step "gofmt"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt needed:"; echo "$bad"; exit 1; fi

step "go vet"
go vet ./...

step "build sluice-beam"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
b0=$(date +%s)
go build -o "$tmp/sluice-beam" ./cmd/sluice-beam
echo "built in $(( $(date +%s) - b0 ))s (cached packages make this fast after the first build); size $(du -m "$tmp/sluice-beam" | cut -f1) MB"

step "go test ./... (Prism)"
go test ./...

step "short fuzz run of the chunk codec"
go test -run '^$' -fuzz '^FuzzDecode$' -fuzztime "${FUZZTIME:-8s}" ./chunk

step "smoke run of the binary on Prism"
mkdir -p "$tmp/data"
printf 'store,amount\ns1,10\ns2,7\ns1,30\ns2,1\ns3,4\ns1,20\n' > "$tmp/data/sales.csv"
printf 'store,city\ns1,Oslo\ns2,Lima\n' > "$tmp/data/stores.csv"
cat > "$tmp/data/spec.yaml" <<'SPEC'
name: smoke
inputs:
  sales:  { path: sales.csv }
  stores: { path: stores.csv }
steps:
  - name: located
    join: { left: sales, right: stores, on: [store] }
    filter: amount > 2
  - name: per_city
    from: located
    group_by: [city]
    agg: { n: count(), mid: median(amount) }
output: { from: per_city, path: per_city.csv }
SPEC
"$tmp/sluice-beam" run "$tmp/data/spec.yaml" --runner prism --out "$tmp/out.csv"
want=$'city,n,mid\nOslo,3,20\nLima,1,7'
got=$(cat "$tmp/out.csv")
if [ "$got" != "$want" ]; then echo "smoke output:"; echo "$got"; echo "want:"; echo "$want"; exit 1; fi
echo "smoke output matches"

step "done"
