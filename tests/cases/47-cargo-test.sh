# shellcheck shell=bash
# The package's own tests as a workload (`cargoTest`, runTestProfile), on a program the
# demo set doesn't have (tests/fixtures/cargo-test, `word-freq`): a library and a binary
# of one crate name, and a dev-dependency that renames both in the tests' build, trained
# on its tests alone.

# profile_functions PROFILE: the function names of an indexed profile, one per line.
profile_functions() {
  "$(nix eval --impure --raw --expr '(import ./nix/toolchain/host.nix { }).llvmProfdata')" \
    show --all-functions "$1" | sed -n 's/^  \([^ ].*\):$/\1/p'
}

test_cargo_test_trains_the_program_and_the_profile_holds_only_its_functions() {
  local profile functions log
  profile=$(fixture_build cargoTests.program.profiles.tests | jq -r '.[0].outputs.out')
  functions=$(profile_functions "$profile")
  # The library's code, run by its unit tests and through the binary.
  echo "$functions" | has 'word_freq11frequencies' || fail "no record of word_freq::frequencies in $profile"
  # The binary's main, run by the integration test through CARGO_BIN_EXE_word-freq: the
  # binary cargo test builds is the program's, under the same symbols.
  echo "$functions" | has 'word_freq4main' || fail "no record of the binary's main in $profile"
  # What only the tests have is dropped: the test functions, the harness.
  if echo "$functions" | has -e 'counts_the_most_frequent_first' -e 'prints_the_top_words' -e '4test'; then
    fail "the profile kept the tests' own functions: $(echo "$functions" | grep -e 'most_frequent' -e 'top_words' -e '4test' | head -3)"
  fi
  log=$(nix log "$(fixture_eval cargoTests.program.profiles.tests.drvPath)")
  echo "$log" | has -E 'kept [0-9]+ of [0-9]+ functions' || fail "the log does not say what was kept"
  # The fixture's dev-dependency turns on memchr's std in the tests' build: Cargo compiles
  # memchr and word_freq there under other crate hashes than in the program. The records
  # above are the program's only because they were renamed to its symbols.
  echo "$log" | has -E 'functions \([^)]*\); [1-9][0-9]* of them renamed to the program.s symbols' ||
    fail "no record was renamed to the program's symbols: $(echo "$log" | grep 'kept')"
  # How many tests ran.
  echo "$log" | has -E '^test result: ok\. 3 passed' || fail "the log does not say how many tests ran"
  # The harness's threads, one test at a time, are no reason for the note on threads.
  if echo "$log" | has 'started threads'; then fail "the tests' profile warns of threads"; fi
}

test_cargo_test_profile_alone_is_not_stale_and_best_ships_it() {
  local optimized best
  # The binary and the library share the crate name word_freq; the tests' profile has the
  # library's records and few of the binary's. Before the fix the staleness check took the
  # binary's generic instances without data for the library's under other symbol hashes,
  # and failed optimized as "stale".
  optimized=$(fixture_build cargoTests.program.optimized | jq -r '.[0].outputs.out')
  jq -e '.stale_count == 0' "$optimized/nix-support/pgo-staleness.json" >/dev/null ||
    fail "optimized reads the tests' profile as stale: $(jq -c '{stale_count_percent, renamed_functions, moved_functions}' "$optimized/nix-support/pgo-staleness.json")"
  best=$(fixture_build cargoTests.program.best | jq -r '.[0].outputs.out')
  jq -e '.chosen' "$best/nix-support/choice.json" >/dev/null || fail "best chose nothing"
}

test_cargo_test_profile_rebuilds_bit_identically() {
  fixture_build cargoTests.program.profiles.tests >/dev/null
  nix build --impure --no-link --rebuild -f tests/fixtures cargoTests.program.profiles.tests ||
    fail "the tests' profile is not reproducible"
}

test_cargo_test_failure_names_the_test_and_how_to_skip_it() {
  expect_failure "counts_a_text_from_the_network" fixture_build cargoTests.failing
  expect_failure 'skip it with the workload.s cargoTest.testArgs = \[ "--skip" "<name>" \]' fixture_build cargoTests.failing
  expect_failure "Make the failing tests pass in the sandbox, or skip them" fixture_build cargoTests.failing
  # Not the hints for a script's workload: inputs, $PGO_INPUTS, the workload script.
  if fixture_build cargoTests.failing 2>&1 | has -e 'PGO_INPUTS' -e 'Fix the workload script'; then
    fail "the failure of a test gives a script workload's advice"
  fi
}

test_cargo_test_target_that_does_not_exist_is_cargos_error() {
  expect_failure "no test target named .no-such-target." fixture_build cargoTests.noSuchTarget
  expect_failure "cargo test failed with status" fixture_build cargoTests.noSuchTarget
}

test_cargo_test_filter_that_matches_no_test_fails() {
  # Each test binary writes a profile even when its filter left it nothing to run.
  expect_failure "no test ran: every test was filtered out or ignored" fixture_build cargoTests.filteredOut
  expect_failure "cargoTest.testArgs \\(no_such_test_name\\) match no test" fixture_build cargoTests.filteredOut
}

test_cargo_test_workload_in_release_provenance() {
  local release provenance
  release=$(fixture_build cargoTests.program.release | jq -r '.[0].outputs.out')
  provenance=$(tar -xzOf "$release"/word-freq-0.1.0-*.tar.gz --wildcards '*/provenance.json')
  echo "$provenance" | jq -e '.workloads.training[] | select(.name == "tests") | .cargo_test' >/dev/null ||
    fail "provenance.json has no cargo_test for the tests workload: $(echo "$provenance" | jq -c '.workloads')"
}
