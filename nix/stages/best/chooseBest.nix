# chooseBest :: set -> drv
# Arguments and result: docs/API.md, `chooseBest`.
#
# The variant to ship. `noRegression` is a check that fails, leaving nothing to ship; this
# is the decision: among the evaluated variants (baseline, optimized, bolted), those that
# pass the regression check on every evaluation workload, the fastest by geometric mean
# over the workloads (`nix-pgo choose-variant`), the baseline as the last resort. It
# depends on the evaluation, not on noRegression, so it builds when a variant regresses,
# and warns (stderr) naming each dropped variant and why.
# $out/bin is a copy of the chosen variant's bin/ (bit-identical: a release must contain
# the file itself, not a link into another store path); $out/nix-support/choice.json
# holds the decision and its numbers.
{ helper
, mkStage
,
}:
{ pname
, version
, # evaluateVariants's result; its variants (passthru.variants) are the choices.
  evaluation
, # Percentage by which a variant may exceed the baseline's cost on a workload (as for
  # regressionCheck).
  tolerance ? 0
,
}:
mkStage {
  name = "${pname}-best-${version}";
  script = ./chooseBest.sh;
  helper = "${helper}/bin/nix-pgo";
  tolerance = toString tolerance;
  evaluationFile = "${evaluation}/evaluation.json";
  # { <variant> = "<store path>"; }: an associative array in the script.
  variants = builtins.mapAttrs (_: v: "${v}") evaluation.variants;
  passthru = { inherit evaluation tolerance; };
}
