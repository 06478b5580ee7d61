# runBoltWorkloadProfile :: set -> drv
# Arguments and result: docs/API.md, `runBoltWorkloadProfile`.
#
# Runs one training workload against the BOLT-instrumented binaries, like
# runWorkloadProfile does against the PGO-instrumented ones, and merges the .fdata files
# of its processes with merge-fdata: $out/<binary>.fdata for each binary it ran.
{ mkStage
, toolchain
, workloadEnv
, exitOnSignal
,
}:
{ pname
, version
, boltInstrumented
, # As for runWorkloadProfile (internal/workload/workloadEnv.nix).
  name
, workload
, deterministicRandom ? true
, # Content-addressed output (mkStage.nix), as the PGO profiles with buildPgoPackage's
  # contentAddressed: a workload edit that leaves the BOLT profile the same stops there.
  contentAddressed ? false
,
}:
mkStage (
  # exitOnSignal: a server the workload stops with `kill` exits, and BOLT's runtime writes
  # its profile at exit.
  workloadEnv
    {
      inherit name workload deterministicRandom;
      preload = [ "${exitOnSignal}/lib/libnix-pgo-exit-on-signal.so" ];
    }
    // {
    name = "${pname}-bolt-profile-${name}-${version}";
    script = ./runBoltWorkloadProfile.sh;
    boltScriptLib = ../../internal/bolt/bolt.sh;
    inherit boltInstrumented contentAddressed;
    inherit (boltInstrumented) boltProfileDir;
    inherit (toolchain) mergeFdata;
    passthru = {
      inherit boltInstrumented workload;
    };
  }
)
