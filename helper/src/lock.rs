//! `nix-pgo lock`: record a built profile in the repository's lock file, so
//! the optimized build consumes it as a fixed-output path instead of
//! rebuilding the instrumented program and re-running the workloads.
//!
//! # Lock file format, version 1 (`pgo.lock.json`)
//!
//! ```json
//! {
//!   "version": 1,
//!   "profiles": {
//!     "<pname>": {
//!       "<toolchain id>": {
//!         "fingerprint": "<blake3 of the canonical profile, as `nix-pgo fingerprint`>",
//!         "fingerprintAlgorithm": "blake3-canonical-proftext-v1",
//!         "narHash": "sha256-<base64>",
//!         "name": "<store path name>",
//!         "storePath": "/nix/store/<hash>-<name>",
//!         "workloads": { "<workload>": "<fingerprint of its profile>" },
//!         "trainingSources": { "<workload>": { ... } },
//!         "fingerprintChanged": "YYYY-MM-DD",
//!         "bolt": {
//!           "narHash": "sha256-<base64>",
//!           "name": "<store path name>",
//!           "storePath": "/nix/store/<hash>-<name>"
//!         },
//!         "choice": { "chosen": "<variant>", "candidates": [ ... ], ... }
//!       }
//!     }
//!   }
//! }
//! ```
//!
//! - `narHash` is the recursive (NAR) sha256 of the profile directory
//!   (`<pname>.profdata`, or `<pname>.pgo` for a Go program, and
//!   `nix-support/`); with `name` it is all Nix needs
//!   for the fixed-output derivation, and `storePath` follows from both.
//! - `fingerprint` identifies the profile data independently of file bytes;
//!   `workloads` tells which workload's profile changed when it does.
//! - `fingerprintAlgorithm` names what `fingerprint` (and each workload's)
//!   hashes: [`crate::fingerprint::ALGORITHM`] for LLVM profiles,
//!   [`crate::pprof::ALGORITHM`] for Go's pprof profiles. An entry whose algorithm
//!   this nix-pgo does not compute is refused with "re-lock", so a change in
//!   the canonical form or the hash can never make every fingerprint differ
//!   silently. Entries without the field (locks written before it existed)
//!   are read as `blake3-canonical-proftext-v1`, the only algorithm there was;
//!   re-locking them adds the field.
//! - `trainingSources` (optional) records what each training workload was made
//!   of when the profile was locked: the NAR hashes of its script and inputs,
//!   a benchmark's settings, its weight in the merge when not 1
//!   ([`crate::workload_source`]); Go's `checkTraining`
//!   (`nix-pgo check-training`) names a workload edited since.
//! - `fingerprintChanged` is the day the fingerprint last changed: how old the
//!   profile's data is, not when the lock was last written.
//! - `bolt` (optional, Rust packages with BOLT) locks the BOLT profile trained
//!   on the binary this profile optimizes: the merged `<binary>.fdata` files and
//!   `nix-support/bolt-input.sha256` (the binaries it was recorded on). Its
//!   NAR hash is the whole identity: the files are sorted text. Without it
//!   BOLT's training reruns whenever `bolted` is built, and a multithreaded
//!   program's BOLT profile differs from run to run.
//! - `choice` (optional, a package with `lockChoice = true`) locks the variant
//!   `best` ships: the `best` stage's `nix-support/choice.json` (`nix-pgo
//!   choose-variant`), made by the evaluation of the variants built from this
//!   profile. A locked build ships that variant with these numbers and runs no
//!   evaluation for it: a multithreaded program's evaluation counts move from
//!   run to run, and without it neither its choice nor its release archive
//!   would be the same in every store. A package with `lockChoice` refuses a
//!   choice made on other evaluation workloads than its own: other names
//!   (nix/internal/lockedChoice.nix), or workloads edited since
//!   (`Choice::workload_sources`, checked by `choose-variant --locked-in`).
//!
//! Keys are sorted and the file is pretty-printed with a trailing newline, so
//! re-locking the same profile rewrites nothing and diffs stay small.
//!
//! Update rules for one (pname, toolchain) entry:
//! - new entry, or a different `fingerprint`: everything is replaced and the
//!   date set to today;
//! - same `fingerprint`: the date is kept; `narHash`, `name` and `storePath`
//!   take the new values (e.g. a new name after a version bump); `workloads`,
//!   `bolt` and `trainingSources` take the given ones (`--workload`,
//!   `--bolt-profile`, `--training-workloads`), or stay as they were if none
//!   are given. (A new `fingerprint` drops an old `bolt`
//!   that is not given again: it was trained on the old profile's binary.)
//!   So a workload whose profile changed without changing the merged
//!   profile (e.g. run-to-run noise that quantizing the merged profile removes) is
//!   recorded, but does not make the profile look newer.
//! - `choice` takes the given one (`--choice`), or none, whatever the
//!   fingerprint: an old choice was made on binaries or workloads that may have
//!   changed since.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::choice::Choice;
use crate::date::parse_date;
use crate::fingerprint;
use crate::store::{self, NarHash};
use crate::tool::LlvmProfdataArg;
use crate::workload_source::WorkloadContent;

