# The two reproductions of issue 14's "never slower" cases (docs/never-slower.md): a
# profile that loses on a held-out workload unlike its training.
# - grep-lite: a small grep on the regex crate (./grep-lite, this repository's own
#   program), trained on English prose with literal patterns, evaluated on Rust source
#   with Unicode word boundaries and captures.
# - rhai-bytecode: rhai (examples/rhai, the same package and binaries) trained on scripts
#   run by its tree-walking interpreter, evaluated on held-out scripts run by its bytecode
#   VM, code training never reached.
# Inputs are crates.io releases pinned by hash (examples/inputs.nix).
{ nixPgo }:
let
  inherit (nixPgo)
    buildPgoPackage
    crateSource
    workloadsFromDir
    ;
  inputs = import ../../examples/inputs.nix { inherit crateSource; };
in
{
  grep-lite = buildPgoPackage {
    pname = "grep-lite";
    version = "0.1.0";
    src = ./grep-lite;
    workloads = workloadsFromDir ./grep-lite/pgo {
      inputs = { inherit (inputs) spdx regex cargo; };
    };
  };
  rhai-bytecode = (import ../../examples/rhai { inherit nixPgo; }).override {
    workloads = workloadsFromDir ./rhai-bytecode {
      inputs = { inherit (inputs) rhai-scripts; };
    };
  };
}
