# linecount (./linecount): a multithreaded line counter, one worker thread per CPU it may
# run on, trained on a generated text tree and evaluated on another (held out: other
# files, other line lengths). The program of the training-cost study
# (docs/training-cost.md); tests/fixtures/linecount.nix builds it with small trees.
{ nixPgo
, # The training tree: this many files of about this many KiB (1400 × 250: 345 MB).
  files ? 1400
, kib ? 250
, # The held-out tree, run under callgrind by the evaluation.
  evalFiles ? 48
, evalKib ? 64
, # LINECOUNT_THREADS for the training workload (null: one thread per CPU).
  trainThreads ? null
, # More training workloads (e.g. one that reports the CPUs it may run on).
  extraTraining ? { }
,
}:
let
  inherit (nixPgo) buildPgoPackage mkStage toolchain;
  tree =
    name: files: kib: seed: words:
    mkStage {
      name = "linecount-${name}";
      script = builtins.toFile "gen-tree.sh" ''
        "$cc" -O2 -Wall -Werror -o "$NIX_BUILD_TOP/gen-tree" "$source"
        "$NIX_BUILD_TOP/gen-tree" "$out" ${toString files} ${toString kib} ${toString seed} ${toString words}
      '';
      source = ./gen-tree.c;
      inherit (toolchain) cc;
    };
  count = builtins.toFile "count.sh" ''
    linecount "$PGO_INPUTS/tree"
  '';
  countThreads = builtins.toFile "count-threads.sh" ''
    LINECOUNT_THREADS=${toString trainThreads} linecount "$PGO_INPUTS/tree"
  '';
in
buildPgoPackage {
  pname = "linecount";
  version = "0.1.0";
  src = ./linecount;
  bolt = false;
  workloads = {
    training = {
      count = {
        script = if trainThreads == null then count else countThreads;
        inputs.tree = tree "training-${toString files}x${toString kib}k" files kib 1 8;
      };
    } // extraTraining;
    # Long lines of many words: code the training tree ran less.
    evaluation.held-out = {
      script = count;
      inputs.tree = tree "held-out-${toString evalFiles}x${toString evalKib}k" evalFiles evalKib 2 30;
    };
  };
}
