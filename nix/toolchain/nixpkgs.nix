# The nixpkgs toolchain: nixpkgs' rustc and cargo, plus llvm-profdata and BOLT from the
# LLVM that rustc links against. It returns the same attribute set as host.nix.
# It can't be built on our machine, which has no nixpkgs and no binary cache. It was
# checked by reading NixOS/nixpkgs (nixpkgs-unstable, 2025/2026):
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
  inherit (pkgs) lib stdenv;
  inherit (builtins)
    any
    concatStringsSep
    hashString
    substring
    unsafeDiscardStringContext
    ;
  fail = msg: throw "nix-pgo nixpkgs toolchain: ${msg}";
  inherit (stdenv.hostPlatform) system;
  targetTriple = stdenv.hostPlatform.rust.rustcTarget;

  # Refusal 1: a rustc that doesn't say which LLVM it links. rust-overlay's and fenix's
  # rustc (upstream binaries) have no `.llvm`; their profiles would need an llvm-profdata
  # of the same LLVM, which nothing here can pick.
  rustc =
    if pkgs.rustc ? llvm && pkgs.rustc ? llvmPackages then
      pkgs.rustc
    else
      fail ''
        pkgs.rustc (${pkgs.rustc.name or "?"}) has no `llvm`/`llvmPackages` attributes, so the LLVM it links is unknown and no matching llvm-profdata can be chosen. Either
          - use nixpkgs' own rustc (pkgs/development/compilers/rust): don't overlay `rustc` (rust-overlay, fenix), or
          - describe the toolchain yourself: `nix-pgo.lib.mkLib { name = "…"; id = "…"; rustc = …; llvmProfdata = "<llvm-profdata of the same LLVM major>"; … }` (the attributes of nix/toolchain/host.nix).'';
  llvm = rustc.llvm;
  llvmMajor = lib.versions.major llvm.version;

  # Refusal 2: BOLT. nixpkgs' llvm/common/default.nix defines `bolt` for LLVM >= 19 only.
  # Lazy: only the BOLT stages read llvmBolt/mergeFdata, so `bolt = false` still builds.
  hasBolt = rustc.llvmPackages ? bolt && lib.versionAtLeast llvm.version "19";
  boltTool =
    name:
    if hasBolt then
      lib.getExe' rustc.llvmPackages.bolt name
    else
      fail ''
        rustc ${rustc.version} links LLVM ${llvm.version}, and nixpkgs packages BOLT (llvmPackages.bolt) only for LLVM >= 19, so ${name} is not available. Either
          - turn BOLT off for this package: `buildPgoPackage { …; bolt = false; }`, or
          - use a newer nixpkgs (any 2026 nixpkgs-unstable: its rustc links LLVM >= 19).'';

  # Refusal 3: the profiler runtime. pkgs/development/compilers/rust/rustc.nix (read at
  # nixpkgs 4405241888d3) adds it in configureFlags only for Linux targets without useLLVM:
  #   ++ optionals (stdenv.targetPlatform.isLinux && !(stdenv.targetPlatform.useLLVM or false)) [
  #     "--enable-profiler" # build libprofiler_builtins
  #   ]
  # so a pkgsLLVM (useLLVM) rustc can't link -Cprofile-generate binaries. rustc-wrapper
  # passes `unwrapped` through; its configureFlags are readable at evaluation. The other
  # way to enable it is rust's `target.<triple>.profiler = <path to libclang_rt.profile>`
  # (`--set=target.….profiler=…`), accepted too. A rustc without configureFlags (a binary
  # build) is not refused: upstream's binaries ship the profiler.
  configureFlags = rustc.unwrapped.configureFlags or null;
  hasProfiler =
    configureFlags == null
    || any (f: f == "--enable-profiler" || lib.hasInfix ".profiler=" f) configureFlags;
  checkProfiler =
    x:
    if hasProfiler then
      x
    else
      fail ''
        rustc ${rustc.version} was built without the profiler runtime (its configureFlags have no --enable-profiler: nixpkgs' rustc.nix leaves it out when the target sets useLLVM, as pkgsLLVM does), so -Cprofile-generate binaries can't be linked. Either
          - take the toolchain from a package set without useLLVM (`nix-pgo.lib.forPkgs pkgs`, not pkgsLLVM), or
          - override rustc with the profiler: `rustc.unwrapped.overrideAttrs (o: { configureFlags = o.configureFlags ++ [ "--enable-profiler" ]; })`, or `--set=target.${targetTriple}.profiler=<compiler-rt's libclang_rt.profile.a>`.'';

  # The identity: the system and a hash of the store paths of every tool whose output
  # ends up in a stage (rustc, cargo, LLVM, BOLT, the C compiler), as host.nix hashes
  # its packages. A nixpkgs bump that rebuilds any of them gives a new id, so a lock
  # entry written with another nixpkgs or on another system is never applied. The
  # context is discarded: the id is an environment string and a lock file key, and the
  # tools are inputs of the stages anyway.
  identityPaths = [
    rustc
    pkgs.cargo
    llvm
    stdenv.cc
  ] ++ lib.optional hasBolt rustc.llvmPackages.bolt;
  identity = concatStringsSep "\n" ([ targetTriple ] ++ map (p: unsafeDiscardStringContext (toString p)) identityPaths);
in
assert lib.assertMsg (lib.versions.major rustc.llvmPackages.llvm.version == llvmMajor)
  "nix-pgo nixpkgs toolchain: rustc links LLVM ${llvm.version} but its llvmPackages is ${rustc.llvmPackages.llvm.version}; use the llvmPackages rustc was built with (rustc.llvmPackages).";
{
  name = "nixpkgs";
  inherit system targetTriple llvmMajor;
  # `nix-pgo import` refuses a Go lock for an id with this prefix (helper/src/commands/import.rs).
  id = "nixpkgs-rust-${rustc.version}-llvm${llvmMajor}-${system}-${substring 0 16 (hashString "sha256" identity)}";

  rustc = checkProfiler (lib.getExe' rustc "rustc");
  cargo = lib.getExe' pkgs.cargo "cargo";
  cc = "${stdenv.cc}/bin/cc";
  llvmProfdata = lib.getExe' llvm "llvm-profdata";
  llvmBolt = boltTool "llvm-bolt";
  mergeFdata = boltTool "merge-fdata";
  valgrind = lib.getExe' pkgs.valgrind "valgrind";
  bash = lib.getExe' pkgs.bash "bash";
  # The CA bundle workloads with `caCertificates = true` get (SSL_CERT_FILE).
  caBundle = "${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt";
  # What stage scripts and build scripts (-sys crates) use; the host toolchain has the
  # same from Debian. stdenv.cc provides `cc`, cargo's default linker; its bintools
  # provide `ar` and `ld` for the cc crate. `make`, `perl` and `sh` are what
  # openssl-src-like build scripts run; nixpkgs' `pkg-config` is the wrapper, which
  # outside stdenv (no role variables set) runs pkg-config with PKG_CONFIG_PATH as given
  # (pkgs/build-support/pkg-config-wrapper/pkg-config-wrapper.sh), which is what
  # buildPgoPackage's pkgConfigPath sets.
  path = lib.makeBinPath (
    (with pkgs; [
      coreutils
      gnutar
      gzip
      gnused
      gnugrep
      findutils
      diffutils
      gawk
      bash
      gnumake
      perl
      pkg-config
    ])
    ++ [
      stdenv.cc
      stdenv.cc.bintools
    ]
  );
  pkgConfigPath = [ ];
  # Go (buildGoPgoPackage): pkgs.go, >= 1.21; read only by Go stages.
  go = import ./nixpkgsGo.nix { inherit pkgs; };
}
