//! `nix-pgo choose-variant`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::choice::{self, Choice};
use nix_pgo::evaluation::Evaluation;
use nix_pgo::lock::LockFile;
use nix_pgo::output::{read_json, write_json};
use nix_pgo::percent::parse_percent;
use nix_pgo::workload_source::{
    describe_changes, hashes_note, workload_contents, SpecWorkload, WorkloadContent,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Choose the variant to ship from an evaluation: among those that pass the
/// regression check on every workload (same output as the baseline, no cost
/// above it beyond the tolerance), the lowest geometric mean of cost relative
/// to the baseline; the baseline as the last resort. Prints the chosen
/// variant's name on stdout and a warning on stderr for each dropped variant.
/// With --locked-in, the choice a lock holds instead (written by `nix-pgo lock
/// --choice`), as it was made.
#[derive(Debug, clap::Args)]
pub struct ChooseVariantArgs {
    /// The evaluation's evaluation.json.
    #[arg(value_name = "EVALUATION_JSON", required_unless_present = "locked_in")]
    pub evaluation: Option<PathBuf>,

    /// Take the choice this lock file holds for --package and --toolchain
    /// instead of choosing from an evaluation (a package with a locked choice
    /// ships without evaluating).
    #[arg(long, value_name = "LOCK_FILE", conflicts_with = "evaluation", requires_all = ["package", "toolchain"])]
    pub locked_in: Option<PathBuf>,

    /// With --locked-in: the package whose entry holds the choice.
    #[arg(long = "package", value_name = "PNAME", requires = "locked_in")]
    pub package: Option<String>,

    /// With --locked-in: the toolchain id of that entry.
    #[arg(long, value_name = "ID", requires = "locked_in")]
    pub toolchain: Option<String>,

    /// The evaluation workloads' scripts and inputs, as JSON: { "<name>": {
    /// "script" | "benchmark" | "cargoTest", "inputs": { "<name>": "<store
    /// path>" } } } (nix/internal/workload/workloadSources.nix). Their NAR
    /// hashes are recorded in the choice; with --locked-in, the locked choice
    /// is refused when they differ from the ones it recorded.
    #[arg(long, value_name = "JSON_FILE")]
    pub workloads: Option<PathBuf>,

    /// With --locked-in: how to lock a new choice, for the refusal.
    #[arg(long, value_name = "TEXT", requires = "locked_in")]
    pub relock: Option<String>,

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
    let sources = match &args.workloads {
        Some(file) => {
            let spec: BTreeMap<String, SpecWorkload> =
                read_json(file, "the evaluation workloads' sources")?;
            Some(workload_contents(&spec)?)
        }
        None => None,
    };
    let choice = match (&args.locked_in, &args.evaluation) {
        (Some(lock_file), _) => {
            let (pname, toolchain) = (
                args.package.as_deref().unwrap_or_default(),
                args.toolchain.as_deref(),
            );
            let lock = LockFile::load(lock_file)?;
            let (_, entry) = lock.entry(pname, toolchain)?;
            let choice = entry.choice.clone().with_context(|| {
                format!(
                    "{}'s entry for {pname} locks no choice: re-lock it with the package's \
                     updateProfile and lockChoice = true",
                    lock_file.display()
                )
            })?;
            if let Some(now) = &sources {
                check_locked_sources(&choice, now, pname, args.relock.as_deref())?;
            }
            eprintln!(
                "nix-pgo: the choice locked in {} (no evaluation ran for it):",
                lock_file.display()
            );
            choice
        }
        (None, Some(evaluation)) => {
            let evaluation: Evaluation = read_json(evaluation, "an evaluation (evaluation.json)")?;
            let mut choice = choice::choose(&evaluation, &args.baseline, args.tolerance)?;
            if let Some(now) = sources {
                choice.workload_sources = now;
                // The check a lock's choice gets: the recorded names are the measured ones.
                choice
                    .validate()
                    .context("--workloads does not describe the evaluation's workloads")?;
            }
            choice
        }
        (None, None) => bail!("give an evaluation.json, or --locked-in LOCK_FILE"),
    };
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

/// Refuse a locked choice made on other workloads than the package's: its
/// numbers would be shipped as if measured on them. A choice that recorded
/// none (locked by an older nix-pgo) can't be checked: a warning.
fn check_locked_sources(
    choice: &Choice,
    now: &BTreeMap<String, WorkloadContent>,
    pname: &str,
    relock: Option<&str>,
) -> Result<()> {
    if choice.workload_sources.is_empty() {
        eprintln!(
            "nix-pgo: warning: the choice locked for {pname} records no sources of its \
             evaluation workloads (it was locked by an older nix-pgo), so an edit of their \
             scripts or inputs since can't be noticed: re-lock the choice to record them"
        );
        return Ok(());
    }
    let changed = choice.changed_workloads(now);
    if changed.is_empty() {
        return Ok(());
    }
    let list = describe_changes(&changed);
    bail!(
        "the choice locked for {pname} was made on evaluation workloads that have changed \
         since: {list}{}. Its numbers are not of the workloads the package has: {} to lock one \
         made on them, or set lockChoice = false to choose from each build's evaluation",
        hashes_note(&changed),
        relock.unwrap_or("re-lock the choice (the package's updateChoice)")
    )
}
