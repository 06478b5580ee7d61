# crateSource :: { pname, version, sha256 } -> drv
# Arguments and result: docs/API.md, `crateSource`.
#
# A crates.io release's source tree (fetchCrate, then unpackCrate): a program to build or
# real-world input data for its workloads, pinned by the .crate's sha256.
{ fetchCrate
, unpackCrate
,
}:
args: unpackCrate (fetchCrate args)
