# evaluateVariants :: set -> drv
# Arguments and result: docs/API.md, `evaluateVariants`.
#
# Runs each evaluation workload against every variant (baseline, optimized, ...): one
# derivation per workload, each running every variant under callgrind, failing when their
# outputs differ, and recording instruction counts and estimated cycles (deterministic
# here, unlike time). Estimated cycles are KCachegrind's CEst from callgrind's cache and
# branch simulation (helper/src/callgrind.rs): the cost that sees code layout, which
# instruction counts don't.
# The result merges them into $out/evaluation.json; the per-workload derivations are
# `passthru.workloads.<name>`.
{ helper
, mkStage
, toolchain
, workloadEnv
,
}:
{ pname
, version
, # { <variant> = <drv with bin/>; }, e.g. { inherit baseline optimized; }
  variants
, # The order the variants run in; each one's output is compared with the first's, and a
  # difference is reported for the first variant that differs, so list them in pipeline
  # order (a PGO bug then names `optimized`, not `bolted`, which inherits it).
  order ? builtins.attrNames variants
, # { <workload> = { script, inputs ? { }, timeout ? 600 }; }
  workloads
, # As for runWorkloadProfile: fixed HashMap seeds make instruction counts repeatable.
  deterministicRandom ? true
, # Environment variables of every workload (workloadEnv.nix `variables`), e.g. Go's
  # GOMAXPROCS and GOGC, fixed so that instruction counts repeat.
  variables ? { }
,
}:
let
  inherit (builtins) attrNames attrValues concatStringsSep mapAttrs;
  sameNames = builtins.sort builtins.lessThan order == attrNames variants;

  # Cache and branch simulation for the estimated cycles. The cache geometry is fixed
  # (32 KiB 8-way L1s, 8 MiB 16-way last level, 64-byte lines: a common x86-64 desktop)
  # rather than read from the builder's CPU, which callgrind does by default: the counts
  # must not depend on which machine built the evaluation.
  callgrindOptions = [
    "--cache-sim=yes"
    "--branch-sim=yes"
    "--I1=32768,8,64"
    "--D1=32768,8,64"
    "--LL=8388608,16,64"
  ];

  evaluateWorkload =
    name: workload:
    mkStage (
      # valgrind runs programs 20-50x slower than they run natively.
      workloadEnv { inherit name workload deterministicRandom variables; timeoutFactor = 30; }
      // {
        name = "${pname}-evaluation-${name}-${version}";
        script = ./evaluateWorkload.sh;
        inherit (toolchain) valgrind;
        inherit callgrindOptions;
        helper = "${helper}/bin/nix-pgo";
        # Lists of the same length, in `order`: the variants' names and outputs.
        variantNames = order;
        variantPaths = map (v: "${variants.${v}}") order;
      }
    );
  perWorkload = mapAttrs evaluateWorkload workloads;
in
if !sameNames then
  throw "evaluateVariants: ${pname}: order (${concatStringsSep ", " order}) must name each variant once (the variants are ${concatStringsSep ", " (attrNames variants)})."
else
  mkStage {
    name = "${pname}-evaluation-${version}";
    script = ./evaluationSummary.sh;
    helper = "${helper}/bin/nix-pgo";
    results = attrValues perWorkload;
    passthru = {
      workloads = perWorkload;
      inherit variants;
    };
  }
