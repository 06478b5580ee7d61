# shellcheck shell=bash
# A Cargo workspace as users have them (tests/fixtures/workspace: virtual, default members,
# inherited version, package names unlike their binaries', cargo-dist's [profile.dist]):
# binaries of several members in one package, and a custom Cargo profile in every stage.

test_binaries_of_several_workspace_members_build_with_workspace() {
  local workspace status=0
  workspace=$(fixture_build workspaceAllMembers | jq -r '.[0].outputs.out')
  [ "$(seq 3 | "$workspace/bin/count") $(seq 3 | "$workspace/bin/count-stats")" = "3 6" ] ||
    fail "with --workspace, the two members' binaries were not built: $(ls "$workspace/bin")"
  # The release profile: a panic unwinds and exits with 101.
  "$workspace/bin/count" --panic 2>/dev/null || status=$?
  [ "$status" = 101 ] || fail "the release build's panic exited with $status, not 101"
}

test_a_custom_cargo_profile_is_what_every_stage_builds_with() {
  # [profile.dist] has panic = "abort": every variant's panic aborts (SIGABRT, 134 in a shell).
  local variant out status optimized
  for variant in baseline optimized bolted; do
    out=$(fixture_build "workspaceDist.$variant" | jq -r '.[0].outputs.out')
    [ "$variant" = optimized ] && optimized=$out
    status=0
    "$out/bin/count" --panic 2>/dev/null || status=$?
    [ "$status" = 134 ] || fail "$variant, built with cargoProfile = \"dist\", exited with $status on a panic, not 134 (abort)"
  done
  # The profile was used, and pgoLto set that profile's lto.
  jq -e '.coverage_percent > 0' "$optimized/nix-support/pgo-coverage.json" >/dev/null ||
    fail "the dist build's optimized has no profile coverage"
  drv_attrs "$(fixture_eval workspaceDist.instrumented.drvPath)" | jq -e '.env.CARGO_PROFILE_DIST_LTO == "fat"' >/dev/null ||
    fail "pgoLto did not set CARGO_PROFILE_DIST_LTO"
}
