# shellcheck shell=bash
# Bad input refused at evaluation, with a message that says what to do: nothing is built.

test_missing_cargo_lock_is_refused_at_evaluation() {
  expect_failure "buildPgoPackage \(no-lock\): no Cargo.lock in .*/no-lock" fixture_eval noCargoLock.optimized.drvPath
  expect_failure "run .cargo generate-lockfile." fixture_eval noCargoLock.optimized.drvPath
}

test_names_that_cannot_name_files_are_refused_at_evaluation() {
  expect_failure "training workload 'html two'.*letters, digits" fixture_eval badWorkloadName.drvPath
  expect_failure "input 'my input' of training workload 'tiny'" fixture_eval badInputName.drvPath
  expect_failure "Hydra jobs: training workload 'v1.2'" fixture_eval dottedWorkloadName.drvPath
  fixture_eval dottedInputName.drvPath >/dev/null
  # A string path is refused when the stage is evaluated: the sandbox could not see it.
  expect_failure "input 'corpus' of workload 'tiny' is the string.*Give a path" fixture_eval stringInput.drvPath
}

test_a_misspelt_kind_of_workload_is_refused_at_evaluation() {
  expect_failure "workloads has 'evalution', which is not a kind of workload: the kinds are training, evaluation, broad" fixture_eval misspeltKind.optimized.drvPath
  expect_failure "workloads has 'evalution', which is not a kind of workload: the kinds are training, evaluation \\(misspelt" \
    nix eval --impure --raw -f tests/fixtures/go.nix misspeltKind.optimized.drvPath
}
