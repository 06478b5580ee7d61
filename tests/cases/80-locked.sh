# shellcheck shell=bash
# Profile identity: locked profiles (a fixed-output derivation with the lock's hash), early
# cutoff, staleness, and bit-identical optimized builds. The locking tests work on a
# scratch copy of the repository whose demo profile is locked by
# `nix run --impure .#host.update-profile`.

# lock_field FIELD: a field of the demo's lock entry in the current directory.
lock_field() {
  jq -r ".profiles[\"pulldown-cmark\"][] | .$1" "$DEMO_LOCK"
}

# locked_stage_is_the_lock PREFIX STAGE: the lock's PREFIX{narHash,storePath} ("" or "bolt.")
# are the NAR hash of STAGE-unlocked (rebuilt from the workloads) and the path of STAGE, a
# fixed-output derivation with that hash.
locked_stage_is_the_lock() {
  local prefix=$1 stage=$2
  [ "$(lock_field "${prefix}narHash")" = "sha256-$(nix hash path --type sha256 --base64 "$(out_path ".#host.$stage-unlocked")")" ] ||
    fail "the lock's ${prefix}narHash is not the NAR hash of $stage-unlocked, rebuilt from the workloads"
  [ "$(lock_field "${prefix}storePath")" = "$(out_path ".#host.$stage")" ] ||
    fail "$stage is not realised at the lock's ${prefix}storePath"
  show_drv "$(drv_path "host.$stage")" | jq -e --arg h "$(lock_field "${prefix}narHash")" \
    '.[] | .outputs.out.hash != null and (.env.__json | fromjson | .outputHash == $h and .outputHashMode == "recursive")' >/dev/null ||
    fail "$stage is not a fixed-output derivation with the lock's hash"
}

test_locked_update_profile_writes_the_lock_and_relocking_changes_nothing() {
  local before
  cd "$(locked_copy)" || exit
  cat "$DEMO_LOCK"
  locked_stage_is_the_lock "" profile
  # BOLT's profile, trained on the binary the locked profile gives, is locked with it.
  locked_stage_is_the_lock bolt. bolt-profile
  [ "$(cat "$(out_path .#host.bolted)/nix-support/bolt-profile-recorded-on")" = these-binaries ] ||
    fail "bolted says its locked BOLT profile was taken on other binaries"
  before=$(sha256sum "$DEMO_LOCK")
  nix run --impure .#host.update-profile
  [ "$(sha256sum "$DEMO_LOCK")" = "$before" ] || fail "re-locking an unchanged profile changed the lock"
  # Options are no lock file names (--help once made a directory named after dirname's usage).
  nix run --impure .#host.update-profile -- --help | has '^usage: update-profile \[LOCK_FILE\]' || fail "no usage"
  expect_failure 'unknown option --lock' nix run --impure .#host.update-profile -- --lock x.json
  ! git status --porcelain --untracked-files=all | grep '^??' || fail "update-profile --help or --lock left files"
}

test_locked_optimized_bolted_and_best_depend_on_the_profile_hashes_alone() {
  local optimized_out bolted_out best_out pending
  cd "$(locked_copy)" || exit
  optimized_out=$(out_path .#host.optimized)
  bolted_out=$(out_path .#host.bolted)
  best_out=$(out_path .#host.best)
  # A real change to two workloads: the rebuilt profile would differ, the locked one doesn't.
  echo 'pulldown-cmark "$PGO_INPUTS"/cargo/src/doc/src/SUMMARY.md >/dev/null' >>examples/pulldown-cmark/train/guide.sh
  echo '# a comment' >>examples/pulldown-cmark/train/commands.sh
  git add -A
  [ "$(nix eval --impure --raw .#host.optimized.outPath)" = "$optimized_out" ] ||
    fail "a workload edit changed the locked optimized build's output path"
  [ "$(nix eval --impure --raw .#host.bolted.outPath)" = "$bolted_out" ] ||
    fail "a workload edit changed the locked bolted build's output path"
  [ "$(nix eval --impure --raw .#host.best.outPath)" = "$best_out" ] ||
    fail "a workload edit changed the locked best's output path"
  pending=$(would_build .#host.optimized .#host.bolted .#host.best)
  [ -z "$pending" ] || fail "with the profiles in the store, building optimized, bolted and best would run: $pending"
}

test_locked_lock_and_checked_in_profile_do_not_touch_cargo_stages() {
  local copy before_base before_inst
  copy=$(scratch_copy)
  cd "$copy" || exit
  before_base=$(drv_path host.baseline)
  before_inst=$(drv_path host.instrumented)
  nix run --impure .#host.update-profile
  mkdir -p examples/pulldown-cmark/pgo
  cp "$(out_path .#host.profile-unlocked)/pulldown-cmark.profdata" examples/pulldown-cmark/pgo/
  git add -A
  [ "$(drv_path host.baseline)" = "$before_base" ] || fail "locking changed baseline"
  [ "$(drv_path host.instrumented)" = "$before_inst" ] || fail "locking changed instrumented"
  drv_attrs "$(drv_path host.profile)" | jq -e '.sourceKind == "checked-in"' >/dev/null ||
    fail "the checked-in profile is not what the locked profile is copied from"
  "$(out_path .#host.helper)/bin/nix-pgo" verify --llvm-profdata /usr/lib/llvm-22/bin/llvm-profdata \
    --lock-file "$DEMO_LOCK" --checked-in examples/pulldown-cmark/pgo --profile "$(out_path .#host.profile)"
}

test_locked_checked_in_profile_that_differs_is_refused() {
  cd "$(locked_copy)" || exit
  mkdir -p examples/pulldown-cmark/pgo
  # Another profile (one workload's), checked in under the demo's name.
  cp "$(out_path .#host.profiles.guide)" examples/pulldown-cmark/pgo/pulldown-cmark.profdata
  git add -A
  expect_failure "checked-in profile of pulldown-cmark .* has fingerprint .* but pgo.lock.json locks" \
    nix build --impure --no-link --rebuild .#host.profile
  # The copy is wrong, not the workloads: the fix is re-locking, which rewrites the copy too
  # (an outside trial copied from the lock's storePath, a failed build's leftover).
  expect_failure "it is not a copy of the locked profile" nix build --impure --no-link --rebuild .#host.profile
  expect_failure "rewrites the lock and the copies in pgo/ together" nix build --impure --no-link --rebuild .#host.profile
  expect_failure "MISMATCH" "$(out_path .#host.helper)/bin/nix-pgo" verify \
    --llvm-profdata /usr/lib/llvm-22/bin/llvm-profdata --lock-file "$DEMO_LOCK" --checked-in examples/pulldown-cmark/pgo
  nix run --impure .#host.update-profile 2>&1 | has -E "wrote (.* and )?$PWD/examples/pulldown-cmark/pgo/pulldown-cmark.profdata;" ||
    fail "update-profile did not say it rewrote the checked-in copy"
  cmp "$(out_path .#host.profile-unlocked)/pulldown-cmark.profdata" examples/pulldown-cmark/pgo/pulldown-cmark.profdata ||
    fail "update-profile did not rewrite the checked-in copy"
  git add -A
  out_path .#host.profile >/dev/null
  nix build --impure --no-link --rebuild .#host.profile
  "$(out_path .#host.helper)/bin/nix-pgo" verify --llvm-profdata /usr/lib/llvm-22/bin/llvm-profdata \
    --lock-file "$DEMO_LOCK" --checked-in examples/pulldown-cmark/pgo
  # No BOLT copy was checked in, and none is created.
  [ ! -e examples/pulldown-cmark/pgo/pulldown-cmark.bolt ] || fail "update-profile created a BOLT copy"
}

test_locked_lock_for_another_toolchain_is_refused() {
  cd "$(locked_copy)" || exit
  jq '.profiles["pulldown-cmark"] |= with_entries(.key = "host-rust-1.80.0-llvm18-0000000000000000")' "$DEMO_LOCK" >lock.tmp
  mv lock.tmp "$DEMO_LOCK"
  git add -A
  expect_failure "locks pulldown-cmark for toolchain\(s\) host-rust-1.80.0-llvm18-0000000000000000, not for this build's toolchain host-rust" \
    nix eval --impure --raw .#host.optimized.drvPath
}

test_locked_profile_that_drifted_is_refused_and_flagged_by_profile_fresh() {
  cd "$(locked_copy)" || exit
  out_path .#host.profile-fresh
  cat "$(out_path .#host.profile-fresh)"
  # Train on one workload only: the rebuilt profile drifts far from the locked one.
  git rm -q -f examples/pulldown-cmark/train/reference.sh examples/pulldown-cmark/train/commands.sh
  expect_failure "drift|overlap" nix build --impure --no-link .#host.profile-fresh
  # A lock that claims a profile nobody built: the fixed-output build reruns the
  # workloads, gets another profile, and refuses it.
  jq '.profiles["pulldown-cmark"][] |= (.narHash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")' "$DEMO_LOCK" >lock.tmp
  mv lock.tmp "$DEMO_LOCK"
  git add -A
  expect_failure "rebuilt profile of pulldown-cmark .* has fingerprint .* but pgo.lock.json locks" \
    nix build --impure --no-link .#host.optimized
}

test_locked_stale_profile_is_reported_and_refused_above_threshold() {
  local copy optimized
  copy=$(locked_copy)
  # The locked profile, realised from the unedited source as the lock says; the edited
  # source then uses it as it is (its own workloads would give another profile, which the
  # fixed-output hash would refuse). Built here: an earlier test's store is not assumed.
  (cd "$copy" && out_path .#host.profile) >/dev/null
  optimized=$(nix build --impure --no-link --json -f tests/fixtures --argstr lockFile "$copy/$DEMO_LOCK" staleProfile.reported | jq -r '.[0].outputs.out')
  cat "$optimized/nix-support/pgo-staleness.json"
  jq -e '.hash_mismatches >= 1 and .matching_count_percent < 95' "$optimized/nix-support/pgo-staleness.json" >/dev/null ||
    fail "editing the hottest function did not make the profile's matching counts drop"
  # Below maxStale the build goes on, and its log says what to do (the workspace trial saw
  # the count and no remedy).
  nix log "$optimized" | has -E "changed since the profile was recorded .* refresh the profile \(the package's updateProfile\)" ||
    fail "the stale profile's build log does not say to refresh it"
  expect_failure "staleness|stale" nix build --impure --no-link -f tests/fixtures --argstr lockFile "$copy/$DEMO_LOCK" staleProfile.refused
}

test_locked_bolt_profile_of_other_binaries_is_used_said_and_flagged_by_profile_fresh() {
  local copy bolted log
  copy=$(locked_copy)
  (cd "$copy" && out_path .#host.bolt-profile) >/dev/null
  # The edited source's bolt input differs from the one the BOLT profile was locked on:
  # bolted builds with what still matches, and says so.
  bolted=$(nix build --impure --no-link --json -f tests/fixtures --argstr lockFile "$copy/$DEMO_LOCK" staleProfile.bolted | jq -r '.[0].outputs.out')
  log=$(nix log "$bolted")
  echo "$log" | grep -E "warning|stale"
  echo "$log" | has "recorded on other binaries" || fail "bolted did not say its locked BOLT profile is of other binaries"
  [ "$(cat "$bolted/nix-support/bolt-profile-recorded-on")" = other-binaries ] ||
    fail "bolted's nix-support does not record that its BOLT profile is of other binaries"
  expect_failure "locked BOLT profile .* was taken on other binaries" \
    nix build --impure --no-link -f tests/fixtures --argstr lockFile "$copy/$DEMO_LOCK" staleProfile.profileFresh
}

test_locked_checked_in_bolt_profile_is_used_and_one_that_differs_is_refused() {
  local copy
  copy=$(locked_copy)
  cd "$copy" || exit
  cp -r --no-preserve=mode "$(out_path .#host.bolt-profile-unlocked)" examples/pulldown-cmark/pgo.bolt.tmp
  mkdir -p examples/pulldown-cmark/pgo
  mv examples/pulldown-cmark/pgo.bolt.tmp examples/pulldown-cmark/pgo/pulldown-cmark.bolt
  git add -A
  drv_attrs "$(drv_path host.bolt-profile)" | jq -e '.sourceKind == "checked-in"' >/dev/null ||
    fail "the checked-in BOLT profile is not what the locked one is copied from"
  out_path .#host.bolt-profile >/dev/null
  nix build --impure --no-link --rebuild .#host.bolt-profile
  "$(out_path .#host.helper)/bin/nix-pgo" verify --llvm-profdata /usr/lib/llvm-22/bin/llvm-profdata \
    --lock-file "$DEMO_LOCK" --checked-in examples/pulldown-cmark/pgo
  # Another BOLT profile under the demo's name: refused before Nix's hash check, naming the fix.
  sed -i '$d' examples/pulldown-cmark/pgo/pulldown-cmark.bolt/pulldown-cmark.fdata
  git add -A
  expect_failure "checked-in BOLT profile of pulldown-cmark .* has NAR hash .* but pgo.lock.json locks" \
    nix build --impure --no-link --rebuild .#host.bolt-profile
  expect_failure "MISMATCH: checked-in BOLT profile pulldown-cmark" "$(out_path .#host.helper)/bin/nix-pgo" verify \
    --llvm-profdata /usr/lib/llvm-22/bin/llvm-profdata --lock-file "$DEMO_LOCK" --checked-in examples/pulldown-cmark/pgo
  # Re-locking rewrites the copy with the lock.
  nix run --impure .#host.update-profile
  git add -A
  out_path .#host.bolt-profile >/dev/null
  nix build --impure --no-link --rebuild .#host.bolt-profile
  "$(out_path .#host.helper)/bin/nix-pgo" verify --llvm-profdata /usr/lib/llvm-22/bin/llvm-profdata \
    --lock-file "$DEMO_LOCK" --checked-in examples/pulldown-cmark/pgo
}

test_early_cutoff_content_addressed_profiles_rebuild_neither_optimized_nor_bolted() {
  local log
  fixture_build contentAddressed.plain >/dev/null
  # A comment never seen before: its workload derivation is new even on a warm store.
  log=$(nix build --impure --no-link -f tests/fixtures --argstr caComment "run $(date +%s%N)" contentAddressed.commented 2>&1)
  echo "$log"
  echo "$log" | has "profile-tiny" || fail "the edited workload's profile was not rebuilt"
  echo "$log" | has "bolt-profile-tiny" || fail "the edited workload's BOLT profile was not rebuilt"
  echo "$log" | has "building '.*-optimized-" && fail "optimized was rebuilt although its profile came out the same"
  echo "$log" | has "building '.*-bolted-" && fail "bolted was rebuilt although its BOLT profile came out the same"
  true
}

test_optimized_is_bit_identical_from_a_source_at_another_path_and_holds_no_profile_path() {
  local a b stage profile
  a=$(out_path .#host.optimized)
  b=$(fixture_build renamedSource | jq -r '.[0].outputs.out')
  [ "$a" != "$b" ] || fail "the renamed source gave the same derivation"
  cmp "$a/bin/pulldown-cmark" "$b/bin/pulldown-cmark" || fail "optimized differs when its source is at another store path"
  profile=$(out_path .#host.profile)
  for stage in optimized bolted; do
    grep -c "${profile#/nix/store/}" -r "$(out_path ".#host.$stage")" && fail "$stage contains the profile's store path"
  done
  true
}
