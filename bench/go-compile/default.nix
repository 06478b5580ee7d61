# Go's own PGO showcase as a nix-pgo program: cmd/compile, the Go compiler, which the Go
# distribution ships with a profile of its own (GOROOT/src/cmd/compile/default.pgo, made by
# cmd/compile/profile.sh: the compiler building all of std and cmd). Built from the `cmd`
# module of the toolchain's GOROOT, in place, as examples/gofmt builds gofmt; trained on the
# compiler compiling go/ and net/ packages, evaluated, held out, on encoding/, image/ and
# compress/ packages (the workloads run `go build -toolexec`: toolexec.sh, compile-packages.sh).
# Not a program of the flake, and not in the tests' builds (four builds of the compiler and
# three callgrind runs of it): docs/go.md "cmd/compile", `bench/go-compile/measure`.
#   nix build --impure -f bench/go-compile <attr>
#
# The result is buildGoPgoPackage's, plus `goDefault` (the compiler built with GOROOT's
# committed default.pgo, canonicalised like any Go profile) and `comparison` (baseline,
# goDefault and optimized under callgrind on the held-out workloads).
{ nixPgo ? import ../../nix { toolchain = import ../../nix/toolchain/host.nix { }; }
,
}:
let
  inherit (nixPgo) buildGoOptimized buildGoPgoPackage evaluateVariants mergeGoProfiles toolchain workloadsFromDir;
  inherit (toolchain.go) goroot version;
  pname = "compile";
  src = "${goroot}/src/cmd";
  subPackages = [ "compile" ];
  # The workloads run the go command of the GOROOT (its dependencies' compilations, its
  # cache keys), so they get GOROOT; the rest are buildGoPgoPackage's defaults.
  runtimeVariables = { GOMAXPROCS = "1"; GOGC = "off"; GOROOT = goroot; };

  compiler = buildGoPgoPackage {
    inherit pname version src subPackages runtimeVariables;
    vendorHash = null;
    workloads = workloadsFromDir ./. {
      inputs = {
        toolexec = ./toolexec.sh;
        compile-packages = ./compile-packages.sh;
      };
    };
  };

  # GOROOT's committed profile as a nix-pgo profile (the same canonical form and summary).
  committedProfile =
    let
      file = "${goroot}/src/cmd/compile/default.pgo";
    in
    mergeGoProfiles {
      inherit pname;
      version = "${version}-go-default-pgo";
      profiles.go-default-pgo =
        if builtins.hasContext goroot then file else builtins.path { path = /. + file; name = "go-${version}-compile-default.pgo"; };
    };
  # The compiler built with that profile and the given compiler flags (profileUseGcflags'
  # meaning; bench/go-inline-budget tries other inline budgets with it).
  goDefaultWith = gcflags: buildGoOptimized {
    inherit pname src subPackages gcflags;
    version = "${version}-go-default-pgo";
    modRoot = ".";
    vendor = null;
    tags = [ ];
    ldflags = [ ];
    cgo = false;
    profile = committedProfile;
    inherit (compiler) baseline;
    minProfileMatch = 0.5;
  };
  # With the same compiler flags as optimized (buildGoPgoPackage's profileUseGcflags), so
  # that the two differ in their profile only.
  goDefault = goDefaultWith compiler.profileUseGcflags;
in
compiler // {
  inherit committedProfile goDefault goDefaultWith;
  comparison = evaluateVariants {
    inherit pname version;
    variants = { inherit (compiler) baseline optimized; inherit goDefault; };
    order = [ "baseline" "goDefault" "optimized" ];
    workloads = compiler.workloads.evaluation;
    deterministicRandom = false;
    # As buildGoPgoPackage's evaluation (callgrind and Go's preemption signals).
    variables = runtimeVariables // { GODEBUG = "asyncpreemptoff=1"; };
  };
}
