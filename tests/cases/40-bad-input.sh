# shellcheck shell=bash
# Every bad input gets a clear error naming what is wrong and what to do.

test_llvm_profdata_of_another_llvm_is_refused() {
  expect_failure 'llvm-profdata .*LLVM 14.*rustc.*LLVM 22|LLVM 22.*LLVM 14' fixture_build wrongLlvmProfdata
}

test_failing_workload_names_itself_and_shows_its_output() {
  expect_failure "workload 'failing' exited with status 3" fixture_build failingWorkload
  expect_failure "this workload is about to fail" fixture_build failingWorkload
  # The script as given, not a store copy or a generated wrapper.
  expect_failure "Fix the workload script \(workloads/failing.sh\)" fixture_build failingWorkload
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
  # Its second variant differs from the first; run again, from itself too: the workload,
  # not an optimization, is named, with the advice after the difference (an outside trial
  # never saw the advice: diff's exit status ended the script first).
  expect_failure "'optimized' printed something else than on its own first run" fixture_build nondeterministicEvaluation
  expect_failure "The workload's output is not deterministic \(time, randomness" fixture_build nondeterministicEvaluation
}

test_evaluation_output_that_depends_on_the_binary_is_told_from_nondeterminism() {
  expect_failure "'optimized' printed something else than 'baseline'" fixture_build binaryDependentEvaluation
  expect_failure "It printed the same twice, so an optimization changed the program's behaviour, or the output depends on the binary" fixture_build binaryDependentEvaluation
}

test_profile_trained_on_other_code_in_the_same_graph_is_refused() {
  # A fresh profile matches by construction; here optimized alone compiles with overflow
  # checks, which changes the control flow the profile was recorded for (70 % of its counts
  # on the demo). Before maxStale's default for fresh profiles this was called optimized.
  expect_failure 'the profile is stale: [0-9.]+% of its counts .* more than --max-stale 1%.*instrumented build compiled other code.*not profileUseRustflags' \
    fixture_build freshProfileOtherCode
}

test_workload_that_needs_network_is_told_the_sandbox_has_none() {
  expect_failure "workload 'network' exited" fixture_build networkWorkload
  expect_failure 'tried to reach the network.*sandbox' fixture_build networkWorkload
  expect_failure 'give it its data as an input' fixture_build networkWorkload
}

test_workload_that_needs_ca_certificates_is_told_the_option_and_gets_them_with_it() {
  expect_failure "workload 'certificates' exited" fixture_build certificatesWorkload
  expect_failure 'looked for CA certificates' fixture_build certificatesWorkload
  expect_failure 'Give the package .caCertificates = true;' fixture_build certificatesWorkload
  fixture_build certificatesGiven >/dev/null
}

test_workload_paths_with_a_space_or_a_leading_dot_are_used_as_given() {
  # A user's `inputs.corpus = ./. + "/test data"` used to fail evaluation ("contains illegal
  # character"): the script and the input directory are copied under names a store path can have.
  local profile spec
  profile=$(fixture_build awkwardPaths.profiles.awkward | jq -r '.[0].outputs.out')
  [ -s "$profile" ] || fail "the awkward workload's profile is empty"
  # The release names the same copies in its provenance.
  spec=$(nix show-derivation "$(fixture_eval awkwardPaths.release.drvPath)" | jq -r '.[].env.__json | fromjson | .spec')
  jq -e '.workloads.training.awkward | (.script | endswith("-render-it.sh")) and (.inputs.corpus | endswith("-_the-corpus"))' <<<"$spec" >/dev/null ||
    fail "the release does not name the workload's script and input as copied: $(jq -c .workloads.training.awkward <<<"$spec")"
}

test_unknown_binary_or_package_fails_before_compiling() {
  expect_failure 'no binary named pulldown-cmark-cli, which nix-pgo.s `bins` argument names' fixture_build unknownBinary
  expect_failure 'available bin targets' fixture_build unknownBinary
  expect_failure 'no workspace member named by nix-pgo.s `package`' fixture_build unknownPackage
  # A virtual workspace whose default members lack a binary (an outside trial was told to
  # "set bins" to what it had): the member that has it, and the two fixes.
  expect_failure 'count-stats is a binary of the workspace member\(s\) count-stats, which cargo did not build' fixture_build workspaceDefaultMembers
  expect_failure 'cargoExtraArgs = \[ "--workspace" \]' fixture_build workspaceDefaultMembers
  # A dependency's name, which cargo answers with an error about features.
  expect_failure 'no workspace member named by nix-pgo.s `package`' fixture_build dependencyAsPackage
  # Both in the dependency build, the first cargo run: cargo stops before compiling.
  expect_failure 'baseline-deps' fixture_build unknownPackage
  local output
  output=$(fixture_build unknownBinary 2>&1) && fail "the unknown binary was built"
  has 'Compiling' <<<"$output" && fail "cargo compiled something before refusing the binary name"
  return 0
}

# git_program DIR: a git repository DIR/repo with a library, and DIR/app, a program that
# depends on it through `git = "file://…"` with its Cargo.lock.
git_program() {
  local dir=$1
  mkdir -p "$dir/repo/src" "$dir/app/src"
  printf '[package]\nname = "gitdep"\nversion = "0.1.0"\nedition = "2021"\n' >"$dir/repo/Cargo.toml"
  echo 'pub fn answer() -> u64 { 42 }' >"$dir/repo/src/lib.rs"
  git -C "$dir/repo" init -q
  git -C "$dir/repo" add -A
  git -C "$dir/repo" -c user.name=test -c user.email=test@example.org commit -qm library
  printf '[package]\nname = "gitdep-app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ngitdep = { git = "file://%s/repo", rev = "%s" }\n' \
    "$dir" "$(git -C "$dir/repo" rev-parse HEAD)" >"$dir/app/Cargo.toml"
  echo 'fn main() { println!("{}", gitdep::answer()); }' >"$dir/app/src/main.rs"
  (cd "$dir/app" && CARGO_HOME=$dir/cargo-home cargo generate-lockfile --quiet)
}

test_git_dependency_needs_its_hash_and_then_builds() {
  local dir hash out
  dir=$(mktemp -d)
  git_program "$dir"
  expect_failure 'git dependency without a hash, gitdep 0.1.0 \(git\+file://' fixture_eval --argstr gitProgram "$dir/app" gitDependency.baseline.drvPath
  expect_failure 'outputHashes = \{ "gitdep-0.1.0" = "sha256-' fixture_eval --argstr gitProgram "$dir/app" gitDependency.baseline.drvPath
  # A wrong hash: Nix names the right one, which then builds.
  local output
  output=$(fixture_eval --argstr gitProgram "$dir/app" --argstr gitHash sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= gitDependency.baseline.drvPath 2>&1) &&
    fail "a wrong hash was accepted"
  hash=$(grep -oE "got 'sha256-[^']+'" <<<"$output" | grep -oE "sha256-[^']+") || fail "a wrong hash does not make Nix print the right one: $output"
  out=$(fixture_build --argstr gitProgram "$dir/app" --argstr gitHash "$hash" gitDependency.baseline | jq -r '.[0].outputs.out')
  [ "$("$out/bin/gitdep-app")" = 42 ] || fail "the program built with its git dependency does not print 42"
  rm -rf "$dir"
}
