# trainingRuntime :: drv
# Arguments and result: docs/API.md, `trainingRuntime`.
#
# lib/nix-pgo-training-runtime.o (training-runtime.c), which buildInstrumented links into
# every instrumented binary: killed by SIGINT, SIGTERM or SIGHUP, a program that doesn't
# handle the signal itself writes its profile first (a training workload can stop a server
# with `kill`), and every process records that it started, so that the profile stage can
# name the runs that wrote no profile.
{ compileC }:
compileC {
  name = "nix-pgo-training-runtime";
  source = ./training-runtime.c;
  output = "lib/nix-pgo-training-runtime.o";
  flags = [ "-c" "-fPIC" "-O2" "-Wall" "-Werror" ];
}
