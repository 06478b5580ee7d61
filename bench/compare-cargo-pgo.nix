# The Nix half of bench/compare-cargo-pgo (read that script first): one program of
# examples/default.nix on the host toolchain (the same derivations as the flake's
# `.#host.programs.<program>`), and what the comparison with cargo-pgo needs from it.
# Built with `nix build --impure -f bench/compare-cargo-pgo.nix --argstr program …`.
{
  # A name from examples/default.nix.
  program
, # Makes `cold` a chain of derivations no earlier run has built (see `cold`).
  nonce ? ""
, # A directory with bin/<bin>: cargo-pgo's optimized build, imported into the store for
  # the evaluation and the timed report ("" until it exists).
  cargoPgoOut ? ""
,
}:
let
  inherit (builtins) attrNames attrValues head mapAttrs parseDrvName;
  programs = import ./.;
  lib = import ../nix { toolchain = import ../nix/toolchain/host.nix { }; };
  pipeline =
    if programs ? ${program} then
      import programs.${program} { nixPgo = lib; }
    else
      throw "compare-cargo-pgo: no program '${program}'; the programs are ${toString (attrNames programs)} (examples/default.nix).";
  inherit (lib) toolchain;
  inherit (pipeline) baseline optimized;
  version = (parseDrvName baseline.name).version;
  evaluationWorkloads = pipeline.workloads.evaluation or { };
  # The package's deterministicRandom, as its evaluation derivations got it.
  deterministicRandom =
    pipeline.evaluation != null && (head (attrValues pipeline.evaluation.workloads)).workloadPreload != "";

  cargoPgo = builtins.path {
    path = /. + cargoPgoOut;
    name = "${program}-cargo-pgo-${version}";
  };
  # Our optimized without the package's profileUseRustflags (by default
  # -inline-cold-callsite-threshold=225), built from the same profile: with the same
  # RUSTFLAGS as cargo-pgo's, what is left between the two is the profile.
  optimizedNoFlags = (pipeline.override { profileUseRustflags = [ ]; }).optimized;
  # baseline, our optimized (with and without profileUseRustflags) and cargo-pgo's
  # optimized, under callgrind, on the held-out evaluation workloads; fails if cargo-pgo's
  # binary prints something else.
  evaluation = lib.evaluateVariants {
    pname = program;
    inherit version deterministicRandom;
    variants = {
      inherit baseline optimized;
      optimized-noflags = optimizedNoFlags;
      cargo-pgo = cargoPgo;
    };
    order = [
      "baseline"
      "optimized"
      "optimized-noflags"
      "cargo-pgo"
    ];
    workloads = evaluationWorkloads;
  };
in
{
  # Everything the cold build and cargo-pgo start from (built before anything is timed):
  # our optimized (whose closure holds the source, vendored crates, training inputs, helper
  # and fixed-random library), and the baseline and optimized-noflags for the evaluation.
  warm = [
    optimized
    baseline
    optimizedNoFlags
  ];

  # instrumented → profiles.<workload> → profile → optimized under another version string
  # (and without a lock, so the workloads run): the same builds as the flake's stages,
  # under names no earlier run has built, while the source, vendored crates, inputs,
  # helper and toolchain are the ones already in the store. Only the derivation names
  # differ, and no name gets into a binary, so `cold` must give `optimized`'s binary.
  cold =
    (pipeline.override {
      version = "${version}-cold-${nonce}";
      lockFile = null;
    }).optimized;

  # What the script needs to build the same program with cargo-pgo, as JSON.
  info = {
    inherit version;
    inherit (toolchain) rustc cargo llvmProfdata targetTriple bash path;
    locked = pipeline.locked;
    src = "${baseline.src}";
    cargoLock = "${baseline.cargoLock}";
    vendor = "${pipeline.vendor}";
    # As every cargo stage passes them (nix/internal/cargo/cargoBuild.nix): --release --frozen
    # --target … --bin … and the features; and the package's own RUSTFLAGS (baseline has
    # no stage flags).
    inherit (baseline) cargoFlags rustflags bins;
    optimizedRustflags = optimized.rustflags;
    instrumentedRustflags = pipeline.instrumented.rustflags;
    optimized = "${optimized}";
    profile = "${pipeline.profile}";
    baseline = "${baseline}";
    training = mapAttrs
      (_: w: {
        script = "${w.script}";
        inputs = mapAttrs (_: i: "${i}") (w.inputs or { });
        timeout = w.timeout or 600;
      })
      pipeline.workloads.training;
    evaluation = attrNames evaluationWorkloads;
  };

  inherit evaluation;
  # bin/report: the three variants timed on the evaluation workloads, alternating run by
  # run (nix-pgo report), with the instruction counts of `evaluation`.
  report = lib.report {
    programs.${program} = pipeline // {
      inherit evaluation;
    };
  };
}
