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
, # Seconds before a workload is killed (natively; evaluation under valgrind gets 30x).
  timeout ? 600
, # (Any other name is refused below, naming the ones there are: Nix's own error names
  # only this file's line.)
  ...
}@args:
let
  inherit (builtins) attrNames concatStringsSep elem filter listToAttrs match pathExists readDir;
  known = [ "inputs" "evaluationInputs" "trainingInputs" "timeout" ];
  unknown = filter (n: !(elem n known)) (attrNames args);
  scriptsIn =
    sub: inputs:
    let
      d = dir + "/${sub}";
      files = if pathExists d then filter (f: match ".*\\.sh" f != null) (attrNames (readDir d)) else [ ];
    in
    listToAttrs (
      map
        (f: {
          name = builtins.head (match "(.*)\\.sh" f);
          value = {
            script = builtins.path {
              path = d + "/${f}";
              name = "workload-${f}";
            };
            inherit inputs timeout;
          };
        })
        files
    );
in
if unknown != [ ] then
  throw "nix-pgo: workloadsFromDir ${toString dir}: unknown argument(s) ${concatStringsSep ", " unknown}; it takes ${concatStringsSep ", " known} (docs/API.md, `workloadsFromDir`)."
else {
  training = scriptsIn "train" (inputs // trainingInputs);
  evaluation = scriptsIn "eval" (inputs // evaluationInputs);
  broad = scriptsIn "broad" (inputs // trainingInputs);
}
