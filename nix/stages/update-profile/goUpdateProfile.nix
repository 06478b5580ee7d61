# goUpdateProfile :: set -> drv
# Arguments and result: docs/API.md, `goUpdateProfile`; docs/go.md "Locked profiles".
#
# bin/update-profile [LOCK_FILE [DEFAULT_PGO]]: writes the Go program's profile rebuilt
# from its workloads as default.pgo (Go's -pgo=auto convention: the main package's
# directory) and its lock entry (nix-pgo lock), for this Go toolchain. `nix run` builds
# the profiles first (they are in the script's closure).
{ helper
, mkStage
, toolchain
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
,
}:
mkStage {
  name = "${pname}-update-profile";
  script = ./goUpdateProfile.sh;
  inherit pname lockName lockPath defaultPgoPath lockSource;
  profile = "${profile}";
  helper = "${helper}/bin/nix-pgo";
  toolchainId = toolchain.go.id;
  workloadArgs = builtins.concatMap (w: [ "--workload" "${w}=${profiles.${w}}" ]) (builtins.attrNames profiles)
    ++ (if choice != null then [ "--choice" "${choice}/nix-support/choice.json" ] else [ ]);
  meta.mainProgram = "update-profile";
}
