# N independent evaluations of one package's variants, each with `best`'s choice
# (chooseBest), to see how a multithreaded program's counts and choice move between
# evaluations (README, "What is measured"). The evaluations differ only in an environment
# variable no program reads (NIX_PGO_TRIAL), so each is a fresh set of runs of the same
# binaries. `measure` builds them and prints a table.
# package: a buildPgoPackage result with evaluation workloads (deterministicRandom as
# default); n: how many evaluations.
{ package, n ? 4 }:
let
  lib = import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; };
  inherit (package.evaluation) variants variables;
  # "<pname>-evaluation-<version>"
  parsed = builtins.parseDrvName package.evaluation.name;
  pname = builtins.replaceStrings [ "-evaluation" ] [ "" ] parsed.name;
  inherit (parsed) version;
  order = builtins.filter (v: variants ? ${v}) [ "baseline" "optimized" "bolted" ];
  trial = i:
    let
      evaluation = lib.evaluateVariants {
        inherit pname version variants order;
        workloads = package.workloads.evaluation;
        variables = variables // { NIX_PGO_TRIAL = toString i; };
      };
    in
    lib.chooseBest { inherit pname version evaluation; };
in
builtins.genList trial n
