# lockedBoltProfile :: set -> drv
# Arguments and result: docs/API.md, `lockedBoltProfile`.
#
# The BOLT profile `bolted` consumes when the package's lock entry has one (`bolt`): a
# fixed-output derivation whose hash is the lock's NAR hash (internal/mkLockedStage.nix),
# as lockedProfile.nix is for the PGO profile. `bolted`'s path then follows from the two
# locked hashes and the source: no BOLT training runs when the profile is in the store or
# a binary cache, and a multithreaded program, whose BOLT profile moves from run to run,
# gets the same `bolted` on every build. It is copied from the checked-in directory
# (pgo/<pname>.bolt) if there is one, else from the BOLT profile rebuilt from the
# workloads, and must have the locked NAR hash.
{ helper
, mkLockedStage
,
}:
{ pname
, # The lock entry's `bolt`: { narHash, name, storePath }.
  entry
, # mergeBoltProfiles's result, the BOLT profile rebuilt from the workloads.
  unlocked
, # A checked-in copy of the locked BOLT profile's directory, or null.
  checkedIn ? null
,
}:
mkLockedStage {
  inherit entry;
  script = ./lockedBoltProfile.sh;
  inherit pname;
  expectedNarHash = entry.narHash;
  source = if checkedIn != null then checkedIn else unlocked;
  sourceKind = if checkedIn != null then "checked-in" else "rebuilt";
  helper = "${helper}/bin/nix-pgo";
  passthru = { inherit unlocked checkedIn; };
}
