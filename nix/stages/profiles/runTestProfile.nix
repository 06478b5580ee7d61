# runTestProfile :: set -> drv
# Arguments and result: docs/API.md, `runTestProfile`.
#
# A workload that is the package's own tests (`cargoTest`), as cargo-pgo's `cargo pgo
# test`: `cargo test` builds them with the instrumented build's flags and runs them, one
# at a time, in the workload environment; $out is their profile, canonical, like
# runWorkloadProfile's. The tests share code with the program, its library crate and
# dependencies, compiled with the same flags, features and Cargo profile, so under the
# same symbols, or under other crate hashes where dev-dependencies turned on more features
# of a shared dependency (then renamed to the program's symbols where the code is the
# same); what only the tests have (the test functions, the harness, a crate compiled with
# cfg(test) for its unit tests) is dropped (`canonicalize --functions-of` the instrumented
# program), or it would count as stale in `optimized`.
#
# The tests' build compiles everything in this derivation (no cached dependency build:
# dev-dependencies are not in the stages' skeleton build).
{ buildInstrumented
, toolchain
, workloadEnv
,
}:
{
  # buildInstrumented's arguments for the package, and its result (the program the
  # profile is cut down to).
  instrumentedArgs
, instrumented
, name
, # { cargoTest = { args ? [ ]; testArgs ? [ ]; }; timeout ? 600; inputs ? { }; }
  workload
, deterministicRandom ? true
, pinned ? true
, contentAddressed ? false
, canonicalizeFlags ? [ ]
, neededIf ? null
,
}:
let
  test = workload.cargoTest;
  unknown = builtins.filter (n: !builtins.elem n [ "args" "testArgs" ]) (builtins.attrNames test);
  # Lists of strings: a string would reach cargo as one argument ("--skip x").
  notLists = builtins.filter
    (n: test ? ${n} && !(builtins.isList test.${n} && builtins.all builtins.isString test.${n}))
    [ "args" "testArgs" ];
in
if !builtins.isAttrs test then
  throw "nix-pgo: workload '${name}': cargoTest must be a set, { args = [ … ]; testArgs = [ … ]; } (`{ }` runs `cargo test`)."
else if unknown != [ ] then
  throw "nix-pgo: workload '${name}': cargoTest has ${builtins.concatStringsSep ", " unknown}; it takes `args` (cargo test's arguments, e.g. [ \"--test\" \"parse\" ]) and `testArgs` (the test binaries', after --, e.g. [ \"--skip\" \"network\" ])."
else if notLists != [ ] then
  throw "nix-pgo: workload '${name}': cargoTest.${builtins.head notLists} must be a list of strings, one per argument: [ \"--skip\" \"network\" ], not \"--skip network\"."
else
  buildInstrumented (
    instrumentedArgs
    // workloadEnv { inherit name workload deterministicRandom pinned; }
      // {
      stage = "profile-${name}";
      # cargo test's own targets: `--bin` would select one binary's unit tests.
      bins = [ ];
      cacheDependencies = false;
      script = ./runTestProfile.sh;
      workloadProfileScript = ./workloadProfile.sh;
      testCargoArgs = test.args or [ ];
      testHarnessArgs = test.testArgs or [ ];
      inherit contentAddressed canonicalizeFlags neededIf;
      inherit (toolchain) llvmProfdata;
      instrumented = "${instrumented}";
      passthru = { inherit instrumented workload; };
    }
  )
