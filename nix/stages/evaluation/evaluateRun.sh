# shellcheck shell=bash
# One evaluation workload against one variant, under callgrind with cache and branch
# simulation: $out/<variant>.json holds the variant's instruction count, estimated cycles,
# stdout hash and self costs per function (written by the helper, which reads callgrind's
# files), $out/callgrind-totals.txt callgrind's own totals. The first variant's run keeps
# its stdout ($out/stdout); every other run fails if it printed something else.
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"

# shellcheck disable=SC2154 # variantName, variantPath, reference, referenceName and callgrindOptions come from .attrs.sh
variant=$variantName
mkdir -p "$out"
# A remedy that was not needed (stages/repair/) is its variant's binaries, copied: not a
# candidate of its own, so not run (its counts would differ from the variant's only by
# the path it runs from).
if [ -f "$variantPath/nix-support/repair" ] && [ "$(cat "$variantPath/nix-support/repair")" = not-needed ]; then
  log "workload '$workloadName', variant '$variant': not run, a remedy that was not needed"
  touch "$out/not-run"
  exit 0
fi

# Every variant runs at the same paths, so that nothing but the binary differs.
shims=$NIX_BUILD_TOP/bin cg=$NIX_BUILD_TOP/callgrind
mkdir -p "$shims" "$cg"
# Quoted for the shims' exec line.
options=$(printf '%q ' "${callgrindOptions[@]}")
for exe in "$variantPath"/bin/*; do
  # valgrind's own messages go to a file, never into the program's stderr: its cache
  # detection warns (even with --quiet and a fixed geometry) on some CPUs, and a
  # workload that captures stderr would then print pids that differ between variants.
  cat >"$shims/${exe##*/}" <<SHIM
#!$BASH
exec "$valgrind" --tool=callgrind --quiet $options--log-file="$cg/valgrind.%p.log" --callgrind-out-file="$cg/callgrind.out.%p" "$exe" "\$@"
SHIM
  chmod +x "$shims/${exe##*/}"
done

log "workload '$workloadName', variant '$variant'"
runWorkload "$NIX_BUILD_TOP/run" "$shims"

# valgrind's messages, if any, in the build log.
messages=("$cg"/valgrind.*.log)
[ "${#messages[@]}" -eq 0 ] || cat "${messages[@]}" >&2
outs=("$cg"/callgrind.out.*)
[ "${#outs[@]}" -gt 0 ] || die "evaluation workload '$workloadName' never ran the program ($variant): make it call the program by name (it is first on PATH)."

if [ -z "$reference" ]; then
  cp "$NIX_BUILD_TOP/run.stdout" "$out/stdout"
elif ! cmp -s "$reference/stdout" "$NIX_BUILD_TOP/run.stdout"; then
  {
    echo "nix-pgo: error: on evaluation workload '$workloadName', '$variant' printed something else than '$referenceName':"
    diff "$reference/stdout" "$NIX_BUILD_TOP/run.stdout" | head -n 20
    echo "An optimization changed the program's behaviour, or the workload's output is not deterministic (time, randomness, addresses): make it deterministic."
  } >&2
  exit 1
fi

"$helper" evaluate-variant --workload "$workloadName" --variant "$variant" \
  --stdout "$NIX_BUILD_TOP/run.stdout" --out "$out" "${outs[@]}"
# callgrind's own totals, as it wrote them, beside the helper's sum (tests compare them).
grep -h '^totals:' "${outs[@]}" >"$out/callgrind-totals.txt"
