# lockedProfile :: set -> drv
# Arguments and result: docs/API.md, `lockedProfile`.
#
# The profile `optimized` consumes when pgo.lock.json has an entry for the package and
# toolchain: a fixed-output derivation whose hash is the lock's NAR hash. Nix computes the
# hash of everything downstream from that hash alone, so `optimized` depends on the
# profile's content, not on the workloads that made it: when the profile is in the store
# or a binary cache nothing runs, and a workload edit does not change `optimized`.
#
# Fixed-output builders get network access, so this one only copies and verifies: the
# checked-in profile (pgo/<pname>.profdata) if there is one, else the output of the
# unlocked pipeline (whose workloads run in their own, sandboxed derivations). A profile
# that doesn't match the lock fails here, with a message, before Nix's own hash check.
{ helper
, mkStage
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
mkStage {
  inherit (entry) name;
  script = ./lockedProfile.sh;
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = entry.narHash;
  inherit pname;
  expectedFingerprint = entry.fingerprint;
  source = if checkedIn != null then checkedIn else unlocked;
  sourceKind = if checkedIn != null then "checked-in" else "rebuilt";
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) llvmProfdata;
  passthru = {
    inherit unlocked entry checkedIn;
    locked = true;
  };
}
