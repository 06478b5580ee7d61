# shellcheck shell=bash
# Helpers for the tests (tests/fast/*.sh, tests/cases/*.sh). Every test runs from the
# repository root.

# fail MESSAGE: fail the current test.
fail() {
  echo "assertion failed: $*" >&2
  exit 1
}

# has GREP-ARGS...: whether stdin has a matching line. Unlike `grep -q`, it reads all of
# its input: under pipefail, `producer | grep -q` fails when grep exits first and the
# producer dies of SIGPIPE, so the result would depend on timing.
has() {
  grep "$@" >/dev/null
}

# out_path INSTALLABLE...: build (host toolchain) and print the output path.
out_path() {
  nix build --impure --no-link --json "$@" | jq -r '.[0].outputs.out'
}

# drv_path ATTR: the .drv of a flake attribute, e.g. host.optimized.
drv_path() {
  nix eval --impure --raw ".#$1.drvPath"
}

# show_drv DRV: the derivation as JSON, on Nix 2.8 (`nix show-derivation`) and later
# (`nix derivation show`).
show_drv() {
  nix derivation show "$1" 2>/dev/null || nix show-derivation "$1"
}

# drv_attrs DRV: the derivation's attributes as JSON. nix-pgo's stages use structured
# attributes, which `show-derivation` gives as one JSON string (env.__json).
drv_attrs() {
  show_drv "$1" | jq '.[].env | if has("__json") then .__json | fromjson else . end'
}

# input_drvs DRV: the derivations DRV takes as direct inputs, one per line.
input_drvs() {
  show_drv "$1" | jq -r '.[].inputDrvs | keys[]'
}

# would_build INSTALLABLE...: the derivations `nix build` would build, one per line.
would_build() {
  nix build --impure --dry-run "$@" 2>&1 | awk '/will be built:/ { on = 1; next } /will be fetched/ { on = 0 } on && /\.drv$/ { print $1 }'
}

# expect_failure PATTERN CMD...: CMD must fail and its output must match PATTERN (grep -E).
expect_failure() {
  local pattern=$1 output
  shift
  if output=$("$@" 2>&1); then
    fail "expected '$*' to fail, it succeeded"
  fi
  echo "$output" | grep -E -- "$pattern" || {
    echo "$output" | tail -n 30 >&2
    fail "output of '$*' does not match '$pattern'"
  }
}

# fixture ATTR: evaluate/build an attribute of tests/fixtures (host toolchain).
fixture_build() {
  nix build --impure --no-link --json --print-build-logs -f tests/fixtures "$@"
}
fixture_eval() {
  nix eval --impure --raw -f tests/fixtures "$@"
}

# scratch_copy: a git checkout of the working tree (tracked files, with uncommitted
# changes) in a temporary directory, for tests that edit the flake. Prints its path.
scratch_copy() {
  local dir
  dir=$(mktemp -d)
  git ls-files -z | xargs -0 cp --parents -t "$dir"
  git -C "$dir" init -q
  git -C "$dir" add -A
  echo "$dir"
}

# locked_copy: scratch_copy with the demo's profile locked by `update-profile` (and the
# lock git-added, so the flake sees it). Prints its path.
locked_copy() {
  local dir
  dir=$(scratch_copy)
  (cd "$dir" && nix run --impure .#host.update-profile >&2 && git add -A)
  echo "$dir"
}

# The demo's lock file, for the tests in tests/cases/*.sh (sourced after this file).
# shellcheck disable=SC2034
DEMO_LOCK=examples/pulldown-cmark/pgo.lock.json

# compare_variant EVALUATION VARIANT [fewer]: on every workload of an evaluation output
# (its evaluation.json, at least two workloads), VARIANT printed what baseline printed; with
# "fewer", it also executed fewer instructions.
compare_variant() {
  local evaluation=$1 variant=$2 mode=${3:-}
  jq -e '.workloads | length >= 2' "$evaluation/evaluation.json" >/dev/null ||
    fail "expected at least two evaluation workloads"
  jq -r --arg v "$variant" '.workloads[] | "\(.workload) \(.variants.baseline.instructions) \(.variants[$v].instructions) \(.variants.baseline.stdout_sha256 == .variants[$v].stdout_sha256)"' \
    "$evaluation/evaluation.json" |
    while read -r workload base count same; do
      [ "$count" != null ] || fail "$workload: the evaluation has no $variant variant"
      echo "$workload: baseline $base, $variant $count instructions ($((100 * count / base))%)"
      [ "$same" = true ] || fail "$workload: $variant's output differs from baseline's"
      [ "$mode" != fewer ] || ((count < base)) ||
        fail "$workload: $variant ($count) does not execute fewer instructions than baseline ($base)"
    done
}

# host_sandbox_paths SYSROOT: the sandbox of the nixpkgs provider's end-to-end tests
# (tests/cases/92-nixpkgs-toolchain.sh, 96-go.sh): the host's /usr/bin (and /bin, its symlink) only
# under /host; libraries, gcc's internals (/usr/lib/gcc, found relative to gcc's own path,
# hence also under /host, with its headers) and rustup's toolchain visible; /etc/alternatives for cc;
# /bin/sh, which every Nix sandbox has (a test script of the helper is #!/bin/sh).
host_sandbox_paths() {
  local sysroot=$1
  echo "/host/usr/bin=/usr/bin /host/usr/lib=/usr/lib /host/usr/libexec=/usr/libexec /host/usr/include=/usr/include /usr/include /usr/lib /usr/lib64 /usr/libexec /lib /lib64 /etc/alternatives /bin/sh=$(readlink -f /bin/sh) $sysroot"
}
