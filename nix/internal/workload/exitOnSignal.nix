# exitOnSignal :: drv
# Arguments and result: docs/API.md, `exitOnSignal`.
#
# lib/libnix-pgo-exit-on-signal.so: trainingRuntime's source (training-runtime.c) as a
# library that every BOLT training workload gets in LD_PRELOAD. Nothing can be linked into
# BOLT's instrumented binary, and it has no LLVM runtime, so killed by SIGINT, SIGTERM or
# SIGHUP, a program that doesn't handle the signal itself exits instead, and BOLT's runtime
# writes its profile at exit.
{ compileC }:
compileC {
  name = "nix-pgo-exit-on-signal";
  source = ./training-runtime.c;
  output = "lib/libnix-pgo-exit-on-signal.so";
  flags = [ "-shared" "-fPIC" "-O2" "-Wall" "-Werror" ];
}
