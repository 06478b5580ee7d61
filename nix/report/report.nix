# report :: set -> drv
# Arguments and result: docs/API.md, `report`.
#
# The derivation part of `nix run .#report`: $out/report-data.json holds every
# deterministic figure of each program (binary sizes, the evaluation's instruction counts
# and estimated cycles, the profile's fingerprint, coverage and staleness, the variant
# `best` ships and why) and what it takes to time the
# evaluation workloads outside the sandbox in the environment they had inside it (script,
# inputs, timeout, LD_PRELOAD, the toolchain's bash and PATH). $out/bin/report runs
# `nix-pgo report --data $out/report-data.json "$@"`, which adds the timings: those are
# not reproducible, so no derivation makes them. Every path in the data is in the
# closure, so `nix run` builds the whole evaluation first.
{ helper
, mkStage
, toolchain
,
}:
{
  # { <name> = buildPgoPackage's result; } (each with evaluation workloads).
  programs
,
}:
let
  inherit (builtins) attrNames elem filter mapAttrs;
  fail = msg: throw "report: ${msg}";
  names = attrNames programs;

  # Pipeline order, so that the baseline comes first and tables read left to right.
  pipelineOrder = [ "baseline" "optimized" "bolted" ];
  orderOf =
    variants:
    filter (v: variants ? ${v}) pipelineOrder
    ++ filter (v: !(elem v pipelineOrder)) (attrNames variants);

  program =
    name: p:
    let
      evaluation =
        if p.evaluation or null == null then
          fail "program '${name}' has no evaluation workloads: give it `workloads.evaluation.<name> = { script = ./eval.sh; }` (or an eval/ directory with workloadsFromDir), or leave it out of `programs`."
        else
          p.evaluation;
      inherit (evaluation) variants;
      order = orderOf variants;
      # The environment each evaluation workload ran in, as its evaluation derivation had
      # it (internal/workload/workloadEnv.nix), with the native timeout.
      workload =
        w: spec:
        let
          inherit (evaluation.workloads.${w})
            workloadRunner
            workloadScript
            workloadInputs
            workloadPreload
            workloadCaBundle
            workloadVariables
            ;
        in
        {
          runner = "${workloadRunner}";
          script = workloadScript;
          inputs = workloadInputs;
          timeout = spec.timeout or 600;
          preload = workloadPreload;
          ca_bundle = workloadCaBundle;
          variables = workloadVariables;
        };
    in
    {
      pname = p.baseline.pname or name;
      version = (builtins.parseDrvName p.baseline.name).version;
      inherit order;
      variants = mapAttrs (_: v: "${v}") variants;
      evaluation = "${evaluation}";
      profile = "${p.profile}";
      optimized = "${p.optimized}";
      # Its nix-support/choice.json: what the package ships, shown in the report.
      best = if p.best or null == null then null else "${p.best}";
      # The noRegression check's tolerance: the report gives its verdict too.
      regression_tolerance = p.noRegression.tolerance or 0;
      timing = {
        inherit (toolchain) bash path;
        workloads = mapAttrs workload (p.workloads.evaluation or { });
      };
    };
in
if names == [ ] then
  fail "no programs. Give `programs = { <name> = buildPgoPackage { … }; }`."
else
  mkStage {
    name = "nix-pgo-report";
    script = ./report.sh;
    helper = "${helper}/bin/nix-pgo";
    # { <name> = { pname, version, order, variants, evaluation, … }; }: read by the helper
    # from the structured attributes (.attrs.json).
    programs = mapAttrs program programs;
    meta.mainProgram = "report";
    passthru = { inherit programs; };
  }
