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
    cargoSkeleton = call ./internal/cargoSkeleton.nix { };
    cargoBuild = call ./internal/cargoBuild.nix { };
    workloadEnv = call ./internal/workload/workloadEnv.nix { };

    # Public functions.
    fetchCrate = call ./fetchCrate.nix { };
    unpackCrate = call ./unpackCrate.nix { };
    crateSource = call ./crateSource.nix { };
    vendorCargoDeps = call ./vendorCargoDeps.nix { };
    buildBaseline = call ./baseline.nix { };
    buildInstrumented = call ./instrumented.nix { };
    runWorkloadProfile = call ./profile.nix { };
    mergeProfiles = call ./mergeProfiles.nix { };
    buildOptimized = call ./optimized.nix { };
    buildBoltInput = call ./boltInput.nix { };
    buildBoltInstrumented = call ./boltInstrumented.nix { };
    runBoltWorkloadProfile = call ./boltProfile.nix { };
    mergeBoltProfiles = call ./mergeBoltProfiles.nix { };
    buildBolted = call ./bolted.nix { };
    evaluateVariants = call ./evaluate.nix { };
    workloadsFromDir = call ./workloadsFromDir.nix { };
    fixedRandom = call ./fixedRandom.nix { };
    lockedProfile = call ./lockedProfile.nix { };
    updateProfile = call ./updateProfile.nix { };
    profileFresh = call ./profileFresh.nix { };
    regressionCheck = call ./regressionCheck.nix { };
    report = call ./report.nix { };
    buildPgoPackage = call ./buildPgoPackage.nix { };
    wrapPackage = call ./wrapPackage.nix { };
    stagesOf = call ./stagesOf.nix { };
    checksFor = call ./checks.nix { };
    helper = if helper != null then helper else call ./helper.nix { };
  };
  call = callWith scope;
in
scope
