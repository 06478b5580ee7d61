# shellcheck shell=bash
# Never slower than the baseline: the regression check over the evaluation workloads.

test_regression_check_passes_on_the_demo() {
  local report
  report=$(nix build --impure --no-link --json -f tests/fixtures/demo.nix noRegression | jq -r '.[0].outputs.out')
  jq -c '.[] | {workload, variant, change_percent, estimated_cycles_change_percent, regression}' "$report"
  jq -e 'length >= 2 and all(.[]; .regression == false)' "$report" >/dev/null ||
    fail "the demo's regression check reports a regression"
}

test_regression_check_fails_on_a_constructed_regression_naming_workload_and_functions() {
  expect_failure "workload 'cargo-changelog': optimized executes [0-9]+ instructions, \+[0-9.]+% over baseline" \
    fixture_build swappedRegression
  # The functions that got more expensive are named, with their instruction counts.
  expect_failure "\+[0-9]+ pulldown_cmark::.* \([0-9]+ -> [0-9]+\)" fixture_build swappedRegression
}

test_best_ships_the_fastest_variant_of_the_demo_bit_identical() {
  local best chosen
  best=$(nix build --impure --no-link --json -f tests/fixtures/demo.nix best | jq -r '.[0].outputs.out')
  jq -c '{chosen, candidates: [.candidates[] | {variant, geomean_ratio}], dropped}' "$best/nix-support/choice.json"
  chosen=$(jq -r .chosen "$best/nix-support/choice.json")
  # The demo's PGO variants win on every evaluation workload: nothing is dropped, and the
  # chosen one has the lowest geometric mean. (Nothing regressed, so its remedies, copies,
  # are not candidates: docs/never-slower.md.)
  jq -e '.dropped == [] and (.candidates | length) == 3 and
    .chosen == (.candidates | min_by(.geomean_ratio) | .variant) and .chosen != "baseline"' \
    "$best/nix-support/choice.json" >/dev/null || fail "best did not choose the fastest PGO variant of the demo"
  # A copy of the chosen binary, not a link into another store path.
  [ -L "$best/bin/pulldown-cmark" ] && fail "best's binary is a symlink"
  cmp "$best/bin/pulldown-cmark" "$(nix eval --impure --raw -f tests/fixtures/demo.nix "$chosen.outPath")/bin/pulldown-cmark" ||
    fail "best's binary is not $chosen's"
}

test_best_ships_a_variant_that_does_not_lose_on_an_added_held_out_workload() {
  local best choice chosen evaluation log losers v
  best=$(fixture_build heldOutLoss.best | jq -r '.[0].outputs.out')
  choice=$best/nix-support/choice.json
  jq -c '{chosen, candidates: [.candidates[] | {variant, geomean_ratio}], dropped: [.dropped[] | {variant, reason}]}' "$choice"
  chosen=$(jq -r .chosen "$choice")
  # What best reads: every variant and remedy (repairs, docs/never-slower.md) against one
  # baseline run.
  evaluation=$(fixture_build heldOutLoss.repairEvaluation | jq -r '.[0].outputs.out')/evaluation.json
  # The profile loses on the added workload, in instructions or estimated cycles (else
  # this test tests nothing) ...
  losers=$(jq -r '.workloads[] | select(.workload == "json-strings") | .variants.baseline as $b
    | .variants | to_entries[]
    | select(.value.instructions > $b.instructions or .value.estimated_cycles > $b.estimated_cycles) | .key' "$evaluation")
  echo "variants that lose on json-strings: $losers"
  [ -n "$losers" ] || fail "no variant loses on the added workload json-strings"
  # ... and what best ships doesn't lose on it, nor on any other workload, in either cost.
  jq -e --arg v "$chosen" '.workloads | length == 3 and all(.[]; .variants.baseline as $b | .variants[$v]
    | .instructions <= $b.instructions and .estimated_cycles <= $b.estimated_cycles)' "$evaluation" >/dev/null ||
    fail "best shipped '$chosen', which costs more than baseline on a workload"
  # Each losing variant is dropped, with a warning that says why.
  log=$(nix log "$best")
  for v in $losers; do
    jq -e --arg v "$v" 'any(.dropped[]; .variant == $v)' "$choice" >/dev/null || fail "$v loses but was not dropped"
    echo "$log" | has -E "warning: not shipping '$v': on workload 'json-strings' it (executes [0-9]+ instructions|costs [0-9]+ estimated cycles), \+[0-9.]+% over baseline" ||
      fail "no warning that $v was dropped for json-strings"
  done
  # A remedy is at repaired.<remedy>.
  local attr=$chosen
  case $chosen in baseline | optimized | bolted) ;; *) attr=repaired.$chosen ;; esac
  cmp "$best/bin/pulldown-cmark" "$(fixture_eval "heldOutLoss.$attr.outPath")/bin/pulldown-cmark" ||
    fail "best's binary is not $chosen's"
  # noRegression stays a check that fails: best never needed it to pass.
  expect_failure "workload 'json-strings': (optimized|bolted) executes" fixture_build heldOutLoss.noRegression
}
