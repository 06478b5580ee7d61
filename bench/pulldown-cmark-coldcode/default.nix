# A study of cold-code pessimization (docs/safe-defaults.md): the demo program
# (pulldown-cmark 0.13.6, same source, same pinned inputs) trained on ONE part of its
# features, parsing prose (`--dry-run` of Cargo's changelog), and evaluated on that part
# (trained-parse: other changelogs) and on a held-out part (heldout-code: code blocks
# rendered to HTML; neither the fenced-code parser nor the renderer ran in training).
# Not a program of the flake (examples/default.nix doesn't list it):
#   nix build --impure -f bench/pulldown-cmark-coldcode <attr>
#
# The result is the study package with the plain options (its `noRegression` fails:
# heldout-code regresses), plus `candidates.<name>` (the same package with one candidate
# safe default each), `recommended` (the one docs/safe-defaults.md picks), and
# `comparison`/`comparisonCheck`: every candidate's optimized binary evaluated against the
# original baseline in one evaluation.
{ nixPgo ? import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }
,
}:
let
  demo = import ../../examples/pulldown-cmark { inherit nixPgo; };
  # The demo's inputs (the Cargo Book and other crates' changelogs, pinned by hash).
  # (An evaluation workload's: the Cargo Book and the held-out trees, evaluationInputs.)
  inherit (demo.workloads.evaluation.cargo-changelog) inputs;
  study = nixPgo.workloadsFromDir ./. { inherit inputs; };
  broad = {
    script = builtins.path {
      path = ./broad/features.sh;
      name = "workload-features.sh";
    };
    inherit inputs;
  };

  studyArgs = {
    workloads = study;
    # PGO alone: the question is what the profile does to untrained code.
    bolt = false;
    # The demo's lock and checked-in profile are for its own workloads.
    lockFile = null;
    checkedInProfile = null;
  };
  # The plain options: no safe default in the profile-using build.
  plain = demo.override (studyArgs // { profileUseRustflags = [ ]; });
  # A candidate in the profile-using builds only, so the baseline stays the original.
  withFlags = profileUseRustflags: plain.override { inherit profileUseRustflags; };
  withBroad =
    weight: extra:
    plain.override (
      {
        workloads = study // {
          training = study.training // {
            inherit broad;
          };
        };
        # The main training workload weighs `weight` times the broad one.
        workloadWeights = {
          parse = weight;
          broad = 1;
        };
      }
      // extra
    );

  candidates = {
    pgsoOff = withFlags [ "-Cllvm-args=-pgso=false" ];
    splitMachineFunctions = withFlags [ "-Cllvm-args=-enable-split-machine-functions" ];
    coldInlineThresholds = withFlags [
      "-Cllvm-args=-inline-cold-callsite-threshold=225"
      "-Cllvm-args=-inlinecold-threshold=225"
    ];
    coldCallsiteThreshold = withFlags [ "-Cllvm-args=-inline-cold-callsite-threshold=225" ];
    coldCalleeThreshold = withFlags [ "-Cllvm-args=-inlinecold-threshold=225" ];
    pgsoOffColdInline = withFlags [
      "-Cllvm-args=-pgso=false"
      "-Cllvm-args=-inline-cold-callsite-threshold=225"
      "-Cllvm-args=-inlinecold-threshold=225"
    ];
    broadWeight10 = withBroad 10 { };
    broadWeight100 = withBroad 100 { };
    broadWeight10PgsoOff = withBroad 10 { profileUseRustflags = [ "-Cllvm-args=-pgso=false" ]; };
  };
  # Every candidate's optimized binary against the ORIGINAL baseline (no extra flags), in
  # one evaluation: the numbers of docs/safe-defaults.md.
  variants = {
    inherit (plain) baseline;
    plain = plain.optimized;
  }
  // builtins.mapAttrs (_: c: c.optimized) candidates;
  comparison = nixPgo.evaluateVariants {
    pname = "pulldown-cmark-coldcode";
    version = "0.13.6";
    inherit variants;
    order = [
      "baseline"
      "plain"
    ]
    ++ builtins.attrNames candidates;
    workloads = study.evaluation;
  };
in
plain
  // {
  inherit candidates comparison;
  # The regression check over `comparison`: names every candidate that still regresses.
  comparisonCheck = nixPgo.regressionCheck {
    pname = "pulldown-cmark-coldcode-candidates";
    evaluation = comparison;
  };
  # buildPgoPackage's default (profileUseRustflags), which this study chose.
  recommended = demo.override studyArgs;
}
