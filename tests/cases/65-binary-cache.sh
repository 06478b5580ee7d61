# shellcheck shell=bash
# Through a real binary cache (docs/ci.md "Through a binary cache"): the demo's stages,
# signed with `nix store sign`, copied with `nix copy --to file://…` and served over HTTP on
# 127.0.0.1 by Python's static file server (all a Cachix cache is to a client), then a
# second, empty Nix store (`--store <new root>`, the same /nix/store directory, so the
# same paths) with that cache as its only substituter and its key as the only trusted one.
# The pipeline is built in the first store by the earlier tests; copying is cheap.

# cache_init: a key pair and an HTTP server for the caches of this test, in $CACHE_ROOT:
# $CACHE_ROOT/www/<name> is served as $CACHE_URL/<name>; $CACHE_KEY is the public key.
# The server is stopped when the test ends.
cache_init() {
  CACHE_ROOT=$(mktemp -d)
  mkdir "$CACHE_ROOT/www" "$CACHE_ROOT/srv"
  # The URL's path is this test's own (the temporary directory's random name): Nix keeps
  # every narinfo a cache URL served in ~/.cache/nix/binary-cache-v6.sqlite (positive
  # answers for 30 days), so on a port the kernel hands out again a bare
  # http://127.0.0.1:<port>/good got an earlier run's narinfo, signed with that run's key
  # ("not signed by any of the keys", seen once in a full test run on port 41885).
  local token
  token=$(basename "$CACHE_ROOT")
  ln -s ../www "$CACHE_ROOT/srv/$token"
  nix key generate-secret --key-name nix-pgo-test-cache-1 >"$CACHE_ROOT/secret.key"
  CACHE_KEY=$(nix key convert-secret-to-public <"$CACHE_ROOT/secret.key")
  # Port 0: the kernel picks a free port, which the server prints.
  (cd "$CACHE_ROOT/srv" && exec python3 -u -m http.server 0 --bind 127.0.0.1) >"$CACHE_ROOT/http.log" 2>&1 &
  CACHE_SERVER=$!
  trap 'kill "$CACHE_SERVER"' EXIT
  local port="" tries
  for tries in $(seq 50); do
    port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\) .*/\1/p' "$CACHE_ROOT/http.log")
    [ -z "$port" ] || break
    sleep 0.1
  done
  [ -n "$port" ] || fail "the HTTP server did not start (tried $tries times): $(cat "$CACHE_ROOT/http.log")"
  CACHE_URL=http://127.0.0.1:$port/$token
}

