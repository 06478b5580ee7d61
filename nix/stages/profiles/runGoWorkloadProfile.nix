# runGoWorkloadProfile :: set -> drv
# Arguments and result: docs/API.md, `runGoWorkloadProfile`; docs/go.md.
#
# One training workload of a Go program → its CPU profile ($out, canonical pprof written
# by the helper). Two kinds of workload:
# - a script (`script`, as for Rust, run by the one workload runner) that runs the
#   profiling build (buildGoPgoPackage's `profiling`): every process of it writes a CPU
#   profile, and they are merged;
# - benchmarks (`benchmark = { package ? "."; bench ? "."; benchtime ? "1s"; }`):
#   `go test -run '^$' -bench … -cpuprofile` in the module, as Go teams make PGO profiles.
# CPU samples are not deterministic: the profile's identity is its lock (docs/go.md).
{ helper
, mkStage
, toolchain
, workloadEnv
,
}:
{ pname
, version
, name
, workload
, # buildGoPgoPackage's profiling build (script workloads).
  profiling
, # The module, as goBuild has it (benchmark workloads).
  src
, modRoot ? "."
, vendor ? null
, tags ? [ ]
, # CGO_ENABLED for the benchmarks' test binary, as for the program's builds.
  cgo ? false
, # GOMAXPROCS, GOGC (buildGoPgoPackage's runtimeVariables).
  variables ? { }
, deterministicRandom ? true
,
}:
let
  bench = workload.benchmark or null;
  common = {
    name = "${pname}-profile-${name}-${version}.pprof";
    script = ./runGoWorkloadProfile.sh;
    helper = "${helper}/bin/nix-pgo";
    inherit (toolchain.go) goroot;
    goBin = toolchain.go.go;
    goEnv = ../../internal/go/goEnv.sh;
    nixPgoGoToolchain = toolchain.go.id;
    workloadKind = if bench == null then "script" else "benchmark";
    passthru = { inherit workload profiling; };
  };
in
if bench == null && !(workload ? script) then
  throw "runGoWorkloadProfile: ${pname}: workload '${name}' has neither `script` (a run of the program) nor `benchmark` (go test -bench)."
else if bench == null then
  mkStage
    (workloadEnv { inherit name workload deterministicRandom variables; } // common // {
      profiling = "${profiling}";
    })
else
  mkStage (common // {
    workloadName = name;
    src = "${src}";
    inherit modRoot tags;
    vendor = if vendor == null then "" else "${vendor}";
    benchPackage = bench.package or ".";
    benchPattern = bench.bench or ".";
    benchtime = bench.benchtime or "1s";
    # `go test -bench` builds the test binary with cgo as the program's builds have it.
    env = variables // import ../../internal/go/goVariables.nix cgo;
  })
