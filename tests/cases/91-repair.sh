# shellcheck shell=bash
# Repair before fallback (docs/never-slower.md), on grep-lite (bench/never-slower): a grep
# on the regex crate trained on English prose and evaluated on Rust source, where a variant
# executes more instructions than the baseline. The variant that regressed is repaired by
# a remedy that is measured not slower; a variant that passed (rhai-untrained's) is not
# rebuilt.

never_slower_fixture=tests/fixtures/never-slower.nix
ns_build() { nix build --impure --no-link --json -f "$never_slower_fixture" "$@" | jq -r '.[0].outputs.out'; }

# The variants (optimized, bolted) whose repair plan says they regressed.
regressed_variants() {
  local v plan
  for v in optimized bolted; do
    plan=$(ns_build "grep-lite.repairPlans.$v")
    [ "$(cat "$plan/verdict")" = regressed ] && echo "$v"
  done
  true
}

test_grep_lite_reproduces_a_regression_that_the_check_names() {
  local evaluation regressed
  evaluation=$(ns_build grep-lite.evaluation)
  jq -c '.workloads[] | {workload, v: (.variants | map_values(.instructions))}' "$evaluation/evaluation.json"
  regressed=$(regressed_variants)
  [ -n "$regressed" ] || fail "neither optimized nor bolted regressed on grep-lite: the reproduction no longer reproduces"
  # The plan agrees with the evaluation's counts, and names functions by callgrind's names.
  local v plan
  for v in $regressed; do
    jq -e --arg v "$v" 'any(.workloads[]; .variants[$v].instructions > .variants.baseline.instructions)' \
      "$evaluation/evaluation.json" >/dev/null || fail "the plan says $v regressed, the evaluation does not"
    plan=$(ns_build "grep-lite.repairPlans.$v")
    jq -e '(.grew | length) > 0 and (.executed | length) > (.grew | length) and .workloads == ["source-identifiers"]' \
      "$plan/plan.json" >/dev/null || fail "the plan for $v names no function or the wrong workload"
    # Names only: no count of the held-out workload is in the plan.
    jq -e '[.. | numbers] == []' "$plan/plan.json" >/dev/null || fail "the repair plan of $v carries numbers"
  done
}

test_a_regressing_variant_is_repaired_by_a_remedy_not_slower_than_baseline() {
  local evaluation regressed v remedy repaired best=""
  regressed=$(regressed_variants)
  [ -n "$regressed" ] || fail "nothing regressed: nothing to repair"
  evaluation=$(ns_build grep-lite.repairEvaluation)
  jq -c '.workloads[] | {workload, v: (.variants | map_values(.instructions))}' "$evaluation/evaluation.json"
  for v in $regressed; do
    for remedy in $(nix eval --impure --json -f "$never_slower_fixture" grep-lite.repaired --apply builtins.attrNames | jq -r '.[]'); do
      [[ $remedy == "$v"-* ]] || continue
      repaired=$(ns_build "grep-lite.repaired.$remedy")
      [ "$(cat "$repaired/nix-support/repair")" = applied ] || fail "$remedy was not applied though $v regressed"
      # Applied means rebuilt: not the regressing binary.
      cmp -s "$repaired/bin/grep-lite" "$(ns_build "grep-lite.$v")/bin/grep-lite" &&
        fail "$remedy is the same binary as the $v that regressed"
      if jq -e --arg r "$remedy" 'all(.workloads[]; .variants[$r].instructions <= .variants.baseline.instructions)' \
        "$evaluation/evaluation.json" >/dev/null; then
        best+=" $remedy"
      fi
    done
  done
  echo "remedies not slower than baseline anywhere:${best:- none}"
  [ -n "$best" ] || fail "no remedy of ${regressed//$'\n'/, } is as fast as baseline on every evaluation workload"
}

