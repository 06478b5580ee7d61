//! `nix-pgo regressions`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Result};
use nix_pgo::evaluation::Metric;
use nix_pgo::output::print_json;
use nix_pgo::percent;
use nix_pgo::percent::parse_percent;
use nix_pgo::regressions;
use nix_pgo::regressions::Comparison;
use std::path::PathBuf;

/// Compare every variant with the baseline on each evaluation workload and
/// fail when one executes more instructions, or more estimated cycles
/// (KCachegrind's CEst), than the baseline plus the tolerance, naming the
/// workload and the functions that got more expensive.
#[derive(Debug, clap::Args)]
pub struct RegressionsArgs {
    /// Evaluation workload results (directories with result.json and variants/).
    #[arg(value_name = "DIR", required = true)]
    pub results: Vec<PathBuf>,

    /// Percentage by which a variant may exceed the baseline's instructions or estimated cycles.
    #[arg(long, value_name = "PCT", default_value = "0", value_parser = parse_percent)]
    pub tolerance: f64,

    /// The variant the others are compared with.
    #[arg(long, default_value = "baseline")]
    pub baseline: String,

    /// How many of the functions that got more expensive to name.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

pub fn run(global: &GlobalArgs, args: RegressionsArgs) -> Result<()> {
    let options = regressions::Options {
        baseline: args.baseline.clone(),
        tolerance: args.tolerance,
        top: args.top,
    };
    let mut comparisons = Vec::new();
    for dir in &args.results {
        comparisons.extend(regressions::compare_workload(dir, &options)?);
    }
    let regressions: Vec<&Comparison> = comparisons.iter().filter(|c| c.regression).collect();

    if global.json {
        print_json(&comparisons)?;
    }
    for c in &comparisons {
        eprintln!(
            "nix-pgo: {}: {} {} instructions, {} estimated cycles; {} {} ({}), {} ({}){}",
            c.workload,
            args.baseline,
            c.baseline_instructions,
            c.baseline_estimated_cycles,
            c.variant,
            c.instructions,
            percent::change(c.change_percent),
            c.estimated_cycles,
            percent::change(c.estimated_cycles_change_percent),
            if c.regression { "  REGRESSION" } else { "" }
        );
    }
    if regressions.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "{} variant(s) execute more instructions or estimated cycles than {} beyond the tolerance of {}%:",
        regressions.len(),
        args.baseline,
        args.tolerance
    );
    for c in regressions {
        for metric in &c.regressed {
            let (value, base, change) = match metric {
                Metric::Instructions => (c.instructions, c.baseline_instructions, c.change_percent),
                Metric::EstimatedCycles => (
                    c.estimated_cycles,
                    c.baseline_estimated_cycles,
                    c.estimated_cycles_change_percent,
                ),
            };
            message.push_str(&format!(
                "\n- workload '{}': {} {} {value} {}, {} over {} ({base})",
                c.workload,
                c.variant,
                metric.verb(),
                metric.name(),
                percent::change(change),
                args.baseline,
            ));
        }
        message.push_str(&format!(
            "; functions whose self {} grew most:",
            c.regressed[0].name()
        ));
        for f in &c.more_expensive {
            message.push_str(&format!(
                "\n    +{} {} ({} -> {})",
                f.increase(),
                f.function,
                f.baseline,
                f.variant
            ));
        }
    }
    message.push_str(
        "\nThe training workloads probably don't exercise what this workload does, so PGO compiled it \
         as cold code: add a training workload that covers it (or a low-weight broad one), \
         or raise the package's regression tolerance if the loss is accepted.",
    );
    bail!(message)
}
