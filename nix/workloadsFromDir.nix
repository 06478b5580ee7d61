# workloadsFromDir :: path -> set -> { training, evaluation, broad }
# Arguments and result: docs/API.md, `workloadsFromDir`.
#
# The workloads of a program from a directory laid out as
#   train/<name>.sh   training workloads: their profiles make up the program's profile
#   eval/<name>.sh    evaluation workloads, held out from training: they compare variants
#   broad/<name>.sh   broad workloads (optional): folded into the profile at a low weight
#                     only by the repair that needs them (buildPgoPackage's `repairs`)
# Each workload's derivation gets only its own script (a store path of its own), so
# editing one workload reruns only that one.
{}:
dir:
{
  # { <name> = <path or drv>; } visible to every workload as $PGO_INPUTS/<name>.
  inputs ? { }
, # Inputs of the evaluation workloads only: held-out data, which training must not see
  # (nor be rebuilt for when it changes).
  evaluationInputs ? { }
, # Inputs of the training (and broad) workloads only.
  trainingInputs ? { }
, # { <workload name> = { <name> = <path or drv>; }; }: inputs of one workload only (of
  # every kind that has a script of that name), so that editing one reruns that workload
  # alone (and, for an evaluation workload, refuses only its locked choice).
  workloadInputs ? { }
, # Seconds before a workload is killed (natively; evaluation under valgrind gets 30x).
  timeout ? 600
, # (Any other name is refused below, naming the ones there are: Nix's own error names
  # only this file's line.)
  ...
}@args:
let
  inherit (builtins) attrNames concatLists concatStringsSep elem filter listToAttrs match pathExists readDir;
  known = [ "inputs" "evaluationInputs" "trainingInputs" "workloadInputs" "timeout" ];
  unknown = filter (n: !(elem n known)) (attrNames args);
  # The workload names of a subdirectory: its <name>.sh files.
  namesIn =
    sub:
    let
      d = dir + "/${sub}";
    in
    if pathExists d then map (f: builtins.head (match "(.*)\\.sh" f)) (filter (f: match ".*\\.sh" f != null) (attrNames (readDir d))) else [ ];
  scriptsIn =
    sub: inputs:
    listToAttrs (
      map
        (name: {
          inherit name;
          value = {
            script = builtins.path {
              path = dir + "/${sub}/${name}.sh";
              name = "workload-${name}.sh";
            };
            inputs = inputs // (workloadInputs.${name} or { });
            inherit timeout;
          };
        })
        (namesIn sub)
    );
  allNames = concatLists (map namesIn [ "train" "eval" "broad" ]);
  strayInputs = filter (n: !(elem n allNames)) (attrNames workloadInputs);
  notSets = filter (n: !(builtins.isAttrs workloadInputs.${n})) (attrNames workloadInputs);
in
if unknown != [ ] then
  throw "nix-pgo: workloadsFromDir ${toString dir}: unknown argument(s) ${concatStringsSep ", " unknown}; it takes ${concatStringsSep ", " known} (docs/API.md, `workloadsFromDir`)."
else if strayInputs != [ ] then
  throw "nix-pgo: workloadsFromDir ${toString dir}: workloadInputs names ${concatStringsSep ", " strayInputs}, which is no workload there; the workloads are ${concatStringsSep ", " allNames} (train/, eval/, broad/ <name>.sh)."
else if notSets != [ ] then
  throw "nix-pgo: workloadsFromDir ${toString dir}: workloadInputs.${builtins.head notSets} is a ${builtins.typeOf workloadInputs.${builtins.head notSets}}, not a set of inputs: write workloadInputs.${builtins.head notSets} = { <name> = ./path; }; (each is then $PGO_INPUTS/<name> for that workload)."
else {
  training = scriptsIn "train" (inputs // trainingInputs);
  evaluation = scriptsIn "eval" (inputs // evaluationInputs);
  broad = scriptsIn "broad" (inputs // trainingInputs);
}
