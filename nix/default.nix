# The nix-pgo library for one toolchain (toolchain/host.nix or toolchain/nixpkgs.nix).
# One scope, wired like crane's lib/default.nix: each public function comes from a file of
# its own and gets the others it needs by name (what callPackage does, without nixpkgs).
{ toolchain
, # A nix-pgo helper built elsewhere (by default it is built with this toolchain).
  helper ? null
,
}:
let
  callWith =
    scope: file: extra:
    let
      f = import file;
    in
    f (builtins.intersectAttrs (builtins.functionArgs f) scope // extra);

  scope = {
    inherit toolchain;
    # Internal building blocks.
    mkStage = import ./internal/mkStage.nix { inherit toolchain; };
    mkLockedStage = call ./internal/mkLockedStage.nix { };
    cargoSkeleton = call ./internal/cargo/cargoSkeleton.nix { };
    cargoBuild = call ./internal/cargo/cargoBuild.nix { };
    workloadEnv = call ./internal/workload/workloadEnv.nix { };
    workloadPath = import ./internal/workload/workloadPath.nix;
    workloadSources = call ./internal/workload/workloadSources.nix { };
    lockEntryOf = import ./internal/lockEntry.nix;
    goBuild = call ./internal/go/goBuild.nix { };
    compileC = call ./internal/compileC.nix { };

    # Public functions.
    fetchCrate = call ./crates/fetchCrate.nix { };
    unpackCrate = call ./crates/unpackCrate.nix { };
    crateSource = call ./crates/crateSource.nix { };
    vendorCargoDeps = call ./stages/vendor/vendorCargoDeps.nix { };
    buildBaseline = call ./stages/baseline/buildBaseline.nix { };
    buildInstrumented = call ./stages/instrumented/buildInstrumented.nix { };
    runWorkloadProfile = call ./stages/profiles/runWorkloadProfile.nix { };
    runTestProfile = call ./stages/profiles/runTestProfile.nix { };
    mergeProfiles = call ./stages/profile/mergeProfiles.nix { };
    buildOptimized = call ./stages/optimized/buildOptimized.nix { };
    buildBoltInput = call ./stages/bolt-input/buildBoltInput.nix { };
    buildBoltInstrumented = call ./stages/bolt-instrumented/buildBoltInstrumented.nix { };
    runBoltWorkloadProfile = call ./stages/bolt-profiles/runBoltWorkloadProfile.nix { };
    mergeBoltProfiles = call ./stages/bolt-profile/mergeBoltProfiles.nix { };
    buildBolted = call ./stages/bolted/buildBolted.nix { };
    evaluateVariants = call ./stages/evaluation/evaluateVariants.nix { };
    workloadsFromDir = call ./workloadsFromDir.nix { };
    fixedRandom = call ./internal/workload/fixedRandom.nix { };
    fixedProc = call ./internal/workload/fixedProc.nix { };
    oneCpu = call ./internal/workload/oneCpu.nix { };
    trainingRuntime = call ./internal/workload/trainingRuntime.nix { };
    exitOnSignal = call ./internal/workload/exitOnSignal.nix { };
    lockedProfile = call ./stages/profile/lockedProfile.nix { };
    lockedBoltProfile = call ./stages/bolt-profile/lockedBoltProfile.nix { };
    updateProfile = call ./stages/update-profile/updateProfile.nix { };
    profileFresh = call ./stages/profile-fresh/profileFresh.nix { };
    checkTraining = call ./stages/profile-fresh/checkTraining.nix { };
    regressionCheck = call ./stages/no-regression/regressionCheck.nix { };
    repairPlan = call ./stages/repair/repairPlan.nix { };
    unprofileRegressed = call ./stages/repair/unprofileRegressed.nix { };
    buildRepaired = call ./stages/repair/buildRepaired.nix { };
    boltRepaired = call ./stages/repair/boltRepaired.nix { };
    chooseBest = call ./stages/best/chooseBest.nix { };
    buildRelease = call ./stages/release/buildRelease.nix { };
    report = call ./report/report.nix { };
    buildPgoPackage = call ./buildPgoPackage.nix { };
    # Go (docs/go.md): the same registry, the same workload runner and evaluation.
    goModVendor = call ./stages/vendor/goModVendor.nix { };
    buildGoBaseline = call ./stages/baseline/buildGoBaseline.nix { };
    buildGoProfiling = call ./stages/profiling/buildGoProfiling.nix { };
    runGoWorkloadProfile = call ./stages/profiles/runGoWorkloadProfile.nix { };
    mergeGoProfiles = call ./stages/profile/mergeGoProfiles.nix { };
    goLockedProfile = call ./stages/profile/goLockedProfile.nix { };
    buildGoOptimized = call ./stages/optimized/buildGoOptimized.nix { };
    goUpdateProfile = call ./stages/update-profile/goUpdateProfile.nix { };
    buildGoPgoPackage = call ./buildGoPgoPackage.nix { };
    wrapPackage = call ./wrapPackage.nix { };
    stagesOf = call ./stagesOf.nix { };
    checksFor = call ./checksFor.nix { };
    helper = if helper != null then helper else call ./helper.nix { };
  };
  call = callWith scope;
in
scope
