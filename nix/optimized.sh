# shellcheck shell=bash
# The PGO build: the profile's copy at a fixed path, -Cprofile-use, a coverage report.
# shellcheck source=./internal/cargo.sh
source "$cargoBuildScript"
"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"

profiles=("$profile"/*.profdata)
[ "${#profiles[@]}" -eq 1 ] || die "expected one .profdata in $profile, found ${#profiles[@]}"

cargoSetup
# rustc's output does not depend on the profile's path, but a fixed one keeps the profile's
# store path out of the build entirely.
cp "${profiles[0]}" "$NIX_BUILD_TOP/pgo.profdata"
RUSTFLAGS+=" -Cprofile-use=$NIX_BUILD_TOP/pgo.profdata -Cllvm-args=-pgo-warn-missing-function"
cargoBuild

mkdir -p "$out/nix-support"
"$helper" coverage --log "$NIX_BUILD_TOP/cargo-build.log" \
  --profile "$NIX_BUILD_TOP/pgo.profdata" --llvm-profdata "$llvmProfdata" \
  --min-coverage "$minCoverage" -o "$out/nix-support/pgo-coverage.json"
log "coverage: $(cat "$out/nix-support/pgo-coverage.json")"
# How much of the profile still matches the program: counts of hash-mismatched functions
# are discarded by LLVM. One line in every build log; a failure above maxStale.
"$helper" staleness --log "$NIX_BUILD_TOP/cargo-build.log" \
  --profile "$NIX_BUILD_TOP/pgo.profdata" --llvm-profdata "$llvmProfdata" \
  ${maxStale:+--max-stale "$maxStale"} -o "$out/nix-support/pgo-staleness.json"
installBins
