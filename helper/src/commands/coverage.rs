//! `nix-pgo coverage`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::coverage::{read_log, CoverageReport, EvidenceArgs};
use nix_pgo::output::write_json;
use nix_pgo::percent::parse_percent;
use nix_pgo::profile;
use nix_pgo::tool::LlvmProfdataArg;
use std::path::PathBuf;

/// Count the functions compiled without profile data, from the build log of
/// the PGO-optimized build (built with -Cllvm-args=-pgo-warn-missing-function).
///
/// Coverage is the share of functions that got usable profile data:
/// (profile functions - hash mismatches) / (profile functions + functions
/// without profile). A function whose hash no longer matches has a record in
/// the profile, but rustc discards it.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Build log (human or `--message-format=json` cargo/rustc output).
    #[arg(long, value_name = "BUILD_LOG")]
    pub log: PathBuf,

    /// Where to write the JSON report.
    #[arg(short = 'o', long = "output", value_name = "OUT.json")]
    pub output: PathBuf,

    /// The profile the build used, to count the functions that have profile
    /// data (`profile_functions` in the report). Needs llvm-profdata.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Fail if coverage (in percent, 0-100) is below PCT, or unknown. Needs --profile.
    #[arg(long, value_name = "PCT", requires = "profile", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,

    #[command(flatten)]
    pub evidence: EvidenceArgs,
}

pub fn run(_: &GlobalArgs, args: CoverageArgs) -> Result<()> {
    let findings = read_log(&args.log)?;
    let profile_functions = match &args.profile {
        Some(path) => {
            let llvm_profdata = args.llvm_profdata.resolve()?;
            Some(profile::load(&llvm_profdata, path)?.functions())
        }
        None => None,
    };
    let report = CoverageReport::new(&findings, profile_functions, &args.evidence);
    write_json(&args.output, &report)?;
    println!("{}", report.summary());
    if let (Some(min), Some(n)) = (args.min_coverage, profile_functions) {
        report.check_min(min, n, &args.output)?;
    }
    Ok(())
}
