# shellcheck shell=bash
# The workload runner (nix/internal/workload/runWorkload.sh) as the report runs it, as a
# program with the workload's attributes in its environment: the environment
# docs/workloads.md documents, fresh for every run, and failures that say why.

# run_workload SCRIPT INPUTS-DIR SCRATCH BINDIR [VAR=VALUE...]: run the runner once.
run_workload() {
  local script=$1 inputs=$2 scratch=$3 bin=$4
  shift 4
  env -i PATH=/usr/bin:/bin workloadName=check workloadScript="$script" workloadInputs="$inputs" \
    workloadTimeout=60 workloadPreload= workloadCaBundle= workloadScratch="$scratch" "$@" \
    bash nix/internal/workload/runWorkload.sh "$scratch/log" "$bin"
}

test_workload_runner_gives_the_documented_environment_afresh_each_run() {
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/inputs"
  echo hello >"$dir/greeting"
  ln -s "$dir/greeting" "$dir/inputs/greeting"
  printf '#!/bin/sh\necho tool\n' >"$dir/bin/tool"
  chmod +x "$dir/bin/tool"
  cat >"$dir/check.sh" <<'SH'
[ -z "$(ls -A .)" ] || { echo "working directory not empty" >&2; exit 1; }
[ "$(cat "$PGO_INPUTS/greeting")" = hello ]
[ "$TZ" = UTC ] && [ "$LC_ALL" = C.UTF-8 ] && [ "$LANG" = C.UTF-8 ] && [ "$SOURCE_DATE_EPOCH" = 1 ]
[ -d "$HOME" ] && [ -w "$TMPDIR" ]
[ "$(tool)" = tool ]
[ -z "${SSL_CERT_FILE:-}" ] && [ -z "${LD_PRELOAD:-}" ]
[ -z "${NIX_PGO_SHOULD_NOT_LEAK:-}" ]
[ -z "${BASH_ENV:-}" ] && [ "$(bash -c 'echo "${BASH_ENV:-}"')" = "" ] # the runner's own
read -r line || [ -z "${line:-}" ] # stdin is /dev/null
touch made-a-file
echo done
SH
  local i
  for i in 1 2; do
    NIX_PGO_SHOULD_NOT_LEAK=1 run_workload "$dir/check.sh" "$dir/inputs" "$dir/scratch" "$dir/bin" ||
      fail "run $i: the environment is not as documented: $(cat "$dir/scratch/log.stderr")"
    [ "$(cat "$dir/scratch/log.stdout")" = "done" ] || fail "run $i: stdout not captured"
  done
  # The CA bundle, when asked for.
  echo '[ "$SSL_CERT_FILE" = /some/bundle ] && [ "$NIX_SSL_CERT_FILE" = /some/bundle ]' >"$dir/ca.sh"
  run_workload "$dir/ca.sh" "$dir/inputs" "$dir/scratch" "$dir/bin" workloadCaBundle=/some/bundle ||
    fail "SSL_CERT_FILE is not the CA bundle"
}

test_workload_runner_failures_name_the_workload_and_the_cause() {
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/inputs"
  echo 'echo "No CA certificates were loaded from the system" >&2; exit 3' >"$dir/fail.sh"
  expect_failure "workload 'check' exited with status 3" run_workload "$dir/fail.sh" "$dir/inputs" "$dir/s" "$dir/bin"
  expect_failure "caCertificates = true" run_workload "$dir/fail.sh" "$dir/inputs" "$dir/s" "$dir/bin"
  # A file the workload doesn't get: the inputs it has are named.
  ln -s "$dir/fail.sh" "$dir/inputs/corpus"
  echo 'cat "$PGO_INPUTS/held-out/data.txt"' >"$dir/missing.sh"
  expect_failure "inputs, in .PGO_INPUTS: corpus\. A workload gets its own" run_workload "$dir/missing.sh" "$dir/inputs" "$dir/s" "$dir/bin"
  # A misspelt program is not a missing input.
  echo 'no-such-program' >"$dir/misspelt.sh"
  local output
  output=$(run_workload "$dir/misspelt.sh" "$dir/inputs" "$dir/s" "$dir/bin" 2>&1) && fail "a misspelt program ran"
  echo "$output" | has 'command not found' || fail "the misspelt program's error is not shown: $output"
  echo "$output" | has 'A file was not found' && fail "a misspelt program was reported as a missing input"
  true
  # The line that failed; a pipeline's gets what pipefail means for a program writing into head.
  printf 'echo start\ntrue && false\necho never\n' >"$dir/line.sh"
  output=$(run_workload "$dir/line.sh" "$dir/inputs" "$dir/s" "$dir/bin" 2>&1) && fail "a failing line passed"
  echo "$output" | has -F 'It failed at line 2 of the script: true && false' || fail "the failing line is not named: $output"
  echo "$output" | has 'pipefail' && fail "a line without a pipeline got the pipefail hint: $output"
  printf '#!/bin/sh\nexec seq 1 1000000\n' >"$dir/bin/producer"
  chmod +x "$dir/bin/producer"
  printf 'echo start\n\nproducer | head -n 1\n' >"$dir/pipe.sh"
  output=$(run_workload "$dir/pipe.sh" "$dir/inputs" "$dir/s" "$dir/bin" 2>&1) && fail "a producer killed by head's early exit passed"
  echo "$output" | has -F 'It failed at line 3 of the script: producer | head -n 1' || fail "the failing pipeline is not named: $output"
  echo "$output" | has -F 'sed -n 1,3p' || fail "the pipeline gets no hint about head: $output"
  echo 'sleep 30' >"$dir/slow.sh"
  expect_failure "workload 'check' timed out after 1s" run_workload "$dir/slow.sh" "$dir/inputs" "$dir/s" "$dir/bin" workloadTimeout=1
}

