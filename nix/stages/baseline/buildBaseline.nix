# buildBaseline :: set -> drv
# Arguments and result: docs/API.md, `buildBaseline`.
#
# The normal release build, with the same flags as every other stage except PGO: the
# reference that optimized (and bolted) binaries are compared with.
# Takes cargoBuild's arguments (internal/cargo/cargoBuild.nix) without `stage`.
{ cargoBuild }:
args: cargoBuild (args // { stage = "baseline"; })
