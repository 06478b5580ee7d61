//! nix-pgo helper library: LLVM profiles (reading, canonical form,
//! fingerprint, merging), the lock format, Nix store paths and NAR hashes,
//! callgrind counts, build-log coverage and staleness, the evaluation's and
//! the report's data. The `nix-pgo` binary's subcommands (src/commands/) are
//! thin layers over it.

pub mod callgrind;
pub mod cargo_config;
pub mod cargo_messages;
pub mod choice;
pub mod coverage;
pub mod crate_hashes;
pub mod date;
pub mod evaluation;
pub mod fingerprint;
pub mod import;
pub mod inspect;
pub mod instrumented_functions;
pub mod lock;
pub mod merge;
pub mod output;
pub mod percent;
pub mod pprof;
pub mod profile;
pub mod profile_summary;
pub mod regressions;
pub mod release;
pub mod repair;
pub mod report;
pub mod report_data;
pub mod staleness;
pub mod store;
pub mod threads;
pub mod tool;
pub mod toolchain;
pub mod workload_source;
