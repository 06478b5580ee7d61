# shellcheck shell=bash
# The evaluation of a program that starts threads (README, "What is measured"): valgrind
# runs one thread at a time and switches between them by timing, so such a run's counts
# move from run to run. A run that started threads (callgrind names a pthread_create that
# ran) runs threadedRuns times; evaluation.json keeps the median run's counts and the
# spread, which the regression check and best treat as noise (helper unit tests:
# choice.rs, report/render.rs). On linecount (bench/training-cost: one worker thread per
# CPU) with small trees; the demo's single-threaded runs run once.

tev_fixture=tests/fixtures/linecount.nix
tev_build() { nix build --impure --no-link --json -f "$tev_fixture" "$@" | jq -r '.[0].outputs.out'; }
tev_build_expr() { nix build --impure --no-link --json --expr "$@" | jq -r '.[0].outputs.out'; }
# tev_choice_pkg [DIR]: linecount with lockChoice, as an expression; given DIR, locked by
# DIR/pgo.lock.json with the checked-in profile DIR/pgo/linecount.profdata.
tev_choice_pkg() {
  if [ $# -eq 0 ]; then
    echo "((import ./$tev_fixture { }).override { lockChoice = true; })"
  else
    echo "((import ./$tev_fixture { }).override { lockChoice = true; lockFile = $1/pgo.lock.json; checkedInProfile = $1/pgo/linecount.profdata; })"
  fi
}
# tev_choice_update DIR: the update-profile of tev_choice_pkg, with an empty checked-in
# copy of the profile in DIR/pgo for it to rewrite (for a second store, whose training
# would give another profile).
tev_choice_update() {
  local out
  mkdir -p "$1/pgo" && touch "$1/pgo/linecount.profdata" || return
  out=$(tev_build_expr "$(tev_choice_pkg).updateProfile") || return
  echo "$out/bin/update-profile"
}
# tev_again_as PKG EXPR: PKG with a second evaluation workload, `again`, given as EXPR, in
# which `h` is held-out and `p` the package.
tev_again_as() {
  echo "let p = $1; h = p.workloads.evaluation.held-out; in p.override { workloads = p.workloads // { evaluation = p.workloads.evaluation // { again = $2; }; }; }"
}
# tev_with_again PKG: PKG with `again` as held-out's twin.
tev_with_again() { tev_again_as "$1" h; }

test_threaded_evaluation_runs_a_threaded_workload_five_times_and_keeps_the_median_run() {
  local evaluation run log
  evaluation=$(tev_build evaluation)
  jq -c '.workloads[] | [.workload, (.variants | to_entries[] | [.key, .value.instructions, .value.estimated_cycles, .value.spread])]' "$evaluation/evaluation.json"
  # Every variant: 5 runs, started by pthread_create, the counts inside their range.
  jq -e '[.workloads[].variants[]] | length == 2 and all(
      .spread.repeats == 5
      and (.spread.threads_started_by | any(startswith("pthread_create")))
      and .spread.instructions.min <= .instructions and .instructions <= .spread.instructions.max
      and .spread.estimated_cycles.min <= .estimated_cycles and .estimated_cycles <= .spread.estimated_cycles.max)' \
    "$evaluation/evaluation.json" >/dev/null || fail "linecount's evaluation does not have 5 runs with a spread around the median per variant"
  # callgrind's own totals are the counted (median) run's: their Ir column is the count.
  run=$(nix eval --impure --raw -f "$tev_fixture" evaluation.workloads.held-out.runs.optimized.outPath)
  [ "$(awk '{ s += $2 } END { print s }' "$run/callgrind-totals.txt")" = "$(jq '.instructions' "$run/optimized.json")" ] ||
    fail "callgrind-totals.txt of $run is not the run whose instructions optimized.json counts"
  log=$(nix log "$(nix eval --impure --raw -f "$tev_fixture" evaluation.workloads.held-out.runs.optimized.drvPath)")
  grep -F "it started threads (pthread_create" <<<"$log" | grep -F ": 5 run(s) in all" ||
    fail "the run's log does not say why it ran 5 times: $log"
}

