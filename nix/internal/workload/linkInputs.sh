# shellcheck shell=bash
# A workload's $PGO_INPUTS: one link per input, named as in `inputs` (workloadEnv.nix).
mkdir -p "$out"
# shellcheck disable=SC2154 # inputs comes from .attrs.sh
for name in "${!inputs[@]}"; do
  ln -s "${inputs[$name]}" "$out/$name"
done
