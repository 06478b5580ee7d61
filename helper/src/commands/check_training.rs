//! `nix-pgo check-training`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Result};
use nix_pgo::lock::LockFile;
use nix_pgo::output::{print_json, read_json};
use nix_pgo::workload_source::{
    changed_workloads, describe_changes, hashes_note, workload_contents,
};
use serde::Serialize;
use std::path::PathBuf;

/// Check that a locked profile's training workloads are the package's: fails,
/// naming each one edited, added or removed since the profile was locked
/// (the lock entry's `trainingSources`). A locked profile is not retrained,
/// so without this an edit would go unnoticed; a lock that records none
/// (written by an older nix-pgo) gets a warning.
#[derive(Debug, clap::Args)]
pub struct CheckTrainingArgs {
    /// The lock file (pgo.lock.json).
    #[arg(long, value_name = "FILE")]
    pub lock_file: PathBuf,

    /// Package name (pname).
    #[arg(long = "package", value_name = "PNAME")]
    pub package: String,

    /// Toolchain identifier of the entry.
    #[arg(long, value_name = "ID")]
    pub toolchain: String,

    /// The package's training workloads now, as the stages are given them (a
    /// JSON object of workloadSources.nix).
    #[arg(long, value_name = "FILE")]
    pub workloads: PathBuf,

    /// How to re-lock, for the message (e.g. the package's updateProfile command).
    #[arg(long, value_name = "TEXT")]
    pub relock: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    package: String,
    /// Whether the lock recorded the training workloads at all.
    recorded: bool,
    /// The workloads changed since, by name, each with what changed.
    changed: Vec<(String, Vec<String>)>,
}

pub fn run(global: &GlobalArgs, args: CheckTrainingArgs) -> Result<()> {
    let lock = LockFile::load(&args.lock_file)?;
    let (_, entry) = lock.entry(&args.package, Some(&args.toolchain))?;
    let now = workload_contents(&read_json(
        &args.workloads,
        "the training workloads (workloadSources.nix)",
    )?)?;
    let pname = &args.package;
    let relock = args
        .relock
        .as_deref()
        .unwrap_or("the package's updateProfile");
    let recorded = !entry.training_sources.is_empty();
    if !recorded {
        eprintln!(
            "nix-pgo: warning: the profile locked for {pname} records no sources of its \
             training workloads (it was locked by an older nix-pgo), so an edit of their \
             scripts or inputs since can't be noticed: re-lock it with {relock} to record them"
        );
    }
    let changed = if recorded {
        changed_workloads(&entry.training_sources, &now)
    } else {
        Vec::new()
    };
    if global.json {
        print_json(&Report {
            package: pname.clone(),
            recorded,
            changed: changed
                .iter()
                .map(|(name, changes)| {
                    (
                        name.clone(),
                        changes.iter().map(ToString::to_string).collect(),
                    )
                })
                .collect(),
        })?;
    }
    if !changed.is_empty() {
        bail!(
            "the profile locked for {pname} was trained on workloads that have changed since: \
             {}{}. Every build still uses the locked profile, which was not trained on what the \
             training workloads are now: retrain and re-lock with {relock}, or revert the edit",
            describe_changes(&changed),
            hashes_note(&changed)
        );
    }
    if !global.json && recorded {
        println!(
            "{pname}: the profile's training workloads ({}) are those it was locked with",
            now.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}
