# shellcheck shell=bash
# ripgrep (examples/ripgrep): a multithreaded program whose training workloads search
# with four threads. Built with atomic counters, without value profiling and with the
# timing-dependent functions left out of the profile (profileExclude), every profile
# rebuilds bit-identically; examples/ripgrep/REPRODUCIBILITY.md measures what each
# option does.

rg_fixture=tests/fixtures/ripgrep.nix
rg_build() { nix build --impure --no-link --json -f "$rg_fixture" "$@" | jq -r '.[0].outputs.out'; }
rg_eval() { nix eval --impure --raw -f "$rg_fixture" "$@"; }

# rg_functions PROFDATA: one line per function of an indexed profile, "name counts...".
rg_functions() {
  "$(rg_eval profile.llvmProfdata)" merge --text "$1" -o - |
    awk '/^#/ || /^:/ { next } /^$/ { if (line != "") print line; line = ""; next } { line = line == "" ? $0 : line " " $0 } END { if (line != "") print line }'
}

# rg_rebuild ATTR: build ATTR, then rebuild the same derivation (`--check`, what
# `nix build --rebuild` does; by .drv, so that the two builds are of one derivation even
# if the tree is edited meanwhile). On a difference, name the functions whose counts
# differ (what profileExclude would need), clean up and fail.
rg_rebuild() {
  local attr=$1 drv out diff
  drv=$(rg_eval "$attr.drvPath")
  out=$(nix-store --realise "$drv")
  if nix-store --realise --check --keep-failed "$drv" >/dev/null 2>&1; then
    echo "$attr: rebuilt bit-identically"
    return 0
  fi
  if [ -e "$out.check" ] && [[ $out == *.profdata ]]; then
    diff=$(comm -3 <(rg_functions "$out" | sort) <(rg_functions "$out.check" | sort) | awk '{ print $1 }' | sort -u)
    echo "$attr: functions whose counts differ between the build and the rebuild:"
    echo "    ${diff//$'\n'/$'\n    '}"
  fi
  [ -e "$out.check" ] || { nix-store --realise --check "$drv" 2>&1 | tail -n 5 || true; }
  local name=${drv##*/}
  rm -rf "$out.check" "/tmp/nix-build-${name#*-}"-*
  fail "$attr does not rebuild bit-identically"
}

test_multithreaded_workload_profiles_rebuild_bit_identically() {
  # Each workload profile, rebuilt twice: the same bytes every time.
  local w
  for w in $(nix eval --impure --json -f "$rg_fixture" profiles --apply builtins.attrNames | jq -r '.[]'); do
    rg_rebuild "profiles.$w"
    rg_rebuild "profiles.$w"
  done
}

test_multithreaded_merged_profile_and_optimized_rebuild_bit_identically() {
  rg_rebuild profile
  rg_rebuild optimized
}

test_multithreaded_optimized_matches_baseline_and_executes_fewer_instructions() {
  local evaluation w
  # The evaluation derivation fails by itself if any variant's output differs.
  evaluation=$(rg_build evaluation)
  compare_variant "$evaluation" optimized fewer
  # Evaluation searches with one thread, so its instruction counts are exact too.
  w=$(nix eval --impure --json -f "$rg_fixture" evaluation.workloads --apply builtins.attrNames | jq -r '.[0]')
  rg_rebuild "evaluation.workloads.$w.runs.baseline"
  rg_rebuild "evaluation.workloads.$w.runs.optimized"
}

test_multithreaded_package_ships_the_reproducibility_options() {
  # Atomic counters and no value profiling in `instrumented`, exclusions in the profiles;
  # none of them in the `off` variant.
  local on off on_flags off_flags
  on=$(drv_attrs "$(rg_eval instrumented.drvPath)" | jq -r '.rustflags')
  off=$(drv_attrs "$(rg_eval off.instrumented.drvPath)" | jq -r '.rustflags')
  on_flags=$(drv_attrs "$(rg_eval profile.drvPath)" | jq -r '.canonicalizeFlags | join(" ")')
  off_flags=$(drv_attrs "$(rg_eval off.profile.drvPath)" | jq -r '.canonicalizeFlags | join(" ")')
  echo "on: $on; canonicalize $on_flags"
  echo "off: $off; canonicalize $off_flags"
  [[ $on == *-instrprof-atomic-counter-update-all* && $on == *-disable-vp* ]] ||
    fail "ripgrep's instrumented build lacks atomic counters or -disable-vp"
  [[ $on_flags == *"--exclude crossbeam"* ]] || fail "ripgrep's profile does not exclude the walker's functions"
  [[ $off != *-instrprof-atomic-counter-update-all* && $off != *-disable-vp* && $off_flags != *--exclude* ]] ||
    fail "the off variant still has the reproducibility options"
}
