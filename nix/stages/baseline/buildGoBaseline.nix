# buildGoBaseline :: set -> drv
# Arguments and result: docs/API.md, `buildGoBaseline`.
#
# The Go program built as without nix-pgo (-pgo=off, so that a default.pgo in the main
# package is not picked up either): the reference optimized is compared with.
# Takes goBuild's arguments (internal/go/goBuild.nix) without `stage`.
{ goBuild }:
args: goBuild (args // { stage = "baseline"; })
