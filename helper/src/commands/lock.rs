//! `nix-pgo lock`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::date::{parse_date, today};
use nix_pgo::lock::{
    fingerprint_file, profile_file, update, write_if_changed, Change, LockEntry, LockFile,
};
use nix_pgo::output::print_json;
use nix_pgo::store::{self, DEFAULT_STORE_DIR};
use nix_pgo::tool::LlvmProfdataArg;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Create or update a lock file entry for one package's profile built with
/// one toolchain.
///
/// Re-locking an unchanged profile leaves the file byte-identical.
#[derive(Debug, clap::Args)]
pub struct LockArgs {
    /// Lock file to create or update (conventionally pgo.lock.json at the
    /// repository root).
    #[arg(long, value_name = "FILE")]
    pub lock_file: PathBuf,

    /// Package name (pname); the profile directory must hold <PNAME>.profdata
    /// (LLVM, Rust) or <PNAME>.pgo (pprof, Go).
    #[arg(long = "package", value_name = "PNAME")]
    pub package: String,

    /// Toolchain identifier: profiles only fit the compiler that made them.
    #[arg(long, value_name = "ID")]
    pub toolchain: String,

    /// The built profile directory (the profile derivation's output).
    #[arg(long, value_name = "DIR")]
    pub profile: PathBuf,

    /// Store path name of the fixed-output profile, e.g.
    /// "pulldown-cmark-profile-0.13.6".
    #[arg(long, value_name = "STORE_NAME")]
    pub name: String,

    /// A workload's own profile, to record its fingerprint. Repeatable.
    #[arg(long = "workload", value_name = "NAME=PROFILE_FILE", value_parser = parse_workload)]
    pub workloads: Vec<(String, PathBuf)>,

    /// The day to record when the fingerprint changes. Defaults to today
    /// (UTC), from $SOURCE_DATE_EPOCH if set, else the system clock.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<String>,

    /// Store directory the store path is computed for.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_STORE_DIR)]
    pub store_dir: String,

    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,
}

/// Parse `NAME=PROFILE_FILE`; the first '=' separates.
fn parse_workload(arg: &str) -> Result<(String, PathBuf), String> {
    match arg.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_owned(), PathBuf::from(path)))
        }
        _ => Err("expected NAME=PROFILE_FILE, e.g. --workload guide=guide.profdata".to_owned()),
    }
}

#[derive(Debug, Serialize)]
struct LockReport<'a> {
    lock_file: &'a Path,
    package: &'a str,
    toolchain: &'a str,
    change: Change,
    written: bool,
    entry: &'a LockEntry,
}

pub fn run(global: &GlobalArgs, args: LockArgs) -> Result<()> {
    store::check_name(&args.name).context("invalid --name")?;
    if args.toolchain.is_empty() || args.package.is_empty() {
        bail!("--package and --toolchain must not be empty");
    }
    let mut workload_args = BTreeMap::new();
    for (name, path) in &args.workloads {
        if workload_args.insert(name.clone(), path.clone()).is_some() {
            bail!("workload {name:?} is given twice with --workload");
        }
    }
    // Read the old lock first: a lock we cannot read must stop us before
    // any work, and must never be overwritten.
    let mut lock = if args.lock_file.exists() {
        LockFile::load(&args.lock_file)?
    } else {
        LockFile::new()
    };

    let (file, _) = profile_file(&args.profile, &args.package)?;
    let (fingerprint, algorithm) = fingerprint_file(&file, &args.llvm_profdata)?;
    let mut workloads = BTreeMap::new();
    for (name, path) in workload_args {
        let (fp, workload_algorithm) = fingerprint_file(&path, &args.llvm_profdata)
            .with_context(|| format!("could not fingerprint workload {name:?}"))?;
        if workload_algorithm != algorithm {
            bail!(
                "workload {name:?}'s profile {} is not of the kind of {} ({workload_algorithm} vs \
                 {algorithm})",
                path.display(),
                file.display()
            );
        }
        workloads.insert(name, fp);
    }
    let nar = store::nar_hash(&args.profile)?;
    let entry = LockEntry {
        fingerprint,
        fingerprint_algorithm: algorithm.to_owned(),
        nar_hash: nar.sri(),
        store_path: store::fixed_output_path(&args.store_dir, &args.name, &nar.sha256)?,
        name: args.name,
        workloads: BTreeMap::new(),
        fingerprint_changed: match args.date {
            Some(date) => date,
            None => today()?,
        },
    };
    let workloads = (!args.workloads.is_empty()).then_some(workloads);
    let change = update(&mut lock, &args.package, &args.toolchain, entry, workloads);
    let written = write_if_changed(&args.lock_file, &lock.to_json()?)?;

    let entry = &lock.profiles[&args.package][&args.toolchain];
    if global.json {
        print_json(&LockReport {
            lock_file: &args.lock_file,
            package: &args.package,
            toolchain: &args.toolchain,
            change,
            written,
            entry,
        })
    } else {
        let what = match change {
            Change::Added => "added",
            Change::FingerprintChanged => "profile data changed",
            Change::Updated => "same profile data, metadata updated",
            Change::Unchanged => "unchanged",
        };
        println!(
            "{}: {} ({}): {what}; {} {}, fingerprint {} (changed {})",
            args.lock_file.display(),
            args.package,
            args.toolchain,
            entry.store_path,
            entry.nar_hash,
            entry.fingerprint,
            entry.fingerprint_changed
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_arguments() {
        assert!(parse_workload("guide=a.profdata").is_ok());
        assert!(parse_workload("=a").is_err());
        assert!(parse_workload("guide").is_err());
    }
}
