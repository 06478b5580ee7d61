# shellcheck shell=bash
# The release archive, written by the helper from the stage's spec (buildRelease.nix);
# Hydra offers it for download (nix-support/hydra-build-products).
# shellcheck disable=SC2154 # helper and spec come from .attrs.sh
mkdir -p "$out/nix-support"
printf '%s\n' "$spec" >spec.json
archive=$("$helper" release --spec spec.json --out-dir "$out")
log "release: $archive"
echo "file binary-dist $archive" >"$out/nix-support/hydra-build-products"
