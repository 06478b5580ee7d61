# stagesOf :: pipeline -> { <stage> = drv; }
# Arguments and result: docs/API.md, `stagesOf`.
#
# Every stage of a buildPgoPackage result as one flat set of derivations, one attribute
# per derivation: what the flake's hydraJobs builds (one Hydra job, hence one cached store
# path, per stage) and what the cache tests compare. Per-workload stages are named
# `profiles-<workload>`, `bolt-profiles-<workload>` and `evaluation-<workload>`; stages a
# package doesn't have (BOLT with `bolt = false`, an evaluation without evaluation
# workloads) are left out. Hydra skips job names containing a dot, so workload names
# must not have one.
{ }:
pipeline:
let
  inherit (builtins) listToAttrs attrNames filter;
  prefixed =
    prefix: set:
    if set == null then
      { }
    else
      listToAttrs (map (name: {
        name = "${prefix}${name}";
        value = set.${name};
      }) (attrNames set));
  single = {
    inherit (pipeline)
      vendor
      baseline
      instrumented
      profile
      optimized
      bolted
      evaluation
      ;
    bolt-input = pipeline.boltInput;
    bolt-instrumented = pipeline.boltInstrumented;
    bolt-profile = pipeline.boltProfile;
    no-regression = pipeline.noRegression or null;
  };
in
listToAttrs (
  map (name: {
    inherit name;
    value = single.${name};
  }) (filter (name: single.${name} != null) (attrNames single))
)
// prefixed "profiles-" pipeline.profiles
// prefixed "bolt-profiles-" pipeline.boltProfiles
// prefixed "evaluation-" (if pipeline.evaluation == null then null else pipeline.evaluation.workloads)
