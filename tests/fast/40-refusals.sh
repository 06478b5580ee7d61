# shellcheck shell=bash
# Bad input refused at evaluation, with a message that says what to do: nothing is built.

test_missing_cargo_lock_is_refused_at_evaluation() {
  expect_failure "buildPgoPackage \(no-lock\): no Cargo.lock in .*/no-lock" fixture_eval noCargoLock.optimized.drvPath
  expect_failure "run .cargo generate-lockfile." fixture_eval noCargoLock.optimized.drvPath
  # A src that is a flake's self or a filtered source has its Cargo.lock read too (it was
  # refused as "a derivation"), and builds the same source as the path itself.
  local lib='import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }' args path self
  args='pname = "my-tool"; version = "0.1.0"; workloads.training.a.script = builtins.toFile "a.sh" "my-tool";'
  path=$(nix eval --impure --raw --expr "(($lib).buildPgoPackage { $args src = ./tests/fixtures/my-tool; }).baseline.drvPath")
  self=$(nix eval --impure --raw --expr "(($lib).buildPgoPackage { $args src = { outPath = builtins.path { path = ./tests/fixtures/my-tool; name = \"source\"; }; }; }).baseline.drvPath")
  [ "$path" = "$self" ] || fail "a self-like src builds another baseline: $path, $self"
}

test_names_that_cannot_name_files_are_refused_at_evaluation() {
  expect_failure "training workload 'html two'.*letters, digits" fixture_eval badWorkloadName.drvPath
  expect_failure "input 'my input' of training workload 'tiny'" fixture_eval badInputName.drvPath
  expect_failure "Hydra jobs: training workload 'v1.2'" fixture_eval dottedWorkloadName.drvPath
  fixture_eval dottedInputName.drvPath >/dev/null
  # A string path is refused when the stage is evaluated: the sandbox could not see it.
  expect_failure "input 'corpus' of workload 'tiny' is the string.*Give a path" fixture_eval stringInput.drvPath
}

test_a_pname_that_cannot_name_a_store_path_is_refused_and_a_dot_is_not() {
  local go='(import ./tests/fixtures/go.nix { }).wordfreq'
  for pkg in "(import ./tests/fixtures/demo.nix)" "$go"; do
    expect_failure "pname 'my tool' can't name a store path: use letters, digits and '-', '_', '.', '\+'" \
      nix eval --impure --raw --expr "($pkg.override { pname = \"my tool\"; }).optimized.drvPath"
    nix eval --impure --raw --expr "($pkg.override { pname = \"my.tool\"; }).baseline.drvPath" >/dev/null ||
      fail "a pname with a dot is refused: $pkg"
  done
}

test_a_misspelt_workload_weight_is_refused_naming_the_argument() {
  expect_failure "buildPgoPackage \(pulldown-cmark\): workloadWeights names 'gide', which is not a training workload \(misspelt\?\): the training workloads are commands, guide, reference" \
    nix eval --impure --raw --expr '((import ./tests/fixtures/demo.nix).override { workloadWeights.gide = 2; }).optimized.drvPath'
  expect_failure "buildGoPgoPackage \(wordfreq\): workloadWeights names 'txt'" \
    nix eval --impure --raw --expr '((import ./tests/fixtures/go.nix { }).wordfreq.override { workloadWeights.txt = 2; }).optimized.drvPath'
}

test_a_misspelt_kind_of_workload_is_refused_at_evaluation() {
  expect_failure "workloads has 'evalution', which is not a kind of workload: the kinds are training, evaluation, broad" fixture_eval misspeltKind.optimized.drvPath
  expect_failure "workloads has 'evalution', which is not a kind of workload: the kinds are training, evaluation \\(misspelt" \
    nix eval --impure --raw -f tests/fixtures/go.nix misspeltKind.optimized.drvPath
}

