# shellcheck shell=bash
# The nixpkgs provider (nix/toolchain/nixpkgs.nix) on the stand-in nixpkgs's host variant
# (real derivations over the host's tools): the demo's optimized build end to end in a
# sandbox that hides the host's /usr/bin, so a tool the provider doesn't name is not found.
# Its evaluations (identity, PATH, refusals) are in tests/fast/92-nixpkgs-toolchain.sh.

# The sandbox: host_sandbox_paths (tests/lib.sh).

test_nixpkgs_toolchain_builds_the_demo_with_host_tools_behind_the_provider() {
  local sysroot out
  sysroot=$(readlink -f "$(rustc --print sysroot)")
  out=$(nix build --no-link --json --print-build-logs --impure -f tests/fixtures/stub-nixpkgs-host \
    --arg sysroot "\"$sysroot\"" --option sandbox-paths "$(host_sandbox_paths "$sysroot")" demo.optimized |
    jq -r '.[0].outputs.out')
  ls -l "$out/bin"
  "$out/bin/pulldown-cmark" <<<'# hi' | has -F '<h1>hi</h1>' || fail "the optimized binary doesn't render markdown"
  # Built by the provider's toolchain: the stages name the stub's store paths.
  drv_attrs "$(nix eval --impure --raw -f tests/fixtures/stub-nixpkgs-host --arg sysroot "\"$sysroot\"" demo.optimized.drvPath)" |
    jq -e '.nixPgoToolchain | startswith("nixpkgs-rust-1.95.0-llvm22-x86_64-linux-")' >/dev/null || fail "not the nixpkgs toolchain"
}
