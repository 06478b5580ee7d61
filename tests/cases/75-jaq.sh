# shellcheck shell=bash
# jaq (examples/jaq): an interpreter, the jq clone. Training runs jq programs over the SPDX
# license list; evaluation runs other filters over held-out data. PGO must not change what
# it prints and must make it execute fewer instructions; BOLT on top too. Its legacy-mangled
# symbol names are too long for the BOLT instrumentation runtime, so it is built with v0
# mangling (examples/jaq/default.nix).

jaq_fixture=tests/fixtures/jaq.nix
jaq_build() { nix build --impure --no-link --json -f "$jaq_fixture" "$@" | jq -r '.[0].outputs.out'; }
jaq_eval() { nix eval --impure --raw -f "$jaq_fixture" "$@"; }

test_jaq_optimized_prints_what_baseline_prints_in_fewer_instructions() {
  local evaluation
  # The evaluation fails by itself if a variant's output differs from baseline's.
  evaluation=$(jaq_build evaluation)
  compare_variant "$evaluation" optimized fewer
}

test_jaq_bolted_prints_what_baseline_prints() {
  local evaluation bolted
  evaluation=$(jaq_build evaluation)
  compare_variant "$evaluation" bolted
  bolted=$(jaq_build bolted)
  grep -qF '.bolt.org.text' <(readelf -SW "$bolted/bin/jaq") || fail "bolted was not rewritten by BOLT"
  grep -E 'BOLT-INFO: [0-9]+ out of [0-9]+ functions .* have non-empty execution profile' "$bolted/nix-support/bolt-jaq.log" ||
    fail "llvm-bolt's report does not say how much of jaq the profile covers"
}

test_jaq_symbol_names_fit_the_bolt_runtime_buffer() {
  # BOLT's instrumentation runtime writes each profile line (two function names, offsets
  # and a count) through a 10,240-byte stack buffer and aborts at exit on a longer one,
  # leaving a truncated profile. With v0 mangling every name of the bolt input must leave
  # room for two on a line.
  local input longest
  input=$(jaq_build boltInput)
  longest=$(nm "$input/bin/jaq" | awk '{ if (length($NF) > max) max = length($NF) } END { print max + 0 }')
  echo "longest symbol name of the bolt input: $longest characters"
  [ "$longest" -gt 0 ] || fail "the bolt input has no symbols"
  [ "$longest" -lt 5000 ] || fail "a symbol name of $longest characters: two of them don't fit a BOLT profile line"
  # And the workload profiles are whole: every process's .fdata was merged, none empty.
  local profile
  profile=$(jaq_build boltProfile)
  [ "$(wc -l <"$profile/jaq.fdata")" -gt 1000 ] || fail "jaq's BOLT profile has under 1000 lines"
}

test_jaq_cargo_flags_reach_every_stage() {
  # v0 mangling and the feature choice must be the same in every cargo stage: the PGO and
  # BOLT profiles name functions by their symbols.
  local attr drv env
  for attr in baseline instrumented optimized boltInput; do
    drv=$(jaq_eval "$attr.drvPath")
    env=$(drv_attrs "$drv" | jq -c '.')
    grep -q -- '-Csymbol-mangling-version=v0' <<<"$env" || fail "$attr is not built with v0 mangling"
    grep -q -- '--no-default-features' <<<"$env" || fail "$attr is not built with --no-default-features"
  done
}
