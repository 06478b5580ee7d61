# mergeGoProfiles :: set -> drv
# Arguments and result: docs/API.md, `mergeGoProfiles`; docs/go.md.
#
# Merges the per-workload CPU profiles of a Go program into its profile: $out/<pname>.pgo
# (canonical pprof: sorted, no timestamps, durations, build IDs or store paths, so its
# fingerprint names its samples) and $out/nix-support/profile.json (the helper's summary:
# fingerprint, algorithm, samples, functions). What mergeProfiles is for Rust.
{ helper
, mkStage
,
}:
{ pname
, version
, # { <workload> = <profile drv>; }
  profiles
, # { <workload> = <positive integer>; }; workloads not named get weight 1.
  weights ? { }
,
}:
let
  inherit (builtins) attrNames concatStringsSep;
  unknown = builtins.filter (w: !(profiles ? ${w})) (attrNames weights);
in
if profiles == { } then
  throw "mergeGoProfiles: ${pname} has no workload profiles to merge; give it at least one training workload."
else if unknown != [ ] then
  throw "mergeGoProfiles: ${pname}: weights name unknown workloads ${concatStringsSep ", " unknown} (the workloads are ${concatStringsSep ", " (attrNames profiles)})."
else
  mkStage {
    name = "${pname}-profile-${version}";
    script = ./mergeGoProfiles.sh;
    helper = "${helper}/bin/nix-pgo";
    inherit pname;
    workloadNames = attrNames profiles;
    workloadProfiles = builtins.mapAttrs (_: p: "${p}") profiles;
    workloadWeights = builtins.mapAttrs (w: _: toString (weights.${w} or 1)) profiles;
    passthru = { inherit profiles weights; };
  }
