# shellcheck shell=bash
# The flake's CI outputs (hydraJobs, checks, apps, ...), the CI recipe (GitHub workflow,
# Hydra jobset) and the cache story of docs/ci.md: what a source edit, a
# workload edit or a toolchain bump rebuilds, read from derivation paths and from what
# `nix build --dry-run` would build.

# The stand-in nixpkgs (tests/fixtures/stub-nixpkgs) for evaluating the nixpkgs outputs.
stub_nixpkgs() {
  echo "--override-input nixpkgs path:$PWD/tests/fixtures/stub-nixpkgs"
}

# job_drvs [NIX-ARGS...]: the demo's host jobs (host.hydraJobs.pulldown-cmark) as JSON
# { <stage>: <drv path> }.
job_drvs() {
  nix eval --impure --json .#host.hydraJobs.pulldown-cmark --apply 'builtins.mapAttrs (_: d: d.drvPath)'
}

# changed BEFORE AFTER: the stages whose derivation differs, space-separated, sorted.
changed() {
  jq -rn --argjson a "$1" --argjson b "$2" '[$a | keys[] | select($a[.] != $b[.])] | join(" ")'
}

# flake_has ATTR: the flake has ATTR (as `nix build .#ATTR` resolves it: under
# packages.x86_64-linux, legacyPackages.x86_64-linux, or at the top), checked by name
# only, without evaluating nixpkgs.
flake_has() {
  local prefix full
  for prefix in packages.x86_64-linux. legacyPackages.x86_64-linux. ""; do
    full=$prefix$1
    if [[ $full == *.* ]]; then
      nix eval --json ".#${full%.*}" --apply "s: builtins.isAttrs s && builtins.hasAttr \"${full##*.}\" s" 2>/dev/null | has -x true && return 0
    else
      nix eval --json ".#$full" --apply '_: true' >/dev/null 2>&1 && return 0
    fi
  done
  return 1
}

test_flake_names_evaluate_without_nixpkgs() {
  local attr
  # Pure mode, the real (unfetchable) nixpkgs input: listing must not force it.
  for attr in packages.x86_64-linux checks.x86_64-linux apps.x86_64-linux legacyPackages.x86_64-linux \
    packages.aarch64-linux checks.aarch64-linux devShells.x86_64-linux formatter hydraJobs; do
    nix eval --json ".#$attr" --apply builtins.attrNames || fail "listing $attr forced nixpkgs or failed"
  done
  nix eval --json .#hydraJobs --apply 'builtins.mapAttrs (_: builtins.attrNames)' | jq -e '
    .["pulldown-cmark"] as $p
    | (["vendor", "baseline", "instrumented", "profile", "optimized", "bolt-input", "bolt-instrumented",
        "bolt-profile", "bolted", "evaluation", "profiles-guide", "bolt-profiles-guide"] - $p) == []
    and .["nix-pgo"] == ["devShell", "helper"]' >/dev/null || fail "hydraJobs lacks a stage"
  # Every program (examples/default.nix) has its evaluation and no-regression checks,
  # bolted where BOLT is on; none ships locked, so no profile-fresh check.
  nix eval --json .#checks.x86_64-linux --apply builtins.attrNames | jq -e --argjson programs \
    "$(nix eval --impure --json --expr 'builtins.attrNames (import ./examples)')" '
    . as $checks
    | ["all", "helper", "pulldown-cmark-bolted"] - $checks == []
    and all($programs[]; . as $p | ["\($p)-evaluation", "\($p)-no-regression"] - $checks == [])
    and all($checks[]; endswith("-profile-fresh") | not)' >/dev/null ||
    fail "unexpected checks (every program needs evaluation and no-regression; the demo ships unlocked: no profile-fresh check)"
  [ "$(nix eval --json .#apps.x86_64-linux --apply builtins.attrNames)" = '["nix-pgo","report","update-profile"]' ] || fail "unexpected apps"
}

