# shellcheck shell=bash
# What Nix rebuilds, read from what it would build (--dry-run), never from timings.

test_second_build_builds_nothing() {
  out_path .#host.optimized .#host.baseline >/dev/null
  local pending
  pending=$(would_build .#host.optimized .#host.baseline)
  [ -z "$pending" ] || fail "a second build would build: $pending"
}

test_changing_one_workload_rebuilds_that_profile_the_merge_and_optimized_with_its_deps() {
  out_path .#host.optimized .#host.baseline >/dev/null
  local copy stage before after expected pending
  copy=$(scratch_copy)
  echo 'true # an edit' >>"$copy/examples/pulldown-cmark/train/guide.sh"

  for stage in baseline instrumented profiles.commands profiles.reference; do
    before=$(drv_path "host.$stage")
    after=$(cd "$copy" && drv_path "host.$stage")
    [ "$before" = "$after" ] || fail "$stage changed although only the guide workload did"
  done
  # optimized's dependency build too: it is compiled with the profile (-Cprofile-use).
  expected=$(cd "$copy" && for stage in profiles.guide profile optimized optimized.deps; do drv_path "host.$stage"; echo; done | sort)
  pending=$(cd "$copy" && would_build .#host.optimized | sort)
  echo "would build:"
  echo "$pending"
  [ "$pending" = "$expected" ] || fail "expected to rebuild exactly the guide profile, the merge, optimized and its dependency build"
  rm -rf "$copy"
}

test_stages_rebuild_bit_identically() {
  # Workloads run with fixed HashMap seeds (deterministicRandom), so their profiles, the
  # merge, the optimized build and the instruction counts are the same on every run.
  local stage
  out_path .#host.evaluation >/dev/null
  for stage in baseline baseline.deps profile optimized optimized.deps $(nix eval --impure --json .#host.profiles --apply builtins.attrNames | jq -r '"profiles." + .[]') \
    $(nix eval --impure --json .#host.evaluation.workloads --apply 'ws: builtins.concatMap (w: map (v: "${w}.runs.${v}") (builtins.attrNames ws.${w}.runs)) (builtins.attrNames ws)' | jq -r '"evaluation.workloads." + .[]'); do
    echo "rebuilding $stage"
    nix build --impure --rebuild --no-link ".#host.$stage" || fail "$stage is not reproducible"
  done
}
