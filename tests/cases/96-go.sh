# shellcheck shell=bash
# Go PGO (buildGoPgoPackage, docs/go.md), real go builds of tests/fixtures/go.nix on the
# pinned host Go: vendoring a local dependency, profiles from program runs and benchmarks,
# the optimized binary (no store path, bit-identical rebuild), the evaluation, the lock
# with default.pgo, and every bad input's message.

# go_build ATTR [NIX-ARGS...]: build an attribute of tests/fixtures/go.nix; prints its path.
go_build() {
  local attr=$1
  shift
  nix build --impure --no-link --json -f tests/fixtures/go.nix "$@" "$attr" | jq -r '.[0].outputs.out'
}
go_fails() {
  local pattern=$1 attr=$2
  shift 2
  expect_failure "$pattern" nix build --impure --no-link -f tests/fixtures/go.nix "$@" "$attr"
}
GO=$(jq -r .goroot nix/toolchain/hostGo.json)/bin/go

# go_proxy_start: serve tests/fixtures/go-proxy's modules as a Go module proxy on
# 127.0.0.1 (the only one reachable here) for the rest of the test; sets go_proxy to its
# URL (GOPROXY).
go_proxy_start() {
  local fifo port
  fifo=$(mktemp -u)
  mkfifo "$fifo"
  python3 tests/fixtures/go-proxy/serve-proxy.py >"$fifo" 2>/dev/null &
  go_proxy_pid=$!
  trap 'kill "$go_proxy_pid"' EXIT
  read -r port <"$fifo"
  rm -f "$fifo"
  [ -n "$port" ] || fail "the test's Go module proxy did not start"
  go_proxy=http://127.0.0.1:$port
}
# go_proxy_closed: a GOPROXY no proxy answers (a port the kernel gave, then closed).
go_proxy_closed() {
  echo "http://127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
}
# go_proxy_build ATTR [NIX-ARGS...]: build an attribute of tests/fixtures/go-proxy.nix.
go_proxy_build() {
  local attr=$1
  shift
  nix build --impure --no-link --json -f tests/fixtures/go-proxy.nix "$@" "$attr" | jq -r '.[0].outputs.out'
}

test_go_vendor_vendors_the_local_dependency_and_a_wrong_hash_says_got() {
  local vendor
  vendor=$(go_build vendor)
  [ -f "$vendor/modules.txt" ] || fail "no vendor/modules.txt"
  [ -f "$vendor/example.com/textstats/textstats.go" ] || fail "the replaced dependency is not vendored"
  # Again, with no proxy to reach: a dependency in src (replace) needs none, and the
  # output is the one vendorHash names (--rebuild fails on any other).
  GOPROXY=$(go_proxy_closed) nix build --impure --no-link --rebuild -f tests/fixtures/go.nix vendor ||
    fail "the local dependency did not vendor again without a proxy, or not to the same output"
  go_fails 'got: +sha256-' vendor --argstr vendorHash "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
}

test_go_vendor_downloads_from_the_proxy_in_the_environment_as_buildGoModule() {
  # example.com/greet is not in src: the vendor stage fetches it from GOPROXY, taken from
  # the environment of nix build (impureEnvVars). Default vendoring (vendor/, -mod=vendor)
  # and proxyVendor (go mod download's cache, GOPROXY=file://… and -mod=mod in the builds),
  # each vendored twice (--rebuild: the same output), built, and run.
  local proxyVendor vendor out drv
  go_proxy_start
  for proxyVendor in false true; do
    vendor=$(GOPROXY=$go_proxy go_proxy_build vendor --arg proxyVendor "$proxyVendor")
    GOPROXY=$go_proxy nix build --impure --no-link --rebuild -f tests/fixtures/go-proxy.nix --arg proxyVendor "$proxyVendor" vendor ||
      fail "proxyVendor = $proxyVendor: vendoring again from the proxy gave another output"
    if [ "$proxyVendor" = true ]; then
      [ -f "$vendor/example.com/greet/@v/v1.0.0.zip" ] || fail "proxyVendor's output is no module cache: $(find "$vendor" | head)"
      [ ! -e "$vendor/sumdb" ] || fail "proxyVendor's output has the checksum database's cache"
      drv=$(nix eval --impure --raw -f tests/fixtures/go-proxy.nix --arg proxyVendor true baseline.drvPath)
      drv_attrs "$drv" | jq -e --arg v "file://$vendor" '.env.GOPROXY == $v and .env.GOFLAGS == "-mod=mod" and .env.GOSUMDB == "off"' >/dev/null ||
        fail "proxyVendor's baseline doesn't build from the module cache: $(drv_attrs "$drv" | jq -c .env)"
    else
      [ -f "$vendor/example.com/greet/greet.go" ] || fail "the proxy's module is not vendored"
    fi
    for variant in baseline optimized; do
      out=$(GOPROXY=$go_proxy go_proxy_build "$variant" --arg proxyVendor "$proxyVendor")
      "$out/bin/hello" hi | has -x 'HI! 1800000' || fail "proxyVendor = $proxyVendor: $variant's hello doesn't greet"
    done
  done
}

