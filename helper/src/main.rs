//! nix-pgo helper: the small tool the nix-pgo derivations call to merge,
//! fingerprint and check LLVM PGO profiles and the toolchain producing them.

mod canonicalize;
mod cli;
mod coverage;
mod fingerprint;
mod merge;
mod output;
mod profile;
mod tool;
mod toolchain;

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
