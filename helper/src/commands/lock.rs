//! `nix-pgo lock`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::choice::Choice;
use nix_pgo::date::{parse_date, today};
use nix_pgo::lock::{
    fingerprint_file, profile_file, update, write_if_changed, BoltLock, Change, LockEntry, LockFile,
};
use nix_pgo::output::{print_json, read_json};
use nix_pgo::store::{self, DEFAULT_STORE_DIR};
use nix_pgo::tool::LlvmProfdataArg;
use nix_pgo::workload_source::workload_contents;
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

    /// The BOLT profile trained on the binary this profile optimizes (the
    /// bolt-profile derivation's output: <binary>.fdata and
    /// nix-support/bolt-input.sha256), to lock with it.
    #[arg(long, value_name = "DIR", requires = "bolt_name")]
    pub bolt_profile: Option<PathBuf>,

    /// Store path name of the fixed-output BOLT profile, e.g.
    /// "pulldown-cmark-bolt-profile".
    #[arg(long, value_name = "STORE_NAME", requires = "bolt_profile")]
    pub bolt_name: Option<String>,

    /// The variant to ship, locked: the `best` stage's nix-support/choice.json
    /// (`nix-pgo choose-variant`), made by the evaluation of the variants
    /// built from this profile. Without it the entry keeps no choice.
    #[arg(long, value_name = "FILE")]
    pub choice: Option<PathBuf>,

    /// The training workloads, as the stages were given them (a JSON object
    /// of workloadSources.nix: script or settings, and inputs, as store
    /// paths), to record what each was made of: the profile is locked, and
    /// `check-training` names a workload edited since. Without it an entry
    /// with the same profile keeps what it recorded.
    #[arg(long, value_name = "FILE")]
    pub training_workloads: Option<PathBuf>,

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
    if let Some(name) = &args.bolt_name {
        store::check_name(name).context("invalid --bolt-name")?;
    }
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
    let bolt = match (&args.bolt_profile, args.bolt_name) {
        (Some(dir), Some(name)) => Some(bolt_lock(dir, name, &args.store_dir)?),
        _ => None,
    };
    let choice = args
        .choice
        .as_deref()
        .map(|path| -> Result<Choice> {
            let choice: Choice =
                read_json(path, "a variant choice (the best stage's choice.json)")?;
            choice
                .validate()
                .with_context(|| format!("{} is not a choice to lock", path.display()))?;
            Ok(choice)
        })
        .transpose()?;
    let training_sources = match &args.training_workloads {
        Some(path) => workload_contents(&read_json(
            path,
            "the training workloads (workloadSources.nix)",
        )?)?,
        None => BTreeMap::new(),
    };
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
        bolt,
        choice,
        training_sources,
    };
    let workloads = (!args.workloads.is_empty()).then_some(workloads);
    let old = lock
        .profiles
        .get(&args.package)
        .and_then(|entries| entries.get(&args.toolchain))
        .cloned();
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
        let what = match (change, &old) {
            (Change::Added, _) => "added".to_owned(),
            (Change::FingerprintChanged, _) => "profile data changed".to_owned(),
            (Change::Updated, Some(old)) => format!(
                "same profile data, updated: {}",
                old.changed_fields(entry).join(", ")
            ),
            (Change::Updated, None) => "same profile data, updated".to_owned(),
            (Change::Unchanged, _) => "unchanged".to_owned(),
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
        if let Some(bolt) = &entry.bolt {
            println!("  BOLT profile: {} {}", bolt.store_path, bolt.nar_hash);
        }
        if let Some(choice) = &entry.choice {
            println!("  ships: {}", choice.chosen);
        }
        Ok(())
    }
}

/// The lock of a BOLT profile directory: what makes it one (a `.fdata` per
/// binary, and the binaries it was recorded on) is checked before it is hashed.
fn bolt_lock(dir: &Path, name: String, store_dir: &str) -> Result<BoltLock> {
    let record = dir.join("nix-support/bolt-input.sha256");
    let binaries = std::fs::read_to_string(&record).with_context(|| {
        format!(
            "{} is not a BOLT profile of this nix-pgo: it has no {} (the binaries it was \
             recorded on); give --bolt-profile the bolt-profile stage's output",
            dir.display(),
            record.display()
        )
    })?;
    if binaries.trim().is_empty() {
        bail!("{} lists no binaries", record.display());
    }
    for line in binaries.lines() {
        let bin = line.split_once("  ").map_or(line, |(_, bin)| bin);
        let fdata = dir.join(format!("{bin}.fdata"));
        if !fdata.is_file() {
            bail!(
                "{} has no {bin}.fdata, though {} lists {bin}",
                dir.display(),
                record.display()
            );
        }
    }
    let nar = store::nar_hash(dir)?;
    Ok(BoltLock {
        nar_hash: nar.sri(),
        store_path: store::fixed_output_path(store_dir, &name, &nar.sha256)?,
        name,
    })
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
