//! nix-pgo helper: the small tool the nix-pgo derivations call to merge,
//! fingerprint and check LLVM PGO profiles and the toolchain producing them,
//! and to lock profiles as fixed-output store paths.

mod callgrind;
mod canonicalize;
mod cargo_messages;
mod cli;
mod coverage;
mod date;
mod evaluation;
mod fingerprint;
mod inspect;
mod lock;
mod merge;
mod output;
mod profile;
mod regressions;
mod report;
mod report_data;
mod staleness;
mod store;
mod tool;
mod toolchain;
mod verify;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Merge(args) => merge::run(args),
        Command::Fingerprint(args) => fingerprint::run(args),
        Command::Canonicalize(args) => canonicalize::run(args),
        Command::CheckToolchain(args) => toolchain::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::CargoMessages(args) => cargo_messages::run(args),
        Command::Staleness(args) => staleness::run(args),
        Command::NarHash(args) => store::run_nar_hash(args),
        Command::StorePath(args) => store::run_store_path(args),
        Command::Lock(args) => lock::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Show(args) => inspect::run_show(args),
        Command::Diff(args) => inspect::run_diff(args),
        Command::EvaluateVariant(args) => evaluation::run_evaluate_variant(args),
        Command::EvaluationResult(args) => evaluation::run_evaluation_result(args),
        Command::EvaluationSummary(args) => evaluation::run_evaluation_summary(args),
        Command::Regressions(args) => regressions::run(args),
        Command::Report(args) => report::run(args),
        Command::ReportData(args) => report_data::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line, outermost first.
            eprintln!("nix-pgo: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
