//! `nix-pgo fingerprint`: a content hash of a profile that identifies the
//! profile data, not the bytes of one particular file.

use crate::commands::GlobalArgs;
use std::path::PathBuf;

use anyhow::Result;

use nix_pgo::fingerprint::FingerprintReport;
use nix_pgo::output::print_json;
use nix_pgo::profile;
use nix_pgo::tool::LlvmProfdataArg;

/// Print the blake3 fingerprint of a profile's canonical content.
///
/// The same profile data gives the same fingerprint whatever the order of
/// inputs merged into it, their file names, or the file format (.profraw,
/// .profdata or text).
#[derive(Debug, clap::Args)]
pub struct FingerprintArgs {
    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Profile to fingerprint (.profraw, .profdata or .proftext).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(global: &GlobalArgs, args: FingerprintArgs) -> Result<()> {
    let llvm_profdata = args.llvm_profdata.resolve()?;
    let profile = profile::load(&llvm_profdata, &args.file)?;
    let report = FingerprintReport::new(args.file, &profile);
    if global.json {
        print_json(&report)
    } else {
        // Bare value so shell callers can use $(nix-pgo fingerprint FILE).
        println!("{}", report.fingerprint);
        Ok(())
    }
}
