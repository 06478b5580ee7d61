# A weighted workload mix against the default on pulldown-cmark (docs/cargo-pgo.md,
# "Weighted workload mixes"): the training workloads weighted so that each counts equally in
# the merged profile (weights inversely proportional to each workload profile's total count,
# read with `nix-pgo show --json` on `.#host.profiles.<workload>`: commands 1,276,230,
# guide 475,568, reference 3,509,864, so 3 : 7 : 1), beside the default (llvm-profdata's sum,
# every weight 1), on the held-out and the training workloads under callgrind. Its baseline
# and optimized runs of the held-out workloads are the flake's evaluation's (the same
# derivations). Build: `nix build --impure -f bench/weighted-mix.nix`.
let
  lib = import ../nix { toolchain = import ../nix/toolchain/host.nix { }; };
  program = import ../examples/pulldown-cmark { nixPgo = lib; };
  balanced = program.override {
    workloadWeights = {
      commands = 3;
      guide = 7;
      reference = 1;
    };
  };
in
lib.evaluateVariants {
  pname = "pulldown-cmark";
  version = "0.13.6";
  variants = {
    inherit (program) baseline optimized;
    optimized-balanced = balanced.optimized;
  };
  order = [ "baseline" "optimized" "optimized-balanced" ];
  workloads = program.workloads.evaluation // program.workloads.training;
}
