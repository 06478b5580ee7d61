# shellcheck shell=bash
# Cheap instrumentation (docs/cheap-instrumentation.md): LLVM's sampled instrumentation,
# passed through instrumentRustflags, must reach the instrumented build and nothing else,
# and the instrumented binary must really sample: a thread-local __llvm_profile_sampling
# in the binary, and a profile whose total count is a small fraction of the unsampled
# one. Built on the single-threaded demo, which is cheap and exact; the study itself is
# bench/ripgrep-sampling.

sampled_build() {
  nix build --impure --no-link --json --print-build-logs -f tests/fixtures/sampled.nix "$@" | jq -r '.[0].outputs.out'
}
sampled_eval() {
  nix eval --impure --raw -f tests/fixtures/sampled.nix "$@"
}
# total_count PROFDATA: llvm-profdata show's "Total count".
total_count() {
  /usr/lib/llvm-22/bin/llvm-profdata show "$1" | awk -F': ' '/^Total count/ { print $2 }'
}

test_sampled_instrumentation_flags_reach_only_the_instrumented_build() {
  local flag=-enable-sampled-instrumentation drv
  drv=$(sampled_eval sampled.instrumented.drvPath)
  show_drv "$drv" | has -- "$flag" || fail "the sampled variant's instrumented derivation has no $flag"
  show_drv "$(sampled_eval demo.instrumented.drvPath)" | has -- "$flag" &&
    fail "the demo's own instrumented derivation has $flag"
  # The profile-using build and the baseline don't see it: the baseline is the demo's own.
  [ "$(sampled_eval sampled.baseline.drvPath)" = "$(sampled_eval demo.baseline.drvPath)" ] ||
    fail "instrumentRustflags changed the baseline"
  drv_attrs "$(sampled_eval sampled.optimized.drvPath)" | jq -r '. | to_entries[] | .value' |
    has -- "$flag" && fail "$flag reached the optimized build"
  # The ripgrep study's variants: the flags in each instrumented build, one shared baseline.
  local study=bench/ripgrep-sampling
  nix eval --impure --raw -f "$study" variants.sampledBurst2048.instrumented.drvPath >/dev/null
  show_drv "$(nix eval --impure --raw -f "$study" variants.sampledBurst2048.instrumented.drvPath)" |
    has -- "-sampled-instr-burst-duration=2048" || fail "the study's burst duration did not reach its instrumented build"
  [ "$(nix eval --impure --raw -f "$study" variants.sampled.baseline.drvPath)" = "$(nix eval --impure --raw -f "$study" baseline.drvPath)" ] ||
    fail "the study's variants don't share the baseline"
}

test_sampled_instrumentation_binary_records_a_fraction_of_the_counts() {
  local sampled full symbol count_full count_sampled
  sampled=$(sampled_build sampled.instrumented)
  full=$(sampled_build demo.instrumented)
  # The sampling state is one thread-local counter (st_type TLS), shared by all counters.
  symbol=$(readelf -sW "$sampled/bin/pulldown-cmark" | awk '$8 == "__llvm_profile_sampling"')
  echo "sampled binary: $symbol"
  [[ $symbol == *TLS* ]] || fail "the sampled binary has no thread-local __llvm_profile_sampling"
  readelf -sW "$full/bin/pulldown-cmark" | has __llvm_profile_sampling &&
    fail "the unsampled binary has __llvm_profile_sampling"
  count_full=$(total_count "$(sampled_build demo.profiles.commands)")
  count_sampled=$(total_count "$(sampled_build sampled.profiles.commands)")
  echo "total count: unsampled $count_full, sampled $count_sampled ($((1000000 * count_sampled / count_full)) per million; 200/65536 = 3052)"
  ((count_sampled > 0)) || fail "the sampled profile is empty"
  # LLVM's defaults record 200 of every 65,536 increments (3,052 per million), but the
  # sampling counter starts at 0 in every thread, so each process records its first 200
  # increments: the workload runs 46 processes, each with about 28,000 counts, which
  # gives 4,832 per million (with rustc 1.95). Between 2,000 and 10,000 per million.
  ((1000000 * count_sampled >= 2000 * count_full && 1000000 * count_sampled <= 10000 * count_full)) ||
    fail "sampled total count $count_sampled is not a small fraction (0.2-1 %) of the unsampled $count_full"
}
