# buildBoltInstrumented :: set -> drv
# Arguments and result: docs/API.md, `buildBoltInstrumented`.
#
# The bolt input with BOLT's instrumentation (`llvm-bolt -instrument`): every binary,
# when it exits, writes its profile (a text .fdata) to
# /tmp/nix-pgo-bolt/<binary>.<pid>.fdata. That path is baked into the binary (BOLT's
# runtime reads no environment variable); runBoltWorkloadProfile collects it.
{ helper
, mkStage
, toolchain
,
}:
{ pname
, version
, # buildBoltInput's result (or any derivation whose bin/* were linked with --emit-relocs).
  boltInput
, # Extra llvm-bolt arguments for instrumentation (e.g. --instrumentation-max-size=N).
  instrumentOptions ? [ ]
,
}:
mkStage {
  name = "${pname}-bolt-instrumented-${version}";
  script = ./buildBoltInstrumented.sh;
  boltScriptLib = ../../internal/bolt/bolt.sh;
  inherit boltInput;
  # Where the instrumented binaries write their profiles: fixed, so that the profile stage
  # knows it and the instrumented binary is the same on every build. /tmp is private to
  # each build in the Nix sandbox.
  boltProfileDir = "/tmp/nix-pgo-bolt";
  inherit instrumentOptions;
  helper = "${helper}/bin/nix-pgo";
  inherit (toolchain) rustc llvmProfdata llvmBolt;
  passthru = {
    inherit boltInput;
  };
}
