# shellcheck shell=bash
# rhai (examples/rhai): a multi-binary package (rhai-run, grain-compile, grain-dump)
# built with non-default features (`grain`, `internals`). Every binary must be built and
# installed by every stage and run by the workloads; the features must reach every cargo
# stage; PGO must not change what it prints and must make it execute fewer instructions.

rhai_fixture=tests/fixtures/rhai.nix
rhai_build() { nix build --impure --no-link --json -f "$rhai_fixture" "$@" | jq -r '.[0].outputs.out'; }
rhai_eval() { nix eval --impure --raw -f "$rhai_fixture" "$@"; }
rhai_bins=(rhai-run grain-compile grain-dump)

test_rhai_optimized_prints_what_baseline_prints_in_fewer_instructions() {
  local evaluation
  # The evaluation fails by itself if a variant's output differs from baseline's.
  evaluation=$(rhai_build evaluation)
  compare_variant "$evaluation" optimized fewer
}

test_rhai_bolted_prints_what_baseline_prints() {
  local evaluation bolted bin
  evaluation=$(rhai_build evaluation)
  compare_variant "$evaluation" bolted
  bolted=$(rhai_build bolted)
  for bin in "${rhai_bins[@]}"; do
    grep -qF '.bolt.org.text' <(readelf -SW "$bolted/bin/$bin") || fail "bolted $bin was not rewritten by BOLT"
    grep -E 'BOLT-INFO: [0-9]+ out of [0-9]+ functions .* have non-empty execution profile' "$bolted/nix-support/bolt-$bin.log" ||
      fail "llvm-bolt's report does not say how much of $bin the profile covers"
  done
}

test_rhai_every_bin_is_built_and_installed_in_every_stage() {
  local attr out bin
  for attr in baseline instrumented optimized boltInput boltInstrumented bolted; do
    out=$(rhai_build "$attr")
    for bin in "${rhai_bins[@]}"; do
      [ -x "$out/bin/$bin" ] || fail "$attr has no bin/$bin"
    done
  done
  # Every binary ran in training: each has PGO profile data and a BOLT profile.
  local profile coverage
  out=$(rhai_build optimized)
  coverage=$out/nix-support/pgo-coverage.json
  profile=$(rhai_build boltProfile)
  for bin in "${rhai_bins[@]}"; do
    [ -s "$profile/$bin.fdata" ] || fail "the BOLT profile has no data for $bin"
    [ "$(wc -l <"$profile/$bin.fdata")" -gt 100 ] || fail "the BOLT profile of $bin has under 100 lines"
  done
  [ -s "$coverage" ] || fail "optimized has no coverage report"
}

test_rhai_features_reach_every_cargo_stage() {
  # The PGO and BOLT profiles name functions by their symbols: the feature set, which
  # decides what code there is, must be the same in every cargo stage.
  local attr drv flags bin
  for attr in baseline instrumented optimized boltInput; do
    drv=$(rhai_eval "$attr.drvPath")
    flags=$(drv_attrs "$drv" | jq -r '.cargoFlags | join(" ")')
    echo "$attr: $flags"
    grep -qF -- '--features grain,internals' <<<"$flags" || fail "$attr is not built with --features grain,internals"
    for bin in "${rhai_bins[@]}"; do
      grep -qF -- "--bin $bin " <<<"$flags " || fail "$attr does not build $bin"
    done
  done
}

test_rhai_grain_feature_is_what_the_workloads_run() {
  # With `grain`, rhai-run runs a .rgrn file with the bytecode VM; without it, it would
  # parse the bytecode as a script and fail. The optimized binaries compile, disassemble
  # and run a script, and the VM prints what the tree-walking interpreter prints.
  local out dir
  out=$(rhai_build optimized)
  dir=$(mktemp -d)
  printf 'fn f(n) { if n < 2 { n } else { f(n - 1) + f(n - 2) } }\nlet xs = [];\nfor i in 0..15 { xs.push(f(i)); }\nprint(xs);\n' >"$dir/fib.rhai"
  (
    cd "$dir" &&
      "$out/bin/grain-compile" fib.rhai fib.rgrn >/dev/null &&
      "$out/bin/grain-dump" fib.rgrn | has '^fn f(n)' &&
      [ "$("$out/bin/rhai-run" fib.rgrn 2>&1)" = "$("$out/bin/rhai-run" fib.rhai 2>&1)" ] &&
      [ "$("$out/bin/rhai-run" fib.rgrn 2>&1)" = "[0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377]" ]
  ) || fail "the optimized grain tools do not compile, dump and run a script"
  rm -rf "$dir"
}

test_rhai_profiles_bolted_and_evaluation_rebuild_bit_identically() {
  # rhai's example scripts print their run time; reading the clock took time-dependent
  # branches in rhai, so two builds of a profile differed in a few counters, the BOLT
  # profile and so `bolted` from build to build, and the evaluation's counts of the held-out
  # examples too. The workloads print a fixed text instead (examples/rhai/*/examples.sh).
  local attr
  rhai_build bolted >/dev/null
  for attr in $(nix eval --impure --json -f "$rhai_fixture" profiles --apply builtins.attrNames | jq -r '"profiles." + .[]') profile \
    $(nix eval --impure --json -f "$rhai_fixture" boltProfiles --apply builtins.attrNames | jq -r '"boltProfiles." + .[]') boltProfile bolted \
    evaluation.workloads.examples.runs.baseline; do
    echo "rebuilding $attr"
    nix build --impure --no-link --rebuild -f "$rhai_fixture" "$attr" || fail "rhai's $attr is not reproducible"
  done
}
