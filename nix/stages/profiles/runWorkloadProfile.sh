# shellcheck shell=bash
# One training workload → one indexed profile ($out).
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"

"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"

raw=$NIX_BUILD_TOP/profraw
mkdir -p "$raw"
# %m (binary signature) and %p (pid): several binaries and processes of one workload,
# running in parallel or one after another, each write their own file.
export LLVM_PROFILE_FILE=$raw/%m_%p.profraw

# Every process of the instrumented program creates <dir>/<pid> when it starts
# (training-runtime.c), so that the runs that wrote no profile can be named.
export NIX_PGO_STARTED_DIR=$NIX_BUILD_TOP/started
mkdir -p "$NIX_PGO_STARTED_DIR"

log "running workload '$workloadName'"
runWorkload "$NIX_BUILD_TOP/$workloadName" "$instrumented/bin"
cat "$NIX_BUILD_TOP/$workloadName.stderr" >&2

# A run that started and wrote nothing took its counts with it: the profile would describe
# part of the workload (say, `prog --version` without the server after it).
lost=()
for marker in "$NIX_PGO_STARTED_DIR"/*; do
  pid=${marker##*/}
  written=("$raw"/*_"$pid".profraw)
  [ "${#written[@]}" -gt 0 ] || lost+=("$pid")
done
if [ "${#lost[@]}" -gt 0 ]; then
  started=("$NIX_PGO_STARTED_DIR"/*)
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
files=("$raw"/*.profraw)
[ "${#files[@]}" -gt 0 ] || noProfileData "$instrumented/bin" profile

"$helper" merge --llvm-profdata "$llvmProfdata" -o "$NIX_BUILD_TOP/merged.profdata" "${files[@]}" ||
  die "the profile data of workload '$workloadName' could not be merged (see above)"
"$helper" canonicalize --llvm-profdata "$llvmProfdata" "${canonicalizeFlags[@]}" "$NIX_BUILD_TOP/merged.profdata" -o "$out"
