# The two reproductions of issue 14's "never slower" cases (docs/never-slower.md): a
# profile that loses on a held-out workload unlike its training.
# - grep-lite: a small grep on the regex crate (./grep-lite, this repository's own
#   program), trained on English prose with literal patterns, evaluated on Rust source
#   with Unicode word boundaries and captures.
# - rhai-untrained: rhai (examples/rhai, the same package and binaries) trained on
#   compiling scripts to bytecode, evaluated on running held-out scripts: its interpreters
#   are code training barely reached.
# Inputs are crates.io releases pinned by hash (examples/inputs.nix).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    crateSource
    workloadsFromDir
    ;
  inputs = import ../../examples/inputs.nix { inherit crateSource; };
  # Every variant (baseline, optimized, bolted and the remedies) on the training workloads:
  # what a remedy costs on what the profile was made for (the measurement in
  # docs/never-slower.md; `measure` builds it).
  onTraining =
    pname: p:
    nixPgo.evaluateVariants {
      inherit pname;
      version = "training";
      variants = { inherit (p) baseline optimized bolted; } // p.repaired;
      order = [ "baseline" "optimized" "bolted" ] ++ builtins.attrNames p.repaired;
      workloads = p.workloads.training;
    };
  programs = {
    grep-lite = buildPgoPackage {
      pname = "grep-lite";
      version = "0.1.0";
      src = ./grep-lite;
      workloads = workloadsFromDir ./grep-lite/pgo {
        inputs = { inherit (inputs) spdx regex cargo; };
      };
    };
    rhai-untrained = (import ../../examples/rhai { inherit nixPgo; }).override {
      workloads = workloadsFromDir ./rhai-untrained {
        inputs = { inherit (inputs) rhai-scripts; };
      };
    };
    # boa's command-line interpreter from its crates.io release, with the Cargo.lock it was
    # published with. Without default features: those add the bundled ICU data (Intl),
    # `fetch` (an HTTP client) and mimalloc/jemalloc (C allocators): none is what the
    # scripts run, and all cost build time. The engine's own `temporal` and the rest that
    # boa_cli always enables stay.
    boa = buildPgoPackage {
      pname = "boa";
      version = "0.22.0";
      src = crateSource {
        pname = "boa_cli";
        version = "0.22.0";
        sha256 = "1a36f47f8342bc37404983a9a93820062dc0e37cc0ea20a643da7fa0b19ab07d";
      };
      # The lock file inside that crate, copied here so evaluation needn't unpack the crate.
      cargoLock = ./boa/Cargo.lock;
      bins = [ "boa" ];
      noDefaultFeatures = true;
      # v0 symbol mangling, as for examples/jaq: legacy names spell out every generic type,
      # and the BOLT instrumentation runtime aborts on a name over 10,240 bytes.
      rustflags = [ "-Csymbol-mangling-version=v0" ];
      workloads = workloadsFromDir ./boa { };
    };
    boa-cargo-pgo-flags = programs.boa.override { profileUseRustflags = [ ]; };
    # The same, built with cargo-pgo's flags (no cold-call-site inlining threshold,
    # profileUseRustflags = [ ]): the setting the issue measured an interpreter's held-out
    # script 2.6x slower with.
    rhai-untrained-cargo-pgo-flags = programs.rhai-untrained.override {
      profileUseRustflags = [ ];
    };
  };
  measured = builtins.mapAttrs (name: p: p // { trainingEvaluation = onTraining name p; }) programs;
in
measured
  // {
  boa = measured.boa // {
    # nix-pgo's optimized beside the same profile built with other flags, on the held-out
    # and the training workloads against one baseline run, without a BOLT chain or remedies
    # of their own (each variant is a full build of the engine):
    # - optimized-cargo-pgo-flags: cargo-pgo's (profileUseRustflags = [ ]), the setting
    #   issue 7 measured;
    # - optimized-pgso-false: the optimized-no-pgso remedy (nix-pgo's default
    #   profileUseRustflags and `-Cllvm-args=-pgso=false`), which is applied since optimized
    #   regresses on typed-array-convert (were it not, it would be optimized's binary).
    flagsEvaluation = nixPgo.evaluateVariants {
      pname = "boa";
      version = "flags";
      variants = {
        inherit (programs.boa) baseline optimized;
        optimized-cargo-pgo-flags = programs.boa-cargo-pgo-flags.optimized;
        optimized-pgso-false = programs.boa.repaired.optimized-no-pgso;
      };
      order = [ "baseline" "optimized" "optimized-cargo-pgo-flags" "optimized-pgso-false" ];
      workloads = programs.boa.workloads.evaluation // programs.boa.workloads.training;
    };
  };
}