test_go_vendor_that_reaches_no_proxy_names_the_remedies() {
  # example.com/greet is not in src, and GOPROXY names a closed port: go's error, then
  # every way out (network or GOPROXY for nix build, replace into src, committed vendor/).
  # (A hash no store path has, so that the vendor stage runs.)
  local proxyVendor command output pattern
  for proxyVendor in false true; do
    command=vendor
    [ "$proxyVendor" = true ] && command=download
    if output=$(GOPROXY=$(go_proxy_closed) nix build --impure --no-link -L -f tests/fixtures/go-proxy.nix \
      --arg proxyVendor "$proxyVendor" --argstr vendorHash "sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=" vendor 2>&1); then
      fail "proxyVendor = $proxyVendor: vendored with no proxy to reach"
    fi
    for pattern in "go mod $command failed \\(above\\).*GOPROXY \\(http://127.0.0.1:[0-9]+, from the environment\\)" \
      'example.com/greet' 'environment of `nix build`.*Nix daemon.*impureEnvVars' 'a `replace` directive' 'commit vendor/.*vendorHash = null;'; do
      echo "$output" | has -E -- "$pattern" || {
        echo "$output" | tail -n 20 >&2
        fail "proxyVendor = $proxyVendor: the message doesn't match '$pattern'"
      }
    done
  done
}

