# checksFor :: set -> set
# Arguments and result: docs/API.md, `checksFor`; what each check runs: docs/ci.md.
#
# The checks of the flake's programs, for whichever toolchain built them (`checks.<system>`
# on nixpkgs, `.#host.checks` on the host): `helper`, and each stage the registry
# (stages.nix) marks `check`, as <program>-<stage>. Each is a derivation whose build is
# the test, and `all` depends on every other one, so one build runs them all.
{ helper
, mkStage
,
}:
{
  # { <program> = buildPgoPackage's result; }
  pipelines
, # { <program> = true if it is locked; } (read from files, so that the check names are
  # known without evaluating a toolchain).
  locked ? { }
,
}:
let
  inherit (builtins) attrNames attrValues concatMap filter listToAttrs;
  # The registry's checks (stages.nix): evaluation, no-regression, bolted, profile-fresh,
  # and best with a locked choice.
  registryChecks = filter (s: s.check) (import ./stages.nix);
  forProgram =
    name: p:
    map
      (stage: {
        name = "${name}-${stage.name}";
        value = p.${stage.attr};
      })
      (filter
        (stage: import ./internal/hasStage.nix p stage
          # (A pipeline without `has` says whether it is locked through `locked`.)
          && (!stage.lockedOnly || p ? has || locked.${name} or false)
          && builtins.all (need: p.has.${need} or false) stage.checkNeeds)
        registryChecks);
  checks = { inherit helper; } // listToAttrs (concatMap (name: forProgram name pipelines.${name}) (attrNames pipelines));
in
checks
  // {
  all = mkStage {
    name = "nix-pgo-checks";
    script = builtins.toFile "all-checks.sh" ''
      # Every check is an input: building this builds them all. $out lists them.
      printf '%s\n' "''${checks[@]}" >"$out"
    '';
    checks = attrValues checks;
  };
}
