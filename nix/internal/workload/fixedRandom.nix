# fixedRandom :: drv
# Arguments and result: docs/API.md, `fixedRandom`.
#
# lib/libnix-pgo-fixed-random.so (internal/fixed-random.c), which workloads get in
# LD_PRELOAD when their package has `deterministicRandom = true` (the default): a fixed
# sequence from getrandom makes std's HashMap seeds, and so profiles and instruction
# counts, the same on every run.
{ compileC }:
compileC {
  name = "nix-pgo-fixed-random";
  source = ./fixed-random.c;
  output = "lib/libnix-pgo-fixed-random.so";
  flags = [ "-shared" "-fPIC" "-O2" "-Wall" "-Werror" ];
}
