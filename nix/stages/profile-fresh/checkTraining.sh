# shellcheck shell=bash
# The helper's verdicts on the locked profile (checkTraining.nix): its training workloads
# (none for an imported profile), and how much of it the program no longer has.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
mkdir -p "$out"
# Both checks run before the stage fails, so that one build names every reason. An error
# is on the log's last lines (only stdout goes through tee).
status=0
if [ -n "$imported" ]; then
  echo "$pname: the locked profile was imported from production (nix-pgo import), not trained: its training workloads are not what it was made of. Checked instead: how much of it the program no longer has (optimized's match against baseline)." | tee "$out/training.txt"
else
  printf '%s\n' "$trainingSources" >"$NIX_BUILD_TOP/training.json"
  "$helper" check-training --lock-file "$lockFile" --package "$pname" --toolchain "$toolchainId" \
    --workloads "$NIX_BUILD_TOP/training.json" --relock "$relockHint" | tee "$out/training.txt" || status=$?
fi
if [ -n "$optimized" ]; then
  "$helper" pprof staleness --max-stale "$maxStale" --refresh "$refresh" -o "$out/staleness.json" \
    "$optimized"/nix-support/profile-match-*.json | tee -a "$out/training.txt" || status=$?
fi
exit "$status"
