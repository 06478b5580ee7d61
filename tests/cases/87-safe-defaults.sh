# shellcheck shell=bash
# Safe defaults (docs/safe-defaults.md): PGO must not make untrained code slower than the
# baseline. The study package (bench/pulldown-cmark-coldcode) trains pulldown-cmark on
# parsing prose only and evaluates it on that and on a held-out part (code blocks rendered
# to HTML). With the plain options the held-out workload regresses; with the recommended
# default it does not, and the trained gain stays.

coldcode_build() {
  nix build --impure --no-link --json --print-build-logs -f bench/pulldown-cmark-coldcode "$@"
}

test_safe_defaults_plain_options_regress_on_held_out_code() {
  expect_failure "workload 'heldout-code': optimized executes [0-9]+ instructions, \+[0-9.]+% over baseline" \
    coldcode_build noRegression
}

test_safe_defaults_recommended_default_removes_the_regression_and_keeps_the_trained_gain() {
  local report
  report=$(coldcode_build recommended.noRegression | jq -r '.[0].outputs.out')
  jq -c '.[] | {workload, variant, change_percent, regression}' "$report"
  jq -e 'all(.[]; .regression == false)' "$report" >/dev/null ||
    fail "the recommended default still regresses"
  # The trained workload keeps (most of) its gain: at least 10% fewer instructions.
  jq -e '.[] | select(.workload == "trained-parse") | .change_percent < -10' "$report" >/dev/null ||
    fail "the recommended default lost the trained gain"
}
