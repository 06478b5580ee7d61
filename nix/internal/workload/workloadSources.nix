# workloadSources :: { <name> = workload; } -> { <name> = set; }
#
# What each workload is made of, as store paths for the helper
# (helper/src/workload_source.rs): its script, or the settings of a Go benchmark
# (`go test -bench`) or of a Rust package's tests (`cargoTest`), whose code is the
# package's source; and its inputs. The release hashes them for its provenance; `best`
# records their hashes in its choice, so that a locked choice is refused once an
# evaluation workload it was made on has changed.
{ workloadPath }:
let
  # What runs the program: a script, or a benchmark's or the tests' settings.
  runner = w:
    if w ? benchmark then { inherit (w) benchmark; }
    else if w ? cargoTest then { inherit (w) cargoTest; }
    else { script = workloadPath w.script; };
in
builtins.mapAttrs (_: w: runner w // { inputs = builtins.mapAttrs (_: workloadPath) (w.inputs or { }); }
  # A training workload's weight in the merge, where the package records it (Go's lock:
  # buildGoPgoPackage's trainingRecord).
  // (if w ? weight then { inherit (w) weight; } else { }))
