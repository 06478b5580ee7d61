# shellcheck shell=bash
# runWorkload NAME SCRIPT LOG: run one workload script in the fixed environment every
# workload gets (documented in README.md, "Workloads"), with the stage's binaries first on
# PATH. Its stdout goes to LOG.stdout, its stderr to LOG.stderr. On failure (non-zero exit
# or timeout) the build fails with the workload's name and the tail of its output.
# Environment: workloadInputNames/workloadInputPaths (parallel lists), workloadTimeout,
# workloadPreload (LD_PRELOAD for the workload, e.g. fixedRandom's library, or empty).

# What tools print when they find no network (curl, wget, git, bash's /dev/tcp, Rust's
# reqwest/hyper, Python): a failed workload that printed one of these gets a hint.
networkErrors='could not resolve|name or service not known|temporary failure in name resolution|network is unreachable|failed to lookup address|dns error|name resolution'

runWorkload() {
  local name=$1 script=$2 logBase=$3 binDir=$4
  local dir=$NIX_BUILD_TOP/workload-$name
  mkdir -p "$dir/work" "$dir/home" "$dir/inputs"

  local -a names paths
  read -r -a names <<<"${workloadInputNames:-}"
  read -r -a paths <<<"${workloadInputPaths:-}"
  local i
  for i in "${!names[@]}"; do
    ln -s "${paths[$i]}" "$dir/inputs/${names[$i]}"
  done

  local status=0
  (
    cd "$dir/work"
    export HOME=$dir/home TMPDIR=$dir/tmp TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1
    export PGO_INPUTS=$dir/inputs PATH=$binDir:$PATH
    if [ -n "${workloadPreload:-}" ]; then export LD_PRELOAD=$workloadPreload; fi
    mkdir -p "$TMPDIR"
    exec timeout --kill-after=10 "${workloadTimeout:-600}" "$BASH" -euo pipefail "$script"
  ) >"$logBase.stdout" 2>"$logBase.stderr" </dev/null || status=$?

  if [ "$status" -ne 0 ]; then
    local why="exited with status $status"
    [ "$status" -eq 124 ] && why="timed out after ${workloadTimeout:-600}s"
    {
      echo "nix-pgo: error: workload '$name' $why."
      echo "--- last lines of its stderr:"
      tail -n 20 "$logBase.stderr"
      echo "--- last lines of its stdout:"
      tail -n 20 "$logBase.stdout"
      echo "---"
      if grep -qiE "$networkErrors" "$logBase.stderr" "$logBase.stdout"; then
        echo "It looks like the workload tried to reach the network. Workloads run in the Nix build sandbox, which has none (and a"
        echo "profile must not depend on what a server answers): give it its data as an input (\`inputs\`, read from \$PGO_INPUTS)."
      fi
      echo "Fix the workload script ($script) or the program; workloads must exit 0."
    } >&2
    exit 1
  fi
}

# noProfileData NAME SCRIPT BINDIR KIND: fail because workload NAME exited 0 without
# writing KIND ("profile", "BOLT profile") data, i.e. it never ran a program of BINDIR.
noProfileData() {
  local name=$1 script=$2 binDir=$3 kind=$4
  {
    echo "nix-pgo: error: workload '$name' exited 0 but wrote no $kind data:"
    echo "it never ran the instrumented program ($(ls "$binDir" | tr '\n' ' '))."
    echo "--- last lines of its stdout:"
    tail -n 20 "$NIX_BUILD_TOP/$name.stdout"
    echo "---"
    echo "Make the workload ($script) call the program by name (it is first on PATH)."
  } >&2
  exit 1
}
