# shellcheck shell=bash
# Training on one CPU (docs/training-cost.md): by default every training workload, and
# every process it starts, runs on one CPU (nix-pgo-one-cpu), so an instrumented
# program's threads don't contend for its counters; `pinTraining = false` restores the
# previous behaviour; evaluation workloads are never pinned. Checked from inside a
# workload (/proc/self/status), on linecount (bench/training-cost) with small trees.

lc_fixture=tests/fixtures/linecount.nix
lc_build() { nix build --impure --no-link --json -f "$lc_fixture" "$@" | jq -r '.[0].outputs.out'; }
lc_eval() { nix eval --impure --raw -f "$lc_fixture" "$@"; }

# affinity [PREFIX]: "CPUS NPROC" as workload `affinity` of the package (PREFIX
# "unpinned.": of that variant) printed them into the build log of its profile stage.
affinity() {
  local drv log cpus nproc
  drv=$(lc_eval "${1:-}profiles.affinity.drvPath")
  nix-store --realise "$drv" >/dev/null
  log=$(nix log "$drv")
  cpus=$(awk '/^Cpus_allowed_list:/ { print $2 }' <<<"$log")
  nproc=$(awk '/^nproc:/ { print $2 }' <<<"$log")
  { [ -n "$cpus" ] && [ -n "$nproc" ]; } || fail "the build log of ${1:-}profiles.affinity has no Cpus_allowed_list/nproc lines: $log"
  echo "$cpus $nproc"
}

test_training_cost_training_workloads_run_on_one_cpu() {
  local pinned unpinned
  read -r -a pinned <<<"$(affinity)"
  echo "pinned: CPUs ${pinned[0]}, nproc ${pinned[1]}"
  [[ ${pinned[0]} =~ ^[0-9]+$ ]] || fail "the training workload may run on CPUs ${pinned[0]}, not on one"
  [ "${pinned[1]}" = 1 ] || fail "nproc in the training workload is ${pinned[1]}, not 1"
  read -r -a unpinned <<<"$(affinity unpinned.)"
  echo "unpinned: CPUs ${unpinned[0]}, nproc ${unpinned[1]}"
  if [ "$(nproc)" -gt 1 ]; then
    [ "${unpinned[1]}" -gt 1 ] || fail "with pinTraining = false the workload still ran on one CPU (${unpinned[0]})"
  else
    echo "this machine has one CPU: pinTraining = false can't be told apart from pinning here"
  fi
}

test_training_cost_only_training_is_pinned() {
  # The profile stages carry the pinning command; the evaluation and the unpinned package's
  # profile stages don't.
  local pin
  pin=$(drv_attrs "$(lc_eval profiles.count.drvPath)" | jq -r '.workloadPin')
  [[ $pin == */bin/nix-pgo-one-cpu ]] || fail "the profile stage's workloadPin is '$pin'"
  [ "$(drv_attrs "$(lc_eval unpinned.profiles.count.drvPath)" | jq -r '.workloadPin')" = "" ] ||
    fail "pinTraining = false still pins the profile stage"
  [ "$(drv_attrs "$(lc_eval evaluation.workloads.held-out.runs.baseline.drvPath)" | jq -r '.workloadPin')" = "" ] ||
    fail "the evaluation workload is pinned"
  # Pinning changes the profile stages only: the instrumented build is shared.
  [ "$(lc_eval instrumented.drvPath)" = "$(lc_eval unpinned.instrumented.drvPath)" ] ||
    fail "pinTraining changed the instrumented build"
}

# counts PROFDATA: one line per function of an indexed profile, "name hash counts...",
# without the functions of thread start and exit (std::thread, the closure that runs a
# thread, the Arc of its result packet and its drop): which thread finishes or drops the
# last reference first depends on timing, on one CPU too.
counts() {
  /usr/lib/llvm-22/bin/llvm-profdata merge --text "$1" -o - |
    awk '/^#/ || /^:/ { next } /^$/ { if (line != "") print line; line = ""; next } { line = line == "" ? $0 : line " " $0 } END { if (line != "") print line }' |
    grep -vE '6thread|drop_slow|call_once|UnsafeCell\$LT\$core..option..Option\$LT\$core..result..Result'
}

test_training_cost_pinned_multithreaded_profile_has_the_same_counts_on_rebuild() {
  # One CPU: no increment is lost to two threads racing for a counter, so every count but
  # those of thread start and exit is the same on every run (unpinned, the workload's
  # hot loop loses a different share of its increments each time).
  local drv out same=0
  drv=$(lc_eval profiles.count.drvPath)
  out=$(nix-store --realise "$drv")
  nix-store --realise --check --keep-failed "$drv" >/dev/null 2>&1 && return 0
  [ -e "$out.check" ] || fail "rebuilding $drv failed"
  diff <(counts "$out") <(counts "$out.check") && same=1
  rm -rf "$out.check"
  [ "$same" = 1 ] || fail "the pinned profile of linecount has other counts on rebuild (above)"
  echo "the rebuild differs in thread start and exit only"
}

test_training_cost_profile_of_a_multithreaded_workload_says_it_may_not_rebuild_identically() {
  # The profile shows that std's thread spawn ran; its stage's log says what that means
  # for `nix build --rebuild` and what to do. The demo's single-threaded workloads don't.
  local drv log
  drv=$(lc_eval profiles.count.drvPath)
  nix-store --realise "$drv" >/dev/null
  log=$(nix log "$drv")
  grep -E 'note: the profiled program started threads \(std::thread::.*spawn.* ran\).*Lock it \(update-profile, which locks the BOLT profile too\): .optimized. and .bolted. are then reproducible' <<<"$log" ||
    fail "the log of linecount's profile does not say that its workload started threads"
  drv=$(drv_path host.profiles.guide)
  nix-store --realise "$drv" >/dev/null
  nix log "$drv" | grep 'started threads' && fail "the demo's single-threaded workload is said to start threads"
  true
}