test_threaded_evaluation_of_a_single_threaded_program_runs_once_without_spread() {
  local evaluation
  evaluation=$(out_path .#host.evaluation)
  jq -e '[.workloads[].variants[]] | length > 0 and all(has("spread") | not)' "$evaluation/evaluation.json" >/dev/null ||
    fail "the demo's single-threaded evaluation has a spread: $(jq -c . "$evaluation/evaluation.json")"
  nix log "$(drv_path host.evaluation.workloads.cargo-changelog.runs.optimized)" | grep 'started threads' &&
    fail "the demo's single-threaded run is said to start threads"
  true
}

# A program whose main thread waits for its workers by spinning (tests/fixtures/spin-wait,
# as oxipng waits for its rayon jobs): valgrind's fair scheduling (callgrindOptions.nix)
# hands the lock on in turn, so each run counts the same spin. Without it, the five runs of
# the more spread variant of each of three evaluations spread 1.0, 1.56 and 0.83 %
# (2026-11-28), the spin's share moving by timing; with it, 0.08 % at most.
test_threaded_evaluation_counts_a_spinning_wait_alike_in_every_run() {
  local evaluation
  evaluation=$(nix build --impure --no-link --json -f tests/fixtures/spin-wait.nix evaluation | jq -r '.[0].outputs.out')
  jq -r '.workloads[].variants | to_entries[] | "\(.key): \(.value.spread.instructions.min)-\(.value.spread.instructions.max) instructions in \(.value.spread.repeats) runs"' \
    "$evaluation/evaluation.json"
  jq -e '[.workloads[].variants[]] | length == 2 and all(.spread.repeats == 5
      and .spread.instructions.max <= .spread.instructions.min * 1.003
      and .spread.estimated_cycles.max <= .spread.estimated_cycles.min * 1.003)' \
    "$evaluation/evaluation.json" >/dev/null ||
    fail "spin-wait's runs spread more than 0.3 %: valgrind's scheduling counted its spin by timing"
}

test_threaded_evaluation_runs_once_with_threaded_runs_1() {
  local evaluation err
  evaluation=$(nix build --impure --no-link --json --expr \
    "((import ./$tev_fixture { }).override { threadedEvaluationRuns = 1; }).evaluation" | jq -r '.[0].outputs.out')
  jq -e '[.workloads[].variants[]] | length == 2 and all(.spread.repeats == 1
      and .spread.instructions.min == .instructions and .spread.instructions.max == .instructions)' \
    "$evaluation/evaluation.json" >/dev/null || fail "threadedEvaluationRuns = 1 did not run once: $(jq -c . "$evaluation/evaluation.json")"
  # Anything else than a whole number of runs, at least 1, is refused by name.
  err=$(nix eval --impure --expr "((import ./$tev_fixture { }).override { threadedEvaluationRuns = 0; }).evaluation.drvPath" 2>&1) &&
    fail "threadedEvaluationRuns = 0 evaluated"
  grep -F "threadedRuns must be a whole number of runs, at least 1 (got 0)" <<<"$err" || fail "threadedEvaluationRuns = 0 is not refused by name: $err"
}

test_threaded_evaluation_bench_prints_each_evaluation_its_spread_and_choice() {
  # The documented benchmark (docs/never-slower.md), as written, on the line counter:
  # two independent evaluations, each variant's median and its runs' range, and what best
  # shipped against the lowest median.
  local table
  table=$(bench/threaded-noise/measure -n 2 "import ./$tev_fixture { }")
  echo "$table"
  [ "$(grep -cE '^\| [12] \| held-out \| (baseline|optimized) \| [0-9]+ \| [0-9]+–[0-9]+ \(5 runs\) \|$' <<<"$table")" = 4 ] ||
    fail "the table does not have each evaluation's two variants with their 5 runs' range"
  [ "$(grep -cE '^\| [12] \| optimized \| optimized \| baseline 1 \(' <<<"$table")" = 2 ] ||
    fail "the table does not say that best shipped optimized, the lowest median, in both evaluations"
}

