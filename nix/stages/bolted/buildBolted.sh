# shellcheck shell=bash
# Each binary of the bolt input, optimized by llvm-bolt with its profile, into $out/bin.
# shellcheck source=../../internal/bolt/bolt.sh
source "$boltScriptLib"
boltCheckToolchain

mkdir -p "$out/bin" "$out/nix-support"
# A locked BOLT profile (lockedBoltProfile.nix) was taken on the binaries its lock was
# written with; after a source, flag or toolchain change these are others. llvm-bolt then
# drops the profile of each function whose code moved (its "stale" line below) and
# optimizes the rest: like a stale locked PGO profile, used, said, and measured by the
# evaluation, where `best` keeps bolted only if it still wins.
recorded=$boltProfile/nix-support/bolt-input.sha256
if [ -e "$recorded" ] && ! boltProfileIsOfInput "$boltProfile" >"$NIX_BUILD_TOP/bolt-input.check" 2>&1; then
  cat "$NIX_BUILD_TOP/bolt-input.check" >&2
  log "warning: the BOLT profile $boltProfile was recorded on other binaries than $boltInput (above): the source, flags or toolchain changed since it was locked. llvm-bolt uses what still matches. Re-lock with $relockHint to train BOLT on this build."
  echo other-binaries >"$out/nix-support/bolt-profile-recorded-on"
elif [ -e "$recorded" ]; then
  echo these-binaries >"$out/nix-support/bolt-profile-recorded-on"
fi
for bin in $(boltBins); do
  [ -s "$boltProfile/$bin.fdata" ] ||
    die "the BOLT profile $boltProfile has no data for $bin: no training workload ran it."
  boltInputCopy "$bin"
  # Like the input, the profile is read from a fixed path (see boltInputCopy).
  cp "$boltProfile/$bin.fdata" "$NIX_BUILD_TOP/bolt/$bin.fdata"
  boltRun "$bin" "$out/bin/$bin" -data="$NIX_BUILD_TOP/bolt/$bin.fdata" "${boltOptions[@]}"
  # A profile that matches little of the binary means it was taken from another build.
  grep -E 'BOLT-(INFO|WARNING).*(profile|stale)' "$NIX_BUILD_TOP/bolt/$bin.log" >&2 || true
  sed "s|$NIX_BUILD_TOP|/build|g" "$NIX_BUILD_TOP/bolt/$bin.log" >"$out/nix-support/bolt-$bin.log"
  # The bolt input kept the symbols llvm-bolt needs; a binary the package strips
  # (buildBoltInput.sh's record) is stripped again, as `optimized` is. (An input built
  # elsewhere has no record and keeps them.)
  if grep -qxF "$bin symbols" "$boltInput/nix-support/package-strip" 2>/dev/null; then
    log "$bin: stripping its symbols, as the package's own build does (strip = true in its Cargo profile, or -C strip=symbols in its rustflags)"
    strip --strip-all "$out/bin/$bin"
  fi
done
