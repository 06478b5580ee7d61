# shellcheck shell=bash
# The package's BOLT profile, $out/<binary>.fdata, from the per-workload ones.
# shellcheck source=./internal/bolt.sh
source "$boltScriptLib"
read -r -a names <<<"$workloadNames"
read -r -a dirs <<<"$workloadProfiles"

mkdir -p "$out"
for bin in $bins; do
  files=() ran=()
  for i in "${!names[@]}"; do
    if [ -e "${dirs[$i]}/$bin.fdata" ]; then
      files+=("${dirs[$i]}/$bin.fdata") ran+=("${names[$i]}")
    fi
  done
  [ "${#files[@]}" -gt 0 ] ||
    die "no training workload ran $bin (workloads: ${names[*]}), so there is no BOLT profile to optimize it with. Add a training workload that runs it, or leave it out of \`bins\`."
  mergeFdataSorted "$out/$bin.fdata" "${files[@]}" ||
    die "merge-fdata could not merge the BOLT profiles of $bin (workloads: ${ran[*]})"
  [ -s "$out/$bin.fdata" ] || die "the merged BOLT profile of $bin is empty (workloads: ${ran[*]})"
  log "$bin: BOLT profile of workloads ${ran[*]}, $(wc -l <"$out/$bin.fdata") lines"
done
