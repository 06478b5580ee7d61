# lockedProfile :: set -> drv
# Arguments and result: docs/API.md, `lockedProfile`.
#
# The profile `optimized` consumes when pgo.lock.json has an entry for the package and
# toolchain: a fixed-output derivation whose hash is the lock's NAR hash
# (internal/mkLockedStage.nix), so `optimized` depends on the profile's content, not on
# the workloads that made it. It is copied from the checked-in profile
# (pgo/<pname>.profdata) if there is one, else from the output of the unlocked pipeline
# (whose workloads run in their own, sandboxed derivations), and must have the locked
# fingerprint.
{ helper
, mkLockedStage
, toolchain
,
}:
{ pname
, # The lock entry: { fingerprint, narHash, name, ... } (docs/design.md "Locked profiles").
  entry
, # mergeProfiles's result, the profile rebuilt from the workloads.
  unlocked
, # A checked-in <pname>.profdata, or null.
  checkedIn ? null
,
}:
mkLockedStage {
  inherit entry;
  script = ./lockedProfile.sh;
  inherit pname;
  expectedFingerprint = entry.fingerprint;
  source = if checkedIn != null then checkedIn else unlocked;
  sourceKind = if checkedIn != null then "checked-in" else "rebuilt";
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) llvmProfdata;
  passthru = { inherit unlocked checkedIn; };
}
