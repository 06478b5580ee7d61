//! `nix-pgo verify`: check a repository's lock file against its profiles, as
//! a CI check that the committed lock still describes what the workloads
//! produce, and that a checked-in copy of a profile (or BOLT profile) is the
//! locked one.

use crate::commands::GlobalArgs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use nix_pgo::lock::{self, Format, LockEntry, LockFile};
use nix_pgo::output::print_json;
use nix_pgo::store::{self, NarHash, DEFAULT_STORE_DIR};
use nix_pgo::tool::LlvmProfdataArg;

/// Check a lock file against built and checked-in profiles.
///
/// Every check runs and every mismatch is reported before failing. Without
/// --profile or --checked-in, only the lock's own consistency is checked
/// (each storePath follows from its narHash and name).
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The lock file (pgo.lock.json).
    #[arg(long, value_name = "FILE")]
    pub lock_file: PathBuf,

    /// Check only this package.
    #[arg(long = "package", value_name = "PNAME")]
    pub package: Option<String>,

    /// The toolchain whose entries to check; needed when the lock has several
    /// toolchains for a package.
    #[arg(long, value_name = "ID")]
    pub toolchain: Option<String>,

    /// A built profile directory holding <pname>.profdata (or Go's
    /// <pname>.pgo): its NAR hash and fingerprint must be the lock's. Repeatable.
    #[arg(long = "profile", value_name = "DIR")]
    pub profiles: Vec<PathBuf>,

    /// A directory of checked-in profiles (<pname>.profdata, e.g. pgo/):
    /// each must have the lock's fingerprint; and of checked-in BOLT profiles
    /// (<pname>.bolt directories): each must have the lock's bolt.narHash.
    #[arg(long, value_name = "DIR")]
    pub checked_in: Option<PathBuf>,

    /// A Go program's committed default.pgo (the file `go build -pgo=auto`
    /// reads, named for no package): with --package, its fingerprint must be
    /// the lock's entry for that package.
    #[arg(long, value_name = "FILE", requires = "package")]
    pub default_pgo: Option<PathBuf>,

    /// Store directory the lock's store paths were computed for.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_STORE_DIR)]
    pub store_dir: String,

    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,
}

/// Whether a profile file is named as a profile of `format` (`.profdata`, `.pgo`).
fn named_as(path: &Path, format: Format) -> bool {
    path.extension().is_some_and(|e| e == format.extension())
}

/// How to make a checked-in profile and the lock agree again. A Go profile may
/// come from production (`nix-pgo import`): updateProfile would replace it with
/// one trained from the workloads, so it is offered second.
fn relock_advice(path: &Path, pname: &str, toolchain: &str, lock_file: &Path) -> String {
    if named_as(path, Format::Pprof) {
        format!(
            "to keep this profile (one imported from production), lock it as it is with \
             `nix-pgo import --source file:{path} --output {path} --lock {lock} --name {pname} \
             --toolchain {toolchain}`; to train it from the workloads instead, run the \
             package's updateProfile",
            path = path.display(),
            lock = lock_file.display()
        )
    } else {
        "run the package's updateProfile to re-create both".to_owned()
    }
}

/// A checked-in profile file of `pname` against the lock's fingerprint.
fn check_checked_in(args: &VerifyArgs, lock: &LockFile, pname: String, path: PathBuf) -> Check {
    let (toolchain, problem) = match lock.entry(&pname, args.toolchain.as_deref()) {
        Err(err) => (args.toolchain.clone(), Some(format!("{err:#}"))),
        Ok((toolchain, entry)) => (
            Some(toolchain.to_owned()),
            match lock::fingerprint_file(&path, &args.llvm_profdata) {
                Err(err) => Some(format!("{err:#}")),
                Ok((fp, _)) if fp == entry.fingerprint => None,
                Ok((fp, _)) => Some(format!(
                    "its fingerprint is {fp}, the lock has {} (locked on {}); the \
                     checked-in profile and the lock disagree: {}, and commit them together",
                    entry.fingerprint,
                    entry.fingerprint_changed,
                    relock_advice(&path, &pname, toolchain, &args.lock_file)
                )),
            },
        ),
    };
    Check {
        kind: "checked-in",
        package: pname,
        toolchain,
        path: Some(path),
        problem,
    }
}

#[derive(Debug, Serialize)]
struct Check {
    /// "lock", "profile" or "checked-in".
    kind: &'static str,
    package: String,
    toolchain: Option<String>,
    path: Option<PathBuf>,
    /// What is wrong, or None when the check passed.
    problem: Option<String>,
}

#[derive(Debug, Serialize)]
struct VerifyReport<'a> {
    lock_file: &'a Path,
    ok: bool,
    checks: &'a [Check],
}

/// Compare one locked value with the one found, describing a difference.
fn compare(what: &str, locked: &str, found: &str, problems: &mut Vec<String>) {
    if locked != found {
        problems.push(format!("{what} is {found}, the lock has {locked}"));
    }
}

