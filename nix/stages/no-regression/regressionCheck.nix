# regressionCheck :: set -> drv
# Arguments and result: docs/API.md, `regressionCheck`.
#
# The guard that PGO (and BOLT) never make the program slower on what training didn't
# cover: a check over the evaluation workloads' results that fails when a variant
# executes more instructions than the baseline by more than `tolerance` percent, naming
# the workload and the functions that got more expensive (callgrind, per function).
# $out is the comparison (JSON).
{ helper
, mkStage
,
}:
{ pname
, # evaluateVariants's result.
  evaluation
, # Percentage by which a variant may exceed the baseline's instructions.
  tolerance ? 0
,
}:
mkStage {
  name = "${pname}-no-regression";
  script = builtins.toFile "no-regression.sh" ''
    "$helper" regressions --json --tolerance "$tolerance" "''${results[@]}" >"$out"
  '';
  helper = "${helper}/bin/nix-pgo";
  tolerance = toString tolerance;
  results = builtins.attrValues evaluation.workloads;
  # The number itself, for the report's verdict (the attribute above is its string).
  passthru = { inherit tolerance; };
}
