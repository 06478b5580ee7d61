# updateProfile :: set -> drv
# Arguments and result: docs/API.md, `updateProfile`.
#
# bin/update-profile [LOCK_FILE]: writes the lock entry (nix-pgo lock) of a package's
# profile rebuilt from its workloads, for this toolchain. `nix run` builds the unlocked
# profiles first (they are in this script's closure), so running it is "rerun the
# workloads and re-lock". Re-locking an unchanged profile leaves the file as it was. With
# BOLT, the BOLT profile trained on the new profile's binary is locked with it. Checked-in
# copies of the profiles, where the package looks for them, are rewritten with the lock:
# a copy the lock no longer locks fails the next build. With a choice (buildPgoPackage's
# lockChoice), the variant `best` ships is locked too.
# bin/update-choice (command = "update-choice") is the same given the locked profile and
# no workload profiles: the entry keeps its profile and takes the new choice.
{ helper
, mkStage
, toolchain
, workloadSources
,
}:
{ pname
, # mergeProfiles's result and the per-workload profiles, rebuilt from the workloads.
  profile
, profiles
, # Store path name of the locked profile (lockedProfile.nix).
  lockName
, # The BOLT profile to lock with it (mergeBoltProfiles's result), or null, and its store
  # path name (lockedBoltProfile.nix).
  boltProfile ? null
, boltLockName ? null
, # The choice to lock (the unlocked pipeline's `best` stage: its nix-support/choice.json),
  # or null: the entry keeps none.
  choice ? null
, # The training workloads the profile was made from ({ <name> = workload; }): what each
  # is made of is recorded in the entry (trainingSources), so that the package's
  # checkTraining check names one edited since. { }: the entry keeps what it recorded.
  training ? { }
, # Where the lock is written when no argument is given, relative to the working directory.
  defaultLockPath ? "pgo.lock.json"
, # Where the package reads its lock, for the message (buildPgoPackage's `lockSource`,
  # internal/lockSource.nix).
  lockSource ? "its src's pgo.lock.json (or its lockFile), and its checked-in copies from its src's pgo/"
, # The script's name: update-profile, or update-choice when `profile` is the locked one.
  command ? "update-profile"
, # The checked-in copies of the profile and the BOLT profile, relative to the lock's
  # directory, where buildPgoPackage finds them beside src's pgo.lock.json; or null. Each
  # is rewritten when it exists: one that doesn't is not created.
  profileCopy ? "pgo/${pname}.profdata"
, boltProfileCopy ? "pgo/${pname}.bolt"
, # Printed after the lock is written (copies kept elsewhere, which it doesn't write), or "".
  copyNote ? ""
, # A file that is there when the script runs where its default paths lead into src
  # (internal/rootMarker.nix), or null.
  rootMarker ? null
,
}:
let
  inherit (builtins) attrNames;
in
mkStage {
  name = "${pname}-${command}";
  script = ./updateProfile.sh;
  lockScript = ./lockScript.sh;
  inherit pname lockName defaultLockPath profile lockSource command copyNote;
  rootMarker = if rootMarker == null then "" else rootMarker;
  # What the script does, for its header and --help.
  purpose =
    if command == "update-choice" then
      "Lock the variant best ships, chosen now, keeping the locked profile"
    else
      "Re-lock the profile from its workloads";
  profileCopy = if profileCopy == null then "" else profileCopy;
  boltProfileCopy = if boltProfile == null || boltProfileCopy == null then "" else boltProfileCopy;
  boltProfile = if boltProfile == null then "" else "${boltProfile}";
  helper = "${helper}/bin/nix-pgo";
  toolchainId = toolchain.id;
  inherit (toolchain) llvmProfdata;
  workloadArgs = builtins.concatMap (w: [ "--workload" "${w}=${profiles.${w}}" ]) (attrNames profiles)
    ++ (if boltProfile != null then [ "--bolt-profile" "${boltProfile}" "--bolt-name" boltLockName ] else [ ])
    ++ (if choice != null then [ "--choice" "${choice}/nix-support/choice.json" ] else [ ]);
  trainingSources = if training == { } then "" else builtins.toJSON (workloadSources training);
  meta.mainProgram = command;
}