test_a_misspelt_or_mistyped_workload_setting_is_refused_at_evaluation() {
  expect_failure "training workload 'tiny' has 'timout', which is not a workload setting: the settings are script, inputs, timeout" \
    fixture_eval misspeltSetting.optimized.drvPath
  expect_failure "the timeout of training workload 'tiny' must be a number of seconds, an integer above 0 \\(e.g. timeout = 1200;\\), not \"600\"" \
    fixture_eval stringTimeout.optimized.drvPath
  # The other language's kind of run, or two runs in one workload: refused, not ignored
  # (Nix review: Rust ignored a benchmark, Go a cargoTest, and Go ran a benchmark instead of
  # the script beside it).
  local go='(import ./tests/fixtures/go.nix { }).wordfreq' s='script = builtins.toFile "t.sh" "wordfreq";'
  expect_failure "training workload 'tiny' has 'benchmark', which is Go's \(buildGoPgoPackage: go test -bench\): a workload here runs script or cargoTest" \
    nix eval --impure --raw --expr "((import ./tests/fixtures/demo.nix).override { workloads.training.tiny = { $s benchmark = { package = \"./x\"; }; }; }).optimized.drvPath"
  expect_failure "training workload 't' has 'cargoTest', which is Rust's \(buildPgoPackage: the package's tests\): a workload here runs script or benchmark" \
    nix eval --impure --raw --expr "($go.override { workloads.training.t = { $s cargoTest = { }; }; }).optimized.drvPath"
  expect_failure "training workload 't' has both 'benchmark' and 'script': a workload runs one of them" \
    nix eval --impure --raw --expr "($go.override { workloads.training.t = { $s benchmark = { package = \"./x\"; }; }; }).optimized.drvPath"
}

test_a_misspelt_argument_of_workloads_from_dir_is_named() {
  expect_failure "workloadsFromDir .*/go-other: unknown argument\(s\) evaluationInput; it takes inputs, evaluationInputs" \
    nix eval --impure --expr '(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).workloadsFromDir ./tests/fixtures/go-other { evaluationInput = { }; }'
  # workloadInputs names a workload that isn't there (a typo, or one of another directory),
  # or gives a path where a set of inputs goes.
  expect_failure "workloadInputs names cuont, which is no workload there; the workloads are count \(train/, eval/, broad/ <name>.sh\)" \
    nix eval --impure --expr '(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).workloadsFromDir ./tests/fixtures/go-other { workloadInputs.cuont = { }; }'
  expect_failure "workloadInputs.count is a path, not a set of inputs: write workloadInputs.count = \{ <name> = ./path; \};" \
    nix eval --impure --expr '(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).workloadsFromDir ./tests/fixtures/go-other { workloadInputs.count = ./README.md; }'
}

test_a_lock_without_this_package_or_toolchain_is_refused_but_update_profile_still_runs() {
  local dir demo
  dir=$(mktemp -d)
  demo="(import ./tests/fixtures/demo.nix).override { lockFile = $dir/pgo.lock.json; }"
  # A lock shared with another package, and one of another toolchain (a colleague's rustc).
  for lock in '{"version":1,"profiles":{"other-tool":{"some-toolchain":{}}}}' \
    '{"version":1,"profiles":{"pulldown-cmark":{"host-rust-1.94.1-old":{}}}}'; do
    echo "$lock" >"$dir/pgo.lock.json"
    expect_failure "re-lock it with the package's updateProfile" nix eval --impure --raw --expr "($demo).optimized.drvPath"
    # A lock shared by several packages of one src (a Cargo workspace's members): a package
    # meant to build unlocked is named the way.
    if [[ $lock == *other-tool* ]]; then
      expect_failure "keeps the other packages'\); or, to build pulldown-cmark unlocked, give it .lockFile = null;." \
        nix eval --impure --raw --expr "($demo).optimized.drvPath"
    fi
    # The command the message names must not throw the same error.
    nix eval --impure --raw --expr "($demo).updateProfile.drvPath" >/dev/null ||
      fail "updateProfile does not evaluate with the lock $lock"
  done
}

test_lock_file_null_builds_unlocked_though_src_has_a_lock() {
  # A flake whose src holds a lock can still build one package unlocked (`lockFile =
  # null`), as with buildGoPgoPackage; not given, src's lock is found.
  local dir pkg
  dir=$(mktemp -d)
  cp -r tests/fixtures/line-server/. "$dir"
  echo '{"version":1,"profiles":{"line-server":{"some-toolchain":{}}}}' >"$dir/pgo.lock.json"
  pkg="(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).buildPgoPackage {
    pname = \"line-server\"; version = \"0.1.0\"; src = $dir; bolt = false;
    workloads.training.run.script = builtins.toFile \"run.sh\" \"line-server\"; }"
  [ "$(nix eval --impure --json --expr "($pkg).has.lock")" = true ] || fail "src's pgo.lock.json was not found"
  [ "$(nix eval --impure --json --expr "(($pkg).override { lockFile = null; }).has.lock")" = false ] ||
    fail "lockFile = null still used src's pgo.lock.json"
  nix eval --impure --raw --expr "(($pkg).override { lockFile = null; }).optimized.drvPath" >/dev/null ||
    fail "the unlocked package does not evaluate"
}

