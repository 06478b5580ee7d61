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

log "running workload '$workloadName'"
runWorkload "$NIX_BUILD_TOP/$workloadName" "$instrumented/bin"
cat "$NIX_BUILD_TOP/$workloadName.stderr" >&2

files=("$raw"/*.profraw)
[ "${#files[@]}" -gt 0 ] || noProfileData "$instrumented/bin" profile

"$helper" merge --llvm-profdata "$llvmProfdata" -o "$NIX_BUILD_TOP/merged.profdata" "${files[@]}" ||
  die "the profile data of workload '$workloadName' could not be merged (see above)"
"$helper" canonicalize --llvm-profdata "$llvmProfdata" "${canonicalizeFlags[@]}" "$NIX_BUILD_TOP/merged.profdata" -o "$out"
