//! `nix-pgo evaluation-result`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Result};
use nix_pgo::evaluation::{Ordered, VariantRun, VariantSummary, WorkloadResult};
use nix_pgo::output::{read_json, write_json};
use std::path::PathBuf;

/// Write one workload's `result.json` from its variants' files, in the
/// order given.
#[derive(Debug, clap::Args)]
pub struct EvaluationResultArgs {
    /// The evaluation workload's name.
    #[arg(long)]
    pub workload: String,

    /// Where to write result.json.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,

    /// `evaluate-variant`'s files, in the order the variants ran.
    #[arg(value_name = "VARIANT_JSON", required = true)]
    pub variants: Vec<PathBuf>,
}

pub fn run(_: &GlobalArgs, args: EvaluationResultArgs) -> Result<()> {
    let mut variants: Vec<(String, VariantSummary)> = Vec::new();
    for path in &args.variants {
        let run: VariantRun = read_json(path, "an evaluate-variant file")?;
        if run.workload != args.workload {
            bail!(
                "{} is a run of workload '{}', not '{}'",
                path.display(),
                run.workload,
                args.workload
            );
        }
        if variants.iter().any(|(v, _)| *v == run.variant) {
            bail!("variant '{}' is given twice", run.variant);
        }
        variants.push((
            run.variant,
            VariantSummary {
                instructions: run.instructions,
                estimated_cycles: run.estimated_cycles,
                processes: run.processes,
                stdout_sha256: run.stdout_sha256,
                spread: run.spread,
            },
        ));
    }
    let result = WorkloadResult {
        workload: args.workload,
        variants: Ordered(variants),
    };
    write_json(&args.output, &result)
}
