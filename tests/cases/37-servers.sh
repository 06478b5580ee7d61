# shellcheck shell=bash
# A training workload stops a server with `kill`, as docs/workloads.md ("Servers") shows:
# LLVM's profile runtime writes the profile at exit, and a signal's default action ends
# the process without one, so before trainingRuntime such a workload failed with "no
# profile data". tests/fixtures/line-server: a TCP server on 127.0.0.1 that handles no
# signal, and one that stops gracefully through its own SIGTERM handler, which calls the
# handler it replaced first (as signal-hook, under tokio, does).

ls_fixture=tests/fixtures/line-server.nix
ls_build() { nix build --impure --no-link --json -f "$ls_fixture" "$@" | jq -r '.[0].outputs.out'; }

test_a_server_stopped_with_kill_writes_its_profile_and_is_evaluated() {
  local profile evaluation
  profile=$(ls_build profiles.requests)
  # The request handling is in the profile: 200 connections, 400 lines.
  jq -e '.total_count > 10000' "$(ls_build profile)/nix-support/profile.json" >/dev/null ||
    fail "the merged profile has almost no counts: $(cat "$(ls_build profile)/nix-support/profile.json")"
  ls "$profile"
  # Evaluated under callgrind, which writes its counts when the server dies of SIGTERM.
  evaluation=$(ls_build evaluation)
  jq -e '.workloads[0].variants | (.baseline.instructions > 0) and (.optimized.instructions > 0)
    and .baseline.stdout_sha256 == .optimized.stdout_sha256' "$evaluation/evaluation.json" >/dev/null ||
    fail "the server's evaluation is incomplete: $(cat "$evaluation/evaluation.json")"
}

test_a_run_that_wrote_no_profile_fails_the_workload_though_another_wrote_one() {
  expect_failure "workload 'requests': 1 of the 2 runs of the instrumented program" \
    nix build --impure --no-link -f "$ls_fixture" killed
  expect_failure "evaluation workload 'held-out': 1 run\\(s\\) of the program \\(baseline, pid [0-9]+\\) ended before callgrind wrote their counts" \
    nix build --impure --no-link -f "$ls_fixture" killedEvaluation
}

test_bolt_training_of_a_server_stopped_with_kill_writes_its_profile() {
  # BOLT's runtime writes at exit, and exitOnSignal (preloaded) makes the killed server
  # exit: before it, this workload failed with "wrote no BOLT profile data".
  local profile
  profile=$(ls_build withBolt.boltProfiles.requests)
  # fdata lines: "1 <from-function> <offset> 1 <to-function> <offset> <mispreds> <count>".
  grep -q 'line_server' "$profile/line-server.fdata" ||
    fail "the BOLT profile has no branch in the server's own code: $(head -n 3 "$profile/line-server.fdata")"
  ls_build withBolt.bolted >/dev/null
}

test_a_server_with_its_own_signal_handler_stops_its_own_way() {
  # The workload waits for exit 0: training-runtime, called by the server's handler,
  # must not kill it; its profile is written when main returns.
  local log
  ls_build graceful.profiles.graceful >/dev/null
  log=$(nix log --impure -f "$ls_fixture" graceful.profiles.graceful)
  echo "$log" | has -F "line-server: stopped gracefully" || fail "the server did not stop its own way"
}
