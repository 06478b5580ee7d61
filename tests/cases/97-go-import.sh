# shellcheck shell=bash
# The continuous-profiling loop on this machine: examples/go-service (standard library,
# net/http/pprof mounted), built by buildGoPgoPackage, runs on 127.0.0.1 under a bounded
# curl load; `nix-pgo import` pulls its CPU profiles into default.pgo, the lock entry and
# the provenance; the optimized service is built from that lock and evaluated on held-out
# work. Then the bad inputs: an idle service, an HTML page, an endpoint that is down, a
# file that is not pprof, a profile of another program.

GO_SERVICE=tests/fixtures/go-service.nix

# start_service BIN DIR: run the service on a free port of 127.0.0.1; prints host:port.
start_service() {
  local bin=$1 dir=$2 tries=0
  # Its stdout is not ours: $(start_service) would wait for the service to exit.
  "$bin" -listen 127.0.0.1:0 -addr-file "$dir/addr" >"$dir/log" 2>&1 &
  echo $! >"$dir/pid"
  while [ ! -s "$dir/addr" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 100 ] || fail "the service did not start: $(cat "$dir/log")"
    sleep 0.1
  done
  cat "$dir/addr"
}

# load ADDR N: N /render requests, one after the other (bounded, not timed).
load() {
  local i
  for i in $(seq "$2"); do
    curl -sf "http://$1/render?n=20000&seed=$i" >/dev/null
  done
}

# import_from_two_instances NIX_PGO BASELINE TOOLCHAIN DIR: two instances of the service
# under load (one weighted 2), two consecutive windows of 2 s each, imported into
# DIR/default.pgo, its provenance and DIR/pgo.lock.json (import's stdout and stderr in
# DIR/import.out, DIR/import.err); prints the two instances' host:port. The instances are
# stopped after.
import_from_two_instances() {
  local nix_pgo=$1 baseline=$2 toolchain=$3 dir=$4 a b pids loads status=0
  mkdir "$dir/a" "$dir/b"
  a=$(start_service "$baseline/bin/go-service" "$dir/a")
  b=$(start_service "$baseline/bin/go-service" "$dir/b")
  pids="$(cat "$dir/a/pid") $(cat "$dir/b/pid")"
  # shellcheck disable=SC2064 # the pids are known now
  trap "kill $pids 2>/dev/null || true" EXIT
  load "$a" 300 &
  loads=$!
  load "$b" 150 &
  loads="$loads $!"
  "$nix_pgo" import --source "http://$a=2" --source "http://$b" --seconds 2 --windows 2 \
    --output "$dir/default.pgo" --lock "$dir/pgo.lock.json" --name go-service --toolchain "$toolchain" \
    --binary "$baseline/bin/go-service" >"$dir/import.out" 2>"$dir/import.err" || status=$?
  # shellcheck disable=SC2086 # two pids each
  wait $loads
  # shellcheck disable=SC2086
  kill $pids 2>/dev/null || true
  ((status == 0)) || fail "the import failed: $(cat "$dir/import.err")"
  echo "$a $b"
}

