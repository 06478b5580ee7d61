# shellcheck shell=bash
# Writes $out/bin/time-training (see time-training.sh) with the variants' store paths and
# the training workloads baked in. Environment: timeTraining, variantNames, variantPaths,
# trainScripts, inputNames, inputPaths (space-separated lists).
mkdir -p "$out/bin"
{
  echo "#!$BASH"
  printf 'variantNames=%q variantPaths=%q trainScripts=%q inputNames=%q inputPaths=%q\n' \
    "$variantNames" "$variantPaths" "$trainScripts" "$inputNames" "$inputPaths"
  cat "$timeTraining"
} >"$out/bin/time-training"
chmod +x "$out/bin/time-training"
