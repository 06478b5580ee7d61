# fixedRandom :: drv
# Arguments and result: docs/API.md, `fixedRandom`.
#
# lib/libnix-pgo-fixed-random.so (internal/fixed-random.c), which workloads get in
# LD_PRELOAD when their package has `deterministicRandom = true` (the default): a fixed
# sequence from getrandom makes std's HashMap seeds, and so profiles and instruction
# counts, the same on every run.
{ mkStage
, toolchain
,
}:
mkStage {
  name = "nix-pgo-fixed-random";
  script = builtins.toFile "build-fixed-random.sh" ''
    mkdir -p "$out/lib"
    "$cc" -shared -fPIC -O2 -Wall -Werror -o "$out/lib/libnix-pgo-fixed-random.so" "$source"
  '';
  source = ./fixed-random.c;
  inherit (toolchain) cc;
}
