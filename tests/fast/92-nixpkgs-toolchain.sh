# shellcheck shell=bash
# The nixpkgs provider (nix/toolchain/nixpkgs.nix) on the stand-in nixpkgs
# (tests/fixtures/stub-nixpkgs), evaluated: its identity, its PATH, its refusals. The
# build end to end is tests/cases/92-nixpkgs-toolchain.sh.

# np_eval EXPR-ON-toolchain [STUB-ARGS]: evaluate EXPR with `toolchain` = the provider on
# the stub built with STUB-ARGS (a Nix attrset, default { system = "x86_64-linux"; }).
np_eval() {
  local args=${2:-'{ system = "x86_64-linux"; }'}
  nix eval --impure --raw --expr "
    let
      stub = import ./tests/fixtures/stub-nixpkgs/pkgs.nix $args;
      toolchain = import ./nix/toolchain/nixpkgs.nix { pkgs = stub; };
    in $1"
}

test_nixpkgs_toolchain_id_names_the_system_and_hashes_the_tools() {
  local x86 arm other
  x86=$(np_eval toolchain.id)
  arm=$(np_eval toolchain.id '{ system = "aarch64-linux"; }')
  echo "$x86 $arm"
  [[ $x86 =~ ^nixpkgs-rust-1\.95\.0-llvm22-x86_64-linux-[0-9a-f]{16}$ ]] || fail "unexpected id $x86"
  [[ $arm == nixpkgs-rust-1.95.0-llvm22-aarch64-linux-* ]] || fail "unexpected id $arm"
  # Same rustc version, another store path (a nixpkgs bump that rebuilds rustc): new id.
  other=$(np_eval toolchain.id '{ system = "x86_64-linux"; rustcOverrides = { outPath = "/nix/store/00000000000000000000000000000000-rustc-wrapper-1.95.0"; }; }')
  [ "$other" != "$x86" ] || fail "the id ignores rustc's store path"
  [[ $other == nixpkgs-rust-1.95.0-llvm22-x86_64-linux-* ]] || fail "unexpected id $other"
  # A string without context: it is an environment value and a lock file key.
  [ "$(np_eval 'if builtins.hasContext toolchain.id then "context" else "none"')" = none ] || fail "the id carries string context"
}

test_nixpkgs_toolchain_path_has_what_build_scripts_use() {
  local path
  path=$(np_eval toolchain.path)
  for pkg in bash gnumake perl pkg-config-wrapper gcc-wrapper binutils-wrapper coreutils; do
    echo "$path" | tr : '\n' | grep -qE -- "-$pkg-[0-9.]+/bin$" || fail "PATH lacks $pkg: $path"
  done
}

# refused EXPR [STUB-ARGS]: np_eval must fail; prints its message.
refused() {
  local out
  if out=$(np_eval "$@" 2>&1); then
    fail "expected a refusal evaluating $1 with ${2:-the default stub}"
  fi
  echo "$out"
}

# expect_lines TEXT PATTERN...: every PATTERN (grep -E) matches a line of TEXT.
expect_lines() {
  local text=$1 pattern
  shift
  for pattern in "$@"; do
    grep -qE -- "$pattern" <<<"$text" || { echo "$text" >&2; fail "the message lacks '$pattern'"; }
  done
}

test_nixpkgs_toolchain_refusals_name_the_fix() {
  local msg old nopro
  # A rustc that doesn't say which LLVM it links (rust-overlay, fenix).
  msg=$(nix eval --impure --raw --expr '
      let
        stub = import ./tests/fixtures/stub-nixpkgs/pkgs.nix { system = "x86_64-linux"; };
        pkgs = stub // { rustc = removeAttrs stub.rustc [ "llvm" ]; };
      in (import ./nix/toolchain/nixpkgs.nix { inherit pkgs; }).id' 2>&1) && fail "a rustc without .llvm was accepted"
  # shellcheck disable=SC2016 # backquotes are the message's own
  expect_lines "$msg" 'nix-pgo nixpkgs toolchain: pkgs.rustc .* has no `llvm`/`llvmPackages`' "don't overlay .rustc. \(rust-overlay, fenix\)" 'nix-pgo.lib.mkLib'
  # LLVM < 19: no BOLT, but everything else still works (bolt = false).
  old='{ system = "x86_64-linux"; rustcOverrides = { llvm = { version = "18.1.8"; outPath = "/nix/store/00000000000000000000000000000000-llvm-18.1.8"; type = "derivation"; }; llvmPackages = { llvm.version = "18.1.8"; }; }; }'
  np_eval toolchain.llvmProfdata "$old" >/dev/null || fail "LLVM 18: llvm-profdata should be available"
  msg=$(refused toolchain.llvmBolt "$old")
  expect_lines "$msg" 'links LLVM 18\.1\.8.*only for LLVM >= 19' 'bolt = false' 'a newer nixpkgs'
  # A useLLVM rustc (pkgsLLVM): configureFlags without --enable-profiler.
  nopro='{ system = "x86_64-linux"; rustcOverrides = { unwrapped = { configureFlags = [ "--release-channel=stable" "--llvm-libunwind=system" ]; }; }; }'
  msg=$(refused toolchain.rustc "$nopro")
  expect_lines "$msg" 'built without the profiler runtime' 'useLLVM' 'not pkgsLLVM' '"--enable-profiler"'
  # The other way rust enables it, target.<triple>.profiler = <path>, is accepted.
  np_eval toolchain.rustc '{ system = "x86_64-linux"; rustcOverrides = { unwrapped = { configureFlags = [ "--set=target.\"x86_64-unknown-linux-gnu\".profiler=/nix/store/x/lib/libclang_rt.profile.a" ]; }; }; }' >/dev/null ||
    fail "a profiler= setting should be accepted"
}
