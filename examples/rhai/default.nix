# A multi-binary package with a non-default feature: rhai, the embedded scripting language
# for Rust, built from its crates.io release with the Cargo.lock it was published with.
# Three of its binaries: `rhai-run` (runs scripts), `grain-compile` (compiles a script to
# Grain bytecode) and `grain-dump` (disassembles the bytecode). The `grain` feature adds
# the bytecode compiler and VM, and makes `rhai-run` run `.rgrn` files with that VM
# instead of walking the AST: with it, every script of a workload runs through two
# different interpreters. Training runs rhai's own example scripts (from its 1.8.0 crate)
# and Rhai programs over the SPDX license list; evaluation, held out from training, runs
# the other example scripts and a program over the SPDX license exceptions and jiter's
# number arrays. All inputs are crates.io releases pinned by hash (licences: README.md
# here).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    crateSource
    workloadsFromDir
    ;
  inputs = import ../inputs.nix { inherit crateSource; };
in
buildPgoPackage {
  pname = "rhai";
  version = "1.27.0";
  src = crateSource {
    pname = "rhai";
    version = "1.27.0";
    sha256 = "c3925b784c0bee6542637e425ed7511a63257bf11b7ecf51ffd845e2d24d9163";
  };
  # The lock file inside that crate, copied here so evaluation needn't unpack the crate.
  cargoLock = ./Cargo.lock;
  # The crate's binaries are optional: each needs features (`required-features`).
  # `grain-compile` needs `grain`, `grain-dump` `grain` and `internals`; `rhai-run` needs
  # none, but with `grain` it also runs Grain bytecode. (`rhai-repl` and `rhai-dbg`, the
  # interactive ones, need `bin-features`: rustyline, decimal, serde; not built here.)
  bins = [
    "rhai-run"
    "grain-compile"
    "grain-dump"
  ];
  cargoFeatures = [
    "grain"
    "internals"
  ];
  workloads = workloadsFromDir ./. {
    inputs = {
      # rhai's example scripts (scripts/*.rhai), shipped in its 1.8.0 crate (later
      # releases no longer include them): training runs most, evaluation holds four out.
      inherit (inputs) rhai-scripts;
      # The SPDX license list (training: licenses.json and details/M*.json; evaluation:
      # exceptions.json and exceptions/[A-L]*.json) and jiter's benchmark number arrays
      # (evaluation only).
      inherit (inputs) spdx jiter;
    };
  };
}
