# evaluateVariants :: set -> drv
# Arguments and result: docs/API.md, `evaluateVariants`.
#
# Runs each evaluation workload against every variant (baseline, optimized, ...) under
# callgrind: one derivation per workload and variant (`runs.<variant>`), failing when the
# variant prints something else than the first, and recording instruction counts and
# estimated cycles (deterministic here, unlike time, except for a run that started
# threads: it runs `threadedRuns` times, and the median run counts, with the spread). Estimated cycles are KCachegrind's
# CEst from callgrind's cache and branch simulation (helper/src/callgrind.rs): the cost
# that sees code layout, which instruction counts don't.
#
# A run depends on its workload, its variant's binary and the runs before it, never on
# the variants after it, so an evaluation that adds candidates (repairEvaluation adds the
# remedies after baseline, optimized and bolted) reuses the runs it shares with another.
# Per workload, a derivation collects the runs (`passthru.workloads.<name>`, with
# `runs.<variant>`); the result merges those into $out/evaluation.json.
{ helper
, mkStage
, toolchain
, workloadEnv
, workloadSources
,
}:
{ pname
, version
, # The name of the result and of the per-workload derivations, e.g. "repair-evaluation"
  # (the runs are named "evaluation" whatever it is, so that evaluations share them).
  stage ? "evaluation"
, # { <variant> = <drv with bin/>; }, e.g. { inherit baseline optimized; }
  variants
, # The order the variants run in; each one's output is compared with the first's, and a
  # difference is reported for the first variant that differs, so list them in pipeline
  # order (a PGO bug then names `optimized`, not `bolted`, which inherits it).
  order ? builtins.attrNames variants
, # { <workload> = { script, inputs ? { }, timeout ? 600 }; }
  workloads
, # As for runWorkloadProfile: fixed HashMap seeds make instruction counts repeatable.
  deterministicRandom ? true
, # Environment variables of every workload (workloadEnv.nix `variables`), e.g. Go's
  # GOMAXPROCS and GOGC, fixed so that instruction counts repeat.
  variables ? { }
, # How many times a run that started threads runs in all (the helper keeps the median
  # run and the spread, which the regression check and `best` treat as noise): valgrind
  # runs one thread at a time and switches between them by timing, so such a run's counts
  # differ from run to run (tokei's: 0.8 % of instructions over 12 evaluations, README).
  # A single-threaded run runs once. 1: never repeat.
  threadedRuns ? 5
, # The program starts threads whether or not callgrind can name the function that
  # starts them: every run repeats, and this names what started them when callgrind
  # names nothing (e.g. "the Go runtime": a Go binary linked with -s has no function
  # names, but its runtime always starts threads). null: repeat the runs that callgrind
  # shows starting a thread.
  startsThreads ? null
,
}:
let
  inherit (builtins) attrNames attrValues concatStringsSep mapAttrs;
  sameNames = builtins.sort builtins.lessThan order == attrNames variants;

  callgrindOptions = import ./callgrindOptions.nix;

  # The run of variant number i of `order` on one workload. Runs go in `order`, each after
  # the one before it succeeded, so a difference is reported for the first variant that
  # differs; each compares its stdout with the first variant's.
  runOf =
    name: env: runs: i:
    let
      variant = builtins.elemAt order i;
    in
    mkStage (
      env
      // {
        name = "${pname}-evaluation-${name}-${variant}-${version}";
        script = ./evaluateRun.sh;
        inherit (toolchain) valgrind;
        inherit callgrindOptions;
        helper = "${helper}/bin/nix-pgo";
        variantName = variant;
        variantPath = "${variants.${variant}}";
        referenceName = builtins.head order;
        inherit threadedRuns;
        startsThreads = if startsThreads == null then "" else startsThreads;
        # The first variant's run (its stdout) and the previous variant's: "" for the first.
        reference = if i == 0 then "" else "${runs.${builtins.head order}}";
        previous = if i == 0 then "" else "${runs.${builtins.elemAt order (i - 1)}}";
      }
    );

  evaluateWorkload =
    name: workload:
    let
      # valgrind runs programs 20-50x slower than they run natively.
      env = workloadEnv { inherit name workload deterministicRandom variables; timeoutFactor = 30; };
      runs = builtins.listToAttrs (builtins.genList
        (i: {
          name = builtins.elemAt order i;
          value = runOf name env runs i;
        })
        (builtins.length order));
    in
    mkStage {
      name = "${pname}-${stage}-${name}-${version}";
      script = ./workloadResult.sh;
      helper = "${helper}/bin/nix-pgo";
      workloadName = name;
      variantNames = order;
      runs = map (v: "${runs.${v}}") order;
      # The environment the workload ran in (workloadEnv.nix's attributes), for the report,
      # which times the same runs (with the workload's own timeout).
      passthru = env // { inherit runs; };
    };
  perWorkload = mapAttrs evaluateWorkload workloads;
in
if !builtins.isInt threadedRuns || threadedRuns < 1 then
  throw "evaluateVariants: ${pname}: threadedRuns must be a whole number of runs, at least 1 (got ${builtins.toJSON threadedRuns})."
else if startsThreads != null && (!builtins.isString startsThreads || startsThreads == "") then
  throw "evaluateVariants: ${pname}: startsThreads must be null or a non-empty string naming what starts the program's threads (got ${builtins.toJSON startsThreads})."
else if !sameNames then
  throw "evaluateVariants: ${pname}: order (${concatStringsSep ", " order}) must name each variant once (the variants are ${concatStringsSep ", " (attrNames variants)})."
else
  mkStage {
    name = "${pname}-${stage}-${version}";
    script = ./evaluationSummary.sh;
    helper = "${helper}/bin/nix-pgo";
    results = attrValues perWorkload;
    passthru = {
      workloads = perWorkload;
      # What each workload is made of (store paths): `best` records their hashes in its
      # choice, and refuses a locked choice once they changed.
      sources = workloadSources workloads;
      # variables: to evaluate other variants in the same environment (bench/go-inline-budget).
      inherit variants variables;
    };
  }
