# shellcheck shell=bash
# Each variant's merged profile against the first one's (the reference): $out/overlap.json
# with llvm-profdata overlap's edge overlap and count sums, and the number of functions
# with a non-zero count; $out/<variant>.txt is llvm-profdata overlap's report.
# Environment: variantNames, variantProfiles (parallel lists; profile stage outputs),
# profileFile (the profile's file name in them), llvmProfdata.
read -r -a names <<<"$variantNames"
read -r -a profiles <<<"$variantProfiles"
mkdir -p "$out"

profdata() { echo "$1/$profileFile"; }
# Functions whose counters are not all zero, from the text form of a profile: a record is
# the name, "# Func Hash:", the hash, "# Num Counters:", N, "# Counter Values:", N counts.
liveFunctions() {
  "$llvmProfdata" merge --text -o - "$1" | awk '
    /^# Counter Values:/ { inCounts = 1; live = 0; next }
    inCounts && /^[0-9]+$/ { if ($1 > 0) live = 1; next }
    inCounts { n += live; inCounts = 0 }
    END { if (inCounts) n += live; print n + 0 }'
}

ref=$(profdata "${profiles[0]}")
entries=()
for i in "${!names[@]}"; do
  variant=${names[$i]} test=$(profdata "${profiles[$i]}")
  "$llvmProfdata" overlap "$ref" "$test" >"$out/$variant.txt"
  # "  Edge profile overlap: 99.934%", "  Edge profile base count sum: N", "... test count sum: N"
  edge=$(awk -F': ' '/Edge profile overlap/ { sub("%", "", $2); print $2 }' "$out/$variant.txt")
  base=$(awk -F': ' '/Edge profile base count sum/ { print $2 }' "$out/$variant.txt")
  count=$(awk -F': ' '/Edge profile test count sum/ { print $2 }' "$out/$variant.txt")
  if [ -z "$edge" ] || [ -z "$count" ]; then
    die "llvm-profdata overlap printed no edge overlap for '$variant' (see $out/$variant.txt)"
  fi
  live=$(liveFunctions "$test")
  log "$variant: edge overlap $edge % with ${names[0]}, total count $count (reference $base), $live functions with counts"
  entries+=("\"$variant\": {\"edge_overlap_percent\": $edge, \"total_count\": $count, \"reference_total_count\": $base, \"functions_with_counts\": $live}")
done
(IFS=,; printf '{"reference": "%s", "variants": {%s}}\n' "${names[0]}" "${entries[*]}") >"$out/overlap.json"
