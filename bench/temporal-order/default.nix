# The evaluation half of bench/temporal-order/measure (read that first): baseline, the
# package's optimized, and the two hand-built binaries of the temporal-profile trial in ONE
# evaluateVariants run (callgrind: instructions and estimated cycles), on the held-out
# workloads and (unless trained = false) the training ones (as trained-<name>), in the
# environment of bench/compare-cargo-pgo.nix, whose `evaluateWith` this is.
{ program
, # Directories with bin/<bin>: the PGO build from the temporal profile linked in input
  # order, and the same build linked with lld's --bp-startup-sort=function.
  plain
, ordered
, # Also evaluate the training workloads (as trained-<name>).
  trained ? true
}:
let
  compare = import ../compare-cargo-pgo.nix { inherit program trained; };
  pipeline = import (import ../../examples).${program} { nixPgo = import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }; };
in
{
  evaluation = compare.evaluateWith {
    suffix = "temporal-order";
    variants = {
      inherit (pipeline) optimized;
      temporal-plain = compare.importBuild plain "temporal-plain";
      temporal-ordered = compare.importBuild ordered "temporal-ordered";
    };
    order = [ "optimized" "temporal-plain" "temporal-ordered" ];
  };
}
