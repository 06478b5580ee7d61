# goLockedProfile :: set -> drv
# Arguments and result: docs/API.md, `goLockedProfile`; docs/go.md "Locked profiles".
#
# The profile a locked Go program's `optimized` consumes: a fixed-output derivation whose
# hash is the lock's NAR hash (internal/mkLockedStage.nix), as lockedProfile is for Rust.
# Its source is the committed
# default.pgo (Go's -pgo=auto convention: in the main package's directory), which must have
# the locked fingerprint, or the build fails before Nix's own hash check, naming the fix.
# Without one the build fails at once, naming the missing file: a sampled profile rebuilt
# from the workloads never has the locked fingerprint, so the training would be wasted
# (the go-import trial: a default.pgo not `git add`ed). A store or a substituter that has
# the locked path doesn't build it.
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
  source = if committed != null then "${committed}" else "";
  helper = "${helper}/bin/nix-pgo";
  passthru = { inherit unlocked committed; };
}
