# chooseBest :: set -> drv
# Arguments and result: docs/API.md, `chooseBest`.
#
# The variant to ship. `noRegression` is a check that fails, leaving nothing to ship; this
# is the decision: among the evaluated variants (baseline, optimized, bolted), those that
# pass the regression check on every evaluation workload, the fastest by geometric mean
# over the workloads (`nix-pgo choose-variant`), the baseline as the last resort. It
# depends on the evaluation, not on noRegression, so it builds when a variant regresses,
# and warns (stderr) naming each dropped variant and why.
# With a locked choice (internal/lockedChoice.nix) it ships the variant the lock names,
# with the lock's numbers, and depends on that variant alone: no evaluation runs. The
# evaluation workloads' scripts and inputs (the evaluation's `sources`) it depends on
# either way: their NAR hashes go into the choice, and a locked choice whose recorded
# hashes differ (a workload edited since it was locked) is refused, naming the re-lock.
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
, # The lock's choice (internal/lockedChoice.nix), or null: choose from the evaluation.
  locked ? null
, # { <variant> = drv; }: what the choice picks from; only the chosen one is built when
  # the choice is locked.
  variants ? evaluation.variants
,
}:
let
  # The candidates the stage depends on: every one, or the locked choice's alone.
  used = if locked == null then variants else { ${locked.chosen} = variants.${locked.chosen}; };
  # What the evaluation workloads are made of (null: an evaluation made without
  # evaluateVariants, which records nothing to check).
  sources = evaluation.sources or null;
in
mkStage ({
  name = "${pname}-best-${version}";
  script = ./chooseBest.sh;
  helper = "${helper}/bin/nix-pgo";
  # { <variant> = "<store path>"; }: an associative array in the script.
  variants = builtins.mapAttrs (_: v: "${v}") used;
  # JSON (helper/src/workload_source.rs), written to a file by the script; its store paths
  # are inputs of the stage.
  workloadSources = if sources == null then "" else builtins.toJSON sources;
  passthru = {
    inherit tolerance;
    # The numbers it chose by (null: the lock's, in choice.json), and what it chose among.
    evaluation = if locked == null then evaluation else null;
    variants = used;
    lockedChoice = locked != null;
  };
} // (if locked == null then {
  chooseArgs = [ "--tolerance" (toString tolerance) "${evaluation}/evaluation.json" ];
} else {
  chooseArgs = [
    "--locked-in"
    locked.lockFile
    "--package"
    locked.pname
    "--toolchain"
    locked.toolchainId
    "--relock"
    locked.relock
  ];
}))