test_a_variant_that_passed_is_not_rebuilt_by_its_remedies() {
  # rhai-untrained (bench/never-slower): under nix-pgo's default flags neither optimized
  # nor bolted regresses on its held-out scripts, so no remedy may be built: each is its
  # variant's binaries, copied.
  local v plan remedy repaired bin
  for v in optimized bolted; do
    plan=$(ns_build "rhai-untrained.repairPlans.$v")
    [ "$(cat "$plan/verdict")" = passed ] || fail "rhai-untrained's $v regressed: $(cat "$plan/plan.json")"
    jq -e '.regressed == false and .grew == [] and .executed == []' "$plan/plan.json" >/dev/null ||
      fail "the plan of $v, which passed, names functions"
  done
  for remedy in $(nix eval --impure --json -f "$never_slower_fixture" rhai-untrained.repaired --apply builtins.attrNames | jq -r '.[]'); do
    v=${remedy%%-*}
    repaired=$(ns_build "rhai-untrained.repaired.$remedy")
    [ "$(cat "$repaired/nix-support/repair")" = not-needed ] || fail "$remedy was applied though $v passed"
    for bin in rhai-run grain-compile grain-dump; do
      cmp "$repaired/bin/$bin" "$(ns_build "rhai-untrained.$v")/bin/$bin" || fail "$remedy's $bin is not $v's"
    done
  done
  # Nor does optimized-broad run the broad workloads: their profiles and the merge say
  # not-needed and hold no profile (-mindepth 1: a workload profile's output is itself
  # named *.profdata).
  local broad profile
  broad=rhai-untrained.repaired.optimized-broad.profile
  for profile in $broad $(nix eval --impure --json -f "$never_slower_fixture" "$broad.profiles" --apply builtins.attrNames |
    jq -r '.[] | select(startswith("broad-"))' | sed "s/^/$broad.profiles./"); do
    repaired=$(ns_build "$profile")
    if [ "$(cat "$repaired/nix-support/repair" 2>/dev/null)" != not-needed ] || [ -n "$(find "$repaired" -mindepth 1 -name '*.profdata')" ]; then
      fail "$profile was made though optimized passed: $(ls -R "$repaired")"
    fi
  done
  # Not built means no cargo run: the remedy's derivation has no dependency build either.
  nix-store --query --references "$(nix eval --impure --raw -f "$never_slower_fixture" rhai-untrained.repaired.optimized-no-pgso.drvPath)" |
    has -- '-deps-' && fail "a remedy depends on a dependency build, which would be built whether it is needed or not"
  true
}

test_repairs_refuses_a_remedy_the_package_cannot_try() {
  expect_failure "repairs names optimized-broad, which this package can't try" \
    nix eval --impure --raw -f tests/fixtures/rhai.nix \
    --apply 'p: (p.override { repairs = [ "optimized-broad" ]; }).repaired.optimized-broad.drvPath'
}

test_best_ships_a_variant_never_slower_than_baseline_and_not_one_that_regressed() {
  local best regressed chosen
  regressed=$(regressed_variants)
  [ -n "$regressed" ] || fail "nothing regressed on grep-lite: the reproduction no longer reproduces"
  best=$(ns_build grep-lite.best)
  jq -c '{chosen, candidates: [.candidates[] | {variant, geomean_ratio}], dropped: [.dropped[].variant]}' "$best/nix-support/choice.json"
  chosen=$(jq -r .chosen "$best/nix-support/choice.json")
  grep -qxF "$chosen" <<<"$regressed" && fail "best ships $chosen, which regressed"
  # Its counts, per workload, are the baseline's or fewer.
  jq -e '.chosen as $c | .candidates[] | select(.variant == $c) | all(.workloads[]; .instructions <= .baseline_instructions)' \
    "$best/nix-support/choice.json" >/dev/null || fail "best ships $chosen, slower than baseline on a workload"
  # The remedies were candidates, and one of them is better than falling back to baseline.
  jq -e '[.candidates[].variant] | any(startswith("optimized-") or startswith("bolted-"))' "$best/nix-support/choice.json" >/dev/null ||
    fail "no remedy was a candidate of best"
  [ "$chosen" != baseline ] || fail "best fell back to baseline: no remedy repaired the regression"
}
