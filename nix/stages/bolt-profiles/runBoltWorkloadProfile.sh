# shellcheck shell=bash
# One training workload → $out/<binary>.fdata for each BOLT-instrumented binary it ran.
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"
# shellcheck source=../../internal/bolt/bolt.sh
source "$boltScriptLib"

# The instrumented binaries write to this fixed directory (see boltInstrumented.nix). It
# must be this build's own: in the Nix sandbox /tmp is private, outside it another build
# could be writing there too.
mkdir "$boltProfileDir" 2>/dev/null ||
  die "$boltProfileDir already exists. BOLT-instrumented binaries write their profile to this fixed path, so the BOLT profile stages must run in the Nix sandbox (sandbox = true in nix.conf), where /tmp is private to each build."
# Workloads may look at the files (a test truncates them); the binaries don't read it.
export NIX_PGO_BOLT_PROFILE_DIR=$boltProfileDir

log "running workload '$workloadName' (BOLT-instrumented)"
# The runtime's own messages are checked even when the workload failed (BOLT's runtime
# exits 1 on them), so that the error names the cause.
workloadStatus=0
(runWorkload "$NIX_BUILD_TOP/$workloadName" "$boltInstrumented/bin") || workloadStatus=$?
cat "$NIX_BUILD_TOP/$workloadName.stderr" >&2

# BOLT's runtime reports its failures on the program's stderr and may still leave a file
# behind (e.g. "buffer overflow" on long Rust symbol names in some LLVM releases, which
# aborts while the profile is being written). A profile from such a run is incomplete:
# refuse it rather than optimize with it.
if grep -E 'BOLT instrumentation runtime error|Error while trying to open profile file|buffer overflow|function name too large' \
  "$NIX_BUILD_TOP/$workloadName.stderr" >"$NIX_BUILD_TOP/bolt-runtime-errors"; then
  {
    echo "nix-pgo: error: workload '$workloadName': the BOLT instrumentation runtime failed:"
    head -n 5 "$NIX_BUILD_TOP/bolt-runtime-errors"
    echo "Its profile would be incomplete, so none is produced."
    if grep -q 'function name too large' "$NIX_BUILD_TOP/bolt-runtime-errors"; then
      echo "A symbol name does not fit the runtime's fixed 10,240-byte line buffer (no llvm-bolt"
      echo "option changes it). Rust's legacy mangling spells out generic types in drop_in_place"
      echo "symbols: build with rustflags = [ \"-Csymbol-mangling-version=v0\" ], or bolt = false."
    else
      echo "If the runtime ran out of memory, give a larger --instrumentation-max-size=N in"
      echo "boltInstrumentOptions, or turn BOLT off for this package (bolt = false)."
    fi
  } >&2
  exit 1
fi
[ "$workloadStatus" -eq 0 ] || exit 1

mkdir -p "$out"
found=0
for exe in "$boltInstrumented"/bin/*; do
  bin=${exe##*/}
  files=("$boltProfileDir/$bin".*.fdata)
  [ "${#files[@]}" -gt 0 ] || continue
  for f in "${files[@]}"; do
    # BOLT's runtime writes the file at exit; a process killed or aborted before that
    # leaves an empty or partial one. A partial profile would silently bias the layout.
    [ -s "$f" ] || die "workload '$workloadName': ${f##*/} is empty: a process of $bin did not finish writing its BOLT profile (killed, or aborted at exit). Make the workload let every run of the program exit normally."
  done
  mergeFdataSorted "$out/$bin.fdata" "${files[@]}" 2>"$NIX_BUILD_TOP/merge-$bin.log" || {
    cat "$NIX_BUILD_TOP/merge-$bin.log" >&2
    die "workload '$workloadName': merge-fdata could not read the BOLT profile of $bin (see above): a process did not finish writing it."
  }
  [ -s "$out/$bin.fdata" ] || die "workload '$workloadName': the merged BOLT profile of $bin is empty."
  log "$bin: ${#files[@]} run(s), $(wc -l <"$out/$bin.fdata") profile lines"
  found=$((found + 1))
done
rm -rf "$boltProfileDir"

[ "$found" -gt 0 ] || noProfileData "$boltInstrumented/bin" "BOLT profile"
