# runBoltWorkloadProfile :: set -> drv
# Arguments and result: docs/API.md, `runBoltWorkloadProfile`.
#
# Runs one training workload against the BOLT-instrumented binaries, like
# runWorkloadProfile does against the PGO-instrumented ones, and merges the .fdata files
# of its processes with merge-fdata: $out/<binary>.fdata for each binary it ran.
{ mkStage
, toolchain
, workloadEnv
,
}:
{ pname
, version
, boltInstrumented
, # As for runWorkloadProfile (internal/workload/workloadEnv.nix).
  name
, workload
, deterministicRandom ? true
,
}:
mkStage (
  workloadEnv { inherit name workload deterministicRandom; }
    // {
    name = "${pname}-bolt-profile-${name}-${version}";
    script = ./runBoltWorkloadProfile.sh;
    boltScriptLib = ../../internal/bolt/bolt.sh;
    inherit boltInstrumented;
    inherit (boltInstrumented) boltProfileDir;
    inherit (toolchain) mergeFdata;
    passthru = {
      inherit boltInstrumented workload;
    };
  }
)
