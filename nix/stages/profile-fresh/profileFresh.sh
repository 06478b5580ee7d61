# shellcheck shell=bash
# The comparison first, then the helper's verdict: the error is the log's last line, as
# Nix shows only the last lines of a failed build (through `tee`, its stdout and its
# stderr raced).
# shellcheck disable=SC2154 # locked, unlocked, maxDrift, boltInput, boltProfile, boltScriptLib come from .attrs.sh
status=0
"$helper" diff --llvm-profdata "$llvmProfdata" --max-drift "$maxDrift" \
  "$locked/$pname.profdata" "$unlocked/$pname.profdata" >"$out" 2>"$NIX_BUILD_TOP/diff.err" || status=$?
cat "$out" "$NIX_BUILD_TOP/diff.err"
# A BOLT profile names code by offsets into the binaries it was taken on (their sha256 in
# its nix-support/): any change of the code makes a locked one partly stale.
if [ -n "${boltInput:-}" ]; then
  # shellcheck source=../../internal/bolt/bolt.sh
  source "$boltScriptLib"
  if ! boltProfileIsOfInput "$boltProfile" >&2; then
    echo "nix-pgo: error: the locked BOLT profile $boltProfile was taken on other binaries than this build's bolt input $boltInput (above): the source, flags or toolchain changed since it was locked. Re-lock with $relockHint." >&2
    status=1
  fi
fi
exit "$status"