test_the_host_toolchain_says_what_a_pure_evaluation_and_a_missing_home_need() {
  local flake
  # A user's flake on lib.host, evaluated without --impure (the trial's first mistake).
  flake=$(mktemp -d)
  printf '{ inputs.nix-pgo.url = "git+file://%s"; outputs = { nix-pgo, ... }: { rustc = nix-pgo.lib.host.toolchain.rustc; }; }\n' "$PWD" >"$flake/flake.nix"
  expect_failure "which Nix hides from a pure evaluation: build with .--impure." nix eval "path:$flake#rustc"
  # The host Go, the same way (the goldmark trial: "no Go at /opt/nix-pgo/go-1.27.3: run
  # scripts/setup-host", where Go was installed).
  printf '{ inputs.nix-pgo.url = "git+file://%s"; outputs = { nix-pgo, ... }: { go = nix-pgo.lib.host.toolchain.go.id; }; }\n' "$PWD" >"$flake/flake.nix"
  expect_failure "which a pure evaluation can't see: build with .--impure." nix eval "path:$flake#go"
  expect_failure "neither RUSTUP_HOME nor HOME is set" \
    env -u HOME -u RUSTUP_HOME nix eval --impure --expr "(import $PWD/nix/toolchain/host.nix { }).rustc"
}

test_tests_as_workloads_are_refused_where_they_cannot_apply() {
  local demo="(import ./tests/fixtures/demo.nix)"
  # refused PATTERN OVERRIDE [ATTR]: evaluating ATTR (optimized) of the demo with OVERRIDE
  # fails, matching PATTERN.
  refused() {
    expect_failure "$1" nix eval --impure --raw --expr "($demo.override { $2 }).${3:-optimized}.drvPath"
  }
  local withTraining="workloads = $demo.workloads // { training = $demo.workloads.training"
  # Evaluation compares built programs; tests don't run them.
  refused "evaluation workload\(s\) unit are the package's tests \(cargoTest\)" \
    "workloads = $demo.workloads // { evaluation.unit.cargoTest = { }; };"
  # BOLT trains on runs of the program it rewrites.
  refused "every training workload is the package's tests \(cargoTest\).*set .bolt = false;." \
    "workloads.training.unit.cargoTest = { };"
  # A script and tests at once, or neither.
  refused "training workload 'both' has both 'cargoTest' and 'script': a workload runs one of them" \
    "workloads.training.both = { script = ./tests/fixtures/workloads/tiny.sh; cargoTest = { }; };"
  refused "workload\(s\) broad.none need either" "workloads = $demo.workloads // { broad.none = { inputs = { }; }; };"
  # A string would reach cargo as one argument.
  refused "cargoTest.testArgs must be a list of strings, one per argument" \
    "$withTraining // { unit.cargoTest.testArgs = \"--skip x\"; }; };" profiles.unit
  # A misspelt setting.
  refused "cargoTest has testargs; it takes .args." "$withTraining // { unit.cargoTest.testargs = [ ]; }; };" profiles.unit
}

