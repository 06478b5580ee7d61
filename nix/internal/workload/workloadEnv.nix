# workloadEnv :: { name, workload, deterministicRandom ? true, pinned ? false, timeoutFactor ? 1, preload ? [ ], variables ? { } } -> set
#
# The one description of the environment a workload runs in, as attributes of the stage
# that runs it (training, BOLT training, evaluation) and of the report, which times the
# same runs outside the sandbox: runWorkload.sh turns them into that environment, sourced
# by the stages and run as a program by the report. docs/workloads.md documents what the
# workload sees. Every attribute is a string, so the report can pass them as environment
# variables.
#
# A local path (`inputs.corpus = ./testdata;`, the script) is copied to the store
# (workloadPath.nix) and becomes a dependency: the sandbox has it. A string that is not a store
# path can't be reached from the sandbox and is refused. They are linked by name in one
# derivation, $PGO_INPUTS.
{ fixedProc
, fixedRandom
, oneCpu
, mkStage
, toolchain
, workloadPath
,
}:
{
  # The workload's name (checked by buildPgoPackage) and its description:
  # { script, inputs ? { }, timeout ? 600, caCertificates ? false }; without `script`, a
  # stage's own kind of workload (runTestProfile's `cargoTest`).
  name
, workload
, # Give the workload a fixed getrandom sequence (fixedRandom.nix), so that HashMap
  # seeds, and with them profiles and instruction counts, are the same on every run.
  deterministicRandom ? true
, # Run the workload, and every process it starts, on one CPU (oneCpu.nix), so that an
  # instrumented program's threads don't contend for its counters (docs/training-cost.md).
  pinned ? false
, # The timeout is multiplied by this (valgrind runs programs 20-50x slower).
  timeoutFactor ? 1
, # More shared libraries for LD_PRELOAD, after the ones every workload gets (the BOLT
  # training's exitOnSignal).
  preload ? [ ]
, # Environment variables the workload's programs get: { NAME = "value"; } (the Go
  # pipeline fixes GOMAXPROCS and GOGC). They are exported by a generated script that
  # then sources the workload's own, so the report's runs get them too.
  variables ? { }
,
}:
let
  inherit (builtins) hasContext isPath isString mapAttrs;
  input =
    inputName: value:
    if isPath value || !(isString value) || hasContext value then
      workloadPath value
    else
      throw "nix-pgo: input '${inputName}' of workload '${name}' is the string \"${value}\", which the build sandbox can't see. Give a path (`./testdata`, not \"./testdata\" or toString), a derivation, or \"\${./testdata}\".";
in
{
  workloadRunner = ./runWorkload.sh;
  workloadName = name;
  # $PGO_INPUTS: a directory of links, <name> -> <store path>.
  workloadInputs = "${mkStage {
    name = "workload-inputs";
    script = ./linkInputs.sh;
    inputs = mapAttrs input (workload.inputs or { });
  }}";
  workloadTimeout = toString (timeoutFactor * (workload.timeout or 600));
  # LD_PRELOAD (space-separated): fixedProc always (what /proc says of the builder is no
  # part of the workload), fixedRandom with deterministicRandom, then the stage's own.
  workloadPreload = builtins.concatStringsSep " " (
    [ "${fixedProc}/lib/libnix-pgo-fixed-proc.so" ]
    ++ (if deterministicRandom then [ "${fixedRandom}/lib/libnix-pgo-fixed-random.so" ] else [ ])
    ++ preload
  );
  # A CA bundle for programs that load the system's certificates when they start (an
  # HTTPS client built at start-up); the sandbox has no network either way.
  workloadPin = if pinned then "${oneCpu}/bin/nix-pgo-one-cpu" else "";
  workloadCaBundle = if workload.caCertificates or false then toolchain.caBundle else "";
  # `variables` as a file of exports the runner sources before the script (not a wrapper
  # around the script, whose line numbers would be the wrapper's in a failure's message).
  # Single-quoted, so that a value's `$`, backquote or backslash reaches the program as
  # written (as nixpkgs' lib.escapeShellArg).
  workloadVariables =
    let
      quote = v: "'${builtins.replaceStrings [ "'" ] [ "'\\''" ] (if builtins.isString v then v else builtins.toJSON v)}'";
    in
    if variables == { } then
      ""
    else
      builtins.toFile "workload-variables.sh" (
        builtins.concatStringsSep "" (builtins.attrValues (mapAttrs (n: v: "export ${n}=${quote v}\n") variables))
      );
}
  # A workload without a script is a stage's own kind (runTestProfile's cargoTest), whose
  # stage writes the script it runs.
  // (if workload ? script then {
  workloadScript = workloadPath workload.script;
  # The script as the user gave it, for messages: workloadScript is its copy in the store.
  # Not its whole path, which would make the
  # stage depend on where the source is: in a flake, the source's store path changes with
  # every edit of any file (a comment in flake.nix rebuilt every profile, and through the
  # merge everything after it); elsewhere, where the checkout is. A path in a store
  # path is named from that store path's root (`pgo/train/x.sh`), another path by its
  # directory and name; a string (a store path, a derivation's output) as it is.
  workloadScriptGiven =
    let
      given = toString workload.script;
      inStorePath = builtins.match "${builtins.storeDir}/[^/]+/(.+)" given;
      dirAndName = builtins.match ".*/([^/]+/[^/]+)" given;
    in
    if inStorePath != null then builtins.head inStorePath
    else if builtins.isPath workload.script && dirAndName != null then builtins.head dirAndName
    else given;
} else { })
