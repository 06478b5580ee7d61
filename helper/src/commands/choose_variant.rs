//! `nix-pgo choose-variant`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::choice::{self, Choice};
use nix_pgo::evaluation::sha256_file;
use nix_pgo::evaluation::Evaluation;
use nix_pgo::lock::LockFile;
use nix_pgo::output::{read_json, write_json};
use nix_pgo::percent::parse_percent;
use nix_pgo::workload_source::{
    describe_changes, hashes_note, workload_contents, SpecWorkload, WorkloadContent,
};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

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

    /// A variant's build, NAME=STORE_PATH (repeated): the files of the chosen
    /// one's bin/ are hashed into the choice (`binaries`); with --locked-in,
    /// compared with the ones the locked choice recorded, and a difference
    /// (the source, flags or toolchain changed since it was locked) is warned
    /// about and recorded in the output (`binaries_changed_since_lock`).
    #[arg(long = "variant", value_name = "NAME=STORE_PATH")]
    pub variants: Vec<String>,

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
    let mut variants = BTreeMap::new();
    for v in &args.variants {
        let Some((name, path)) = v.split_once('=') else {
            bail!("--variant {v:?} is not NAME=STORE_PATH");
        };
        variants.insert(name.to_owned(), PathBuf::from(path));
    }
    let choice = match (&args.locked_in, &args.evaluation) {
        (Some(lock_file), _) => {
            let (pname, toolchain) = (
                args.package.as_deref().unwrap_or_default(),
                args.toolchain.as_deref(),
            );
            let lock = LockFile::load(lock_file)?;
            let (_, entry) = lock.entry(pname, toolchain)?;
            let mut choice = entry.choice.clone().with_context(|| {
                format!(
                    "{}'s entry for {pname} locks no choice: re-lock it with the package's \
                     updateProfile and lockChoice = true",
                    lock_file.display()
                )
            })?;
            if let Some(now) = &sources {
                check_locked_sources(&choice, now, pname, args.relock.as_deref())?;
            }
            if let Some(dir) = variants.get(&choice.chosen) {
                choice.binaries_changed_since_lock =
                    changed_binaries(&choice.binaries, &bin_hashes(dir)?);
                if !choice.binaries_changed_since_lock.is_empty() {
                    eprintln!(
                        "nix-pgo: warning: the choice locked for {pname} was made on other \
                         binaries of '{}' than this build's ({}): the source, flags or toolchain \
                         changed since it was locked, and its numbers, shipped as they are, are \
                         of those. {} to measure this build's",
                        choice.chosen,
                        choice.binaries_changed_since_lock.join("; "),
                        args.relock
                            .as_deref()
                            .map(|r| format!("Re-lock the choice: {r}"))
                            .unwrap_or_else(
                                || "Re-lock the choice (the package's updateChoice)".to_owned()
                            )
                    );
                }
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
            if let Some(dir) = variants.get(&choice.chosen) {
                choice.binaries = bin_hashes(dir)?;
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

/// `bin/<name>` to its SHA-256, for each file in `dir`/bin (a variant's build).
fn bin_hashes(dir: &Path) -> Result<BTreeMap<String, String>> {
    let bin = dir.join("bin");
    let mut hashes = BTreeMap::new();
    for entry in fs::read_dir(&bin).with_context(|| format!("could not list {}", bin.display()))? {
        let path = entry?.path();
        if path.is_file() {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            hashes.insert(format!("bin/{name}"), sha256_file(&path)?);
        }
    }
    Ok(hashes)
}

/// How `now` differs from the `locked` binaries, one line per binary; empty
/// when they are the same or none were locked (a choice locked before nix-pgo
/// recorded them).
fn changed_binaries(
    locked: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Vec<String> {
    if locked.is_empty() {
        return Vec::new();
    }
    let names: std::collections::BTreeSet<&String> = locked.keys().chain(now.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| match (locked.get(name), now.get(name)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => Some(format!("{name}: sha256 {a}, now {b}")),
            (Some(a), None) => Some(format!("{name}: sha256 {a}, now not built")),
            (None, Some(b)) => Some(format!("{name}: not locked, now sha256 {b}")),
            (None, None) => None,
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use nix_pgo::evaluation::sha256_hex;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn changed_binaries_names_each_binary_that_differs_and_none_without_a_record() {
        let locked = map(&[("bin/a", "11"), ("bin/b", "22")]);
        assert!(changed_binaries(&locked, &locked).is_empty());
        assert!(changed_binaries(&BTreeMap::new(), &locked).is_empty());
        assert_eq!(
            changed_binaries(
                &locked,
                &map(&[("bin/a", "11"), ("bin/b", "33"), ("bin/c", "44")])
            ),
            vec![
                "bin/b: sha256 22, now 33",
                "bin/c: not locked, now sha256 44"
            ]
        );
        assert_eq!(
            changed_binaries(&locked, &map(&[("bin/a", "11")])),
            vec!["bin/b: sha256 22, now not built"]
        );
    }

    fn args(output: &Path) -> ChooseVariantArgs {
        ChooseVariantArgs {
            evaluation: None,
            locked_in: None,
            package: None,
            toolchain: None,
            workloads: None,
            variants: Vec::new(),
            relock: None,
            output: output.to_owned(),
            tolerance: 0.0,
            baseline: "baseline".to_owned(),
        }
    }

    /// The Rust trial's finding: a locked choice was shipped, with its numbers, after a
    /// source edit had changed the binaries they were measured on, and nothing said so.
    #[test]
    fn a_locked_choice_records_the_chosen_binaries_and_says_when_they_changed() {
        let dir =
            std::env::temp_dir().join(format!("nix-pgo-locked-binaries-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for variant in ["baseline", "optimized", "bolted"] {
            fs::create_dir_all(dir.join(variant).join("bin")).unwrap();
            fs::write(dir.join(variant).join("bin/tool"), variant).unwrap();
        }
        let workloads: Vec<serde_json::Value> = ["a", "b"]
            .iter()
            .map(|w| serde_json::json!({
                "workload": w,
                "variants": {
                    "baseline": { "instructions": 100, "estimated_cycles": 200, "stdout_sha256": "x", "processes": 1 },
                    "optimized": { "instructions": 90, "estimated_cycles": 180, "stdout_sha256": "x", "processes": 1 },
                    "bolted": { "instructions": 95, "estimated_cycles": 170, "stdout_sha256": "x", "processes": 1 }
                }
            }))
            .collect();
        let evaluation = dir.join("evaluation.json");
        fs::write(
            &evaluation,
            serde_json::json!({ "workloads": workloads }).to_string(),
        )
        .unwrap();
        let variant_args: Vec<String> = ["baseline", "optimized", "bolted"]
            .iter()
            .map(|v| format!("{v}={}", dir.join(v).display()))
            .collect();
        // Chosen from the evaluation: bolted, whose binary is recorded.
        let mut chosen = args(&dir.join("choice.json"));
        chosen.evaluation = Some(evaluation);
        chosen.variants = variant_args.clone();
        run(&GlobalArgs { json: false }, chosen).unwrap();
        let choice: Choice =
            nix_pgo::output::read_json(&dir.join("choice.json"), "choice").unwrap();
        assert_eq!(choice.chosen, "bolted");
        assert_eq!(
            choice.binaries,
            map(&[("bin/tool", &sha256_hex(b"bolted"))])
        );
        assert!(choice.binaries_changed_since_lock.is_empty());
        // Locked, as update-profile writes it.
        let lock = serde_json::json!({
            "version": 1,
            "profiles": { "p": { "t": {
                "fingerprint": "a".repeat(64),
                "narHash": "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
                "name": "p-profile",
                "storePath": "/nix/store/00000000000000000000000000000000-p-profile",
                "fingerprintChanged": "2026-11-28",
                "choice": serde_json::to_value(&choice).unwrap()
            } } }
        });
        fs::write(dir.join("pgo.lock.json"), lock.to_string()).unwrap();
        let locked = |output: &str| {
            let mut a = args(&dir.join(output));
            a.locked_in = Some(dir.join("pgo.lock.json"));
            a.package = Some("p".to_owned());
            a.toolchain = Some("t".to_owned());
            a.variants = variant_args.clone();
            run(&GlobalArgs { json: false }, a).unwrap();
            let c: Choice = nix_pgo::output::read_json(&dir.join(output), "choice").unwrap();
            c
        };
        // The same binaries: nothing to say.
        assert!(locked("same.json").binaries_changed_since_lock.is_empty());
        // bolted rebuilt from an edited source: the choice ships, saying so.
        fs::write(dir.join("bolted/bin/tool"), "bolted, edited").unwrap();
        let changed = locked("changed.json");
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(changed.chosen, "bolted");
        assert_eq!(
            changed.binaries_changed_since_lock,
            vec![format!(
                "bin/tool: sha256 {}, now {}",
                sha256_hex(b"bolted"),
                sha256_hex(b"bolted, edited")
            )]
        );
    }

    #[test]
    fn bin_hashes_hashes_the_files_of_bin() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-bin-hashes-{}", std::process::id()));
        fs::create_dir_all(dir.join("bin")).unwrap();
        fs::write(dir.join("bin/tool"), b"abc").unwrap();
        let hashes = bin_hashes(&dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            hashes,
            map(&[(
                "bin/tool",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            )])
        );
    }
}
