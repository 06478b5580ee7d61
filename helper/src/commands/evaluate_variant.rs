//! `nix-pgo evaluate-variant`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::callgrind;
use nix_pgo::evaluation::{check_name, sha256_file, variant_path, FunctionCount, VariantRun};
use nix_pgo::output::write_json;
use std::fs;
use std::path::PathBuf;

/// Read one variant's callgrind output files (run with `--cache-sim=yes
/// --branch-sim=yes`) and stdout, and write `OUT/<variant>.json`: its
/// instructions and estimated cycles, runs, stdout hash and self costs per
/// function.
#[derive(Debug, clap::Args)]
pub struct EvaluateVariantArgs {
    /// The evaluation workload's name.
    #[arg(long)]
    pub workload: String,

    /// The variant's name (baseline, optimized, ...).
    #[arg(long)]
    pub variant: String,

    /// What the workload printed on stdout (hashed, to compare variants).
    #[arg(long, value_name = "FILE")]
    pub stdout: PathBuf,

    /// Directory to write `<variant>.json` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// callgrind's output files, one per process the workload started.
    #[arg(value_name = "CALLGRIND_OUT", required = true)]
    pub callgrind: Vec<PathBuf>,
}

pub fn run(_: &GlobalArgs, args: EvaluateVariantArgs) -> Result<()> {
    check_name("variant", &args.variant)?;
    let counts = callgrind::read_files(&args.callgrind).with_context(|| {
        format!(
            "workload '{}', variant '{}': could not count instructions",
            args.workload, args.variant
        )
    })?;
    let Some(estimated_cycles) = counts.total.estimated_cycles else {
        bail!(
            "workload '{}', variant '{}': the callgrind output has no cache and branch \
             simulation events, so cycles can't be estimated: run callgrind with \
             --cache-sim=yes --branch-sim=yes",
            args.workload,
            args.variant
        );
    };
    let mut functions: Vec<FunctionCount> = counts
        .functions
        .into_iter()
        .filter(|(_, c)| c.instructions > 0)
        .map(|(name, c)| FunctionCount {
            name,
            instructions: c.instructions,
            // Known for every function when known for the total.
            estimated_cycles: c.estimated_cycles.unwrap_or(0),
        })
        .collect();
    functions.sort_by(|a, b| {
        b.instructions
            .cmp(&a.instructions)
            .then_with(|| a.name.cmp(&b.name))
    });
    let run = VariantRun {
        workload: args.workload,
        variant: args.variant,
        instructions: counts.total.instructions,
        estimated_cycles,
        runs: counts.runs,
        stdout_sha256: sha256_file(&args.stdout)?,
        functions,
    };
    fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create {}", args.out.display()))?;
    write_json(&variant_path(&args.out, &run.variant), &run)?;
    eprintln!(
        "nix-pgo: {} instructions, {} estimated cycles in {} run(s), {} functions, stdout sha256 {}",
        run.instructions,
        run.estimated_cycles,
        run.runs,
        run.functions.len(),
        run.stdout_sha256
    );
    Ok(())
}
