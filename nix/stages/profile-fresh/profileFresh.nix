# profileFresh :: set -> drv
# Arguments and result: docs/API.md, `profileFresh`.
#
# A check: the profile rebuilt from the workloads against the locked one. Fails when they
# have drifted apart by more than maxDrift percent (100 - llvm-profdata's overlap), naming
# the overlap and the functions that moved; $out is the comparison. With a locked BOLT
# profile, also fails when that profile was taken on other binaries than this build's.
{ helper
, mkStage
, toolchain
,
}:
{ pname
, # lockedProfile's result and mergeProfiles's result.
  locked
, unlocked
, # { boltInput, boltProfile } when the BOLT profile is locked, else null.
  bolt ? null
, # Percentage of drift tolerated.
  maxDrift ? 2
,
}:
mkStage ({
  name = "${pname}-profile-fresh";
  script = ./profileFresh.sh;
  inherit pname locked unlocked;
  maxDrift = toString maxDrift;
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) llvmProfdata;
} // (if bolt != null then {
  inherit (bolt) boltInput boltProfile;
  boltScriptLib = ../../internal/bolt/bolt.sh;
} else { }))
