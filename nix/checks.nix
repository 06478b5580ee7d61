# checksFor :: set -> set
# Arguments and result: docs/API.md, `checksFor`; what each check runs: docs/ci.md.
#
# The checks of the flake's programs, for whichever toolchain built them (`checks.<system>`
# on nixpkgs, `.#host.checks` on the host). Each is a derivation whose build is the test,
# and `all` depends on every other one, so one build runs them all.
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
  inherit (builtins) attrNames attrValues concatMap listToAttrs;
  forProgram =
    name: p:
    map (check: {
      name = "${name}-${check.name}";
      inherit (check) value;
    }) (
      (if p.evaluation != null then [ { name = "evaluation"; value = p.evaluation; } ] else [ ])
      ++ (if (p.noRegression or null) != null then [ { name = "no-regression"; value = p.noRegression; } ] else [ ])
      ++ (if p.bolted != null then [ { name = "bolted"; value = p.bolted; } ] else [ ])
      ++ (if locked.${name} or false then [ { name = "profile-fresh"; value = p.profileFresh; } ] else [ ])
    );
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
