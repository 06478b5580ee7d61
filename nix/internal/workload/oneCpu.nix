# oneCpu :: drv
# Arguments and result: docs/API.md, `oneCpu`.
#
# bin/nix-pgo-one-cpu (internal/workload/one-cpu.c), which runs training workloads on one
# CPU when their package has `pinTraining = true` (the default): the threads of an
# instrumented program no longer contend for its profile counters (docs/training-cost.md).
{ mkStage
, toolchain
,
}:
mkStage {
  name = "nix-pgo-one-cpu";
  script = builtins.toFile "build-one-cpu.sh" ''
    mkdir -p "$out/bin"
    "$cc" -O2 -Wall -Werror -o "$out/bin/nix-pgo-one-cpu" "$source"
  '';
  source = ./one-cpu.c;
  inherit (toolchain) cc;
}
