# shellcheck shell=bash
# All evaluation workloads' results in one file: $out/evaluation.json (written by the
# helper, which also prints it).
# shellcheck disable=SC2154 # results comes from .attrs.sh
mkdir -p "$out"
"$helper" evaluation-summary -o "$out/evaluation.json" "${results[@]/%//result.json}"
