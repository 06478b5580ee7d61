# shellcheck shell=bash
# Copy the BOLT profile into the fixed-output path and check it is the locked one: with
# a message naming the fix, before Nix's own hash check.
# shellcheck disable=SC2154 # source, sourceKind, expectedNarHash, helper come from .attrs.sh
cp -r --no-preserve=mode "$source" "$out"
actual=$("$helper" nar-hash "$out")
if [ "$actual" != "$expectedNarHash" ]; then
  die "the $sourceKind BOLT profile of $pname ($source) has NAR hash $actual, but pgo.lock.json locks $expectedNarHash.
$(if [ "$sourceKind" = checked-in ]; then
    echo "The checked-in copy is not the locked BOLT profile: re-lock (the package's updateProfile rewrites the lock and the copies in pgo/ together), or remove the copy."
  else
    echo "BOLT's training gave another profile than the locked one: the workloads, the program or the toolchain changed, or the program is multithreaded, whose BOLT profile differs from run to run. A locked profile that can't be rebuilt comes from a binary cache, or from a checked-in copy of it (pgo/$pname.bolt: the \`bolt-profile\` stage's output)."
  fi)
Re-lock with $relockHint and commit pgo.lock.json."
fi
log "locked BOLT profile of $pname verified: $actual ($sourceKind)"
