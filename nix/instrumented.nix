# buildInstrumented :: set -> drv
#
# The release build with LLVM's IR instrumentation (`-Cprofile-generate`). Running it
# writes .profraw files to LLVM_PROFILE_FILE; the profile stage sets that.
# Takes cargoBuild's arguments (internal/cargoBuild.nix) without `stage`, plus:
{ cargoBuild }:
{
  # Extra flags for the instrumented build only (e.g. -Cllvm-args=... for counters);
  # they change the profile, not the optimized build's flags.
  instrumentRustflags ? [ ],
  ...
}@args:
cargoBuild (
  removeAttrs args [ "instrumentRustflags" ]
  // {
    stage = "instrumented";
    stageRustflags = [ "-Cprofile-generate" ] ++ instrumentRustflags;
  }
)