test_threaded_evaluation_locked_choice_ships_without_an_evaluation() {
  # lockChoice (README "Publishing a release"): update-profile locks the variant best
  # chooses with the profile, and the locked release depends on no evaluation, so that a
  # program whose evaluation counts move ships one archive in every store.
  local dir lock pkg update release_drv best_drv out rebuilt extra err
  dir=$(mktemp -d)
  lock=$dir/pgo.lock.json
  update=$(tev_choice_update "$dir")
  # Without copies beside the lock: it says how to check them in.
  mkdir "$dir/bare"
  (cd "$dir/bare" && "$update" pgo.lock.json) 2>&1 | has -F "  mkdir -p ./pgo && install -m 644 /nix/store/" ||
    fail "update-profile does not say how to check in the missing copy"
  # A copy that differs from the new profile: by how much, before it is rewritten.
  mkdir "$dir/bare/pgo"
  cp "$(tev_build profiles.affinity)" "$dir/bare/pgo/linecount.profdata"
  (cd "$dir/bare" && "$update" pgo.lock.json) 2>&1 | has -E "^edge profile overlap [0-9.]+% \(drift [0-9.]+%\)" ||
    fail "update-profile does not say how far the new profile is from the checked-in one"
  "$update" "$lock"
  jq -e '.profiles.linecount[] | .choice.chosen as $c | ([.choice.candidates[].variant] | index($c)) != null
      and ([.choice.candidates[] | select(.variant == "baseline") | .workloads[].workload] == ["held-out"])' "$lock" >/dev/null ||
    fail "the lock has no choice made on linecount's evaluation: $(jq -c . "$lock")"
  pkg=$(tev_choice_pkg "$dir")
  release_drv=$(nix eval --impure --raw --expr "($pkg).release.drvPath")
  best_drv=$(nix eval --impure --raw --expr "($pkg).best.drvPath")
  ! nix-store --query --requisites "$release_drv" | grep -E -- '-(repair-)?evaluation-' ||
    fail "the release of a locked choice still depends on an evaluation"
  out=$(tev_build_expr "($pkg).release")
  nix log "$best_drv" | has -F "the choice locked in" || fail "best does not say it took the lock's choice"
  mkdir "$dir/x"
  tar -xzf "$out"/*.tar.gz -C "$dir/x"
  # The lock's numbers, exact (Nix would print them to 6 digits).
  diff <(jq -S .shipped.choice "$dir"/x/*/provenance.json) <(jq -S '.profiles.linecount[].choice' "$lock") ||
    fail "provenance.json's choice is not the lock's"
  jq -e '.evaluation == null and .shipped.variant == .shipped.choice.chosen
      and .profile.lock_entry.choice == { chosen: .shipped.variant, used: true }' "$dir"/x/*/provenance.json >/dev/null ||
    fail "provenance.json of a locked choice has an evaluation, or ships another variant than the choice"
  rebuilt=$(nix build --impure --no-link --rebuild --json --expr "($pkg).release" | jq -r '.[0].outputs.out')
  [ "$rebuilt" = "$out" ] || fail "the locked release did not rebuild to itself"
  # The choice records the shipped binaries (the locked build's are the unlocked build's it
  # was made on: no warning above). Built with other flags since (as after a source edit:
  # the Rust trial's finding), the locked variant ships with the lock's numbers, which are
  # of other binaries: best warns, naming them, and its choice.json lists them.
  jq -e --arg sum "$(sha256sum "$dir"/x/*/bin/linecount | cut -d' ' -f1)" \
    '.profiles.linecount[].choice.binaries == { "bin/linecount": $sum }' "$lock" >/dev/null ||
    fail "the locked choice does not record the shipped binary: $(jq -c '.profiles.linecount[].choice.binaries' "$lock")"
  ! nix log "$best_drv" | has -F "made on other binaries" || fail "best warns of other binaries on the locked build itself"
  local flagged
  flagged=$(tev_build_expr "(($pkg).override { rustflags = [ \"-Cforce-frame-pointers=yes\" ]; }).best")
  nix log "$(nix eval --impure --raw --expr "(($pkg).override { rustflags = [ \"-Cforce-frame-pointers=yes\" ]; }).best.drvPath")" |
    has -F "was made on other binaries of '$(jq -r .chosen "$flagged/nix-support/choice.json")' than this build's (bin/linecount: sha256" ||
    fail "best does not warn that the locked choice's numbers are of other binaries"
  jq -e '.binaries_changed_since_lock | length == 1' "$flagged/nix-support/choice.json" >/dev/null ||
    fail "best's choice.json does not list the changed binary: $(cat "$flagged/nix-support/choice.json")"
  # Built in a second, empty store from the same lock: the same bytes. (Without the
  # choice, its provenance.json would have that store's evaluation's counts.)
  nix build --store "$dir/store" --impure --no-link --expr "($pkg).release"
  cmp "$out"/*.tar.gz "$dir/store$out"/*.tar.gz || fail "the locked release's archive differs in a second store"
  # A held-out workload added since: the lock's choice was not made on it, so best and the
  # release refuse it (a fresh choice would differ from store to store), naming the re-lock.
  extra=$(tev_with_again "$pkg")
  err=$(expect_failure "pgo.lock.json can't be used: it was made on the evaluation workloads held-out, and the package's are again, held-out" \
    nix eval --impure --raw --expr "($extra).release.drvPath")
  has -F "run the package's updateChoice (\`nix run .#<package>.updateChoice\`" <<<"$err" ||
    fail "the refusal does not say how to lock a new choice: $err"
  # Without lockChoice, the entry's choice is left unused, with a warning: best chooses from
  # an evaluation, and the release says the lock's choice was not used.
  err=$(nix eval --impure --raw --expr "(($extra).override { lockChoice = false; }).best.drvPath" 2>&1 >/dev/null)
  has -F "holds a choice (ship " <<<"$err" || fail "an unused choice in the lock is not warned about: $err"
  nix-store --query --requisites "$(nix eval --impure --raw --expr "(($extra).override { lockChoice = false; }).best.drvPath" 2>/dev/null)" | has -E -- '-evaluation-' ||
    fail "without lockChoice, best does not choose from an evaluation"
  drv_attrs "$(nix eval --impure --raw --expr "(($extra).override { lockChoice = false; }).release.drvPath" 2>/dev/null)" |
    jq -e '.spec | fromjson | .lockEntry.choice.used == false' >/dev/null ||
    fail "the release of a package that left the lock's choice unused does not say so"
  # lockChoice with an entry locked without it: refused, naming the re-lock.
  jq 'del(.profiles[][].choice)' "$lock" >"$dir/no-choice.json"
  expect_failure "the choice in .*no-choice.json can't be used: it has none for linecount \\(it was locked without lockChoice, or by .nix-pgo import., which locks the profile alone\\)" \
    nix eval --impure --raw --expr "(($pkg).override { lockFile = $dir/no-choice.json; }).best.drvPath"
  expect_failure 'lockChoice = true locks the variant `best` chooses by the evaluation, and the package has no evaluation workloads' \
    nix eval --impure --expr "let p = $pkg; in (p.override { lockChoice = true; workloads = removeAttrs p.workloads [ \"evaluation\" ]; }).updateProfile.drvPath"
}

test_threaded_evaluation_update_choice_locks_a_new_choice_and_keeps_the_profile() {
  # updateChoice (README "Publishing a release"): after a held-out workload was added, it
  # locks the choice made on the variants of the locked profile without training, so the
  # profile of a program whose training gives other bytes each time stays as it was.
  local dir lock extra drv update
  dir=$(mktemp -d)
  lock=$dir/pgo.lock.json
  update=$(tev_choice_update "$dir")
  "$update" "$lock"
  cp "$lock" "$dir/before.json"
  cp "$dir/pgo/linecount.profdata" "$dir/before.profdata"
  [ "$(nix eval --impure --expr "$(tev_choice_pkg).updateChoice == null")" = true ] ||
    fail "a package without a lock has an updateChoice"
  extra=$(tev_with_again "$(tev_choice_pkg "$dir")")
  # No training: neither the instrumented build nor a training workload's profile is in
  # its closure (the locked profile is copied from the checked-in one).
  drv=$(nix eval --impure --raw --expr "($extra).updateChoice.drvPath")
  ! nix-store --query --requisites "$drv" | grep -E -- '-(instrumented|profile-affinity|profile-count)-' ||
    fail "updateChoice depends on the training"
  update=$(tev_build_expr "($extra).updateChoice")/bin/update-choice
  (cd "$dir" && "$update") 2>&1 | tee "$dir/out"
  has -F "same profile data, updated: choice" <"$dir/out" ||
    fail "update-choice did not say that only the choice changed"
  has -F "pgo/linecount.profdata: already as locked, left as they are." <"$dir/out" ||
    fail "update-choice did not say that it left the checked-in profile as it was"
  # The entry is the same but for its choice, made on both evaluation workloads now.
  diff <(jq -S 'del(.profiles[][].choice)' "$dir/before.json") <(jq -S 'del(.profiles[][].choice)' "$lock") ||
    fail "update-choice changed the locked profile's entry"
  jq -e '[.profiles.linecount[].choice.candidates[] | select(.variant == "baseline") | .workloads[].workload] == ["again", "held-out"]' "$lock" >/dev/null ||
    fail "the new choice was not made on the evaluation workloads: $(jq -c . "$lock")"
  cmp "$dir/before.profdata" "$dir/pgo/linecount.profdata" || fail "update-choice changed the checked-in profile"
  # Again, with nothing left to change: it says so, and asks to commit nothing.
  (cd "$dir" && "$update") 2>&1 | tee "$dir/out"
  has -F "already held this: nothing to commit." <"$dir/out" || fail "update-choice run again does not say nothing changed"
  ! has -F "wrote" <"$dir/out" || fail "update-choice run again says it wrote files"
  # The package with the added workload now ships the lock's choice, without an evaluation.
  ! nix-store --query --requisites "$(nix eval --impure --raw --expr "($extra).release.drvPath")" | grep -E -- '-(repair-)?evaluation-' ||
    fail "the release of the new locked choice depends on an evaluation"
  # The choice records what each evaluation workload was made of (NAR hashes), and best
  # refuses it once one has changed since: its numbers would be another workload's.
  jq -e '.profiles.linecount[].choice.workload_sources | keys == ["again", "held-out"]
      and all(.[]; (.script | startswith("sha256-")) and (.inputs.tree | startswith("sha256-")))' "$lock" >/dev/null ||
    fail "the choice does not record the evaluation workloads' hashes: $(jq -c . "$lock")"
  tev_build_expr "($extra).best" >/dev/null
  local edited err
  edited=$(tev_again_as "$(tev_choice_pkg "$dir")" 'h // { script = builtins.toFile "again.sh" (builtins.readFile h.script + "# edited\n"); }')
  err=$(expect_failure "the choice locked for linecount was made on evaluation workloads that have changed since: script of 'again' \(sha256-[^,]*, now sha256-" \
    tev_build_expr "($edited).release")
  has -F "to lock one made on them, or set lockChoice = false" <<<"$err" || fail "the refusal of an edited workload names no way out: $err"
  has -F "updateChoice" <<<"$err" ||
    fail "the refusal of an edited workload does not name the re-lock: $err"
  # An input, of both workloads (the training tree instead of the held-out one): named once.
  edited="let p = $(tev_choice_pkg "$dir"); t = p.workloads.evaluation.held-out // { inputs.tree = p.workloads.training.count.inputs.tree; };
    in p.override { workloads = p.workloads // { evaluation = { again = t; held-out = t; }; }; }"
  expect_failure "have changed since: input 'tree' of 'again', 'held-out' \(sha256-[^)]*\) \(NAR hashes" \
    tev_build_expr "($edited).best" >/dev/null
  # A choice locked before the hashes were recorded can't be checked: a warning, at
  # evaluation and in best's log.
  jq 'del(.profiles[][].choice.workload_sources)' "$lock" >"$dir/old.json"
  edited="(($extra).override { lockFile = $dir/old.json; })"
  nix build --impure --no-link --expr "$edited.best" 2>&1 |
    has -F "old.json records no hashes of the evaluation workloads it was made on (it was locked by an older nix-pgo)" ||
    fail "an old locked choice that can't be checked is not warned about"
  nix log "$(nix eval --impure --raw --expr "$edited.best.drvPath")" |
    has -F "records no sources of its evaluation workloads (it was locked by an older nix-pgo)" ||
    fail "best's log does not say that the old locked choice can't be checked"
}
