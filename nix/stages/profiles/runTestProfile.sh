# shellcheck shell=bash
# A workload that is the package's tests → their profile ($out), as runWorkloadProfile.sh's.
# shellcheck disable=SC2154 # the attributes come from .attrs.sh
# shellcheck source=../../internal/cargo/cargo.sh
source "$cargoBuildScript"
# shellcheck source=../../internal/workload/runWorkload.sh
source "$workloadRunner"
# shellcheck source=./workloadProfile.sh
source "$workloadProfileScript"

cargoSetup
# Doc tests: cargo runs rustdoc, the toolchain's, beside its rustc.
if [ -x "${rustc%/*}/rustdoc" ]; then export RUSTDOC=${rustc%/*}/rustdoc; fi
log "building the tests of workload '$workloadName'"
cargoBuild test "${testCargoArgs[@]}" --no-run

# The tests run through cargo, which gives them what it gives tests at run time
# (CARGO_MANIFEST_DIR, CARGO_PKG_*, the package's directory as the working directory),
# and the rest of a workload's environment (runWorkload). One at a time: plain counters
# lose increments when threads race, and the profile must rebuild bit-identically.
command=("$cargo" test "${cargoFlags[@]}" "${testCargoArgs[@]}" -- "${testHarnessArgs[@]}")
workloadScript=$NIX_BUILD_TOP/cargo-test.sh
{
  echo "export RUST_TEST_THREADS=1"
  printf 'cd %q\n' "$PWD"
  printf '%q ' "${command[@]}"
  echo '|| {'
  echo '  echo "nix-pgo: the tests failed (cargo names them in its stdout, below). A test that needs the network, or files outside" >&2'
  echo '  echo "the package, cannot pass in the build sandbox: skip it with the workload'"'"'s cargoTest.testArgs = [ \"--skip\" \"<name>\" ]," >&2'
  echo '  echo "or choose the test targets with cargoTest.args = [ \"--test\" \"<target>\" ] (docs/workloads.md, \"The package'"'"'s tests\")." >&2'
  echo '  exit 1'
  echo '}'
} >"$workloadScript"
workloadScriptGiven="cargo test${testCargoArgs[*]:+ ${testCargoArgs[*]}}${testHarnessArgs[*]:+ -- ${testHarnessArgs[*]}}"
# runWorkload's hints for a missing file or network speak of inputs, an empty directory and
# the workload script: not the tests' case, whose fix is to skip the test (the script's
# own message says how).
missingFileErrors='' networkErrors=''
workloadFailureAdvice="Make the failing tests pass in the sandbox, or skip them (cargoTest.testArgs, above)."

profileRuns
log "running the tests: $workloadScriptGiven"
testPrograms=$CARGO_TARGET_DIR/$targetTriple/$cargoProfileDir
runWorkload "$NIX_BUILD_TOP/$workloadName" "$testPrograms"
cat "$NIX_BUILD_TOP/$workloadName.stderr" >&2
# How many tests ran (libtest prints it on stdout, which the log doesn't otherwise show): a
# --skip that matched nothing, or one that matched everything, shows here.
grep -E '^test result:' "$NIX_BUILD_TOP/$workloadName.stdout" >&2 || true
profiles=("$raw"/*.profraw)
[ "${#profiles[@]}" -gt 0 ] ||
  die "workload '$workloadName': cargo test ran no test (its output is above): the package has no tests${testCargoArgs[*]:+ that cargoTest.args (${testCargoArgs[*]}) select}."
# A test binary writes its profile even when its filters left no test to run: count the
# tests that passed ("test result: ok. N passed; ..."), so that a filter that matches
# nothing fails here rather than give a profile of the harness alone.
passed=$(awk '/^test result:/ { for (i = 1; i < NF; i++) if ($(i + 1) ~ /^passed;?$/) n += $i } END { print n + 0 }' \
  "$NIX_BUILD_TOP/$workloadName.stdout")
[ "$passed" -gt 0 ] ||
  die "workload '$workloadName': no test ran: every test was filtered out or ignored (the \"test result:\" lines above)${testHarnessArgs[*]:+. The test filters cargoTest.testArgs (${testHarnessArgs[*]}) match no test: a filter selects the tests whose names contain it, e.g. \"cli::\"}."
writeProfile "$testPrograms" --functions-of "$instrumented"/bin/*
