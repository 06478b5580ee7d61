# unpackCrate :: drv -> drv
# Arguments and result: docs/API.md, `unpackCrate`.
#
# A fetched .crate (fetchCrate) unpacked: the crate's source tree, e.g. a program to build
# or real-world input data for workloads.
{ mkStage }:
crate:
mkStage {
  name = builtins.replaceStrings [ ".crate" ] [ "" ] crate.name;
  script = builtins.toFile "unpack-crate.sh" ''
    mkdir -p "$out"
    tar -xzf "$crate" -C "$out" --strip-components=1 --no-same-owner
  '';
  inherit crate;
}