/// The lock format this nix-pgo reads and writes.
pub const LOCK_VERSION: u64 = 1;

/// The whole lock file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockFile {
    pub version: u64,
    /// pname -> toolchain id -> entry.
    pub profiles: BTreeMap<String, BTreeMap<String, LockEntry>>,
}

/// One locked profile. Unknown fields are an error rather than silently
/// dropped on the next rewrite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LockEntry {
    pub fingerprint: String,
    /// What `fingerprint` hashes; absent in locks written before it was
    /// recorded, which all used the first algorithm.
    #[serde(default = "first_algorithm")]
    pub fingerprint_algorithm: String,
    pub nar_hash: String,
    pub name: String,
    pub store_path: String,
    #[serde(default)]
    pub workloads: BTreeMap<String, String>,
    pub fingerprint_changed: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bolt: Option<BoltLock>,
    /// The variant `best` ships and why (its choice.json), when locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    /// What each training workload was made of when the profile was trained
    /// (`nix-pgo lock --training-workloads`): a locked profile is not retrained,
    /// so an edited workload would go unnoticed (`nix-pgo check-training`
    /// names it). Empty in locks written before nix-pgo recorded them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub training_sources: BTreeMap<String, WorkloadContent>,
}

/// The locked BOLT profile of an entry: a fixed-output path like the
/// profile's, identified by its NAR hash alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BoltLock {
    pub nar_hash: String,
    pub name: String,
    pub store_path: String,
}

/// What an update did to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Added,
    FingerprintChanged,
    /// Same profile data, other metadata (store name, workloads, ...).
    Updated,
    Unchanged,
}

impl LockFile {
    pub fn new() -> Self {
        Self {
            version: LOCK_VERSION,
            profiles: BTreeMap::new(),
        }
    }

