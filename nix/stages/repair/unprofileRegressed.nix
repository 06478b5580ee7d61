# unprofileRegressed :: set -> drv
# Arguments and result: docs/API.md, `unprofileRegressed`.
#
# The profile without the functions a repair plan names (`nix-pgo unprofile`): every
# record of a function whose self instructions grew on the regressing workload, and the
# all-zero records of the functions that workload ran, which PGO would compile as cold
# code. Those functions then compile as without PGO. A directory with <pname>.profdata
# (canonical, as mergeProfiles writes it), nix-support/profile.json (its fingerprint) and
# nix-support/unprofile.json (what was removed); when the plan says the variant passed,
# the profile unchanged (and no unprofile.json).
{ helper
, mkStage
, toolchain
,
}:
{ pname
, version
, # mergeProfiles's (or lockedProfile's) result.
  profile
, # repairPlan's result.
  plan
,
}:
mkStage {
  name = "${pname}-profile-unprofiled-${version}";
  script = ./unprofileRegressed.sh;
  helper = "${helper}/bin/nix-pgo";
  inherit pname profile plan;
  inherit (toolchain) rustc llvmProfdata;
  passthru = { inherit profile plan; };
}
