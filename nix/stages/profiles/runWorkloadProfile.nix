# runWorkloadProfile :: set -> drv
# Arguments and result: docs/API.md, `runWorkloadProfile`.
#
# Runs one training workload against the instrumented binaries and outputs its profile,
# merged into LLVM's indexed form and canonicalized ($out is the .profdata file). Raw
# .profraw bytes differ on every run (ASLR, binary ids); the canonical profile of a
# deterministic workload does not, so this derivation can be checked with
# `nix build --rebuild`.
{ helper
, mkStage
, toolchain
, workloadEnv
,
}:
{ pname
, version
, instrumented
, # The workload's name and description, and whether it gets fixed random numbers
  # (internal/workload/workloadEnv.nix).
  name
, workload
, deterministicRandom ? true
, # Run the workload on one CPU (docs/training-cost.md).
  pinned ? true
, # Content-addressed output (mkStage.nix).
  contentAddressed ? false
, # `nix-pgo canonicalize` options, as for mergeProfiles.
  canonicalizeFlags ? [ ]
, # A repair plan: run only when its variant regressed (mkStage.nix; the broad workloads').
  neededIf ? null
,
}:
mkStage (
  workloadEnv { inherit name workload deterministicRandom pinned; }
    // {
    name = "${pname}-profile-${name}-${version}.profdata";
    script = ./runWorkloadProfile.sh;
    workloadProfileScript = ./workloadProfile.sh;
    inherit contentAddressed instrumented canonicalizeFlags neededIf;
    helper = "${helper}/bin/nix-pgo";
    inherit (toolchain) rustc llvmProfdata;
    passthru = {
      inherit instrumented workload;
    };
  }
)
