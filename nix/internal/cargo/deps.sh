# shellcheck shell=bash
# A stage's dependency build (cargoBuild.nix): cargo, with the stage's flags, on the
# project's skeleton; $out/target is the target directory the stage starts from.
# shellcheck source=./cargo.sh
source "$cargoBuildScript"
cargoSetup
cargoBuild build

# Keep only what the dependencies made. The project's own crates (the lock's packages
# without a `source`: workspace members and path dependencies) were built from
# placeholders; without their fingerprints cargo compiles them again in the stage, whatever
# the timestamps say. Their fingerprints also hash mtimes, and .rustc_info.json is a cache
# in hash-map order: neither would rebuild bit-identically.
# shellcheck disable=SC2154 # localPackages comes from .attrs.sh (vendorCargoDeps reads the lock)
for member in "${localPackages[@]}"; do
  # <name>-<hash> exactly: pulldown-cmark's must not take pulldown-cmark-escape's along.
  find "$CARGO_TARGET_DIR" -regextype posix-extended -regex ".*/\.fingerprint/$member-[0-9a-f]{16}" -prune -exec rm -rf {} +
done
for b in "${bins[@]}"; do
  rm -f "$CARGO_TARGET_DIR/$targetTriple/$cargoProfileDir/$b"
done
rm -f "$CARGO_TARGET_DIR/.rustc_info.json"
keepBuildScriptDirectives "$CARGO_TARGET_DIR"
mkdir -p "$out"
mv "$CARGO_TARGET_DIR" "$out/target"
