# shellcheck shell=bash
# One training workload → one indexed profile ($out).
# shellcheck source=./internal/workload.sh
source "$workloadScriptLib"

"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"

raw=$NIX_BUILD_TOP/profraw
mkdir -p "$raw"
# %m (binary signature) and %p (pid): several binaries and processes of one workload,
# running in parallel or one after another, each write their own file.
export LLVM_PROFILE_FILE=$raw/%m_%p.profraw

log "running workload '$workloadName'"
runWorkload "$workloadName" "$workloadScript" "$NIX_BUILD_TOP/$workloadName" "$instrumented/bin"
cat "$NIX_BUILD_TOP/$workloadName.stderr" >&2

files=("$raw"/*.profraw)
[ "${#files[@]}" -gt 0 ] || noProfileData "$workloadName" "$workloadScript" "$instrumented/bin" profile

"$helper" merge --llvm-profdata "$llvmProfdata" -o "$NIX_BUILD_TOP/merged.profdata" "${files[@]}" ||
  die "the profile data of workload '$workloadName' could not be merged (see above)"
# shellcheck disable=SC2086 # canonicalizeFlags is a list joined by spaces
"$helper" canonicalize --llvm-profdata "$llvmProfdata" $canonicalizeFlags "$NIX_BUILD_TOP/merged.profdata" -o "$out"
