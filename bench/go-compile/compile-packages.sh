# shellcheck shell=bash
# compilePackages PATTERN...: `go build` the GOROOT packages PATTERN names (`go list`; their
# dependencies too) with a fresh cache, the named packages' own compilations by the program
# under study (toolexec.sh), then print each one's object hash: the same for every variant, as the compiler is the same
# code (differently optimized). Sourced by the workload scripts; GOROOT comes from the
# workload's variables (default.nix).
compilePackages() {
  export GOTOOLCHAIN=local GOENV=off GOPROXY=off GOFLAGS="" CGO_ENABLED=0 GOTELEMETRY=off
  export GOCACHE=$PWD/go-cache GOPATH=$PWD/go-path
  local pkgs
  # The packages with Go files for this platform (net/internal/cgotest has none without cgo).
  mapfile -t pkgs < <("$GOROOT/bin/go" list -e -f '{{if .GoFiles}}{{.ImportPath}}{{end}}' "$@")
  [ "${#pkgs[@]}" -gt 0 ] || {
    echo "compilePackages: $* names no package" >&2
    exit 1
  }
  export NIX_PGO_TARGETS="${pkgs[*]}" NIX_PGO_OBJECTS=$PWD/objects.txt
  : >"$NIX_PGO_OBJECTS"
  "$GOROOT/bin/go" build -trimpath -toolexec "$BASH $PGO_INPUTS/toolexec" "${pkgs[@]}"
  sort "$NIX_PGO_OBJECTS"
  [ "$(wc -l <"$NIX_PGO_OBJECTS")" -eq "${#pkgs[@]}" ] || {
    echo "compilePackages: compile ran on $(wc -l <"$NIX_PGO_OBJECTS") of the ${#pkgs[@]} packages ${pkgs[*]}" >&2
    exit 1
  }
}
