# buildGoOptimized :: set -> drv
# Arguments and result: docs/API.md, `buildGoOptimized`; docs/go.md.
#
# The Go program built with the profile (-pgo=<fixed path>: go records the path in the
# binary's build info, so it is the same in every build, and -trimpath keeps store paths
# out). The helper then checks the profile is of this program, against the baseline build
# (the same code without PGO, whose symbols PGO's inlining hasn't removed):
# $out/nix-support/profile-match-<bin>.json; a profile of another program matches none of
# its functions and fails the build.
# Takes goBuild's arguments plus `profile` (mergeGoProfiles's or the locked profile) and
# `baseline`.
{ goBuild
, helper
,
}:
{ pname
, profile
, baseline
, ...
}@args:
goBuild (removeAttrs args [ "baseline" ] // {
  matchAgainst = baseline;
  stage = "optimized";
  profile = "${profile}/${pname}.pgo";
  helper = "${helper}/bin/nix-pgo";
  passthru = { inherit profile; } // (args.passthru or { });
})
