# The cargo build that every binary stage shares. baseline, instrumented, optimized and
# the helper differ only in their RUSTFLAGS and in what their script does around the
# build (cargo.sh holds the shared steps).
{
  mkStage,
  toolchain,
}:
{
  pname,
  version,
  # Stage name, the suffix of the derivation name ("baseline", "optimized", ...).
  stage,
  # The source tree (a path or a derivation) and the Cargo.lock to build it with.
  src,
  cargoLock,
  # vendorCargoDeps's result for cargoLock.
  vendor,
  # Which workspace member to build (`--package`), null for the root package.
  package ? null,
  # The binaries to build and install into $out/bin.
  bins,
  # Cargo features, `--no-default-features`, and any other cargo arguments.
  cargoFeatures ? [ ],
  noDefaultFeatures ? false,
  cargoExtraArgs ? [ ],
  # The user's RUSTFLAGS, the same in every stage, and the stage's own.
  rustflags ? [ ],
  stageRustflags ? [ ],
  # Native libraries for -sys crates: pkg-config search paths.
  pkgConfigPath ? [ ],
  # The stage's script: by default build and install (build.sh).
  script ? ./build.sh,
  passthru ? { },
  meta ? { },
  # Anything else becomes the stage script's environment.
  ...
}@args:
let
  inherit (builtins) concatLists concatStringsSep map;
  cargoFlags =
    [
      "--release"
      "--frozen"
      "--target"
      toolchain.targetTriple
    ]
    ++ (if package != null then [ "--package" package ] else [ ])
    ++ concatLists (map (b: [ "--bin" b ]) bins)
    ++ (if cargoFeatures != [ ] then [ "--features" (concatStringsSep "," cargoFeatures) ] else [ ])
    ++ (if noDefaultFeatures then [ "--no-default-features" ] else [ ])
    ++ cargoExtraArgs;
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
    "pkgConfigPath"
  ]
  // {
    name = "${pname}-${stage}-${version}";
    inherit script;
    cargoBuildScript = ./cargo.sh;
    inherit (toolchain)
      rustc
      cargo
      cc
      targetTriple
      ;
    inherit src cargoLock vendor;
    bins = concatStringsSep " " bins;
    cargoFlags = concatStringsSep " " cargoFlags;
    rustflags = concatStringsSep " " (rustflags ++ stageRustflags);
    PKG_CONFIG_PATH = concatStringsSep ":" (toolchain.pkgConfigPath ++ pkgConfigPath);
    passthru = {
      inherit stage vendor;
    } // passthru;
    meta = {
      mainProgram = builtins.head bins;
    } // meta;
  }
)
