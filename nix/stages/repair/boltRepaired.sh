# shellcheck shell=bash
# The BOLT remedy (boltRepaired.nix): bolted copied when it passed, else bolted's build.
# shellcheck disable=SC2154 # plan, original, remedy, boltedScript come from .attrs.sh
if [ "$(cat "$plan/verdict")" != regressed ]; then
  log "$remedy: bolted passed the regression check, so it is kept as it is"
  mkdir -p "$out/nix-support"
  cp -r "$original/bin" "$out/bin"
  echo not-needed >"$out/nix-support/repair"
else
  # shellcheck source=../bolted/buildBolted.sh
  source "$boltedScript"
  echo applied >"$out/nix-support/repair"
fi
