# checksFor :: { <program> = pipeline; } -> { <check> = drv; }
#
# The checks of the flake's programs, for whichever toolchain built them (`checks.<system>`
# on nixpkgs, `.#host.checks` on the host): the stages the registry (stages.nix) marks
# `check`. Each is a derivation whose build is the test:
# - helper: the nix-pgo CLI, whose build runs its unit and integration tests against the
#   toolchain's llvm-profdata;
# - <program>-evaluation: every evaluation workload against baseline, optimized and
#   bolted under callgrind; fails if any variant prints something else than baseline;
# - <program>-no-regression: no variant executes more instructions than baseline on an
#   evaluation workload (regressionCheck.nix);
# - <program>-bolted: the BOLT chain, which fails on an empty or missing BOLT profile;
# - <program>-profile-fresh, for a program with a lock (workloads/<program>/pgo.lock.json):
#   the profile rebuilt from the workloads against the locked one, failing on drift;
# - all: one derivation that depends on all of the above, so one build runs them all.
{
  helper,
  mkStage,
}:
{
  # { <program> = buildPgoPackage's result; }
  pipelines,
  # { <program> = true if it is locked; } (read from files, so that the check names are
  # known without evaluating a toolchain).
  locked ? { },
}:
let
  inherit (builtins) attrNames attrValues concatMap filter listToAttrs;
  # The registry's checks (stages.nix): evaluation, no-regression, bolted, profile-fresh.
  registryChecks = filter (s: s.check) (import ./stages.nix);
  forProgram =
    name: p:
    map (stage: {
      name = "${name}-${stage.name}";
      value = p.${stage.attr};
    }) (filter (stage: (p.${stage.attr} or null) != null && (!stage.lockedOnly || locked.${name} or false)) registryChecks);
  checks = { inherit helper; } // listToAttrs (concatMap (name: forProgram name pipelines.${name}) (attrNames pipelines));
in
checks
// {
  all = mkStage {
    name = "nix-pgo-checks";
    script = builtins.toFile "all-checks.sh" ''
      # Every check is an input: building this builds them all. $out lists them.
      printf '%s\n' $checks >"$out"
    '';
    checks = attrValues checks;
  };
}
