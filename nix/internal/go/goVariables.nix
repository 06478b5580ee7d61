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
  GOTELEMETRY = "off";
  CGO_ENABLED = if cgo then "1" else "0";
}
