# shellcheck shell=bash
# The helper's verdict on the locked profile's training workloads (checkTraining.nix).
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
mkdir -p "$out"
if [ -n "$imported" ]; then
  echo "$pname: the locked profile was imported from production (nix-pgo import), not trained: its training workloads are not what it was made of. Checked instead: how much of it the program no longer has (optimized's match against baseline)." | tee "$out/training.txt"
  # The error, if any, is the log's last line (only stdout goes through tee).
  "$helper" pprof staleness --max-stale "$maxStale" --refresh "$refresh" -o "$out/staleness.json" \
    "$optimized"/nix-support/profile-match-*.json | tee -a "$out/training.txt"
  exit 0
fi
printf '%s\n' "$trainingSources" >"$NIX_BUILD_TOP/training.json"
"$helper" check-training --lock-file "$lockFile" --package "$pname" --toolchain "$toolchainId" \
  --workloads "$NIX_BUILD_TOP/training.json" --relock "$relockHint" | tee "$out/training.txt"
