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
, workloadSources
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
, # { training = { <name> = { script, inputs ? { } }; }; evaluation = { … }; broad ? { … }; }
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
  pathOrNull = p: if p == null then null else "${p}";
  # What each candidate of the shipped stage was built from, from its stage's passthru:
  # the PGO profile (optimized and the remedies built like it: buildOptimized's; bolted:
  # its input's), the BOLT profile, and for a remedy the variant it copies when that
  # variant needed no repair or the remedy could not be made. The helper describes the one
  # `best` chose (its choice.json), so that provenance names the profile the shipped binary
  # was compiled with, which a remedy changes (optimized-unprofiled, optimized-broad), and
  # none for the baseline.
  # `best`'s candidates (a locked choice's: the one it ships); without `best` there is no
  # choice: the shipped stage is the one candidate.
  candidates = shipped.variants or { ${shippedStage} = shipped; };
  builtFrom = mapAttrs
    (_: v: {
      path = "${v}";
      profile = pathOrNull (v.profile or (v.boltInput.profile or null));
      boltProfile = pathOrNull (v.boltProfile or null);
      original = pathOrNull (v.original or null);
    })
    candidates;
in
mkStage {
  name = "${pname}-release-${version}";
  script = ./buildRelease.sh;
  helper = "${helper}/bin/nix-pgo";
  # One JSON document (helper/src/release.rs, `Spec`); its store paths are the stage's inputs.
  spec = builtins.toJSON {
    inherit pname version bins shippedStage flags;
    # A locked choice's numbers are `shipped`'s choice.json, exact (Nix would print them to
    # 6 digits); the entry says which variant it names and whether `best` took it or set it
    # aside (internal/lockedChoice.nix).
    lockEntry =
      if lockEntry == null then null
      else removeAttrs lockEntry [ "choice" ] // (if lockEntry ? choice then {
        choice = {
          inherit (lockEntry.choice) chosen;
          used = shipped.lockedChoice or false;
        };
      } else { });
    inherit (toolchain) system;
    inherit compiler;
    inherit toolchainId;
    shipped = "${shipped}";
    baseline = "${baseline}";
    profile = "${profile}";
    evaluation = if evaluation == null then null else "${evaluation}";
    importProvenance = if importProvenance == null then null else workloadPath importProvenance;
    source = "${src}";
    variants = builtFrom;
    workloads = {
      training = workloadSources (workloads.training or { });
      evaluation = workloadSources (workloads.evaluation or { });
      # The optimized-broad remedy's profile has them (buildPgoPackage's workloads.broad).
      broad = workloadSources (workloads.broad or { });
    };
  };
}
