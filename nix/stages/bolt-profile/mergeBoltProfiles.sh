# shellcheck shell=bash
# The package's BOLT profile, $out/<binary>.fdata, from the per-workload ones.
# shellcheck source=../../internal/bolt/bolt.sh
source "$boltScriptLib"
# shellcheck disable=SC2154 # bins, workloadNames, workloadProfiles, boltInput come from .attrs.sh

mkdir -p "$out/nix-support"
for bin in "${bins[@]}"; do
  files=() ran=()
  for name in "${workloadNames[@]}"; do
    if [ -e "${workloadProfiles[$name]}/$bin.fdata" ]; then
      files+=("${workloadProfiles[$name]}/$bin.fdata") ran+=("$name")
    fi
  done
  [ "${#files[@]}" -gt 0 ] ||
    die "no training workload ran $bin (workloads: ${workloadNames[*]}), so there is no BOLT profile to optimize it with. Add a training workload that runs it, or leave it out of \`bins\`."
  mergeFdataSorted "$out/$bin.fdata" "${files[@]}" ||
    die "merge-fdata could not merge the BOLT profiles of $bin (workloads: ${ran[*]})"
  [ -s "$out/$bin.fdata" ] || die "the merged BOLT profile of $bin is empty (workloads: ${ran[*]})"
  log "$bin: BOLT profile of workloads ${ran[*]}, $(wc -l <"$out/$bin.fdata") lines"
done
# The binaries this profile is of, so that a build of other binaries can tell.
(cd "$boltInput/bin" && sha256sum -- "${bins[@]}") >"$out/nix-support/bolt-input.sha256"
