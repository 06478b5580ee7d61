# shellcheck shell=bash
# Never slower than the baseline: the regression check over the evaluation workloads.

test_regression_check_passes_on_the_demo() {
  local report
  report=$(nix build --impure --no-link --json -f tests/fixtures/demo.nix noRegression | jq -r '.[0].outputs.out')
  jq -c '.[] | {workload, variant, change_percent, regression}' "$report"
  jq -e 'length >= 2 and all(.[]; .regression == false)' "$report" >/dev/null ||
    fail "the demo's regression check reports a regression"
}

test_regression_check_fails_on_a_constructed_regression_naming_workload_and_functions() {
  expect_failure "workload 'cargo-changelog': optimized executes [0-9]+ instructions, \+[0-9.]+% over baseline" \
    fixture_build swappedRegression
  # The functions that got more expensive are named, with their instruction counts.
  expect_failure "\+[0-9]+ pulldown_cmark::.* \([0-9]+ -> [0-9]+\)" fixture_build swappedRegression
}
