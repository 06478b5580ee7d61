# goVariables :: { cgo, vendor } -> set
#
# The environment every go command of a Go stage runs in (builds and `go test -bench`):
# the toolchain in the sandbox only (no download of another Go, no network module proxy
# or checksum database: modules come from the vendor stage), no user or telemetry
# configuration, and cgo only when the package asks for it. The vendor stage (goModVendor)
# is a vendor/ directory (-mod=vendor; the script puts it beside go.mod), or with its
# proxyVendor a module cache, then read as a proxy (GOPROXY=file://…, -mod=mod), as
# nixpkgs' buildGoModule does.
{ cgo, vendor ? null }:
let
  moduleCache = import ./isModuleCache.nix vendor;
in
{
  GOTOOLCHAIN = "local";
  GOPROXY = if moduleCache then "file://${vendor}" else "off";
  GOSUMDB = "off";
  GOFLAGS = if moduleCache then "-mod=mod" else "-mod=vendor";
  GOENV = "off";
  # The package is one module (modRoot), vendored from its own go.mod and go.sum: a go.work
  # committed beside it would switch go to workspace mode, where `-mod=vendor` wants the
  # workspace's vendor/ (`go work vendor`) and `-mod=mod` is refused (the go trial: the
  # build failed as "subPackages entry '.' is no package"). nixpkgs packages with a go.work
  # set GOWORK=off by hand; here the environment is fixed, so it is set for them.
  GOWORK = "off";
  GOTELEMETRY = "off";
  CGO_ENABLED = if cgo then "1" else "0";
}