pub fn run(global: &GlobalArgs, args: VerifyArgs) -> Result<()> {
    let lock = LockFile::load(&args.lock_file)?;
    // The checked-in profiles, listed once: <pname>.profdata and <pname>.pgo.
    let checked_in = match &args.checked_in {
        Some(dir) => lock::profdata_files(dir)?,
        None => Vec::new(),
    };
    // LLVM profiles are fingerprinted with llvm-profdata: without one, say so now, as
    // the usage error it is, rather than as a mismatch of every profile.
    // (A directory that can't be listed is reported by its own check below.)
    let is_llvm = |path: &Path| named_as(path, Format::Llvm);
    let llvm_profiles = checked_in.iter().any(|(_, path)| is_llvm(path))
        || args.profiles.iter().any(|dir| {
            lock::profdata_files(dir).is_ok_and(|found| found.iter().any(|(_, p)| is_llvm(p)))
        });
    if llvm_profiles {
        args.llvm_profdata
            .resolve()
            .context("verify reads LLVM profiles (.profdata files in --profile or --checked-in)")?;
    }
    let wanted = |pname: &str| args.package.as_deref().is_none_or(|p| p == pname);
    let mut checks = Vec::new();

    // The lock itself: a storePath that does not follow from narHash and
    // name means a hand edit, and Nix would build another path than the
    // one recorded.
    for (pname, toolchains) in lock.profiles.iter().filter(|(p, _)| wanted(p)) {
        for (toolchain, entry) in toolchains {
            if args.toolchain.as_deref().is_some_and(|t| t != toolchain) {
                continue;
            }
            let mut paths = vec![("", &entry.nar_hash, &entry.name, &entry.store_path)];
            if let Some(bolt) = &entry.bolt {
                paths.push(("bolt.", &bolt.nar_hash, &bolt.name, &bolt.store_path));
            }
            for (field, nar_hash, name, store_path) in paths {
                let sha256 = NarHash::parse_sri(nar_hash)?;
                let expected = store::fixed_output_path(&args.store_dir, name, &sha256)?;
                checks.push(Check {
                    kind: "lock",
                    package: pname.clone(),
                    toolchain: Some(toolchain.clone()),
                    // Which entry: the profile's or the BOLT profile's.
                    path: Some(PathBuf::from(store_path)),
                    problem: (expected != *store_path).then(|| {
                        format!(
                            "{field}storePath {store_path} does not follow from {field}narHash \
                             and {field}name (expected {expected}); the lock was edited by \
                             hand: re-create the entry with `nix-pgo lock`"
                        )
                    }),
                });
            }
        }
    }

    for dir in &args.profiles {
        let check = check_profile_dir(&args, &lock, dir);
        checks.push(check);
    }

    if let Some(dir) = &args.checked_in {
        if let Some(pname) = &args.package {
            if !checked_in.iter().any(|(p, _)| p == pname) {
                // <pname>.profdata, or a Go package's <pname>.pgo.
                let extension = lock
                    .profiles
                    .get(pname)
                    .and_then(|toolchains| toolchains.values().next())
                    .map_or(Format::Llvm, LockEntry::format)
                    .extension();
                let file = format!("{pname}.{extension}");
                checks.push(Check {
                    kind: "checked-in",
                    package: pname.clone(),
                    toolchain: args.toolchain.clone(),
                    path: Some(dir.join(&file)),
                    problem: Some(format!(
                        "{} has no {file}; check in the locked profile: copy {file} from the \
                         locked `profile` stage's output (`nix build .#profile`) there",
                        dir.display()
                    )),
                });
            }
        }
        for (pname, path) in checked_in.into_iter().filter(|(p, _)| wanted(p)) {
            if pname == "default" && named_as(&path, Format::Pprof) {
                // Go's default.pgo names no package: --default-pgo says whose.
                checks.push(Check {
                    kind: "checked-in",
                    package: pname,
                    toolchain: args.toolchain.clone(),
                    path: Some(path.clone()),
                    problem: Some(format!(
                        "{} is Go's default.pgo, which names no package: check it with \
                         --default-pgo {} --package PNAME",
                        path.display(),
                        path.display()
                    )),
                });
                continue;
            }
            checks.push(check_checked_in(&args, &lock, pname, path));
        }
    }
    if let (Some(path), Some(pname)) = (&args.default_pgo, &args.package) {
        checks.push(check_checked_in(&args, &lock, pname.clone(), path.clone()));
    }

    if let Some(dir) = &args.checked_in {
        for (pname, path) in lock::bolt_profile_dirs(dir)?
            .into_iter()
            .filter(|(p, _)| wanted(p))
        {
            checks.push(check_bolt_dir(&args, &lock, pname, path));
        }
    }

    let failed: Vec<&Check> = checks.iter().filter(|c| c.problem.is_some()).collect();
    if global.json {
        print_json(&VerifyReport {
            lock_file: &args.lock_file,
            ok: failed.is_empty(),
            checks: &checks,
        })?;
    } else {
        for check in &checks {
            println!("{}", describe(check));
        }
    }
    if !failed.is_empty() {
        // The human output just listed every check; JSON callers get the
        // failures again here, on stderr, where they look for the reason.
        let list = if global.json {
            failed
                .iter()
                .map(|c| describe(c) + "\n")
                .collect::<String>()
        } else {
            "(see the MISMATCH lines above)\n".to_owned()
        };
        bail!(
            "{} of {} check(s) of {} failed:\n{}If the workloads or the source changed on \
             purpose, re-create the profile and the lock with the package's updateProfile (or \
             `nix-pgo lock --lock-file {} --package PNAME --toolchain ID --profile DIR --name \
             STORE_NAME`) and commit the result",
            failed.len(),
            checks.len(),
            args.lock_file.display(),
            list,
            args.lock_file.display()
        );
    }
    Ok(())
}

