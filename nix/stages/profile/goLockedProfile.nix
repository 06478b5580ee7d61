# goLockedProfile :: set -> drv
# Arguments and result: docs/API.md, `goLockedProfile`; docs/go.md "Locked profiles".
#
# The profile a locked Go program's `optimized` consumes: a fixed-output derivation whose
# hash is the lock's NAR hash (internal/mkLockedStage.nix), as lockedProfile is for Rust.
# Its source is the committed
# default.pgo (Go's -pgo=auto convention: in the main package's directory) when there is
# one, else the profile rebuilt from the workloads; either way it must have the locked
# fingerprint, or the build fails before Nix's own hash check, naming the fix.
{ helper
, mkLockedStage
,
}:
{ pname
, # The lock entry: { fingerprint, narHash, name, ... }.
  entry
, # mergeGoProfiles's result.
  unlocked
, # The committed default.pgo, or null; and its path in the repository (for messages).
  committed ? null
, committedPath ? "default.pgo"
,
}:
mkLockedStage {
  inherit entry;
  script = ./goLockedProfile.sh;
  inherit pname committedPath;
  expectedFingerprint = entry.fingerprint;
  source = if committed != null then "${committed}" else "${unlocked}/${pname}.pgo";
  sourceKind = if committed != null then "committed" else "rebuilt";
  helper = "${helper}/bin/nix-pgo";
  passthru = { inherit unlocked committed; };
}
