# shellcheck shell=bash
# Each binary of the bolt input, optimized by llvm-bolt with its profile, into $out/bin.
# shellcheck source=../../internal/bolt/bolt.sh
source "$boltScriptLib"
boltCheckToolchain

mkdir -p "$out/bin" "$out/nix-support"
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
done
