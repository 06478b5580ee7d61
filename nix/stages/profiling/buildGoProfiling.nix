# buildGoProfiling :: set -> drv
# Arguments and result: docs/API.md, `buildGoProfiling`; docs/go.md.
#
# The Go program built to profile itself: the source unmodified, plus one file added to
# each main package by `go build -overlay` (internal/go/nixPgoProfile.go) that writes a
# CPU profile from init to exit when NIX_PGO_GO_PROFILE_DIR is set. What `instrumented`
# is for Rust, without instrumentation: the code is the baseline's, so the samples are too.
{ goBuild }:
args: goBuild (args // { stage = "profiling"; })
