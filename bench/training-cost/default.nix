# The cost of training a multithreaded program, and what keeps it down
# (docs/training-cost.md): linecount (./linecount.nix: a line counter with one worker
# thread per CPU, trained on a generated 345 MB text tree) with today's and other
# training settings. Not a program of the flake:
#   nix build --impure -f bench/training-cost <attr>
#
# The result is the package as nix-pgo builds it by default, plus `variants.<name>` (the
# same package with other training settings), `comparison` (every variant's optimized
# binary against the one baseline on the held-out workload, under callgrind), `overlap`
# (each variant's merged profile against the unpinned one's, llvm-profdata overlap) and
# `timing` (bin/time-training: the training workload natively with the released binary and
# each way of running the instrumented one, interleaved rounds).
{ nixPgo ? import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }
,
}:
let
  inherit (nixPgo) evaluateVariants mkStage oneCpu toolchain;
  linecount = import ./linecount.nix { inherit nixPgo; };
  threads1 = import ./linecount.nix {
    inherit nixPgo;
    trainThreads = 1;
  };
  variants = {
    # Before pinTraining: plain counters, every CPU.
    unpinned = linecount.override { pinTraining = false; };
    # The thread pool at one thread (a program-specific setting), every CPU.
    threads1 = threads1.override { pinTraining = false; };
    # Atomic counters, every CPU and one.
    atomic = linecount.override {
      atomicCounters = true;
      pinTraining = false;
    };
    atomicPinned = linecount.override { atomicCounters = true; };
  };
  # The reference is today's default before this study: unpinned.
  all = { pinned = linecount; } // variants;
  order = [
    "unpinned"
    "pinned"
    "threads1"
    "atomic"
    "atomicPinned"
  ];
  pick = attr: map (v: all.${v}.${attr}) order;
in
linecount
  // {
  inherit variants;

  # Every variant's optimized binary against the one baseline, on the held-out workload.
  comparison = evaluateVariants {
    pname = "linecount-training-cost";
    version = "0.1.0";
    workloads = linecount.workloads.evaluation;
    variants = {
      inherit (linecount) baseline;
    }
    // builtins.mapAttrs (_: v: v.optimized) all;
    order = [ "baseline" ] ++ order;
  };

  # Each variant's merged profile against the unpinned one's.
  overlap = mkStage {
    name = "linecount-training-cost-overlap-0.1.0";
    script = ../ripgrep-sampling/overlap.sh;
    inherit (toolchain) llvmProfdata;
    profileFile = "linecount.profdata";
    variantNames = builtins.concatStringsSep " " order;
    variantProfiles = builtins.concatStringsSep " " (map toString (pick "profile"));
  };

  # bin/time-training [--rounds N] [--runs N] [--out DIR] (time-training.sh).
  timing = mkStage {
    name = "linecount-training-cost-timing-0.1.0";
    script = builtins.toFile "timing.sh" ''
      mkdir -p "$out/bin"
      {
        echo "#!$BASH"
        printf 'released=%q plain=%q atomic=%q pin=%q tree=%q rotatedRounds=%q\n' "$released" "$plain" "$atomic" "$pin" "$tree" "$rotatedRounds"
        cat "$timeTraining"
      } >"$out/bin/time-training"
      chmod +x "$out/bin/time-training"
    '';
    timeTraining = ./time-training.sh;
    rotatedRounds = ../lib/rotatedRounds.sh;
    released = "${linecount.baseline}/bin/linecount";
    plain = "${linecount.instrumented}/bin/linecount";
    atomic = "${variants.atomic.instrumented}/bin/linecount";
    pin = "${oneCpu}/bin/nix-pgo-one-cpu";
    tree = linecount.workloads.training.count.inputs.tree;
  };
}
