/* Preloaded (LD_PRELOAD) into the BOLT training workloads (runBoltWorkloadProfile): killed
 * by SIGINT, SIGTERM or SIGHUP, a program exits with status 128 + the signal's number
 * instead of dying of it.
 *
 * BOLT's instrumented binary is the shipped code (boltInput), so nothing can be linked
 * into it, and its runtime writes the profile in the binary's DT_FINI, which exit() runs
 * and a signal's default action does not: a server that a workload stops with `kill` wrote
 * no BOLT profile. A shell sees the same status either way ($? is 128 + N for a process
 * killed by signal N), so a workload's `wait "$server" || true` reads the same.
 *
 * As for the LLVM-instrumented binaries (stages/instrumented/training-runtime.c): only
 * where the signal's action is still the default at start-up, and only while no one has
 * replaced this handler, so that a program that handles the signal itself (or chains to the
 * handler it replaced, as signal-hook does) keeps its own handling. exit() is not
 * async-signal-safe; BOLT's runtime writes with raw system calls, and glibc flushes stdio
 * at exit without taking its locks, and the process ends right after. */
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

static void exit_instead(int sig) {
  struct sigaction current;
  if (sigaction(sig, NULL, &current) != 0 || current.sa_handler != exit_instead)
    return; /* called by the program's own handler, which replaced this one */
  exit(128 + sig);
}

__attribute__((constructor)) static void install(void) {
  static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
    struct sigaction old;
    if (sigaction(signals[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL) continue;
    struct sigaction action = {0};
    action.sa_handler = exit_instead;
    sigemptyset(&action.sa_mask);
    sigaction(signals[i], &action, NULL);
  }
}
