# shellcheck shell=bash
# A stage's dependency build (cargoBuild.nix): cargo, with the stage's flags, on the
# project's skeleton; $out/target is the target directory the stage starts from.
# shellcheck source=./cargo.sh
source "$cargoBuildScript"
cargoSetup
cargoBuild
# The placeholder binaries are of no use to anyone.
for b in $bins; do
  rm -f "$CARGO_TARGET_DIR/$targetTriple/release/$b"
done
mkdir -p "$out"
mv "$CARGO_TARGET_DIR" "$out/target"
