# shellcheck shell=bash
# All evaluation workloads' results in one file: $out/evaluation.json.
read -r -a results <<<"${results:-}"
mkdir -p "$out"
{
  echo '{"workloads": ['
  sep=
  for r in "${results[@]}"; do
    printf '%s' "$sep"
    cat "$r/result.json"
    sep=,
  done
  echo ']}'
} >"$out/evaluation.json"
cat "$out/evaluation.json" >&2
