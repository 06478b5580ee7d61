# goModVendor :: set -> drv
# Arguments and result: docs/API.md, `goModVendor`; docs/go.md.
#
# The module's dependencies, fetched in a fixed-output derivation whose hash is
# `vendorHash`, as nixpkgs' buildGoModule's goModules: by default `go mod vendor`'s
# vendor/ directory (every Go stage then builds with -mod=vendor); with `proxyVendor`,
# `go mod download`'s module cache (the stages then build with -mod=mod from
# GOPROXY=file://<this>). A wrong hash fails with Nix's usual "specified: … got: sha256-…"
# message; the hash to write is the one after "got:".
#
# As buildGoModule's, the derivation may download: GOPROXY comes from the environment of
# `nix build` (or the Nix daemon) when set there, else Go's default
# (https://proxy.golang.org,direct). Dependencies in src (`replace` directives to its
# directories) need no network at all.
{ mkStage
, toolchain
,
}:
{ pname
, version
, src
, modRoot ? "."
, # "sha256-…" (SRI) of the output.
  vendorHash
, # `go mod download`'s module cache instead of `go mod vendor`'s vendor/ (nixpkgs'
  # buildGoModule's proxyVendor): for modules whose vendor/ would miss C sources or whose
  # paths differ only in case.
  proxyVendor ? false
,
}:
let
  # The CA bundle for https proxies. The host toolchain's throws when the host has none:
  # then there is none, and a module whose dependencies are all in src still vendors.
  caBundle = builtins.tryEval toolchain.caBundle;
in
mkStage {
  name = "${pname}-vendor-${version}";
  script = ./goModVendor.sh;
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = vendorHash;
  # Taken from the environment of `nix build` (the daemon's, with one), as nixpkgs'
  # fetchers and buildGoModule do: proxies (lib.fetchers.proxyImpureEnvVars) and GOPROXY.
  # Not GOSUMDB: go checks modules against go.sum, which `go mod vendor` and
  # `go mod download` require complete, so the checksum database is not asked.
  impureEnvVars = [
    "http_proxy"
    "https_proxy"
    "ftp_proxy"
    "all_proxy"
    "no_proxy"
    "GIT_PROXY_COMMAND"
    "SOCKS_SERVER"
    "GOPROXY"
  ];
  src = "${src}";
  inherit modRoot;
  mode = if proxyVendor then "download" else "vendor";
  inherit (toolchain.go) goroot;
  goBin = toolchain.go.go;
  goEnv = ../../internal/go/goEnv.sh;
  nixPgoToolchain = toolchain.go.id;
  env = {
    GOTOOLCHAIN = "local";
    GOENV = "off";
    # One module, not a workspace: `go mod vendor` refuses to run in workspace mode
    # (goVariables.nix says why the builds set it too).
    GOWORK = "off";
    GOTELEMETRY = "off";
    CGO_ENABLED = "0";
  } // (if caBundle.success then { SSL_CERT_FILE = "${caBundle.value}"; } else { });
  passthru = { inherit proxyVendor; };
}
