# buildBolted :: set -> drv
# Arguments and result: docs/API.md, `buildBolted`.
#
# The bolt input rewritten by llvm-bolt with the merged BOLT profile: basic blocks and
# functions laid out by how the training workloads ran them, cold code split away.
# $out/bin/<binary>; $out/nix-support/bolt-<binary>.log is llvm-bolt's report (profile
# coverage, dyno stats). The input and profile are copied to fixed paths and
# --bolt-info=0 is passed, so no store path of an earlier stage is written into the binary.
{ helper
, mkStage
, toolchain
,
}:
{ pname
, version
, # The stage's name and script: a repair stage (stages/repair/boltRepaired.nix) wraps
  # this script in its own.
  stage ? "bolted"
, script ? ./buildBolted.sh
, # Attributes for that script.
  extraAttrs ? { }
, # buildBoltInput's result: the binaries, linked with --emit-relocs.
  boltInput
, # mergeBoltProfiles's result: <binary>.fdata for each binary.
  boltProfile
, # llvm-bolt's optimization options (checked against LLVM 22's `llvm-bolt --help-hidden`).
  boltOptions ? [
    # Lay out blocks inside each function with the extended-TSP model, the one LLVM
    # recommends for instruction-cache and branch behaviour.
    "-reorder-blocks=ext-tsp"
    # Order functions with cache-directed sort (hfsort+'s successor), hot callers next to
    # their callees.
    "-reorder-functions=cdsort"
    # Move the cold blocks of hot functions (and, -split-all-cold, all cold blocks that
    # can be) away from the hot ones, exception landing pads included (-split-eh).
    "-split-functions"
    "-split-all-cold"
    "-split-eh"
    # Fold identical functions (generic instantiations often are).
    # (LLVM 22's llvm-bolt warns that "1" is deprecated for "all"; it lists both. "1" is kept
    # because it is also what a BOLT whose -icf is a plain on/off option accepts, as it
    # was before safe ICF, 2025.)
    "-icf=1"
    # Remove double jumps and useless branches left by the new layout.
    "-peepholes=all"
    # No __hot_start/__hot_end symbols: with function reordering llvm-bolt would otherwise
    # pad the hot code to a 2 MiB boundary for hugify, which nix-pgo does not use (the
    # demo's binary went from 2.7 to 4.5 MB for nothing).
    "-hot-text=0"
    # Put the new code segment where the GNU_STACK header was, so that strip and objcopy
    # still work on the result.
    "-use-gnu-stack"
    # Print what the profile says the layout changed (in the log).
    "-dyno-stats"
  ]
,
}:
mkStage ({
  name = "${pname}-${stage}-${version}";
  inherit script;
  boltScriptLib = ../../internal/bolt/bolt.sh;
  inherit boltInput boltProfile;
  inherit boltOptions;
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) rustc llvmProfdata llvmBolt;
  passthru = {
    inherit boltInput boltProfile;
  };
  meta.mainProgram = boltInput.meta.mainProgram or pname;
} // extraAttrs)
