# shellcheck shell=bash
# One evaluation workload against one variant, under callgrind with cache and branch
# simulation: $out/<variant>.json holds the variant's instruction count, estimated cycles,
# stdout hash and self costs per function (written by the helper, which reads callgrind's
# files; of the median run, with the spread, when the workload started threads and so ran
# several times), $out/callgrind-totals.txt callgrind's own totals. The first variant's
# run keeps its stdout ($out/stdout); every other run fails if it printed something else.
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"

# shellcheck disable=SC2154 # variantName, variantPath, reference, referenceName and callgrindOptions come from .attrs.sh
variant=$variantName
mkdir -p "$out"
# A remedy that was not needed or could not be made (stages/repair/) is its variant's
# binaries, copied: not a candidate of its own, so not run (its counts would differ from
# the variant's only by the path it runs from).
repairStatus=$(cat "$variantPath/nix-support/repair" 2>/dev/null || true)
if [ "$repairStatus" = not-needed ] || [ "$repairStatus" = not-applicable ]; then
  log "workload '$workloadName', variant '$variant': not run, a remedy that was $repairStatus"
  touch "$out/not-run"
  exit 0
fi

# Every variant runs at the same paths, so that nothing but the binary differs.
shims=$NIX_BUILD_TOP/bin cg=$NIX_BUILD_TOP/callgrind
# Quoted for the shims' exec line.
options=$(printf '%q ' "${callgrindOptions[@]}")

# runUnderCallgrind N: the workload's run number N, callgrind's files in $cg/N.
runUnderCallgrind() {
  local dir=$cg/$1
  mkdir -p "$shims" "$dir"
  for exe in "$variantPath"/bin/*; do
    # valgrind's own messages go to a file, never into the program's stderr: its cache
    # detection warns (even with --quiet and a fixed geometry) on some CPUs, and a
    # workload that captures stderr would then print pids that differ between variants.
    cat >"$shims/${exe##*/}" <<SHIM
#!$BASH
exec "$valgrind" --tool=callgrind --quiet $options--log-file="$dir/valgrind.%p.log" --callgrind-out-file="$dir/callgrind.out.%p" "$exe" "\$@"
SHIM
    chmod +x "$shims/${exe##*/}"
  done
  # A failed workload (runWorkload has said so) is checked for a crash of callgrind's
  # first, often its cause: a script that waits for a server that crashed callgrind sees
  # valgrind's exit status 1.
  local status=0
  (runWorkload "$NIX_BUILD_TOP/run" "$shims") || status=$?
  # valgrind's messages, if any, in the build log; not its warnings about the host's own
  # last-level cache (its geometry as detected, then rounded), which --LL replaces: the
  # simulated one is the fixed one (callgrind.out's "desc: LL cache"), and on a CPU with
  # an odd L3 they were most of a failed run's log tail.
  local messages=("$dir"/valgrind.*.log) outs=("$dir"/callgrind.out.*)
  [ "${#messages[@]}" -eq 0 ] ||
    grep -hvE -e '-- warning: (L3 cache found, using its data for the LL simulation|(specified|simulated) LL cache: )' "${messages[@]}" >&2 || true
  # callgrind writes a run's counts when it exits or dies of a signal; a run killed with
  # SIGKILL, or still running when the workload ended, leaves a file without them, and so
  # does a run in which valgrind itself failed an assertion (its log says so).
  local out pid failure unfinished=() crashed=() crash=
  for out in "${outs[@]}"; do
    grep -q '^events:' "$out" && continue
    pid=${out##*.}
    failure=$(grep -m1 -E -e "Assertion '.*' failed" -e "the 'impossible' happened" "$dir/valgrind.$pid.log" 2>/dev/null) || true
    if [ -n "$failure" ]; then
      crashed+=("$pid") crash=$failure
    else
      unfinished+=("$pid")
    fi
  done
  # callgrind follows calls by the stack pointer: a signal handler on an alternate signal
  # stack above the stack it interrupted looks like a return from every frame, so callgrind
  # ends the handler there and fails its assertion when the handler really returns. Go
  # runs every signal handler on such a stack: a Go server that shuts down gracefully on
  # the SIGTERM that stops it (signal.NotifyContext) crashes callgrind (docs/go.md,
  # "Runtime settings of the workloads"). A signal the program doesn't catch kills it
  # inside the handler, which never returns, and callgrind writes the counts.
  if [ "${#crashed[@]}" -gt 0 ] && [[ $crash == *_signal\)* ]]; then
    die "evaluation workload '$workloadName': callgrind itself crashed while the program handled a signal ($variant, pid ${crashed[*]}), so the run(s) have no counts: \"$crash\" (valgrind's log above). This is a valgrind bug, hit when a signal handler returns on an alternate signal stack, as every Go handler does: most often a server that catches the signal that stops it for a graceful shutdown (Go's signal.Notify). Stop the server with a signal it does not catch, \`kill -HUP\` (training writes its profile on SIGHUP too), or let it exit by itself (a shutdown request, or the end of its stdin) (docs/workloads.md, \"Servers\")."
  fi
  [ "${#crashed[@]}" -eq 0 ] ||
    die "evaluation workload '$workloadName': callgrind itself crashed ($variant, pid ${crashed[*]}), so the run(s) have no counts: \"$crash\" (valgrind's log above). This is a valgrind bug, not the program's: make the workload avoid what the program was doing then (the log's stack traces show where each thread was), or report it to valgrind with that log."
  [ "$status" -eq 0 ] || exit "$status"
  [ "${#outs[@]}" -gt 0 ] || die "evaluation workload '$workloadName' never ran the program ($variant): make it call the program by name (it is first on PATH)."
  [ "${#unfinished[@]}" -eq 0 ] ||
    die "evaluation workload '$workloadName': ${#unfinished[@]} run(s) of the program ($variant, pid ${unfinished[*]}) ended before callgrind wrote their counts: killed with SIGKILL, or still running when the workload ended. Stop a server with \`kill\` (SIGTERM) and \`wait\` for it (docs/workloads.md, \"Servers\")."
}

