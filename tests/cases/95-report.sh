# shellcheck shell=bash
# The report (nix/report/report.nix + nix-pgo report): the derivation's deterministic figures and
# a short interleaved timing run of the demo. Never asserts on time values, only on their
# presence: timings on a shared machine are not reproducible.

# The report derivation for the demo alone (tests/fixtures/demo.nix: the host toolchain).
report_drv() {
  nix build --impure --no-link --json --expr '
    let nixPgo = import ./nix { toolchain = import ./nix/toolchain/host.nix { }; };
    in nixPgo.report { programs.pulldown-cmark = import ./tests/fixtures/demo.nix; }' |
    jq -r '.[0].outputs.out'
}

test_report_data_holds_the_evaluation_and_the_timing_spec() {
  local drv evaluation data
  drv=$(report_drv)
  data=$drv/report-data.json
  evaluation=$(nix build --impure --no-link --json -f tests/fixtures/demo.nix evaluation | jq -r '.[0].outputs.out')
  jq -e --slurpfile e "$evaluation/evaluation.json" '.programs["pulldown-cmark"].evaluation == $e[0]' "$data" >/dev/null ||
    fail "report-data.json's evaluation is not the evaluation derivation's evaluation.json"
  jq -e '.programs["pulldown-cmark"] | .order == ["baseline", "optimized", "bolted"]
    and all(.variants[]; (.bins | length) > 0 and all(.bins[]; . > 0))
    and (.profile.fingerprint | length) == 64
    and .coverage.coverage_percent > 0
    and (.choice.chosen | IN("baseline", "optimized", "bolted"))
    and (.timing.workloads | keys) == ["cargo-changelog", "crate-changelogs"]
    and all(.timing.workloads[]; (.preload | endswith("libnix-pgo-fixed-random.so")) and (.inputs | length) > 0)' \
    "$data" >/dev/null || fail "report-data.json is incomplete: $(head -c 2000 "$data")"
  [ -x "$drv/bin/report" ] || fail "no bin/report in $drv"
}

test_report_times_every_variant_and_writes_json_markdown_and_svg() {
  local drv out
  drv=$(report_drv)
  out=$(mktemp -d)
  printf '# T\n<!-- report:start -->\nold\n<!-- report:end -->\nrest\n' >"$out/README.md"
  echo '[{"program": "pulldown-cmark", "stage": "baseline", "seconds": 12.5, "result": "reproducible"}]' >"$out/build-times.json"
  "$drv/bin/report" --out "$out" --rounds 3 --warmup 1 --min-sample-ms 100 --build-times "$out/build-times.json" --readme "$out/README.md"

  local r=$out/report.json data=$drv/report-data.json
  # Per workload a repeat count; per variant 3 samples; per non-baseline variant the 3
  # per-round ratios, their median inside its interval, and "~" exactly when the
  # interval contains 1 (values: only their presence and consistency, never their size).
  jq -e '.rounds == 3 and .warmup == 1 and .machine.nproc >= 1 and .min_sample_seconds == 0.1
    and .bootstrap.resamples == 10000 and .bootstrap.confidence == 0.95
    and (.programs | length) == 1
    and (.programs[0].workloads | map(.workload)) == ["cargo-changelog", "crate-changelogs"]
    and all(.programs[0].workloads[]; .repeats >= 1
      and (.variants | map(.variant)) == ["baseline", "optimized", "bolted"]
      and all(.variants[]; .median_run_seconds > 0 and (.samples_seconds | length) == 3 and all(.samples_seconds[]; . > 0))
      and .variants[0].time_ratio == null
      and all(.variants[1:][]; .time_ratio | (.ratios | length) == 3
        and .low <= .median and .median <= .high
        and .significant == (.low > 1 or .high < 1)))
    and .build_times[0].seconds == 12.5' "$r" >/dev/null ||
    fail "report.json lacks timings: $(jq -c '.programs[0].workloads' "$r")"
  # Instruction counts and estimated cycles are the evaluation's.
  jq -e --slurpfile d "$data" '
      [.programs[0].workloads[] | .workload as $w | .variants[] | "\($w)/\(.variant)=\(.instructions)/\(.estimated_cycles)"] | sort
      == ([$d[0].programs["pulldown-cmark"].evaluation.workloads[] | .workload as $w | .variants | to_entries[]
        | "\($w)/\(.key)=\(.value.instructions)/\(.value.estimated_cycles)"] | sort)' "$r" >/dev/null ||
    fail "report.json's instruction counts or estimated cycles differ from the evaluation's"
  # The choice is best's, and the report says it.
  jq -e --slurpfile d "$data" '.programs[0].choice == $d[0].programs["pulldown-cmark"].choice' "$r" >/dev/null ||
    fail "report.json's choice is not best's choice.json"
  grep -qE 'Shipped \(`best`\): \*\*(baseline|optimized|bolted)\*\*' "$out/report.md" || fail "report.md does not show best's choice"
  # The regression verdict: noRegression's rule on the same counts (the demo passes it).
  jq -e '.programs[0].regression_check | .tolerance_percent == 0 and .passed == true and .regressions == []' "$r" >/dev/null ||
    fail "report.json's regression verdict is not the demo's pass: $(jq -c '.programs[0].regression_check' "$r")"
  grep -q 'Regression check (`noRegression`): \*\*passed\*\*' "$out/report.md" || fail "report.md does not show the regression verdict"
  grep -q 'Regression check (`noRegression`): \*\*passed\*\*' "$out/README.md" || fail "the README section does not show the regression verdict"
  # The chart is well-formed XML and says how its numbers were measured.
  python3 -c 'import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])' "$out/pulldown-cmark.svg" ||
    fail "pulldown-cmark.svg is not well-formed XML"
  grep -q 'ratios from one interleaved run of 3 rounds' "$out/pulldown-cmark.svg" || fail "the chart lacks its note"
  # A table row per workload and variant: the ratio as a median with its interval, or "~"
  # with it; never a mean ± deviation.
  local w v
  for w in cargo-changelog crate-changelogs; do
    grep -qE "^\| $w \| baseline \| [0-9.]+ \| 1 \|" "$out/report.md" || fail "report.md has no row for $w/baseline"
    for v in optimized bolted; do
      grep -qE "^\| $w \| $v \| [0-9.]+ \| ([0-9.]+|~) \([0-9.]+–[0-9.]+\) \|" "$out/report.md" || fail "report.md has no row for $w/$v"
      grep -qE "^\| $w \| $v \|" "$out/README.md" || fail "the README section has no row for $w/$v"
    done
  done
  if grep -q '±' "$out/report.md"; then fail "report.md still shows a mean ± deviation"; fi
  { grep -q '^rest$' "$out/README.md" && ! grep -q '^old$' "$out/README.md"; } ||
    fail "the README's text outside the markers changed, or the old section stayed"
  rm -rf "$out"
}

test_report_readme_without_markers_fails_before_timing() {
  local drv out
  drv=$(report_drv)
  out=$(mktemp -d)
  echo '# no markers' >"$out/README.md"
  expect_failure "no \`<!-- report:start -->\` … \`<!-- report:end -->\` pair" \
    "$drv/bin/report" --out "$out" --rounds 2 --warmup 0 --readme "$out/README.md"
  [ ! -e "$out/report.json" ] || fail "the report ran although the README has no markers"
  rm -rf "$out"
}
