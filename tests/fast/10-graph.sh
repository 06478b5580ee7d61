# shellcheck shell=bash
# The stage graph, read from the derivations themselves.

test_optimized_depends_on_profile_which_depends_on_workloads_and_instrumented() {
  local optimized profile instrumented workloads w
  optimized=$(drv_path host.optimized)
  profile=$(drv_path host.profile)
  instrumented=$(drv_path host.instrumented)
  input_drvs "$optimized" | has -xF "$profile" || fail "optimized does not take the merged profile as input"
  input_drvs "$optimized" | has -xF "$instrumented" && fail "optimized depends on instrumented directly"

  workloads=$(nix eval --impure --json .#host.profiles --apply builtins.attrNames | jq -r '.[]')
  [ -n "$workloads" ] || fail "the demo has no training workloads"
  for w in $workloads; do
    local wdrv
    wdrv=$(drv_path "host.profiles.$w")
    input_drvs "$profile" | has -xF "$wdrv" || fail "the merged profile does not take workload '$w' as input"
    input_drvs "$wdrv" | has -xF "$instrumented" || fail "workload '$w' does not run the instrumented build"
  done
}

test_baseline_depends_on_no_pgo_stage() {
  local closure stage
  closure=$(nix-store --query --requisites "$(drv_path host.baseline)")
  for stage in instrumented profile optimized; do
    echo "$closure" | has -xF "$(drv_path "host.$stage")" && fail "baseline depends on $stage"
  done
  echo "$closure" | has -- '-profile-' && fail "baseline depends on a workload profile"
  true
}

test_optimized_sees_workloads_only_through_the_profile() {
  # No workload script is an input of optimized: a workload edit can reach it only
  # through the profile's path (the basis of early cutoff).
  show_drv "$(drv_path host.optimized)" | jq -r '.[].inputSrcs[]' | has 'workload-' &&
    fail "a workload script is a direct input of optimized"
  true
}

test_stage_registry_names_every_stage_of_the_result() {
  local result registry
  result=$(nix eval --impure --json -f tests/fixtures/demo.nix --apply builtins.attrNames)
  # The registry's Rust stages (the Go pipeline's: tests/fast/96-go.sh).
  registry=$(nix eval --json -f nix/stages.nix --apply 'ss: map (s: s.attr) (builtins.filter (s: builtins.elem "rust" s.languages) ss)')
  echo "result: $result"
  echo "registry: $registry"
  # Every registered stage is in the result, and the result has nothing else but these.
  jq -e -n --argjson r "$result" --argjson s "$registry" '($s - $r) == [] and ($r - $s) == ["has", "language", "locked", "override", "profileUseRustflags", "toolchainId", "workloads"]' >/dev/null ||
    fail "buildPgoPackage's result and the stage registry (nix/stages.nix) disagree"
}

test_readme_stage_table_is_the_registry() {
  local table registry
  # Each row's first cell: `attr`, or `attr` (`flake-name`), where a per-workload name ends in
  # -<workload> (-<variant>, -<remedy> for the repairs).
  table=$(sed -n '/^<!-- stages:start/,/^<!-- stages:end/p' README.md |
    sed -nE 's/^\| `([A-Za-z]+)`( \(`([a-z-]+)(-<(workload|variant|remedy)>)?`\))? \|.*/{"attr": "\1", "name": "\3"}/p' |
    jq -s -c 'map({attr, name: (if .name == "" then .attr else .name end)})')
  registry=$(nix eval --json -f nix/stages.nix --apply 'map (s: { inherit (s) attr name; })' | jq -c .)
  echo "README: $table"
  echo "registry: $registry"
  [ "$table" = "$registry" ] || fail "README.md's stage table and nix/stages.nix disagree (names, or order)"
}

test_repair_evaluation_reuses_the_evaluation_runs_and_runs_only_the_remedies() {
  # A run depends on the runs before it in `order`, never on later ones: the repair
  # evaluation's baseline, optimized and bolted runs are the evaluation's derivations.
  local runs w v ours theirs
  runs=$(nix eval --impure --json .#host.repair-evaluation.workloads --apply 'ws: builtins.mapAttrs (_: w: builtins.mapAttrs (_: r: r.drvPath) w.runs) ws')
  for w in $(jq -r 'keys[]' <<<"$runs"); do
    for v in $(jq -r --arg w "$w" '.[$w] | keys[]' <<<"$runs"); do
      ours=$(jq -r --arg w "$w" --arg v "$v" '.[$w][$v]' <<<"$runs")
      case $v in
        baseline | optimized | bolted)
          theirs=$(drv_path "host.evaluation.workloads.$w.runs.$v")
          [ "$ours" = "$theirs" ] || fail "the repair evaluation runs '$v' on '$w' again ($ours, not $theirs)"
          ;;
        *)
          show_drv "$ours" | jq -e --arg r "$(drv_path "host.programs.pulldown-cmark.repaired.$v")" '.[].inputDrvs | has($r)' >/dev/null ||
            fail "the repair evaluation's run of '$v' on '$w' does not run remedy $v"
          ;;
      esac
    done
  done
  true
}

