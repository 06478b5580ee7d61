# shellcheck shell=bash
# The package's merged profile, from the per-workload ones, in canonical form.
"$helper" check-toolchain --rustc "$rustc" --llvm-profdata "$llvmProfdata"

# shellcheck disable=SC2154 # workloadNames, workloadProfiles, workloadWeights, canonicalizeFlags come from .attrs.sh

# The helper runs on links named after the workloads, so that what it records
# (nix-support/profile.json) names workloads, not store paths: the profile must not
# refer to the derivations that produced it.
cd "$NIX_BUILD_TOP" || exit
mkdir workloads
args=()
for name in "${workloadNames[@]}"; do
  ln -s "${workloadProfiles[$name]}" "workloads/$name.profdata"
  args+=(--weight "${workloadWeights[$name]}:workloads/$name.profdata")
done

mkdir -p "$out/nix-support"
"$helper" merge --llvm-profdata "$llvmProfdata" -o merged.profdata "${args[@]}" >&2
# The canonical profile (functions in a fixed order, optionally quantized counts and
# excluded functions) is what optimized consumes and what the fingerprint is of: the same
# profile data gives the same bytes, whatever the workloads' order or names.
"$helper" canonicalize --json --llvm-profdata "$llvmProfdata" "${canonicalizeFlags[@]}" \
  merged.profdata -o "$pname.profdata" >canonical.json
"$helper" fingerprint --json --llvm-profdata "$llvmProfdata" "$pname.profdata" >profile.json
mv "$pname.profdata" "$out/$pname.profdata"
mv profile.json "$out/nix-support/profile.json"
log "profile: $(cat "$out/nix-support/profile.json")"
