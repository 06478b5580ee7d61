//! `nix-pgo evaluation-summary`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::evaluation::{Evaluation, WorkloadResult};
use nix_pgo::output::{read_json, write_json};
use std::path::PathBuf;

/// Write `evaluation.json`, every workload's result.json in one file.
#[derive(Debug, clap::Args)]
pub struct EvaluationSummaryArgs {
    /// Where to write evaluation.json.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,

    /// The workloads' result.json files, in the order to list them.
    #[arg(value_name = "RESULT_JSON")]
    pub results: Vec<PathBuf>,
}

pub fn run(_: &GlobalArgs, args: EvaluationSummaryArgs) -> Result<()> {
    let workloads = args
        .results
        .iter()
        .map(|path| read_json(path, "an evaluation result (result.json)"))
        .collect::<Result<Vec<WorkloadResult>>>()?;
    let evaluation = Evaluation { workloads };
    write_json(&args.output, &evaluation)?;
    // The whole summary in the build log, as before.
    nix_pgo::output::print_json(&evaluation)
}
