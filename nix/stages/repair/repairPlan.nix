# repairPlan :: set -> drv
# Arguments and result: docs/API.md, `repairPlan`.
#
# Whether a variant needs repairing, from the evaluation (the check noRegression makes):
# $out/verdict is `regressed` or `passed`, $out/plan.json the workloads it regressed on
# and, by name only, the functions that grew there and the functions those workloads ran
# (`nix-pgo repair-plan`). The repairs read nothing else of the evaluation: no held-out
# count reaches a profile or a build (docs/never-slower.md).
{ helper
, mkStage
,
}:
{ pname
, # evaluateVariants's result.
  evaluation
, # The variant (optimized, bolted).
  variant
, # Percentage by which it may exceed the baseline's instructions (regressionCheck's).
  tolerance ? 0
,
}:
mkStage {
  name = "${pname}-repair-plan-${variant}";
  script = builtins.toFile "repair-plan.sh" ''
    mkdir -p "$out"
    "$helper" repair-plan --variant "$variant" --tolerance "$tolerance" \
      -o "$out/plan.json" "''${results[@]}" >"$out/verdict"
    log "$variant: $(cat "$out/verdict")"
  '';
  helper = "${helper}/bin/nix-pgo";
  inherit variant;
  tolerance = toString tolerance;
  results = builtins.attrValues evaluation.workloads;
  passthru = { inherit evaluation variant; };
}
