# buildOptimized :: set -> drv
# Arguments and result: docs/API.md, `buildOptimized`.
#
# The release build with `-Cprofile-use` of the merged profile. The build log and
# $out/nix-support/pgo-coverage.json say how many functions had no profile data
# (`-pgo-warn-missing-function`); below `minCoverage` the build fails, so no binary called
# optimized exists without its profile having been used.
# Takes cargoBuild's arguments (internal/cargo/cargoBuild.nix) without `stage`, plus:
# (boltInput.nix builds the same with its own `stage` name and link flags.)
{ cargoBuild
, helper
, toolchain
,
}:
{
  # mergeProfiles's result. The build sees the workloads only through this path.
  profile
, # Percentage of the program's instrumented functions that must have profile data.
  minCoverage ? 1
, # Percentage of the profile's counts that may no longer match the program (null: report only).
  maxStale ? null
, # The profile was trained from this source in this build graph (not a locked one), so
  # maxStale's message names differing build settings rather than a refresh.
  freshProfile ? false
, # rustc flags for the profile-using builds only (optimized, bolt-input), so that the
  # baseline stays the reference; buildPgoPackage's default is in its own docs.
  profileUseRustflags ? [ ]
, ...
}@args:
cargoBuild (
  removeAttrs args [
    "profile"
    "minCoverage"
    "maxStale"
    "freshProfile"
    "profileUseRustflags"
  ]
    // {
    stage = args.stage or "optimized";
    stageRustflags = profileUseRustflags ++ (args.stageRustflags or [ ]);
    # A repair stage (stages/repair/buildRepaired.nix) wraps this script in its own.
    script = args.script or ./buildOptimized.sh;
    inherit profile;
    minCoverage = toString minCoverage;
    maxStale = if maxStale == null then "" else toString maxStale;
    freshProfile = if freshProfile then "1" else "";
    helper = "${helper}/bin/nix-pgo";
    inherit (toolchain) llvmProfdata;
    passthru = {
      inherit profile;
    } // (args.passthru or { });
  }
)
