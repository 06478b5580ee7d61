# buildBoltInput :: set -> drv
# Arguments and result: docs/API.md, `buildBoltInput`.
#
# The binary BOLT rewrites: `optimized` (same profile, same rustc flags, so the same code)
# linked with `--emit-relocs`. With the relocations kept, llvm-bolt runs in relocation
# mode and may move functions (-reorder-functions, -split-functions); without them it can
# only reorder blocks inside each function, in place.
#
# A stage of its own rather than `optimized` with relocations: `optimized` stays the
# artefact one ships without BOLT (no relocation sections, and its hash and cache do not
# change when BOLT is turned on or off). The cost is one more build of the project's own
# crates: the dependencies are optimized's.
# Takes buildOptimized's arguments (buildOptimized.nix).
{ buildOptimized }:
args:
buildOptimized (
  args
    // {
    stage = "bolt-input";
    # BOLT needs the symbol table: a package profile with `strip = true` (symbols) makes
    # llvm-bolt fail or skip functions (cargo-pgo#26). Debug info may go: llvm-bolt
    # would leave it describing the old layout (it is only rewritten with
    # -update-debug-sections), and `optimized` has none either by cargo's default.
    # A rustc flag, after cargo's own `-C strip` (the last one wins), not the Cargo
    # profile's `strip`: Cargo hashes its profile settings into every symbol name, so
    # CARGO_PROFILE_RELEASE_STRIP made all of a stripped package's functions miss their
    # profile records (the README's my-tool: 0 % of the counts matched). buildBolted strips
    # its result when the package strips (buildBoltInput.sh).
    # Both flags only change the link: given to the binaries alone (linkRustflags), they
    # leave RUSTFLAGS optimized's, and so its dependency build, which bolt-input shares.
    linkRustflags = (args.linkRustflags or [ ]) ++ [
      "-Clink-arg=-Wl,--emit-relocs"
      "-Cstrip=debuginfo"
    ];
    depsStage = "optimized";
    # Records which binaries the package strips (nix-support/package-strip).
    script = ./buildBoltInput.sh;
    optimizedScript = ../optimized/buildOptimized.sh;
  }
)
