# weightProblem :: set -> set -> string or null
#
# What is wrong with a package's `workloadWeights` ({ <training workload> = N; }) given its
# training workloads, or null. Checked by buildPgoPackage and buildGoPgoPackage among their
# own refusals, so that the message names the argument (the merge stages' own check names
# only their `weights`), and a locked package whose merge is never built is checked too.
weights: training:
let
  inherit (builtins) attrNames concatStringsSep filter;
  unknown = filter (w: !(training ? ${w})) (attrNames weights);
in
if unknown == [ ] then null
else "workloadWeights names ${concatStringsSep ", " (map (w: "'${w}'") unknown)}, which ${if builtins.length unknown == 1 then "is not a training workload" else "are not training workloads"} (misspelt?): the training workloads are ${concatStringsSep ", " (attrNames training)}."
