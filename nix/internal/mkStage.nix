# The one place that turns a stage description into a derivation. nix-pgo's stages are
# plain `derivation`s (no nixpkgs stdenv), so that the host toolchain works where
# nixpkgs can't be fetched: the builder is the toolchain's bash running stage.sh, which
# sources the stage's own script.
#
# Every stage uses structured attributes (`__structuredAttrs`): its attributes reach the
# script as bash variables of their own type (stage.sh sources `.attrs.sh`), lists as
# arrays and attribute sets of strings as associative arrays, so names with spaces or
# quotes and lists of paths pass through unchanged. Only `env` is exported to the
# programs the stage runs (nixpkgs' convention for structured attributes).
{ toolchain }:
{
  # Derivation name, e.g. "pulldown-cmark-optimized-0.13.6".
  name
, # Bash script (a path) that does the stage's work; see stage.sh for what it gets.
  script
, # Environment variables for the programs the stage runs: { NAME = "value"; }.
  env ? { }
, # Attributes for the caller (other stages, tests), not part of the derivation.
  passthru ? { }
, meta ? { }
, # A repair plan (repairPlan's result) for a stage only a remedy needs (the broad
  # workloads' profiles): when the plan says its variant passed, the stage does nothing
  # but write $out/nix-support/repair = not-needed (stage.sh). null: always needed.
  neededIf ? null
, # The identity of the toolchain the stage builds or runs with, part of its hash: the
  # Rust toolchain's by default; a Go stage that runs a go command gives the Go
  # toolchain's, so that a new rustc doesn't rebuild Go programs (a stage that runs the
  # helper depends on the Rust toolchain through the helper's path anyway).
  nixPgoToolchain ? toolchain.id
, # A floating content-addressed derivation (experimental feature ca-derivations):
  # its store path follows from its output's content, so dependents whose inputs came
  # out the same are not rebuilt.
  contentAddressed ? false
, ...
}@args:
let
  drv = derivation (
    removeAttrs args [
      "passthru"
      "meta"
      "script"
      "contentAddressed"
      "neededIf"
    ]
    // (if neededIf != null then { neededIf = "${neededIf}"; } else { })
    // {
      inherit name env;
      inherit (toolchain) system;
      __structuredAttrs = true;
      builder = toolchain.bash;
      args = [
        ./stage.sh
        script
      ];
      PATH = toolchain.path;
      inherit nixPgoToolchain;
      # For the messages that ask to re-lock a profile.
      relockHint = import ./relockHint.nix;
    }
    // (
      if contentAddressed then
        {
          __contentAddressed = true;
          outputHashMode = "recursive";
          outputHashAlgo = "sha256";
        }
      else
        { }
    )
  );
in
drv // passthru // { inherit meta passthru; }
