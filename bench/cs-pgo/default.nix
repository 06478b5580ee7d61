# The evaluation half of bench/cs-pgo/measure (read that first): baseline, the package's
# optimized, and the three hand-built binaries of the CSPGO trial in ONE evaluateVariants run
# (callgrind: instructions and estimated cycles), on the held-out workloads and (unless
# trained = false) the training ones (as trained-<name>), in the environment of
# bench/compare-cargo-pgo.nix, whose `evaluateBuilds` this is.
{ program
, # Directories with bin/<bin>: the build without a profile and the PGO build, both
  # with LTO in the linker, and the PGO build with the context-sensitive profile.
  ltoBaseline
, ltoPgo
, cspgo
, # Also evaluate the training workloads (as trained-<name>).
  trained ? true
}:
{
  evaluation = (import ../compare-cargo-pgo.nix { inherit program trained; }).evaluateBuilds {
    suffix = "cs-pgo";
    builds = [
      { name = "lto-baseline"; dir = ltoBaseline; }
      { name = "lto-pgo"; dir = ltoPgo; }
      { name = "cspgo"; dir = cspgo; }
    ];
  };
}
