# shellcheck shell=bash
# The locked profile: the source in canonical form (as mergeGoProfiles.sh writes it), checked
# against the lock's fingerprint.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
cd "$NIX_BUILD_TOP" || exit
[ -n "$source" ] ||
  die "pgo.lock.json locks a profile of $pname (fingerprint $expectedFingerprint) that is not in this store nor in a substituter, and there is no committed $committedPath to build it from: its default.pgo is not in src. Commit it beside the lock (in a git flake, git add it: Nix sees only files git knows; git add -f if .gitignore ignores it). A Go profile is sampled, so retraining never gives the locked one: without the file, re-lock with $relockHint (or \`nix-pgo import\` for an imported profile)."
mkdir -p canonical "$out/nix-support"
cp "$source" "canonical/$pname.pgo"
(cd canonical && "$helper" pprof merge --output "$out/$pname.pgo" --summary "$out/nix-support/profile.json" "$pname.pgo" >&2) ||
  die "the committed profile of $pname ($committedPath) is not a usable CPU profile (above). Regenerate it with $relockHint, or for an imported profile import it again (\`nix-pgo import\`)."
actual=$("$helper" pprof fingerprint "$out/$pname.pgo")
if [ "$actual" != "$expectedFingerprint" ]; then
  die "the committed profile of $pname ($committedPath) has fingerprint $actual, but pgo.lock.json locks $expectedFingerprint.
nix-pgo never builds with another profile than the locked one. Regenerate the profile and the lock together with $relockHint (or, for an imported profile, \`nix-pgo import\` again) and commit pgo.lock.json and $committedPath."
fi
log "locked profile of $pname verified: fingerprint $actual (committed)"