fn describe(check: &Check) -> String {
    let mut subject = format!("{} {}", check.kind, check.package);
    if let Some(toolchain) = &check.toolchain {
        subject += &format!(" ({toolchain})");
    }
    if let Some(path) = &check.path {
        subject += &format!(" {}", path.display());
    }
    match &check.problem {
        None => format!("ok: {subject}"),
        Some(problem) => format!("MISMATCH: {subject}: {problem}"),
    }
}

/// A built profile directory: its pname comes from the one `<pname>.profdata`
/// it holds; NAR hash and fingerprint must match that package's entry.
fn check_profile_dir(args: &VerifyArgs, lock: &LockFile, dir: &Path) -> Check {
    let mut check = Check {
        kind: "profile",
        // Replaced by the pname found in DIR once it is known.
        package: args.package.clone().unwrap_or_else(|| "?".to_owned()),
        toolchain: args.toolchain.clone(),
        path: Some(dir.to_owned()),
        problem: None,
    };
    let result = (|| -> Result<Vec<String>> {
        let found = lock::profdata_files(dir)?;
        let (pname, file) = match (found.as_slice(), &args.package) {
            ([(pname, file)], _) => (pname.clone(), file.clone()),
            (_, Some(pname)) => (pname.clone(), lock::profile_file(dir, pname)?.0),
            _ => bail!(
                "{} holds {} profiles (.profdata, .pgo), not one; pass --package to say which to check",
                dir.display(),
                found.len()
            ),
        };
        check.package = pname.clone();
        if args.package.as_ref().is_some_and(|p| *p != pname) {
            bail!(
                "it holds {}, but --package asks for another package",
                file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            );
        }
        let (toolchain, entry) = lock.entry(&pname, args.toolchain.as_deref())?;
        check.toolchain = Some(toolchain.to_owned());
        let mut problems = Vec::new();
        compare(
            "the NAR hash",
            &entry.nar_hash,
            &store::nar_hash(dir)?.sri(),
            &mut problems,
        );
        compare(
            "the fingerprint",
            &entry.fingerprint,
            &lock::fingerprint_file(&file, &args.llvm_profdata)?.0,
            &mut problems,
        );
        if !problems.is_empty() {
            problems.push(format!(
                "the profile built now is not the one locked on {} (workloads, source or \
                 toolchain changed, or a workload is not deterministic)",
                entry.fingerprint_changed
            ));
        }
        Ok(problems)
    })();
    check.problem = match result {
        Ok(problems) if problems.is_empty() => None,
        Ok(problems) => Some(problems.join("; ")),
        Err(err) => Some(format!("{err:#}")),
    };
    check
}

/// A checked-in BOLT profile (`<pname>.bolt`): its NAR hash must be the lock's
/// `bolt.narHash`, as the locked BOLT profile's build checks.
fn check_bolt_dir(args: &VerifyArgs, lock: &LockFile, pname: String, path: PathBuf) -> Check {
    let mut check = Check {
        kind: "checked-in BOLT profile",
        package: pname,
        toolchain: args.toolchain.clone(),
        path: Some(path),
        problem: None,
    };
    let (pname, path) = (
        &check.package,
        check.path.as_deref().unwrap_or(Path::new("")),
    );
    let problem = match lock.entry(pname, args.toolchain.as_deref()) {
        Err(err) => Some(format!("{err:#}")),
        Ok((toolchain, entry)) => {
            check.toolchain = Some(toolchain.to_owned());
            match (&entry.bolt, store::nar_hash(path)) {
                (None, _) => Some(format!(
                    "the lock has no BOLT profile for {pname}: re-lock with the package's \
                     updateProfile (it locks the BOLT profile too), or remove the \
                     checked-in copy"
                )),
                (_, Err(err)) => Some(format!("{err:#}")),
                (Some(bolt), Ok(found)) if found.sri() == bolt.nar_hash => None,
                (Some(bolt), Ok(found)) => Some(format!(
                    "its NAR hash is {}, the lock has {}; the checked-in BOLT profile and the \
                     lock disagree: copy the locked `bolt-profile` stage's output there again, \
                     or re-lock with the package's updateProfile",
                    found.sri(),
                    bolt.nar_hash
                )),
            }
        }
    };
    check.problem = problem;
    check
}
