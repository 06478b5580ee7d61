# workloadProblems :: [ string ] -> [ string ] -> set -> [ string ]
#
# What is wrong with a pipeline's `workloads` argument, one sentence per problem (empty:
# nothing), checked by buildPgoPackage and buildGoPgoPackage before any of it reaches a
# derivation: a kind the pipeline doesn't have (a misspelt `evalution` would otherwise
# leave the package without an evaluation and `best`, silently), a workload's unknown or
# mistyped settings, and names that can't name what they become. Workload names become
# parts of file names, store path names and Hydra job names (stagesOf:
# `profiles-<workload>`; Hydra skips a job whose name has a dot); input names only file
# and store path names, so they may have one. `runs`: what a workload of this pipeline
# runs (Rust: script or cargoTest; Go: script or benchmark), one of them per workload.
kinds: runs: workloads:
let
  inherit (builtins) attrNames attrValues concatLists concatStringsSep elem filter head isAttrs isBool isInt length mapAttrs match;
  isWorkloadName = name: match "[A-Za-z0-9_][A-Za-z0-9_+-]*" name != null;
  isInputName = name: match "[A-Za-z0-9_][A-Za-z0-9_.+-]*" name != null;
  unknown = filter (k: !elem k kinds) (attrNames workloads);
  # f KIND NAME SPEC, a list, for every workload of every kind, concatenated.
  forEachWorkload = f: concatLists (map
    (kind:
      let set = workloads.${kind} or { }; in
      if !isAttrs set then [ ] else concatLists (attrValues (mapAttrs (f kind) set)))
    kinds);
  # [ { workload = bool; text; } ]: each bad name, a workload's or an input's.
  badNames = forEachWorkload (kind: w: spec:
    (if isWorkloadName w then [ ] else [{ workload = true; text = "${kind} workload '${w}'"; }])
    ++ map (i: { workload = false; text = "input '${i}' of ${kind} workload '${w}'"; })
      (filter (i: !isInputName i) (attrNames (if isAttrs spec && isAttrs (spec.inputs or { }) then spec.inputs or { } else { }))));
  example =
    if builtins.any (b: b.workload) badNames
    then "e.g. rename the workload file `html two.sh` to `html-two.sh`"
    else "e.g. `inputs.\"my corpus\"` to `inputs.my-corpus` (and $PGO_INPUTS/my-corpus in the scripts)";
  notSets = filter (k: elem k kinds && !isAttrs workloads.${k}) (attrNames workloads);
  # A workload's own settings (docs/API.md, "Workloads"; `benchmark` is Go's, `cargoTest`
  # Rust's, and each pipeline refuses the other's): a misspelt `timout` would otherwise be
  # ignored, and a `timeout` that is a string fail deep in workloadEnv without the
  # workload's name.
  settings = [ "script" "inputs" "timeout" "caCertificates" "cargoTest" "benchmark" ];
  whose = {
    benchmark = "Go's (buildGoPgoPackage: go test -bench)";
    cargoTest = "Rust's (buildPgoPackage: the package's tests)";
  };
  settingProblems = forEachWorkload (kind: w: spec:
    let
      where = "${kind} workload '${w}'";
      unknownSettings = filter (k: !elem k settings) (attrNames spec);
    in
    if !isAttrs spec then [ "${where} must be a set, { script = ./${w}.sh; }." ] else
    (if unknownSettings == [ ] then [ ] else [
      "${where} has ${concatStringsSep ", " (map (k: "'${k}'") unknownSettings)}, which is not a workload setting: the settings are ${concatStringsSep ", " settings} (misspelt?)."
    ])
    ++ (
      let foreign = filter (k: whose ? ${k} && !elem k runs) (attrNames spec); in
      if foreign == [ ] then [ ] else [
        "${where} has '${head foreign}', which is ${whose.${head foreign}}: a workload here runs ${concatStringsSep " or " runs}."
      ]
    )
    ++ (
      let ran = filter (k: elem k runs) (attrNames spec); in
      if length ran < 2 then [ ] else [
        "${where} has both ${concatStringsSep " and " (map (k: "'${k}'") ran)}: a workload runs one of them; make two workloads."
      ]
    )
    ++ (if spec ? timeout && !(isInt spec.timeout && spec.timeout > 0) then [
      "the timeout of ${where} must be a number of seconds, an integer above 0 (e.g. timeout = 1200;), not ${builtins.toJSON spec.timeout}."
    ] else [ ])
    ++ (if spec ? caCertificates && !isBool spec.caCertificates then [
      "caCertificates of ${where} must be true or false."
    ] else [ ])
    ++ (if spec ? inputs && !isAttrs spec.inputs then [
      "the inputs of ${where} must be a set, { <name> = ./path; }."
    ] else [ ]));
in
(if unknown == [ ] then [ ] else [
  "workloads has ${concatStringsSep ", " (map (k: "'${k}'") unknown)}, which is not a kind of workload: the kinds are ${concatStringsSep ", " kinds} (misspelt?)."
])
++ map (k: "workloads.${k} must be a set of workloads, { <name> = { script = ./….sh; }; }.") notSets
++ settingProblems
++ (if badNames == [ ] then [ ] else [
  "these names can't name files, store paths or Hydra jobs: ${concatStringsSep ", " (map (b: b.text) badNames)}. Use letters, digits and '-', '_', '+' (inputs may also have '.'; no spaces or quotes), ${example}."
])
