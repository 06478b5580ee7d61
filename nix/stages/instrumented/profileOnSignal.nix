# profileOnSignal :: drv
# Arguments and result: docs/API.md, `profileOnSignal`.
#
# lib/nix-pgo-profile-on-signal.o (profile-on-signal.c), which buildInstrumented links into
# every instrumented binary: killed by SIGINT, SIGTERM or SIGHUP, a program that doesn't
# handle the signal itself writes its profile first, so that a training workload can stop a
# server with `kill`.
{ mkStage
, toolchain
,
}:
mkStage {
  name = "nix-pgo-profile-on-signal";
  script = builtins.toFile "build-profile-on-signal.sh" ''
    mkdir -p "$out/lib"
    "$cc" -c -fPIC -O2 -Wall -Werror -o "$out/lib/nix-pgo-profile-on-signal.o" "$source"
  '';
  source = ./profile-on-signal.c;
  inherit (toolchain) cc;
}
