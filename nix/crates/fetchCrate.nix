# fetchCrate :: { pname, version, sha256 } -> drv
# Arguments and result: docs/API.md, `fetchCrate`.
#
# One crate's .crate file from crates.io, as a fixed-output derivation. Uses Nix's
# builtin:fetchurl (it has CA certificates; curl inside a builder has none), and the
# static download host, which is what cargo itself downloads from.
{}:
{ pname
, version
, # sha256 of the .crate file, hex: the `checksum` in Cargo.lock.
  sha256
,
}:
derivation {
  name = "crate-${pname}-${version}.crate";
  system = "builtin";
  builder = "builtin:fetchurl";
  url = "https://static.crates.io/crates/${pname}/${pname}-${version}.crate";
  urls = [ "https://static.crates.io/crates/${pname}/${pname}-${version}.crate" ];
  outputHashMode = "flat";
  outputHashAlgo = "sha256";
  outputHash = sha256;
  executable = false;
  unpack = false;
  preferLocalBuild = true;
  impureEnvVars = [
    "http_proxy"
    "https_proxy"
    "all_proxy"
    "no_proxy"
  ];
}
