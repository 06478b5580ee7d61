# shellcheck shell=bash
# A project's .cargo/config.toml rustflags (tests/fixtures/cargo-config): every stage sets
# RUSTFLAGS, which cargo would use instead of them, so nix-pgo puts them first
# (`nix-pgo cargo-rustflags`). What each binary was built with is compared with what
# `cargo build` on the host builds from the same source, not with a list written here.

# cargo_built DIR: what the binary `cargo build --release` builds from DIR says it was
# built with (the host's cargo, offline: the fixture has no dependencies). Its first line,
# by sed, which reads the rest: `head` would close the pipe, and the program fail on its
# second line whenever it came after that (a failure that depends on timing).
cargo_built() {
  local target triple
  target=$(mktemp -d)
  triple=$(rustc -vV | sed -n 's/^host: //p')
  (cd "$1" && CARGO_TARGET_DIR=$target cargo build --quiet --release --offline --target "$triple" 2>/dev/null)
  "$target/$triple/release/cfg-probe" 1 | sed -n 1p
  rm -rf "$target"
}

# nix_built ATTR [DIR]: the same for cargoConfig.ATTR, built from DIR (default: the fixture).
nix_built() {
  local out
  out=$(fixture_build ${2:+--argstr sourceDir "$2"} "cargoConfig.$1" | jq -r '.[0].outputs.out')
  "$out/bin/cfg-probe" 1 | sed -n 1p
}

# config_variant: a copy of the fixture, with .cargo/ as given on stdin (a shell snippet
# run in the copy's .cargo). Prints its path.
config_variant() {
  local dir
  dir=$(mktemp -d)
  cp -r --no-preserve=mode tests/fixtures/cargo-config/. "$dir"
  rm -f "$dir/.cargo/"*
  (cd "$dir/.cargo" && bash -e)
  echo "$dir"
}

test_every_stage_builds_with_the_projects_configured_rustflags() {
  local expected variant got
  expected=$(cargo_built tests/fixtures/cargo-config)
  # The fixture's target tables (the triple's, cfg(unix)'s with -Cdebug-assertions=on),
  # not its build.rustflags nor cfg(windows)'s: if this fails, the fixture tests nothing.
  [[ $expected == *from_triple*from_unix*debug_assertions* && $expected != *from_build* ]] ||
    fail "cargo built the fixture with '$expected'; expected its target tables' flags"
  for variant in baseline optimized bolted; do
    got=$(nix_built "$variant")
    [ "$got" = "$expected" ] || fail "$variant: '$got', cargo build: '$expected'"
  done
}

test_build_rustflags_and_the_old_config_file_name() {
  local dir expected got
  # build.rustflags as a string, in `config` (the old name), which cargo reads instead of
  # a config.toml beside it.
  dir=$(config_variant <<'EOF'
printf '[build]\nrustflags = "--cfg from_build  --cfg from_old_name"\n' >config
printf '[build]\nrustflags = ["--cfg", "from_unix"]\n' >config.toml
EOF
)
  expected=$(cargo_built "$dir")
  [ "$expected" = "built with: from_build from_old_name" ] ||
    fail "cargo built the variant with '$expected'; it should read the old file's build.rustflags"
  got=$(nix_built baseline "$dir")
  [ "$got" = "$expected" ] || fail "baseline: '$got', cargo build: '$expected'"
}

test_a_configured_flag_with_a_space_is_refused_by_name() {
  local dir
  # Valid for cargo and rustc, but RUSTFLAGS splits at spaces.
  dir=$(config_variant <<'EOF'
printf '[build]\nrustflags = ["--cfg", "feature=\\"a b\\""]\n' >config.toml
EOF
)
  expect_failure 'rustflag "feature=\\"a b\\"" \(build.rustflags in .*config.toml\) contains whitespace' \
    fixture_build --argstr sourceDir "$dir" cargoConfig.baseline
}

test_a_configured_linker_the_sandbox_lacks_is_named_with_the_fix() {
  local dir
  # A faster linker for development, a common .cargo/config.toml line; no mold here.
  dir=$(config_variant <<'EOF2'
printf '%s\n' "[target.'cfg(all())']" 'rustflags = ["-Clink-arg=-fuse-ld=mold"]' >config.toml
EOF2
)
  expect_failure 'linking failed .*rustflags -Clink-arg=-fuse-ld=mold, which every stage uses .*nativeBuildInputs' \
    fixture_build --argstr sourceDir "$dir" cargoConfig.baseline
}
