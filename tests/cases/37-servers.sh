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

test_a_handler_that_crashes_callgrind_is_named_and_kill_hup_avoids_it() {
  # A graceful shutdown whose handler runs on a signal stack above the stack it interrupts
  # (every Go handler runs on one) crashes callgrind when the handler returns: the
  # evaluation quotes valgrind's assertion and names the way out, not "killed with SIGKILL"
  # (an outside trial with a Go net/http server, signal.NotifyContext; the fixture's
  # --signal-stack makes it deterministic). Its script waits for the server strictly, so
  # the workload's own failure (valgrind's status 1) must not hide the crash either.
  expect_failure "evaluation workload 'held-out': callgrind itself crashed while the program handled a signal \\(baseline, pid [0-9]+\\), so the run\\(s\\) have no counts: \"Callgrind: threads.c:[0-9]+ \\(vgCallgrind_post_signal\\): Assertion .* Stop the server with a signal it does not catch, \`kill -HUP\`" \
    nix build --impure --no-link -f "$ls_fixture" signalStack
  # What the message advises trains it (the profile has the requests) and evaluates it.
  jq -e '.total_count > 10000' "$(ls_build signalStackHup.profile)/nix-support/profile.json" >/dev/null ||
    fail "the profile of the server stopped with kill -HUP has almost no counts: $(cat "$(ls_build signalStackHup.profile)/nix-support/profile.json")"
  jq -e '.instructions > 0' "$(ls_build signalStackHup.evaluation.workloads.held-out.runs.baseline)/baseline.json" >/dev/null ||
    fail "the server stopped with kill -HUP was not evaluated"
}
