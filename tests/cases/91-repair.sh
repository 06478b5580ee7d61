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

test_the_release_of_a_repaired_variant_names_the_profile_it_was_compiled_with() {
  # grep-lite's best ships a remedy; its release must name the remedy's profile (not the
  # package's, which the shipped binary was not compiled with) and the broad workloads.
  local best chosen release archive dir provenance profile package_profile
  best=$(ns_build grep-lite.best)
  chosen=$(jq -r .chosen "$best/nix-support/choice.json")
  case $chosen in
    optimized-*) ;;
    *) fail "grep-lite's best ships $chosen, not an optimized remedy: the reproduction no longer exercises this" ;;
  esac
  release=$(ns_build grep-lite.release)
  archive=$release/grep-lite-0.1.0-x86_64-linux.tar.gz
  dir=$(mktemp -d)
  tar -xzf "$archive" -C "$dir"
  provenance=$dir/grep-lite-0.1.0-x86_64-linux/provenance.json
  jq '{shipped: (.shipped | del(.choice)), profile: .profile.store_path, broad: .workloads.broad}' "$provenance"
  profile=$(nix eval --impure --raw -f "$never_slower_fixture" "grep-lite.repaired.$chosen.profile.outPath")
  package_profile=$(ns_build grep-lite.profile)
  jq -e --arg chosen "$chosen" --arg profile "$profile" --arg nar "$(nix hash path "$profile")" \
    --arg fingerprint "$(jq -r .fingerprint "$profile/nix-support/profile.json")" --arg package "$package_profile" '
      .format == 2 and .shipped.variant == $chosen
      and .shipped.remedy == { name: $chosen, applied: true }
      and .shipped.profile == { store_path: $profile, nar_hash: $nar, fingerprint: $fingerprint }
      and .shipped.bolt_profile == null
      and .profile.store_path == $package and $package != $profile' "$provenance" >/dev/null ||
    fail "provenance.json does not name the profile $chosen was compiled with ($profile)"
  # The broad workloads, with the NAR hashes nix computes.
  diff <(jq -r '.workloads.broad[].name' "$provenance") \
    <(find bench/never-slower/grep-lite/pgo/broad -name '*.sh' -printf '%f\n' | sed 's/\.sh$//' | LC_ALL=C sort) ||
    fail "provenance.json's broad workloads are not grep-lite's"
  jq -r '.workloads.broad[].script | "\(.store_path) \(.nar_hash)"' "$provenance" | while read -r path hash; do
    [ "$(nix hash path "$path")" = "$hash" ] || fail "$path: provenance.json's NAR hash is not nix's"
  done
  "$(out_path .#host.helper)/bin/nix-pgo" verify-release "$archive" | tee /dev/stderr |
    has "variant $chosen, profile fingerprint $(jq -r .fingerprint "$profile/nix-support/profile.json")" ||
    fail "verify-release does not name the shipped binary's profile"
}

test_bolted_is_stripped_when_the_package_strips() {
  # The bolt input keeps the symbols llvm-bolt needs whatever the package says; bolted
  # strips them again when the package does, and only then.
  local stripped plain sections
  stripped=$(ns_build grep-lite-stripped.bolted)
  plain=$(ns_build grep-lite.bolted)
  has -x 'grep-lite symbols' <"$(ns_build grep-lite-stripped.bolted.passthru.boltInput)/nix-support/package-strip" ||
    fail "the bolt input does not record that the package strips"
  has -x 'grep-lite debuginfo' <"$(ns_build grep-lite.bolted.passthru.boltInput)/nix-support/package-strip" ||
    fail "the bolt input does not record grep-lite's own strip setting (cargo's release default)"
  sections=$(readelf -SW "$stripped/bin/grep-lite")
  has -F '.bolt.org.text' <<<"$sections" || fail "stripped grep-lite's bolted was not rewritten by BOLT"
  ! has -F '.symtab' <<<"$sections" || fail "bolted keeps the symbols the package strips"
  readelf -SW "$plain/bin/grep-lite" | has -F '.symtab' || fail "bolted lost the symbols of a package that keeps them"
  # The stripped binary still runs, and finds what the unstripped one finds.
  diff <("$stripped/bin/grep-lite" -c 'fn\s+\w+' tests/cases/91-repair.sh) \
    <("$plain/bin/grep-lite" -c 'fn\s+\w+' tests/cases/91-repair.sh) || fail "the stripped bolted binary's output differs"
  echo "bolted: $(stat -c %s "$plain/bin/grep-lite") bytes, stripped $(stat -c %s "$stripped/bin/grep-lite")"
}

test_a_package_that_strips_its_symbols_gets_best_without_the_remedy_that_needs_them() {
  # With `strip = true` the plan names the functions that grew by address, so
  # optimized-unprofiled can't be made: it says why and copies optimized, and best, the
  # release and the other remedies still build (they failed before).
  local plan profile repaired best chosen release
  plan=$(ns_build grep-lite-stripped.repairPlans.optimized)
  [ "$(cat "$plan/verdict")" = regressed ] || fail "stripped grep-lite's optimized did not regress: nothing to repair"
  jq -e '.grew | length > 0 and all(test("^0x[0-9a-f]+$"))' "$plan/plan.json" >/dev/null ||
    fail "the plan names functions though the binaries have no symbols: $(jq -c .grew "$plan/plan.json")"
  profile=$(ns_build grep-lite-stripped.repaired.optimized-unprofiled.profile)
  has 'no symbol table' <"$profile/nix-support/not-applicable" || fail "the unprofiled profile does not say why it can't be made"
  has -- '-Cstrip=debuginfo' <"$profile/nix-support/not-applicable" || fail "the unprofiled profile does not say how to keep the symbols"
  repaired=$(ns_build grep-lite-stripped.repaired.optimized-unprofiled)
  [ "$(cat "$repaired/nix-support/repair")" = not-applicable ] || fail "optimized-unprofiled is not marked not-applicable"
  cmp "$repaired/bin/grep-lite" "$(ns_build grep-lite-stripped.optimized)/bin/grep-lite" || fail "the remedy that can't apply is not optimized, copied"
  best=$(ns_build grep-lite-stripped.best)
  chosen=$(jq -r .chosen "$best/nix-support/choice.json")
  echo "best ships $chosen"
  [ "$chosen" != optimized-unprofiled ] || fail "best ships the remedy that could not be made"
  release=$(ns_build grep-lite-stripped.release)
  tar -xzOf "$release"/grep-lite-0.1.0-x86_64-linux.tar.gz grep-lite-0.1.0-x86_64-linux/provenance.json |
    jq -e --arg chosen "$chosen" '.shipped.variant == $chosen' >/dev/null || fail "the release does not ship best's $chosen"
}
