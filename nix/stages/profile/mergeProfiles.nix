# mergeProfiles :: set -> drv
# Arguments and result: docs/API.md, `mergeProfiles`.
#
# Merges the per-workload profiles into the package's profile:
# $out/<pname>.profdata, plus $out/nix-support/profile.json (fingerprint, function count,
# inputs) written by the helper. Its only inputs are the workload profiles, so a workload
# change that leaves them unchanged gives the same merge.
{ helper
, mkStage
, toolchain
,
}:
{ pname
, version
, # { <workload> = <profile drv>; }
  profiles
, # { <workload> = <positive integer>; }: weights for `llvm-profdata --weighted-input`;
  # workloads not named get weight 1.
  weights ? { }
, # `nix-pgo canonicalize` options (--quantize BITS, --exclude SUBSTRING), as a list.
  canonicalizeFlags ? [ ]
, # Content-addressed output (mkStage.nix).
  contentAddressed ? false
, # A repair plan: run only when its variant regressed (mkStage.nix; the broad workloads').
  neededIf ? null
,
}:
let
  inherit (builtins) attrNames concatStringsSep;
  unknown = builtins.filter (w: !(profiles ? ${w})) (attrNames weights);
in
if profiles == { } then
  throw "mergeProfiles: ${pname} has no workload profiles to merge; give it at least one training workload."
else if unknown != [ ] then
  throw "mergeProfiles: ${pname}: weights name unknown workloads ${concatStringsSep ", " unknown} (the workloads are ${concatStringsSep ", " (attrNames profiles)})."
else
  mkStage {
    name = "${pname}-profile-${version}";
    script = ./mergeProfiles.sh;
    inherit contentAddressed neededIf;
    helper = "${helper}/bin/nix-pgo";
    inherit pname;
    inherit (toolchain) rustc llvmProfdata;
    # The workloads in a fixed order (bash's associative arrays have none), their
    # profiles { <workload> = path; } and weights { <workload> = "N"; }.
    workloadNames = attrNames profiles;
    workloadProfiles = builtins.mapAttrs (_: p: "${p}") profiles;
    workloadWeights = builtins.mapAttrs (w: _: toString (weights.${w} or 1)) profiles;
    inherit canonicalizeFlags;
    passthru = {
      inherit profiles weights;
    };
  }
