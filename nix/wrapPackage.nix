# wrapPackage :: drv -> set -> set
# Arguments, what it reads from the package, and an example: docs/API.md, `wrapPackage`
# (the README's example is built by tests/cases/05-readme.sh).
#
# PGO for a package already built with nixpkgs' buildRustPackage or crane's buildPackage,
# without rewriting it: the stages build the same program from the same source, lock
# file, features and cargo flags, read from the package's attributes, and the second
# argument (buildPgoPackage's arguments) adds the workloads and wins.
{ buildPgoPackage }:
pkg: args:
let
  inherit (builtins)
    filter
    elemAt
    genList
    head
    isAttrs
    isList
    isString
    length
    mapAttrs
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
    # The Cargo profile: crane's CARGO_PROFILE ("": none, cargo's dev), buildRustPackage's
    # buildType, which it passes on as cargoBuildType ("debug": cargo's dev).
    cargoProfile =
      let
        given = pkg.CARGO_PROFILE or pkg.env.CARGO_PROFILE or pkg.cargoBuildType or "release";
      in
      if given == "" || given == "debug" then "dev" else given;
    rustflags = asList (pkg.RUSTFLAGS or pkg.env.RUSTFLAGS or "");
    bins = [ (pkg.meta.mainProgram or pname) ];
    meta = pkg.meta or { };
    passthru = pkg.passthru or { };
  }
  # importCargoLock's passthru (buildRustPackage's `cargoLock.lockFile`).
  // (if pkg ? cargoDeps.lockFile then { cargoLock = pkg.cargoDeps.lockFile; } else { });

  # What the package's own check phase runs `cargo test` with: nixpkgs' cargoTestFlags
  # (cargo's arguments) and checkFlags (the test binaries', where maintainers skip the tests
  # that can't pass in the sandbox), crane's cargoTestExtraArgs ("<cargo's> -- <the
  # binaries'>"). A cargoTest workload gets them unless it sets its own.
  craneTest =
    let
      w = words (pkg.cargoTestExtraArgs or "");
      at = builtins.filter (i: elemAt w i == "--") (genList (i: i) (length w));
    in
    if at == [ ] then { args = w; testArgs = [ ]; }
    else {
      args = genList (elemAt w) (head at);
      testArgs = genList (i: elemAt w (i + head at + 1)) (length w - head at - 1);
    };
  packageTest = {
    args = asList (pkg.cargoTestFlags or [ ]) ++ craneTest.args;
    testArgs = asList (pkg.checkFlags or [ ]) ++ craneTest.testArgs;
  };
  withPackageTests = mapAttrs (kind: set:
    if kind == "evaluation" || !isAttrs set then set
    else mapAttrs (_: w: if isAttrs (w.cargoTest or null) then w // { cargoTest = packageTest // w.cargoTest; } else w) set);
  given = args // (if isAttrs (args.workloads or null) then { workloads = withPackageTests args.workloads; } else { });
in
if (pkg.buildAndTestSubdir or null) != null && !(args ? package) then
  fail "it builds in the subdirectory ${pkg.buildAndTestSubdir} (buildAndTestSubdir): pass `package = \"<that crate's name>\";` so that every stage builds the same workspace member."
else if (pkg.cargoRoot or null) != null && !(args ? src) then
  fail "its Cargo workspace is in ${pkg.cargoRoot} (cargoRoot): pass `src` pointing at that directory."
else
  buildPgoPackage (fromPackage // given)
