# buildRepaired :: set -> drv
# Arguments and result: docs/API.md, `buildRepaired`.
#
# A remedy for a variant that regressed: buildOptimized with another profile or other
# flags, tried only when the repair plan says the variant regressed. Otherwise it is the
# variant itself, copied (no cargo build), so that a package that doesn't regress pays
# nothing for its repairs. Compiled in one derivation, dependencies included
# (cacheDependencies = false): a dependency build of its own would be built whether the
# remedy is needed or not. $out/nix-support/repair says what was done: `applied`,
# `not-needed`, or `not-applicable` (its profile has nix-support/not-applicable, which says
# why: the variant is copied).
# Takes buildOptimized's arguments, plus:
{ buildOptimized }:
{
  # The remedy's name, the stage's suffix (optimized-unprofiled, optimized-no-pgso, ...).
  remedy
, # The variant it repairs (buildOptimized's result), copied when it needs no repair.
  original
, # repairPlan's result for that variant.
  plan
, ...
}@args:
buildOptimized (
  removeAttrs args [ "remedy" "original" "plan" ]
    // {
    stage = remedy;
    cacheDependencies = false;
    script = ./buildRepaired.sh;
    optimizedScript = ../optimized/buildOptimized.sh;
    inherit remedy plan;
    original = "${original}";
    passthru = { inherit original plan remedy; } // (args.passthru or { });
  }
)
