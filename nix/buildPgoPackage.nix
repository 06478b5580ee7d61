# buildPgoPackage :: set -> { baseline, instrumented, profiles, profile, optimized,
#   boltInput, boltInstrumented, boltProfiles, boltProfile, bolted, evaluation, vendor }
#
# The whole PGO (+ BOLT) pipeline for one Cargo package, one derivation per stage:
#   instrumented ─> profiles.<workload> ─> profile ─> optimized ──────────────────────────┐
#                                                  └─> boltInput ─> boltInstrumented ─>   │
#                         boltProfiles.<workload> ─> boltProfile ─> bolted ───────────────┤
#   baseline ─────────────────────────────────────────────────────────────────────────────┴─> evaluation
# Only composes the stages (baseline.nix, instrumented.nix, profile.nix, mergeProfiles.nix,
# optimized.nix, boltInput.nix, boltInstrumented.nix, boltProfile.nix,
# mergeBoltProfiles.nix, bolted.nix, evaluate.nix); see README.md "Library" for every argument.
{
  buildPgoPackage,
  buildBaseline,
  buildBoltInput,
  buildBoltInstrumented,
  buildBolted,
  buildInstrumented,
  buildOptimized,
  evaluateVariants,
  mergeBoltProfiles,
  mergeProfiles,
  runBoltWorkloadProfile,
  runWorkloadProfile,
  vendorCargoDeps,
}:
{
  pname,
  version,
  src,
  # Defaults to src's Cargo.lock; give it explicitly when src is a derivation (reading a
  # file out of a derivation at evaluation time would be import-from-derivation).
  cargoLock ? null,
  # The workspace member and binaries to build.
  package ? null,
  bins ? [ pname ],
  cargoFeatures ? [ ],
  noDefaultFeatures ? false,
  cargoExtraArgs ? [ ],
  # RUSTFLAGS for every stage (PGO flags are added per stage).
  rustflags ? [ ],
  instrumentRustflags ? [ ],
  # Reproducibility of the profile (README "Reproducible profiles"):
  # - atomicCounters: threads update counters atomically, so multithreaded workloads
  #   don't lose increments to races (slower training, exact counts);
  # - valueProfiling: indirect-call and memop-size value profiles, whose top-N tables
  #   depend on timing in multithreaded programs; false drops them (`-disable-vp`);
  # - quantize: keep only the top N significant bits of every count in the merged profile,
  #   for workloads whose counts jitter (null: exact counts).
  atomicCounters ? false,
  valueProfiling ? true,
  quantize ? null,
  pkgConfigPath ? [ ],
  # { training = { <name> = { script, inputs, timeout }; }; evaluation = { ... }; }
  # (workloadsFromDir builds this from a directory.)
  workloads,
  # Weights of training workloads in the merged profile: { <name> = N; }.
  workloadWeights ? { },
  # Percentage of instrumented functions that must have profile data in `optimized`.
  minCoverage ? 1,
  # Run workloads with a fixed getrandom sequence (see fixedRandom.nix): reproducible
  # profiles and instruction counts for programs whose HashMaps are randomly seeded.
  deterministicRandom ? true,
  # BOLT on top of PGO: the bolt* stages, and `bolted` in the evaluation. With false
  # they are not built and the bolt* attributes are null.
  bolt ? true,
  # llvm-bolt's options for `bolted` (default: the documented list in bolted.nix).
  boltOptions ? null,
  # Extra llvm-bolt options for `boltInstrumented` (e.g. --instrumentation-max-size=N).
  boltInstrumentOptions ? [ ],
}@args:
let
  fail = msg: throw "buildPgoPackage (${pname}): ${msg}";

  cargoLock' =
    if cargoLock != null then
      (if builtins.pathExists cargoLock then cargoLock else fail "cargoLock ${toString cargoLock} does not exist.")
    else if builtins.isPath src || builtins.isString src then
      (
        if builtins.pathExists (src + "/Cargo.lock") then
          src + "/Cargo.lock"
        else
          fail ''
            no Cargo.lock in ${toString src}. nix-pgo builds with --frozen from vendored sources, so the lock file is required. Either:
              - run `cargo generate-lockfile` in the source and commit Cargo.lock (with flakes, `git add` it too), or
              - pass `cargoLock = ./path/to/Cargo.lock;`''
      )
    else
      fail "src is a derivation, so its Cargo.lock can't be read at evaluation time: pass `cargoLock = ./Cargo.lock;` (a copy of the lock file it builds with).";

  training = workloads.training or { };
  evaluationWorkloads = workloads.evaluation or { };

  # Arguments every cargo stage shares; computed once.
  common = {
    inherit
      pname
      version
      src
      package
      bins
      cargoFeatures
      noDefaultFeatures
      cargoExtraArgs
      rustflags
      pkgConfigPath
      vendor
      ;
    cargoLock = cargoLock';
  };
  vendor = vendorCargoDeps {
    inherit pname;
    cargoLock = cargoLock';
  };

  baseline = buildBaseline common;
  instrumented = buildInstrumented (
    common
    // {
      instrumentRustflags =
        (if atomicCounters then [ "-Cllvm-args=-instrprof-atomic-counter-update-all" ] else [ ])
        ++ (if valueProfiling then [ ] else [ "-Cllvm-args=-disable-vp" ])
        ++ instrumentRustflags;
    }
  );
  profiles = builtins.mapAttrs (
    name: workload:
    runWorkloadProfile {
      inherit
        pname
        version
        instrumented
        name
        workload
        deterministicRandom
        ;
    }
  ) training;
  profile = mergeProfiles {
    inherit
      pname
      version
      profiles
      quantize
      ;
    weights = workloadWeights;
  };
  optimized = buildOptimized (common // { inherit profile minCoverage; });

  # The same training workloads drive BOLT, on the PGO-optimized code.
  boltInput = buildBoltInput (common // { inherit profile minCoverage; });
  boltInstrumented = buildBoltInstrumented {
    inherit pname version boltInput;
    instrumentOptions = boltInstrumentOptions;
  };
  boltProfiles = builtins.mapAttrs (
    name: workload:
    runBoltWorkloadProfile {
      inherit
        pname
        version
        boltInstrumented
        name
        workload
        deterministicRandom
        ;
    }
  ) training;
  boltProfile = mergeBoltProfiles {
    inherit pname version boltProfiles bins;
  };
  bolted = buildBolted (
    {
      inherit
        pname
        version
        boltInput
        boltProfile
        ;
    }
    // (if boltOptions != null then { inherit boltOptions; } else { })
  );
  boltStages =
    if bolt then
      {
        inherit
          boltInput
          boltInstrumented
          boltProfiles
          boltProfile
          bolted
          ;
      }
    else
      {
        boltInput = null;
        boltInstrumented = null;
        boltProfiles = null;
        boltProfile = null;
        bolted = null;
      };

  evaluation =
    if evaluationWorkloads == { } then
      null
    else
      evaluateVariants {
        inherit pname version deterministicRandom;
        variants = { inherit baseline optimized; } // (if bolt then { inherit bolted; } else { });
        order = [ "baseline" "optimized" ] ++ (if bolt then [ "bolted" ] else [ ]);
        workloads = evaluationWorkloads;
      };
in
if training == { } then
  fail "no training workloads. Give `workloads.training.<name> = { script = ./train.sh; }` (or use workloadsFromDir with a train/ directory): without them there is no profile to optimize with."
else if !bolt && (boltOptions != null || boltInstrumentOptions != [ ]) then
  fail "boltOptions or boltInstrumentOptions is set but bolt = false, so no stage would use it: remove them, or set bolt = true."
else
  boltStages
  // {
    inherit
      baseline
      instrumented
      profiles
      profile
      optimized
      vendor
      evaluation
      ;
    # The same package with some arguments replaced (other workloads, flags, ...).
    override = newArgs: buildPgoPackage (args // newArgs);
  }
