# shellcheck shell=bash
# The PGO build (cargoSetup adds -Cprofile-use for $profile), and its coverage report.
# shellcheck source=./internal/cargo.sh
source "$cargoBuildScript"
"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"

cargoSetup
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