test_flake_every_hydra_job_has_a_host_equivalent() {
  local names host
  names=$(nix eval --json .#hydraJobs --apply 'j: builtins.mapAttrs (_: builtins.attrNames) (removeAttrs j [ "nix-pgo" ])')
  host=$(nix eval --impure --json .#host.hydraJobs --apply 'builtins.mapAttrs (_: builtins.mapAttrs (_: d: d.drvPath))')
  jq -en --argjson n "$names" --argjson h "$host" \
    '[$n | to_entries[] | .key as $p | .value[] | $h[$p][.] | select(type == "string" and endswith(".drv"))] | length == ($n | [.[][]] | length)' \
    >/dev/null || fail "a Hydra job has no derivation on the host toolchain"
  [ "$(nix eval --impure --json .#host.checks --apply builtins.attrNames)" = "$(nix eval --json .#checks.x86_64-linux --apply builtins.attrNames)" ] ||
    fail "host.checks and checks.x86_64-linux have different names"
}

test_flake_nixpkgs_outputs_evaluate_in_pure_mode() {
  # Hydra and `nix flake check` evaluate in pure mode: no environment, no absolute paths,
  # no currentSystem. With the stand-in nixpkgs every output's derivation is evaluated.
  # shellcheck disable=SC2046
  nix flake check --no-build $(stub_nixpkgs) || fail "nix flake check --no-build failed"
  # shellcheck disable=SC2046
  nix eval --json $(stub_nixpkgs) .#hydraJobs \
    --apply 'builtins.mapAttrs (_: builtins.mapAttrs (_: builtins.mapAttrs (_: d: d.drvPath)))' |
    jq -e '[.[][][]] | length > 20 and all(endswith(".drv"))' >/dev/null || fail "a Hydra job has no derivation"
  # shellcheck disable=SC2046
  nix eval --raw $(stub_nixpkgs) .#apps.aarch64-linux.nix-pgo.program | has '/bin/nix-pgo$' || fail "apps.nix-pgo"
  # Only the host toolchain reads the environment.
  if grep -rnE 'getEnv|currentSystem|/usr/|/var/' flake.nix nix examples/*/default.nix | grep -v '^nix/toolchain/host.nix'; then
    fail "impure code outside nix/toolchain/host.nix"
  fi
}

test_flake_overlay_adds_the_helper_and_the_library() {
  # shellcheck disable=SC2046
  nix eval --json $(stub_nixpkgs) --impure --expr '
    let
      flake = builtins.getFlake (toString ./.);
      stub = import ./tests/fixtures/stub-nixpkgs/pkgs.nix { system = "x86_64-linux"; };
      pkgs = stub // flake.overlays.default pkgs stub;
    in { helper = pkgs.nix-pgo.name; lib = builtins.attrNames pkgs.nixPgoLib; }' |
    jq -e '.helper == "nix-pgo-helper-0.1.0" and (.lib | index("buildPgoPackage"))' >/dev/null || fail "overlay"
}

test_flake_workflow_parses_and_names_only_existing_attributes() {
  local wf=.github/workflows/ci.yml dir attr path
  /usr/bin/python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$wf" || fail "$wf is not valid YAML"
  # Every `.#attr` the workflow names exists (checked by name, without nixpkgs).
  while read -r attr; do
    echo "the workflow names $attr"
    flake_has "${attr#.#}" || fail "$wf names $attr, which the flake doesn't have"
  done < <(grep -oE '\.#[A-Za-z0-9_.-]*[A-Za-z0-9_-]' "$wf" | sort -u)
  # The step that lists the jobs, run here: one existing installable per Hydra job.
  dir=$(mktemp -d)
  /usr/bin/python3 -c '
import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["build"]["steps"]
print(next(s["run"] for s in steps if s.get("id") == "jobs"))' "$wf" >"$dir/list-jobs.sh"
  # The step writes jobs.txt in the checkout, as in the workflow; it is kept with the
  # step's script, out of the repository.
  bash -euo pipefail "$dir/list-jobs.sh" >/dev/null
  mv jobs.txt "$dir/jobs.txt"
  [ "$(wc -l <"$dir/jobs.txt")" = "$(nix eval --json .#hydraJobs --apply 'j: builtins.mapAttrs (_: builtins.attrNames) j' | jq '[.[][]] | length')" ] ||
    fail "the workflow does not build every Hydra job"
  # shellcheck disable=SC2046
  while read -r attr; do
    path=${attr#.#}
    nix eval --raw $(stub_nixpkgs) ".#$path.drvPath" >/dev/null || fail "the workflow builds $attr, which does not evaluate"
  done <"$dir/jobs.txt"
  { grep -q 'cachix/cachix-action' "$wf" && grep -q 'cachix/install-nix-action' "$wf"; } || fail "no Nix installer or Cachix action"
}

test_flake_hydra_jobset_declaration() {
  local out
  jq -e '.nixexprpath == ".hydra/jobsets.nix" and .inputs.src.type == "git"' .hydra/spec.json >/dev/null || fail "spec.json"
  out=$(nix build --no-link --json -f .hydra/jobsets.nix jobsets | jq -r '.[0].outputs.out')
  jq -e '.main.type == 1 and (.main.flake | startswith("git+"))' "$out" || fail "the jobset is not a flake jobset"
}

test_flake_host_checks_all_builds_and_a_second_run_builds_nothing() {
  local jobs pending
  out_path .#host.checks.all >/dev/null
  cat "$(out_path .#host.checks.all)"
  # CI builds every job; the next run, nothing having changed, builds none of them.
  mapfile -t jobs < <(nix eval --impure --json .#host.hydraJobs.pulldown-cmark --apply builtins.attrNames | jq -r '".#host.hydraJobs.pulldown-cmark." + .[]')
  out_path "${jobs[@]}" >/dev/null
  pending=$(would_build .#host.checks.all "${jobs[@]}")
  [ -z "$pending" ] || fail "a second run would build: $pending"
}

test_flake_cache_source_edit_rebuilds_every_stage_but_the_vendored_crates() {
  local drvs before after pending
  drvs=$(nix eval --impure --json -f tests/fixtures cacheStory --apply 'builtins.mapAttrs (_: builtins.mapAttrs (_: d: d.drvPath))')
  before=$(jq '.unchanged' <<<"$drvs")
  after=$(jq '.sourceEdit' <<<"$drvs")
  [ "$(changed "$before" "$after")" = "$(jq -r '[keys[] | select(. != "vendor")] | join(" ")' <<<"$before")" ] ||
    fail "a source edit should change every stage but vendor: changed $(changed "$before" "$after")"
  # What Nix would build: neither the vendored dependencies nor a crate download.
  out_path .#host.optimized >/dev/null
  pending=$(would_build -f tests/fixtures cacheStory.sourceEdit.optimized cacheStory.sourceEdit.baseline)
  echo "$pending"
  echo "$pending" | grep -E -- '-vendor\.drv$|\.crate\.drv$' && fail "a source edit would rebuild the vendored crates"
  echo "$pending" | has -- '-optimized-' || fail "a source edit would not rebuild optimized"
}

test_flake_cache_workload_edit_rebuilds_its_profile_and_what_follows() {
  local copy before after
  copy=$(scratch_copy)
  before=$(cd "$copy" && job_drvs)
  # A training workload: its profile, the merge, everything built from the profile (the
  # optimized build, the whole BOLT chain, whose instrumented binary is new) and the
  # evaluation with what reads it (the repair stages). Not vendor, baseline, instrumented
  # or the other workloads' profiles.
  echo 'true # an edit' >>"$copy/examples/pulldown-cmark/train/guide.sh"
  after=$(cd "$copy" && job_drvs)
  [ "$(changed "$before" "$after")" = "best bolt-input bolt-instrumented bolt-profile bolt-profiles-commands bolt-profiles-guide bolt-profiles-reference bolted evaluation evaluation-cargo-changelog evaluation-crate-changelogs no-regression optimized profile profiles-guide release repair-evaluation repair-evaluation-cargo-changelog repair-evaluation-crate-changelogs repair-plans-bolted repair-plans-optimized repaired-bolted-gentle repaired-optimized-no-pgso repaired-optimized-unprofiled" ] ||
    fail "a training workload edit changed: $(changed "$before" "$after")"
  # An evaluation workload: that workload's run, the evaluation summary and what reads it
  # (the regression check, best), and the release, whose provenance names every workload;
  # and the repair stages: each remedy is decided from the whole evaluation (its plan), so
  # the remedies run again on every workload (the variants' runs are the evaluation's).
  cp examples/pulldown-cmark/train/guide.sh "$copy/examples/pulldown-cmark/train/guide.sh"
  echo 'true # an edit' >>"$copy/examples/pulldown-cmark/eval/cargo-changelog.sh"
  after=$(cd "$copy" && job_drvs)
  [ "$(changed "$before" "$after")" = "best evaluation evaluation-cargo-changelog no-regression release repair-evaluation repair-evaluation-cargo-changelog repair-evaluation-crate-changelogs repair-plans-bolted repair-plans-optimized repaired-bolted-gentle repaired-optimized-no-pgso repaired-optimized-unprofiled" ] ||
    fail "an evaluation workload edit changed: $(changed "$before" "$after")"
  rm -rf "$copy"
}

test_flake_cache_toolchain_bump_rebuilds_everything_but_downloads() {
  local drvs before after crates_before crates_after pending
  drvs=$(nix eval --impure --json -f tests/fixtures cacheStory --apply 'builtins.mapAttrs (_: builtins.mapAttrs (_: d: d.drvPath))')
  before=$(jq '.unchanged' <<<"$drvs")
  after=$(jq '.toolchainBump' <<<"$drvs")
  [ "$(changed "$before" "$after")" = "$(jq -r 'keys | join(" ")' <<<"$before")" ] ||
    fail "a toolchain bump should change every stage: changed $(changed "$before" "$after")"
  # The crate downloads (fixed-output) are the same derivations, so they are not fetched again.
  crates_before=$(input_drvs "$(jq -r .vendor <<<"$before")" | sort)
  crates_after=$(input_drvs "$(jq -r .vendor <<<"$after")" | sort)
  { [ -n "$crates_before" ] && [ "$crates_before" = "$crates_after" ]; } || fail "the crate downloads changed with the toolchain"
  # ... and fixed-output: their output paths are their hashes, whatever built them. (Whether
  # Nix would fetch them now depends on what the store holds, so that is not asserted.)
  local crate
  for crate in $crates_before; do
    show_drv "$crate" | jq -e '.[].outputs.out.hash != null' >/dev/null || fail "$crate is not a fixed-output derivation"
  done
  out_path .#host.optimized >/dev/null
  pending=$(would_build -f tests/fixtures cacheStory.toolchainBump.optimized)
  echo "$pending"
  echo "$pending" | has -- '-vendor\.drv$' || fail "a toolchain bump would not rebuild the vendor directory"
  echo "$pending" | has -- '-optimized-' || fail "a toolchain bump would not rebuild optimized"
}

test_flake_cache_locked_profiles_stop_a_workload_edit_before_optimized_and_bolted() {
  local before after pending
  cd "$(locked_copy)" || exit
  outs() { nix eval --impure --json .#host.hydraJobs.pulldown-cmark --apply 'builtins.mapAttrs (_: d: d.outPath)'; }
  out_path .#host.optimized .#host.bolted >/dev/null
  before=$(outs)
  echo 'true # an edit' >>examples/pulldown-cmark/train/guide.sh
  after=$(outs)
  # The locked profile and BOLT profile are fixed-output: optimized, bolted, the
  # evaluation and everything it decides keep their output paths. The edited workload
  # reruns for the unlocked profile that profile-fresh compares, and for the BOLT training
  # on that profile's binary (bolt-instrumented, every BOLT workload profile), which
  # update-profile would lock; and the release changes, whose provenance names every
  # workload.
  [ "$(changed "$before" "$after")" = "bolt-instrumented bolt-profiles-commands bolt-profiles-guide bolt-profiles-reference profiles-guide release" ] ||
    fail "with a lock, a training workload edit changed: $(changed "$before" "$after")"
  pending=$(would_build .#host.optimized .#host.bolted)
  [ -z "$pending" ] || fail "with a lock, optimized or bolted would be rebuilt: $pending"
  # The locked demo's packages are each a derivation: update-choice, which needs
  # lockChoice (the demo has none), is not listed as a null package (Nix review).
  nix eval --json .#packages.x86_64-linux --apply builtins.attrNames | jq -e 'index("update-choice") == null' >/dev/null ||
    fail "the locked demo lists update-choice, null without lockChoice"
}
