/* LD_PRELOAD library for workloads: the /proc files that describe the builder rather than
 * the program read the same on every builder. A process that opens its mount table
 * (/proc/self/mountinfo, /proc/self/mounts, /proc/mounts) or its cgroup membership
 * (/proc/self/cgroup) for reading gets a fixed text instead.
 *
 * Why: programs with a thread pool ask how many CPUs they may use, and the num_cpus crate
 * and std's available_parallelism (cgroup v1) answer by reading these files first: they
 * look for a CPU quota. In the build sandbox the mount table lists the builder's own
 * mounts (its extra-sandbox-paths, the host directories behind /nix/store and /build,
 * device numbers, mount options) and /proc/self/cgroup the builder's cgroup hierarchies.
 * Parsing a longer or shorter text takes other branch counts, so a single-threaded
 * program's profile and instruction counts depended on the machine that built them, and
 * a profile locked on one machine did not rebuild bit-identically on another
 * (tests/cases/31-builder-independence.sh). The fixed text says what the sandbox says in
 * substance: no cgroup file system is mounted (the sandbox has no /sys), so there is no
 * quota, and the programs go on to sched_getaffinity as before.
 *
 * Only libc's open functions are replaced; a program that issues the raw syscall (Go's
 * runtime) still reads the real files. Writes and other /proc files pass through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char mountinfo[] =
    "1 0 0:1 / / rw,relatime - ext4 /dev/root rw\n"
    "2 1 0:1 /nix/store /nix/store rw,relatime - ext4 /dev/root rw\n"
    "3 1 0:1 /build /build rw,relatime - ext4 /dev/root rw\n"
    "4 1 0:2 / /proc rw,relatime - proc proc rw\n";

static const char mounts[] =
    "/dev/root / ext4 rw,relatime 0 0\n"
    "/dev/root /nix/store ext4 rw,relatime 0 0\n"
    "/dev/root /build ext4 rw,relatime 0 0\n"
    "proc /proc proc rw,relatime 0 0\n";

/* cgroup v2 at the root: the hierarchy the sandbox's processes see. */
static const char cgroup[] = "0::/\n";

/* The fixed text for PATH, or NULL when PATH is not one of the files above. Only this
 * process's own files: /proc/self/, /proc/thread-self/ and /proc/<its pid>/. */
static const char *fixed_text(const char *path) {
  if (path == NULL) return NULL;
  if (strcmp(path, "/proc/mounts") == 0) return mounts;
  const char *rest;
  char own[32];
  snprintf(own, sizeof own, "/proc/%ld/", (long)getpid());
  if (strncmp(path, "/proc/self/", 11) == 0)
    rest = path + 11;
  else if (strncmp(path, "/proc/thread-self/", 18) == 0)
    rest = path + 18;
  else if (strncmp(path, own, strlen(own)) == 0)
    rest = path + strlen(own);
  else
    return NULL;
  if (strcmp(rest, "mountinfo") == 0) return mountinfo;
  if (strcmp(rest, "mounts") == 0) return mounts;
  if (strcmp(rest, "cgroup") == 0) return cgroup;
  return NULL;
}

/* A file descriptor reading TEXT from its start, or -1 (the caller then opens the real
 * file). */
static int text_fd(const char *text, int flags) {
  int fd = memfd_create("nix-pgo-fixed-proc", (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
  if (fd < 0) return -1;
  size_t len = strlen(text), done = 0;
  while (done < len) {
    ssize_t n = write(fd, text + done, len - done);
    if (n <= 0) {
      close(fd);
      return -1;
    }
    done += (size_t)n;
  }
  if (lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The fixed file for PATH opened with FLAGS, or -1 when PATH is not fixed or is opened for
 * writing. */
static int fixed_fd(const char *path, int flags) {
  const char *text = fixed_text(path);
  if (text == NULL || (flags & O_ACCMODE) != O_RDONLY) return -1;
  return text_fd(text, flags);
}

static int mode_of(int flags, va_list args) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(args, int) : 0;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

/* open and openat in their four spellings (the mode comes only with O_CREAT or O_TMPFILE),
 * and the entry points of _FORTIFY_SOURCE builds, which take no mode: PARAMS are the
 * function's parameters, ARGS the real function's arguments. */
#define WITH_MODE(name, params, args)      \
  int name params {                        \
    int fd = fixed_fd(path, flags);        \
    if (fd >= 0) return fd;                \
    va_list rest;                          \
    va_start(rest, flags);                 \
    int mode = mode_of(flags, rest);       \
    va_end(rest);                          \
    return NEXT(name) args;                \
  }
#define WITHOUT_MODE(name, params, args)   \
  int name params {                        \
    int fd = fixed_fd(path, flags);        \
    return fd >= 0 ? fd : NEXT(name) args; \
  }

WITH_MODE(open, (const char *path, int flags, ...), (path, flags, mode))
WITH_MODE(open64, (const char *path, int flags, ...), (path, flags, mode))
WITH_MODE(openat, (int dir, const char *path, int flags, ...), (dir, path, flags, mode))
WITH_MODE(openat64, (int dir, const char *path, int flags, ...), (dir, path, flags, mode))
WITHOUT_MODE(__open_2, (const char *path, int flags), (path, flags))
WITHOUT_MODE(__open64_2, (const char *path, int flags), (path, flags))
WITHOUT_MODE(__openat_2, (int dir, const char *path, int flags), (dir, path, flags))
WITHOUT_MODE(__openat64_2, (int dir, const char *path, int flags), (dir, path, flags))

/* fopen's modes that only read: "r", with any of glibc's b, c, e, m, x but no '+'. */
static FILE *fixed_file(const char *path, const char *mode) {
  if (mode == NULL || mode[0] != 'r' || strchr(mode, '+') != NULL) return NULL;
  int fd = fixed_fd(path, strchr(mode, 'e') ? O_RDONLY | O_CLOEXEC : O_RDONLY);
  if (fd < 0) return NULL;
  FILE *file = fdopen(fd, "r");
  if (file == NULL) close(fd);
  return file;
}

FILE *fopen(const char *path, const char *mode) {
  FILE *file = fixed_file(path, mode);
  return file != NULL ? file : NEXT(fopen)(path, mode);
}

FILE *fopen64(const char *path, const char *mode) {
  FILE *file = fixed_file(path, mode);
  return file != NULL ? file : NEXT(fopen64)(path, mode);
}
