//! nix-pgo helper: the small tool the nix-pgo derivations call to merge,
//! fingerprint and check LLVM PGO profiles and the toolchain producing them,
//! and to lock profiles as fixed-output store paths.
//!
//! This file only parses the command line and dispatches: each subcommand's
//! arguments and `run` live in src/commands/, the work in the library
//! (src/lib.rs).

mod commands;

use std::process::ExitCode;

use clap::Parser;

use crate::commands::{Cli, Command};

fn main() -> ExitCode {
    restore_sigpipe();
    let Cli { global, command } = Cli::parse();
    let result = match command {
        Command::Merge(args) => commands::merge::run(&global, args),
        Command::Fingerprint(args) => commands::fingerprint::run(&global, args),
        Command::Canonicalize(args) => commands::canonicalize::run(&global, args),
        Command::CheckToolchain(args) => commands::check_toolchain::run(&global, args),
        Command::Coverage(args) => commands::coverage::run(&global, args),
        Command::CargoMessages(args) => commands::cargo_messages::run(&global, args),
        Command::CargoRustflags(args) => commands::cargo_rustflags::run(&global, args),
        Command::Staleness(args) => commands::staleness::run(&global, args),
        Command::NarHash(args) => commands::nar_hash::run(&global, args),
        Command::StorePath(args) => commands::store_path::run(&global, args),
        Command::Lock(args) => commands::lock::run(&global, args),
        Command::Verify(args) => commands::verify::run(&global, args),
        Command::CheckTraining(args) => commands::check_training::run(&global, args),
        Command::Show(args) => commands::show::run(&global, args),
        Command::Diff(args) => commands::diff::run(&global, args),
        Command::EvaluateVariant(args) => commands::evaluate_variant::run(&global, args),
        Command::CallgrindThreads(args) => commands::callgrind_threads::run(&global, args),
        Command::ChooseVariant(args) => commands::choose_variant::run(&global, args),
        Command::EvaluationResult(args) => commands::evaluation_result::run(&global, args),
        Command::EvaluationSummary(args) => commands::evaluation_summary::run(&global, args),
        Command::Regressions(args) => commands::regressions::run(&global, args),
        Command::Import(args) => commands::import::run(&global, args),
        Command::Pprof(args) => commands::pprof::run(&global, args),
        Command::RepairPlan(args) => commands::repair_plan::run(&global, args),
        Command::Unprofile(args) => commands::unprofile::run(&global, args),
        Command::Report(args) => commands::report::run(&global, args),
        Command::ReportData(args) => commands::report_data::run(&global, args),
        Command::Release(args) => commands::release::run(&global, args),
        Command::VerifyRelease(args) => commands::verify_release::run(&global, args),
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

/// Rust starts programs with SIGPIPE ignored, so `println!` to a reader that went away
/// (`nix-pgo show … | head`) panics on EPIPE. A command-line tool ends quietly there, as
/// cat or grep do: the default action, death by SIGPIPE, which the shell does not report.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first in main, before any thread is started or any output written.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
