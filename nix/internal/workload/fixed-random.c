/* LD_PRELOAD library for workloads: getrandom(2) and getentropy(3) return a fixed,
 * per-process pseudo-random sequence instead of fresh entropy.
 *
 * Why: Rust's std seeds every HashMap from getrandom, so the iteration order (and with it
 * the branch counts in a profile and the instructions callgrind counts) changes from run
 * to run. With this library a deterministic program runs identically every time, which is
 * what makes per-workload profiles and evaluation counts reproducible. The sequence is
 * splitmix64 from a fixed seed: values never repeat within a process, so programs that
 * retry on collisions (temporary file names) still make progress. libc's getrandom and
 * getentropy are replaced, and libc's syscall(2) wrapper when it is asked for
 * SYS_getrandom: the getrandom crate 0.2 (rand 0.8's, proptest's) calls
 * syscall(SYS_getrandom, ...), so without it a program seeded through that crate draws
 * real entropy and its profile differs from run to run. Every other syscall() goes to
 * libc's. A program that issues the instruction itself (Go) still gets real randomness. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/types.h>

static uint64_t state = 0x6e69782d70676f31ULL; /* "nix-pgo1" */

static uint64_t next(void) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

ssize_t getrandom(void *buf, size_t len, unsigned int flags) {
  (void)flags;
  unsigned char *p = buf;
  for (size_t i = 0; i < len; i += 8) {
    uint64_t v = next();
    for (size_t j = 0; j < 8 && i + j < len; j++) p[i + j] = (unsigned char)(v >> (8 * j));
  }
  return (ssize_t)len;
}

int getentropy(void *buf, size_t len) {
  getrandom(buf, len, 0);
  return 0;
}

/* libc's syscall() takes up to six arguments after the number and reads all six, whatever
 * the call passed; so does this one, to hand them on unchanged. */
long syscall(long number, ...) {
  va_list ap;
  long a[6];
  va_start(ap, number);
  for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
  va_end(ap);
  if (number == SYS_getrandom) return getrandom((void *)a[0], (size_t)a[1], (unsigned int)a[2]);
  static long (*libc_syscall)(long, ...);
  if (!libc_syscall) libc_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
  return libc_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
