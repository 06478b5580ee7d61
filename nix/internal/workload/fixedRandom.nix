# fixedRandom :: drv
# Arguments and result: docs/API.md, `fixedRandom`.
#
# lib/libnix-pgo-fixed-random.so (internal/workload/fixed-random.c), which workloads get in
# LD_PRELOAD when their package has `deterministicRandom = true` (the default): a fixed
# sequence from getrandom (libc's, and syscall(SYS_getrandom), the getrandom crate 0.2's)
# makes std's HashMap seeds and rand's, and so profiles and instruction counts, the same on
# every run.
{ compileC }:
compileC {
  name = "nix-pgo-fixed-random";
  source = ./fixed-random.c;
  output = "lib/libnix-pgo-fixed-random.so";
  flags = [ "-shared" "-fPIC" "-O2" "-Wall" "-Werror" ];
  # dlsym, for libc's syscall() (in libc itself since glibc 2.34, in libdl before).
  libraries = [ "-ldl" ];
}
