# shellcheck shell=bash
# The helper's store commands agree with Nix itself, and lock/verify work end to end on
# the demo's real profile. The helper is the one built through Nix (.#host.helper).

LLVM_PROFDATA=/usr/lib/llvm-22/bin/llvm-profdata

# helper_bin: the nix-pgo executable built through Nix.
helper_bin() {
  echo "$(out_path .#host.helper)/bin/nix-pgo"
}

# store_tree DIR: a tree with every NAR node kind: files (one empty, one executable),
# directories and a symlink.
store_tree() {
  mkdir -p "$1/sub"
  printf 'hello\n' >"$1/a.txt"
  : >"$1/B"
  printf '#!/bin/sh\necho hi\n' >"$1/sub/run.sh"
  chmod 755 "$1/sub/run.sh"
  ln -s ../a.txt "$1/sub/link"
}

test_helper_nar_hash_and_store_path_match_nix() {
  local nix_pgo dir path name ours theirs
  nix_pgo=$(helper_bin)
  dir=$(mktemp -d)
  store_tree "$dir/tree"
  for path in "$dir/tree/a.txt" "$dir/tree/sub/run.sh" "$dir/tree"; do
    name=$(basename "$path")
    ours=$("$nix_pgo" nar-hash "$path")
    theirs=sha256-$(nix hash path --type sha256 --base64 "$path")
    echo "$name: nix-pgo $ours, nix $theirs"
    [ "$ours" = "$theirs" ] || fail "nar-hash of $path: $ours, nix hash path: $theirs"
    # nix-store names the path after the base name, which is NAME here.
    ours=$("$nix_pgo" store-path --name "$name" "$path")
    theirs=$(nix-store --add-fixed --recursive sha256 "$path")
    echo "$name: nix-pgo $ours, nix-store $theirs"
    [ "$ours" = "$theirs" ] || fail "store-path of $path: $ours, nix-store --add-fixed: $theirs"
  done
  "$nix_pgo" nar-hash --json "$dir/tree" | jq -e '.nar_size == 1072' >/dev/null ||
    fail "nar-hash --json does not report the NAR size Nix reports (1072)"
  expect_failure 'store path name "a b" contains' "$nix_pgo" store-path --name "a b" "$dir/tree"
}

test_helper_lock_and_verify_the_demo_profile() {
  local nix_pgo profile dir name lock store_path
  nix_pgo=$(helper_bin)
  profile=$(out_path .#host.profile)
  dir=$(mktemp -d)
  lock=$dir/pgo.lock.json
  name=${profile#*-}
  export NIX_PGO_LLVM_PROFDATA=$LLVM_PROFDATA

  SOURCE_DATE_EPOCH=1735689600 "$nix_pgo" lock --lock-file "$lock" --package pulldown-cmark \
    --toolchain host --profile "$profile" --name "$name"
  cat "$lock"
  jq -e --arg fp "$("$nix_pgo" fingerprint "$profile/pulldown-cmark.profdata")" \
    --arg nar "sha256-$(nix hash path --type sha256 --base64 "$profile")" \
    '.version == 1 and (.profiles["pulldown-cmark"].host | .fingerprint == $fp and .narHash == $nar and .fingerprintChanged == "2025-01-01")' \
    "$lock" >/dev/null || fail "the lock entry does not hold the profile's fingerprint, NAR hash and date"

  # The recorded store path is where Nix puts the same content as a fixed-output path.
  cp -r "$profile" "$dir/$name"
  store_path=$(nix-store --add-fixed --recursive sha256 "$dir/$name")
  jq -e --arg p "$store_path" '.profiles["pulldown-cmark"].host.storePath == $p' "$lock" >/dev/null ||
    fail "the lock's storePath is not $store_path"

  # Re-locking the same profile on another day rewrites nothing.
  cp "$lock" "$dir/before.json"
  SOURCE_DATE_EPOCH=1767225600 "$nix_pgo" lock --lock-file "$lock" --package pulldown-cmark \
    --toolchain host --profile "$profile" --name "$name"
  cmp "$dir/before.json" "$lock" || fail "re-locking an unchanged profile changed the lock"

  # The built profile and a checked-in copy verify against the lock...
  mkdir "$dir/pgo"
  cp "$profile/pulldown-cmark.profdata" "$dir/pgo/"
  "$nix_pgo" verify --lock-file "$lock" --profile "$profile" --checked-in "$dir/pgo"

  # ...and another profile does not, naming the fix.
  chmod u+w "$dir/pgo/pulldown-cmark.profdata"
  "$nix_pgo" canonicalize --quantize 2 -o "$dir/pgo/pulldown-cmark.profdata" "$profile/pulldown-cmark.profdata"
  expect_failure 'MISMATCH: checked-in pulldown-cmark' "$nix_pgo" verify --lock-file "$lock" --checked-in "$dir/pgo"
  expect_failure "the package's updateProfile" "$nix_pgo" verify --lock-file "$lock" --checked-in "$dir/pgo"

  jq '.version = 2' "$lock" >"$dir/newer.json"
  expect_failure 'written by a newer nix-pgo' "$nix_pgo" verify --lock-file "$dir/newer.json"
}

test_helper_show_diff_and_staleness_on_the_demo_profile() {
  local nix_pgo profile dir
  nix_pgo=$(helper_bin)
  profile=$(out_path .#host.profile)/pulldown-cmark.profdata
  dir=$(mktemp -d)
  export NIX_PGO_LLVM_PROFDATA=$LLVM_PROFDATA

  "$nix_pgo" show --top 3 "$profile"
  "$nix_pgo" show --top 3 --json "$profile" | jq -e '(.hottest | length) == 3 and .functions > 100' >/dev/null ||
    fail "show --json does not list the 3 hottest functions"

  # A profile against itself: full overlap, nothing moved.
  "$nix_pgo" diff --max-drift 0 --json "$profile" "$profile" |
    jq -e '.overlap.edge_overlap_percent == 100 and (.moved | length) == 0' >/dev/null ||
    fail "a profile differs from itself"
  # Against a coarsened copy: some drift, which --max-drift 0 refuses.
  "$nix_pgo" canonicalize --quantize 1 -o "$dir/coarse.profdata" "$profile"
  expect_failure 'more than --max-drift 0%' "$nix_pgo" diff --max-drift 0 "$profile" "$dir/coarse.profdata"

  # A build log with one stale hot function.
  local hot
  hot=$("$nix_pgo" show --top 1 --json "$profile" | jq -r '.hottest[0].name | sub(".*;"; "")')
  echo "warning: x-cgu.0: function control flow change detected (hash mismatch) $hot Hash = 1 up to 9 count discarded" >"$dir/build.log"
  "$nix_pgo" staleness --log "$dir/build.log" --profile "$profile" -o "$dir/staleness.json" |
    grep -E '^nix-pgo: profile staleness: 0 functions without profile data, 1 hash mismatches, [0-9.]+% of profile counts still match$' ||
    fail "staleness does not print its summary line"
  jq -e '.stale_count > 0 and .matching_count_percent < 100' "$dir/staleness.json" >/dev/null ||
    fail "the stale hot function's counts are not counted"
  expect_failure 'the profile is stale: .*updateProfile' \
    "$nix_pgo" staleness --log "$dir/build.log" --profile "$profile" --max-stale 0
}
