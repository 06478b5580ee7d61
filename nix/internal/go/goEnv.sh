# shellcheck shell=bash
# Sourced by every Go stage script: the go command's environment (the stage's `env` has the
# fixed settings) and a check that the toolchain is visible in the sandbox.
# shellcheck disable=SC2154 # goroot and goBin come from .attrs.sh
export GOROOT=$goroot GOCACHE=$NIX_BUILD_TOP/go-cache GOPATH=$NIX_BUILD_TOP/go-path
[ -x "$goBin" ] || die "the Go toolchain ($goBin) is not visible in the build sandbox. On the host toolchain, run scripts/setup-host: it adds $goroot to Nix's sandbox-paths (or build with \`--option extra-sandbox-paths $goroot\`)."

# go_too_new LOG: if the go command's output LOG says that go.mod (the module's, or a
# dependency's) asks for a newer Go than the toolchain's, die saying so. Every stage runs
# go with GOTOOLCHAIN=local, which forbids the toolchain download go would otherwise do,
# and the stage's own hint for a failure (the network for vendoring, a missing directory
# for subPackages) would send the user the wrong way.
go_too_new() {
  local line attr
  line=$(grep -m 1 -E 'requires go >= [0-9]+\.[0-9]+[^ ]* \(running go [^;]+; GOTOOLCHAIN=local\)' "$1") || return 0
  # nixpkgs' attribute of that Go release: go 1.28.1 -> go_1_28.
  attr=$(sed -E 's/.*requires go >= ([0-9]+)\.([0-9]+).*/go_\1_\2/' <<<"$line")
  die "${line#go: } (above): the module needs a newer Go than the toolchain's. nix-pgo runs go with GOTOOLCHAIN=local, so go downloads no other toolchain. Either build with a Go at least that new (nixpkgs' toolchain: an overlay \`go = final.$attr;\`), or lower the \`go\` line of go.mod (or the version of the dependency that requires it) to the toolchain's Go."
}
