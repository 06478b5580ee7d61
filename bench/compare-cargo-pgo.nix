# The Nix half of bench/compare-cargo-pgo (read that script first): one program of
# examples/default.nix on the host toolchain (the same derivations as the flake's
# `.#host.programs.<program>`), the variants of nix-pgo measured against cargo-pgo, and
# what the comparison with cargo-pgo needs from it.
# Built with `nix build --impure -f bench/compare-cargo-pgo.nix --argstr program …`.
{
  # A name from examples/default.nix.
  program
, # Makes `cold` a chain of derivations no earlier run has built (see `cold`).
  nonce ? ""
, # Directories with bin/<bin>: cargo-pgo's PGO build and its PGO+BOLT build, imported
  # into the store for the evaluation and the timed report ("" until they exist).
  cargoPgoOut ? ""
, cargoPgoBoltOut ? ""
, # The nix-pgo variants to evaluate, space-separated names of `candidates` below
  # ("": all of them). baseline and the cargo-pgo builds are always evaluated.
  variants ? ""
, # Also evaluate the training workloads (as trained-<name>): a default may change only if
  # it loses on none of them either.
  trained ? true
,
}:
let
  inherit (builtins) attrNames attrValues elem filter head listToAttrs mapAttrs parseDrvName;
  programs = import ../examples;
  lib = import ../nix { toolchain = import ../nix/toolchain/host.nix { }; };
  pipeline0 =
    if programs ? ${program} then
      import programs.${program} { nixPgo = lib; }
    else
      throw "compare-cargo-pgo: no program '${program}'; the programs are ${toString (attrNames programs)} (examples/default.nix).";
  # BOLT everywhere, so that every program has a side to put against cargo-pgo's PGO+BOLT
  # (ripgrep sets bolt = false; for the others this is the same pipeline).
  pipeline =
    if pipeline0.language != "rust" then
      throw "compare-cargo-pgo: ${program} is not a Cargo package (cargo-pgo builds Rust only)."
    else
      pipeline0.override { bolt = true; };
  inherit (lib) toolchain;
  inherit (pipeline) baseline optimized bolted;
  version = (parseDrvName baseline.name).version;
  evaluationWorkloads = pipeline.workloads.evaluation or { };
  trainingWorkloads = pipeline.workloads.training;
  # The package's deterministicRandom, as its evaluation derivations got it.
  deterministicRandom =
    pipeline.evaluation != null && (head (attrValues pipeline.evaluation.workloads)).workloadPreload != "";

  importBuild = dir: suffix: builtins.path {
    path = /. + dir;
    name = "${program}-${suffix}-${version}";
  };

  # The package's profileUseRustflags: buildPgoPackage's default, the cold-call-site guard
  # (docs/safe-defaults.md), unless the program sets its own.
  guard = pipeline.profileUseRustflags;
  withUseFlags = flags: pipeline.override { profileUseRustflags = flags; };
  noGuard = withUseFlags [ ];
  # rust-lld (rustc's self-contained linker on x86_64-unknown-linux-gnu since 1.90, also
  # behind our `cc` linker: the binaries' .comment says "Linker: LLD 22") orders sections
  # at link time. Link arguments reach the final link only, but as RUSTFLAGS they make a
  # dependency build of their own.
  lldArg = a: "-Clink-arg=-Wl,${a}";
  # llvm-bolt's options with -reorder-functions replaced (bolted's own default list is the
  # stage's boltOptions attribute).
  reorderFunctions = how: map (o: if builtins.match "-reorder-functions=.*" o != null then "-reorder-functions=${how}" else o) bolted.boltOptions;
  withBoltOptions = opts: (pipeline.override { boltOptions = opts; }).bolted;
  withLto = withUseFlags (guard ++ [ "-Clinker-plugin-lto" "-Clto=off" ]);
  withPgoLto = lto: pipeline.override { pgoLto = lto; };

  # Every nix-pgo variant this bench can evaluate, by name.
  candidates = {
    inherit optimized bolted;
    # What the package ships (its own `bolt` setting: ripgrep's best has no bolted).
    inherit (pipeline0) best;
    # The same RUSTFLAGS as cargo-pgo's: what is left between the two is the profile.
    optimized-noguard = noGuard.optimized;
    bolted-noguard = noGuard.bolted;
    # lld's balanced partitioning for compression (similar functions next to each other).
    optimized-bp-compression = (withUseFlags (guard ++ [ (lldArg "--bp-compression-sort=function") ])).optimized;
    # lld's startup ordering from the IR profile. The path is where cargo.sh copies the
    # profile in the sandbox (/build is Nix's build directory there). Without temporal
    # profiling traces in the profile (-pgo-temporal-instrumentation), lld has nothing to
    # order by: this measures what it does then.
    optimized-irpgo = (withUseFlags (guard ++ [ (lldArg "--irpgo-profile=/build/pgo.profdata") (lldArg "--bp-startup-sort=function") ])).optimized;
    # Cross-crate LTO in the linker, for the profile-using builds only (baseline stays as
    # the package builds it): -Clinker-plugin-lto makes every crate bitcode and rust-lld
    # runs ThinLTO over all of them, so the profile-guided inliner sees callees across
    # crates. -Clto=off drops a package's own rustc LTO (rhai's fat LTO): with both, lld
    # rejects the module ("CG Profile" flag twice). bench/cs-pgo measured it first.
    optimized-lto = withLto.optimized;
    bolted-lto = withLto.bolted;
    # The same through Cargo (buildPgoPackage's pgoLto: instrumented too), with any
    # linker, the package's own `lto` replaced: cross-crate ThinLTO, and fat LTO.
    optimized-thin = (withPgoLto "thin").optimized;
    bolted-thin = (withPgoLto "thin").bolted;
    optimized-fat = (withPgoLto "fat").optimized;
    bolted-fat = (withPgoLto "fat").bolted;
    # Fat LTO without a profile (Cargo's --config, which reaches baseline too): what LTO
    # alone is worth, against which the LTO variants' gain under PGO is read. (No program
    # of examples/ sets cargoExtraArgs, so replacing them loses nothing.)
    baseline-fat = (pipeline.override { cargoExtraArgs = [ "--config" "profile.release.lto=\"fat\"" ]; }).baseline;
    bolted-hfsort = withBoltOptions (reorderFunctions "hfsort");
    bolted-hfsortplus = withBoltOptions (reorderFunctions "hfsort+");
    bolted-noreorder = withBoltOptions (reorderFunctions "none");
    # BOLT's optimizations beyond layout, from the same profile: indirect-call promotion,
    # inlining of small functions, stack-frame access optimization in hot code, tail
    # duplication of branches that cross a cache line, and cdsplit's function splitting.
    bolted-extra = withBoltOptions (bolted.boltOptions ++ [
      "-indirect-call-promotion=calls"
      "-inline-small-functions"
      "-frame-opt=hot"
      "-tail-duplication=cache"
      "-split-strategy=cdsplit"
    ]);
    # cargo-pgo 0.3's llvm-bolt options (src/bolt/optimize.rs) on our BOLT input and profile.
    bolted-cargo-pgo-options = withBoltOptions [
      "-reorder-blocks=ext-tsp"
      "-reorder-functions=hfsort"
      "-split-functions=2"
      "-split-all-cold"
      "-jump-tables=move"
      "-use-gnu-stack"
      "-split-eh"
      "-lite=1"
      "-icf=1"
      "-relocs"
      "-update-debug-sections"
      "-dyno-stats"
    ];
  };
  candidateOrder = [
    "baseline-fat"
    "optimized"
    "optimized-noguard"
    "optimized-bp-compression"
    "optimized-irpgo"
    "optimized-lto"
    "optimized-thin"
    "optimized-fat"
    "bolted"
    "bolted-noguard"
    "bolted-hfsort"
    "bolted-hfsortplus"
    "bolted-noreorder"
    "bolted-extra"
    "bolted-cargo-pgo-options"
    "bolted-lto"
    "bolted-thin"
    "bolted-fat"
    "best"
  ];
  wanted = if variants == "" then candidateOrder else filter (v: builtins.isString v && v != "") (builtins.split " +" variants);
  unknown = filter (v: !(candidates ? ${v})) wanted;
  chosen =
    if unknown != [ ] then
      throw "compare-cargo-pgo: no variant ${toString unknown}; the variants are ${toString candidateOrder}."
    else
      filter (v: elem v wanted) candidateOrder;

  cargoPgo = importBuild cargoPgoOut "cargo-pgo";
  cargoPgoBolt = importBuild cargoPgoBoltOut "cargo-pgo-bolt";
  # baseline and `variants` (in `order`) under callgrind, on the held-out evaluation
  # workloads (and the training ones as trained-<name>), in the package's environment;
  # fails if a binary prints something else than baseline. `suffix` ends the version.
  evaluateWith = { suffix, variants, order }: lib.evaluateVariants {
    pname = program;
    version = "${version}-${suffix}";
    inherit deterministicRandom;
    variants = { inherit baseline; } // variants;
    order = [ "baseline" ] ++ order;
    workloads = evaluationWorkloads
      // (if trained then listToAttrs (map (n: { name = "trained-${n}"; value = trainingWorkloads.${n}; }) (attrNames trainingWorkloads)) else { });
  };
  # The chosen nix-pgo variants and cargo-pgo's two builds.
  evaluation = evaluateWith {
    suffix = "vs-cargo-pgo";
    variants = {
      cargo-pgo = cargoPgo;
      cargo-pgo-bolt = cargoPgoBolt;
    } // listToAttrs (map (v: { name = v; value = candidates.${v}; }) chosen);
    order = chosen ++ [ "cargo-pgo" "cargo-pgo-bolt" ];
  };
  # The training workloads' environment (workloadEnv.nix) for cargo-pgo's runs, without
  # the fixed getrandom: that is one of nix-pgo's reproducibility options.
  trainingEnv = mapAttrs (name: workload: lib.workloadEnv { inherit name workload; deterministicRandom = false; }) trainingWorkloads;