test_go_import_pulls_merges_locks_and_builds() {
  local nix_pgo baseline dir build_id toolchain optimized profile eval_out fresh
  nix_pgo="$(out_path .#host.helper)/bin/nix-pgo"
  baseline=$(out_path -f "$GO_SERVICE" baseline)
  toolchain=$(nix eval --impure --raw -f "$GO_SERVICE" toolchainId)
  dir=$(mktemp -d)
  import_from_two_instances "$nix_pgo" "$baseline" "$toolchain" "$dir" >/dev/null
  cat "$dir/import.out" "$dir/import.err"
  jq . "$dir/default.pgo.provenance.json"

  # The provenance: 4 pulls with samples, from the binary that was built.
  build_id=$(readelf -n "$baseline/bin/go-service" | awk '/Build ID:/ { print $3 }')
  [ -n "$build_id" ] || fail "no GNU build ID in the service's binary"
  jq -e --arg id "$build_id" '
    (.pulls | length == 4) and all(.pulls[]; .samples > 0 and .buildId == $id)
    and .buildIds == [$id] and .warnings == [] and .sources[0].weight == 2
    and ([.pulls[].window] | sort == [0, 0, 1, 1])' "$dir/default.pgo.provenance.json" >/dev/null ||
    fail "the provenance does not describe 2 sources x 2 windows of the built binary"
  [ ! -s "$dir/import.err" ] || fail "import warned: $(cat "$dir/import.err")"
  # The lock entry is the profile's, and the profile is the service's.
  jq -e --arg fp "$("$nix_pgo" pprof fingerprint "$dir/default.pgo")" --arg t "$toolchain" \
    '.profiles["go-service"][$t] | .fingerprint == $fp and .fingerprintAlgorithm == "blake3-canonical-pprof-v1"' \
    "$dir/pgo.lock.json" >/dev/null || fail "the lock entry is not the imported profile's"
  "$nix_pgo" --json pprof match --profile "$dir/default.pgo" --binary "$baseline/bin/go-service" |
    jq -e '.programValueRate == 1' >/dev/null || fail "the imported profile does not match the service's binary"

  # The lock and default.pgo build the optimized service: the locked profile is a
  # fixed-output path at the lock's storePath, and the held-out evaluation runs.
  optimized=$(out_path -f "$GO_SERVICE" optimized --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo")
  profile=$(out_path -f "$GO_SERVICE" profile --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo")
  [ "$profile" = "$(jq -r --arg t "$toolchain" '.profiles["go-service"][$t].storePath' "$dir/pgo.lock.json")" ] ||
    fail "the optimized build did not use the locked, imported profile"
  cmp "$dir/default.pgo" "$profile/go-service.pgo" || fail "the locked profile is not default.pgo"
  [ "$("$optimized/bin/go-service" -batch 100 -seed 5)" = "$("$baseline/bin/go-service" -batch 100 -seed 5)" ] ||
    fail "the optimized service computes something else"
  eval_out=$(out_path -f "$GO_SERVICE" evaluation --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo")
  find "$eval_out" -name '*.json' | sed -n 1,5p
  jq . "$eval_out"/evaluation.json || fail "no evaluation.json in $eval_out"
  # Its provenance describes the locked profile: profile-fresh has no training to check,
  # and the program has every function of the profile.
  fresh=$(out_path -f "$GO_SERVICE" profileFresh --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo")
  has "was imported from production" <"$fresh/training.txt" ||
    fail "profile-fresh does not take the imported profile for one"
  jq -e '.binary == "go-service" and .stalePercent == 0 and .maxStale == 10 and .programValue > 0' "$fresh/staleness.json" >/dev/null ||
    fail "profile-fresh does not say how much of the imported profile the program has: $(cat "$fresh/staleness.json")"

  # The release carries where the samples came from: the provenance beside default.pgo.
  local fp release stale log
  fp=$("$nix_pgo" pprof fingerprint "$dir/default.pgo")
  release=$(out_path -f "$GO_SERVICE" release --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo")
  tar -xzOf "$release"/*.tar.gz --wildcards '*/provenance.json' |
    jq -e --arg fp "$fp" '.profile.import.fingerprint == $fp and (.profile.import.pulls | length == 4)
      and .profile.lock_entry.fingerprint == $fp' >/dev/null ||
    fail "the release does not carry the import's provenance"
  # One left from another import describes another profile: not carried, and said.
  stale=$(mktemp -d)
  cp "$dir/default.pgo" "$stale/default.pgo"
  jq '.fingerprint = "0123456789abcdef"' "$dir/default.pgo.provenance.json" >"$stale/default.pgo.provenance.json"
  log=$(nix build --impure --no-link -L -f "$GO_SERVICE" release --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$stale/default.pgo" 2>&1)
  echo "$log" | has "describes another profile (fingerprint 0123456789abcdef)" ||
    fail "a stale import provenance was not named"
  release=$(out_path -f "$GO_SERVICE" release --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$stale/default.pgo")
  tar -xzOf "$release"/*.tar.gz --wildcards '*/provenance.json' | jq -e '.profile | has("import") | not' >/dev/null ||
    fail "the release carries a provenance of another profile"
}

test_go_imported_profile_gone_stale_fails_profile_fresh() {
  local nix_pgo baseline toolchain dir instances src stale optimized
  nix_pgo="$(out_path .#host.helper)/bin/nix-pgo"
  baseline=$(out_path -f "$GO_SERVICE" baseline)
  toolchain=$(nix eval --impure --raw -f "$GO_SERVICE" toolchainId)
  dir=$(mktemp -d)
  instances=$(import_from_two_instances "$nix_pgo" "$baseline" "$toolchain" "$dir")
  # The service's hot functions renamed since the import (as the go-import trial renamed
  # two of its service's): the profile's samples of them are no use to Go's PGO.
  src=$(mktemp -d)
  cp -r examples/go-service/. "$src"
  sed -i 's/\bsplit(/splitValues(/g; s/\brecord(/makeRecord(/g' "$src/main.go"
  stale=(-f "$GO_SERVICE" --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo" --arg src "$src")
  # optimized still builds with it (the rest of the profile still helps), and says so.
  optimized=$(out_path "${stale[@]}" optimized)
  nix log "$optimized" | has "functions go-service doesn't have" || fail "optimized did not warn of the missing functions"
  # The check reads what optimized found: no build of its own.
  [ "$(would_build "${stale[@]}" profileFresh)" = "$(nix eval --impure --raw "${stale[@]}" profileFresh.drvPath)" ] ||
    fail "profile-fresh builds more than itself once optimized is built: $(would_build "${stale[@]}" profileFresh)"
  expect_failure "the profile is stale: [0-9.]+% of its cpu/nanoseconds under the program's own functions is in functions go-service no longer has .*more than maxStale 10.0%: main\.(record|split) \([0-9.]+%\).*nix-pgo import --source http://${instances% *}=2 --source http://${instances#* } --seconds 2 --windows 2 --output default.pgo --lock pgo.lock.json --name go-service --toolchain $toolchain" \
    nix build --impure --no-link "${stale[@]}" profileFresh
  # Up to maxStale it passes, with the figure.
  stale=("${stale[@]}" --arg maxStale 100)
  jq -e '.stalePercent > 10 and .maxStale == 100 and (.missing | map(.[0]) | index("main.record"))' \
    "$(out_path "${stale[@]}" profileFresh)/staleness.json" >/dev/null ||
    fail "profile-fresh with maxStale = 100 did not pass with the figure"
  # The provenance not committed (go-import.md calls it optional): the lock entry, which
  # has no training workloads, still says the profile was imported, and the check runs;
  # the re-import can't name the sources.
  rm "$dir/default.pgo.provenance.json"
  expect_failure "the profile is stale: .*nix-pgo import --source http://HOST:PORT --output default.pgo" \
    nix build --impure --no-link -f "$GO_SERVICE" --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo" --arg src "$src" profileFresh
}

test_go_import_bad_inputs_name_the_fix() {
  local nix_pgo baseline dir a
  nix_pgo="$(out_path .#host.helper)/bin/nix-pgo"
  baseline=$(out_path -f "$GO_SERVICE" baseline)
  dir=$(mktemp -d)
  a=$(start_service "$baseline/bin/go-service" "$dir")
  # shellcheck disable=SC2064 # the pid is known now
  trap "kill $(cat "$dir/pid") 2>/dev/null || true" EXIT
  # No load: a CPU profile without samples.
  expect_failure "has no samples: the program did not run on the CPU" \
    "$nix_pgo" import --source "http://$a" --seconds 1 --output "$dir/default.pgo"
  # The pprof index page instead of the profile (the URL as typed, and what to give).
  expect_failure "http://$a/debug/pprof/\?seconds=1 is net/http/pprof's index page, not its CPU profile: give the service's base URL .* or the profile's, http://$a/debug/pprof/profile" \
    "$nix_pgo" import --source "http://$a/debug/pprof/" --seconds 1 --output "$dir/default.pgo"
  # A path nothing is served at: what a service without net/http/pprof answers.
  expect_failure "answered HTTP 404.*does the service import _ \"net/http/pprof\"" \
    "$nix_pgo" import --source "http://$a/no/such/path" --seconds 1 --output "$dir/default.pgo"
  # Go's own build ID where the ELF GNU build ID is meant; --output a directory: refused
  # before any profiling.
  expect_failure "is Go.s build ID .*, and a profile records the ELF GNU build ID" \
    "$nix_pgo" import --source "http://$a" --seconds 1 --output "$dir/default.pgo" --expect-build-id "aB3/cD4/eF5/gH6"
  expect_failure "--output $dir is a directory" \
    "$nix_pgo" import --source "http://$a" --seconds 1 --output "$dir"
  # The service's own output instead of a profile: text.
  expect_failure "it is text \(starts with \"seed" \
    "$nix_pgo" import --source "http://$a/render?n=1" --seconds 1 --output "$dir/default.pgo"
  # Another build than the one expected: a warning, in the provenance too.
  load "$a" 100 &
  # (--output in a directory not made yet: made, as update-profile does.)
  "$nix_pgo" import --source "http://$a" --seconds 1 --output "$dir/new dir/other.pgo" --expect-build-id 0123 2>"$dir/err"
  mv "$dir/new dir/other.pgo" "$dir/new dir/other.pgo.provenance.json" "$dir"/
  wait
  has "warning: http://$a runs build .*, not the expected 0123" <"$dir/err" || fail "no warning: $(cat "$dir/err")"
  jq -e '.warnings | length == 1' "$dir/other.pgo.provenance.json" >/dev/null || fail "the warning is not in the provenance"
  # A file that is not pprof, and a profile of another program.
  expect_failure "other.pgo.provenance.json is not a pprof profile: it is JSON or other text" \
    "$nix_pgo" pprof merge --output "$dir/merged.pgo" "$dir/other.pgo.provenance.json"
  expect_failure "a profile of another program\?" \
    "$nix_pgo" pprof match --profile "$dir/other.pgo" --binary "$nix_pgo"
  # The endpoint is down.
  kill "$(cat "$dir/pid")"
  for _ in $(seq 100); do
    kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
    sleep 0.1
  done
  expect_failure "could not connect to http://$a/debug/pprof/profile\?seconds=1 \(connection refused\): is the service running" \
    "$nix_pgo" import --source "http://$a" --seconds 1 --output "$dir/default.pgo"
  [ ! -e "$dir/default.pgo" ] || fail "a failed import wrote default.pgo"
}

test_go_match_refuses_a_standard_library_benchmark_profile() {
  local nix_pgo baseline dir go
  nix_pgo="$(out_path .#host.helper)/bin/nix-pgo"
  baseline=$(out_path -f "$GO_SERVICE" baseline)
  go=$(jq -r .goroot nix/toolchain/hostGo.json)/bin/go
  dir=$(mktemp -d)
  # A real profile with no function of any program: only unicode/utf8, testing and the
  # runtime, several of them (runtime.main, the GC) also in the service. Before the match
  # looked at the stacks for the program's functions (package main, its module), this
  # profile matched the service.
  (cd "$dir" && GOCACHE=$dir/cache GOPATH=$dir/gopath GOFLAGS='' "$go" test -run '^$' \
    -bench RuneCountTenJapanese -benchtime 20000000x -cpuprofile utf8.pprof -o utf8.test unicode/utf8) >&2
  expect_failure "is on any of .*utf8.pprof's stacks, .*a profile of a standard-library benchmark" \
    "$nix_pgo" pprof match --profile "$dir/utf8.pprof" --binary "$baseline/bin/go-service"
  # The service's main module comes from its build info.
  # (The JSON is written before the match fails.)
  "$nix_pgo" --json pprof match --profile "$dir/utf8.pprof" --binary "$baseline/bin/go-service" >"$dir/match.json" 2>/dev/null || true
  jq -e '.mainModule == "example.com/go-service" and .programFunctions == 0' "$dir/match.json" >/dev/null ||
    fail "the service's main module was not read: $(cat "$dir/match.json")"
}
