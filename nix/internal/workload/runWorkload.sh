# shellcheck shell=bash
# runWorkload LOG BINDIR: run one workload (workloadEnv.nix's attributes: workloadName,
# workloadScript, workloadInputs, workloadTimeout, workloadPreload, workloadPin,
# workloadCaBundle, workloadVariables) in the fixed environment every workload gets (docs/workloads.md), with
# BINDIR first on PATH, in fresh directories under $workloadScratch (default: the build directory). Its
# stdout goes to LOG.stdout, its stderr to LOG.stderr. On failure (non-zero exit or
# timeout) it fails with the workload's name, the tail of its output and a hint where the
# output names a known cause.
#
# The stages source this file (the attributes come from .attrs.sh); the report runs it as
# a program (`bash runWorkload.sh LOG BINDIR`, the attributes as environment variables),
# so that what it times is what the stages ran.
# shellcheck disable=SC2154 # the workload* variables come from .attrs.sh or the environment

# What tools print when they find no network (curl, wget, git, bash's /dev/tcp, Rust's
# reqwest/hyper, Python): a failed workload that printed one of these gets a hint.
networkErrors='could not resolve|name or service not known|temporary failure in name resolution|network is unreachable|failed to lookup address|dns error|name resolution'
# What TLS libraries print when they find no CA certificates (rustls-native-certs,
# OpenSSL, Go's crypto/x509, curl).
certificateErrors='no CA certificates|ca certificates were loaded|unable to get local issuer certificate|certificate verify failed|CAfile|SSL_CERT_FILE|system root|native root'
# What a program prints for a file it can't find (libc's strerror, Rust's io::Error, Go's
# os.PathError, Python's FileNotFoundError): the workload may have read an input it doesn't
# get. Not bash's "command not found", a misspelt program.
missingFileErrors='no such file or directory|os error 2|cannot open|file not found|filenotfounderror'
# The line the Go runtime prints in every process of nix-pgo's Go profiling build (its
# 1000 Hz, docs/go.md): nix-pgo's doing, not the workload's, so left out of the lines a
# message quotes (one per process buried the workload's own).
goProfileRateLine='runtime: cannot set cpu profile rate until previous profile has finished.'

# workloadStderr FILE: the workload's stderr without goProfileRateLine.
workloadStderr() {
  grep -vxF "$goProfileRateLine" "$1" || true
}

