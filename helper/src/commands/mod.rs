//! Command-line surface: one module per subcommand, holding its arguments
//! (whose doc comments are its `--help`) and its `run`, which parses them,
//! calls the library and prints. This file ties them together.

use clap::{Parser, Subcommand};

pub mod callgrind_threads;
pub mod canonicalize;
pub mod cargo_messages;
pub mod cargo_rustflags;
pub mod check_toolchain;
pub mod check_training;
pub mod choose_variant;
pub mod coverage;
pub mod diff;
pub mod evaluate_variant;
pub mod evaluation_result;
pub mod evaluation_summary;
pub mod fingerprint;
pub mod import;
pub mod lock;
pub mod merge;
pub mod nar_hash;
pub mod pprof;
pub mod regressions;
pub mod release;
pub mod repair_plan;
pub mod report;
pub mod report_data;
pub mod show;
pub mod staleness;
pub mod store_path;
pub mod unprofile;
pub mod verify;
pub mod verify_release;

/// Helper for nix-pgo: merge, fingerprint and check LLVM PGO profiles of
/// Rust programs. Meant to be called from Nix builds, with every external
/// tool given by absolute path.
#[derive(Debug, Parser)]
#[command(name = "nix-pgo", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts, before or after its name.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Print a JSON report on stdout instead of the human summary (the
    /// subcommands that print one; those writing JSON files ignore it).
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Merge raw (.profraw) and indexed (.profdata) profiles into one indexed profile.
    Merge(merge::MergeArgs),
    /// Print a content fingerprint of a profile, independent of record order.
    Fingerprint(fingerprint::FingerprintArgs),
    /// Rewrite a profile in canonical form, optionally quantizing its counts.
    Canonicalize(canonicalize::CanonicalizeArgs),
    /// Check that rustc and the LLVM tools share one LLVM major version.
    CheckToolchain(check_toolchain::CheckToolchainArgs),
    /// Count functions the PGO-optimized build compiled without profile data.
    Coverage(coverage::CoverageArgs),
    /// Save cargo's JSON messages (stdin) to a file and print its diagnostics.
    CargoMessages(cargo_messages::CargoMessagesArgs),
    /// Print the rustflags the project's .cargo/config.toml gives the target's crates.
    CargoRustflags(cargo_rustflags::CargoRustflagsArgs),
    /// Weigh a build's hash mismatches by profile counts: how stale the profile is.
    Staleness(staleness::StalenessArgs),
    /// Print the NAR hash (SRI) of a path, as `nix hash path` does.
    NarHash(nar_hash::NarHashArgs),
    /// Print the store path of a fixed-output, recursive sha256 path.
    StorePath(store_path::StorePathArgs),
    /// Record a built profile in the lock file (pgo.lock.json).
    Lock(lock::LockArgs),
    /// Check a lock file against built and checked-in profiles.
    Verify(verify::VerifyArgs),
    /// Check that a locked profile's training workloads are unchanged since it was locked.
    CheckTraining(check_training::CheckTrainingArgs),
    /// Show a profile's size, fingerprint and hottest functions.
    Show(show::ShowArgs),
    /// Compare two profiles: overlap and the functions that moved most.
    Diff(diff::DiffArgs),
    /// Count one variant's instructions (callgrind output files) on an evaluation workload.
    EvaluateVariant(evaluate_variant::EvaluateVariantArgs),
    /// Print the functions that started threads in a workload's run under callgrind.
    CallgrindThreads(callgrind_threads::CallgrindThreadsArgs),
    /// Choose the variant to ship: the fastest that never loses to the baseline on an evaluation workload.
    ChooseVariant(choose_variant::ChooseVariantArgs),
    /// Write an evaluation workload's result.json from its variants' files.
    EvaluationResult(evaluation_result::EvaluationResultArgs),
    /// Write evaluation.json from the workloads' result.json files.
    EvaluationSummary(evaluation_summary::EvaluationSummaryArgs),
    /// Fail when a variant executes more instructions than the baseline on an evaluation workload.
    Regressions(regressions::RegressionsArgs),
    /// Pull CPU profiles from running services (net/http/pprof, Pyroscope) into default.pgo.
    Import(import::ImportArgs),
    /// Go's CPU profiles (pprof, `default.pgo`): merge, fingerprint, show, match.
    Pprof(pprof::PprofArgs),
    /// Decide whether a variant regressed and name the functions a repair may act on.
    RepairPlan(repair_plan::RepairPlanArgs),
    /// Remove the functions a repair plan names from a profile (they compile as without PGO).
    Unprofile(unprofile::UnprofileArgs),
    /// Time every variant on the evaluation workloads (alternating) and write report.json, report.md and SVG charts.
    Report(report::ReportArgs),
    /// Write a release archive: binaries, provenance.json and SHA256SUMS, deterministically.
    Release(release::ReleaseArgs),
    /// Check a release archive's SHA256SUMS and that its provenance matches its binaries.
    VerifyRelease(verify_release::VerifyReleaseArgs),
    /// Collect report-data.json (the report derivation's deterministic figures) from its structured attributes.
    ReportData(report_data::ReportDataArgs),
}
