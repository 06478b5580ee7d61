# mergeBoltProfiles :: set -> drv
# Arguments and result: docs/API.md, `mergeBoltProfiles`.
#
# Merges the per-workload BOLT profiles with merge-fdata: $out/<binary>.fdata for each
# binary. merge-fdata has no weights: a workload counts as much as it ran.
# $out/nix-support/bolt-input.sha256 records the binaries the profile was taken on
# (sha256sum's format): a BOLT profile names code by offsets into one binary, and a
# locked one (lockedBoltProfile.nix) may meet another build of it (buildBolted.sh checks).
{ mkStage
, toolchain
,
}:
{ pname
, version
, # { <workload> = <runBoltWorkloadProfile drv>; }
  boltProfiles
, # The binaries that must have a profile (every binary of the BOLT input).
  bins
, # buildBoltInput's result, which the workloads ran (instrumented).
  boltInput
, # Content-addressed output (mkStage.nix), as for runBoltWorkloadProfile.
  contentAddressed ? false
,
}:
if boltProfiles == { } then
  throw "mergeBoltProfiles: ${pname} has no workload BOLT profiles to merge; give it at least one training workload."
else
  mkStage {
    name = "${pname}-bolt-profile-${version}";
    script = ./mergeBoltProfiles.sh;
    boltScriptLib = ../../internal/bolt/bolt.sh;
    inherit (toolchain) mergeFdata;
    inherit bins boltInput contentAddressed;
    # The workloads in a fixed order (bash's associative arrays have none) and their BOLT
    # profiles, { <workload> = path; }.
    workloadNames = builtins.attrNames boltProfiles;
    workloadProfiles = builtins.mapAttrs (_: p: "${p}") boltProfiles;
    passthru = {
      inherit boltProfiles;
    };
  }