test_go_module_for_a_newer_go_names_the_toolchain_not_the_network_or_subPackages() {
  # go.mod's `go` line above the toolchain's Go: go refuses (GOTOOLCHAIN=local), and the
  # stages said the proxy was unreachable (vendor) or the subPackages entry was no package
  # (the builds) instead (the go trial: a module that moved to `go 1.28` on Go 1.27.3).
  local dir stage output
  dir=$(mktemp -d)
  cp -r tests/fixtures/go-wordfreq/module "$dir/wordfreq"
  cp -r tests/fixtures/go-other/module "$dir/primes"
  sed -i 's/^go 1\.[0-9.]*$/go 1.99/' "$dir/wordfreq/go.mod" "$dir/primes/go.mod"
  grep -qx 'go 1.99' "$dir/wordfreq/go.mod" || fail "the fixture's go.mod has no go line to raise"
  # The vendor stage of wordfreq (a local dependency), the build of primes (no vendor).
  for stage in vendor baseline; do
    if output=$(nix build --impure --no-link -L --expr "
      let
        nixPgo = import ./nix { toolchain = import ./nix/toolchain/host.nix { }; };
        p = name: vendorHash: nixPgo.buildGoPgoPackage {
          pname = name; version = \"0.1.0\"; src = /. + \"$dir/\${name}\"; inherit vendorHash;
          workloads = nixPgo.workloadsFromDir ./tests/fixtures/go-other { };
        };
      in { vendor = (p \"wordfreq\" \"sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=\").vendor; baseline = (p \"primes\" null).baseline; }.$stage" 2>&1); then
      fail "$stage built a module that requires go 1.99"
    fi
    echo "$output" | grep 'nix-pgo: error' || true
    echo "$output" | has -E 'requires go >= 1\.99 \(running go 1\.27\.3; GOTOOLCHAIN=local\) \(above\): the module needs a newer Go than the toolchain.*go = final\.go_1_99;.*lower the `go` line' ||
      fail "$stage: the failure doesn't name the Go version and the fix"
    ! echo "$output" | has -E 'is no package of the module|downloaded from GOPROXY' ||
      fail "$stage: the failure still gives the hint for another cause"
  done
}

test_go_module_with_a_go_work_beside_it_builds_as_the_module_alone() {
  # A go.work committed beside go.mod (repositories with several modules often have one)
  # put go in workspace mode: `go mod vendor` refused to run there, reported as a network
  # failure, and the builds failed as "subPackages entry '.' is no package" (the go trial).
  # nixpkgs packages set GOWORK=off by hand; the package is the module: the stages do.
  local dir out
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  printf 'go 1.21\n\nuse (\n\t.\n\t./textstats\n)\n' >"$dir/go.work"
  # (The fixture's own vendor first: --rebuild compares with an output of the same hash.)
  go_build vendor >/dev/null
  nix build --impure --no-link -L --rebuild -f tests/fixtures/go.nix --arg src "\"$dir\"" vendor ||
    fail "the module with a go.work did not vendor to the module's own vendor/"
  out=$(go_build baseline --arg src "\"$dir\"")
  echo one two two | "$out/bin/wordfreq" | has two || fail "the module with a go.work did not build a working wordfreq"
}

test_go_optimized_uses_the_profile_without_store_paths_and_rebuilds_bit_identically() {
  local optimized baseline info
  optimized=$(go_build optimized)
  baseline=$(go_build baseline)
  # (The first line names the file go read.)
  info=$("$GO" version -m "$optimized/bin/wordfreq" | tail -n +2)
  echo "$info"
  echo "$info" | has -E $'build\t-pgo=default.pgo$' || fail "optimized was not built with the profile (go version -m)"
  "$GO" version -m "$baseline/bin/wordfreq" | has -- '-pgo=' && fail "baseline was built with a profile"
  # profileUseGcflags' default reaches optimized, and only optimized.
  echo "$info" | has -E $'build\t-gcflags=all=-d=pgoinlinebudget=500$' || fail "optimized was not built with profileUseGcflags' default"
  "$GO" version -m "$baseline/bin/wordfreq" | has -- '-gcflags' && fail "baseline was built with profileUseGcflags"
  echo "$info" | has /nix/store && fail "a store path is in optimized's build info"
  strings "$optimized/bin/wordfreq" | has /nix/store && fail "a store path is in the optimized binary"
  nix-store --query --references "$optimized" | has . && fail "optimized refers to store paths"
  cmp -s "$optimized/bin/wordfreq" "$baseline/bin/wordfreq" && fail "optimized is the baseline binary"
  # meta.mainProgram (nix run) names the binary go build wrote for subPackages = [ "." ].
  [ -x "$optimized/bin/$(nix eval --impure --raw -f tests/fixtures/go.nix optimized.meta.mainProgram)" ] ||
    fail "meta.mainProgram is not optimized's binary: $(ls "$optimized/bin")"
  # The same profile gives the same binary.
  nix build --impure --no-link --rebuild -f tests/fixtures/go.nix optimized
}

test_go_profiles_come_from_program_runs_and_benchmarks() {
  local text bench profile
  text=$(go_build profiles.text)
  bench=$(go_build profiles.bench)
  profile=$(go_build profile)
  jq -e '.fingerprintAlgorithm == "blake3-canonical-pprof-v1" and .samples > 0' "$profile/nix-support/profile.json" ||
    fail "the profile's summary: $(cat "$profile/nix-support/profile.json")"
  # The program's run (the profiling build) and go test -bench both sampled the program.
  "$GO" tool pprof -raw "$text" 2>/dev/null | has 'textstats.Words' || fail "the run's profile has no textstats.Words"
  "$GO" tool pprof -raw "$bench" 2>/dev/null | has 'count.Top' || fail "the benchmark's profile has no count.Top"
  # The run's samples were scaled to the CPU time its processes used (the kernel's ticks
  # let fewer through than the 1000 Hz asked for), and in the merged profile a sample of
  # the 100 Hz benchmark counts 10 of the run's 1 ms periods, so that counts, which Go's
  # compiler weighs by, are CPU time in both.
  nix log "$text" | has -E "values scaled by [0-9.]+$" || fail "the run's profile was not scaled to its CPU time"
  # The fixture's training is short (half a second of CPU): the profile stage says so.
  nix log "$profile" | has -E "warning: the training recorded 0\.[0-9]+ s of CPU time, less than 5 s" ||
    fail "no warning about a thin training"
  local helper p file
  local -A period count
  helper=$(out_path .#host.helper)/bin/nix-pgo
  for p in text bench profile; do
    file=${!p}
    [ "$p" = profile ] && file=$profile/wordfreq.pgo
    read -r "period[$p]" "count[$p]" < <("$helper" --json pprof show "$file" | jq -r '"\(.period) \(.totals[0])"')
  done
  echo "periods: ${period[*]}; counts: text ${count[text]}, bench ${count[bench]}, merged ${count[profile]}"
  [ "${period[text]} ${period[bench]} ${period[profile]}" = "1000000 10000000 1000000" ] ||
    fail "periods (run, benchmark, merged) are ${period[text]} ${period[bench]} ${period[profile]}"
  ((count[profile] == count[text] + 10 * count[bench])) ||
    fail "the merged profile's ${count[profile]} samples are not the run's ${count[text]} and 10 times the benchmark's ${count[bench]}"
}

test_go_evaluation_compares_the_outputs_and_counts_instructions() {
  local evaluation
  evaluation=$(go_build evaluation)
  jq -r '.workloads[] | "\(.workload) \(.variants.baseline.instructions) \(.variants.optimized.instructions) \(.variants.baseline.stdout_sha256 == .variants.optimized.stdout_sha256)"' \
    "$evaluation/evaluation.json" |
    while read -r workload base count same; do
      echo "$workload: baseline $base, optimized $count"
      [ "$same" = true ] || fail "$workload: optimized printed something else"
      ((base > 0 && count > 0)) || fail "$workload: no instruction count"
    done
  go_build noRegression >/dev/null
}

test_go_release_ships_best_with_go_provenance_and_verifies() {
  local release best archive dir top
  release=$(go_build release)
  best=$(go_build best)
  archive=$(echo "$release"/wordfreq-*-x86_64-linux.tar.gz)
  [ -f "$archive" ] || fail "no release archive in $release"
  dir=$(mktemp -d)
  tar -xzf "$archive" -C "$dir"
  top=$(echo "$dir"/wordfreq-*)
  (cd "$top" && sha256sum -c SHA256SUMS) || fail "sha256sum -c disagrees with SHA256SUMS"
  "$(nix build --impure --no-link --json .#host.helper | jq -r '.[0].outputs.out')/bin/nix-pgo" verify-release "$archive"
  cmp "$top/bin/wordfreq" "$best/bin/wordfreq" || fail "the archive's binary is not the one best chose"
  jq . "$top/provenance.json"
  # The Go toolchain's own version line, the benchmark workload by its settings, the
  # program run by its script, and the variant best chose.
  jq -e --arg go "$("$GO" version)" --slurpfile choice "$best/nix-support/choice.json" '
      .toolchain.go == [$go] and (.toolchain | has("rustc") | not)
      and (.toolchain.id | startswith("host-go-"))
      and (.workloads.training[] | select(.name == "bench") | .benchmark != null and .script == null)
      and (.workloads.training[] | select(.name == "text") | .script.nar_hash | startswith("sha256-"))
      and .shipped.variant == $choice[0].chosen
      and .profile.summary.fingerprintAlgorithm == "blake3-canonical-pprof-v1"' "$top/provenance.json" >/dev/null ||
    fail "provenance.json does not describe the Go pipeline"
  nix build --impure --no-link --rebuild -f tests/fixtures/go.nix release || fail "the Go release is not reproducible"
}

test_go_stripped_binary_is_optimized_and_its_evaluation_repeats() {
  local baseline optimized evaluation
  # ldflags = [ "-s" "-w" ], as in many of nixpkgs' Go packages: no .symtab, so the
  # profile is matched against the function table the runtime keeps (.gopclntab), and
  # callgrind names no runtime.newosproc, so the evaluation repeats every run anyway.
  baseline=$(go_build stripped.baseline)
  readelf -S "$baseline/bin/wordfreq" | has -F .symtab && fail "the stripped fixture has a symbol table"
  optimized=$(go_build stripped.optimized)
  "$GO" version -m "$optimized/bin/wordfreq" | has -E $'build\t-pgo=default.pgo$' || fail "stripped optimized has no profile"
  # The program's own functions all match; not the whole profile's value: the benchmark
  # workload's samples that land in the test harness (runtime.ReadMemStats under
  # testing.B, when one does) are in no build of the program (a cold run saw 10 of 148 ms).
  jq -e '.programValueRate == 1' "$optimized"/nix-support/profile-match-wordfreq.json ||
    fail "the profile did not match the stripped binary: $(cat "$optimized"/nix-support/profile-match-wordfreq.json)"
  evaluation=$(go_build stripped.evaluation)
  jq -e '[.workloads[].variants[].spread | .repeats == 5 and .threads_started_by == ["the Go runtime"]] | all' \
    "$evaluation/evaluation.json" >/dev/null || fail "the stripped binary's runs did not repeat: $(jq -c '[.workloads[].variants[].spread]' "$evaluation/evaluation.json")"
}

test_go_workload_that_never_runs_the_program_is_refused() {
  go_fails "workload 'never-ran' exited 0 but wrote no CPU profile data" neverRan
  go_fails "never ran the profiling program \(wordfreq\)" neverRan
}

test_go_workload_failure_names_its_line_of_the_script() {
  # The Go stage's variables are exported by the runner, not by a wrapper script whose
  # line numbers the message used to quote (the goldmark trial: "line 1 of the script:
  # export GOGC=…" for a failure on the user's line 1, an empty text past the wrapper's end).
  go_fails "It failed at line 3 of the script: wordfreq </dev/null \| grep -q never-printed" failsAtLine3
  go_fails "That line has a pipeline" failsAtLine3
  go_fails "GOGC is off" failsAtLine3
}

test_go_benchmark_settings_and_patterns_that_run_nothing_are_named() {
  # The goldmark trial: `benchTime` was ignored (the benchmarks ran for the default 1s), a
  # pattern matching no benchmark read as "no samples … an idle service", and
  # package = "./cmd/x" ran go test on ././cmd/x.
  go_fails "benchmark has benchTime, which is not a benchmark setting: the settings are .package. .*, .bench. .* and .benchtime." benchmarkTypo
  go_fails "no benchmark of ./internal/count matches bench = \"Tpo\" \(go test's -bench pattern\), so none ran. Its benchmarks: BenchmarkTop" benchmarkNoMatch
  local log
  # (The log as Nix kept it: the build may have run in an earlier test run.)
  log=$(nix log "$(go_build benchmarkDotSlash)") || fail "package = \"./internal/count\" failed"
  echo "$log" | has -F "./internal/count" || fail "go test did not run ./internal/count"
  echo "$log" | has -F "././" && fail "the package was run as ././…"
  true
}

test_go_sub_packages_each_a_program_and_one_the_training_never_ran() {
  local log optimized
  # The goldmark trial: a second program the training didn't run failed optimized with
  # "a profile of another program? … Regenerate it", which could not help. Go's PGO reads
  # one profile for the whole build; the other program is built with it, and warned about.
  optimized=$(go_build twoPrograms)
  # (Its log as Nix kept it: the build may have run in an earlier test run.)
  log=$(nix log "$optimized")
  echo "$log" | has -F "warning: the profile is of wordfreq, not of wordcount: no training workload ran wordcount, so PGO optimizes only the code it shares with wordfreq (none of the program's own functions in default.pgo" ||
    fail "no warning about wordcount: $log"
  # The helper's verdict on wordcount is in the warning, not an error of a build that succeeds.
  echo "$log" | has -F "nix-pgo: error:" && fail "a build that succeeds printed an error: $log"
  "$GO" version -m "$optimized/bin/wordcount" | has -E $'build\t-pgo=default.pgo$' || fail "wordcount was not built with the profile"
  [ -x "$optimized/bin/wordfreq" ] || fail "no wordfreq"
  # A directory that isn't there, and a package that is no program, named as subPackages.
  go_fails "subPackages entry 'cmd/wordcuont' is no package of the module in . of src" missingSubPackage
  go_fails "subPackages entry 'internal/count' is package count, not a main package" libraryAsSubPackage
}

test_go_profiles_that_are_not_usable_are_refused_before_building() {
  go_fails 'not a pprof profile: it is text' notPprof
  go_fails 'not a pprof profile: it is empty' emptyProfile
  go_fails "the profile can't be used for wordfreq" otherProgram
}

test_go_lock_writes_default_pgo_and_optimized_uses_only_the_locked_profile() {
  local dir update optimized drv locked
  dir=$(mktemp -d)
  update=$(go_build updateProfile)
  "$update/bin/update-profile" "$dir/pgo.lock.json" "$dir/default.pgo"
  jq -e '.profiles.wordfreq[] | .fingerprintAlgorithm == "blake3-canonical-pprof-v1"' "$dir/pgo.lock.json" ||
    fail "the lock: $(cat "$dir/pgo.lock.json")"
  # Another default.pgo than the locked one: refused when the locked profile is realised,
  # naming the fix. (Once realised, Nix has it by its hash; an earlier run may have
  # realised it: deleted first.)
  locked=$(jq -r '.profiles.wordfreq[].storePath' "$dir/pgo.lock.json")
  # With what refers to it: test_go_lock_choice_… (before this one) builds an updateChoice,
  # whose script refers to the locked profile, and Nix deletes no path that is referred to.
  nix-store --query --referrers-closure "$locked" 2>/dev/null | xargs -r nix-store --delete >/dev/null 2>&1 || true
  cp "$dir/default.pgo" "$dir/good.pgo"
  cp "$(go_build primes.profile)/primes.pgo" "$dir/default.pgo"
  # (The profile itself: an optimized build already in the store needs none of its inputs.)
  go_fails 'has fingerprint .* but pgo.lock.json locks' profile --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo"
  go_fails "the package's updateProfile" profile --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo"
  mv "$dir/good.pgo" "$dir/default.pgo"
  # Locked, with the committed default.pgo: the profile is the fixed-output one.
  drv=$(nix eval --impure --raw -f tests/fixtures/go.nix --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo" profile.drvPath)
  show_drv "$drv" | jq -e '.[].outputs.out.hash' >/dev/null || fail "the locked profile is not fixed-output"
  optimized=$(go_build optimized --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo")
  "$GO" version -m "$optimized/bin/wordfreq" | has -E $'build\t-pgo=default.pgo$' || fail "locked optimized has no profile"
  [ "$(nix eval --impure --raw -f tests/fixtures/go.nix --arg lockFile "$dir/pgo.lock.json" --arg defaultPgo "$dir/default.pgo" profile.outPath)" = "$locked" ] ||
    fail "the locked profile is not at the lock's store path $locked"
  # Replacing an imported profile (its provenance beside it) is said (the go-import trial).
  cp "$(go_build primes.profile)/primes.pgo" "$dir/default.pgo"
  echo '{}' >"$dir/default.pgo.provenance.json"
  "$update/bin/update-profile" "$dir/pgo.lock.json" "$dir/default.pgo" 2>"$dir/err"
  has "default.pgo was imported (nix-pgo import: .*provenance.json is beside it), and is replaced" <"$dir/err" ||
    fail "update-profile replaced an imported profile silently: $(cat "$dir/err")"
}

test_go_locked_profile_check_names_a_training_workload_edited_since() {
  # A locked profile is not retrained, and a sampled one can't be compared with a retrained
  # one: the lock records what each training workload was made of, and the profileFresh
  # check names one edited since (the goldmark trial: an edited, even a broken, training
  # script went unnoticed by `nix flake check` and the release).
  local dir update locked fresh edited release
  dir=$(mktemp -d)
  update=$(go_build updateProfile)
  "$update/bin/update-profile" "$dir/pgo.lock.json" "$dir/default.pgo"
  jq -e '.profiles.wordfreq[].trainingSources | (.text.script | startswith("sha256-")) and (.bench.benchmark.bench == "Top")' \
    "$dir/pgo.lock.json" >/dev/null || fail "the lock records no training sources: $(cat "$dir/pgo.lock.json")"
  locked="(import ./tests/fixtures/go.nix { lockFile = $dir/pgo.lock.json; defaultPgo = $dir/default.pgo; }).wordfreq"
  nix eval --impure --json --expr "(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).checksFor { pipelines.wordfreq = $locked; }" --apply builtins.attrNames |
    has '"wordfreq-profile-fresh"' || fail "the locked Go package has no profile-fresh check"
  fresh=$(nix build --impure --no-link --json --expr "$locked.profileFresh" | jq -r '.[0].outputs.out')
  has "are those it was locked with" <"$fresh/training.txt" || fail "profileFresh: $(cat "$fresh/training.txt")"
  edited="let p = $locked; w = p.workloads; in p.override {
    workloads = w // { training = w.training // { text = w.training.text // { script = builtins.toFile \"text.sh\" \"wordfreq /dev/null\"; }; }; };
  }"
  expect_failure "the profile locked for wordfreq was trained on workloads that have changed since: script of 'text' \(sha256-.*, now sha256-.*\)" \
    nix build --impure --no-link --expr "($edited).profileFresh"
  # A provenance left beside it by an earlier import (of another profile) doesn't make the
  # trained profile an imported one, whose training is not checked (the go-import trial).
  echo '{"fingerprint": "0123456789abcdef"}' >"$dir/default.pgo.provenance.json"
  expect_failure "the profile locked for wordfreq was trained on workloads that have changed since" \
    nix build --impure --no-link --expr "($edited).profileFresh"
  rm "$dir/default.pgo.provenance.json"
  # The release still ships the locked profile, and its provenance says what it was
  # trained on is not what workloads.training lists.
  release=$(nix build --impure --no-link --json --expr "($edited).release" | jq -r '.[0].outputs.out')
  tar -xzf "$release"/wordfreq-*.tar.gz -O --wildcards '*/provenance.json' |
    jq -e '.profile.training_changed_since_lock == [.profile.training_changed_since_lock[0]] and (.profile.training_changed_since_lock[0] | startswith("text: script: sha256-"))' >/dev/null ||
    fail "the release's provenance does not say the training changed since the lock"
  # Settings as they were and are, and no NAR hash named (the trial's re-check).
  expect_failure "benchmark settings of 'bench' \(\{\"bench\":\"Top\",\"benchtime\":\"200x\",\"package\":\"internal/count\"\}, now \{\"bench\":\"Top\",\"benchtime\":\"5x\",\"package\":\"internal/count\"\}\)\. Every build" \
    nix build --impure --no-link --expr "let p = $locked; w = p.workloads; in (p.override {
      workloads = w // { training = w.training // { bench.benchmark = { package = \"internal/count\"; bench = \"Top\"; benchtime = \"5x\"; }; }; };
    }).profileFresh"
  # A weight in the merge changed since (the go trial: `workloadWeights.bench = 5` after
  # locking left the check passing, and the release shipping a profile weighted 1).
  expect_failure "weight of 'bench' \(1, now 5\)\. Every build" \
    nix build --impure --no-link --expr "($locked.override { workloadWeights.bench = 5; }).profileFresh"
}

test_go_locked_trained_profile_gone_stale_fails_profile_fresh() {
  # A committed, trained default.pgo goes stale as the source moves on while the training
  # workloads stay as they were: the lock's training sources still agree, but the functions
  # the profile names are gone. profileFresh checks its staleness as it does an imported
  # profile's, and the fix is the retrain (update-profile), not a re-import.
  local dir update fresh locked
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  # A second function of the program's own that the training spends time in, which stays:
  # with none of them left, optimized itself refuses the profile ("a profile of another
  # program?"), and profileFresh is not reached.
  sed -i 's/^\t"os"$/\t"os"\n\t"strings"/; s/count\.Top(words, 10)/count.Top(lower(words), 10)/' "$dir/main.go"
  cat >>"$dir/main.go" <<'EOF'

//go:noinline
func lower(words []string) []string {
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return words
}
EOF
  update=$(go_build updateProfile --arg src "\"$dir\"")
  (cd "$dir" && "$update/bin/update-profile")
  # Unedited: the training is the locked one and the program has every function.
  fresh=$(go_build wordfreq.profileFresh --arg src "\"$dir\"")
  has "are those it was locked with" <"$fresh/training.txt" || fail "profileFresh: $(cat "$fresh/training.txt")"
  jq -e '.stalePercent == 0 and .maxStale == 10' "$fresh/staleness.json" >/dev/null ||
    fail "the unedited trained profile's staleness: $(cat "$fresh/staleness.json")"
  # The hottest function of the program's own renamed (count.Top, with its closure: most of
  # that time; BenchmarkTop and the benchmark's settings kept, so the training is the
  # locked one).
  sed -i 's/\bTop(/Rank(/g' "$dir/main.go" "$dir/internal/count/count.go" "$dir/internal/count/count_test.go"
  expect_failure "the profile is stale: [0-9.]+% of its .* under the program's own functions is in functions wordfreq no longer has .*more than maxStale 10.0%: example\.com/wordfreq/internal/count\.Top.*retrain on this source and re-lock with the package's updateProfile" \
    nix build --impure --no-link -f tests/fixtures/go.nix --arg src "\"$dir\"" wordfreq.profileFresh
  # maxStale = 100 never fails, and keeps the figure.
  locked="(import ./tests/fixtures/go.nix { src = \"$dir\"; }).wordfreq.override { maxStale = 100; }"
  fresh=$(nix build --impure --no-link --json --expr "($locked).profileFresh" | jq -r '.[0].outputs.out')
  jq -e '.stalePercent > 10 and .maxStale == 100 and (.missing | map(.[0]) | index("example.com/wordfreq/internal/count.Top"))' \
    "$fresh/staleness.json" >/dev/null || fail "profile-fresh with maxStale = 100: $(cat "$fresh/staleness.json")"
}

test_go_locked_profile_without_its_default_pgo_fails_at_once_naming_it() {
  # A lock whose profile is in no store and whose default.pgo was not committed (the
  # go-import trial: not git add-ed): the training would never give the locked fingerprint
  # of a sampled profile, so the build fails at once, naming the file, and trains nothing.
  local hash
  hash=$(head -c 32 /dev/urandom | base64)
  expect_failure "there is no committed cmd/x/default.pgo to build it from: its default.pgo is not in src. Commit it" \
    nix build --impure --no-link --expr "(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).goLockedProfile {
      pname = \"x\"; committedPath = \"cmd/x/default.pgo\"; unlocked = throw \"the training is not needed\";
      entry = { fingerprint = \"$(printf '0%.0s' {1..64})\"; narHash = \"sha256-$hash\"; name = \"x-pgo-profile\"; };
    }"
}

test_go_lock_choice_ships_the_locked_variant_without_an_evaluation() {
  # lockChoice: every Go program starts threads, so its evaluation counts move; the lock
  # holds best's choice, and the locked release depends on no evaluation.
  local dir update best release_drv locked
  dir=$(mktemp -d)
  update=$(nix build --impure --no-link --json --expr '(import ./tests/fixtures/go.nix { }).wordfreq.override { lockChoice = true; }' updateProfile | jq -r '.[0].outputs.out')
  best=$(go_build best)
  "$update/bin/update-profile" "$dir/pgo.lock.json" "$dir/default.pgo"
  diff <(jq -S .profiles.wordfreq[].choice "$dir/pgo.lock.json") <(jq -S . "$best/nix-support/choice.json") ||
    fail "the lock's choice is not the unlocked package's best choice"
  locked="((import ./tests/fixtures/go.nix { lockFile = $dir/pgo.lock.json; defaultPgo = $dir/default.pgo; }).wordfreq.override { lockChoice = true; })"
  release_drv=$(nix eval --impure --raw --expr "$locked.release.drvPath")
  ! nix-store --query --requisites "$release_drv" | grep -E -- '-evaluation-' ||
    fail "the Go release of a locked choice still depends on an evaluation"
  [ "$(nix eval --impure --json --expr "$locked.best.passthru.lockedChoice")" = true ] ||
    fail "the locked Go package's best does not take the lock's choice"
  # updateChoice: the choice again, from the locked profile's variants, without training;
  # the entry but its choice, and default.pgo, stay as they were.
  cp "$dir/pgo.lock.json" "$dir/before.json"
  cp "$dir/default.pgo" "$dir/before.pgo"
  ! nix-store --query --requisites "$(nix eval --impure --raw --expr "$locked.updateChoice.drvPath")" | grep -E -- '-(profiling|profile-bench|profile-text)-' ||
    fail "the Go package's updateChoice depends on the training"
  update=$(nix build --impure --no-link --json --expr "$locked.updateChoice" | jq -r '.[0].outputs.out')
  "$update/bin/update-choice" "$dir/pgo.lock.json" "$dir/default.pgo"
  diff <(jq -S 'del(.profiles[][].choice)' "$dir/before.json") <(jq -S 'del(.profiles[][].choice)' "$dir/pgo.lock.json") ||
    fail "update-choice changed the Go package's locked entry"
  jq -e '.profiles.wordfreq[].choice.chosen' "$dir/pgo.lock.json" >/dev/null || fail "update-choice locked no choice"
  cmp "$dir/before.pgo" "$dir/default.pgo" || fail "update-choice changed default.pgo"
}

test_go_committed_default_pgo_and_lock_in_src_rebuild_no_baseline() {
  local dir before update after
  # The module at its root (subPackages = [ "." ], the default), as a user's repository.
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  before=$(nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$dir\"" baseline.drvPath)
  nix eval --impure -f tests/fixtures/go.nix --arg src "\"$dir\"" wordfreq.locked | has false || fail "locked without a lock"
  update=$(go_build updateProfile)
  (cd "$dir" && "$update/bin/update-profile")
  [[ -f $dir/default.pgo && -f $dir/pgo.lock.json ]] || fail "update-profile did not write default.pgo and pgo.lock.json into $dir"
  echo '{"sources": []}' >"$dir/default.pgo.provenance.json"
  nix eval --impure -f tests/fixtures/go.nix --arg src "\"$dir\"" wordfreq.locked | has true || fail "the lock in src is not used"
  after=$(nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$dir\"" baseline.drvPath)
  [ "$before" = "$after" ] || fail "committing default.pgo, its provenance and the lock changed baseline: $before, then $after"
}

test_go_update_profile_run_outside_src_without_paths_writes_nothing() {
  # The package reads src's pgo.lock.json and default.pgo; update-profile's default paths
  # are relative to where it runs. Run from a subdirectory (the go trial: cmd/log-digest/),
  # it wrote ./pgo.lock.json and ./cmd/…/default.pgo there, which no build reads.
  local dir update
  dir=$(mktemp -d)/module
  cp -r tests/fixtures/go-wordfreq/module "$dir"
  chmod -R u+w "$dir"
  update=$(go_build updateProfile --arg src "\"$dir\"")
  expect_failure "update-profile: $dir/internal has no go.mod: it is not where wordfreq's src is .*reads its src's pgo.lock.json.*update-profile LOCK_FILE DEFAULT_PGO. Nothing written." \
    bash -c "cd '$dir/internal' && '$update/bin/update-profile'"
  [ -z "$(find "$dir" -name pgo.lock.json -o -name default.pgo)" ] || fail "update-profile wrote outside src: $(find "$dir" -name pgo.lock.json -o -name default.pgo)"
  # Given paths, it writes them from anywhere; at src's root, its defaults.
  (cd "$dir/internal" && "$update/bin/update-profile" ../pgo.lock.json ../default.pgo)
  [[ -f $dir/default.pgo && -f $dir/pgo.lock.json ]] || fail "update-profile with paths did not write them"
  rm "$dir/default.pgo" "$dir/pgo.lock.json"
  (cd "$dir" && "$update/bin/update-profile")
  [[ -f $dir/default.pgo && -f $dir/pgo.lock.json ]] || fail "update-profile at src's root did not write default.pgo and pgo.lock.json"
}

test_go_nixpkgs_toolchain_builds_with_pkgs_go() {
  local sysroot goroot out
  sysroot=$(readlink -f "$(rustc --print sysroot)")
  goroot=$(jq -r .goroot nix/toolchain/hostGo.json)
  # The stand-in's go links the pinned GOROOT, bound at its own path; nothing else of Go.
  out=$(nix build --no-link --json --print-build-logs --impure -f tests/fixtures/stub-nixpkgs-host \
    --arg sysroot "\"$sysroot\"" --option sandbox-paths "$(host_sandbox_paths "$sysroot") $goroot" goWordfreq.optimized |
    jq -r '.[0].outputs.out')
  "$out/bin/wordfreq" <<<'b a b' | has -E '^ +2 b$' || fail "the optimized wordfreq doesn't count words"
  drv_attrs "$(nix eval --impure --raw -f tests/fixtures/stub-nixpkgs-host --arg sysroot "\"$sysroot\"" goWordfreq.optimized.drvPath)" |
    jq -e '.nixPgoToolchain | startswith("nixpkgs-go-1.27.3-x86_64-linux-")' >/dev/null || fail "not nixpkgs' go"
}

test_go_toolchain_missing_from_the_sandbox_is_named() {
  # The sandbox without the pinned GOROOT (as before scripts/setup-host added it).
  go_fails 'not visible in the build sandbox.*scripts/setup-host' vendor \
    --argstr vendorHash "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=" \
    --option sandbox-paths "/bin /lib /lib64 /usr /etc/alternatives $(readlink -f "$(rustc --print sysroot)")"
}
