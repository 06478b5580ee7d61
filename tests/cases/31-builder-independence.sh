# shellcheck shell=bash
# A profile locked on one machine must rebuild bit-identically on another. What a workload
# can read of the builder is the sandbox's mount table and cgroup files, which differ with
# the builder's sandbox-paths, devices and cgroup hierarchies; programs with a thread pool
# read them (num_cpus, std's available_parallelism) and fixedProc serves a fixed text
# instead. Here "another machine" is this one with one more sandbox path: without
# fixedProc, the profile and both evaluation runs of cpu-aware (tests/fixtures/cpu-aware)
# differ (2026-11-26: all three "may not be deterministic").

bi_fixture=tests/fixtures/cpu-aware.nix

test_a_profile_and_evaluation_do_not_depend_on_the_builders_mount_table() {
  local extra attr
  nix build --impure --no-link -f "$bi_fixture" profiles.count evaluation
  extra=$(mktemp -d)
  for attr in profiles.count evaluation.workloads.held-out.runs.baseline evaluation.workloads.held-out.runs.optimized; do
    echo "rebuilding $attr with $extra in the sandbox"
    nix build --impure --no-link --rebuild --option extra-sandbox-paths "$extra" -f "$bi_fixture" "$attr" \
      || fail "$attr differs when the sandbox has another mount"
  done
  rmdir "$extra"
}

test_the_workload_reads_the_fixed_mount_table_and_cgroup() {
  # What the workload sees, through libc (cat, as any C or Rust program would).
  local log
  nix build --impure --no-link -f "$bi_fixture" profiles.count
  log=$(nix log --impure -f "$bi_fixture" profiles.count)
  echo "$log" | has -F 'mountinfo lines: 4' || fail "the workload did not read the fixed mount table"
  echo "$log" | has -F 'cgroup: 0::/' || fail "the workload did not read the fixed cgroup file"
}
