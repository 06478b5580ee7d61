# shellcheck shell=bash
# Copy the profile into the fixed-output path and check it is the locked one.
mkdir -p "$out/nix-support"
if [ "$sourceKind" = checked-in ]; then
  cp "$source" "$out/$pname.profdata"
  # The same metadata the merge writes, from the profile alone.
  (cd "$out" && "$helper" fingerprint --json --llvm-profdata "$llvmProfdata" "$pname.profdata" >nix-support/profile.json)
else
  cp "$source/$pname.profdata" "$out/$pname.profdata"
  cp "$source/nix-support/profile.json" "$out/nix-support/profile.json"
fi

actual=$("$helper" fingerprint --llvm-profdata "$llvmProfdata" "$out/$pname.profdata")
if [ "$actual" != "$expectedFingerprint" ] && [ "$sourceKind" = checked-in ]; then
  die "the checked-in profile of $pname ($source) has fingerprint $actual, but pgo.lock.json locks $expectedFingerprint: it is not a copy of the locked profile, and nix-pgo never uses another profile than the locked one.
Re-lock with $relockHint: it retrains, and rewrites the lock and the copies in pgo/ together; or remove the copy; or, if the copy is the profile you want, lock it as it is with \`nix-pgo lock\`."
elif [ "$actual" != "$expectedFingerprint" ]; then
  die "the $sourceKind profile of $pname ($source) has fingerprint $actual, but pgo.lock.json locks $expectedFingerprint.
The workloads, the program or the toolchain changed since the profile was locked, and nix-pgo never uses another profile than the locked one.
Re-lock it from the workloads with $relockHint and commit pgo.lock.json."
fi
log "locked profile of $pname verified: fingerprint $actual ($sourceKind)"
