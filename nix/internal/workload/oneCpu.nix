# oneCpu :: drv
# Arguments and result: docs/API.md, `oneCpu`.
#
# bin/nix-pgo-one-cpu (internal/workload/one-cpu.c), which runs training workloads on one
# CPU when their package has `pinTraining = true` (the default): the threads of an
# instrumented program no longer contend for its profile counters (docs/training-cost.md).
{ compileC }:
compileC {
  name = "nix-pgo-one-cpu";
  source = ./one-cpu.c;
  output = "bin/nix-pgo-one-cpu";
  flags = [ "-O2" "-Wall" "-Werror" ];
}
