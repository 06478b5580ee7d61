# checkTraining :: set -> drv
# Arguments and result: docs/API.md, `checkTraining`.
#
# A check for a sampled (Go) profile, which retraining can't compare with the locked one:
# that the training workloads are those the locked profile was trained on (the lock
# entry's trainingSources, NAR hashes of their scripts, settings and inputs). Fails naming
# each workload edited, added or removed since, and the re-lock. $out/training.txt is the
# helper's verdict.
# Whether trained or imported (made of no training: its training is not checked), the
# profile also goes stale as the code under it moves on. Given `optimized`, the check reads
# how much of it the build no longer has from the match reports `optimized` wrote (no
# build of its own), and fails above maxStale naming the share, the functions and
# `refresh` (the retrain, or the re-import); $out/staleness.json is the figure.
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
, # The build that uses the profile (buildGoOptimized's result), whose
  # nix-support/profile-match-<bin>.json say how much of it the program still has; null:
  # the staleness is not checked (required with `imported`, which has nothing else to check).
  optimized ? null
, # With `optimized`: the percentage of the profile's CPU time under the program's own
  # functions that may be in functions the build no longer has.
  maxStale ? 10
, # With `optimized`: how to take a new profile, for the message (update-profile, or the
  # `nix-pgo import`).
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
  optimized = if optimized != null then "${optimized}" else "";
  maxStale = toString maxStale;
  helper = "${helper}/bin/nix-pgo";
}
