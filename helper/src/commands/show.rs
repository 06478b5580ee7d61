//! `nix-pgo show`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::inspect::{hottest, share, FunctionStats};
use nix_pgo::output::print_json;
use nix_pgo::profile::{self};
use nix_pgo::tool::LlvmProfdataArg;
use serde::Serialize;
use std::path::PathBuf;

/// Show a profile's size, fingerprint and hottest functions.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Profile to show (.profraw, .profdata or .proftext).
    #[arg(value_name = "PROFILE")]
    pub profile: PathBuf,

    /// How many of the hottest functions to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

#[derive(Debug, Serialize)]
struct ShowReport {
    file: PathBuf,
    fingerprint: String,
    functions: usize,
    functions_with_counts: usize,
    total_count: u64,
    hottest: Vec<FunctionStats>,
}

pub fn run(global: &GlobalArgs, args: ShowArgs) -> Result<()> {
    let llvm_profdata = args.llvm_profdata.resolve()?;
    let profile = profile::load(&llvm_profdata, &args.profile)?;
    let report = ShowReport {
        fingerprint: profile.fingerprint(),
        functions: profile.functions(),
        functions_with_counts: profile.functions_with_counts(),
        total_count: profile.total_count(),
        hottest: hottest(&profile, args.top),
        file: args.profile,
    };
    if global.json {
        return print_json(&report);
    }
    println!("profile {}", report.file.display());
    println!("  fingerprint:  {}", report.fingerprint);
    println!(
        "  functions:    {} ({} with non-zero counts)",
        report.functions, report.functions_with_counts
    );
    println!("  total count:  {}", report.total_count);
    println!("hottest functions (by max block count):");
    println!(
        "  {:>14} {:>14} {:>7}  name",
        "max count", "entry count", "share"
    );
    for f in &report.hottest {
        println!(
            "  {:>14} {:>14} {:>6.2}%  {}",
            f.max_count,
            f.entry_count,
            share(f.total_count, report.total_count),
            f.name
        );
    }
    Ok(())
}
