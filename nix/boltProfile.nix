# runBoltWorkloadProfile :: set -> drv
#
# Runs one training workload against the BOLT-instrumented binaries, like
# runWorkloadProfile does against the PGO-instrumented ones, and merges the .fdata files
# of its processes with merge-fdata: $out/<binary>.fdata for each binary it ran.
{
  fixedRandom,
  mkStage,
  toolchain,
}:
{
  pname,
  version,
  boltInstrumented,
  # The workload's name and its description: { script, inputs ? { }, timeout ? 600 }.
  name,
  workload,
  # As for runWorkloadProfile: fixed HashMap seeds, so the same profile on every run.
  deterministicRandom ? true,
}:
let
  inputs = workload.inputs or { };
in
mkStage {
  name = "${pname}-bolt-profile-${name}-${version}";
  script = ./bolt-profile.sh;
  boltScriptLib = ./internal/bolt.sh;
  workloadScriptLib = ./internal/workload.sh;
  inherit boltInstrumented;
  inherit (boltInstrumented) boltProfileDir;
  inherit (toolchain) mergeFdata;
  workloadName = name;
  workloadScript = workload.script;
  workloadTimeout = toString (workload.timeout or 600);
  workloadPreload = if deterministicRandom then "${fixedRandom}/lib/libnix-pgo-fixed-random.so" else "";
  workloadInputNames = builtins.concatStringsSep " " (builtins.attrNames inputs);
  workloadInputPaths = builtins.concatStringsSep " " (map toString (builtins.attrValues inputs));
  passthru = {
    inherit boltInstrumented workload;
  };
}