runWorkload() {
  local logBase=$1 binDir=$2
  local dir=${workloadScratch:-$NIX_BUILD_TOP}/workload-$workloadName
  # Fresh for every run: the evaluation runs the workload once per variant.
  rm -rf "$dir"
  mkdir -p "$dir/work" "$dir/home"
  # The inputs at a path of the run's own, as the workload's programs see it: a store path
  # would put the inputs' hash into every path they are given.
  ln -s "$workloadInputs" "$dir/inputs"

  # Where the script failed: bash reads BASH_ENV before a script, and this one makes every
  # command that fails the script (errexit's and ERR's conditions are the same) write its
  # line number and file. Only the first: a failure inside a function, a subshell or a file
  # the script sources fails the line that called it too. It unsets BASH_ENV, so that
  # neither the workload's programs nor the bash scripts they start see it.
  local failedAt=$dir/failed-at
  printf 'unset BASH_ENV\nset -o errtrace\ntrap %q ERR\n' \
    "[ -e $(printf %q "$failedAt") ] || echo \"\$LINENO \${BASH_SOURCE[0]}\" >$(printf %q "$failedAt")" >"$dir/on-error.sh"

  local status=0
  (
    cd "$dir/work"
    export HOME=$dir/home TMPDIR=$dir/tmp TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1
    export PGO_INPUTS=$dir/inputs PATH=$binDir:$PATH
    # Nix 2.8 names these after the derivation (/tmp/nix-build-<name>.drv-<n>/.attrs.sh):
    # the program's environment, and with it its instruction counts, would depend on the
    # stage's name, and on how many builds of that name were running.
    unset NIX_ATTRS_SH_FILE NIX_ATTRS_JSON_FILE
    if [ -n "$workloadPreload" ]; then export LD_PRELOAD=$workloadPreload; fi
    if [ -n "$workloadCaBundle" ]; then export SSL_CERT_FILE=$workloadCaBundle NIX_SSL_CERT_FILE=$workloadCaBundle; fi
    # The stage's variables for the workload's programs (Go's GOGC, GOMAXPROCS).
    # shellcheck source=/dev/null
    if [ -n "${workloadVariables:-}" ]; then source "$workloadVariables"; fi
    mkdir -p "$TMPDIR"
    export BASH_ENV=$dir/on-error.sh
    # workloadPin (training only; unset in the report, which times the evaluation
    # workloads): the command that runs the workload on one CPU.
    exec ${workloadPin:+"$workloadPin"} timeout --kill-after=10 "$workloadTimeout" "$BASH" -euo pipefail "$workloadScript"
  ) >"$logBase.stdout" 2>"$logBase.stderr" </dev/null || status=$?

  if [ "$status" -ne 0 ]; then
    local why="exited with status $status"
    [ "$status" -eq 124 ] && why="timed out after ${workloadTimeout}s"
    {
      echo "nix-pgo: error: workload '$workloadName' $why."
      echo "--- last lines of its stderr:"
      workloadStderr "$logBase.stderr" | tail -n 20
      echo "--- last lines of its stdout:"
      tail -n 20 "$logBase.stdout"
      echo "---"
      local line file
      if [ "$status" -ne 124 ] && read -r line file <"$failedAt" 2>/dev/null && [ -n "$line" ]; then
        local text where="the script"
        [ "$file" = "$workloadScript" ] || where="$file, which the script sourced"
        text=$(sed -n "${line}p" "$file")
        echo "It failed at line $line of $where: $text"
        if [[ $text == *'|'* ]]; then
          echo "That line has a pipeline, and workloads run with \`pipefail\`: a command of it that fails fails the workload, though a"
          echo "later one succeeds. A program writing into \`head\` or \`grep -q\`/\`-m\`, which stop reading early, fails on the closed pipe"
          echo "(fd exits 1 on it, a Rust program printing with println! panics): read its whole output instead (\`sed -n 1,3p\`, \`grep -c\`)."
        fi
      fi
      if [ -n "$networkErrors" ] && grep -qiE "$networkErrors" "$logBase.stderr" "$logBase.stdout"; then
        echo "It looks like the workload tried to reach the network. Workloads run in the Nix build sandbox, which has none (and a"
        echo "profile must not depend on what a server answers): give it its data as an input (\`inputs\`, read from \$PGO_INPUTS)."
      fi
      if [ -z "$workloadCaBundle" ] && grep -qiE "$certificateErrors" "$logBase.stderr" "$logBase.stdout"; then
        echo "It looks like the program looked for CA certificates (to build a TLS client) and found none: the sandbox has no"
        echo "system certificates. Give the package \`caCertificates = true;\` (or the workload \`caCertificates = true;\`), which sets"
        echo "SSL_CERT_FILE to the toolchain's CA bundle."
      fi
      if [ -n "$missingFileErrors" ] && grep -qiE "$missingFileErrors" "$logBase.stderr" "$logBase.stdout"; then
        local inputNames
        inputNames=$(find -L "$workloadInputs" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | paste -sd ' ' -)
        echo "A file was not found. This workload's inputs, in \$PGO_INPUTS: ${inputNames:-none}. A workload gets its own"
        echo "\`inputs\`, the package's \`inputs\` and its kind's: \`trainingInputs\` (training and broad workloads) or"
        echo "\`evaluationInputs\` (evaluation workloads), never the other kind's; and it runs in an empty directory."
      fi
      if [ "$status" -eq 124 ]; then
        echo "If the workload needs longer, raise its \`timeout\` (seconds natively; the evaluation allows 30 times it under callgrind)."
        echo "If it waits for a server it started, stop the server with \`kill\` (SIGTERM): bash starts background jobs with SIGINT"
        echo "ignored, so \`kill -INT\` stops only a server that handles SIGINT itself (docs/workloads.md, \"Servers\")."
      else
        echo "${workloadFailureAdvice:-Fix the workload script (${workloadScriptGiven:-$workloadScript}) or the program; workloads must exit 0.}"
      fi
    } >&2
    exit 1
  fi
}

# noProfileData BINDIR KIND [BUILD]: fail because the workload exited 0 without writing KIND
# ("profile", "BOLT profile") data: it never ran a program of BINDIR, the BUILD
# ("instrumented", Go's "profiling") build, or every run of it ended without exiting.
noProfileData() {
  local binDir=$1 kind=$2 build=${3:-instrumented} programs
  programs=("$binDir"/*)
  programs=("${programs[@]##*/}")
  {
    echo "nix-pgo: error: workload '$workloadName' exited 0 but wrote no $kind data:"
    echo "it never ran the $build program (${programs[*]}), or every run of it ended without writing one."
    echo "--- last lines of its stderr:"
    workloadStderr "$NIX_BUILD_TOP/$workloadName.stderr" | tail -n 10
    echo "--- last lines of its stdout:"
    tail -n 10 "$NIX_BUILD_TOP/$workloadName.stdout"
    echo "---"
    echo "Make the workload (${workloadScriptGiven:-$workloadScript}) call the program by name (it is first on PATH)."
    echo "A program killed by SIGKILL, that crashes, or that is still running when the workload ends writes none: stop a"
    echo "server with \`kill\` (SIGTERM) and \`wait\` for it (docs/workloads.md, \"Servers\")."
    [ "$kind" != "BOLT profile" ] ||
      echo "BOLT's runtime writes when the program exits: a server with its own SIGTERM handler must then return from main."
  } >&2
  exit 1
}

# Run as a program (the report): `bash runWorkload.sh LOG BINDIR`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  runWorkload "$@"
fi
