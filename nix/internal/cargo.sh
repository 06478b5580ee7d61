# shellcheck shell=bash
# Steps shared by every cargo stage (sourced by build.sh, optimized.sh).
# Environment (from cargoBuild.nix): src cargoLock vendor rustc cargo cc targetTriple bins
# cargoFlags rustflags.

# cargoSetup: a writable copy of the source with our Cargo.lock, and a CARGO_HOME whose
# only registry is the vendored directory.
cargoSetup() {
  cp -r --no-preserve=mode "$src" "$NIX_BUILD_TOP/source"
  cd "$NIX_BUILD_TOP/source"
  cp --no-preserve=mode "$cargoLock" Cargo.lock

  export CARGO_HOME=$NIX_BUILD_TOP/cargo-home
  mkdir -p "$CARGO_HOME"
  cat >"$CARGO_HOME/config.toml" <<CONFIG
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "$vendor"
CONFIG

  export RUSTC=$rustc CC=$cc CARGO_TARGET_DIR=$NIX_BUILD_TOP/target
  # --target is always given, so RUSTFLAGS reach the target's crates but not build
  # scripts or proc macros: those are never instrumented or profile-optimized.
  local triple=${targetTriple^^}
  export "CARGO_TARGET_${triple//-/_}_LINKER=$cc"
  if [ "${NIX_BUILD_CORES:-0}" -gt 0 ]; then export CARGO_BUILD_JOBS=$NIX_BUILD_CORES; fi
  export SOURCE_DATE_EPOCH=1 CARGO_TERM_COLOR=never
  # Paths of this build (the build directory, the vendor store path) must not end up in
  # the binary: they would make it depend on where it was built and keep sources alive.
  export RUSTFLAGS="$rustflags --remap-path-prefix=$NIX_BUILD_TOP=/build --remap-path-prefix=$vendor=/vendor"
}

# cargoBuild: run cargo, keeping its output in $NIX_BUILD_TOP/cargo-build.log.
cargoBuild() {
  log "RUSTFLAGS=$RUSTFLAGS"
  # shellcheck disable=SC2086 # cargoFlags is a list joined by spaces
  "$cargo" build $cargoFlags 2>&1 | tee "$NIX_BUILD_TOP/cargo-build.log"
}

# installBins: copy each built binary to $out/bin.
installBins() {
  local b
  for b in $bins; do
    install -D -m 755 "$CARGO_TARGET_DIR/$targetTriple/release/$b" "$out/bin/$b"
  done
}