in
{
  # "rust" or "go": the script skips programs cargo-pgo can't build.
  inherit (pipeline0) language;

  # Everything the cold build and cargo-pgo start from (built before anything is timed):
  # our optimized (whose closure holds the source, vendored crates, training inputs, helper
  # and fixed-random library), the baseline, and the training workloads' profiles, which
  # build their inputs' directories (workloadEnv.nix) for cargo-pgo's runs too.
  warm = [
    optimized
    baseline
  ] ++ attrValues pipeline.profiles;
  # The chosen variants, to build before the evaluation.
  variants = map (v: candidates.${v}) chosen;

  # instrumented → profiles.<workload> → profile → optimized under another version string
  # (and without a lock, so the workloads run): the same builds as the flake's stages,
  # under names no earlier run has built, while the source, vendored crates, inputs,
  # helper and toolchain are the ones already in the store. Only the derivation names
  # differ, and no name gets into a binary, so `cold` must give `optimized`'s binary.
  cold =
    (pipeline0.override {
      version = "${version}-cold-${nonce}";
      lockFile = null;
    }).optimized;

  # What the script needs to build the same program with cargo-pgo, as JSON.
  info = {
    inherit version;
    inherit (toolchain) rustc cargo llvmProfdata llvmBolt targetTriple bash path;
    locked = pipeline.locked;
    src = "${baseline.src}";
    cargoLock = "${baseline.cargoLock}";
    vendor = "${pipeline.vendor}";
    # As every cargo stage passes them (nix/internal/cargo/cargoBuild.nix): --release --frozen
    # --target … --bin … and the features; and the package's own RUSTFLAGS (baseline has
    # no stage flags).
    inherit (baseline) cargoFlags rustflags bins;
    # The flags optimized adds to the profile (bench/temporal-order and cs-pgo build with them).
    profileUseRustflags = guard;
    optimized = "${optimized}";
    profile = "${pipeline.profile}";
    # workloadEnv's attributes, the environment runWorkload.sh reads.
    training = trainingEnv;
    evaluation = attrNames evaluationWorkloads;
    variants = chosen;
  };

  inherit evaluation;
  # For other benches that evaluate builds made outside Nix in this environment
  # (bench/temporal-order, bench/cs-pgo): baseline, the package's optimized and
  # directories with bin/<bin> (`builds`: [ { name; dir; } ], in that order) in one
  # evaluation, the version ending in `suffix`.
  evaluateBuilds = { suffix, builds }: evaluateWith {
    inherit suffix;
    variants = { inherit optimized; } // listToAttrs (map (b: { inherit (b) name; value = importBuild b.dir b.name; }) builds);
    order = [ "optimized" ] ++ map (b: b.name) builds;
  };
  # bin/report: baseline, optimized and cargo-pgo's two builds timed on the held-out
  # workloads, alternating run by run (nix-pgo report).
  report = lib.report {
    programs.${program} = pipeline // {
      evaluation = lib.evaluateVariants {
        pname = program;
        inherit version deterministicRandom;
        variants = { inherit baseline optimized; cargo-pgo = cargoPgo; cargo-pgo-bolt = cargoPgoBolt; };
        order = [ "baseline" "optimized" "cargo-pgo" "cargo-pgo-bolt" ];
        workloads = evaluationWorkloads;
      };
    };
  };
}
