# mkLockedStage :: set -> drv
#
# A stage whose output a lock entry fixes (lockedProfile, goLockedProfile,
# lockedBoltProfile): a fixed-output derivation whose hash is the entry's recursive NAR
# hash, named as the entry says. Nix computes the path of everything downstream from that
# hash alone, so the dependents follow from the lock, not from the workloads that made the
# profile: when it is in the store or a binary cache nothing runs, and a workload edit
# rebuilds nothing. Fixed-output builders get network access, so the script only copies
# `source` and verifies it, failing with a message before Nix's own hash check.
{ mkStage }:
# The other attributes are the stage's (mkStage.nix): its script, and what it copies
# (a checked-in or committed file, or the profile rebuilt from the workloads).
{
  # The lock entry: { name, narHash, ... }.
  entry
, passthru ? { }
, ...
}@args:
mkStage (removeAttrs args [ "entry" ] // {
  inherit (entry) name;
  outputHashMode = "recursive";
  outputHashAlgo = "sha256";
  outputHash = entry.narHash;
  passthru = passthru // {
    inherit entry;
    locked = true;
  };
})