    /// Read and validate a lock file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = fs::read_to_string(path)
            .with_context(|| format!("could not read the lock file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("invalid lock file {}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self> {
        // The version is checked on its own first: a newer format may have
        // another shape, and "unknown field" would hide the real problem.
        let value: serde_json::Value = serde_json::from_str(text).context("not valid JSON")?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(LOCK_VERSION) => {}
            Some(v) if v > LOCK_VERSION => bail!(
                "lock format version {v} was written by a newer nix-pgo (this one reads version \
                 {LOCK_VERSION}); update nix-pgo"
            ),
            _ => bail!(
                "no supported \"version\" field (expected {LOCK_VERSION}); is this a nix-pgo lock \
                 file?"
            ),
        }
        let lock: LockFile = serde_json::from_value(value)
            .context("does not follow the lock format (see `nix-pgo lock --help`)")?;
        for (pname, toolchains) in &lock.profiles {
            for (toolchain, entry) in toolchains {
                entry
                    .validate()
                    .with_context(|| format!("in the entry for {pname} ({toolchain})"))?;
            }
        }
        Ok(lock)
    }

    /// The serialized form: pretty JSON, sorted keys, trailing newline.
    pub fn to_json(&self) -> Result<String> {
        crate::output::to_json(self, "the lock")
    }

    /// The entry for `pname`, built with `toolchain`, or with the only
    /// toolchain the lock has for it when `toolchain` is None.
    pub fn entry(&self, pname: &str, toolchain: Option<&str>) -> Result<(&str, &LockEntry)> {
        let Some(toolchains) = self.profiles.get(pname) else {
            bail!(
                "the lock has no profile for package {pname:?} (it has: {}); lock one with \
                 the package's updateProfile (`nix run .#<package>.updateProfile`) or \
                 `nix-pgo lock --package {pname} ...`",
                names(self.profiles.keys())
            );
        };
        match toolchain {
            Some(id) => match toolchains.get_key_value(id) {
                Some((id, entry)) => Ok((id.as_str(), entry)),
                None => bail!(
                    "the lock has no profile of {pname:?} for toolchain {id:?} (it has: {}); \
                     profiles only fit the toolchain that made them: lock one for {id:?}",
                    names(toolchains.keys())
                ),
            },
            None => {
                let mut iter = toolchains.iter();
                match (iter.next(), iter.next()) {
                    (Some((id, entry)), None) => Ok((id.as_str(), entry)),
                    _ => bail!(
                        "the lock has {} toolchains for {pname:?} ({}); pass --toolchain ID",
                        toolchains.len(),
                        names(toolchains.keys())
                    ),
                }
            }
        }
    }
}

fn names<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<&str> = keys.map(String::as_str).collect();
    if list.is_empty() {
        "none".to_owned()
    } else {
        list.join(", ")
    }
}

/// The algorithm of entries without `fingerprintAlgorithm`.
fn first_algorithm() -> String {
    FIRST_FINGERPRINT_ALGORITHM.to_owned()
}

/// The fingerprint algorithms this nix-pgo computes: LLVM profiles', Go's
/// pprof profiles'.
pub const ALGORITHMS: [&str; 2] = [fingerprint::ALGORITHM, crate::pprof::ALGORITHM];

/// What every fingerprint in a lock hashed before the algorithm was
/// recorded. Never change it: it describes locks already written.
pub const FIRST_FINGERPRINT_ALGORITHM: &str = "blake3-canonical-proftext-v1";

impl LockEntry {
    fn validate(&self) -> Result<()> {
        if !ALGORITHMS.contains(&self.fingerprint_algorithm.as_str()) {
            bail!(
                "its fingerprints were computed with {:?}, but this nix-pgo computes {}: \
                 re-lock with the package's updateProfile (`nix run .#<package>.updateProfile`), \
                 or `nix-pgo lock`",
                self.fingerprint_algorithm,
                ALGORITHMS.map(|a| format!("{a:?}")).join(" (LLVM) or ") + " (pprof)"
            );
        }
        check_fingerprint(&self.fingerprint).context("invalid \"fingerprint\"")?;
        NarHash::parse_sri(&self.nar_hash).context("invalid \"narHash\"")?;
        store::check_name(&self.name).context("invalid \"name\"")?;
        for (workload, fingerprint) in &self.workloads {
            check_fingerprint(fingerprint)
                .with_context(|| format!("invalid fingerprint of workload {workload:?}"))?;
        }
        parse_date(&self.fingerprint_changed)
            .map_err(anyhow::Error::msg)
            .context("invalid \"fingerprintChanged\"")?;
        if let Some(bolt) = &self.bolt {
            NarHash::parse_sri(&bolt.nar_hash).context("invalid \"bolt.narHash\"")?;
            store::check_name(&bolt.name).context("invalid \"bolt.name\"")?;
        }
        if let Some(choice) = &self.choice {
            choice.validate().context("invalid \"choice\"")?;
        }
        Ok(())
    }
}

impl LockEntry {
    /// The format of the locked profile, from its fingerprint algorithm.
    pub fn format(&self) -> Format {
        if self.fingerprint_algorithm == crate::pprof::ALGORITHM {
            Format::Pprof
        } else {
            Format::Llvm
        }
    }
}

