# goModVendor :: set -> drv
# Arguments and result: docs/API.md, `goModVendor`; docs/go.md.
#
# The module's vendor/ directory, made by `go mod vendor` in a fixed-output derivation
# whose hash is `vendorHash` (as nixpkgs' buildGoModule's goModules): every Go stage then
# builds with -mod=vendor and no network. A wrong hash fails with Nix's usual
# "specified: … got: sha256-…" message; the hash to write is the one after "got:".
# Here `go mod vendor` runs with GOPROXY=off, so the dependencies must be in src
# (`replace` directives to directories of src); with network and the proxy allowed
# (`proxy = true`) it fetches them like buildGoModule does.
{ mkStage
, toolchain
,
}:
{ pname
, version
, src
, modRoot ? "."
, # "sha256-…" (SRI) of the vendor directory.
  vendorHash
, # Let `go mod vendor` download modules from proxy.golang.org (GOPROXY): a fixed-output
  # derivation may use the network. Otherwise GOPROXY=off.
  proxy ? false
,
}:
mkStage {
  name = "${pname}-vendor-${version}";
  script = ./goModVendor.sh;
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = vendorHash;
  src = "${src}";
  inherit modRoot;
  inherit (toolchain.go) goroot;
  goBin = toolchain.go.go;
  goEnv = ../../internal/go/goEnv.sh;
  nixPgoGoToolchain = toolchain.go.id;
  env = {
    GOTOOLCHAIN = "local";
    GOPROXY = if proxy then "https://proxy.golang.org" else "off";
    GOENV = "off";
    GOTELEMETRY = "off";
    CGO_ENABLED = "0";
  };
}
