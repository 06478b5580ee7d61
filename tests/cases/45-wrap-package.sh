# shellcheck shell=bash
# wrapPackage (nix/wrapPackage.nix): PGO for a package built with buildRustPackage or
# crane. The packages are shaped like theirs around the demo's baseline (tests/fixtures,
# "wrapped"): nixpkgs and crane can't be fetched on this machine.

test_wrapping_a_build_rust_package_builds_the_same_program() {
  # Same source, lock, flags and workloads as the demo: the same derivations, so wrapping
  # costs nothing when nothing differs.
  local attr
  for attr in baseline instrumented profile optimized bolted; do
    [ "$(fixture_eval "wrapped.buildRustPackage.$attr.drvPath")" = "$(nix eval --impure --raw -f tests/fixtures/demo.nix "$attr.drvPath")" ] ||
      fail "the wrapped package's $attr is not the demo's"
  done
}

test_wrapped_package_keeps_main_program_meta_and_passthru() {
  local attr
  for attr in optimized bolted baseline; do
    [ "$(fixture_eval "wrapped.buildRustPackage.$attr.meta.mainProgram")" = pulldown-cmark ] || fail "$attr lost meta.mainProgram"
    [ "$(fixture_eval "wrapped.buildRustPackage.$attr.meta.description")" = "A pull parser for CommonMark" ] || fail "$attr lost meta.description"
    [ "$(fixture_eval "wrapped.buildRustPackage.$attr.passthru.tests.help")" = "a passthru attribute" ] || fail "$attr lost passthru"
    [ "$(fixture_eval "wrapped.buildRustPackage.$attr.tests.help")" = "a passthru attribute" ] || fail "$attr lost its passthru attributes"
  done
  # The stage's own passthru stays.
  fixture_eval wrapped.buildRustPackage.optimized.profile.drvPath >/dev/null || fail "optimized lost passthru.profile"
}

test_wrapping_a_crane_package_takes_its_cargo_flags() {
  local attr flags
  for attr in baseline instrumented optimized boltInput; do
    flags=$(drv_attrs "$(fixture_eval "wrapped.crane.$attr.drvPath")" | jq -r '.cargoFlags | join(" ")')
    grep -q -- '--features simd' <<<"$flags" || fail "$attr of the crane package is built without its --features simd: $flags"
  done
  [ "$(fixture_eval wrapped.crane.optimized.meta.mainProgram)" = pulldown-cmark ] || fail "lost meta.mainProgram"
  # crane's CARGO_PROFILE is the profile every stage builds with.
  for attr in baseline instrumented optimized boltInput; do
    flags=$(drv_attrs "$(fixture_eval "wrapped.craneDist.$attr.drvPath")" | jq -r '.cargoFlags | join(" ")')
    grep -q -- '--profile dist' <<<"$flags" || fail "$attr of the crane package with CARGO_PROFILE = \"dist\" is built without --profile dist: $flags"
  done
}

test_wrapped_package_refusals_say_what_to_do() {
  expect_failure 'buildAndTestSubdir.*pass `package' fixture_eval wrapped.subdirWithoutPackage.optimized.drvPath
  # Every stage that would run BOLT says so; PGO alone (optimized) needs no ELF.
  local attr
  for attr in bolted boltInput evaluation; do
    expect_failure 'BOLT rewrites ELF binaries \(Linux\) only.*aarch64-darwin.*bolt = false' fixture_eval "wrapped.darwin.$attr.drvPath"
  done
  fixture_eval wrapped.darwin.optimized.name >/dev/null || fail "optimized is refused on macOS although it needs no BOLT"
}

test_wrapped_package_tests_run_with_its_check_phase_settings() {
  # nixpkgs' cargoTestFlags and checkFlags, crane's cargoTestExtraArgs; the workload's own win.
  local expected attr got
  declare -A expected=(
    [buildRustPackage]='{"testCargoArgs":["--lib"],"testHarnessArgs":["--skip=slow"]}'
    [crane]='{"testCargoArgs":["--test","html"],"testHarnessArgs":["--skip=x","--exact"]}'
    [ownSettings]='{"testCargoArgs":[],"testHarnessArgs":[]}'
  )
  for attr in "${!expected[@]}"; do
    got=$(drv_attrs "$(fixture_eval "wrapped.withTests.$attr.profiles.tests.drvPath")" | jq -c '{testCargoArgs, testHarnessArgs}')
    [ "$got" = "${expected[$attr]}" ] || fail "$attr: the tests run with $got, expected ${expected[$attr]}"
  done
}
