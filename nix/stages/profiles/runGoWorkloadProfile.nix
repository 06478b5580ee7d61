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
  # The benchmark's settings, checked: a misspelt one (`benchTime`) would otherwise be
  # left out, and the benchmarks run with the default.
  benchSettings = [ "package" "bench" "benchtime" ];
  benchProblem =
    let
      unknown = builtins.filter (n: !builtins.elem n benchSettings) (builtins.attrNames bench);
      notStrings = builtins.filter (n: !builtins.isString bench.${n}) (builtins.filter (n: bench ? ${n}) benchSettings);
    in
    if workload ? inputs then
      "a benchmark gets no `inputs`: go test runs it in its package's directory, whose testdata/ it reads; inputs are for script workloads (remove them, or make it a script that runs the program)"
    else if !builtins.isAttrs bench then
      "benchmark must be a set, { package = \"internal/count\"; bench = \"Top\"; benchtime = \"200x\"; }"
    else if unknown != [ ] then
      "benchmark has ${builtins.concatStringsSep ", " unknown}, which is not a benchmark setting: the settings are `package` (the package's directory in the module, default \".\"), `bench` (go test's -bench pattern, default \".\") and `benchtime` (go test's -benchtime, e.g. \"2s\" or \"500x\", default \"1s\") (misspelt?)"
    else if notStrings != [ ] then
      "benchmark's ${builtins.concatStringsSep ", " notStrings} must be a string (e.g. benchtime = \"2s\";)"
    else
      null;
  # go test's ./<package>: "./cmd/x" and "cmd/x" are the same package.
  benchPackage =
    let p = bench.package or "."; in
    if builtins.match "\\./.+" p != null then builtins.substring 2 (builtins.stringLength p) p else p;
  common = {
    name = "${pname}-profile-${name}-${version}.pprof";
    script = ./runGoWorkloadProfile.sh;
    helper = "${helper}/bin/nix-pgo";
    inherit (toolchain.go) goroot;
    goBin = toolchain.go.go;
    goEnv = ../../internal/go/goEnv.sh;
    nixPgoToolchain = toolchain.go.id;
    workloadKind = if bench == null then "script" else "benchmark";
    passthru = { inherit workload profiling; };
  };
in
if bench == null && !(workload ? script) then
  throw "runGoWorkloadProfile: ${pname}: workload '${name}' has neither `script` (a run of the program) nor `benchmark` (go test -bench)."
else if bench != null && benchProblem != null then
  throw "nix-pgo: ${pname}: training workload '${name}': ${benchProblem}."
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
    inherit benchPackage;
    benchPattern = bench.bench or ".";
    benchtime = bench.benchtime or "1s";
    # go test's own -timeout, the workload's as for a script.
    benchTimeout = toString (workload.timeout or 600);
    # `go test -bench` builds the test binary with cgo as the program's builds have it.
    env = variables // import ../../internal/go/goVariables.nix { inherit cgo vendor; }
      // (if workload.caCertificates or false then { SSL_CERT_FILE = "${toolchain.caBundle}"; NIX_SSL_CERT_FILE = "${toolchain.caBundle}"; } else { });
  } // import ../../internal/go/vendorAttrs.nix vendor)
