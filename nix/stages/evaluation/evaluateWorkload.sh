# shellcheck shell=bash
# One evaluation workload against every variant, under callgrind with cache and branch
# simulation: $out/result.json holds each variant's instruction count, estimated cycles
# and stdout hash, $out/variants/<variant>.json also its self costs per function (both
# written by the helper, which reads callgrind's files). Fails if the variants' outputs
# differ.
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"

# shellcheck disable=SC2154 # variantNames, variantPaths and callgrindOptions come from .attrs.sh
names=("${variantNames[@]}") paths=("${variantPaths[@]}")
# Quoted for the shims' exec line.
options=$(printf '%q ' "${callgrindOptions[@]}")
mkdir -p "$out/callgrind-totals"

variantFiles=()
for i in "${!names[@]}"; do
  variant=${names[$i]}
  # A remedy that was not needed (stages/repair/) is its variant's binaries, copied: not a
  # candidate of its own, so not run (its counts would differ from the variant's only by
  # the path it runs from).
  if [ -f "${paths[$i]}/nix-support/repair" ] && [ "$(cat "${paths[$i]}/nix-support/repair")" = not-needed ]; then
    log "workload '$workloadName', variant '$variant': not run, a remedy that was not needed"
    continue
  fi
  # Every variant runs at the same paths, so that nothing but the binary differs.
  shims=$NIX_BUILD_TOP/bin cg=$NIX_BUILD_TOP/callgrind
  rm -rf "$shims" "$cg"
  mkdir -p "$shims" "$cg"
  for exe in "${paths[$i]}"/bin/*; do
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
  runWorkload "$NIX_BUILD_TOP/$variant" "$shims"

  # valgrind's messages, if any, in the build log.
  messages=("$cg"/valgrind.*.log)
  [ "${#messages[@]}" -eq 0 ] || cat "${messages[@]}" >&2
  outs=("$cg"/callgrind.out.*)
  [ "${#outs[@]}" -gt 0 ] || die "evaluation workload '$workloadName' never ran the program ($variant): make it call the program by name (it is first on PATH)."
  "$helper" evaluate-variant --workload "$workloadName" --variant "$variant" \
    --stdout "$NIX_BUILD_TOP/$variant.stdout" --out "$out/variants" "${outs[@]}"
  variantFiles+=("$out/variants/$variant.json")
  # callgrind's own totals, as it wrote them, beside the helper's sum (tests compare them).
  grep -h '^totals:' "${outs[@]}" >"$out/callgrind-totals/$variant.txt"

  if [ "$i" -gt 0 ] && ! cmp -s "$NIX_BUILD_TOP/${names[0]}.stdout" "$NIX_BUILD_TOP/$variant.stdout"; then
    {
      echo "nix-pgo: error: on evaluation workload '$workloadName', '$variant' printed something else than '${names[0]}':"
      diff "$NIX_BUILD_TOP/${names[0]}.stdout" "$NIX_BUILD_TOP/$variant.stdout" | head -n 20
      echo "An optimization changed the program's behaviour, or the workload's output is not deterministic (time, randomness, addresses): make it deterministic."
    } >&2
    exit 1
  fi
done

"$helper" evaluation-result --workload "$workloadName" -o "$out/result.json" "${variantFiles[@]}"
