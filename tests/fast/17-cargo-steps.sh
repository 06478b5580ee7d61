# shellcheck shell=bash
# Steps of the cargo stages (nix/internal/cargo/cargo.sh) that need no build.

test_dependency_build_keeps_only_the_directives_of_build_scripts() {
  # A build script's captured output is its directives and its log; the log's order can
  # change from run to run (a parallel make), and cargo replays only the directives.
  local dir build
  dir=$(mktemp -d)
  build=$dir/x86_64-unknown-linux-gnu/release/build/jemalloc-sys-0123456789abcdef
  mkdir -p "$build"
  printf '%s\n' 'cargo:rustc-cfg=prefixed' 'make[1]: Entering directory' 'gcc -c src/arena.c' \
    'cargo:rustc-link-lib=static=jemalloc' 'gcc -c src/base.c' 'cargo:rerun-if-env-changed=CC' >"$build/output"
  echo 'warning: something the script printed' >"$build/stderr"
  (
    # shellcheck source=../../nix/internal/cargo/cargo.sh
    source nix/internal/cargo/cargo.sh
    keepBuildScriptDirectives "$dir"
  )
  diff <(printf '%s\n' 'cargo:rustc-cfg=prefixed' 'cargo:rustc-link-lib=static=jemalloc' 'cargo:rerun-if-env-changed=CC') \
    "$build/output" || fail "the build script's output is not its directives, in their order"
  [ ! -s "$build/stderr" ] || fail "the build script's stderr was kept"
}
