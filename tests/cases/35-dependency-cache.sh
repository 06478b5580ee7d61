# shellcheck shell=bash
# Each cargo stage's dependencies are a derivation of their own (nix/internal/cargo/cargoBuild.nix),
# built on a skeleton of the project: editing the project's source recompiles only its own
# crate, in every stage. Checked from the derivation graph and cargo's build logs.

cached_stages=(baseline instrumented optimized boltInput)

# The demo built from $source_dir with the profile of $lock: the fixture's arguments, then
# localSource.ATTR for each ATTR.
local_source_args() {
  local attr
  printf '%s\0' --impure --argstr lockFile "$lock" --argstr sourceDir "$source_dir" -f tests/fixtures
  for attr in "$@"; do printf 'localSource.%s\0' "$attr"; done
}
# local_source ATTR...: build them. local_source_eval ATTR: print it.
local_source() {
  local args
  mapfile -d '' args < <(local_source_args "$@")
  nix build --no-link "${args[@]}"
}
local_source_eval() {
  local args
  mapfile -d '' args < <(local_source_args "$1")
  nix eval --raw "${args[@]}"
}

test_one_line_edit_recompiles_only_the_main_crate_in_every_stage() {
  local copy source_dir lock stage deps pending log compiled
  copy=$(locked_copy)
  lock=$copy/$DEMO_LOCK
  source_dir=$(mktemp -d)
  cp -r --no-preserve=mode "$(out_path -f tests/fixtures/demo.nix baseline.src)/." "$source_dir"
  local_source "${cached_stages[@]}"

  # Output paths: a dependency build's .drv lists the locked profile's .drv (a fixed-output
  # derivation, whose recipe follows the workloads), but its output path, and so whether
  # Nix builds it, depends only on the profile's hash.
  declare -A deps_before
  for stage in "${cached_stages[@]}"; do
    deps_before[$stage]=$(local_source_eval "$stage.deps.outPath")
  done

  # One line of the program's own code: the text of its --help, a new text on every run so
  # that the stages are new to Nix also on a warm store.
  local edit
  edit="this help message, edited $(date +%s%N)"
  sed -i "s/\"this help message\"/\"$edit\"/" "$source_dir/src/main.rs"
  grep -qF "$edit" "$source_dir/src/main.rs" || fail "the edit did not apply"

  for stage in "${cached_stages[@]}"; do
    deps=$(local_source_eval "$stage.deps.outPath")
    [ "$deps" = "${deps_before[$stage]}" ] || fail "editing main.rs changed $stage's dependency build"
  done
  local args
  mapfile -d '' args < <(local_source_args "${cached_stages[@]}")
  pending=$(would_build "${args[@]}")
  echo "would build:"
  echo "$pending"
  [ "$(wc -l <<<"$pending")" -eq "${#cached_stages[@]}" ] || fail "expected to build the ${#cached_stages[@]} stages and nothing else"
  ! grep -E -- '-(deps|skeleton)' <<<"$pending" || fail "an edit of main.rs rebuilds a dependency build or the skeleton"

  local_source "${cached_stages[@]}"
  for stage in "${cached_stages[@]}"; do
    log=$(nix log "$(local_source_eval "$stage.drvPath")" 2>/dev/null)
    compiled=$(grep -oE '^ *Compiling [^ ]+' <<<"$log" | awk '{ print $2 }' | sort -u)
    echo "$stage compiled: $compiled"
    [ "$compiled" = pulldown-cmark ] || fail "$stage compiled ${compiled//$'\n'/ }, not just pulldown-cmark"
    # And what it compiled is the edited source, not the skeleton's placeholder.
    "$(local_source_eval "$stage.outPath")/bin/pulldown-cmark" --help 2>&1 | has -F "$edit" ||
      fail "$stage's binary does not have the edit"
  done
  rm -rf "$copy" "$source_dir"
}

test_dependency_builds_carry_each_stage_flags() {
  # Cargo reuses a dependency only if it was compiled with the same flags: each stage has a
  # dependency build of its own, with that stage's RUSTFLAGS (and the profile).
  local stage drv deps
  for stage in "${cached_stages[@]}"; do
    drv=$(nix eval --impure --raw -f tests/fixtures/demo.nix "$stage.drvPath")
    deps=$(nix eval --impure --raw -f tests/fixtures/demo.nix "$stage.deps.drvPath")
    [ "$(drv_attrs "$drv" | jq -r '.rustflags')" = "$(drv_attrs "$deps" | jq -r '.rustflags')" ] ||
      fail "$stage and its dependency build have different RUSTFLAGS"
    [ "$(drv_attrs "$drv" | jq -r '.profile // ""')" = "$(drv_attrs "$deps" | jq -r '.profile // ""')" ] ||
      fail "$stage and its dependency build use different profiles"
    # Cargo's own settings too (bolt-input strips only debug info: CARGO_PROFILE_RELEASE_STRIP).
    [ "$(drv_attrs "$drv" | jq -c '.env')" = \
      "$(drv_attrs "$deps" | jq -c '.env')" ] ||
      fail "$stage and its dependency build have different CARGO_* settings"
    input_drvs "$drv" | has -xF "$deps" || fail "$stage does not start from its dependency build"
  done
  show_drv "$(nix eval --impure --raw -f tests/fixtures/demo.nix instrumented.deps.drvPath)" | has -- '-Cprofile-generate' ||
    fail "the instrumented stage's dependencies are not instrumented"
}

test_bolt_input_shares_the_dependency_build_of_optimized_and_links_with_relocations() {
  # bolt-input's flags only change the link (--emit-relocs, -Cstrip=debuginfo): given to
  # the binaries alone by a rustc wrapper, they leave RUSTFLAGS and so the dependency build
  # optimized's, one derivation, which cargo finds fresh.
  local input optimized_deps log
  optimized_deps=$(nix eval --impure --raw -f tests/fixtures/demo.nix optimized.deps.drvPath)
  [ "$(nix eval --impure --raw -f tests/fixtures/demo.nix boltInput.deps.drvPath)" = "$optimized_deps" ] ||
    fail "bolt-input has a dependency build other than optimized's"
  input=$(nix build --impure --no-link --json -f tests/fixtures/demo.nix boltInput | jq -r '.[0].outputs.out')
  log=$(nix log "$(nix eval --impure --raw -f tests/fixtures/demo.nix boltInput.drvPath)" 2>/dev/null)
  [ "$(grep -oE '^ *Compiling [^ ]+' <<<"$log" | awk '{ print $2 }' | sort -u)" = pulldown-cmark ] ||
    fail "bolt-input compiled more than the project's crate: $(grep -E '^ *Compiling' <<<"$log")"
  # The binary got the flags: relocations kept, symbols too, no debug info.
  readelf -S -W "$input/bin/pulldown-cmark" | has -F '.rela.text' || fail "bolt-input's binary has no .rela.text"
  readelf -S -W "$input/bin/pulldown-cmark" | has -F '.symtab' || fail "bolt-input's binary has no symbol table"
  readelf -S -W "$input/bin/pulldown-cmark" | has -F '.debug_info' && fail "bolt-input's binary has debug info"
  true
}