impl LockEntry {
    /// The fields of an entry of the same profile data that differ in `other`,
    /// as the lock file names them: what a re-lock that changed no profile
    /// data changed (`nix-pgo lock`'s message).
    pub fn changed_fields(&self, other: &LockEntry) -> Vec<&'static str> {
        let fields = [
            ("name", self.name != other.name),
            ("narHash", self.nar_hash != other.nar_hash),
            ("storePath", self.store_path != other.store_path),
            ("workloads", self.workloads != other.workloads),
            (
                "fingerprintChanged",
                self.fingerprint_changed != other.fingerprint_changed,
            ),
            ("bolt", self.bolt != other.bolt),
            ("choice", self.choice != other.choice),
            (
                "trainingSources",
                self.training_sources != other.training_sources,
            ),
        ];
        fields
            .into_iter()
            .filter_map(|(name, differs)| differs.then_some(name))
            .collect()
    }
}

fn check_fingerprint(fingerprint: &str) -> Result<()> {
    let hex = fingerprint.len() == 64
        && fingerprint
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        bail!("{fingerprint:?} is not a blake3 fingerprint (64 lowercase hex digits)");
    }
    Ok(())
}

/// Put `new` in the lock as the profile of `pname` for `toolchain`,
/// following the update rules of the module documentation. `workloads` is
/// None when none were given, `new.bolt` when no BOLT profile was.
pub fn update(
    lock: &mut LockFile,
    pname: &str,
    toolchain: &str,
    mut new: LockEntry,
    workloads: Option<BTreeMap<String, String>>,
) -> Change {
    let entries = lock.profiles.entry(pname.to_owned()).or_default();
    let Some(old) = entries.get(toolchain) else {
        new.workloads = workloads.unwrap_or_default();
        entries.insert(toolchain.to_owned(), new);
        return Change::Added;
    };
    if old.fingerprint != new.fingerprint {
        new.workloads = workloads.unwrap_or_default();
        entries.insert(toolchain.to_owned(), new);
        return Change::FingerprintChanged;
    }
    new.fingerprint_changed = old.fingerprint_changed.clone();
    new.workloads = workloads.unwrap_or_else(|| old.workloads.clone());
    if new.bolt.is_none() {
        new.bolt = old.bolt.clone();
    }
    // The same profile keeps the workloads it was trained on (update-choice gives none).
    if new.training_sources.is_empty() {
        new.training_sources = old.training_sources.clone();
    }
    if *old == new {
        return Change::Unchanged;
    }
    entries.insert(toolchain.to_owned(), new);
    Change::Updated
}

/// The two kinds of profile a lock entry can describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// LLVM's instrumentation profile, `<pname>.profdata` (Rust).
    Llvm,
    /// pprof's CPU profile, `<pname>.pgo` (Go).
    Pprof,
}

impl Format {
    /// The file name extension of a profile directory's profile.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Llvm => "profdata",
            Format::Pprof => "pgo",
        }
    }

    /// The format of a profile file: pprof when it is named `.pgo` or
    /// `.pprof` or is gzipped (the pprof files of Nix builds have no
    /// extension), else LLVM's.
    pub fn of_file(path: &Path) -> Format {
        let by_name = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("pgo" | "pprof")
        );
        let gzipped = || {
            let mut magic = [0u8; 2];
            fs::File::open(path)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
                .is_ok_and(|()| magic == [0x1f, 0x8b])
        };
        if by_name || gzipped() {
            Format::Pprof
        } else {
            Format::Llvm
        }
    }
}

