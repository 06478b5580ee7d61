# shellcheck shell=bash
# Writes $out/bin/time-training (see time-training.sh) with the variants' store paths and
# the training workloads baked in. Environment: timeTraining,
# rotatedRounds, variantNames, variantPaths, trainScripts, inputNames, inputPaths
# (space-separated lists).
mkdir -p "$out/bin"
{
  echo "#!$BASH"
  printf 'variantNames=%q variantPaths=%q trainScripts=%q inputNames=%q inputPaths=%q rotatedRounds=%q\n' \
    "$variantNames" "$variantPaths" "$trainScripts" "$inputNames" "$inputPaths" "$rotatedRounds"
  cat "$timeTraining"
} >"$out/bin/time-training"
chmod +x "$out/bin/time-training"
