# shellcheck shell=bash
# Entry point of every nix-pgo stage (see mkStage.nix): the stage's attributes, strict
# mode and a few helpers, then the stage's own script ($1). Plain derivations have no
# stdenv, so this is the small part of it the stages need.
set -euo pipefail
shopt -s nullglob

# Structured attributes: each derivation attribute as a bash variable (lists as arrays,
# sets of strings as associative arrays). Nix writes the file into the build directory;
# NIX_ATTRS_SH_FILE names it too, but Nix 2.8 gives the path outside the sandbox.
attrsFile=$NIX_BUILD_TOP/.attrs.sh
[ -e "$attrsFile" ] || attrsFile=${NIX_ATTRS_SH_FILE:?nix-pgo stages need structured attributes (.attrs.sh)}
# shellcheck disable=SC1090
source "$attrsFile"
unset attrsFile
# shellcheck disable=SC2154 # outputs and env come from .attrs.sh
out=${outputs[out]}
export PATH
# bash sets BASH from argv[0] ("bash") looked up in the PATH it started with, which Nix
# leaves unset with structured attributes; the scripts run workloads and write #! lines
# with it.
# shellcheck disable=SC2034,SC2154 # builder comes from .attrs.sh
BASH=$builder
for name in "${!env[@]}"; do export "$name=${env[$name]}"; done
unset name

# Nix sets HOME to a non-existent directory; tools that write caches get a real, private one.
export HOME=$NIX_BUILD_TOP/home
mkdir -p "$HOME"

# die MESSAGE...: fail the build with a message that says what went wrong and what to do.
die() {
  echo "nix-pgo: error: $*" >&2
  exit 1
}

# log MESSAGE...: a progress line in the build log.
log() {
  echo "nix-pgo: $*" >&2
}

# A stage only a remedy needs (mkStage's neededIf): the remedy copies its variant when the
# variant passed, so the work (running broad workloads) would be for nothing.
if [ -n "${neededIf:-}" ] && [ "$(cat "$neededIf/verdict")" != regressed ]; then
  log "not needed: the repair plan says the variant passed, so no remedy uses this stage's result"
  mkdir -p "$out/nix-support"
  echo not-needed >"$out/nix-support/repair"
  exit 0
fi

# shellcheck disable=SC1090
source "$1"
