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
    # The same, built with cargo-pgo's flags (no cold-call-site inlining threshold,
    # profileUseRustflags = [ ]): the setting the issue measured an interpreter's held-out
    # script 2.6x slower with.
    rhai-untrained-cargo-pgo-flags = programs.rhai-untrained.override {
      profileUseRustflags = [ ];
    };
  };
in
builtins.mapAttrs (name: p: p // { trainingEvaluation = onTraining name p; }) programs
