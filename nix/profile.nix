# runWorkloadProfile :: set -> drv
#
# Runs one training workload against the instrumented binaries and outputs its profile,
# already merged into LLVM's indexed form ($out is the .profdata file). Raw .profraw bytes
# differ on every run (ASLR, binary ids); indexed profiles of a deterministic workload do
# not, so this derivation can be checked with `nix build --rebuild`.
{
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
}:
let
  inputs = workload.inputs or { };
in
mkStage {
  name = "${pname}-profile-${name}-${version}.profdata";
  script = ./profile.sh;
  workloadScriptLib = ./internal/workload.sh;
  inherit instrumented;
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) rustc llvmProfdata;
  workloadName = name;
  workloadScript = workload.script;
  workloadTimeout = toString (workload.timeout or 600);
  workloadInputNames = builtins.concatStringsSep " " (builtins.attrNames inputs);
  workloadInputPaths = builtins.concatStringsSep " " (map toString (builtins.attrValues inputs));
  passthru = {
    inherit instrumented workload;
  };
}
