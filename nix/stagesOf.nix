# stagesOf :: pipeline -> { <stage> = drv; }
# Arguments and result: docs/API.md, `stagesOf`.
#
# Every stage of a buildPgoPackage result as one flat set of derivations, one attribute
# per derivation, named by the stage registry (stages.nix): what the flake's hydraJobs
# builds (one Hydra job, hence one cached store path, per stage) and what the cache tests
# compare. Per-workload stages are named `<stage>-<workload>` (`profiles-guide`,
# `evaluation-cargo-changelog`); stages a package doesn't have (BOLT with `bolt = false`,
# an evaluation without evaluation workloads) are left out. Hydra skips job names
# containing a dot, so workload names must not have one.
{}:
pipeline:
let
  inherit (builtins) concatMap filter listToAttrs attrNames;
  jobsOf =
    stage:
    let
      value = pipeline.${stage.attr};
      perWorkload =
        if stage.perWorkload == "evaluation" then value.workloads else value;
    in
    if !(import ./internal/hasStage.nix pipeline stage) then
      [ ]
    else if stage.perWorkload == false then
      [{ inherit (stage) name; inherit value; }]
    else
      (if stage.perWorkload == "evaluation" then [{ inherit (stage) name; inherit value; }] else [ ])
      ++ map
        (w: {
          name = "${stage.name}-${w}";
          value = perWorkload.${w};
        })
        (attrNames perWorkload);
in
# The stages of the pipeline (its language's, stages.nix `languages`, that it has).
listToAttrs (concatMap jobsOf (filter (s: s.job) (import ./stages.nix)))
