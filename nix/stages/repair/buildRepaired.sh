# shellcheck shell=bash
# A remedy (buildRepaired.nix): the variant copied when it passed or the remedy can't apply,
# else optimized's build.
# shellcheck disable=SC2154 # plan, original, remedy, profile, optimizedScript come from .attrs.sh
if [ "$(cat "$plan/verdict")" != regressed ]; then
  log "$remedy: the variant passed the regression check, so it is kept as it is"
  repair=not-needed
elif [ -e "$profile/nix-support/not-applicable" ]; then
  # Its profile could not be made (unprofileRegressed.sh): building with the variant's own
  # profile would give the variant again.
  log "$remedy: not applicable, so it is the variant copied: $(cat "$profile/nix-support/not-applicable")"
  repair=not-applicable
else
  repair=applied
fi
if [ "$repair" = applied ]; then
  # shellcheck source=../optimized/buildOptimized.sh
  source "$optimizedScript"
else
  mkdir -p "$out/nix-support"
  cp -r "$original/bin" "$out/bin"
fi
echo "$repair" >"$out/nix-support/repair"
