# The evaluation half of bench/temporal-order/measure (read that first): baseline, the
# package's optimized, and the two hand-built binaries of the temporal-profile trial in ONE
# evaluateVariants run (callgrind: instructions and estimated cycles), on the held-out
# workloads and (unless trained = false) the training ones (as trained-<name>).
{ program
, # Directories with bin/<bin>: the PGO build from the temporal profile linked in input
  # order, and the same build linked with lld's --bp-startup-sort=function.
  plain
, ordered
, # Also evaluate the training workloads (as trained-<name>).
  trained ? true
}:
let
  inherit (builtins) attrNames attrValues head listToAttrs parseDrvName;
  lib = import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; };
  pipeline = import (import ../../examples).${program} { nixPgo = lib; };
  version = (parseDrvName pipeline.baseline.name).version;
  importBuild = dir: suffix: builtins.path { path = /. + dir; name = "${program}-${suffix}-${version}"; };
  training = pipeline.workloads.training;
in
{
  evaluation = lib.evaluateVariants {
    pname = program;
    version = "${version}-temporal-order";
    # The package's deterministicRandom, as its own evaluation derivations got it.
    deterministicRandom = (head (attrValues pipeline.evaluation.workloads)).workloadPreload != "";
    variants = {
      inherit (pipeline) baseline optimized;
      temporal-plain = importBuild plain "temporal-plain";
      temporal-ordered = importBuild ordered "temporal-ordered";
    };
    order = [ "baseline" "optimized" "temporal-plain" "temporal-ordered" ];
    workloads = pipeline.workloads.evaluation
      // (if !trained then { } else listToAttrs (map (n: { name = "trained-${n}"; value = training.${n}; }) (attrNames training)));
  };
}
