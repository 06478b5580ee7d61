# buildRelease :: set -> drv
# Arguments and result: docs/API.md, `buildRelease`.
#
# The release artifact of one program: $out/<pname>-<version>-<system>.tar.gz holding the
# shipped binaries, provenance.json and SHA256SUMS, written by the helper (`nix-pgo
# release`, pure Rust: no tar or gzip needed in the toolchain) with sorted entries, owner
# 0, fixed times and a gzip header without name or time, so its bytes depend on the
# binaries and their provenance only. Hashes (NAR hashes of the source, the profile and
# each workload's script and inputs; sha256 of the binaries) are computed in the build,
# from the store paths given here. `nix-pgo verify-release` checks an archive.
{ helper
, mkStage
, toolchain
, workloadPath
,
}:
{ pname
, version
, bins
, # The stage whose bin/<bin> is shipped, and its name (its nix-support/choice.json, if it
  # has one, says which variant it is and why).
  shipped
, shippedStage
, # What it was compared with, and the evaluation's instruction counts (null: none).
  baseline
, evaluation ? null
, profile
, # The lock entry the profile was realised from (null: an unlocked profile).
  lockEntry ? null
, # `nix-pgo import`'s provenance of the locked profile (a path; null: none). The helper
  # carries it when its fingerprint is the profile's.
  importProvenance ? null
, # { training = { <name> = { script, inputs ? { } }; }; evaluation = { … }; }
  workloads
, # The cargo stages' source.
  src
, # rustflags and cargo flags, recorded as given.
  flags ? { }
, # The toolchain id the profile is locked for (provenance.json's toolchain.id): the Go
  # pipeline's is toolchain.go.id.
  toolchainId ? toolchain.id
, # The compiler that built the binaries, and how it prints its version (provenance.json's
  # toolchain.rustc or toolchain.go).
  compiler ? {
    name = "rustc";
    path = toolchain.rustc;
    versionArgs = [ "-vV" ];
  }
,
}:
let
  inherit (builtins) mapAttrs;
  workloadPaths = mapAttrs (_: w:
    # A script, a Go benchmark (`go test -bench`) or a Rust package's tests (`cargoTest`):
    # their settings, no script.
    (if w ? benchmark then { inherit (w) benchmark; }
    else if w ? cargoTest then { inherit (w) cargoTest; }
    else { script = workloadPath w.script; })
    // { inputs = mapAttrs (_: workloadPath) (w.inputs or { }); });
in
mkStage {
  name = "${pname}-release-${version}";
  script = ./buildRelease.sh;
  helper = "${helper}/bin/nix-pgo";
  # One JSON document (helper/src/release.rs, `Spec`); its store paths are the stage's inputs.
  spec = builtins.toJSON {
    inherit pname version bins shippedStage lockEntry flags;
    inherit (toolchain) system;
    inherit compiler;
    inherit toolchainId;
    shipped = "${shipped}";
    baseline = "${baseline}";
    profile = "${profile}";
    evaluation = if evaluation == null then null else "${evaluation}";
    importProvenance = if importProvenance == null then null else workloadPath importProvenance;
    source = "${src}";
    workloads = {
      training = workloadPaths (workloads.training or { });
      evaluation = workloadPaths (workloads.evaluation or { });
    };
  };
}
