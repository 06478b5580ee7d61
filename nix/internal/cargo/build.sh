# shellcheck shell=bash
# The default cargo stage: set up, build, install (baseline, instrumented, helper).
# shellcheck source=./cargo.sh
source "$cargoBuildScript"
cargoSetup
cargoBuild build
if [ -n "${checkCommand:-}" ]; then
  log "running tests: $checkCommand"
  eval "$checkCommand"
fi
installBins
