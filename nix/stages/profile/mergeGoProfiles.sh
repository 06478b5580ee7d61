# shellcheck shell=bash
# The Go program's merged, canonical CPU profile.
# shellcheck disable=SC2154 # workloadNames, workloadProfiles, workloadWeights come from .attrs.sh

# Links named after the workloads, as in mergeProfiles.sh: the summary names workloads,
# not store paths.
cd "$NIX_BUILD_TOP" || exit
mkdir workloads
args=()
for name in "${workloadNames[@]}"; do
  ln -s "${workloadProfiles[$name]}" "workloads/$name.pprof"
  args+=(--weight "${workloadWeights[$name]}:workloads/$name.pprof")
done
# A training of less than a few seconds of CPU gets a warning: its hot calls are a handful
# of samples, which move from training to training. (5 s is a rule of thumb: 500 samples
# at go test's 100 Hz, about 1250 where the kernel's ticks let 250 a second through.)
"$helper" pprof merge --warn-below-cpu-seconds 5 --output merged.pgo "${args[@]}" >&2
# The output once more from the merged profile alone (canonical form is a fixed point), so
# that the summary is a function of the profile, not of the workloads: the locked profile
# (goLockedProfile.sh) rebuilds this directory, bit for bit, from a committed default.pgo.
mkdir -p "$out/nix-support" canonical
mv merged.pgo "canonical/$pname.pgo"
(cd canonical && "$helper" pprof merge --output "$out/$pname.pgo" --summary "$out/nix-support/profile.json" "$pname.pgo" >&2)
log "profile: $(cat "$out/nix-support/profile.json")"
