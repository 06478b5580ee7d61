# shellcheck shell=bash
# Writes $out/report-data.json (see report.nix) from each program's outputs, and
# $out/bin/report, which times the workloads with it (nix-pgo report).
# Environment, per program i in 0..programCount-1: programName$i, programPname$i,
# programVersion$i, programOrder$i / programVariants$i (parallel lists: variant names and
# paths), programEvaluation$i, programProfile$i, programOptimized$i (store paths) and
# programTiming$i (JSON, from Nix), programTolerance$i (the noRegression tolerance).

# jsonFile FILE: its content, or null when the stage didn't write it (an older build).
jsonFile() {
  if [ -f "$1" ]; then cat "$1"; else echo null; fi
}

mkdir -p "$out/bin"
data=$out/report-data.json
{
  echo '{"version": 1, "programs": {'
  for ((i = 0; i < programCount; i++)); do
    var() { local v=$1$i; printf '%s' "${!v}"; }
    read -r -a order <<<"$(var programOrder)"
    read -r -a paths <<<"$(var programVariants)"
    [ "$i" -eq 0 ] || echo ','
    printf '"%s": {"pname": "%s", "version": "%s",\n' "$(var programName)" "$(var programPname)" "$(var programVersion)"
    printf '"order": [%s],\n' "$(printf '"%s",' "${order[@]}" | sed 's/,$//')"
    echo '"variants": {'
    for j in "${!order[@]}"; do
      [ "$j" -eq 0 ] || echo ','
      bins=()
      for exe in "${paths[$j]}"/bin/*; do
        bins+=("\"${exe##*/}\": $(stat -L -c %s "$exe")")
      done
      [ "${#bins[@]}" -gt 0 ] || die "variant '${order[$j]}' of $(var programName) (${paths[$j]}) has no bin/*"
      (IFS=,; printf '"%s": {"path": "%s", "bins": {%s}}' "${order[$j]}" "${paths[$j]}" "${bins[*]}")
    done
    echo '},'
    printf '"evaluation": %s,\n' "$(cat "$(var programEvaluation)/evaluation.json")"
    printf '"profile": %s,\n' "$(jsonFile "$(var programProfile)/nix-support/profile.json")"
    printf '"coverage": %s,\n' "$(jsonFile "$(var programOptimized)/nix-support/pgo-coverage.json")"
    printf '"staleness": %s,\n' "$(jsonFile "$(var programOptimized)/nix-support/pgo-staleness.json")"
    printf '"regression_tolerance": %s,\n' "$(var programTolerance)"
    printf '"timing": %s}\n' "$(var programTiming)"
  done
  echo '}}'
} >"$data"
# Parses and checks it now, not after `nix run` has started timing.
"$helper" report --check-data --data "$data"

cat >"$out/bin/report" <<SCRIPT
#!$BASH
# Time baseline, optimized and bolted on the evaluation workloads and write the report
# (nix-pgo report --help): e.g. \`report --out bench-results\`.
exec "$helper" report --data "$data" "\$@"
SCRIPT
chmod +x "$out/bin/report"
