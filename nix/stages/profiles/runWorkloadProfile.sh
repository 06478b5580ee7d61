# shellcheck shell=bash
# One training workload → one indexed profile ($out).
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"
# shellcheck source=./workloadProfile.sh
source "$workloadProfileScript"

profileRuns
log "running workload '$workloadName'"
runWorkload "$NIX_BUILD_TOP/$workloadName" "$instrumented/bin"
cat "$NIX_BUILD_TOP/$workloadName.stderr" >&2
writeProfile "$instrumented/bin"