test_workload_runner_pins_the_workload_to_one_cpu_when_told() {
  # workloadPin (training with pinTraining = true): the workload, and what it starts, may
  # run on one CPU; without it, on every CPU the runner may use.
  local dir cpus
  dir=$(mktemp -d)
  mkdir -p "$dir/bin" "$dir/inputs"
  cc -O2 -Wall -Werror -o "$dir/one-cpu" nix/internal/workload/one-cpu.c
  echo 'awk "/^Cpus_allowed_list:/ { print \$2 }" /proc/self/status; nproc' >"$dir/cpus.sh"
  run_workload "$dir/cpus.sh" "$dir/inputs" "$dir/scratch" "$dir/bin" workloadPin="$dir/one-cpu" ||
    fail "the pinned workload failed: $(cat "$dir/scratch/log.stderr")"
  mapfile -t cpus <"$dir/scratch/log.stdout"
  echo "pinned: CPUs ${cpus[0]}, nproc ${cpus[1]}"
  { [[ ${cpus[0]} =~ ^[0-9]+$ ]] && [ "${cpus[1]}" = 1 ]; } || fail "the pinned workload may run on CPUs ${cpus[0]}"
  run_workload "$dir/cpus.sh" "$dir/inputs" "$dir/scratch" "$dir/bin" || fail "the workload failed"
  mapfile -t cpus <"$dir/scratch/log.stdout"
  echo "unpinned: CPUs ${cpus[0]}, nproc ${cpus[1]}"
  [ "${cpus[1]}" = "$(nproc)" ] || fail "without workloadPin the workload sees ${cpus[1]} CPUs, the runner $(nproc)"
  # A command it can't run is an error that names it.
  local err
  err=$("$dir/one-cpu" /nonexistent 2>&1) && fail "nix-pgo-one-cpu ran a command that does not exist"
  [[ $err == "nix-pgo-one-cpu: /nonexistent: No such file"* ]] ||
    fail "nix-pgo-one-cpu does not name the command it could not run: $err"
}

test_fixed_random_fixes_libc_getrandom_and_the_syscall_wrapper() {
  # The getrandom crate 0.2 (rand 0.8, proptest) seeds through syscall(SYS_getrandom, ...),
  # not libc's getrandom(): both must give the fixed sequence, and every other syscall()
  # must still be the kernel's.
  local lib dir a b
  lib=$(nix build --impure --no-link --json --expr \
    '(import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).fixedRandom' | jq -r '.[0].outputs.out')
  dir=$(mktemp -d)
  cat >"$dir/draw.c" <<'C'
#include <stdio.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  unsigned char a[8], b[8];
  if (syscall(SYS_getrandom, a, sizeof a, 0) != 8 || getrandom(b, sizeof b, 0) != 8) return 1;
  if (syscall(SYS_getpid) != getpid()) return 2;
  for (int i = 0; i < 8; i++) printf("%02x", a[i]);
  printf(" ");
  for (int i = 0; i < 8; i++) printf("%02x", b[i]);
  printf("\n");
  return 0;
}
C
  cc -o "$dir/draw" "$dir/draw.c" || fail "could not compile the check"
  a=$(LD_PRELOAD=$lib/lib/libnix-pgo-fixed-random.so "$dir/draw") || fail "the check failed under fixedRandom"
  b=$(LD_PRELOAD=$lib/lib/libnix-pgo-fixed-random.so "$dir/draw") || fail "the check failed under fixedRandom"
  echo "$a"
  [ "$a" = "$b" ] || fail "two runs under fixedRandom drew different bytes: $a, then $b"
  [ "$("$dir/draw")" != "$a" ] || fail "without fixedRandom the check drew the fixed sequence"
}