test_pgo_lto_reaches_every_pgo_build_and_not_the_baseline() {
  # pgoLto sets Cargo's lto for instrumented, optimized and bolt-input alike (a profile
  # recorded under other Cargo metadata has other symbol names and matches nothing), in
  # their dependency builds too (cargo compares the environment like flags), and never
  # for baseline, which stays the package's own build.
  local attrs stage lto
  attrs=$(nix eval --impure --json -f tests/fixtures/demo.nix --apply 'p: let q = p.override { pgoLto = "thin"; }; in
    builtins.mapAttrs (_: d: { drv = d.drvPath; deps = d.deps.drvPath; }) { inherit (q) baseline instrumented optimized boltInput; }')
  for stage in instrumented optimized boltInput baseline; do
    for which in drv deps; do
      lto=$(drv_attrs "$(jq -r --arg s "$stage" --arg w "$which" '.[$s][$w]' <<<"$attrs")" | jq -r '.env.CARGO_PROFILE_RELEASE_LTO // "unset"')
      echo "$stage ($which): CARGO_PROFILE_RELEASE_LTO=$lto"
      case $stage in
        baseline) [ "$lto" = unset ] || fail "pgoLto reached baseline's $which" ;;
        *) [ "$lto" = thin ] || fail "pgoLto did not reach $stage's $which" ;;
      esac
    done
  done
}

test_override_takes_new_arguments_or_a_function_of_the_old_ones() {
  # As nixpkgs' makeOverridable: `override (old: …)` sees the arguments it replaces.
  nix eval --impure --json --expr '
    let
      demo = import ./tests/fixtures/demo.nix;
      go = import ./tests/fixtures/go.nix { };
      fromOld = demo.override (old: { rustflags = (old.rustflags or [ ]) ++ [ "-Cdebug-assertions=off" ]; });
      given = demo.override { rustflags = [ "-Cdebug-assertions=off" ]; };
      goFromOld = go.wordfreq.override (old: { pname = old.pname + "-renamed"; });
    in
    assert fromOld.optimized.drvPath == given.optimized.drvPath;
    assert fromOld.optimized.drvPath != demo.optimized.drvPath;
    assert goFromOld.optimized.name == (go.wordfreq.override { pname = "wordfreq-renamed"; }).optimized.name;
    assert goFromOld.optimized.name != go.wordfreq.optimized.name;
    true' >/dev/null || fail "override with a function of the old arguments is not override with the set it returns"
}