# cache_push NAME [--unsigned] INSTALLABLE...: copy the closures to the file cache NAME and
# sign every path in it (not with --unsigned). What a CI job's push does. NARs are
# compressed with $CACHE_COMPRESSION, by default zstd: for the demo's stages and the
# checks, 24 s against xz's 112 s (Nix's default) on the 2-core test machine, 18 against 13 MB.
cache_push() {
  local name=$1 sign=true
  shift
  [ "$1" != --unsigned ] || { sign=false && shift; }
  nix copy --impure --to "file://$CACHE_ROOT/www/$name?compression=${CACHE_COMPRESSION:-zstd}" "$@"
  if $sign; then
    # Signing the cache's copies: the first store's own paths stay as they were.
    sed -n 's/^StorePath: //p' "$CACHE_ROOT/www/$name"/*.narinfo |
      xargs nix store sign --store "file://$CACHE_ROOT/www/$name" --key-file "$CACHE_ROOT/secret.key"
  fi
}

# in_store STORE NAME NIX-ARGS...: run `nix NIX-ARGS` on the second store STORE (a new
# root) with only the cache NAME as substituter and $TRUSTED_KEY (default: the cache's
# public key) as the only trusted key.
in_store() {
  local store=$1 name=$2
  shift 2
  nix --store "$store" --option substituters "$CACHE_URL/$name" \
    --option trusted-public-keys "${TRUSTED_KEY:-$CACHE_KEY}" --option require-sigs true "$@"
}

# trusting KEY CMD...: CMD with KEY as in_store's only trusted key.
trusting() {
  local TRUSTED_KEY=$1
  shift
  "$@"
}

# refused PATTERN CMD...: CMD fails and its output matches PATTERN (grep -E); prints all
# of it, which is what docs/ci.md quotes.
refused() {
  local pattern=$1 output
  shift
  if output=$("$@" 2>&1); then
    fail "expected '$*' to be refused, it succeeded"
  fi
  echo "--- what Nix printed:"
  echo "$output" | grep -v -e '^copying path' -e '^warning: Git tree'
  echo "$output" | has -E -- "$pattern" || fail "the output does not match '$pattern'"
}

# invalid_in STORE PATH: PATH is not a valid path of STORE. (A refused NAR may have been
# unpacked at PATH before its hash was checked: the files can be there, unregistered.)
invalid_in() {
  ! nix --store "$1" path-info "$2" 2>/dev/null
}

# store_paths STORE: the outputs (not .drv files or sources) in STORE, one name per line.
store_paths() {
  find "$1/nix/store" -mindepth 1 -maxdepth 1 ! -name '*.drv' -printf '%f\n'
}

test_binary_cache_second_store_substitutes_every_stage_and_builds_nothing() {
  local jobs store plan
  cache_init
  mapfile -t jobs < <(nix eval --impure --json .#host.hydraJobs.pulldown-cmark --apply builtins.attrNames |
    jq -r '.[] | ".#host.hydraJobs.pulldown-cmark.\(.)"')
  # What CI pushes: every stage of the demo and every check.
  cache_push good "${jobs[@]}" .#host.checks.all
  echo "cache: $(find "$CACHE_ROOT/www/good" -name '*.narinfo' | wc -l) paths, $(du -sh "$CACHE_ROOT/www/good" | cut -f1)"
  store=$(mktemp -d)/store
  plan=$(in_store "$store" good build --impure --dry-run .#host.optimized .#host.checks.all 2>&1)
  echo "$plan"
  echo "$plan" | has "will be built" && fail "the second store would build something"
  echo "$plan" | has "will be fetched" || fail "the second store would fetch nothing"
  # --max-jobs 0: building anything is an error, so every path must come from the cache.
  in_store "$store" good build --impure --no-link --max-jobs 0 .#host.optimized .#host.checks.all "${jobs[@]}"
  cmp "$store$(out_path .#host.optimized)/bin/pulldown-cmark" "$(out_path .#host.optimized)/bin/pulldown-cmark"
  in_store "$store" good path-info --json --impure .#host.optimized |
    jq -e --arg key "${CACHE_KEY%%:*}" '.[0].signatures | any(startswith($key + ":"))' >/dev/null ||
    fail "optimized in the second store does not carry the cache's signature"
}

test_binary_cache_refuses_a_tampered_nar_an_unsigned_path_and_a_wrong_key() {
  local optimized hash nar store other_key
  # xz (Python and Debian both read it) for the NAR the test edits.
  local CACHE_COMPRESSION=xz
  cache_init
  optimized=$(out_path .#host.optimized)
  hash=$(basename "$optimized" | cut -d- -f1)
  cache_push good .#host.optimized
  cache_push unsigned --unsigned .#host.optimized
  # One byte of the binary flipped inside the compressed NAR; the narinfo (and its
  # signature over the NAR hash) unchanged: what a corrupted or malicious mirror serves.
  cp -r "$CACHE_ROOT/www/good" "$CACHE_ROOT/www/tampered"
  nar=$CACHE_ROOT/www/tampered/$(sed -n 's/^URL: //p' "$CACHE_ROOT/www/tampered/$hash.narinfo")
  xz -dc "$nar" | python3 -c '
import sys
data = bytearray(sys.stdin.buffer.read())
at = data.index(b"\x7fELF") + 4096
data[at] ^= 0xff
sys.stdout.buffer.write(data)' | xz >"$nar.new"
  mv "$nar.new" "$nar"
  other_key=$(nix key generate-secret --key-name someone-else-1 | nix key convert-secret-to-public)

  store=$(mktemp -d)/store
  refused "hash mismatch importing path '$optimized'" \
    in_store "$store" tampered build --impure --no-link --max-jobs 0 .#host.optimized
  invalid_in "$store" "$optimized" || fail "the tampered path is valid in the second store"
  store=$(mktemp -d)/store
  refused "substitute for '$optimized' from '$CACHE_URL/unsigned' is not signed by any of the keys in 'trusted-public-keys'" \
    in_store "$store" unsigned build --impure --no-link --max-jobs 0 .#host.optimized
  invalid_in "$store" "$optimized" || fail "the unsigned path is valid in the second store"
  store=$(mktemp -d)/store
  refused "substitute for '$optimized' from '$CACHE_URL/good' is not signed by any of the keys in 'trusted-public-keys'" \
    trusting "$other_key" in_store "$store" good build --impure --no-link --max-jobs 0 .#host.optimized
  invalid_in "$store" "$optimized" || fail "a path signed with an untrusted key is valid in the second store"
  # The same cache and key, untampered: accepted (so the refusals above are the tampering's).
  store=$(mktemp -d)/store
  in_store "$store" good build --impure --no-link --max-jobs 0 .#host.optimized
}

test_binary_cache_locked_profiles_build_optimized_and_bolted_without_instrumented_or_workloads() {
  local copy store plan built fetched
  cache_init
  copy=$(locked_copy)
  cd "$copy" || exit
  # What the job that locked the profile publishes: the locked profile (a fixed-output
  # path), the vendored crates, the source and the helper. No cargo stage.
  cache_push locked .#host.profile .#host.vendor .#host.optimized.src .#host.helper
  store=$(mktemp -d)/store
  plan=$(in_store "$store" locked build --impure --dry-run .#host.optimized 2>&1)
  echo "$plan"
  built=$(echo "$plan" | awk '/will be built:/ { on = 1; next } /will be fetched/ { on = 0 } on')
  fetched=$(echo "$plan" | awk '/will be fetched/ { on = 1; next } on')
  echo "$built" | has -- "-optimized-0.13.6.drv" || fail "optimized would not be built"
  echo "$built" | has -e "-instrumented-" -e "-profile-[a-z-]*-0.13.6.profdata.drv" -e "-profile-0.13.6.drv" -e "workload" &&
    fail "the second store would build instrumented, a workload profile or the unlocked merge"
  echo "$fetched" | has -- "-pulldown-cmark-pgo-profile$" || fail "the locked profile would not be fetched"
  in_store "$store" locked build --impure --no-link .#host.optimized
  # The outputs now in the second store: no instrumented build, no workload's profile,
  # and optimized the same binary as in the first store.
  store_paths "$store" | has -e "-instrumented-" -e "\.profdata$" -e "-profile-0.13.6$" &&
    fail "instrumented or a workload profile was built in the second store: $(store_paths "$store")"
  cmp "$store$(out_path .#host.optimized)/bin/pulldown-cmark" "$(out_path .#host.optimized)/bin/pulldown-cmark" ||
    fail "optimized built in the second store differs from the first store's"
  # The locked BOLT profile travels the same way: with it in the cache, bolted is built
  # without BOLT's training (the way a multithreaded program's bolted, whose training
  # can't repeat the locked profile, builds on another machine).
  cache_push locked .#host.bolt-profile
  in_store "$store" locked build --impure --no-link .#host.bolted
  store_paths "$store" | has -e "-bolt-instrumented-" -e "-bolt-profile-[a-z-]*-0.13.6$" -e "-bolt-profile-0.13.6$" &&
    fail "BOLT's training ran in the second store: $(store_paths "$store")"
  cmp "$store$(out_path .#host.bolted)/bin/pulldown-cmark" "$(out_path .#host.bolted)/bin/pulldown-cmark" ||
    fail "bolted built in the second store differs from the first store's"
}

test_binary_cache_release_built_in_a_second_store_is_byte_identical() {
  local release inputs store plan built archive
  cache_init
  release=$(out_path .#host.release)
  # Every input of the release (the pipeline's stages, the helper, the workloads' inputs),
  # not the release itself: the second store must build it.
  mapfile -t inputs < <(input_drvs "$(drv_path host.release)" | xargs nix-store --query --outputs)
  cache_push inputs "${inputs[@]}"
  store=$(mktemp -d)/store
  plan=$(in_store "$store" inputs build --impure --dry-run .#host.release 2>&1)
  echo "$plan"
  built=$(echo "$plan" | awk '/will be built:/ { on = 1; next } /will be fetched/ { on = 0 } on { print $1 }')
  [ "$built" = "$(drv_path host.release)" ] || fail "the second store would build more than the release: $built"
  in_store "$store" inputs build --impure --no-link .#host.release
  for archive in "$release"/*.tar.gz; do
    cmp "$archive" "$store$archive" || fail "$(basename "$archive") built in the second store differs from the first store's"
    sha256sum "$archive" "$store$archive"
  done
  diff -r "$release" "$store$release" || fail "the release's output differs between the two stores"
}
