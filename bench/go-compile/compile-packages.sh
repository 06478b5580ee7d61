# shellcheck shell=bash
# compilePackages PKG...: `go build` the GOROOT packages PKG (and their dependencies) with
# a fresh cache, PKG's own compilations by the program under study (toolexec.sh), then
# print each PKG's object hash: the same for every variant, as the compiler is the same
# code (differently optimized). Sourced by the workload scripts; GOROOT comes from the
# workload's variables (default.nix).
compilePackages() {
  export GOTOOLCHAIN=local GOENV=off GOPROXY=off GOFLAGS="" CGO_ENABLED=0 GOTELEMETRY=off
  export GOCACHE=$PWD/go-cache GOPATH=$PWD/go-path
  export NIX_PGO_TARGETS="$*" NIX_PGO_OBJECTS=$PWD/objects.txt
  : >"$NIX_PGO_OBJECTS"
  "$GOROOT/bin/go" build -trimpath -toolexec "$BASH $PGO_INPUTS/toolexec" "$@"
  sort "$NIX_PGO_OBJECTS"
  [ "$(wc -l <"$NIX_PGO_OBJECTS")" -eq "$#" ] || {
    echo "compilePackages: compile ran on $(wc -l <"$NIX_PGO_OBJECTS") of the $# packages $*" >&2
    exit 1
  }
}
