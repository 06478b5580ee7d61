# Go's PGO inline budget, measured (docs/go.md "The PGO inline budget"). With a profile,
# Go's compiler inlines a hot call site when the callee costs up to `-d=pgoinlinebudget`
# (2000 in Go 1.27: cmd/compile/internal/inline/inl.go, inlineHotMaxBudget; 80 without a
# profile). For each Go program: baseline, optimized with Go's budget, and optimized with
# each of `budgets`, all in ONE evaluateVariants (callgrind: instructions and estimated
# cycles) on the held-out workloads and on the training ones (as trained-<name>), and a
# report that times the held-out ones:
#   bench/go-inline-budget/measure [PROGRAM...]
#   nix build --impure -f bench/go-inline-budget <program>.evaluation   (or .report)
# Programs: gofmt (examples/gofmt), go-service (examples/go-service), and cmd/compile with
# the profile the Go distribution ships for it (bench/go-compile's goDefaultWith).
{ nixPgo ? import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }
, # The budgets to try beside Go's own.
  budgets ? [ 1000 500 ]
,
}:
let
  inherit (builtins) attrNames filter listToAttrs parseDrvName removeAttrs;
  budgetVariant = b: "budget-${toString b}";
  variantOrder = [ "baseline" "go-default" ] ++ map budgetVariant budgets;

  # name: the program's name; pipeline: a buildGoPgoPackage result (its baseline and
  # workloads); evaluation: an evaluation of it, whose environment (`variables`) the runs
  # get; withGcflags: builds the optimized variant with those compiler flags ([ ]: Go's
  # budget); trained: also run the training workloads.
  measure =
    { name, pipeline, evaluation, withGcflags, trained ? true }:
    let
      variants = {
        inherit (pipeline) baseline;
        go-default = withGcflags [ ];
      } // listToAttrs (map (b: { name = budgetVariant b; value = withGcflags [ "-d=pgoinlinebudget=${toString b}" ]; }) budgets);
      evaluateOn = workloads: nixPgo.evaluateVariants {
        pname = name;
        version = "${(parseDrvName pipeline.baseline.name).version}-inline-budget";
        inherit variants workloads;
        order = variantOrder;
        deterministicRandom = false;
        inherit (evaluation) variables;
      };
      inherit (pipeline.workloads) training;
      # go test -bench workloads make profiles; only scripts run the built programs.
      scripts = removeAttrs training (filter (n: training.${n} ? benchmark) (attrNames training));
      trainedWorkloads = if trained then listToAttrs (map (n: { name = "trained-${n}"; value = scripts.${n}; }) (attrNames scripts)) else { };
    in
    {
      inherit variants;
      evaluation = evaluateOn (pipeline.workloads.evaluation // trainedWorkloads);
      # Wall time of the held-out workloads: every variant once per round (nix-pgo report).
      report = nixPgo.report {
        programs.${name} = pipeline // { evaluation = evaluateOn pipeline.workloads.evaluation; };
      };
    };

  package = name: pipeline: measure {
    inherit name pipeline;
    inherit (pipeline) evaluation;
    withGcflags = flags: (pipeline.override { profileUseGcflags = flags; }).optimized;
  };
  compile = import ../go-compile { inherit nixPgo; };
in
{
  gofmt = package "gofmt" (import ../../examples/gofmt { inherit nixPgo; });
  go-service = package "go-service" (import ../../tests/fixtures/go-service.nix { }).service;
  # The Go distribution's own profile of its compiler, made from the compiler building all of
  # std and cmd: no workload is held out from it, and the held-out ones are enough (a
  # training workload, go/ or net/, runs about 15 minutes per variant under callgrind).
  compile = measure {
    name = "compile";
    trained = false;
    pipeline = compile;
    evaluation = compile.comparison;
    withGcflags = compile.goDefaultWith;
  };
}
