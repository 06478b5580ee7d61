# buildGoPgoPackage :: set -> set
# Arguments and result: docs/API.md, `buildGoPgoPackage`; docs/go.md.
#
# Go PGO for one Go module, shaped like nixpkgs' buildGoModule (pname, version, src,
# vendorHash, subPackages, tags, ldflags) plus `workloads` as for buildPgoPackage, one
# derivation per stage of the registry (stages.nix) that has "go" among its languages:
#   vendor ─┬─> profiling ─> profiles.<workload> ─> profile ─> optimized ─┐
#           └─> baseline ─────────────────────────────────────────────────┴─> evaluation ─> noRegression
# Only composes the stages, like buildPgoPackage.
{ buildGoBaseline
, buildGoOptimized
, buildGoPgoPackage
, buildGoProfiling
, buildRelease
, checkTraining
, chooseBest
, evaluateVariants
, lockEntryOf
, goLockedProfile
, goModVendor
, goUpdateProfile
, mergeGoProfiles
, regressionCheck
, runGoWorkloadProfile
, toolchain
,
}:
{ pname
, version
, src
, # The directory of src that holds go.mod.
  modRoot ? "."
, # The NAR hash ("sha256-…") of the module's vendor/ directory (`go mod vendor`), as
  # for buildGoModule (with proxyVendor, of its module cache); null when the module has
  # no dependencies or src has vendor/. The vendor stage may download, as buildGoModule's
  # (GOPROXY from the environment of `nix build`, else Go's default).
  vendorHash ? throw "buildGoPgoPackage (${pname}): `vendorHash` is required: the hash of `go mod vendor`'s output (build once with vendorHash = \"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\" and copy the hash after \"got:\"), or null when the module has no dependencies or src has its vendor/ directory."
, # As buildGoModule's: vendor `go mod download`'s module cache instead of vendor/, and
  # build from it (-mod=mod), for modules whose vendor/ misses C sources or has paths
  # that differ only in case.
  proxyVendor ? false
, # Main packages to build, relative to modRoot; each gives bin/<last path element>.
  subPackages ? [ "." ]
, tags ? [ ]
, ldflags ? [ ]
, # Go compiler flags for the build that uses the profile only (`optimized`), applied to
  # every package of the build (-gcflags=all=…), as Go applies the profile to all of them.
  # The default is a quarter of Go's PGO inline budget (2000). On gofmt, go-service and
  # cmd/compile (with Go's own profile), 500 and 250 were the budgets faster than baseline
  # in estimated cycles on every workload and slower in wall time on none, and 500 saves
  # more; Go's budget and 1000 cost gofmt 1-2.4 % more wall time than baseline, in two runs
  # with two profiles (docs/go.md "The PGO inline budget"). [ ]: Go's own.
  profileUseGcflags ? [ "-d=pgoinlinebudget=500" ]
, # cgo for every build (CGO_ENABLED=1); off, as static Go binaries don't depend on the C toolchain.
  cgo ? false
, # { training = { <name> = { script, inputs, timeout } or { benchmark = { package ? ".", bench ? ".", benchtime ? "1s" }; }; };
  #   evaluation = { <name> = { script, … }; }; } (workloadsFromDir builds the script ones).
  workloads
, # Weights of training workloads in the merged profile: { <name> = N; }.
  workloadWeights ? { }
, # The Go runtime's settings for every workload run (profiles and evaluation): one
  # processor and no garbage collection, so that callgrind's instruction counts repeat.
  # Measured on gofmt's image-compress workload (baseline, twice each): GOGC=100 gave
  # 919298082 and 892829785 instructions (3 % apart: the concurrent GC's work depends on
  # timing), GOGC=off 703560735 and 702862232 (0.1 %). A program that allocates more than
  # the machine holds needs GOGC set back here (`GOGC = "100"`). Merged over these
  # defaults, so that setting one variable (say GODEBUG) keeps the others; "" gives a
  # variable Go's own default back.
  runtimeVariables ? { }
, # Locked profile (docs/go.md "Locked profiles"): the lock file (default src's
  # pgo.lock.json) and the committed profile, by Go's -pgo=auto convention default.pgo in
  # the (first) main package's directory. null: none (src is not searched).
  lockFile ? null
, defaultPgo ? null
, # Lock the variant `best` ships with the profile, as buildPgoPackage's lockChoice: every
  # Go program starts threads, so its evaluation counts move from run to run.
  lockChoice ? false
, # Where `updateProfile` writes the lock, relative to the directory it runs in.
  lockPath ? "pgo.lock.json"
, # default: <modRoot>/<first subPackage>/default.pgo
  defaultPgoPath ? null
, # `noRegression` fails when optimized executes more than this percentage more
  # instructions than baseline on an evaluation workload. Not 0 as for Rust: a Go
  # program's count varies by ~0.1 % from run to run even with runtimeVariables' settings
  # (measured above), so 0.5 % is five times that noise.
  regressionTolerance ? 0.5
, # How many times an evaluation run that started threads runs in all (evaluateVariants'
  # `threadedRuns`): its counts depend on thread timing under callgrind, so the median run
  # counts, and `noRegression` and `best` treat differences inside the runs' spread as
  # noise. Single-threaded runs run once.
  threadedEvaluationRuns ? 5
, # `optimized` fails when less than this share of the profile's CPU time falls on
  # functions the program has (checked against baseline: `nix-pgo pprof match --min-rate`).
  # A profile of the program itself matched 1.0 in the tests, one of another program 0.33
  # and 0.40 (its runtime and standard library functions match any Go program).
  minProfileMatch ? 0.5
, # Every workload gets the toolchain's CA bundle (SSL_CERT_FILE, which Go's crypto/x509
  # reads); each workload's own caCertificates overrides it (as buildPgoPackage's).
  caCertificates ? false
, # A locked profile, trained or imported (`nix-pgo import`), goes stale as the code moves
  # on: profileFresh fails when more than this percentage of its CPU time under the
  # program's own functions (package main, the main module) is in functions the build no
  # longer has, renamed or removed since it was locked (`optimized`'s match against
  # baseline, the share `pprof match` warns with), naming them and the fix (update-profile
  # for a trained profile, the re-import for an imported one). A percentage, as
  # buildPgoPackage's maxStale (which fails its optimized build: Go's keeps building with
  # the profile, whose other functions still help, until it is retrained or the services
  # run a build to import from). The go-import trial's rename of 2 hot functions made
  # 32.9 %. 100 never fails.
  maxStale ? 10
, meta ? { }
, passthru ? { }
, # Any other argument is refused below, naming it: buildGoModule's get what to do instead.
  ...
}@args:
let
  fail = msg: throw "buildGoPgoPackage (${pname}): ${msg}";
  inherit (builtins) any attrNames concatStringsSep elem filter head listToAttrs mapAttrs match pathExists readDir readFile;

  # modRoot and subPackages as paths relative to src without "." components: the source
  # filter below compares whole paths, and `subPackages = [ "." ]` (the default) must name
  # src's own default.pgo, not "<src>/./default.pgo".
  components = p: filter (c: builtins.isString c && c != "" && c != ".") (builtins.split "/" p);
  relative = p: concatStringsSep "/" (components p);
  subPackageDir = let dir = relative "${modRoot}/${head subPackages}"; in if dir == "" then "." else dir;
  defaultPgoPath' = if defaultPgoPath != null then defaultPgoPath else relative "${subPackageDir}/default.pgo";
  # The defaults stay unless named: a user who sets GODEBUG still counts with one processor
  # and no garbage collection.
  runtimeVariables' = { GOMAXPROCS = "1"; GOGC = "off"; } // runtimeVariables;

  # (A filtered src, or a flake's self, is looked in too: internal/sourcePath.nix.)
  sourcePath = import ./internal/sourcePath.nix;
  srcPath = sourcePath src;
  inSrc = import ./internal/inSource.nix src;
  # Given (null too: none), or looked up in src. Given, src is not looked at, so that a
  # src computed from the toolchain (gofmt's GOROOT) is not evaluated when the flake only
  # lists names.
  lockFile' = if args ? lockFile then lockFile else inSrc "pgo.lock.json";
  defaultPgo' = if args ? defaultPgo then defaultPgo else inSrc "${subPackageDir}/default.pgo";
  # Where the package reads its lock and default.pgo (for update-profile's message).
  lockSource = import ./internal/lockSource.nix {
    inherit src args lockPath;
    copies = [{
      arg = "defaultPgo";
      path = relative "${subPackageDir}/default.pgo";
      what = "default.pgo";
      hint = "the default.pgo written here";
    }];
  };
  # What update-profile, run without paths, must find where it runs: src's go.mod.
  rootMarker = import ./internal/rootMarker.nix {
    inherit args srcPath lockPath;
    marker = relative "${modRoot}/go.mod";
  };
  # The builds never see the lock or default.pgo: re-locking rebuilds no baseline, and a
  # default.pgo never reaches a build but through the lock check (goLockedProfile).
  # (nix-pgo import writes default.pgo.provenance.json beside default.pgo.)
  # Nor src's pgo/, the workloads' conventional directory (as for buildPgoPackage's cargo
  # stages), unless it is a Go package: editing a workload or its held-out data then reruns
  # that workload only, not the baseline and every training run.
  # (A file named pgo is no directory to leave out.)
  pgoIsWorkloads =
    srcPath != null && (readDir srcPath).pgo or null == "directory"
    && !(any (f: match ".*\\.go" f != null) (attrNames (readDir (srcPath + "/pgo"))));
  goSrc = import ./internal/pgoSource.nix {
    inherit src;
    name = "${pname}-source";
    exclude = map relative ([
      "pgo.lock.json"
      "${subPackageDir}/default.pgo"
      "${subPackageDir}/default.pgo.provenance.json"
    ] ++ (if pgoIsWorkloads then [ "pgo" ] else [ ]));
  };

  # A default.pgo without a lock is never built with (nix-pgo builds only with a profile
  # whose fingerprint a lock records), but Go's own convention (-pgo=auto) would use it:
  # given explicitly, refused; found in src, a warning. Either way with the command that
  # locks it as it is.
  # nix-pgo import's flags that write default.pgo and its lock entry where the package reads them.
  importInto = "--output ${defaultPgoPath'} --lock ${lockPath} --name ${pname} --toolchain ${toolchain.go.id}";
  lockItAsIs = "lock it as it is with `nix-pgo import --source file:${defaultPgoPath'} ${importInto}` (run where update-profile writes: src's pgo.lock.json must hold the lock), or write both from the workloads with the package's updateProfile";
  unlockedDefaultPgo =
    if lockFile' != null || defaultPgo' == null then null
    else if args ? defaultPgo then
      fail "defaultPgo is given, but there is no lock (no pgo.lock.json in src, no lockFile), and nix-pgo builds only with a locked profile: ${lockItAsIs}. Without defaultPgo the profile is trained from the workloads."
    else
      builtins.trace "warning: buildGoPgoPackage (${pname}): ${toString defaultPgo'} is not used: there is no lock (pgo.lock.json) beside it, so the profile is trained from the workloads; to build with this one, ${lockItAsIs}." null;

  algorithm = "blake3-canonical-pprof-v1";
  lockEntry = lockEntryOf {
    lockFile = lockFile';
    inherit pname fail algorithm;
    toolchainId = toolchain.go.id;
    relock = "re-lock it with ${import ./internal/relockHint.nix}, or `nix-pgo import` for an imported profile";
  };

  withDefaults = mapAttrs (_: w: { inherit caCertificates; } // w);
  training = withDefaults (workloads.training or { });
  # The training as the lock records it (trainingSources) and profileFresh compares it:
  # each workload with its weight in the merge, when not 1. A weight edited after locking
  # makes another profile than the locked one, as an edited script does (the go trial:
  # `workloadWeights.bench = 5` left profileFresh passing).
  trainingRecord = mapAttrs (n: w: w // (if (workloadWeights.${n} or 1) != 1 then { weight = workloadWeights.${n}; } else { })) training;
  # Where an imported profile's samples came from (`nix-pgo import`), if committed beside it.
  importProvenance =
    if lockEntry == null || sourcePath defaultPgo' == null || !(pathExists (defaultPgo' + ".provenance.json")) then null
    else defaultPgo' + ".provenance.json";
  # The locked profile is the imported one: its provenance describes it (the same
  # fingerprint). One left from an earlier import beside a profile trained since (by
  # updateProfile) doesn't make the profile imported, and its training is checked.
  importedFrom = if importProvenance == null then null else builtins.fromJSON (readFile importProvenance);
  # Without its provenance (not committed), the lock entry still tells: `nix-pgo import`
  # records no training workloads, and a trained profile always has some.
  importedProfile =
    (importedFrom != null && (importedFrom.fingerprint or null) == lockEntry.fingerprint)
    || (lockEntry != null && (lockEntry.workloads or { }) == { } && (lockEntry.trainingSources or { }) == { });
  # The import that made the profile, again (profileFresh's message for a stale one): its
  # live sources, windows and weights, into default.pgo and the lock.
  reimport =
    let
      live = filter (s: (s.kind or "file") != "file") (importedFrom.sources or [ ]);
      quoted = arg: if match "[A-Za-z0-9_./:=+@%,-]*" arg != null then arg else "'${arg}'";
      source = s: quoted ((if s.kind == "pyroscope" then "pyroscope+" else "") + s.url + (if (s.weight or 1) != 1 then "=${toString s.weight}" else ""));
      flags =
        (if live == [ ] then [ "--source http://HOST:PORT" ] else map (s: "--source ${source s}") live)
        ++ (if importedFrom ? seconds then [ "--seconds ${toString importedFrom.seconds}" ] else [ ])
        ++ (if importedFrom ? windows then [ "--windows ${toString importedFrom.windows}" ] else [ ]);
    in
    "import a new profile from the services once they run this build, `nix-pgo import ${concatStringsSep " " flags} ${importInto}`, and commit ${defaultPgoPath'}, its provenance and ${lockPath} (or raise maxStale)";
  # profileFresh's message for a stale trained profile: the workloads still run, so a new
  # profile comes from training this source (not from the services, as an imported one's).
  retrain = "retrain on this source and re-lock with ${import ./internal/relockHint.nix}, and commit ${defaultPgoPath'} and ${lockPath} (or raise maxStale)";
  evaluationWorkloads = withDefaults (workloads.evaluation or { });
  pnameProblem = import ./internal/pnameProblem.nix pname;
  # Arguments this function doesn't take. A package moved from buildGoModule brings some
  # of its arguments (the go trial: `doCheck = false;`), which Nix refused as "called with
  # unexpected argument", pointing into this file: the Go stages are no stdenv builds
  # (no phases, hooks, build inputs or tests), so each gets what to do instead.
  unknownArgs = attrNames (removeAttrs args (attrNames (builtins.functionArgs buildGoPgoPackage)));
  noTests = "the Go stages run no tests (go test runs only as a benchmark training workload): remove it";
  noPhases = "the Go stages have no phases or hooks: patch or generate code in src before (src may be a derivation that does it)";
  noInputs = "the Go stages take no build inputs: cgo = true builds with the toolchain's C compiler, and a tool a workload needs is one of its inputs";
  buildGoModuleOnly = {
    doCheck = noTests;
    checkFlags = noTests;
    preCheck = noTests;
    postCheck = noTests;
    nativeBuildInputs = noInputs;
    buildInputs = noInputs;
    patches = noPhases;
    postPatch = noPhases;
    preBuild = noPhases;
    postBuild = noPhases;
    preInstall = noPhases;
    postInstall = noPhases;
    env = "the go command's environment is fixed (docs/API.md, Go stage arguments): build tags go in `tags`, linker flags in `ldflags`, and the workloads' runtime settings in `runtimeVariables`";
    overrideModAttrs = "the vendor stage is goModVendor: `vendorHash` and `proxyVendor` are its settings";
    excludedPackages = "`subPackages` lists the packages that are built";
    allowGoReference = "the builds use -trimpath, and the binaries refer to no store path";
  };
  argsProblem =
    if unknownArgs == [ ] then null
    else
      concatStringsSep " "
        (map
          (n:
            if buildGoModuleOnly ? ${n} then "`${n}` is buildGoModule's: ${buildGoModuleOnly.${n}}."
            else "`${n}` is no argument of buildGoPgoPackage (misspelt?).")
          unknownArgs)
      + " Its arguments: ${concatStringsSep ", " (attrNames (builtins.functionArgs buildGoPgoPackage))} (docs/API.md, buildGoPgoPackage).";
  weightProblem = import ./internal/workload/weightProblem.nix workloadWeights (workloads.training or { });
  # (workloadsFromDir always gives `broad`, empty without a broad/ directory.)
  workloadProblems = import ./internal/workload/workloadProblems.nix [ "training" "evaluation" ] [ "script" "benchmark" ]
    (if (workloads.broad or null) == { } then removeAttrs workloads [ "broad" ] else workloads);
  benchmarkInEvaluation = filter (n: evaluationWorkloads.${n} ? benchmark) (attrNames evaluationWorkloads);

  # src's own vendor/ against vendorHash, as nixpkgs' buildGoModule checks it (only where
  # src can be read without building; a src Go can't build fails in go's own words).
  hasVendorDir = inSrc (relative "${modRoot}/vendor/modules.txt") != null;
  requiresModules =
    let goMod = inSrc (relative "${modRoot}/go.mod"); in
    goMod != null && match "(.*\n)?[ \t]*require[ \t(].*" (readFile goMod) != null;
  vendor =
    if vendorHash != null && hasVendorDir then
      fail "src has a vendor/ directory (${relative "${modRoot}/vendor"}), and vendorHash is set, so the builds would use a fresh `go mod vendor` instead of it: set `vendorHash = null;` to build with src's vendor/ as it is, or remove vendor/ from src."
    else if vendorHash == null && !hasVendorDir && requiresModules then
      fail "vendorHash = null builds with src's own vendor/, but src has no ${relative "${modRoot}/vendor/modules.txt"} while go.mod requires modules: commit vendor/ (`go mod vendor`; with flakes, `git add vendor`), or give vendorHash to vendor in a derivation."
    else if vendorHash == null then
      null
    else
      goModVendor {
        inherit pname version modRoot vendorHash;
        src = goSrc;
        inherit proxyVendor;
      };

  # What every go build shares; computed once.
  common = {
    inherit pname version modRoot vendor subPackages tags ldflags cgo;
    src = goSrc;
  };
  # `go build -o DIR/` names a binary after its package's import path, less a major
  # version suffix (/v2): the module path's (go.mod) for the module's own directory,
  # else the directory's. pname when go.mod can't be read at evaluation.
  mainProgram =
    let
      lastOf = path:
        let
          parts = components path;
          n = builtins.length parts;
          last = builtins.elemAt parts (n - 1);
        in
        if n > 1 && match "v[0-9]+" last != null then builtins.elemAt parts (n - 2) else last;
      goMod = inSrc (relative "${modRoot}/go.mod");
      module =
        if goMod == null then null
        else match "(.*\n)?[ \t]*module[ \t]+\"?([^\"\n \t]+).*" (builtins.readFile goMod);
      package = relative (head subPackages);
    in
    if package != "" then lastOf package
    else if module != null then lastOf (builtins.elemAt module 1)
    else pname;
  asProgram = import ./internal/asProgram.nix { inherit passthru meta mainProgram pname version; };

  baseline = asProgram (buildGoBaseline common);
  profiling = buildGoProfiling common;
  profiles = mapAttrs
    (name: workload: runGoWorkloadProfile {
      inherit pname version name workload profiling modRoot vendor tags cgo;
      src = goSrc;
      variables = runtimeVariables';
      # Go reads randomness with the getrandom system call, not through libc: the
      # preload has no effect on a static Go binary.
      deterministicRandom = false;
    })
    training;
  profileUnlocked = mergeGoProfiles {
    inherit pname version profiles;
    weights = workloadWeights;
  };
  profile =
    if lockEntry == null then
      builtins.seq unlockedDefaultPgo profileUnlocked
    else
      goLockedProfile {
        inherit pname;
        entry = lockEntry;
        unlocked = profileUnlocked;
        committed = defaultPgo';
        committedPath = defaultPgoPath';
      };
  optimized = asProgram (buildGoOptimized (common // { inherit profile baseline minProfileMatch; gcflags = profileUseGcflags; }));
  evaluation =
    if evaluationWorkloads == { } then
      null
    else
      evaluateVariants {
        inherit pname version;
        threadedRuns = threadedEvaluationRuns;
        # Always, whether or not callgrind can name runtime.newosproc: nixpkgs' Go
        # packages often link with ldflags = [ "-s" "-w" ], which leaves no names.
        startsThreads = "the Go runtime";
        variants = { inherit baseline optimized; };
        order = [ "baseline" "optimized" ];
        workloads = evaluationWorkloads;
        deterministicRandom = false;
        # Go preempts goroutines with signals (SIGURG), and callgrind aborts on them
        # ("vgCallgrind_post_signal: Assertion 'sigNum == …' failed", seen on this
        # project's first Go evaluation): under callgrind, preemption is cooperative only.
        # (After the user's own GODEBUG settings, which the training ran with too.)
        variables = runtimeVariables' // {
          GODEBUG = concatStringsSep "," (filter (s: s != "") [ (runtimeVariables'.GODEBUG or "") "asyncpreemptoff=1" ]);
        };
      };

  # The variant to ship, as for Rust: the faster of baseline and optimized among those the
  # regression check passes, whether or not noRegression passes.
  # bestOf LOCKED: with the lock's choice (lockedChoice), or chosen from the evaluation
  # (null: what updateChoice locks).
  bestOf =
    locked:
    if evaluation == null then
      null
    else
      asProgram (chooseBest {
        inherit pname version evaluation locked;
        tolerance = regressionTolerance;
      });
  best = bestOf lockedChoice;
  # The lock's choice, while it applies (lockChoice).
  lockedChoice = import ./internal/lockedChoice.nix {
    inherit lockEntry pname lockChoice fail;
    lockFile = lockFile';
    toolchainId = toolchain.go.id;
    evaluationWorkloads = attrNames evaluationWorkloads;
    variants = [ "baseline" "optimized" ];
    who = "buildGoPgoPackage (${pname})";
    relock = import ./internal/relockChoiceHint.nix;
  };

  stageValues = {
    inherit vendor baseline profiling profiles profile profileUnlocked optimized evaluation best;
    noRegression =
      if evaluation == null then
        null
      else
        regressionCheck {
          inherit pname evaluation;
          tolerance = regressionTolerance;
        };
    # The published artifact: best's binaries (every file of its bin/), provenance.json
    # and SHA256SUMS.
    release = buildRelease {
      inherit pname version lockEntry workloads profile;
      # The numbers `best` chose by (none for a locked choice: they are in its choice.json).
      evaluation = if best != null then best.evaluation else null;
      inherit importProvenance;
      bins = null;
      shipped = if best != null then best else optimized;
      shippedStage = if best != null then "best" else "optimized";
      inherit baseline;
      src = goSrc;
      flags = {
        inherit modRoot subPackages tags ldflags cgo profileUseGcflags proxyVendor;
        runtimeVariables = runtimeVariables';
        # What the modules were vendored to (go.sum in src names each module's hash; this
        # is the vendor stage's, null for src's own vendor/).
        inherit vendorHash;
      };
      toolchainId = toolchain.go.id;
      compiler = {
        name = "go";
        path = toolchain.go.go;
        versionArgs = [ "version" ];
      };
    };
    # A check that the locked profile was trained on the training workloads there are now
    # (a sampled profile can't be retrained and compared, as buildPgoPackage's is; an
    # imported one has no training), and that the program still has the functions it
    # names (up to maxStale): a committed profile goes stale as the source moves on, while
    # the workloads stay as they were.
    profileFresh =
      if lockFile' == null then
        null
      else
        checkTraining {
          inherit pname;
          training = trainingRecord;
          lockFile = lockFile';
          toolchainId = toolchain.go.id;
          imported = importedProfile;
          # How much of the profile the program no longer has: optimized's match reports.
          inherit optimized maxStale;
          refresh = if importedProfile then reimport else retrain;
        };
    updateProfile = goUpdateProfile {
      inherit pname profiles lockPath lockSource rootMarker;
      training = trainingRecord;
      defaultPgoPath = defaultPgoPath';
      profile = profileUnlocked;
      lockName = "${pname}-pgo-profile";
      # The unlocked package's `best`: the choice its evaluation makes.
      choice = if lockChoice then (buildGoPgoPackage (args // { lockFile = null; defaultPgo = null; })).best else null;
    };
    # bin/update-choice: lock the variant `best` chooses now, keeping the locked profile
    # (as buildPgoPackage's): no training reruns, and default.pgo is rewritten as it is.
    updateChoice =
      if !lockChoice || lockFile' == null then
        null
      else
        goUpdateProfile {
          inherit pname lockPath lockSource profile rootMarker;
          command = "update-choice";
          defaultPgoPath = defaultPgoPath';
          # The entry keeps its fingerprint, date and workloads (none given), and its name.
          profiles = { };
          lockName = lockEntry.name;
          choice = bestOf null;
        };
  };
in
if argsProblem != null then
  fail argsProblem
else if pnameProblem != null then
  fail pnameProblem
else if (workloads.broad or { }) != { } then
  fail "workloads.broad (workloadsFromDir's broad/) feeds Rust's optimized-broad remedy, which Go pipelines don't have: move those scripts to train/, or remove them."
else if workloadProblems != [ ] then
  fail (concatStringsSep " " workloadProblems)
else if weightProblem != null then
  fail weightProblem
else if lockChoice && evaluationWorkloads == { } then
  fail "lockChoice = true locks the variant `best` chooses by the evaluation, and the package has no evaluation workloads: give it some (workloads.evaluation, or eval/ with workloadsFromDir), or remove lockChoice."
else if training == { } then
  fail "no training workloads. Give `workloads.training.<name> = { script = ./train.sh; }` (a run of the program) or `{ benchmark = { package = \"./…\"; }; }` (go test -bench)."
else if benchmarkInEvaluation != [ ] then
  fail "evaluation workload(s) ${concatStringsSep ", " benchmarkInEvaluation} are benchmarks; evaluation compares the built programs (baseline, optimized), so its workloads are scripts that run them."
else if !(builtins.isInt minProfileMatch || builtins.isFloat minProfileMatch) || minProfileMatch < 0 || minProfileMatch > 1 then
  fail "minProfileMatch = ${builtins.toJSON minProfileMatch}: it is a fraction between 0 and 1 (the default 0.5: half the profile's CPU time on functions of the program), not a percentage."
else if !(builtins.isInt maxStale || builtins.isFloat maxStale) || maxStale < 0 || maxStale > 100 then
  fail "maxStale = ${builtins.toJSON maxStale}: it is a percentage between 0 and 100 (the default 10: profileFresh fails when more than 10 % of a locked profile's CPU time under the program's own functions is in functions the build no longer has; 100 never fails)."
else
  listToAttrs
    (map (s: { name = s.attr; value = stageValues.${s.attr}; }) (filter (s: elem "go" s.languages) (import ./stages.nix)))
    // {
    language = "go";
    # What decides which registry stages the package has, from the arguments alone (as
    # buildPgoPackage's `has`: listing jobs reads no lock entry and no toolchain).
    has = {
      bolt = false;
      lock = lockFile' != null;
      evaluation = evaluationWorkloads != { };
      repairs = false;
      vendor = vendorHash != null;
      inherit lockChoice;
    };
    locked = lockEntry != null;
    # The Go toolchain identity the package's lock entries are keyed by (`nix-pgo import
    # --toolchain`).
    toolchainId = toolchain.go.id;
    inherit workloads profileUseGcflags;
    # As nixpkgs' makeOverridable: new arguments, or a function of the old ones.
    override = newArgs: buildGoPgoPackage (args // (if builtins.isFunction newArgs then newArgs args else newArgs));
  }
