# The cargo build that every binary stage shares. baseline, instrumented, optimized and
# the helper differ only in their RUSTFLAGS and in what their script does around the
# build (cargo.sh holds the shared steps).
#
# Each build comes as two derivations, like crane's buildDepsOnly + buildPackage: the
# dependencies, compiled with the stage's flags on a skeleton of the project
# (cargoSkeleton.nix: manifests and placeholder sources), and the stage itself, which
# starts from that target directory and compiles only the project's own crates. Editing
# them rebuilds no dependency in any stage; profile-using stages key their dependencies by
# the profile, as the flags are part of what cargo reuses.
{ cargoSkeleton
, mkStage
, toolchain
, helper
,
}:
{ pname
, version
, # Stage name, the suffix of the derivation name ("baseline", "optimized", ...).
  stage
, # The source tree (a path or a derivation) and the Cargo.lock to build it with.
  src
, cargoLock
, # vendorCargoDeps's result for cargoLock.
  vendor
, # Which workspace member to build (`--package`), null for the root package.
  package ? null
, # The binaries to build and install into $out/bin.
  bins
, # The Cargo profile to build with: `--release`, or `--profile <name>` for another
  # (cargo-dist's "dist"); its binaries are in target/<triple>/<name>.
  cargoProfile ? "release"
, # Cargo features, `--no-default-features`, and any other cargo arguments.
  cargoFeatures ? [ ]
, noDefaultFeatures ? false
, cargoExtraArgs ? [ ]
, # The user's RUSTFLAGS, the same in every stage, and the stage's own.
  rustflags ? [ ]
, stageRustflags ? [ ]
, # rustc flags for the package's own binaries alone, at their final compilation (link
  # flags: -Clink-arg, -Cstrip), added last by a rustc wrapper (rustcLinkFlags.sh) rather
  # than through RUSTFLAGS: cargo compiles every dependency again when RUSTFLAGS change,
  # and these change nothing a dependency compiles to. The dependency build doesn't see
  # them, so it is the one of the stage without them (bolt-input shares optimized's).
  linkRustflags ? [ ]
, # The stage whose dependency build this one's is, by name: with the same flags, the
  # same derivation (bolt-input: "optimized").
  depsStage ? stage
, # Put the rustflags of the project's .cargo/config.toml first in RUSTFLAGS, which would
  # replace them (`nix-pgo cargo-rustflags`). Off only for the helper, which is that tool.
  cargoConfigRustflags ? true
, # Native libraries for -sys crates: pkg-config search paths.
  pkgConfigPath ? [ ]
, # Packages whose bin/ goes first on PATH (tools build scripts run).
  nativeBuildInputs ? [ ]
, # Environment variables cargo reads (e.g. CARGO_PROFILE_RELEASE_LTO), set in the
  # dependency build too: cargo compares them like flags. (Other extra attributes are the
  # stage script's alone.)
  env ? { }
, # A profile to build with (`-Cprofile-use`, dependencies included): mergeProfiles's or
  # lockedProfile's result, a directory with one .profdata; null for none.
  profile ? null
, # Compile the dependencies in a derivation of their own (passthru.deps). Off, each
  # stage compiles everything and the store keeps no target directories.
  cacheDependencies ? true
, # The stage's script: by default build and install (build.sh).
  script ? ./build.sh
, passthru ? { }
, meta ? { }
, contentAddressed ? false
, # Anything else becomes the stage script's environment.
  ...
}@args:
let
  inherit (builtins) concatLists concatStringsSep map;
  rustcLinkFlags = ./rustcLinkFlags.sh;
  cargoFlags =
    (if cargoProfile == "release" then [ "--release" ] else [ "--profile" cargoProfile ])
    ++ [
      "--frozen"
      "--target"
      toolchain.targetTriple
    ]
    ++ (if package != null then [ "--package" package ] else [ ])
    ++ concatLists (map (b: [ "--bin" b ]) bins)
    ++ (if cargoFeatures != [ ] then [ "--features" (concatStringsSep "," cargoFeatures) ] else [ ])
    ++ (if noDefaultFeatures then [ "--no-default-features" ] else [ ])
    ++ cargoExtraArgs;

  # What cargo sees, the same in the dependency build and the stage: any difference
  # (a flag, a feature, the profile) and cargo would compile the dependencies again.
  cargoEnv = {
    cargoBuildScript = ./cargo.sh;
    inherit (toolchain)
      rustc
      cargo
      cc
      targetTriple
      ;
    inherit
      cargoLock
      vendor
      contentAddressed
      bins
      cargoFlags
      nativeBuildInputs
      ;
    # Where cargo puts the profile's binaries (its `dev` profile's are in debug/).
    cargoProfileDir = if cargoProfile == "dev" then "debug" else cargoProfile;
    # One string: cargo splits RUSTFLAGS at spaces itself.
    rustflags = concatStringsSep " " (rustflags ++ stageRustflags);
    env = env // {
      PKG_CONFIG_PATH = concatStringsSep ":" (toolchain.pkgConfigPath ++ pkgConfigPath);
    };
  }
  // (if profile != null then { inherit profile; } else { })
  // (if cargoConfigRustflags then { helper = "${helper}/bin/nix-pgo"; } else { });

  deps = mkStage (
    cargoEnv
    // {
      name = "${pname}-${depsStage}-deps-${version}";
      script = ./deps.sh;
      inherit (vendor) localPackages;
      src = cargoSkeleton {
        inherit
          pname
          version
          src
          contentAddressed
          ;
      };
    }
  );
in
mkStage (
  removeAttrs args [
    "pname"
    "version"
    "stage"
    "package"
    "cargoFeatures"
    "noDefaultFeatures"
    "cargoExtraArgs"
    "rustflags"
    "stageRustflags"
    "linkRustflags"
    "depsStage"
    "cargoConfigRustflags"
    "pkgConfigPath"
    "profile"
    "cacheDependencies"
  ]
  // cargoEnv
  // {
    name = "${pname}-${stage}-${version}";
    inherit script src;
    cargoDeps = if cacheDependencies then deps else "";
    passthru = {
      inherit stage vendor;
    } // (if cacheDependencies then { inherit deps; } else { }) // passthru;
    meta = {
      mainProgram = builtins.head bins;
    } // meta;
  }
    // (
    if linkRustflags == [ ] then
      { }
    else
      {
        # The wrapper's settings (cargo.sh): the flags, and the crates that get them, the
        # binaries by rustc's --crate-name.
        inherit rustcLinkFlags;
        linkRustflags = concatStringsSep " " linkRustflags;
        linkCrates = map (builtins.replaceStrings [ "-" ] [ "_" ]) bins;
      }
  )
)
