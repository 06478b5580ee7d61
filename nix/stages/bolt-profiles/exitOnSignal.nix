# exitOnSignal :: drv
# Arguments and result: docs/API.md, `exitOnSignal`.
#
# lib/libnix-pgo-exit-on-signal.so (exit-on-signal.c), which every BOLT training workload
# gets in LD_PRELOAD: killed by SIGINT, SIGTERM or SIGHUP, a program that doesn't handle the
# signal itself exits instead, and BOLT's runtime writes its profile at exit.
{ compileC }:
compileC {
  name = "nix-pgo-exit-on-signal";
  source = ./exit-on-signal.c;
  output = "lib/libnix-pgo-exit-on-signal.so";
  flags = [ "-shared" "-fPIC" "-O2" "-Wall" "-Werror" ];
}