test_held_out_inputs_are_in_no_training_closure() {
  local training evaluation w
  # The demo's evaluationInputs (other projects' changelogs, tokio's among them).
  evaluation=$(nix-store --query --requisites "$(drv_path host.evaluation)")
  echo "$evaluation" | has -- '-tokio-' || fail "the evaluation does not read the held-out tokio tree"
  for w in $(nix eval --impure --json .#host.profiles --apply builtins.attrNames | jq -r '.[]'); do
    training=$(nix-store --query --requisites "$(drv_path "host.profiles.$w")")
    echo "$training" | has -- '-tokio-' && fail "training workload '$w' can read the held-out tokio tree"
    echo "$training" | has -- '-cargo-' || fail "training workload '$w' lost the shared cargo tree"
  done
  true
}

test_an_input_of_one_workload_reaches_that_workload_only() {
  local dir inputs
  # workloadsFromDir's workloadInputs: an input for one workload (of every kind that has
  # that name) beside the shared ones, so that editing it reruns that workload alone.
  dir=$(mktemp -d)
  mkdir "$dir/train" "$dir/eval"
  echo 'pulldown-cmark "$PGO_INPUTS/shared"' >"$dir/train/both.sh"
  echo 'pulldown-cmark "$PGO_INPUTS/shared"' >"$dir/eval/both.sh"
  echo 'pulldown-cmark "$PGO_INPUTS/own"' >"$dir/eval/image.sh"
  echo '# a' >"$dir/shared.md"
  echo '# b' >"$dir/own.md"
  inputs=$(nix eval --impure --json --expr "builtins.mapAttrs (_: builtins.mapAttrs (_: w: builtins.attrNames w.inputs))
    ((import ./nix { toolchain = import ./nix/toolchain/host.nix { }; }).workloadsFromDir $dir {
      inputs.shared = $dir/shared.md; evaluationInputs.held = $dir/shared.md;
      workloadInputs = { image.own = $dir/own.md; both.extra = $dir/own.md; }; })")
  [ "$(jq -c . <<<"$inputs")" = '{"broad":{},"evaluation":{"both":["extra","held","shared"],"image":["held","own","shared"]},"training":{"both":["extra","shared"]}}' ] ||
    fail "workloadInputs reached other workloads, or not its own: $inputs"
}

test_build_leftovers_beside_the_source_rebuild_nothing() {
  local rust go before
  # nix build's result links, cargo's target/, .git/ and the flake's own files, in a Rust and a Go
  # source given as paths (nix/internal/pgoSource.nix).
  rust=$(mktemp -d)
  # (Built, not only evaluated: on a cold store the crate's source is not there yet.)
  cp -r --no-preserve=mode "$(nix build --no-link --json -f tests/fixtures/demo.nix baseline.src | jq -r '.[0].outputs.out')/." "$rust"
  go=$(mktemp -d)/module
  cp -r --no-preserve=mode tests/fixtures/go-wordfreq/module "$go"
  rust_drv() { nix eval --impure --raw -f tests/fixtures --argstr sourceDir "$rust" localSource.baseline.drvPath; }
  go_drv() { nix eval --impure --raw -f tests/fixtures/go.nix --arg src "\"$go\"" baseline.drvPath; }
  before="$(rust_drv) $(go_drv)"
  for dir in "$rust" "$go"; do
    ln -s /nix/store "$dir/result"
    ln -s /nix/store "$dir/result-bolted"
    echo '{ }' >"$dir/flake.nix"
    # A git repository's .git/: in a flake taken as `path:.` (Nix 2.8, a directory with a
    # space, the Rust trial), src has it, and each commit changed it.
    mkdir "$dir/.git"
    echo 'ref: refs/heads/main' >"$dir/.git/HEAD"
  done
  mkdir -p "$rust/target/release"
  echo built >"$rust/target/release/leftover"
  [ "$(rust_drv) $(go_drv)" = "$before" ] || fail "result links, target/, .git/ or flake.nix changed baseline: $before, then $(rust_drv) $(go_drv)"
  # A source file still counts.
  echo '// edited' >>"$rust/src/main.rs"
  [ "$(rust_drv)" != "${before%% *}" ] || fail "an edit of the source did not change baseline"
}

test_stage_presence_is_known_without_a_toolchain_and_agrees_with_the_stages() {
  local lock out
  # Which stages a pipeline has comes from its `has` (nix/internal/hasStage.nix): it must
  # agree with which stages are null, for every way a stage can be absent.
  out=$(nix eval --impure --json --expr '
    let
      demo = import ./tests/fixtures/demo.nix;
      go = import ./tests/fixtures/go.nix { };
      pipelines = {
        inherit demo;
        noBolt = demo.override { bolt = false; };
        noEvaluation = demo.override { workloads = demo.workloads // { evaluation = { }; }; };
        noRepairs = demo.override { repairs = [ ]; };
        # lockChoice without a lock: no updateChoice (test 73 builds one with a lock).
        lockChoice = demo.override { lockChoice = true; };
        inherit (go) wordfreq primes;
        goLockChoice = go.wordfreq.override { lockChoice = true; };
      };
      disagree = p: builtins.filter
        (s: builtins.elem (p.language or "rust") s.languages
          && import ./nix/internal/hasStage.nix p s != ((p.${s.attr} or null) != null))
        (import ./nix/stages.nix);
    in builtins.mapAttrs (_: p: map (s: s.name) (disagree p)) pipelines')
  echo "$out"
  [ "$(jq -c '[.[] | select(. != [])]' <<<"$out")" = '[]' ] || fail "has and the stages disagree: $out"
  # With a lock, the job and check names need neither the lock's entry nor a toolchain
  # (the entry is for another toolchain here; any use of the toolchain throws).
  lock=$(mktemp -d)/pgo.lock.json
  echo '{"version":1,"profiles":{"pulldown-cmark":{"another-toolchain":{}}}}' >"$lock"
  nix eval --impure --json --expr "
    let
      lib = import ./nix { toolchain = throw \"a toolchain was used to list names\"; };
      demo = (import ./examples/pulldown-cmark { nixPgo = lib; }).override { lockFile = $lock; };
    in {
      jobs = builtins.attrNames (lib.stagesOf demo);
      checks = builtins.attrNames (lib.checksFor { pipelines = { inherit demo; }; });
      # best is a check only with a locked choice (the one build that sees an edited
      # evaluation workload then).
      lockedChoiceChecks = builtins.attrNames (lib.checksFor { pipelines.demo = demo.override { lockChoice = true; }; });
    }" | jq -e '(.jobs | index("profile")) and (.checks | index("demo-profile-fresh"))
      and (.checks | index("demo-best") | not) and (.lockedChoiceChecks | index("demo-best"))' >/dev/null ||
    fail "listing a locked package's jobs and checks used the toolchain or lost stages, or best is a check without lockChoice or not one with it"
}

test_a_workload_script_given_by_path_in_a_flake_survives_edits_of_the_flake() {
  # `script = ./pgo/run.sh;` in a user's flake (not workloadsFromDir): the script is in the
  # flake's source, whose store path changes with any edit. Its profile must not.
  local flake before after
  flake=$(mktemp -d)
  cp -r --no-preserve=mode tests/fixtures/cargo-config/. "$flake"
  cat >"$flake/flake.nix" <<NIX
{
  inputs.nix-pgo.url = "git+file://$PWD";
  outputs = { nix-pgo, ... }: {
    probe = nix-pgo.lib.host.buildPgoPackage {
      pname = "cfg-probe";
      version = "0.1.0";
      src = ./.;
      workloads.training.run.script = ./pgo/run.sh;
    };
  };
}
NIX
  git -C "$flake" init -q && git -C "$flake" add -A
  profile_drv() { nix eval --impure --raw "git+file://$flake#probe.profiles.run.drvPath" 2>/dev/null; }
  before=$(profile_drv)
  sed -i '1i # an edit that changes no build' "$flake/flake.nix"
  git -C "$flake" add -A
  after=$(profile_drv)
  [ "$before" = "$after" ] || fail "a comment in flake.nix changed the workload profile: $before, then $after"
  # Messages still name the script as the user knows it.
  drv_attrs "$after" | jq -e '.workloadScriptGiven == "pgo/run.sh"' >/dev/null ||
    fail "the workload script is named $(drv_attrs "$after" | jq .workloadScriptGiven)"
}

test_program_variants_have_the_programs_pname_and_version() {
  # As a mkDerivation package: `"${p.pname}-${p.version}"` in a user's release naming,
  # lib.getName. Attributes of the value only: the derivations keep their stage names.
  local attr
  for attr in baseline optimized bolted best; do
    [ "$(nix eval --impure --raw -f tests/fixtures/demo.nix "$attr" --apply 'p: "${p.pname} ${p.version}"')" = "pulldown-cmark 0.13.6" ] ||
      fail "the demo's $attr has no pname and version of its program"
  done
  [ "$(nix eval --impure --raw -f tests/fixtures/demo.nix optimized.name)" = pulldown-cmark-optimized-0.13.6 ] ||
    fail "optimized's derivation name changed"
  [ "$(nix eval --impure --raw --expr 'let p = (import ./tests/fixtures/go.nix { }).wordfreq.best; in "${p.pname} ${p.version}"')" = "wordfreq 0.1.0" ] ||
    fail "Go's best has no pname and version of its program"
}
