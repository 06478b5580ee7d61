//! `nix-pgo repair-plan`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::output::write_json;
use nix_pgo::percent::parse_percent;
use nix_pgo::regressions;
use nix_pgo::repair;
use std::path::PathBuf;

/// Decide whether a variant needs repairing: it does when it executes more
/// instructions than the baseline (beyond the tolerance) on an evaluation
/// workload. Writes the plan (the workloads, the functions that grew and the
/// functions those workloads executed: names only, no counts) and prints
/// `regressed` or `passed`.
#[derive(Debug, clap::Args)]
pub struct RepairPlanArgs {
    /// Evaluation workload results (directories with result.json and variants/).
    #[arg(value_name = "DIR", required = true)]
    pub results: Vec<PathBuf>,

    /// The variant to plan a repair for (optimized, bolted).
    #[arg(long)]
    pub variant: String,

    /// Percentage by which the variant may exceed the baseline's instructions.
    #[arg(long, value_name = "PCT", default_value = "0", value_parser = parse_percent)]
    pub tolerance: f64,

    /// The variant it is compared with.
    #[arg(long, default_value = "baseline")]
    pub baseline: String,

    /// How many of the functions that grew most to name, per workload.
    #[arg(long, default_value_t = 20)]
    pub top: usize,

    /// Where to write the plan (JSON).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

pub fn run(_global: &GlobalArgs, args: RepairPlanArgs) -> Result<()> {
    let options = regressions::Options {
        baseline: args.baseline,
        tolerance: args.tolerance,
        top: args.top,
    };
    let plan = repair::plan(&args.results, &args.variant, &options)?;
    write_json(&args.output, &plan)?;
    if plan.regressed {
        eprintln!(
            "nix-pgo: {} regressed on {}; {} functions grew, {} ran there",
            plan.variant,
            plan.workloads.join(", "),
            plan.grew.len(),
            plan.executed.len()
        );
        println!("regressed");
    } else {
        println!("passed");
    }
    Ok(())
}
