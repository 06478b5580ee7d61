# buildInstrumented :: set -> drv
# Arguments and result: docs/API.md, `buildInstrumented`.
#
# The release build with LLVM's IR instrumentation (`-Cprofile-generate`). Running it
# writes .profraw files to LLVM_PROFILE_FILE; the profile stage sets that.
# Takes cargoBuild's arguments (internal/cargo/cargoBuild.nix), `stage` optional (another
# build with the same flags: runTestProfile's tests), plus:
{ cargoBuild
, trainingRuntime
}:
{
  # Extra flags for the instrumented build only (e.g. -Cllvm-args=... for counters);
  # they change the profile, not the optimized build's flags.
  instrumentRustflags ? [ ]
, ...
}@args:
cargoBuild (
  removeAttrs args [ "instrumentRustflags" ]
    // {
    stage = args.stage or "instrumented";
    # With a value: the cc crate (>= 1.1) parses CARGO_ENCODED_RUSTFLAGS and rejects a bare
    # -Cprofile-generate. The path is only the default; every workload's LLVM_PROFILE_FILE
    # overrides it, and a fixed one keeps the binary reproducible.
    # trainingRuntime: a program killed by SIGINT, SIGTERM or SIGHUP writes its profile
    # first (a server stopped with `kill`), and each process records that it started. A
    # linked object: the profile runtime's functions are not exported, so a preloaded
    # library could not call them.
    stageRustflags = [
      "-Cprofile-generate=/tmp/nix-pgo-profraw"
      "-Clink-arg=${trainingRuntime}/lib/nix-pgo-training-runtime.o"
    ] ++ instrumentRustflags;
  }
)
