# goBuild :: set -> drv
#
# The one `go build` of every Go stage (baseline, profiling, optimized; stages/<stage>/),
# with the settings that make it offline and reproducible: the toolchain's GOROOT only
# (GOTOOLCHAIN=local), modules from the vendor stage only (goVariables.nix: -mod=vendor
# with GOPROXY=off, or -mod=mod from its module cache), a private GOCACHE, no cgo unless
# asked, -trimpath and -buildvcs=false so that no build path, store path or VCS state reaches the binary.
{ mkStage
, toolchain
,
}:
{ pname
, version
, # "baseline", "profiling" or "optimized": the derivation's name and what goBuild.sh adds.
  stage
, src
, # The directory of src holding go.mod, relative to src.
  modRoot ? "."
, # goModVendor's result (a vendor/ directory or, with its proxyVendor, a module cache),
  # or null when src has no module dependencies or brings its own vendor/.
  vendor ? null
, # Packages to build, relative to modRoot (main packages; each gives bin/<last element>).
  subPackages ? [ "." ]
, tags ? [ ]
, ldflags ? [ ]
, # Compiler flags for every package (-gcflags=all=…); buildGoPgoPackage gives them to
  # optimized only.
  gcflags ? [ ]
, # The profile (a file) `optimized` builds with (-pgo=), or null.
  profile ? null
, cgo ? false
, # The helper, to check that the profile matches the program (optimized only), and the
  # build it checks it against: the baseline, the same code without PGO. (The optimized
  # binary itself won't do: PGO inlines the hot functions the profile names, so their
  # symbols are gone.)
  helper ? ""
, matchAgainst ? null
, # The share of the profile's CPU time that must fall on functions of the program
  # (`nix-pgo pprof match --min-rate`).
  minProfileMatch ? 0.5
, meta ? { }
, passthru ? { }
,
}:
let
  go = toolchain.go;
in
mkStage ({
  name = "${pname}-${stage}-${version}";
  script = ./goBuild.sh;
  inherit stage modRoot subPackages tags ldflags gcflags meta helper;
  matchAgainst = if matchAgainst == null then "" else "${matchAgainst}";
  minProfileMatch = toString minProfileMatch;
  src = "${src}";
  profile = if profile == null then "" else "${profile}";
  # Added to each main package of the profiling build (docs/go.md "Profiles of the real program").
  profilingSource = if stage == "profiling" then ./nixPgoProfile.go else "";
  inherit (go) goroot;
  goBin = go.go;
  goEnv = ./goEnv.sh;
  nixPgoToolchain = go.id;
  env = import ./goVariables.nix { inherit cgo vendor; };
  passthru = { inherit src vendor profile; } // passthru;
} // import ./vendorAttrs.nix vendor)