test_update_profile_says_where_the_package_reads_its_lock() {
  # A derivation as src (crateSource) is not searched for pgo.lock.json: update-profile's
  # message says so and what to give instead (the fd trial committed a lock nothing read).
  local package='let nixPgo = import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }; in nixPgo.buildPgoPackage {
    pname = "pulldown-cmark"; version = "0.13.6";
    src = nixPgo.crateSource { pname = "pulldown-cmark"; version = "0.13.6"; sha256 = "3db2be46835f013dd3f4fa7f5f7402c537787b54ebb6fe2b94bbdd7e2669bb7b"; };
    cargoLock = ./examples/pulldown-cmark/Cargo.lock;
    workloads.training.tiny.script = ./tests/fixtures/workloads/tiny.sh;
  }'
  nix eval --impure --raw --expr "($package).updateProfile.lockSource" |
    has -F 'its src is a derivation, which Nix does not look into at evaluation, so no pgo.lock.json is searched for in it. Give it `lockFile = ./pgo.lock.json;`' ||
    fail "update-profile does not say that a derivation src is not searched"
  nix eval --impure --raw --expr "(($package).override { src = ./tests/fixtures/workspace; }).updateProfile.lockSource" |
    has -F "its src's pgo.lock.json" || fail "update-profile does not name src's pgo.lock.json"
  # The demo gives lockFile (null until the file exists).
  nix eval --impure --raw -f tests/fixtures/demo.nix updateProfile.lockSource |
    has -F 'its lockFile, null in this evaluation' || fail "update-profile does not name the demo's lockFile"
  # Go's says the same of its lock and default.pgo (internal/lockSource.nix).
  nix eval --impure --raw -f tests/fixtures/go.nix primes.updateProfile.lockSource |
    has -Fx "its src's pgo.lock.json, and its default.pgo from its src's default.pgo" ||
    fail "Go's update-profile does not say where its package reads the lock and default.pgo"
  # The script it writes prints the message as it is (it holds backquotes): the script
  # made by updateProfile.sh, run with `true` as the helper.
  local dir source
  dir=$(mktemp -d)
  source=$(nix eval --impure --raw --expr "($package).updateProfile.lockSource")
  # update_script OUT COPY_NOTE ROOT_MARKER: updateProfile.sh's script in OUT/bin, with
  # `true` as the helper.
  update_script() (
    export out=$1 pname=p toolchainId=t defaultLockPath=pgo.lock.json helper=true llvmProfdata=x \
      profile=x lockName=n profileCopy='' boltProfileCopy='' boltProfile='' lockSource=$source \
      command=update-profile purpose=p trainingSources='' lockScript=nix/stages/update-profile/lockScript.sh copyNote=$2 rootMarker=$3
    # shellcheck disable=SC2034 # read by the sourced lockScript.sh
    workloadArgs=()
    source nix/stages/update-profile/updateProfile.sh
  )
  update_script "$dir/out" "a 'note'" ""
  (cd "$dir" && "$dir/out/bin/update-profile" 2>"$dir/message") || fail "update-profile failed: $(cat "$dir/message")"
  has -F "p reads its lock from $source. Commit" <"$dir/message" || fail "update-profile's message is not the lockSource: $(cat "$dir/message")"
  has -Fx "update-profile: a 'note'" <"$dir/message" || fail "update-profile's note is not printed as it is: $(cat "$dir/message")"
  # Run without a path where src's Cargo.lock isn't (a subdirectory), update-profile would
  # write a lock no build reads: it refuses, writing nothing (the Go trial's finding, for
  # Rust too). src's Cargo.lock, in lockPath's directory: the marker (rootMarker.nix).
  [ "$(nix eval --impure --raw --expr "(($package).override { src = ./tests/fixtures/workspace; }).updateProfile.rootMarker")" = Cargo.lock ] ||
    fail "a package reading src's lock does not check for src's Cargo.lock"
  [ "$(nix eval --impure --raw --expr "(($package).override { src = ./tests/fixtures/workspace; lockPath = \"crates/a b/pgo.lock.json\"; }).updateProfile.rootMarker")" = "crates/a b/Cargo.lock" ] ||
    fail "the marker is not in lockPath's directory"
  [ "$(nix eval --impure --raw --expr "($package).updateProfile.rootMarker")" = "" ] ||
    fail "a derivation src, which the package reads no lock from, has a marker"
  [ "$(nix eval --impure --raw --expr "(($package).override { src = ./tests/fixtures/workspace; lockFile = null; }).updateProfile.rootMarker")" = "" ] ||
    fail "a package given its lockFile has a marker"
  update_script "$dir/marked" "" Cargo.lock
  mkdir -p "$dir/src/sub"
  touch "$dir/src/Cargo.lock"
  # Run from a Cargo workspace member's directory (a Cargo.toml, the lock at the
  # workspace's root: the Rust trial, from crates/textstat), it names the directory above
  # with the Cargo.lock, where to run it; "Run it there" named none.
  touch "$dir/src/sub/Cargo.toml"
  expect_failure "update-profile: $dir/src/sub has no Cargo.lock: it is not where p's src is \(the default path, pgo.lock.json, and the checked-in copies beside it are relative to this directory.*The nearest directory above with a Cargo.lock is $dir/src: if that is src's root \(a Cargo workspace has its Cargo.lock at its root, not in a member's directory\), run it there, or give the paths: update-profile LOCK_FILE. Nothing written." \
    bash -c "cd '$dir/src/sub' && '$dir/marked/bin/update-profile'"
  # The message holds the package's lockSource as it is: its backquotes (here a derivation
  # src's `lockFile`) are not run as commands by the script.
  (cd "$dir/src/sub" && "$dir/marked/bin/update-profile" 2>"$dir/refusal") && fail "update-profile in a member's directory succeeded"
  ! has -F "command not found" <"$dir/refusal" || fail "update-profile's refusal ran its message's backquotes: $(cat "$dir/refusal")"
  has -F "$source" <"$dir/refusal" || fail "update-profile's refusal does not hold the lockSource as it is: $(cat "$dir/refusal")"
  rm "$dir/src/sub/Cargo.toml"
  # Where no directory above has one, it says so.
  mkdir -p "$dir/elsewhere"
  expect_failure "update-profile: $dir/elsewhere has no Cargo.lock: .*No directory above has a Cargo.lock either: run it in src's root, or give the paths: update-profile LOCK_FILE. Nothing written." \
    bash -c "cd '$dir/elsewhere' && '$dir/marked/bin/update-profile'"
  [ -z "$(ls -A "$dir/src/sub")" ] || fail "update-profile wrote in the subdirectory: $(ls -A "$dir/src/sub")"
  (cd "$dir/src/sub" && "$dir/marked/bin/update-profile" ../pgo.lock.json 2>/dev/null) || fail "update-profile given the path refused"
  (cd "$dir/src" && "$dir/marked/bin/update-profile" 2>/dev/null) || fail "update-profile at src's root refused"
  # A checked-in profile given as an argument is kept where the user keeps it: named by
  # the note, and src's pgo/ copy not written (Nix review).
  local given
  given="((import ./tests/fixtures/demo.nix).override { lockFile = $dir/lock/pgo.lock.json; checkedInProfile = ./tests/fixtures/demo.nix; }).updateProfile"
  mkdir -p "$dir/lock" && echo '{"version": 1, "profiles": {}}' >"$dir/lock/pgo.lock.json"
  nix eval --impure --raw --expr "$given.copyNote" | has -F "checkedInProfile given: copy the profile into the file each names" ||
    fail "update-profile does not name the given checkedInProfile"
  [ "$(nix eval --impure --raw --expr "$given.profileCopy")" = "" ] || fail "update-profile still writes src's pgo/ copy"
}

test_update_profile_names_copies_already_as_locked_in_a_directory_with_a_space() {
  # The Rust trial's project was in "my tools": update-choice listed the two checked-in
  # copies it left alone joined by a space ("…/my tools/pgo/t.profdata /tmp/…/my
  # tools/pgo/t.bolt: already as locked"), where no reader can tell where a path ends.
  # Joined with "and", as the files it wrote are.
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir/profile" "$dir/bolt/nix-support" "$dir/my tools/pgo/t.bolt/nix-support"
  echo profile >"$dir/profile/t.profdata"
  echo fdata >"$dir/bolt/t.fdata"
  cp "$dir/profile/t.profdata" "$dir/my tools/pgo/t.profdata"
  cp "$dir/bolt/t.fdata" "$dir/my tools/pgo/t.bolt/t.fdata"
  env out="$dir/out" pname=t toolchainId=t defaultLockPath=pgo.lock.json helper=true llvmProfdata=x \
    profile="$dir/profile" lockName=n profileCopy=pgo/t.profdata boltProfileCopy=pgo/t.bolt boltProfile="$dir/bolt" \
    lockSource=src command=update-choice purpose=p trainingSources='' \
    lockScript=nix/stages/update-profile/lockScript.sh copyNote='' rootMarker='' \
    bash -c 'workloadArgs=(); source nix/stages/update-profile/updateProfile.sh' || fail "updateProfile.sh failed"
  (cd "$dir/my tools" && "$dir/out/bin/update-choice" 2>"$dir/message") || fail "update-choice failed: $(cat "$dir/message")"
  has -Fx "update-choice: $dir/my tools/pgo/t.profdata and $dir/my tools/pgo/t.bolt: already as locked, left as they are." <"$dir/message" ||
    fail "update-choice does not list the copies it left alone one by one: $(cat "$dir/message")"
}
