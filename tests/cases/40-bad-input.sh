# shellcheck shell=bash
# Every bad input gets a clear error naming what is wrong and what to do.

test_llvm_profdata_of_another_llvm_is_refused() {
  expect_failure 'llvm-profdata .*LLVM 14.*rustc.*LLVM 22|LLVM 22.*LLVM 14' fixture_build wrongLlvmProfdata
}

test_failing_workload_names_itself_and_shows_its_output() {
  expect_failure "workload 'failing' exited with status 3" fixture_build failingWorkload
  expect_failure "this workload is about to fail" fixture_build failingWorkload
}

test_workload_that_never_runs_the_binary_is_refused() {
  expect_failure "workload 'no-binary' exited 0 but wrote no profile data" fixture_build workloadWithoutBinary
  expect_failure "rendering nothing today" fixture_build workloadWithoutBinary
}

test_truncated_profraw_fails_the_merge() {
  expect_failure "truncated-profraw" fixture_build truncatedProfraw
  expect_failure "profraw" fixture_build truncatedProfraw
}

test_nondeterministic_evaluation_output_is_refused() {
  expect_failure "'optimized' printed something else than 'baseline'" fixture_build nondeterministicEvaluation
}

test_missing_cargo_lock_is_refused_at_evaluation() {
  expect_failure "buildPgoPackage \(no-lock\): no Cargo.lock in .*/no-lock" fixture_eval noCargoLock.optimized.drvPath
  expect_failure "run .cargo generate-lockfile." fixture_eval noCargoLock.optimized.drvPath
}
