# profileFresh :: set -> drv
# Arguments and result: docs/API.md, `profileFresh`.
#
# A check: the profile rebuilt from the workloads against the locked one. Fails when they
# have drifted apart by more than maxDrift percent (100 - llvm-profdata's overlap), naming
# the overlap and the functions that moved; $out is the comparison.
{ helper
, mkStage
, toolchain
,
}:
{ pname
, # lockedProfile's result and mergeProfiles's result.
  locked
, unlocked
, # Percentage of drift tolerated.
  maxDrift ? 2
,
}:
mkStage {
  name = "${pname}-profile-fresh";
  # The comparison first, then the helper's verdict: the error is the log's last line, as
  # Nix shows only the last lines of a failed build (through `tee`, its stdout and its
  # stderr raced).
  script = builtins.toFile "profile-fresh.sh" ''
    status=0
    "$helper" diff --llvm-profdata "$llvmProfdata" --max-drift "$maxDrift" \
      "$locked/$pname.profdata" "$unlocked/$pname.profdata" >"$out" 2>"$NIX_BUILD_TOP/diff.err" || status=$?
    cat "$out" "$NIX_BUILD_TOP/diff.err"
    exit "$status"
  '';
  inherit pname locked unlocked;
  maxDrift = toString maxDrift;
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) llvmProfdata;
}
