# buildGoOptimized :: set -> drv
# Arguments and result: docs/API.md, `buildGoOptimized`; docs/go.md.
#
# The Go program built with the profile (-pgo=<fixed path>: go records the path in the
# binary's build info, so it is the same in every build, and -trimpath keeps store paths
# out). The helper then checks the profile is of this program ($out/nix-support/profile-match.json,
# the share of the program's functions that have samples): a profile of another program
# matches nothing and fails the build.
# Takes goBuild's arguments plus `profile` (mergeGoProfiles's or the locked profile).
{ goBuild
, helper
,
}:
{ pname
, profile
, ...
}@args:
goBuild (args // {
  stage = "optimized";
  profile = "${profile}/${pname}.pgo";
  helper = "${helper}/bin/nix-pgo";
  passthru = { inherit profile; };
})
