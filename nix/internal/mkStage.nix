# The one place that turns a stage description into a derivation. nix-pgo's stages are
# plain `derivation`s (no nixpkgs stdenv), so that the host toolchain works where
# nixpkgs can't be fetched: the builder is the toolchain's bash running stage.sh, which
# sources the stage's own script.
{ toolchain }:
{
  # Derivation name, e.g. "pulldown-cmark-optimized-0.13.6".
  name,
  # Bash script (a path) that does the stage's work; see stage.sh for what it gets.
  script,
  # Attributes for the caller (other stages, tests), not part of the derivation.
  passthru ? { },
  meta ? { },
  # A floating content-addressed derivation (experimental feature ca-derivations):
  # its store path follows from its output's content, so dependents whose inputs came
  # out the same are not rebuilt.
  contentAddressed ? false,
  ...
}@args:
let
  drv = derivation (
    removeAttrs args [
      "passthru"
      "meta"
      "script"
      "contentAddressed"
    ]
    // {
      inherit name;
      inherit (toolchain) system;
      builder = toolchain.bash;
      args = [
        ./stage.sh
        script
      ];
      PATH = toolchain.path;
      # The toolchain's identity is part of every stage's hash.
      nixPgoToolchain = toolchain.id;
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
