# buildPgoPackage :: set -> set
# Arguments and result attributes: docs/API.md, `buildPgoPackage`.
#
# The whole PGO (+ BOLT) pipeline for one Cargo package, one derivation per stage:
#   instrumented ─> profiles.<workload> ─> profile ─> optimized ──────────────────────────┐
#                                                  └─> boltInput ─> boltInstrumented ─>   │
#                         boltProfiles.<workload> ─> boltProfile ─> bolted ───────────────┤
#   baseline ─────────────────────────────────────────────────────────────────────────────┴─> evaluation
#   evaluation ─> noRegression (a check that fails), evaluation ─> best (the variant to ship)
# Only composes the stages (stages/<stage>/, one folder per stage of the registry
# stages.nix), like crane's buildPackage composes
# buildDepsOnly and mkCargoDerivation.
{ buildPgoPackage
, boltRepaired
, buildBaseline
, buildBoltInput
, buildBoltInstrumented
, buildBolted
, buildInstrumented
, buildOptimized
, buildRelease
, buildRepaired
, chooseBest
, evaluateVariants
, lockEntryOf
, lockedBoltProfile
, lockedProfile
, mergeBoltProfiles
, mergeProfiles
, profileFresh
, regressionCheck
, repairPlan
, runBoltWorkloadProfile
, runTestProfile
, runWorkloadProfile
, toolchain
, unprofileRegressed
, updateProfile
, vendorCargoDeps
,
}:
{ pname
, version
, src
, # Defaults to src's Cargo.lock; give it explicitly when src is a derivation (reading a
  # file out of a derivation at evaluation time would be import-from-derivation).
  cargoLock ? null
, # { "<name>-<version>" = "sha256-…"; }: the hash of each git dependency (vendorCargoDeps.nix).
  outputHashes ? { }
, # The workspace member and binaries to build.
  package ? null
, bins ? [ pname ]
, cargoFeatures ? [ ]
, noDefaultFeatures ? false
, cargoExtraArgs ? [ ]
, # The Cargo profile every stage builds with (`--profile`): the package's release profile,
  # or another it defines (cargo-dist's `[profile.dist]`).
  cargoProfile ? "release"
, # RUSTFLAGS for every stage (PGO flags are added per stage).
  rustflags ? [ ]
, instrumentRustflags ? [ ]
, # Reproducibility of the profile (docs/design.md "Reproducible profiles"):
  # - atomicCounters: threads update counters atomically, so multithreaded workloads
  #   don't lose increments to races (slower training, exact counts);
  # - valueProfiling: indirect-call and memop-size value profiles, whose top-N tables
  #   depend on timing in multithreaded programs; false drops them (`-disable-vp`);
  # - quantize: keep only the top N significant bits of every count, for workloads whose
  #   counts jitter (null: exact counts);
  # - profileExclude: drop functions whose profile name contains one of these strings
  #   (e.g. "crossbeam", "rayon_core"): code whose counts depend on thread timing. They
  #   are compiled as without PGO.
  atomicCounters ? false
, valueProfiling ? true
, quantize ? null
, profileExclude ? [ ]
, pkgConfigPath ? [ ]
, # Tools that build scripts run (cmake, protoc, nasm): packages whose bin/ directory
  # every cargo stage puts first on PATH. Only bin/: no setup hooks run, so libraries go
  # through pkgConfigPath.
  nativeBuildInputs ? [ ]
, # Environment variables of every cargo run, build scripts included (CFLAGS, PROTOC,
  # OPENSSL_NO_VENDOR): { NAME = "value"; }, the same in every stage.
  env ? { }
, # Compile each cargo stage's dependencies in a derivation of their own (passthru.deps),
  # so that editing the project's crates rebuilds no dependency (cargoBuild.nix).
  cacheDependencies ? true
, # { training = { <name> = { script, inputs, timeout }; }; evaluation = { ... }; }
  # (workloadsFromDir builds this from a directory.)
  workloads
, # Weights of training workloads in the merged profile: { <name> = N; }.
  workloadWeights ? { }
, # Percentage of instrumented functions that must have profile data in `optimized`.
  minCoverage ? 1
, # Run workloads with a fixed getrandom sequence (see fixedRandom.nix): reproducible
  # profiles and instruction counts for programs whose HashMaps are randomly seeded.
  deterministicRandom ? true
, # Run each training workload, and every process it starts, on one CPU (oneCpu.nix): the
  # threads of an instrumented program then take turns instead of contending for its
  # counters, and thread pools sized by the CPU count get one thread on every builder
  # (docs/training-cost.md). Evaluation workloads run as before.
  pinTraining ? true
, # Give every workload the toolchain's CA bundle (SSL_CERT_FILE), for programs that load
  # the system's certificates when they start; a workload may set it alone.
  caCertificates ? false
, # BOLT on top of PGO: the bolt* stages, and `bolted` in the evaluation. With false
  # they are not built and the bolt* attributes are null.
  bolt ? true
, # llvm-bolt's options for `bolted` (default: the documented list in stages/bolted/buildBolted.nix).
  boltOptions ? null
, # Extra llvm-bolt options for `boltInstrumented` (e.g. --instrumentation-max-size=N).
  boltInstrumentOptions ? [ ]
, # Locked profiles (docs/design.md "Locked profiles"). The lock file, by default src's
  # pgo.lock.json (given, even null, src is not searched); with an entry for this package
  # and toolchain, `optimized` consumes the locked profile (a fixed-output derivation)
  # instead of rerunning the workloads.
  lockFile ? null
, # A checked-in profile the locked one is copied from, by default src's pgo/<pname>.profdata.
  checkedInProfile ? null
, # A checked-in BOLT profile (a copy of the `boltProfile` stage's output directory) the
  # locked one is copied from, by default src's pgo/<pname>.bolt.
  checkedInBoltProfile ? null
, # Lock the variant `best` ships with the profile: updateProfile evaluates the variants
  # and writes `best`'s choice into the lock entry, and a locked build ships that variant
  # without an evaluation (internal/lockedChoice.nix), so that a program whose evaluation
  # counts move from run to run (one that starts threads) has one release in every store.
  # A lock whose choice can't be used (none, other evaluation workloads) is then an error.
  lockChoice ? false
, # Where `updateProfile` writes the lock, relative to the directory it is run in.
  lockPath ? "pgo.lock.json"
, # profileFresh fails when the rebuilt profile drifted from the locked one by more than
  # this percentage (100 - llvm-profdata overlap).
  maxDrift ? 2
, # `optimized` fails when more than this percentage of the profile's counts no longer
  # match the program (a stale profile). null: 1 for a profile trained in this build graph,
  # where nothing can be stale unless the stages compiled different code (the instrumented
  # build without a setting optimized has: all of a profile can be lost that way), and
  # report only for a locked profile, which goes stale as the source moves on. 100 never fails.
  maxStale ? null
, # Build the workload profiles and the merge as floating content-addressed derivations
  # (experimental feature ca-derivations): when a change leaves a profile's bytes as they
  # were, Nix stops there and `optimized` is not rebuilt.
  contentAddressed ? false
, # `noRegression` fails when optimized (or bolted) executes more than this percentage
  # more instructions than baseline on an evaluation workload.
  regressionTolerance ? 0
, # How many times an evaluation run that started threads runs in all (evaluateVariants'
  # `threadedRuns`): its counts depend on thread timing under callgrind, so the median run
  # counts, and `noRegression` and `best` treat differences inside the runs' spread as
  # noise. Single-threaded runs run once.
  threadedEvaluationRuns ? 5
, # rustc flags for the builds that use the profile (optimized, bolt-input) only. The
  # default keeps code that training never reached from being pessimized: without it,
  # LLVM does not inline small functions into call sites it believes cold (count 0), and
  # a held-out workload of the demo ran 0.96 % more instructions than the baseline; with
  # it, -0.04 %, and the trained gain grows (docs/safe-defaults.md). [ ] turns it off.
  profileUseRustflags ? [ "-Cllvm-args=-inline-cold-callsite-threshold=225" ]
, # Cargo's `lto` (profile.release.lto) for the PGO builds: instrumented, optimized,
  # bolt-input. "thin" or "fat" replace the package's own setting there (as
  # CARGO_PROFILE_RELEASE_LTO), so that the profile-guided inliner sees callees across
  # crates; baseline stays as the package builds it. The instrumented build gets it too:
  # Cargo hashes the profile into every crate's symbol names, and a profile recorded under
  # other names matches nothing. null: the package's own setting everywhere.
  # docs/cargo-pgo.md "LTO under PGO" has what it is worth.
  pgoLto ? null
, # Remedies tried when a variant regresses on an evaluation workload (docs/never-slower.md),
  # each a variant of its own in `repaired`, measured by `repairEvaluation`; a remedy whose
  # variant passed is that variant, copied. null: every one that applies
  # ("optimized-broad" needs broad workloads, "bolted-gentle" BOLT); [ ]: none.
  repairs ? null
, # In the "optimized-broad" remedy's profile, the weight of each training workload over
  # each broad one (workloads.broad, weight 1): the broad workloads only fill in code
  # training never reached.
  broadWeight ? 10
, # meta (description, license, mainProgram, …) and passthru of the program: carried by
  # baseline, optimized and bolted, the binaries one ships or compares.
  meta ? { }
, passthru ? { }
,
}@args:
let
  fail = msg: throw "buildPgoPackage (${pname}): ${msg}";

  cargoLock' =
    if cargoLock != null then
      (if builtins.pathExists cargoLock then cargoLock else fail "cargoLock ${toString cargoLock} does not exist.")
    else if srcPath != null then
      (
        if builtins.pathExists (srcPath + "/Cargo.lock") then
        # The file alone, as a path src's would be copied: not the whole source it is in.
          builtins.path { path = srcPath + "/Cargo.lock"; name = "Cargo.lock"; }
        else
          fail ''
            no Cargo.lock in ${toString src}. nix-pgo builds with --frozen from vendored sources, so the lock file is required. Either:
              - run `cargo generate-lockfile` in the source and commit Cargo.lock (with flakes, `git add` it too), or
              - pass `cargoLock = ./path/to/Cargo.lock;`''
      )
    else
      fail "src is a derivation, so its Cargo.lock can't be read at evaluation time: pass `cargoLock = ./Cargo.lock;` (a copy of the lock file it builds with).";
  # src where evaluation can read it (a path, a filtered source, a flake's self; a string
  # path without context, as before), or null: a derivation's output, which reading would
  # build during evaluation.
  srcPath =
    let found = import ./internal/sourcePath.nix src; in
    if found != null then found
    else if builtins.isString src && !builtins.hasContext src then src
    else null;

  # The lock and the checked-in profiles: given (null too: none, so that one package of a
  # flake whose src has a lock can build unlocked), or found in src by convention. As
  # buildGoPgoPackage's lockFile and defaultPgo.
  # (A filtered src, or a flake's self, is looked in too: internal/sourcePath.nix.)
  inSrc = import ./internal/inSource.nix src;
  # Where the checked-in copies are found in src by convention.
  profileCopyPath = "pgo/${pname}.profdata";
  boltProfileCopyPath = "pgo/${pname}.bolt";
  # Where the package reads its lock and copies (for update-profile's message).
  lockSource = import ./internal/lockSource.nix {
    inherit src args lockPath;
    copies = [{
      arg = "checkedInProfile";
      path = profileCopyPath;
      what = "checked-in profile";
      hint = "a copy of the `profile` stage's ${pname}.profdata, so that a machine without it in its store can build";
    }] ++ (if bolt then [{
      arg = "checkedInBoltProfile";
      path = boltProfileCopyPath;
      what = "checked-in BOLT profile";
      hint = "a copy of the `boltProfile` stage's directory";
    }] else [ ]);
  };
  lockFile' = if args ? lockFile then lockFile else inSrc "pgo.lock.json";
  # What update-profile, run without paths, must find where it runs: src's Cargo.lock, at
  # a workspace's root only (a member's directory has a Cargo.toml of its own); Cargo.toml
  # when the lock is given as cargoLock.
  rootMarker = import ./internal/rootMarker.nix {
    inherit args srcPath lockPath;
    marker = if srcPath != null && builtins.pathExists (srcPath + "/Cargo.lock") then "Cargo.lock" else "Cargo.toml";
  };
  checkedInProfile' = if args ? checkedInProfile then checkedInProfile else inSrc profileCopyPath;
  # For update-profile: the copies it keeps beside the lock (src's pgo/), unless the
  # package was given one elsewhere (checkedInProfile, checkedInBoltProfile), which it
  # doesn't know the place of in the repository: then a note names it. (The demo gives
  # its pgo/ copies by their conventional place: those are rewritten.)
  givenCopies =
    let
      conventional = rel: if lockFile' == null then null else "${toString (dirOf lockFile')}/${rel}";
      elsewhere = arg: rel:
        let given = args.${arg} or null; in
        given != null && conventional rel != null && toString given != conventional rel;
      profileElsewhere = elsewhere "checkedInProfile" profileCopyPath;
      boltElsewhere = elsewhere "checkedInBoltProfile" boltProfileCopyPath;
      named = (if profileElsewhere then [ "checkedInProfile" ] else [ ]) ++ (if boltElsewhere then [ "checkedInBoltProfile" ] else [ ]);
    in
    {
      profileCopy = if profileElsewhere then null else profileCopyPath;
      boltProfileCopy = if boltElsewhere then null else boltProfileCopyPath;
      copyNote =
        if named == [ ] then ""
        else "${builtins.concatStringsSep " and " named} given: copy the profile into the file each names (update-profile writes only the copies in pgo/ beside the lock).";
    };
  checkedInBoltProfile' = if args ? checkedInBoltProfile then checkedInBoltProfile else inSrc boltProfileCopyPath;
  # The cargo stages never see them: re-locking doesn't rebuild baseline or instrumented.
  # Nor cargo's own target/ (a local `cargo build` beside the flake).
  cargoSrc = import ./internal/pgoSource.nix {
    inherit src;
    name = "${pname}-source";
    exclude = [ "pgo.lock.json" "pgo" "target" ];
  };

  lockEntry = lockEntryOf {
    lockFile = lockFile';
    inherit pname fail;
    toolchainId = toolchain.id;
    algorithm = "blake3-canonical-proftext-v1";
    # Entries without the field were written before it was recorded, all with the first one.
    algorithmIfMissing = "blake3-canonical-proftext-v1";
    relock = "re-lock it with ${import ./internal/relockHint.nix}, or `nix-pgo lock`";
  };

  canonicalizeFlags =
    (if quantize != null then [ "--quantize" (toString quantize) ] else [ ])
    ++ builtins.concatMap (e: [ "--exclude" e ]) profileExclude;

  withDefaults = builtins.mapAttrs (_: w: { inherit caCertificates; } // w);
  training = withDefaults (workloads.training or { });
  evaluationWorkloads = withDefaults (workloads.evaluation or { });
  broadWorkloads = withDefaults (workloads.broad or { });
  # The training workloads that run the program, which BOLT's training runs too: the
  # package's tests (cargoTest) run test binaries, not the program BOLT rewrites.
  scriptTraining = builtins.removeAttrs training (testsIn training);
  testsIn = set: builtins.filter (n: set.${n} ? cargoTest) (builtins.attrNames set);
  # Workloads with neither a script nor cargoTest, by kind (both: workloadProblems).
  kindless = builtins.concatLists (map
    (kind: map (n: "${kind}.${n}") (builtins.filter
      (n: !(workloads.${kind}.${n} ? script || workloads.${kind}.${n} ? cargoTest))
      (builtins.attrNames (workloads.${kind} or { }))))
    [ "training" "evaluation" "broad" ]);

  # pname names store paths.
  pnameProblem = import ./internal/pnameProblem.nix pname;
  weightProblem = import ./internal/workload/weightProblem.nix workloadWeights (workloads.training or { });
  workloadProblems = import ./internal/workload/workloadProblems.nix [ "training" "evaluation" "broad" ] [ "script" "cargoTest" ] workloads;

  # Arguments every cargo stage shares; computed once.
  common = {
    inherit
      pname
      version
      package
      bins
      cargoFeatures
      noDefaultFeatures
      cargoExtraArgs
      cargoProfile
      rustflags
      pkgConfigPath
      nativeBuildInputs
      env
      cacheDependencies
      vendor
      ;
    cargoLock = cargoLock';
    src = cargoSrc;
  };
  vendor = vendorCargoDeps {
    inherit pname outputHashes;
    cargoLock = cargoLock';
  };

  baseline = buildBaseline common;
  # The cargo environment of every PGO build (pgoLto).
  pgoEnv = env // (if pgoLto == null then { } else { "CARGO_PROFILE_${cargoProfileVariable}_LTO" = pgoLto; });
  # Cargo's name of the profile in its environment variables (CARGO_PROFILE_<NAME>_LTO).
  cargoProfileVariable =
    let
      letters = chars: builtins.genList (i: builtins.substring i 1 chars) 26;
    in
    builtins.replaceStrings ([ "-" ] ++ letters "abcdefghijklmnopqrstuvwxyz") ([ "_" ] ++ letters "ABCDEFGHIJKLMNOPQRSTUVWXYZ") cargoProfile;
  instrumentedArgs = common // {
    env = pgoEnv;
    instrumentRustflags =
      (if atomicCounters then [ "-Cllvm-args=-instrprof-atomic-counter-update-all" ] else [ ])
        ++ (if valueProfiling then [ ] else [ "-Cllvm-args=-disable-vp" ])
        ++ instrumentRustflags;
  };
  instrumented = buildInstrumented instrumentedArgs;
  # A training or broad workload's profile: a script's runs of the instrumented program, or
  # the package's tests (cargoTest) built with its flags.
  workloadProfile =
    args:
    let
      shared = {
        inherit deterministicRandom canonicalizeFlags instrumented;
        pinned = pinTraining;
      } // args;
    in
    if args.workload ? cargoTest then
      runTestProfile (shared // { inherit instrumentedArgs; })
    else
      runWorkloadProfile (shared // { inherit pname version; });
  profiles = builtins.mapAttrs
    (
      name: workload:
        workloadProfile { inherit name workload contentAddressed; }
    )
    training;
  profileUnlocked = mergeProfiles {
    inherit
      pname
      version
      profiles
      canonicalizeFlags
      contentAddressed
      ;
    weights = workloadWeights;
  };
  # The store path name of the locked profile: without the version, so that a version
  # bump alone doesn't make the locked profile look new.
  lockName = "${pname}-pgo-profile";
  profile =
    if lockEntry == null then
      profileUnlocked
    else
      lockedProfile {
        inherit pname;
        entry = lockEntry;
        unlocked = profileUnlocked;
        checkedIn = checkedInProfile';
      };
  # optimized and bolt-input are the same profile-using build (bolt-input keeps relocations).
  profileUseArgsOf = profile: fresh: common // {
    inherit
      profile
      minCoverage
      profileUseRustflags
      ;
    freshProfile = fresh;
    maxStale =
      if maxStale != null then maxStale
      else if fresh then 1
      else null;
    env = pgoEnv;
  };
  profileUseArgs = profileUseArgsOf profile (lockEntry == null);
  optimized = buildOptimized profileUseArgs;

  # The same training workloads drive BOLT, on the PGO-optimized code: the chain from a
  # bolt input to its merged BOLT profile.
  boltTraining =
    boltInput:
    let
      boltInstrumented = buildBoltInstrumented {
        inherit pname version boltInput;
        instrumentOptions = boltInstrumentOptions;
      };
      boltProfiles = builtins.mapAttrs
        (
          name: workload:
            runBoltWorkloadProfile {
              inherit
                pname
                version
                boltInstrumented
                name
                workload
                deterministicRandom
                contentAddressed
                ;
            }
        )
        scriptTraining;
    in
    {
      inherit boltInstrumented boltProfiles;
      boltProfile = mergeBoltProfiles {
        inherit pname version boltProfiles bins boltInput contentAddressed;
      };
    };
  boltInput = buildBoltInput profileUseArgs;
  # BOLT trained on this build's bolt input, and on the binary of the profile rebuilt
  # from the workloads (the same derivations when the package is not locked). The latter
  # is what update-profile locks, and so what a locked BOLT profile is copied from: right
  # after re-locking, it is in the store as it was locked, even for a multithreaded
  # program, whose training would give another one if run again.
  onBoltInput = boltTraining boltInput;
  # Without a lock file the two are the same derivations. Asked of the file, not of
  # `lockEntry`: update-profile must not read the entry, which it is there to repair (an
  # entry for another toolchain, or none for this package, throws).
  onUnlockedProfile =
    if lockFile' == null then
      onBoltInput
    else
      boltTraining (buildBoltInput (profileUseArgsOf profileUnlocked true));
  # The lock's BOLT profile, when the entry has one: `bolted` then follows from the
  # locked hashes alone, and BOLT's training runs only to verify a profile that is in no
  # store.
  boltLockEntry = if lockEntry == null then null else lockEntry.bolt or null;
  boltTrainingUsed = if boltLockEntry == null then onBoltInput else onUnlockedProfile;
  inherit (boltTrainingUsed) boltInstrumented;
  # One per training workload whichever training is used: named without asking which,
  # so that listing jobs reads no lock entry (stagesOf).
  boltProfiles = builtins.mapAttrs (name: _: boltTrainingUsed.boltProfiles.${name}) scriptTraining;
  boltProfileUnlocked = boltTrainingUsed.boltProfile;
  boltProfile =
    if boltLockEntry == null then
      boltProfileUnlocked
    else
      lockedBoltProfile {
        inherit pname;
        entry = boltLockEntry;
        unlocked = boltProfileUnlocked;
        checkedIn = checkedInBoltProfile';
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
  # BOLT rewrites ELF binaries only: a BOLT stage's derivation fails on another system.
  # Only its paths check, so that listing names or testing for null (the flake, checks)
  # never looks at the toolchain; PGO alone works anywhere.
  requireElf =
    stage:
    let
      checked =
        value:
        if builtins.match ".*-linux" toolchain.system != null then
          value
        else
          fail "BOLT rewrites ELF binaries (Linux) only, and this toolchain builds for ${toolchain.system}: set `bolt = false;` (PGO itself works there).";
    in
    stage
    // {
      drvPath = checked stage.drvPath;
      outPath = checked stage.outPath;
    };
  boltChecked = {
    boltInput = requireElf boltInput;
    boltInstrumented = requireElf boltInstrumented;
    boltProfiles = builtins.mapAttrs (_: requireElf) boltProfiles;
    boltProfile = requireElf boltProfile;
    boltProfileUnlocked = requireElf boltProfileUnlocked;
    bolted = requireElf (asProgram bolted);
  };
  boltStages =
    if bolt then
      boltChecked
    else
      {
        boltInput = null;
        boltInstrumented = null;
        boltProfiles = null;
        boltProfile = null;
        boltProfileUnlocked = null;
        bolted = null;
      };

  asProgram = import ./internal/asProgram.nix { inherit passthru meta pname version; mainProgram = builtins.head bins; };

  evaluation =
    if evaluationWorkloads == { } then
      null
    else
      evaluateVariants {
        inherit pname version deterministicRandom;
        threadedRuns = threadedEvaluationRuns;
        variants = { inherit baseline optimized; } // (if bolt then { inherit (boltChecked) bolted; } else { });
        order = [ "baseline" "optimized" ] ++ (if bolt then [ "bolted" ] else [ ]);
        workloads = evaluationWorkloads;
      };
  # The check that no variant is slower than baseline on the evaluation workloads.
  noRegression =
    if evaluation == null then
      null
    else
      regressionCheck {
        inherit pname evaluation;
        tolerance = regressionTolerance;
      };

  # Repair before fallback (docs/never-slower.md). Per variant, whether it regressed and
  # the names of the functions involved; then each remedy, a variant built only when the
  # variant it repairs regressed. Nothing of the evaluation but that verdict and those
  # names reaches a remedy.
  remediesThatApply =
    [ "optimized-unprofiled" "optimized-no-pgso" ]
    ++ (if broadWorkloads != { } then [ "optimized-broad" ] else [ ])
    ++ (if bolt then [ "bolted-gentle" ] else [ ]);
  repairs' = if repairs == null then remediesThatApply else repairs;
  badRepairs = builtins.filter (r: !builtins.elem r remediesThatApply) repairs';
  repairPlans =
    if evaluation == null then
      null
    else
      builtins.listToAttrs (map
        (variant: {
          name = variant;
          value = repairPlan {
            inherit pname evaluation variant;
            tolerance = regressionTolerance;
          };
        })
        ([ "optimized" ] ++ (if bolt then [ "bolted" ] else [ ])));
  # The broad workloads' profiles, and the merge where training outweighs them: run only
  # when optimized regressed, as optimized-broad is built only then.
  broadNeededIf = if repairPlans == null then null else repairPlans.optimized;
  broadProfiles = builtins.mapAttrs
    (
      name: workload:
        workloadProfile {
          inherit workload;
          name = "broad-${name}";
          neededIf = broadNeededIf;
        }
    )
    broadWorkloads;
  profileBroad = mergeProfiles {
    inherit pname canonicalizeFlags;
    version = "${version}-broad";
    profiles = profiles // builtins.listToAttrs (map (n: { name = "broad-${n}"; value = broadProfiles.${n}; }) (builtins.attrNames broadProfiles));
    weights = builtins.mapAttrs (w: _: broadWeight * (workloadWeights.${w} or 1)) training;
    neededIf = broadNeededIf;
  };
  remedies = {
    optimized-unprofiled = {
      profile = unprofileRegressed {
        inherit pname version profile;
        plan = repairPlans.optimized;
      };
    };
    optimized-no-pgso = {
      # LLVM has no per-function switch for profile-guided size optimization: off for all.
      profileUseRustflags = profileUseRustflags ++ [ "-Cllvm-args=-pgso=false" ];
    };
    optimized-broad = {
      profile = profileBroad;
    };
  };
  repairOne =
    remedy:
    if remedy == "bolted-gentle" then
      requireElf
        (asProgram (boltRepaired {
          inherit pname version boltInput boltProfile;
          original = bolted;
          plan = repairPlans.bolted;
        }))
    else
      asProgram (buildRepaired (
        profileUseArgs
        // {
          inherit remedy;
          original = optimized;
          plan = repairPlans.optimized;
        }
        // remedies.${remedy}
      ));
  repaired =
    if evaluation == null then
      null
    else
      builtins.listToAttrs (map (r: { name = r; value = repairOne r; }) repairs');
  repairEvaluation =
    if repaired == null || repaired == { } then
      null
    else
    # Every candidate of `best` in one evaluation: the variants, whose runs are
    # `evaluation`'s (the same derivations, not run again), and the remedies.
      evaluateVariants {
        inherit pname version deterministicRandom;
        threadedRuns = threadedEvaluationRuns;
        stage = "repair-evaluation";
        variants = evaluation.variants // repaired;
        order = [ "baseline" "optimized" ] ++ (if bolt then [ "bolted" ] else [ ]) ++ repairs';
        workloads = evaluationWorkloads;
      };

  # The variant to ship: the fastest among those the regression check passes (the
  # baseline at worst), whether or not noRegression passes; the remedies are candidates.
  # The remedies' evaluation has every variant too, when there is one: one baseline run
  # for every candidate.
  shippingEvaluation = if repairEvaluation == null then evaluation else repairEvaluation;
  # bestOf LOCKED: `best` with the lock's choice (lockedChoice), or chosen from the
  # evaluation (null: what updateChoice locks).
  bestOf =
    locked:
    if evaluation == null then
      null
    else
      asProgram (chooseBest {
        inherit pname version locked;
        evaluation = shippingEvaluation;
        tolerance = regressionTolerance;
      });
  best = bestOf lockedChoice;
  # The lock's choice, while it applies (lockChoice).
  lockedChoice = import ./internal/lockedChoice.nix {
    inherit lockEntry pname lockChoice fail;
    lockFile = lockFile';
    toolchainId = toolchain.id;
    evaluationWorkloads = builtins.attrNames evaluationWorkloads;
    variants = [ "baseline" "optimized" ] ++ (if bolt then [ "bolted" ] else [ ]) ++ repairs';
    who = "buildPgoPackage (${pname})";
    relock = import ./internal/relockChoiceHint.nix;
  };
  # What decides which stages of the registry (stages.nix: `bolt`, `lockedOnly`, `needs`)
  # the package has, from the arguments alone: listing jobs and checks (stagesOf,
  # checksFor) then reads no lock entry and evaluates no toolchain, which asking a stage
  # whether it is null would (`profile` is the lock's or the workloads' as the lock has an
  # entry for this toolchain). Agrees with which stages are null (tests/fast/10-graph.sh).
  has = {
    inherit bolt;
    lock = lockFile' != null;
    evaluation = evaluationWorkloads != { };
    repairs = evaluationWorkloads != { } && repairs' != [ ];
    vendor = true;
    inherit lockChoice;
  };
  # The stages by their registry attribute (stages.nix), for the result.
  stageValues = boltStages // {
    inherit
      instrumented
      profiles
      profile
      vendor
      evaluation
      profileUnlocked
      ;
    baseline = asProgram baseline;
    optimized = asProgram optimized;
    inherit noRegression repairPlans repaired repairEvaluation best;
    # The published artifact: the shipped binary, its provenance and SHA256SUMS.
    release = buildRelease {
      inherit pname version bins lockEntry workloads profile;
      # The numbers `best` chose by (none for a locked choice: they are in its choice.json).
      evaluation = if best != null then best.evaluation else null;
      # The variant `best` chose; without evaluation workloads there is no choice to make.
      shipped = if best != null then best else asProgram optimized;
      shippedStage = if best != null then "best" else "optimized";
      baseline = asProgram baseline;
      src = cargoSrc;
      flags = {
        inherit rustflags instrumentRustflags profileUseRustflags pgoLto cargoFeatures noDefaultFeatures cargoExtraArgs cargoProfile package boltOptions;
        # How the workloads' profiles were weighed in the merge.
        inherit workloadWeights broadWeight;
      };
    };
    # bin/update-profile: rerun the workloads and write the lock entry.
    updateProfile = updateProfile {
      inherit pname profiles lockName training;
      # The unlocked package's `best`: the choice its evaluation makes.
      choice = if lockChoice then (buildPgoPackage (args // { lockFile = null; })).best else null;
      profile = profileUnlocked;
      boltProfile = if bolt then requireElf onUnlockedProfile.boltProfile else null;
      boltLockName = "${pname}-bolt-profile";
      defaultLockPath = lockPath;
      inherit lockSource rootMarker;
      # A checked-in copy the package was given (checkedInProfile, checkedInBoltProfile) is
      # where the user keeps it, not src's pgo/: named, not rewritten (Nix review).
      inherit (givenCopies) profileCopy boltProfileCopy copyNote;
    };
    # bin/update-choice: lock the variant `best` chooses now, keeping the locked profile
    # (and BOLT profile): after evaluation workloads changed, no training reruns, so a
    # program that starts threads keeps its profile instead of one that differs by noise.
    updateChoice =
      if !lockChoice || lockFile' == null then
        null
      else
        updateProfile {
          inherit pname profile;
          command = "update-choice";
          # The locked profile as the lock has it: the entry keeps its fingerprint, date,
          # workloads (none given), name and BOLT profile.
          lockName = lockEntry.name;
          profiles = { };
          boltProfile = if boltLockEntry != null then requireElf boltProfile else null;
          boltLockName = "${pname}-bolt-profile";
          # This build's variants, chosen from their evaluation, whatever the lock chose.
          choice = bestOf null;
          defaultLockPath = lockPath;
          inherit lockSource rootMarker;
        };
    # A check that the locked profile hasn't drifted from what the workloads give now.
    # (With a lock file, whose entry for this package and toolchain lockEntry checks.)
    profileFresh =
      if lockFile' == null then
        null
      else
        profileFresh {
          inherit pname maxDrift;
          locked = profile;
          unlocked = profileUnlocked;
          # A locked BOLT profile is fresh while it is of this build's binaries.
          bolt = if bolt && boltLockEntry != null then { inherit boltInput boltProfile; } else null;
        };
  };
in
if pnameProblem != null then
  fail pnameProblem
else if workloadProblems != [ ] then
  fail (builtins.concatStringsSep " " workloadProblems)
else if weightProblem != null then
  fail weightProblem
else if kindless != [ ] then
  fail "workload(s) ${builtins.concatStringsSep ", " kindless} need either `script` (a run of the program, `script = ./train.sh;`) or `cargoTest` (the package's tests, `cargoTest = { };`)."
else if testsIn evaluationWorkloads != [ ] then
  fail "evaluation workload(s) ${builtins.concatStringsSep ", " (testsIn evaluationWorkloads)} are the package's tests (cargoTest); evaluation compares the built programs (baseline, optimized), so its workloads are scripts that run them. Tests can be training or broad workloads."
else if bolt && training != { } && scriptTraining == { } then
  fail "every training workload is the package's tests (cargoTest), which don't run the program BOLT rewrites, so BOLT would have no training: add a training workload that runs the program (`script`), or set `bolt = false;`."
else if lockChoice && evaluationWorkloads == { } then
  fail "lockChoice = true locks the variant `best` chooses by the evaluation, and the package has no evaluation workloads: give it some (workloads.evaluation, or eval/ with workloadsFromDir), or remove lockChoice."
else if training == { } then
  fail "no training workloads. Give `workloads.training.<name> = { script = ./train.sh; }` (or use workloadsFromDir with a train/ directory): without them there is no profile to optimize with."
else if badRepairs != [ ] then
  fail "repairs names ${builtins.concatStringsSep ", " badRepairs}, which this package can't try; it can try ${builtins.concatStringsSep ", " remediesThatApply} (optimized-broad needs broad workloads, workloads.broad or broad/*.sh; bolted-gentle needs bolt = true)."
else if builtins.any (n: training ? "broad-${n}") (builtins.attrNames broadWorkloads) then
  fail "a training workload is named broad-<name> like the profile of the broad workload <name>: rename one of them."
else if !bolt && (boltOptions != null || boltInstrumentOptions != [ ]) then
  fail "boltOptions or boltInstrumentOptions is set but bolt = false, so no stage would use it: remove them, or set bolt = true."
else
# One attribute per stage of the registry (stages.nix), then what is not a stage.
  builtins.listToAttrs
    (map (s: { name = s.attr; value = stageValues.${s.attr}; }) (builtins.filter (s: builtins.elem "rust" s.languages) (import ./stages.nix)))
    // {
    # The registry's `languages` this pipeline has (stagesOf, checksFor).
    language = "rust";
    inherit has;
    locked = lockEntry != null;
    # The toolchain identity the package's lock entries are keyed by (`nix-pgo lock`/`verify`).
    toolchainId = toolchain.id;
    # The workloads as given (for evaluating other variants with evaluateVariants).
    inherit workloads;
    # The flags of the builds that use the profile, as given or defaulted (for building
    # variants with more of them, e.g. bench/compare-cargo-pgo.nix).
    inherit profileUseRustflags;
    # The same package with some arguments replaced (other workloads, flags, ...).
    # As nixpkgs' makeOverridable: new arguments, or a function of the old ones.
    override = newArgs: buildPgoPackage (args // (if builtins.isFunction newArgs then newArgs args else newArgs));
  }
