# shellcheck shell=bash
# Sourced by every Go stage script: the go command's environment (the stage's `env` has the
# fixed settings) and a check that the toolchain is visible in the sandbox.
# shellcheck disable=SC2154 # goroot and goBin come from .attrs.sh
export GOROOT=$goroot GOCACHE=$NIX_BUILD_TOP/go-cache GOPATH=$NIX_BUILD_TOP/go-path
[ -x "$goBin" ] || die "the Go toolchain ($goBin) is not visible in the build sandbox. On the host toolchain, run scripts/setup-host: it adds $goroot to Nix's sandbox-paths (or build with \`--option extra-sandbox-paths $goroot\`)."