/// `<pname>.profdata` or `<pname>.pgo` inside a profile directory, with an
/// error listing what is there instead.
pub fn profile_file(dir: &Path, pname: &str) -> Result<(PathBuf, Format)> {
    for format in [Format::Llvm, Format::Pprof] {
        let file = dir.join(format!("{pname}.{}", format.extension()));
        if file.is_file() {
            return Ok((file, format));
        }
    }
    let found = profdata_files(dir)?;
    bail!(
        "{} has no {pname}.profdata or {pname}.pgo (profiles found: {}); pass the profile \
         derivation's output for package {pname:?}",
        dir.display(),
        if found.is_empty() {
            "none".to_owned()
        } else {
            found
                .iter()
                .map(|(_, path)| {
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    )
}

/// The `<pname>.profdata` and `<pname>.pgo` files directly inside `dir`, as
/// (pname, path), sorted by pname.
pub fn profdata_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    named_entries(dir, &[".profdata", ".pgo"], Path::is_file)
}

/// The checked-in BOLT profiles in a directory (e.g. `pgo/`): `<pname>.bolt`
/// directories, copies of a bolt-profile stage's output, with their pname.
pub fn bolt_profile_dirs(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    named_entries(dir, &[".bolt"], Path::is_dir)
}

/// The entries of `dir` named `<pname><suffix>` for one of `suffixes`, of the
/// kind `keep` accepts, sorted, with their pname.
fn named_entries(
    dir: &Path,
    suffixes: &[&str],
    keep: fn(&Path) -> bool,
) -> Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("could not list {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("could not list {}", dir.display()))?
            .path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let pname = suffixes.iter().find_map(|s| name.strip_suffix(s));
        if let Some(pname) = pname {
            if !pname.is_empty() && keep(&path) {
                found.push((pname.to_owned(), path.clone()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A profile file's fingerprint and the algorithm that computed it: LLVM
/// profiles through llvm-profdata (resolved only then), pprof profiles in
/// their canonical form.
pub fn fingerprint_file(
    path: &Path,
    llvm_profdata: &LlvmProfdataArg,
) -> Result<(String, &'static str)> {
    match Format::of_file(path) {
        Format::Pprof => {
            let profile = crate::pprof::read(path)?;
            let canonical = crate::pprof::merge::canonical(&path.display().to_string(), &profile)?;
            Ok((
                crate::pprof::fingerprint(&canonical),
                crate::pprof::ALGORITHM,
            ))
        }
        Format::Llvm => {
            let tool = llvm_profdata.resolve()?;
            Ok((
                crate::profile::load(&tool, path)?.fingerprint(),
                fingerprint::ALGORITHM,
            ))
        }
    }
}

/// Write `text` to `path` unless it already holds exactly that; a temporary
/// file and a rename keep a crash from leaving half a lock file.
pub fn write_if_changed(path: &Path, text: &str) -> Result<bool> {
    if fs::read(path).is_ok_and(|old| old == text.as_bytes()) {
        return Ok(false);
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, text).with_context(|| format!("could not write {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| {
        format!(
            "could not replace {} with {}",
            path.display(),
            tmp.display()
        )
    })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fingerprint: char, date: &str) -> LockEntry {
        LockEntry {
            fingerprint: fingerprint.to_string().repeat(64),
            fingerprint_algorithm: crate::fingerprint::ALGORITHM.to_owned(),
            nar_hash: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".to_owned(),
            name: "demo-profile-1.0".to_owned(),
            store_path: "/nix/store/00000000000000000000000000000000-demo-profile-1.0".to_owned(),
            workloads: BTreeMap::new(),
            fingerprint_changed: date.to_owned(),
            bolt: None,
            choice: None,
            training_sources: BTreeMap::new(),
        }
    }

    fn bolt(hash: &str) -> Option<BoltLock> {
        Some(BoltLock {
            nar_hash: hash.to_owned(),
            name: "demo-bolt-profile".to_owned(),
            store_path: "/nix/store/00000000000000000000000000000000-demo-bolt-profile".to_owned(),
        })
    }

    /// A choice `choose-variant` made on two workloads, shipping `chosen`.
    fn choice(chosen: &str) -> Choice {
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
        let evaluation: crate::evaluation::Evaluation =
            serde_json::from_value(serde_json::json!({ "workloads": workloads })).unwrap();
        let mut choice = crate::choice::choose(&evaluation, "baseline", 0.0).unwrap();
        choice.chosen = chosen.to_owned();
        choice
    }

    #[test]
    fn an_update_of_the_same_profile_names_what_changed() {
        let mut lock = LockFile::new();
        update(&mut lock, "p", "t", entry('a', "2026-01-01"), None);
        let old = lock.profiles["p"]["t"].clone();
        let mut new = entry('a', "2026-02-02");
        new.choice = Some(choice("optimized"));
        assert_eq!(update(&mut lock, "p", "t", new, None), Change::Updated);
        // The date stays (same fingerprint): only the choice changed.
        assert_eq!(old.changed_fields(&lock.profiles["p"]["t"]), ["choice"]);
        assert!(old.changed_fields(&old).is_empty());
    }

    #[test]
    fn the_training_sources_stay_with_their_profile() {
        let script = |hash: &str| WorkloadContent {
            script: Some(hash.to_owned()),
            benchmark: None,
            cargo_test: None,
            inputs: BTreeMap::new(),
            weight: None,
        };
        let mut lock = LockFile::new();
        let trained = LockEntry {
            training_sources: BTreeMap::from([("text".to_owned(), script("sha256-a"))]),
            ..entry('a', "2026-01-01")
        };
        update(&mut lock, "p", "t", trained, None);
        let text = lock.to_json().unwrap();
        assert!(text.contains("\"trainingSources\": {"), "{text}");
        assert_eq!(LockFile::parse(&text).unwrap(), lock);
        // update-choice gives none: the same profile keeps what it was trained on.
        assert_eq!(
            update(&mut lock, "p", "t", entry('a', "2026-02-02"), None),
            Change::Unchanged
        );
        assert_eq!(
            lock.profiles["p"]["t"].training_sources["text"],
            script("sha256-a")
        );
        // Re-trained on an edited script: the same profile (a deterministic one), recorded anew.
        let old = lock.profiles["p"]["t"].clone();
        let retrained = LockEntry {
            training_sources: BTreeMap::from([("text".to_owned(), script("sha256-b"))]),
            ..entry('a', "2026-02-02")
        };
        assert_eq!(
            update(&mut lock, "p", "t", retrained, None),
            Change::Updated
        );
        assert_eq!(
            old.changed_fields(&lock.profiles["p"]["t"]),
            ["trainingSources"]
        );
        // Another profile without them records none.
        assert_eq!(
            update(&mut lock, "p", "t", entry('b', "2026-03-03"), None),
            Change::FingerprintChanged
        );
        assert!(lock.profiles["p"]["t"].training_sources.is_empty());
    }

    #[test]
    fn a_choice_is_locked_only_as_given() {
        let mut lock = LockFile::new();
        let with_choice = LockEntry {
            choice: Some(choice("bolted")),
            ..entry('a', "2025-01-01")
        };
        update(&mut lock, "demo", "t", with_choice.clone(), None);
        let text = lock.to_json().unwrap();
        assert!(text.contains("\"chosen\": \"bolted\""), "{text}");
        assert_eq!(LockFile::parse(&text).unwrap(), lock);
        assert_eq!(
            update(&mut lock, "demo", "t", with_choice, None),
            Change::Unchanged
        );
        // Re-locked without one (the package no longer locks its choice, or
        // `nix-pgo lock` by hand): the old choice goes, the date stays.
        let change = update(&mut lock, "demo", "t", entry('a', "2025-02-01"), None);
        assert_eq!(change, Change::Updated);
        let e = &lock.profiles["demo"]["t"];
        assert_eq!(e.choice, None);
        assert_eq!(e.fingerprint_changed, "2025-01-01");
    }

    #[test]
    fn a_locked_choice_must_be_one_choose_could_make() {
        let lock_with = |c: Choice| {
            let mut lock = LockFile::new();
            let e = LockEntry {
                choice: Some(c),
                ..entry('a', "2025-01-01")
            };
            update(&mut lock, "demo", "t", e, None);
            LockFile::parse(&lock.to_json().unwrap())
        };
        assert!(lock_with(choice("bolted")).is_ok());
        let err = format!("{:#}", lock_with(choice("bolted-gentle")).unwrap_err());
        assert!(
            err.contains("invalid \"choice\"")
                && err.contains("\"bolted-gentle\" is not among its candidates"),
            "{err}"
        );
        let mut other = choice("optimized");
        if let Some(c) = other
            .candidates
            .iter_mut()
            .find(|c| c.variant == "optimized")
        {
            c.workloads.pop();
        }
        let err = format!("{:#}", lock_with(other).unwrap_err());
        assert!(
            err.contains("candidate \"optimized\" was measured on a but the baseline on a, b"),
            "{err}"
        );
        let mut no_baseline = choice("optimized");
        no_baseline.candidates.remove(0);
        let err = format!("{:#}", lock_with(no_baseline).unwrap_err());
        assert!(
            err.contains("the baseline \"baseline\" is not among its candidates"),
            "{err}"
        );
    }

    #[test]
    fn the_bolt_profile_stays_with_its_profile() {
        let first = "sha256-Ln0sA6lQeuJl7PW1NWiFpTOTogKdJBOUmXJloaJa78Y=";
        let second = "sha256-PiPoFgA5WUoziU9lZOGxNIu9egCI1CxKy3PurtWcAJ0=";
        let mut lock = LockFile::new();
        let with_bolt = |b: &str| LockEntry {
            bolt: bolt(b),
            ..entry('a', "2025-01-01")
        };
        update(&mut lock, "demo", "t", with_bolt(first), None);
        let text = lock.to_json().unwrap();
        assert!(text.contains("\"bolt\": {"), "{text}");
        assert_eq!(LockFile::parse(&text).unwrap(), lock);
        // Re-locked without a BOLT profile (e.g. `nix-pgo lock` by hand): kept.
        let change = update(&mut lock, "demo", "t", entry('a', "2025-02-01"), None);
        assert_eq!(change, Change::Unchanged);
        // The same profile, another BOLT profile (a multithreaded program's
        // BOLT training moved): recorded, the profile's date kept.
        let change = update(&mut lock, "demo", "t", with_bolt(second), None);
        assert_eq!(change, Change::Updated);
        let e = &lock.profiles["demo"]["t"];
        assert_eq!(e.bolt.as_ref().unwrap().nar_hash, second);
        assert_eq!(e.fingerprint_changed, "2025-01-01");
        // A new profile without one: the old BOLT profile was trained on the
        // old profile's binary, so it goes.
        update(&mut lock, "demo", "t", entry('b', "2025-03-01"), None);
        assert!(lock.profiles["demo"]["t"].bolt.is_none());
        // Entries without the field (every lock written before it) still
        // parse, and write no field.
        assert!(!lock.to_json().unwrap().contains("bolt"));
        // A malformed BOLT entry is refused, by name.
        let bad = text.replace(first, "sha256-nope");
        let err = format!("{:#}", LockFile::parse(&bad).unwrap_err());
        assert!(err.contains("bolt.narHash"), "{err}");
    }

    fn workloads(pairs: &[(&str, char)]) -> Option<BTreeMap<String, String>> {
        Some(
            pairs
                .iter()
                .map(|(n, c)| ((*n).to_owned(), c.to_string().repeat(64)))
                .collect(),
        )
    }

    #[test]
    fn relocking_the_same_profile_changes_nothing() {
        let mut lock = LockFile::new();
        let change = update(
            &mut lock,
            "demo",
            "rust-1.95",
            entry('a', "2025-01-01"),
            workloads(&[("w", 'b')]),
        );
        assert_eq!(change, Change::Added);
        let first = lock.to_json().unwrap();
        // Same data on a later day: byte-identical, the date is kept.
        let change = update(
            &mut lock,
            "demo",
            "rust-1.95",
            entry('a', "2025-06-01"),
            workloads(&[("w", 'b')]),
        );
        assert_eq!(change, Change::Unchanged);
        assert_eq!(lock.to_json().unwrap(), first);
        // No --workload given: the recorded workloads stay.
        let change = update(
            &mut lock,
            "demo",
            "rust-1.95",
            entry('a', "2025-06-01"),
            None,
        );
        assert_eq!(change, Change::Unchanged);
        assert_eq!(lock.to_json().unwrap(), first);
        // And the file parses back to the same lock.
        assert_eq!(LockFile::parse(&first).unwrap(), lock);
        assert!(first.ends_with("}\n"));
    }

    #[test]
    fn the_date_moves_only_with_the_fingerprint() {
        let mut lock = LockFile::new();
        update(
            &mut lock,
            "demo",
            "t",
            entry('a', "2025-01-01"),
            workloads(&[("w", 'b')]),
        );
        // A workload changed, the merged profile did not: record it, keep the date.
        let change = update(
            &mut lock,
            "demo",
            "t",
            entry('a', "2025-02-01"),
            workloads(&[("w", 'c')]),
        );
        assert_eq!(change, Change::Updated);
        let e = &lock.profiles["demo"]["t"];
        assert_eq!(e.fingerprint_changed, "2025-01-01");
        assert_eq!(e.workloads["w"], "c".repeat(64));
        // The merged profile changed: new date; other toolchains untouched.
        update(&mut lock, "demo", "u", entry('a', "2025-02-15"), None);
        let change = update(&mut lock, "demo", "t", entry('d', "2025-03-01"), None);
        assert_eq!(change, Change::FingerprintChanged);
        let e = &lock.profiles["demo"]["t"];
        assert_eq!(e.fingerprint_changed, "2025-03-01");
        assert!(
            e.workloads.is_empty(),
            "old workloads described the old profile"
        );
        assert_eq!(lock.profiles["demo"]["u"].fingerprint_changed, "2025-02-15");
    }

    #[test]
    fn rejects_newer_and_malformed_locks() {
        let err = LockFile::parse(r#"{"version": 2, "profiles": {}, "new": 1}"#).unwrap_err();
        assert!(
            format!("{err:#}").contains("written by a newer nix-pgo"),
            "{err:#}"
        );
        assert!(LockFile::parse(r#"{"profiles": {}}"#).is_err());
        assert!(LockFile::parse(r#"{"version": 1, "profiles": {}, "extra": 1}"#).is_err());
        let mut lock = LockFile::new();
        let mut bad = entry('a', "2025-02-30");
        update(&mut lock, "demo", "t", bad.clone(), None);
        let err = LockFile::parse(&lock.to_json().unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("fingerprintChanged"), "{err:#}");
        bad.fingerprint_changed = "2024-02-29".to_owned();
        bad.fingerprint = "xyz".to_owned();
        update(&mut lock, "demo", "t", bad, None);
        let err = LockFile::parse(&lock.to_json().unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains("demo (t)"), "{err:#}");
    }

    #[test]
    fn entry_lookup_names_what_the_lock_has() {
        let mut lock = LockFile::new();
        update(&mut lock, "demo", "t1", entry('a', "2025-01-01"), None);
        assert_eq!(lock.entry("demo", None).unwrap().0, "t1");
        update(&mut lock, "demo", "t2", entry('a', "2025-01-01"), None);
        let err = lock.entry("demo", None).unwrap_err();
        assert!(format!("{err:#}").contains("pass --toolchain"), "{err:#}");
        let err = lock.entry("demo", Some("t3")).unwrap_err();
        assert!(format!("{err:#}").contains("t1, t2"), "{err:#}");
        let err = lock.entry("other", None).unwrap_err();
        assert!(format!("{err:#}").contains("has: demo"), "{err:#}");
    }

    #[test]
    fn the_fingerprint_algorithm_is_recorded_and_checked() {
        let mut lock = LockFile::new();
        update(&mut lock, "demo", "t", entry('a', "2025-01-01"), None);
        let text = lock.to_json().unwrap();
        assert!(
            text.contains(r#""fingerprintAlgorithm": "blake3-canonical-proftext-v1""#),
            "{text}"
        );
        // A lock written before the field existed reads as the first algorithm.
        let old = text.replace(
            "      \"fingerprintAlgorithm\": \"blake3-canonical-proftext-v1\",\n",
            "",
        );
        assert!(!old.contains("fingerprintAlgorithm"), "{old}");
        let parsed = LockFile::parse(&old).unwrap();
        assert_eq!(
            parsed.profiles["demo"]["t"].fingerprint_algorithm,
            FIRST_FINGERPRINT_ALGORITHM
        );
        // An algorithm this nix-pgo doesn't compute: re-lock.
        let other = text.replace("proftext-v1", "proftext-v2");
        let err = LockFile::parse(&other).unwrap_err();
        let err = format!("{err:#}");
        assert!(err.contains("demo (t)"), "{err}");
        assert!(err.contains("blake3-canonical-proftext-v2"), "{err}");
        assert!(err.contains("the package's updateProfile"), "{err}");
    }
}