# sameOutput EXPECTED WHAT ADVICE: fail, showing the difference, if this run's stdout is
# not EXPECTED's ("printed something else than WHAT").
sameOutput() {
  cmp -s "$1" "$NIX_BUILD_TOP/run.stdout" && return 0
  {
    echo "nix-pgo: error: on evaluation workload '$workloadName', '$variant' printed something else than $2:"
    # (diff exits 1 on a difference, which pipefail would make the script's end before
    # the advice below: an outside trial never saw it.)
    diff "$1" "$NIX_BUILD_TOP/run.stdout" | head -n 20 || true
    echo "$3"
  } >&2
  exit 1
}

# The advice when two runs of one variant printed different things.
nondeterministic="The workload's output is not deterministic (time, randomness, addresses, thread timing): make it deterministic."

log "workload '$workloadName', variant '$variant'"
runUnderCallgrind 1
cp "$NIX_BUILD_TOP/run.stdout" "$NIX_BUILD_TOP/first.stdout"
if [ -z "$reference" ]; then
  cp "$NIX_BUILD_TOP/first.stdout" "$out/stdout"
  [ -s "$out/stdout" ] ||
    log "warning: evaluation workload '$workloadName' printed nothing, so the check that every variant prints the same checks nothing: let the program print its output (docs/workloads.md)"
else
  if ! cmp -s "$reference/stdout" "$NIX_BUILD_TOP/first.stdout"; then
    # Tell a workload whose output changes from run to run from a variant that prints
    # something else: run this variant once more (a failure's cost only).
    runUnderCallgrind again
    sameOutput "$NIX_BUILD_TOP/first.stdout" "on its own first run (nix-pgo ran it twice, as it differed from '$referenceName': it differs from itself too)" "$nondeterministic"
  fi
  sameOutput "$reference/stdout" "'$referenceName'" \
    "It printed the same twice, so an optimization changed the program's behaviour, or the output depends on the binary itself (addresses, its path, its size): make the workload print only what the program computes."
fi

# A run that started threads is not deterministic under callgrind (valgrind runs one
# thread at a time and switches between them by timing): run it $threadedRuns times in
# all; the helper keeps the median run and the spread (docs/API.md, evaluateVariants).
# A program that is declared to start threads ($startsThreads, e.g. every Go program)
# repeats even when callgrind names nothing that started one (a binary without symbols).
# shellcheck disable=SC2154 # threadedRuns and startsThreads come from .attrs.sh
threads=$("$helper" callgrind-threads "$cg/1")
[ -n "$threads" ] || threads=$startsThreads
declared=()
[ -z "$startsThreads" ] || declared=(--starts-threads "$startsThreads")
runs=("$cg/1")
if [ -n "$threads" ]; then
  log "workload '$workloadName', variant '$variant': it started threads (${threads//$'\n'/, }): $threadedRuns run(s) in all"
  for ((n = 2; n <= threadedRuns; n++)); do
    runUnderCallgrind "$n"
    sameOutput "$NIX_BUILD_TOP/first.stdout" "on its first run (this was run $n)" "$nondeterministic"
    runs+=("$cg/$n")
  done
fi

# With callgrind's own totals of the run counted, as it wrote them, beside the helper's
# sum (tests compare them).
"$helper" evaluate-variant --workload "$workloadName" --variant "$variant" \
  --stdout "$NIX_BUILD_TOP/first.stdout" --out "$out" --totals "$out/callgrind-totals.txt" \
  "${declared[@]}" "${runs[@]}"
