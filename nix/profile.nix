# runWorkloadProfile :: set -> drv
#
# Runs one training workload against the instrumented binaries and outputs its profile,
# merged into LLVM's indexed form and canonicalized ($out is the .profdata file). Raw
# .profraw bytes differ on every run (ASLR, binary ids); the canonical profile of a
# deterministic workload does not, so this derivation can be checked with
# `nix build --rebuild`.
{
  fixedRandom,
  helper,
  mkStage,
  toolchain,
}:
{
  pname,
  version,
  instrumented,
  # The workload's name and its description: { script, inputs ? { }, timeout ? 600 }.
  name,
  workload,
  # Give the workload a fixed getrandom sequence (fixedRandom.nix), so that HashMap
  # seeds, and with them the profile, are the same on every run.
  deterministicRandom ? true,
  # Content-addressed output (mkStage.nix).
  contentAddressed ? false,
  # `nix-pgo canonicalize` options, as for mergeProfiles.
  canonicalizeFlags ? [ ],
}:
let
  inputs = workload.inputs or { };
in
mkStage {
  name = "${pname}-profile-${name}-${version}.profdata";
  script = ./profile.sh;
  inherit contentAddressed;
  workloadScriptLib = ./internal/workload.sh;
  inherit instrumented;
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) rustc llvmProfdata;
  workloadName = name;
  workloadScript = workload.script;
  workloadTimeout = toString (workload.timeout or 600);
  canonicalizeFlags = builtins.concatStringsSep " " canonicalizeFlags;
  workloadPreload = if deterministicRandom then "${fixedRandom}/lib/libnix-pgo-fixed-random.so" else "";
  workloadInputNames = builtins.concatStringsSep " " (builtins.attrNames inputs);
  workloadInputPaths = builtins.concatStringsSep " " (map toString (builtins.attrValues inputs));
  passthru = {
    inherit instrumented workload;
  };
}
