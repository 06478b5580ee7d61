# shellcheck shell=bash
# Entry point of every nix-pgo stage (see mkStage.nix): strict mode and a few helpers,
# then the stage's own script ($1). Plain derivations have no stdenv, so this is the
# small part of it the stages need.
set -euo pipefail
shopt -s nullglob

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

# shellcheck disable=SC1090
source "$1"
