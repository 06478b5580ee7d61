# shellcheck shell=bash
# optimized's build (buildOptimized.sh), keeping the symbols llvm-bolt needs, and recording
# which binaries the package itself strips of them (its Cargo profile's `strip = true`,
# or `-C strip=symbols` in its rustflags): buildBolted strips those again, so that `bolted`
# ships what `optimized` does. Cargo reports no profile setting in its JSON messages, so
# the record is read from the rustc command lines it prints when verbose.
export CARGO_TERM_VERBOSE=true
# shellcheck source=../optimized/buildOptimized.sh
source "$optimizedScript"

# packageStrip BIN: the last `-C strip=` value in the rustc command cargo printed for BIN
# (the Cargo profile's, then RUSTFLAGS'), which this stage's own -Cstrip=debuginfo
# overrides (the rustc wrapper adds it after them, and cargo doesn't print it), "none"
# when it got none, "unknown" when the log has no rustc command for BIN.
packageStrip() {
  local crate=${1//-/_} command
  # (A bin target's crate name is its name with - as _; its library has --crate-type lib.)
  command=$(grep -F -- "--crate-name $crate " "$NIX_BUILD_TOP/cargo-build.log" | grep -F -- '--crate-type bin' | tail -n 1) || true
  if [ -z "$command" ]; then
    echo unknown
    return
  fi
  grep -oE -- '-C ?strip=[a-z]+' <<<"$command" | sed 's/.*=//' | tail -n 1 | grep . || echo none
}

for bin in "${bins[@]}"; do
  strip=$(packageStrip "$bin")
  [ "$strip" != unknown ] ||
    log "warning: no rustc command for $bin in cargo's log, so whether the package strips its symbols is unknown: bolted keeps them"
  echo "$bin $strip"
done >"$out/nix-support/package-strip"
