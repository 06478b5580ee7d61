# wrapPackage :: drv -> set -> (buildPgoPackage's result)
#
# PGO for a package already built with nixpkgs' buildRustPackage or crane's buildPackage:
# the stages build the same program from the same source, lock file, features and cargo
# flags, read from the package's attributes; the second argument adds the workloads and
# may override anything (it takes buildPgoPackage's arguments). `optimized` (and
# `bolted`, `baseline`) keep the package's meta, mainProgram included, and its passthru.
#
#   pgo = nix-pgo.lib.forPkgs pkgs;
#   ripgrep-pgo = pgo.wrapPackage pkgs.ripgrep {
#     cargoLock = ./ripgrep/Cargo.lock; # nixpkgs' ripgrep vendors with cargoHash
#     workloads = pgo.workloadsFromDir ./pgo { };
#   };
#   # ripgrep-pgo.optimized: ripgrep, PGO-optimized
#
# Read from buildRustPackage: pname, version, src, cargoDeps.lockFile (importCargoLock,
# i.e. `cargoLock.lockFile`), buildFeatures, buildNoDefaultFeatures, cargoBuildFlags,
# buildAndTestSubdir (refused without `package`), RUSTFLAGS, meta, passthru.
# Read from crane: pname, version, src, cargoExtraArgs, meta, passthru.
# Cargo.lock is otherwise src's; a src that is a derivation needs `cargoLock`.
{ buildPgoPackage }:
pkg: args:
let
  inherit (builtins)
    filter
    isList
    isString
    parseDrvName
    split
    ;
  name = parseDrvName (pkg.name or "");
  pname = args.pname or pkg.pname or name.name;
  fail = msg: throw "wrapPackage (${pname}): ${msg}";

  # crane's cargoExtraArgs is one string ("--locked --features x"); nixpkgs' flag lists are lists.
  words = s: filter (w: isString w && w != "") (split " +" s);
  asList = v: if isList v then v else words v;

  fromPackage = {
    inherit pname;
    version =
      pkg.version or (if name.version != "" then name.version else fail "the package has no version; pass `version`.");
    src = pkg.src or (fail "the package has no `src`; pass `src` (the Cargo project it builds).");
    cargoFeatures = pkg.buildFeatures or [ ];
    noDefaultFeatures = pkg.buildNoDefaultFeatures or false;
    cargoExtraArgs = asList (pkg.cargoBuildFlags or [ ]) ++ asList (pkg.cargoExtraArgs or "");
    rustflags = asList (pkg.RUSTFLAGS or pkg.env.RUSTFLAGS or "");
    bins = [ (pkg.meta.mainProgram or pname) ];
    meta = pkg.meta or { };
    passthru = pkg.passthru or { };
  }
  # importCargoLock's passthru (buildRustPackage's `cargoLock.lockFile`).
  // (if pkg ? cargoDeps.lockFile then { cargoLock = pkg.cargoDeps.lockFile; } else { });
in
if (pkg.buildAndTestSubdir or null) != null && !(args ? package) then
  fail "it builds in the subdirectory ${pkg.buildAndTestSubdir} (buildAndTestSubdir): pass `package = \"<that crate's name>\";` so that every stage builds the same workspace member."
else if (pkg.cargoRoot or null) != null && !(args ? src) then
  fail "its Cargo workspace is in ${pkg.cargoRoot} (cargoRoot): pass `src` pointing at that directory."
else
  buildPgoPackage (fromPackage // args)
