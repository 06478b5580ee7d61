# workloadEnv :: { name, workload, deterministicRandom ? true, timeoutFactor ? 1 } -> set
#
# The one description of the environment a workload runs in, as attributes of the stage
# that runs it (training, BOLT training, evaluation; the report reads the same set):
# runWorkload.sh, sourced by the stage, turns them into that environment. docs/workloads.md
# documents what the workload sees.
#
# Inputs are interpolated, so a local path (`inputs.corpus = ./testdata;`) is copied to
# the store and becomes a dependency of the stage: the sandbox has it. A string that is
# not a store path can't be reached from the sandbox and is refused.
{ fixedRandom
, toolchain
,
}:
{
  # The workload's name (checked by buildPgoPackage) and its description:
  # { script, inputs ? { }, timeout ? 600, caCertificates ? false }.
  name
, workload
, # Give the workload a fixed getrandom sequence (fixedRandom.nix), so that HashMap
  # seeds, and with them profiles and instruction counts, are the same on every run.
  deterministicRandom ? true
, # The timeout is multiplied by this (valgrind runs programs 20-50x slower).
  timeoutFactor ? 1
,
}:
let
  inherit (builtins) hasContext isPath isString mapAttrs;
  input =
    inputName: value:
    if isPath value || !(isString value) || hasContext value then
      "${value}"
    else
      throw "nix-pgo: input '${inputName}' of workload '${name}' is the string \"${value}\", which the build sandbox can't see. Give a path (`./testdata`, not \"./testdata\" or toString), a derivation, or \"\${./testdata}\".";
in
{
  workloadRunner = ./runWorkload.sh;
  workloadName = name;
  workloadScript = "${workload.script}";
  # { <name> = <store path>; }: $PGO_INPUTS/<name> in the workload's environment.
  workloadInputs = mapAttrs input (workload.inputs or { });
  workloadTimeout = toString (timeoutFactor * (workload.timeout or 600));
  workloadPreload = if deterministicRandom then "${fixedRandom}/lib/libnix-pgo-fixed-random.so" else "";
  # A CA bundle for programs that load the system's certificates when they start (an
  # HTTPS client built at start-up); the sandbox has no network either way.
  workloadCaBundle = if workload.caCertificates or false then toolchain.caBundle else "";
}
