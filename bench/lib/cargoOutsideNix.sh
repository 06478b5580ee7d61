# shellcheck shell=bash disable=SC2034,SC2154 # globals: info and work come from the sourcing script, which reads bins, cargoFlags, trainingNames
# What the scripts that build a program of examples/ with cargo outside Nix share
# (bench/compare-cargo-pgo for cargo-pgo's builds, bench/temporal-order, bench/cs-pgo): the program's
# source beside a CARGO_HOME whose only registry is the vendored directory, cargo in a clean
# environment set up like nix-pgo's cargo stages (nix/internal/cargo/cargo.sh), and the
# training workloads through nix-pgo's own runner. Sourced by those scripts, which set
# `info` (compare-cargo-pgo.nix's `info`, JSON) and `work` (the scratch directory), and
# define die.

get() { jq -r "$1" <<<"$info"; }

# readCargoInfo: the toolchain and the program's build settings from `info`, into globals.
readCargoInfo() {
  rustc=$(get .rustc) cargo=$(get .cargo) llvmProfdata=$(get .llvmProfdata)
  triple=$(get .targetTriple) toolPath=$(get .path) bash=$(get .bash) vendor=$(get .vendor)
  llvmDir=$(dirname "$llvmProfdata")
  read -r -a bins <<<"$(get '.bins | join(" ")')"
  read -r -a cargoFlags <<<"$(get '.cargoFlags | join(" ")')"
  mapfile -t trainingNames < <(get '.training | keys[]')
  linkerVar=${triple^^} linkerVar=CARGO_TARGET_${linkerVar//-/_}_LINKER
}

# prepareCargoSource: $work/source (the program's source and its Cargo.lock), $work/cargo-home
# (the vendored crates as the only registry) and an empty $work/home.
prepareCargoSource() {
  cp -r --no-preserve=mode "$(get .src)" "$work/source"
  cp --no-preserve=mode "$(get .cargoLock)" "$work/source/Cargo.lock"
  mkdir -p "$work/cargo-home" "$work/home"
  printf '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "%s"\n' \
    "$vendor" >"$work/cargo-home/config.toml"
}

# inCargoEnv FLAGS COMMAND…: COMMAND in $work/source with nothing but the toolchain's LLVM
# tools, cargo and rustc first on PATH (then $extraPath, if set, then the shell utilities),
# that CARGO_HOME, the package's RUSTFLAGS plus FLAGS with the stages' path remapping, and
# the stages' linker.
inCargoEnv() {
  local flags=$1
  shift
  (
    cd "$work/source"
    env -i HOME="$work/home" PATH="$llvmDir:$(dirname "$cargo")${extraPath:+:$extraPath}:$toolPath" \
      CARGO_HOME="$work/cargo-home" RUSTC="$rustc" CC=/usr/bin/cc "$linkerVar=/usr/bin/cc" \
      CARGO_TERM_COLOR=never SOURCE_DATE_EPOCH=1 \
      RUSTFLAGS="$(get .rustflags)${flags:+ $flags} --remap-path-prefix=$work=/build --remap-path-prefix=$vendor=/vendor" \
      "$@"
  )
}

# cargoBuild OUT FLAGS: a release build with the package's RUSTFLAGS and FLAGS (inCargoEnv),
# its binaries copied to OUT/bin, its log in $work/<OUT's name>.log.
cargoBuild() {
  local out=$1 flags=$2 b
  inCargoEnv "$flags" "$cargo" build "${cargoFlags[@]}" >"$work/$(basename "$out").log" 2>&1 ||
    die "cargo build failed; its output: $work/$(basename "$out").log"
  mkdir -p "$out/bin"
  for b in "${bins[@]}"; do cp "$work/source/target/$triple/release/$b" "$out/bin/"; done
  rm -rf "$work/source/target"
}

# trainWorkload NAME BINDIR [VAR=VALUE…]: one training workload through nix-pgo's own
# runWorkload.sh, run as a program as the report runs it, with the attributes
# workloadEnv.nix gives the profile derivations (PATH the toolchain's shell utilities,
# no fixed getrandom, not pinned to one CPU: those are nix-pgo's reproducibility options),
# and the extra variables (LLVM_PROFILE_FILE).
trainWorkload() {
  local name=$1 binDir=$2 top=$work/run
  shift 2
  mkdir -p "$top"
  local attrs
  mapfile -t attrs < <(get ".training[\"$name\"] | to_entries[] | \"\(.key)=\(.value)\"")
  env -i PATH="$toolPath" NIX_BUILD_TOP="$top" "${attrs[@]}" "$@" \
    "$bash" "$(get ".training[\"$name\"].workloadRunner")" "$top/$name" "$binDir" ||
    die "training workload $name failed on $binDir (its output: $top/$name.stdout, .stderr)"
}
