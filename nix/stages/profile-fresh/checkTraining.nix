# checkTraining :: set -> drv
# Arguments and result: docs/API.md, `checkTraining`.
#
# A check for a sampled (Go) profile, which retraining can't compare with the locked one:
# that the training workloads are those the locked profile was trained on (the lock
# entry's trainingSources, NAR hashes of their scripts, settings and inputs). Fails naming
# each workload edited, added or removed since, and the re-lock. $out/training.txt is the
# helper's verdict.
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
,
}:
mkStage {
  name = "${pname}-profile-fresh";
  script = ./checkTraining.sh;
  inherit pname toolchainId;
  lockFile = "${lockFile}";
  trainingSources = builtins.toJSON (workloadSources training);
  imported = if imported then "1" else "";
  helper = "${helper}/bin/nix-pgo";
}
