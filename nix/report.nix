# report :: set -> drv
# Arguments and result: docs/API.md, `report`.
#
# The derivation part of `nix run .#report`: $out/report-data.json holds every
# deterministic figure of each program (binary sizes, the evaluation's instruction counts,
# the profile's fingerprint, coverage and staleness) and what it takes to time the
# evaluation workloads outside the sandbox in the environment they had inside it (script,
# inputs, timeout, LD_PRELOAD, the toolchain's bash and PATH). $out/bin/report runs
# `nix-pgo report --data $out/report-data.json "$@"`, which adds the timings: those are
# not reproducible, so no derivation makes them. Every path in the data is in the
# closure, so `nix run` builds the whole evaluation first.
{
  helper,
  mkStage,
  toolchain,
}:
{
  # { <name> = buildPgoPackage's result; } (each with evaluation workloads).
  programs,
}:
let
  inherit (builtins) attrNames concatStringsSep elem filter genList length mapAttrs;
  fail = msg: throw "report: ${msg}";
  names = attrNames programs;

  # Pipeline order, so that the baseline comes first and tables read left to right.
  pipelineOrder = [ "baseline" "optimized" "bolted" ];
  orderOf =
    variants:
    filter (v: variants ? ${v}) pipelineOrder
    ++ filter (v: !(elem v pipelineOrder)) (attrNames variants);

  programAttrs =
    i: name:
    let
      p = programs.${name};
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
            workloadScript
            workloadInputs
            workloadPreload
            workloadCaBundle
            ;
        in
        {
          script = workloadScript;
          inputs = workloadInputs;
          timeout = spec.timeout or 600;
          preload = workloadPreload;
          ca_bundle = workloadCaBundle;
        };
    in
    {
      "programName${toString i}" = name;
      "programPname${toString i}" = p.baseline.pname or name;
      "programVersion${toString i}" = (builtins.parseDrvName p.baseline.name).version;
      "programOrder${toString i}" = concatStringsSep " " order;
      "programVariants${toString i}" = concatStringsSep " " (map (v: "${variants.${v}}") order);
      "programEvaluation${toString i}" = evaluation;
      "programProfile${toString i}" = p.profile;
      "programOptimized${toString i}" = p.optimized;
      # The noRegression check's tolerance: the report gives its verdict too.
      "programTolerance${toString i}" = p.noRegression.tolerance or "0";
      "programTiming${toString i}" = builtins.toJSON {
        inherit (toolchain) bash path;
        workloads = mapAttrs workload (p.workloads.evaluation or { });
      };
    };
in
if names == [ ] then
  fail "no programs. Give `programs = { <name> = buildPgoPackage { … }; }`."
else
  mkStage (
    {
      name = "nix-pgo-report";
      script = ./report.sh;
      helper = "${helper}/bin/nix-pgo";
      programCount = toString (length names);
      meta.mainProgram = "report";
      passthru = { inherit programs; };
    }
    // builtins.foldl' (acc: a: acc // a) { } (genList (i: programAttrs i (builtins.elemAt names i)) (length names))
  )
