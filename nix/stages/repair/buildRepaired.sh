# shellcheck shell=bash
# A remedy (buildRepaired.nix): the variant copied when it passed, else optimized's build.
# shellcheck disable=SC2154 # plan, original, remedy, optimizedScript come from .attrs.sh
if [ "$(cat "$plan/verdict")" != regressed ]; then
  log "$remedy: the variant passed the regression check, so it is kept as it is"
  mkdir -p "$out/nix-support"
  cp -r "$original/bin" "$out/bin"
  echo not-needed >"$out/nix-support/repair"
else
  # shellcheck source=../optimized/buildOptimized.sh
  source "$optimizedScript"
  echo applied >"$out/nix-support/repair"
fi
