# updateProfile :: set -> drv
# Arguments and result: docs/API.md, `updateProfile`.
#
# bin/update-profile [LOCK_FILE]: writes the lock entry (nix-pgo lock) of a package's
# profile rebuilt from its workloads, for this toolchain. `nix run` builds the unlocked
# profiles first (they are in this script's closure), so running it is "rerun the
# workloads and re-lock". Re-locking an unchanged profile leaves the file as it was.
{ helper
, mkStage
, toolchain
,
}:
{ pname
, # mergeProfiles's result and the per-workload profiles, rebuilt from the workloads.
  profile
, profiles
, # Store path name of the locked profile (lockedProfile.nix).
  lockName
, # Where the lock is written when no argument is given, relative to the working directory.
  defaultLockPath ? "pgo.lock.json"
,
}:
let
  inherit (builtins) attrNames;
in
mkStage {
  name = "${pname}-update-profile";
  script = ./updateProfile.sh;
  inherit pname lockName defaultLockPath profile;
  helper = "${helper}/bin/nix-pgo";
  toolchainId = toolchain.id;
  inherit (toolchain) llvmProfdata;
  workloadArgs = builtins.concatMap (w: [ "--workload" "${w}=${profiles.${w}}" ]) (attrNames profiles);
  meta.mainProgram = "update-profile";
}
