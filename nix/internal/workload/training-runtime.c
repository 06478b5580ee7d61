/* What a profiling runtime leaves to the program, for training workloads. Built twice:
 * trainingRuntime links it into every LLVM-instrumented binary (buildInstrumented), and
 * exitOnSignal preloads it (LD_PRELOAD) into every BOLT training workload
 * (runBoltWorkloadProfile), since nothing can be linked into BOLT's instrumented binary: it
 * is the shipped code.
 *
 * 1. Killed by SIGINT, SIGTERM or SIGHUP, the program writes its profile first. Both
 *    runtimes write when the program exits, and a signal's default action ends the process
 *    without exiting: a server that a training workload stops with `kill` (the usual way to
 *    stop one) wrote nothing. The Go profiling build does the same for Go (docs/go.md).
 *    - LLVM's runtime is linked in (__llvm_profile_dump is there): dump the profile, then
 *      die of the same signal. __llvm_profile_dump marks the profile written, so the exit
 *      handler does not merge the same counts into the file a second time (LLVM_PROFILE_FILE
 *      has %m). Not async-signal-safe (it opens and locks the file): the process ends right
 *      after it.
 *    - Otherwise (BOLT, whose runtime writes in the binary's DT_FINI, which exit() runs):
 *      exit with status 128 + the signal's number. A shell reports the same status as for
 *      death by that signal, so a workload's `wait "$server" || true` reads the same.
 *      exit() is not async-signal-safe either; BOLT's runtime writes with raw system calls,
 *      glibc flushes stdio at exit without taking its locks, and the process ends right
 *      after.
 *
 *    Only where the signal's action is still the default at start-up, and only while no
 *    one has replaced this handler: a program that handles the signal itself (a graceful
 *    shutdown with tokio::signal or ctrlc) keeps its own handling and writes its profile
 *    when it exits. signal-hook, under tokio, calls the handler it replaced before its own:
 *    called that way, this one does nothing. A signal ignored at start-up (bash starts
 *    background jobs with SIGINT ignored) stays ignored.
 *
 * 2. With NIX_PGO_STARTED_DIR set (the LLVM profile stage sets it), each process creates the
 *    file <dir>/<pid> when it starts, so that the stage can name the runs that wrote no
 *    profile (SIGKILL, a crash, still running when the workload ended): their counts are
 *    missing, and a profile that silently lacks them would describe another workload. */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* compiler-rt's profile runtime, in every binary built with -Cprofile-generate; weak, so
 * that it is NULL where there is none: preloaded into a BOLT-instrumented binary, or into
 * the shell and tools of a workload. */
extern int __llvm_profile_dump(void) __attribute__((weak));

static void write_profile_and_die(int sig) {
  struct sigaction current;
  if (sigaction(sig, NULL, &current) != 0 || current.sa_handler != write_profile_and_die)
    return; /* called by the program's own handler, which replaced this one */
  if (__llvm_profile_dump == NULL) exit(128 + sig);
  __llvm_profile_dump();
  signal(sig, SIG_DFL);
  raise(sig); /* blocked until this handler returns, then the default action */
}

static void record_start(void) {
  const char *dir = getenv("NIX_PGO_STARTED_DIR");
  if (dir == NULL || dir[0] == '\0') return;
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%ld", dir, (long)getpid()) >= (int)sizeof path) return;
  int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
}

__attribute__((constructor)) static void install(void) {
  record_start();
  static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
    struct sigaction old;
    if (sigaction(signals[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction action = {0};
    action.sa_handler = write_profile_and_die;
    sigemptyset(&action.sa_mask);
    sigaction(signals[i], &action, NULL);
  }
}
