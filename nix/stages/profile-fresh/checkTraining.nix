# checkTraining :: set -> drv
# Arguments and result: docs/API.md, `checkTraining`.
#
# A check for a sampled (Go) profile, which retraining can't compare with the locked one:
# that the training workloads are those the locked profile was trained on (the lock
# entry's trainingSources, NAR hashes of their scripts, settings and inputs). Fails naming
# each workload edited, added or removed since, and the re-lock. $out/training.txt is the
# helper's verdict.
# An imported profile was made of no training: what goes stale is the code under it. The
# check reads how much of it the build no longer has from the match reports `optimized`
# wrote (no build of its own), and fails above maxStale naming the share, the functions
# and the re-import; $out/staleness.json is the figure.
{ helper
, mkStage
, workloadSources
,
}:
{ pname
, # The lock file and the entry's toolchain id.
  lockFile
, toolchainId
, # The package's training workloads now: { <name> = workload; }.
  training
, # The locked profile came from `nix-pgo import` (production), not from training.
  imported ? false
, # With `imported`: the build that uses the profile (buildGoOptimized's result), whose
  # nix-support/profile-match-<bin>.json say how much of it the program still has.
  optimized ? null
, # With `imported`: the percentage of the profile's CPU time under the program's own
  # functions that may be in functions the build no longer has.
  maxStale ? 10
, # With `imported`: how to take a new profile, for the message (the `nix-pgo import`).
  refresh ? ""
,
}:
assert imported -> optimized != null || throw "checkTraining (${pname}): an imported profile is checked against the build that uses it: give `optimized`.";
mkStage {
  name = "${pname}-profile-fresh";
  script = ./checkTraining.sh;
  inherit pname toolchainId refresh;
  lockFile = "${lockFile}";
  trainingSources = builtins.toJSON (workloadSources training);
  imported = if imported then "1" else "";
  optimized = if imported then "${optimized}" else "";
  maxStale = toString maxStale;
  helper = "${helper}/bin/nix-pgo";
}
