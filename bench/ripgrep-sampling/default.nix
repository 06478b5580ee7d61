# A study of cheap instrumentation for multithreaded programs (docs/cheap-instrumentation.md):
# ripgrep (examples/ripgrep, trained with four search threads) instrumented with LLVM's
# sampled instrumentation instead of (or on top of) atomic counters. Same source, same
# workloads, same profile options (no value profiling, profileExclude); only the
# instrumented build's counter flags differ (instrumentRustflags), so every variant shares
# the baseline. Not a program of the flake (examples/default.nix doesn't list it):
#   nix build --impure -f bench/ripgrep-sampling <attr>
#
# The result is the shipped package (atomic counters, the reference: every increment
# counted), plus `variants.<name>` (the same package with other counter flags),
# `comparison` (every variant's optimized binary against the one baseline, on the held-out
# evaluation workloads, under callgrind), `overlap` (each variant's merged profile against
# the reference's, llvm-profdata overlap), `trainingInstructions` (each instrumented
# binary on one training workload under callgrind) and `timing` (bin/time-training: wall
# and CPU time of the training workloads, every variant in one hyperfine run per round).
{ nixPgo ? import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }
,
}:
let
  inherit (nixPgo) evaluateVariants mkStage toolchain;
  ripgrep = import ../../examples/ripgrep { inherit nixPgo; };
  inherit (ripgrep.workloads) training;

  # LLVM 22's sampled instrumentation (InstrProfiling.cpp): a thread-local 16-bit counter,
  # __llvm_profile_sampling, advances on every counter increment of the thread; an
  # increment is recorded only while it is below the burst duration, and it wraps at the
  # period. -enable-sampled-instrumentation is the pass-pipeline switch (it also turns off
  # counter promotion out of loops, as clang's pipeline does); the defaults are period
  # 65536 and burst 200, i.e. 200 of every 65,536 increments (0.31 %).
  sampled = [ "-Cllvm-args=-enable-sampled-instrumentation" ];
  burst = n: [ "-Cllvm-args=-sampled-instr-burst-duration=${toString n}" ];
  variantArgs = {
    # Racy counters: plain load-add-store, increments lost when threads race.
    plain = {
      atomicCounters = false;
    };
    # Sampled, 0.31 % of increments (LLVM's defaults), racy and atomic.
    sampled = {
      atomicCounters = false;
      instrumentRustflags = sampled;
    };
    sampledAtomic = {
      instrumentRustflags = sampled;
    };
    # Sampled, 3.1 % of increments (burst 2048 of 65,536), racy.
    sampledBurst2048 = {
      atomicCounters = false;
      instrumentRustflags = sampled ++ burst 2048;
    };
    # Sampled through the lowering pass's own switch, which leaves counter promotion out
    # of loops on (0.31 %, racy).
    sampledPromoted = {
      atomicCounters = false;
      instrumentRustflags = [ "-Cllvm-args=-sampled-instrumentation" ];
    };
  };
  variants = builtins.mapAttrs (_: ripgrep.override) variantArgs;
  # The reference: every increment counted, atomically (what examples/ripgrep ships).
  all = { atomic = ripgrep; } // variants;
  order = [
    "atomic"
    "plain"
    "sampled"
    "sampledAtomic"
    "sampledBurst2048"
    "sampledPromoted"
  ];
  pick = attr: map (v: all.${v}.${attr}) order;

  # One stage of every variant and the one baseline under callgrind, on these workloads.
  againstBaseline =
    pname: stage: workloads:
    evaluateVariants {
      inherit pname workloads;
      version = "15.2.0";
      variants = {
        inherit (ripgrep) baseline;
      }
      // builtins.mapAttrs (_: v: v.${stage}) all;
      order = [ "baseline" ] ++ order;
    };
in
ripgrep
  // {
  inherit variants;

  # Every variant's optimized binary against the one baseline, on the evaluation workloads.
  comparison = againstBaseline "ripgrep-sampling" "optimized" ripgrep.workloads.evaluation;

  # Each instrumented binary on one training workload under callgrind (valgrind runs one
  # thread at a time, so this counts the instructions instrumentation adds, not the cost
  # of threads contending on shared counters).
  trainingInstructions = againstBaseline "ripgrep-sampling-training" "instrumented" {
    inherit (training) tokio-lines;
  };

  # Each variant's merged profile against the reference's: llvm-profdata overlap, total
  # counts, and how many functions have counts (a function whose counts were all missed by
  # sampling looks never executed, i.e. cold, to the optimized build).
  overlap = mkStage {
    name = "ripgrep-sampling-overlap-15.2.0";
    script = ./overlap.sh;
    inherit (toolchain) llvmProfdata;
    profileFile = "ripgrep.profdata";
    variantNames = builtins.concatStringsSep " " order;
    variantProfiles = builtins.concatStringsSep " " (map toString (pick "profile"));
  };

  # bin/time-training [--rounds N]: the training workloads natively, with baseline and
  # every instrumented binary, one hyperfine invocation per round (variant order rotated
  # from round to round). Not a measurement itself: times depend on the machine's load.
  timing = mkStage {
    name = "ripgrep-sampling-timing-15.2.0";
    script = ./timing.sh;
    timeTraining = ./time-training.sh;
    rotatedRounds = ../lib/rotatedRounds.sh;
    variantNames = builtins.concatStringsSep " " ([ "baseline" ] ++ order);
    variantPaths = builtins.concatStringsSep " " (
      map toString ([ ripgrep.baseline ] ++ pick "instrumented")
    );
    trainScripts = builtins.concatStringsSep " " (
      map (w: toString w.script) (builtins.attrValues training)
    );
    inputNames = "cargo tokio";
    inputPaths = "${training.cargo-regexes.inputs.cargo} ${training.tokio-lines.inputs.tokio}";
  };
}
