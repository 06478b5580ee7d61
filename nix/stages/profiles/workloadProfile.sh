# shellcheck shell=bash
# What a Rust training workload's stage does around its runs (runWorkloadProfile.sh: a
# script running the instrumented program; runTestProfile.sh: the package's tests).
# Environment (.attrs.sh): helper, rustc, llvmProfdata, canonicalizeFlags, workloadName.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh

# profileRuns: send every instrumented process's profile, and the marker that it started,
# into fresh directories ($raw, $NIX_PGO_STARTED_DIR).
profileRuns() {
  "$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"
  raw=$NIX_BUILD_TOP/profraw
  mkdir -p "$raw"
  # %m (binary signature) and %p (pid): several binaries and processes of one workload,
  # running in parallel or one after another, each write their own file.
  export LLVM_PROFILE_FILE=$raw/%m_%p.profraw
  # Every process of an instrumented program creates <dir>/<pid> when it starts
  # (training-runtime.c), so that the runs that wrote no profile can be named.
  export NIX_PGO_STARTED_DIR=$NIX_BUILD_TOP/started
  mkdir -p "$NIX_PGO_STARTED_DIR"
}

# writeProfile BINDIR [CANONICALIZE-OPTION...]: check that every run wrote its profile,
# merge them, and write the canonical profile to $out. BINDIR: the programs the workload
# was to run, for the message when none did.
writeProfile() {
  local binDir=$1
  shift
  # A run that started and wrote nothing took its counts with it: the profile would
  # describe part of the workload (say, `prog --version` without the server after it).
  local lost=() marker pid written
  for marker in "$NIX_PGO_STARTED_DIR"/*; do
    pid=${marker##*/}
    written=("$raw"/*_"$pid".profraw)
    [ "${#written[@]}" -gt 0 ] || lost+=("$pid")
  done
  if [ "${#lost[@]}" -gt 0 ]; then
    local started=("$NIX_PGO_STARTED_DIR"/*)
    {
      echo "nix-pgo: error: workload '$workloadName': ${#lost[@]} of the ${#started[@]} runs of the instrumented program"
      echo "wrote no profile data (pid ${lost[*]}), so the profile would lack their counts. A run writes its profile"
      echo "when it exits, or when SIGTERM, SIGINT or SIGHUP kills it; one killed by SIGKILL, that crashes, that is still"
      echo "running when the workload ends, or that replaces itself with exec writes none."
      echo "--- last lines of its stderr:"
      tail -n 20 "$NIX_BUILD_TOP/$workloadName.stderr"
      echo "---"
      echo "Stop a server with \`kill\` (SIGTERM) and \`wait\` for it before the workload ends (docs/workloads.md, \"Servers\")."
    } >&2
    exit 1
  fi
  local files=("$raw"/*.profraw)
  [ "${#files[@]}" -gt 0 ] || noProfileData "$binDir" profile

  "$helper" merge --llvm-profdata "$llvmProfdata" -o "$NIX_BUILD_TOP/merged.profdata" "${files[@]}" ||
    die "the profile data of workload '$workloadName' could not be merged (see above)"
  "$helper" canonicalize --llvm-profdata "$llvmProfdata" "${canonicalizeFlags[@]}" "$@" "$NIX_BUILD_TOP/merged.profdata" -o "$out"
}
