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
  # Binaries without symbols (a Cargo profile with strip = true) give a plan of addresses:
  # the helper then says why in nix-support/not-applicable and keeps the profile, and
  # buildRepaired copies the variant instead of building it again.
  "$helper" unprofile --json --llvm-profdata "$llvmProfdata" --plan "$plan/plan.json" \
    --not-applicable "$out/nix-support/not-applicable" \
    "${profiles[0]}" -o unprofiled.proftext >"$out/nix-support/unprofile.json"
  "$helper" canonicalize --json --llvm-profdata "$llvmProfdata" unprofiled.proftext \
    -o "$out/$pname.profdata" >&2
  log "removed: $(cat "$out/nix-support/unprofile.json")"
fi
# Its summary and fingerprint, as every profile stage has (a release names the profile of
# the binary it ships).
(cd "$out" && "$helper" fingerprint --json --llvm-profdata "$llvmProfdata" "$pname.profdata" >nix-support/profile.json)
