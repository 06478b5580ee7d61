# shellcheck shell=bash
# The PGO build (cargoSetup adds -Cprofile-use for $profile), and its coverage and
# staleness reports.
# shellcheck source=../../internal/cargo/cargo.sh
source "$cargoBuildScript"
"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"

# cargoBuild, with cargo's JSON messages kept in $NIX_BUILD_TOP/cargo-messages.json for
# the reports below: records that show rustc compiled the project's crates, which a log
# without warnings cannot (issue 11). The helper prints the diagnostics into the log.
# (Here, not in cargo.sh: that file is part of every stage's dependency build.)
cargoBuildWithMessages() {
  log "RUSTFLAGS=$RUSTFLAGS"
  local status=0
  { "$cargo" build "${cargoFlags[@]}" --message-format=json |
    "$helper" cargo-messages --save "$NIX_BUILD_TOP/cargo-messages.json"; } 2>&1 |
    tee "$NIX_BUILD_TOP/cargo-build.log" || status=$?
  [ "$status" -eq 0 ] || explainCargoFailure "$status" build
}

cargoSetup
cargoBuildWithMessages

mkdir -p "$out/nix-support"
# One parse of the messages for both reports. Coverage: below minCoverage, or unknown,
# the build fails. Staleness: how much of the profile still matches the program (counts
# of hash-mismatched functions are discarded by LLVM); a failure above maxStale.
"$helper" staleness --log "$NIX_BUILD_TOP/cargo-messages.json" --rustflags "$RUSTFLAGS" \
  --profile "$NIX_BUILD_TOP/pgo.profdata" --llvm-profdata "$llvmProfdata" \
  --coverage-output "$out/nix-support/pgo-coverage.json" --min-coverage "$minCoverage" \
  ${maxStale:+--max-stale "$maxStale"} ${freshProfile:+--fresh-profile} -o "$out/nix-support/pgo-staleness.json"
log "coverage: $(cat "$out/nix-support/pgo-coverage.json")"
installBins
