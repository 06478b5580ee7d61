/* nix-pgo-one-cpu COMMAND [ARG...]: run COMMAND (and everything it starts, which inherits
 * the affinity) on one CPU: the one this process is running on when it starts, if it may
 * run there, else the lowest it may run on.
 *
 * Why: an instrumented multithreaded program's threads all increment the same profile
 * counters. On several CPUs they contend for those counters' cache lines (plain counters)
 * or serialize on them (atomic counters), and training costs several times the released
 * binary's time (docs/training-cost.md). On one CPU the threads take turns and every
 * counter stays in that CPU's cache. Programs that size their thread pools by the CPUs
 * they may use (Rust's available_parallelism, nproc, sysconf) also see one CPU wherever
 * the build runs, so the profile no longer depends on the builder's core count. The CPU
 * the scheduler already placed us on, rather than always CPU 0, so that builds running
 * side by side are not all pinned to the same CPU. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: nix-pgo-one-cpu COMMAND [ARG...]\n");
    return 2;
  }
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    fprintf(stderr, "nix-pgo-one-cpu: sched_getaffinity: %s\n", strerror(errno));
    return 1;
  }
  int cpu = sched_getcpu();
  if (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
    for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &allowed); cpu++) {
    }
  }
  if (cpu == CPU_SETSIZE) {
    fprintf(stderr, "nix-pgo-one-cpu: this process may run on no CPU below %d\n", CPU_SETSIZE);
    return 1;
  }
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  if (sched_setaffinity(0, sizeof one, &one) != 0) {
    fprintf(stderr, "nix-pgo-one-cpu: sched_setaffinity to CPU %d: %s\n", cpu, strerror(errno));
    return 1;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "nix-pgo-one-cpu: %s: %s\n", argv[1], strerror(errno));
  return 127;
}
