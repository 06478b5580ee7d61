# shellcheck shell=bash
# The helper's verdict on the locked profile's training workloads (checkTraining.nix).
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
mkdir -p "$out"
if [ -n "$imported" ]; then
  echo "$pname: the locked profile was imported from production (nix-pgo import), not trained: its training workloads are not what it was made of." | tee "$out/training.txt"
  exit 0
fi
printf '%s\n' "$trainingSources" >"$NIX_BUILD_TOP/training.json"
"$helper" check-training --lock-file "$lockFile" --package "$pname" --toolchain "$toolchainId" \
  --workloads "$NIX_BUILD_TOP/training.json" --relock "$relockHint" | tee "$out/training.txt"
