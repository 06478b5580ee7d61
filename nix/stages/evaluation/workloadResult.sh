# shellcheck shell=bash
# One evaluation workload's result, from its runs (evaluateRun.sh, one per variant):
# $out/result.json (each variant's instruction count, estimated cycles and stdout hash),
# $out/variants/<variant>.json (also its self costs per function) and
# $out/callgrind-totals/<variant>.txt. A remedy that was not needed has no run of its own.
# shellcheck disable=SC2154 # variantNames, runs and workloadName come from .attrs.sh
mkdir -p "$out/variants" "$out/callgrind-totals"
files=()
for i in "${!variantNames[@]}"; do
  variant=${variantNames[$i]} run=${runs[$i]}
  [ ! -e "$run/not-run" ] || continue
  cp "$run/$variant.json" "$out/variants/$variant.json"
  cp "$run/callgrind-totals.txt" "$out/callgrind-totals/$variant.txt"
  files+=("$out/variants/$variant.json")
done
"$helper" evaluation-result --workload "$workloadName" -o "$out/result.json" "${files[@]}"
