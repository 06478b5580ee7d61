# shellcheck shell=bash
# The profile without the records of the functions the plan names (unprofileRegressed.nix).
"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"
profiles=("$profile"/*.profdata)
[ "${#profiles[@]}" -eq 1 ] || die "expected one .profdata in $profile, found ${#profiles[@]}"
mkdir -p "$out/nix-support"
cd "$NIX_BUILD_TOP" || exit
if [ "$(cat "$plan/verdict")" != regressed ]; then
  log "the plan says the variant passed: the profile is kept as it is"
  cp "${profiles[0]}" "$out/$pname.profdata"
else
  "$helper" unprofile --json --llvm-profdata "$llvmProfdata" --plan "$plan/plan.json" \
    "${profiles[0]}" -o unprofiled.proftext >"$out/nix-support/unprofile.json"
  "$helper" canonicalize --json --llvm-profdata "$llvmProfdata" unprofiled.proftext \
    -o "$out/$pname.profdata" >&2
  log "removed: $(cat "$out/nix-support/unprofile.json")"
fi
