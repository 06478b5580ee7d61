# goVariables :: bool -> set
#
# The environment every go command of a Go stage runs in (builds and `go test -bench`):
# the toolchain in the sandbox only (no download of another Go, no module proxy or
# checksum database: modules come from the vendor stage), no user or telemetry
# configuration, and cgo only when the package asks for it.
cgo: {
  GOTOOLCHAIN = "local";
  GOPROXY = "off";
  GOSUMDB = "off";
  GOFLAGS = "-mod=vendor";
  GOENV = "off";
  GOTELEMETRY = "off";
  CGO_ENABLED = if cgo then "1" else "0";
}
