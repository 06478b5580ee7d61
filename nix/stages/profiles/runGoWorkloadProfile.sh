# shellcheck shell=bash
# One training workload of a Go program → its canonical CPU profile ($out).
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=/dev/null
source "$goEnv"
raw=$NIX_BUILD_TOP/pprof
mkdir -p "$raw"

if [ "$workloadKind" = script ]; then
  # shellcheck source=../../internal/workload/runWorkload.sh
  source "$workloadRunner"
  export NIX_PGO_GO_PROFILE_DIR=$raw
  log "running workload '$workloadName'"
  runWorkload "$NIX_BUILD_TOP/$workloadName" "$profiling/bin"
  workloadStderr "$NIX_BUILD_TOP/$workloadName.stderr" >&2
  rateLines=$(grep -cxF "$goProfileRateLine" "$NIX_BUILD_TOP/$workloadName.stderr" || true)
  [ "$rateLines" -eq 0 ] ||
    log "($rateLines process(es) printed the Go runtime's \"$goProfileRateLine\", which the profiling build's 1000 Hz causes: left out above)"
  files=("$raw"/*.pprof)
  [ "${#files[@]}" -gt 0 ] || noProfileData "$profiling/bin" "CPU profile" profiling
  # Each process wrote the CPU time it used beside its profile (cpu-<pid>.cpu-ns): the
  # kernel's ticks let fewer samples through than the 1000 Hz asked for, and the merge
  # scales them to that time, so that they weigh as much as a benchmark's 100 Hz ones.
  timeScaling=(--cpu-time)
else
  if [ -n "$vendor" ]; then
    cp -r "$src" "$NIX_BUILD_TOP/source"
    chmod -R u+w "$NIX_BUILD_TOP/source"
    cd "$NIX_BUILD_TOP/source/$modRoot"
    # (A module cache, proxyVendor's, is read through GOPROXY instead: goVariables.nix.)
    if [ -z "${moduleCache:-}" ]; then
      rm -rf vendor
      cp -r "$vendor" vendor
    fi
  else
    cd "$src/$modRoot"
  fi
  flags=(-trimpath -buildvcs=false -pgo=off)
  [ "${#tags[@]}" -gt 0 ] && flags+=("-tags=$(IFS=,; echo "${tags[*]}")")
  log "go test -run '^\$' -bench '$benchPattern' -benchtime $benchtime -timeout ${benchTimeout}s ./$benchPackage"
  # -o keeps the test binary out of the source (which may be read-only).
  "$goBin" test "${flags[@]}" -run '^$' -bench "$benchPattern" -benchtime "$benchtime" -timeout "${benchTimeout}s" \
    -o "$NIX_BUILD_TOP/bench.test" -cpuprofile "$raw/bench.pprof" "./$benchPackage" | tee "$NIX_BUILD_TOP/bench.out" >&2 ||
    die "the benchmarks of workload '$workloadName' failed (above)."
  # go test runs no benchmark, and says nothing of it, when the pattern matches none (its
  # profile then has no samples, which would read as a program that never ran).
  if ! grep -q '^Benchmark' "$NIX_BUILD_TOP/bench.out"; then
    benchmarks=$("$NIX_BUILD_TOP/bench.test" -test.list '^Benchmark' 2>/dev/null | grep '^Benchmark' | paste -sd ' ' - || true)
    die "workload '$workloadName': no benchmark of ./$benchPackage matches bench = \"$benchPattern\" (go test's -bench pattern), so none ran. Its benchmarks: ${benchmarks:-none (a benchmark is a func BenchmarkXxx(b *testing.B) in a _test.go file of that package)}."
  fi
  files=("$raw"/bench.pprof)
  # go test samples at 100 Hz, which every kernel's ticks allow: its counts are right.
  timeScaling=()
  [ -s "${files[0]}" ] || die "workload '$workloadName': go test wrote no CPU profile; does ./$benchPackage have benchmarks matching '$benchPattern'?"
fi

# A process that ended before the first sample (every 1 ms) wrote a profile without
# samples: it is left out, as long as another process was sampled.
"$helper" pprof merge --skip-empty "${timeScaling[@]}" --output "$out" "${files[@]}" ||
  die "the CPU profiles of workload '$workloadName' could not be merged (see above)"
