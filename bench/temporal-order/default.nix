# The evaluation half of bench/temporal-order/measure (read that first): baseline, the
# package's optimized, and the two hand-built binaries of the temporal-profile trial in ONE
# evaluateVariants run (callgrind: instructions and estimated cycles), on the held-out
# workloads and (unless trained = false) the training ones (as trained-<name>), in the
# environment of bench/compare-cargo-pgo.nix, whose `evaluateBuilds` this is.
{ program
, # Directories with bin/<bin>: the PGO build from the temporal profile linked in input
  # order, and the same build linked with lld's --bp-startup-sort=function.
  plain
, ordered
, # Also evaluate the training workloads (as trained-<name>).
  trained ? true
}:
{
  evaluation = (import ../compare-cargo-pgo.nix { inherit program trained; }).evaluateBuilds {
    suffix = "temporal-order";
    builds = [
      { name = "temporal-plain"; dir = plain; }
      { name = "temporal-ordered"; dir = ordered; }
    ];
  };
}
