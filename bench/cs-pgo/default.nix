# The evaluation half of bench/cs-pgo/measure (read that first): baseline, the package's
# optimized, and the three hand-built binaries of the CSPGO trial in ONE evaluateVariants run
# (callgrind: instructions and estimated cycles), on the held-out workloads and (unless
# trained = false) the training ones (as trained-<name>), in the environment of
# bench/compare-cargo-pgo.nix, whose `evaluateWith` this is.
{ program
, # Directories with bin/<bin>: the build without a profile and the PGO build, both
  # with LTO in the linker, and the PGO build with the context-sensitive profile.
  ltoBaseline
, ltoPgo
, cspgo
, # Also evaluate the training workloads (as trained-<name>).
  trained ? true
}:
let
  compare = import ../compare-cargo-pgo.nix { inherit program trained; };
  pipeline = import (import ../../examples).${program} { nixPgo = import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }; };
in
{
  evaluation = compare.evaluateWith {
    suffix = "cs-pgo";
    variants = {
      inherit (pipeline) optimized;
      lto-baseline = compare.importBuild ltoBaseline "lto-baseline";
      lto-pgo = compare.importBuild ltoPgo "lto-pgo";
      cspgo = compare.importBuild cspgo "cspgo";
    };
    order = [ "optimized" "lto-baseline" "lto-pgo" "cspgo" ];
  };
}
