# shellcheck shell=bash
# The locked profile: the source in canonical form (as mergeGoProfiles.sh writes it), checked
# against the lock's fingerprint.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
cd "$NIX_BUILD_TOP" || exit
mkdir -p canonical "$out/nix-support"
cp "$source" "canonical/$pname.pgo"
(cd canonical && "$helper" pprof merge --output "$out/$pname.pgo" --summary "$out/nix-support/profile.json" "$pname.pgo" >&2) ||
  die "the $sourceKind profile of $pname ($([ "$sourceKind" = committed ] && echo "$committedPath" || echo "$source")) is not a usable CPU profile (above). Regenerate it with $relockHint, or for an imported profile import it again (\`nix-pgo import\`)."
actual=$("$helper" pprof fingerprint "$out/$pname.pgo")
if [ "$actual" != "$expectedFingerprint" ]; then
  die "the $sourceKind profile of $pname ($([ "$sourceKind" = committed ] && echo "$committedPath" || echo "rebuilt from the workloads")) has fingerprint $actual, but pgo.lock.json locks $expectedFingerprint.
nix-pgo never builds with another profile than the locked one. Regenerate the profile and the lock together with $relockHint (or, for an imported profile, \`nix-pgo import\` again) and commit pgo.lock.json and $committedPath."
fi
log "locked profile of $pname verified: fingerprint $actual ($sourceKind)"
