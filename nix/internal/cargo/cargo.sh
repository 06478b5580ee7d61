# shellcheck shell=bash
# Steps shared by every cargo stage (sourced by build.sh, optimized.sh).
# Environment (from cargoBuild.nix): src cargoLock vendor rustc cargo cc targetTriple bins
# cargoFlags cargoProfileDir rustflags nativeBuildInputs, and optionally profile (a directory with one .profdata),
# cargoDeps (the dependency build, deps.sh), helper (nix-pgo, for the project's configured rustflags)
# and linkRustflags with linkCrates and rustcLinkFlags (the binaries' own flags).

# cargoSetup: a writable copy of the source with our Cargo.lock, and a CARGO_HOME whose
# only registry is the vendored directory.
cargoSetup() {
  cp -r --no-preserve=mode "$src" "$NIX_BUILD_TOP/source"
  cd "$NIX_BUILD_TOP/source" || exit
  cp --no-preserve=mode "$cargoLock" Cargo.lock

  export CARGO_HOME=$NIX_BUILD_TOP/cargo-home
  mkdir -p "$CARGO_HOME"
  cat >"$CARGO_HOME/config.toml" <<CONFIG
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "$vendor"
CONFIG
  # Git dependencies' sources, replaced by the vendored directory too (vendor.sh).
  if [ -f "$vendor/.cargo-config.toml" ]; then cat "$vendor/.cargo-config.toml" >>"$CARGO_HOME/config.toml"; fi

  # The package's nativeBuildInputs: tools its build scripts run (cmake, protoc).
  local input
  for input in "${nativeBuildInputs[@]}"; do
    [ -d "$input/bin" ] || die "nativeBuildInputs: $input has no bin/ directory; give packages whose bin/ holds the tools build scripts run (libraries go in pkgConfigPath)"
    PATH=$input/bin:$PATH
  done
  export RUSTC=$rustc CC=$cc CARGO_TARGET_DIR=$NIX_BUILD_TOP/target
  # --target is always given, so RUSTFLAGS reach the target's crates but not build
  # scripts or proc macros: those are never instrumented or profile-optimized.
  local triple=${targetTriple^^}
  export "CARGO_TARGET_${triple//-/_}_LINKER=$cc"
  if [ "${NIX_BUILD_CORES:-0}" -gt 0 ]; then export CARGO_BUILD_JOBS=$NIX_BUILD_CORES; fi
  export SOURCE_DATE_EPOCH=1 CARGO_TERM_COLOR=never
  # RUSTFLAGS replaces the rustflags of the project's .cargo/config.toml in cargo; they go
  # first, so that every stage builds what `cargo build` does, plus its own flags
  # (helper/src/cargo_config.rs). Not for the helper's own build (cargoBuild.nix).
  # (A global: explainCargoFailure names them.)
  configFlags=""
  if [ -n "${helper:-}" ]; then
    configFlags=$("$helper" cargo-rustflags --target "$targetTriple" --rustc "$rustc") ||
      die "could not read the rustflags of the project's Cargo configuration (.cargo/config.toml; the reason is above)"
  fi
  # Paths of this build (the build directory, the vendor store path) must not end up in
  # the binary: they would make it depend on where it was built and keep sources alive.
  export RUSTFLAGS="${configFlags:+$configFlags }$rustflags --remap-path-prefix=$NIX_BUILD_TOP=/build --remap-path-prefix=$vendor=/vendor"

  if [ -n "${linkRustflags:-}" ]; then
    # Flags for the package's binaries alone, by a rustc wrapper (rustcLinkFlags.sh says why).
    # shellcheck disable=SC2154 # rustcLinkFlags and linkCrates come from .attrs.sh
    printf '#!%s\nexec %q %q "$@"\n' "$BASH" "$BASH" "$rustcLinkFlags" >"$NIX_BUILD_TOP/rustc-link-flags"
    chmod +x "$NIX_BUILD_TOP/rustc-link-flags"
    export RUSTC_WRAPPER=$NIX_BUILD_TOP/rustc-link-flags NIX_PGO_LINK_RUSTFLAGS=$linkRustflags NIX_PGO_LINK_CRATES="${linkCrates[*]}"
    log "rustc flags of ${linkCrates[*]} alone: $linkRustflags"
  fi

  if [ -n "${profile:-}" ]; then
    local profiles=("$profile"/*.profdata)
    [ "${#profiles[@]}" -eq 1 ] || die "expected one .profdata in $profile, found ${#profiles[@]}"
    # rustc's output does not depend on the profile's path, but a fixed one keeps the
    # profile's store path out of the build (and out of cargo's fingerprints) entirely.
    # The store's timestamp (1970) too: rustc lists the profile in each crate's dep-info,
    # and a copy dated now would make cargo recompile every restored dependency.
    cp --preserve=timestamps "${profiles[0]}" "$NIX_BUILD_TOP/pgo.profdata"
    RUSTFLAGS+=" -Cprofile-use=$NIX_BUILD_TOP/pgo.profdata -Cllvm-args=-pgo-warn-missing-function"
  fi

  if [ -n "${cargoDeps:-}" ]; then
    # The dependencies, compiled with these very flags (deps.sh). It holds no fingerprint
    # of the project's own crates, so cargo compiles those; the registry crates it takes as
    # they are (it compares their versions and flags, not timestamps). Timestamps stay the
    # store's (1970), older than anything this build writes.
    cp -r --preserve=timestamps "$cargoDeps/target" "$CARGO_TARGET_DIR"
    chmod -R u+w "$CARGO_TARGET_DIR"
  fi
}

# cargoBuild SUBCOMMAND [ARG...]: run `cargo SUBCOMMAND` (build; test for runTestProfile) with
# the stage's flags and ARGs, keeping its output in $NIX_BUILD_TOP/cargo-build.log.
cargoBuild() {
  local subcommand=$1
  shift
  log "RUSTFLAGS=$RUSTFLAGS"
  local status=0
  "$cargo" "$subcommand" "${cargoFlags[@]}" "$@" 2>&1 | tee "$NIX_BUILD_TOP/cargo-build.log" || status=$?
  [ "$status" -eq 0 ] || explainCargoFailure "$status" "$subcommand"
}

# cargoNamed PATTERN: the names cargo quoted in backquotes in the lines of its log that match
# PATTERN, deduplicated and comma-separated; empty when none match.
cargoNamed() {
  # shellcheck disable=SC2016 # the backquotes are cargo's, not an expansion
  grep -o "$1" "$NIX_BUILD_TOP/cargo-build.log" | sed 's/[^`]*`\([^`]*\)`.*/\1/' | sort -u | paste -sd, - || true
}

# explainCargoFailure STATUS SUBCOMMAND: fail, saying which nix-pgo argument a cargo error points at.
# These errors come from the first cargo run (the dependency build), before anything compiles.
explainCargoFailure() {
  local log=$NIX_BUILD_TOP/cargo-build.log
  if grep -qE 'did not match any packages|cannot specify features for packages outside of workspace' "$log"; then
    # (The second: \`package\` names a dependency, which cargo builds but not as a member.)
    die "cargo has no workspace member named by nix-pgo's \`package\` argument (cargo flags: ${cargoFlags[*]}). Set \`package\` to the name of a workspace member (\`cargo metadata --no-deps\` lists them; a dependency is none), or leave it null for the root package."
  elif grep -q 'no bin target named' "$log"; then
    local missing members
    # shellcheck disable=SC2016 # as in cargoNamed
    missing=$(cargoNamed 'no bin target named `[^`]*`')
    # shellcheck disable=SC2016 # as in cargoNamed
    members=$(cargoNamed 'available bin in `[^`]*` package')
    if [ -n "$members" ]; then
      # The binary is another workspace member's than the one(s) cargo built: \`package\`'s,
      # or with package = null the workspace's default members.
      die "$missing is a binary of the workspace member(s) $members, which cargo did not build: it builds \`package\`, or with \`package = null\` the workspace's default members (cargo flags: ${cargoFlags[*]}). Set \`package\` to the member that has every binary in \`bins\`, or, for binaries of several members in one package, add \`cargoExtraArgs = [ \"--workspace\" ];\`."
    fi
    die "the package has no binary named $missing, which nix-pgo's \`bins\` argument names (cargo flags: ${cargoFlags[*]}); cargo lists the ones it has above. Set \`bins\` to those names."
  fi
  if [ -n "${configFlags:-}" ] && grep -q 'error: linking with' "$log"; then
    # A linker chosen for development (-fuse-ld=mold) is only on the developer's machine.
    die "cargo $2 failed with status $1: linking failed (its output is above). The project's .cargo/config.toml gives the rustflags $configFlags, which every stage uses as \`cargo build\` does: a tool they name (a linker such as mold or lld) must come from \`nativeBuildInputs\`, or the flag must move out of the project's configuration (to ~/.cargo/config.toml, which no Nix build reads)."
  fi
  die "cargo $2 failed with status $1 (its output is above)."
}

# installBins: copy each built binary to $out/bin.
installBins() {
  local b
  for b in "${bins[@]}"; do
    install -D -m 755 "$CARGO_TARGET_DIR/$targetTriple/$cargoProfileDir/$b" "$out/bin/$b"
  done
}

# keepBuildScriptDirectives TARGET_DIR: the build scripts' captured output in TARGET_DIR
# (build/<pkg>-<hash>/output, stderr) cut down to the directives cargo replays from it when
# the script's run is fresh (`cargo:` lines, in their order). The rest is the script's own
# log, whose order a parallel `make` changes from run to run (jemalloc-sys's configure and
# make: fd 10.5.0's dependency build did not rebuild bit-identically).
keepBuildScriptDirectives() {
  local output
  while IFS= read -r -d '' output; do
    grep -a '^cargo:' "$output" >"$output.directives" || true
    mv "$output.directives" "$output"
    : >"${output%/output}/stderr"
  done < <(find "$1" -path '*/build/*/output' -type f -print0)
}
