# The nixpkgs toolchain: nixpkgs' rustc and cargo, plus llvm-profdata and BOLT from the
# LLVM that rustc links against. It returns the same attribute set as host.nix.
# It can't be built on our machine, which has no nixpkgs and no binary cache. It was
# checked by reading NixOS/nixpkgs (nixos-unstable, 2025/2026):
# - rustc/cargo: pkgs/development/compilers/rust/default.nix. There rustc is
#   wrapRustcWith { rustc-unwrapped; }, and rustc-unwrapped gets llvmShared and
#   llvmPackages. In rust/1_9x.nix, llvmShared is pkgsHostTarget.llvmPackages.libllvm,
#   built with shared libraries.
# - rustc.llvm, rustc.llvmPackages: pkgs/build-support/rust/rustc-wrapper/default.nix
#   passes llvm, llvmPackages and unwrapped through from rustc-unwrapped.
#   pkgs/development/compilers/rust/rustc.nix has passthru.llvm = llvmShared, the libLLVM
#   rustc links. It also passes --enable-profiler on Linux, which gives
#   -Cprofile-generate its runtime.
# - llvmProfdata: pkgs/development/compilers/llvm/common/llvm/default.nix. Its outputs are
#   out, lib, dev and python, and the tools stay in out (only llvm-config moves to dev).
#   getBin therefore gives out.
# - llvmBolt, mergeFdata: llvm/common/default.nix only defines `bolt` for LLVM >= 19.
#   llvm/common/bolt/default.nix has outputs out and dev, and bin/llvm-bolt and
#   bin/merge-fdata are in out. Its meta is llvm_meta (llvm/common/common-let.nix), so
#   meta.platforms is every platform LLVM supports (x86, aarch64, arm, power, riscv, ...).
#   Nixpkgs does not limit it to x86_64-linux/aarch64-linux, but upstream BOLT only
#   rewrites ELF x86-64/AArch64 (and newer RISC-V), so only those Linux systems are useful.
# - targetTriple: lib/systems/default.nix (hostPlatform.rust.rustcTarget).
#   getExe': lib/meta.nix ("${getBin x}/bin/${y}").
{ pkgs }:
let
  inherit (pkgs) lib stdenv rustc;
  llvm = rustc.llvm;
  llvmMajor = lib.versions.major llvm.version;
  bolt = rustc.llvmPackages.bolt or (throw "nix-pgo nixpkgs toolchain: llvmPackages ${llvmMajor} has no bolt (needs LLVM >= 19)");
in
assert lib.assertMsg (lib.versions.major rustc.llvmPackages.llvm.version == llvmMajor)
  "nix-pgo nixpkgs toolchain: rustc links LLVM ${llvm.version} but its llvmPackages is ${rustc.llvmPackages.llvm.version}";
{
  name = "nixpkgs";
  inherit (stdenv.hostPlatform) system;
  targetTriple = stdenv.hostPlatform.rust.rustcTarget;
  inherit llvmMajor;
  id = "nixpkgs-rustc-${rustc.version}-llvm${llvmMajor}";

  rustc = lib.getExe' rustc "rustc";
  cargo = lib.getExe' pkgs.cargo "cargo";
  cc = "${stdenv.cc}/bin/cc";
  llvmProfdata = lib.getExe' llvm "llvm-profdata";
  llvmBolt = lib.getExe' bolt "llvm-bolt";
  mergeFdata = lib.getExe' bolt "merge-fdata";
  valgrind = lib.getExe' pkgs.valgrind "valgrind";
  callgrindAnnotate = lib.getExe' pkgs.valgrind "callgrind_annotate";
  bash = lib.getExe' pkgs.bash "bash";
  # The CA bundle workloads with `caCertificates = true` get (SSL_CERT_FILE).
  caBundle = "${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt";
  # stdenv.cc provides `cc`, which is cargo's default linker. Its bintools provide `ar`,
  # which the cc crate uses in -sys build scripts.
  path = lib.makeBinPath (
    (with pkgs; [ coreutils gnutar gzip gnused gnugrep findutils diffutils gawk ])
    ++ [ stdenv.cc stdenv.cc.bintools ]
  );
  pkgConfigPath = [ ];
}
