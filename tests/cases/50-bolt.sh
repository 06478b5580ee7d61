# shellcheck shell=bash
# BOLT on top of PGO: the stage graph, same behaviour, reproducible and self-contained
# output, and clear errors for bad input.

test_bolt_stages_form_a_chain_from_the_pgo_profile() {
  local bolted boltProfile instrumented input w wdrv
  bolted=$(drv_path host.bolted)
  boltProfile=$(drv_path host.bolt-profile)
  instrumented=$(drv_path host.bolt-instrumented)
  input=$(drv_path host.bolt-input)
  input_drvs "$bolted" | has -xF "$boltProfile" || fail "bolted does not take the merged BOLT profile"
  input_drvs "$bolted" | has -xF "$input" || fail "bolted does not rewrite the bolt input"
  input_drvs "$bolted" | has -xF "$instrumented" && fail "bolted depends on bolt-instrumented directly"
  for w in $(nix eval --impure --json .#host.boltProfiles --apply builtins.attrNames | jq -r '.[]'); do
    wdrv=$(drv_path "host.boltProfiles.$w")
    input_drvs "$boltProfile" | has -xF "$wdrv" || fail "the BOLT profile does not take workload '$w'"
    input_drvs "$wdrv" | has -xF "$instrumented" || fail "BOLT workload '$w' does not run bolt-instrumented"
  done
  input_drvs "$instrumented" | has -xF "$input" || fail "bolt-instrumented does not instrument the bolt input"
  # The bolt input is the PGO build: it takes the merged PGO profile.
  input_drvs "$input" | has -xF "$(drv_path host.profile)" || fail "the bolt input is not built with the PGO profile"
  # (Its link flags go to the binaries alone, linkRustflags, so its RUSTFLAGS and its
  # dependency build are optimized's.)
  drv_attrs "$input" | jq -r '.linkRustflags' | has -- '--emit-relocs' || fail "the bolt input is not linked with --emit-relocs"

  local closure stage
  closure=$(nix-store --query --requisites "$(drv_path host.baseline)")
  echo "$closure" | has -- '-bolt' && fail "baseline depends on a BOLT stage"
  closure=$(nix-store --query --requisites "$(drv_path host.optimized)")
  echo "$closure" | has -- '-bolt' && fail "optimized depends on a BOLT stage"
  true
}

test_bolt_bolted_prints_what_baseline_prints() {
  local evaluation
  # The evaluation fails by itself if any variant's output differs from baseline's.
  evaluation=$(out_path .#host.evaluation)
  compare_variant "$evaluation" bolted
}

test_bolt_stages_rebuild_bit_identically() {
  local stage
  out_path .#host.bolted >/dev/null
  for stage in bolt-instrumented bolt-profile bolted \
    $(nix eval --impure --json .#host.boltProfiles --apply builtins.attrNames | jq -r '"boltProfiles." + .[]'); do
    echo "rebuilding $stage"
    nix build --impure --rebuild --no-link ".#host.$stage" || fail "$stage is not reproducible"
  done
}

test_bolt_bolted_refers_to_no_earlier_stage() {
  # llvm-bolt records its command line (input and profile paths) in .note.bolt_info unless
  # told not to; the binary must not keep the bolt input or the profile alive.
  local bolted refs
  bolted=$(out_path .#host.bolted)
  refs=$(nix-store --query --references "$bolted" | grep -vxF "$bolted" || true)
  [ -z "$refs" ] || fail "bolted refers to: $refs"
  if grep -c /nix/store "$bolted/bin/pulldown-cmark"; then fail "a store path is written in bolted's binary"; fi
  local sections
  sections=$(readelf -SW "$bolted/bin/pulldown-cmark")
  grep -q bolt_info <<<"$sections" && fail "bolted has a .note.bolt_info section"
  grep -q '\.bolt\.org\.text' <<<"$sections" || fail "bolted was not rewritten by BOLT"
  grep -E 'BOLT-INFO: [0-9]+ out of [0-9]+ functions .* have non-empty execution profile' "$bolted/nix-support/bolt-pulldown-cmark.log" ||
    fail "llvm-bolt's report does not say how much of the binary the profile covers"
}

test_bolt_input_without_relocations_is_refused() {
  expect_failure "has no relocations .*\.rela\.text" fixture_build boltInputWithoutRelocations
  expect_failure "emit-relocs" fixture_build boltInputWithoutRelocations
}

test_bolt_llvm_bolt_of_another_llvm_is_refused() {
  expect_failure 'llvm-bolt .*LLVM 14.*rustc.*LLVM 22' fixture_build wrongLlvmBolt
}

test_bolt_empty_fdata_is_refused() {
  expect_failure "workload 'empty-fdata': pulldown-cmark\.[0-9]+\.fdata is empty" fixture_build boltEmptyFdata
}

test_bolt_workload_that_never_runs_the_binary_is_refused() {
  expect_failure "workload 'no-binary' exited 0 but wrote no BOLT profile data" fixture_build boltWorkloadWithoutBinary
}

test_bolt_false_skips_the_bolt_stages() {
  [ "$(nix eval --impure -f tests/fixtures withoutBolt.bolted)" = null ] || fail "bolt = false still has a bolted stage"
  [ "$(nix eval --impure --json -f tests/fixtures withoutBolt.evaluation.passthru.variants --apply builtins.attrNames)" = '["baseline","optimized"]' ] ||
    fail "bolt = false still evaluates bolted"
  expect_failure "boltOptions or boltInstrumentOptions is set but bolt = false" fixture_eval boltOptionsWithoutBolt.optimized.drvPath
}
