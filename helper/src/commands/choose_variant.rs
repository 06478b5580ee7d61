//! `nix-pgo choose-variant`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::choice;
use nix_pgo::coverage::parse_percent;
use nix_pgo::evaluation::Evaluation;
use nix_pgo::output::{read_json, write_json};
use std::path::PathBuf;

/// Choose the variant to ship from an evaluation: among those that pass the
/// regression check on every workload (same output as the baseline, no cost
/// above it beyond the tolerance), the lowest geometric mean of cost relative
/// to the baseline; the baseline as the last resort. Prints the chosen
/// variant's name on stdout and a warning on stderr for each dropped variant.
#[derive(Debug, clap::Args)]
pub struct ChooseVariantArgs {
    /// The evaluation's evaluation.json.
    #[arg(value_name = "EVALUATION_JSON")]
    pub evaluation: PathBuf,

    /// Where to write the decision and its numbers (choice.json).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,

    /// Percentage by which a variant may exceed the baseline's cost on a workload.
    #[arg(long, value_name = "PCT", default_value = "0", value_parser = parse_percent)]
    pub tolerance: f64,

    /// The variant the others are compared with, and the last resort.
    #[arg(long, default_value = "baseline")]
    pub baseline: String,
}

pub fn run(_: &GlobalArgs, args: ChooseVariantArgs) -> Result<()> {
    let evaluation: Evaluation = read_json(&args.evaluation, "an evaluation (evaluation.json)")?;
    let choice = choice::choose(&evaluation, &args.baseline, args.tolerance)?;
    write_json(&args.output, &choice)?;
    if !choice.silent_workloads.is_empty() {
        eprintln!(
            "nix-pgo: warning: {}",
            choice::silent_warning(&choice.silent_workloads)
        );
    }
    for d in &choice.dropped {
        eprintln!(
            "nix-pgo: warning: not shipping '{}': {}",
            d.variant, d.reason
        );
    }
    for c in &choice.candidates {
        eprintln!(
            "nix-pgo: candidate '{}': {:.4}{} of {}'s {} (geometric mean over {} workloads){}",
            c.variant,
            c.geomean_ratio,
            c.geomean_ratio_range
                .map(|r| format!(" (runs {:.4}–{:.4})", r.min, r.max))
                .unwrap_or_default(),
            choice.baseline,
            choice.ranked_by.name(),
            c.workloads.len(),
            if c.variant == choice.chosen {
                "  CHOSEN"
            } else {
                ""
            }
        );
    }
    if let Some(fastest) = &choice.fastest_within_noise {
        eprintln!(
            "nix-pgo: '{fastest}' has the lowest geometric mean, but the runs of '{}' reach it \
             (a workload started threads and ran several times): the difference is noise, \
             so the simpler variant ships",
            choice.chosen
        );
    }
    println!("{}", choice.chosen);
    Ok(())
}
