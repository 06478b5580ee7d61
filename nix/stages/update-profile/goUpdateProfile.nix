# goUpdateProfile :: set -> drv
# Arguments and result: docs/API.md, `goUpdateProfile`; docs/go.md "Locked profiles".
#
# bin/update-profile [LOCK_FILE [DEFAULT_PGO]]: writes the Go program's profile rebuilt
# from its workloads as default.pgo (Go's -pgo=auto convention: the main package's
# directory) and its lock entry (nix-pgo lock), for this Go toolchain. `nix run` builds
# the profiles first (they are in the script's closure). bin/update-choice (command =
# "update-choice") is the same given the locked profile and no workload profiles: the
# entry keeps its profile and takes the new choice.
{ helper
, mkStage
, toolchain
, workloadSources
,
}:
{ pname
, # mergeGoProfiles's result and the per-workload profiles.
  profile
, profiles
, lockName
, lockPath ? "pgo.lock.json"
, defaultPgoPath ? "default.pgo"
, # Where the package reads its lock and default.pgo, for the message
  # (buildGoPgoPackage's `lockSource`, internal/lockSource.nix).
  lockSource ? "its src's pgo.lock.json, and its default.pgo from its src"
, # The choice to lock (the unlocked pipeline's `best` stage), or null, as updateProfile's.
  choice ? null
, # The training workloads the profile was made from ({ <name> = workload; }): what each
  # is made of is recorded in the entry (trainingSources), so that the package's
  # checkTraining check names one edited since. { }: the entry keeps what it recorded.
  training ? { }
, # The script's name: update-profile, or update-choice when `profile` is the locked one.
  command ? "update-profile"
, # A file that is there when the script runs where its default paths lead into src
  # (internal/rootMarker.nix: go.mod), or null.
  rootMarker ? null
,
}:
mkStage {
  name = "${pname}-${command}";
  script = ./goUpdateProfile.sh;
  lockScript = ./lockScript.sh;
  inherit pname lockName lockPath defaultPgoPath lockSource command;
  rootMarker = if rootMarker == null then "" else rootMarker;
  # What the script does, for its header and --help.
  purpose =
    if command == "update-choice" then
      "Lock the variant best ships, chosen now, keeping the locked profile (default.pgo is rewritten as it is)"
    else
      "Re-lock the Go profile from its workloads, and write it where go build -pgo=auto looks for it";
  profile = "${profile}";
  helper = "${helper}/bin/nix-pgo";
  toolchainId = toolchain.go.id;
  workloadArgs = builtins.concatMap (w: [ "--workload" "${w}=${profiles.${w}}" ]) (builtins.attrNames profiles)
    ++ (if choice != null then [ "--choice" "${choice}/nix-support/choice.json" ] else [ ]);
  trainingSources = if training == { } then "" else builtins.toJSON (workloadSources training);
  meta.mainProgram = command;
}
