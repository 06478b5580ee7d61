//! Release artifacts: the shipped binaries, `provenance.json` and `SHA256SUMS`
//! in one deterministic `.tar.gz` (nix/stages/release/), and their check
//! (`nix-pgo verify-release`).
//!
//! The archive's bytes depend only on the files it holds: entries sorted by
//! path, owner and group 0 with empty names, every mtime [`MTIME`], modes 0755
//! (directories, binaries) or 0644, and a gzip header without name or time.
//! So two builds of the same inputs, in any store root or at any time, give
//! the same archive.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context, Result};
use flate2::read::GzDecoder;
use flate2::{Compression, GzBuilder};
use serde::{Deserialize, Serialize};

use crate::choice::Choice;
use crate::evaluation::sha256_hex;
use crate::evaluation::Evaluation;
use crate::output::read_json;
use crate::profile_summary::ProfileSummary;
use crate::workload_source::{
    changed_workloads, describe_changes, hash_workloads, store_object, ContentChange, SpecWorkload,
    StoreObject, Workload, WorkloadContent,
};

/// The mtime of every archive entry: 1, as Nix gives every file in the store.
pub const MTIME: u64 = 1;

/// The version of provenance.json's layout. 2 added what the shipped binary was
/// built from (`shipped.profile`, `.bolt_profile`, `.remedy`) and the broad
/// workloads; `verify-release` reads both.
pub const PROVENANCE_FORMAT: u32 = 2;
const READABLE_FORMATS: [u32; 2] = [1, PROVENANCE_FORMAT];

pub const PROVENANCE_FILE: &str = "provenance.json";
pub const SUMS_FILE: &str = "SHA256SUMS";

/// What the release stage knows at evaluation time (nix/stages/release/
/// buildRelease.nix writes it with `builtins.toJSON`): store paths and
/// settings. Hashes and numbers are computed from the paths, here.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Spec {
    pub pname: String,
    pub version: String,
    pub system: String,
    /// The binaries to ship, by name in `bin/`; null: every file in the
    /// shipped stage's `bin/` (a Go build names its binaries itself).
    pub bins: Option<Vec<String>>,
    /// The stage whose `bin/<bin>` is shipped ("best", or "optimized").
    pub shipped_stage: String,
    pub shipped: PathBuf,
    pub baseline: PathBuf,
    /// The package's profile (trained, or realised from the lock).
    pub profile: PathBuf,
    /// What each candidate of the shipped stage was built from, by variant
    /// name: `best`'s choice.json names the one shipped.
    pub variants: BTreeMap<String, SpecVariant>,
    /// The lock entry the profile was realised from, if the package is locked:
    /// provenance.json carries it as given (buildRelease.nix replaces its
    /// `choice`); the release reads only its `trainingSources`.
    pub lock_entry: Option<serde_json::Value>,
    /// `nix-pgo import`'s provenance of the locked profile (where its samples came
    /// from), when the committed profile has one beside it (Go's default.pgo).
    #[serde(default)]
    pub import_provenance: Option<PathBuf>,
    pub workloads: SpecWorkloads,
    pub evaluation: Option<PathBuf>,
    pub toolchain_id: String,
    /// The compiler that built the binaries, asked for its version.
    pub compiler: SpecCompiler,
    pub source: PathBuf,
    /// rustflags and cargo flags, as buildPgoPackage was given them (Go's
    /// build settings, as buildGoPgoPackage was): carried into
    /// provenance.json as given, never read.
    pub flags: serde_json::Value,
}

/// One candidate variant: its store path and what it was built from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpecVariant {
    pub path: PathBuf,
    /// The PGO profile it was compiled with (none: the baseline).
    pub profile: Option<PathBuf>,
    /// The BOLT profile it was rewritten with (a bolted variant).
    pub bolt_profile: Option<PathBuf>,
    /// A remedy's variant: the one it copies when that one needed no repair or
    /// the remedy could not be made (its `nix-support/repair` then says
    /// `not-needed` or `not-applicable`).
    pub original: Option<PathBuf>,
}

/// `rustc` (buildPgoPackage) or `go` (buildGoPgoPackage).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SpecCompiler {
    /// "rustc" or "go": the provenance's field name.
    pub name: String,
    pub path: PathBuf,
    /// The arguments that print its version (`-vV`, `version`).
    pub version_args: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecWorkloads {
    pub training: BTreeMap<String, SpecWorkload>,
    pub evaluation: BTreeMap<String, SpecWorkload>,
    #[serde(default)]
    pub broad: BTreeMap<String, SpecWorkload>,
}

/// provenance.json.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    pub format: u32,
    pub package: Package,
    /// The archive's binaries, by their path in it.
    pub binaries: Vec<FileHash>,
    pub shipped: Shipped,
    pub profile: Profile,
    pub workloads: Workloads,
    pub toolchain: Toolchain,
    pub source: StoreObject,
    pub flags: serde_json::Value,
    /// The build the shipped binary was compared with.
    pub baseline: Variant,
    /// The evaluation's instruction counts (callgrind) on the held-out workloads.
    pub evaluation: Option<Evaluation>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Package {
    pub pname: String,
    pub version: String,
    pub system: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileHash {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Shipped {
    /// The variant shipped: the one `best` chose, or the stage itself.
    pub variant: String,
    /// The stage the binaries were taken from.
    pub stage: String,
    pub store_path: PathBuf,
    /// That stage's nix-support/choice.json (the candidates' numbers, the dropped
    /// variants and why), if it has one.
    pub choice: Option<Choice>,
    /// The PGO profile the shipped binaries were compiled with: the package's
    /// (`profile`) unless a remedy changed it; none for the baseline.
    /// (Format 2; absent in format 1.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<ShippedProfile>,
    /// The BOLT profile they were rewritten with, for a bolted variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bolt_profile: Option<StoreObject>,
    /// The remedy, when the variant is one (`optimized-broad`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy: Option<Remedy>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct ShippedProfile {
    pub store_path: PathBuf,
    pub nar_hash: String,
    /// Its nix-support/profile.json's fingerprint, if it has one.
    pub fingerprint: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Remedy {
    pub name: String,
    /// False when the variant it repairs passed the regression check, or the
    /// remedy could not be made: the remedy is then that variant, copied, and
    /// what it was built from is that variant's.
    pub applied: bool,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Profile {
    pub store_path: PathBuf,
    pub nar_hash: String,
    /// nix-support/profile.json: fingerprint, functions, total count.
    pub summary: ProfileSummary,
    pub lock_entry: Option<serde_json::Value>,
    /// `nix-pgo import`'s provenance of this profile (sources, windows, build IDs), when
    /// it was imported and its provenance was committed beside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<serde_json::Value>,
    /// A locked profile's training workloads that have changed since it was
    /// locked (its lock entry's `trainingSources` against `workloads.training`),
    /// each with what changed: the profile was trained on what the entry
    /// records, not on what `workloads.training` lists. (Format 2.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training_changed_since_lock: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Workloads {
    pub training: Vec<Workload>,
    pub evaluation: Vec<Workload>,
    /// The optimized-broad remedy's extra workloads. (Format 2.)
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broad: Vec<Workload>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Toolchain {
    pub id: String,
    /// `rustc -vV`, line by line (a Rust program).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rustc: Option<Vec<String>>,
    /// `go version`, line by line (a Go program).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub go: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Variant {
    pub store_path: PathBuf,
    pub binaries: Vec<FileHash>,
}

/// A binary's hash and its bytes.
pub type Binary = (FileHash, Vec<u8>);

/// The names of the files in `dir/bin`, sorted.
fn bin_names(dir: &Path) -> Result<Vec<String>> {
    let bin = dir.join("bin");
    let mut names = Vec::new();
    for entry in fs::read_dir(&bin).with_context(|| format!("could not list {}", bin.display()))? {
        let entry = entry.with_context(|| format!("could not list {}", bin.display()))?;
        let name = entry.file_name().into_string().map_err(|name| {
            anyhow::anyhow!(
                "{}/{} is not a UTF-8 file name",
                bin.display(),
                name.to_string_lossy()
            )
        })?;
        names.push(name);
    }
    names.sort();
    Ok(names)
}

fn binaries(dir: &Path, bins: &[String]) -> Result<Vec<Binary>> {
    bins.iter()
        .map(|bin| {
            let file = dir.join("bin").join(bin);
            let data = fs::read(&file).with_context(|| {
                format!(
                    "could not read {} (every bin must be built)",
                    file.display()
                )
            })?;
            let hash = FileHash {
                path: format!("bin/{bin}"),
                sha256: sha256_hex(&data),
                size: data.len() as u64,
            };
            Ok((hash, data))
        })
        .collect()
}

/// The archive's top directory, `<pname>-<version>-<system>`.
pub fn archive_name(spec: &Spec) -> String {
    format!("{}-{}-{}", spec.pname, spec.version, spec.system)
}

/// What the release reads of the lock entry its spec carries, which it
/// otherwise copies into provenance.json as given (buildRelease.nix rewrites
/// its `choice`, so it is no [`crate::lock::LockEntry`]).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LockedTraining {
    /// As [`crate::lock::LockEntry::training_sources`]: absent in locks
    /// written before nix-pgo recorded them.
    #[serde(default)]
    training_sources: BTreeMap<String, WorkloadContent>,
}

/// The training workloads of `training` (the package's now) that differ from
/// those `lock_entry` records its profile was trained on, described; none
/// when the package is unlocked or the entry records none.
fn training_changed_since_lock(
    lock_entry: Option<&serde_json::Value>,
    training: &[Workload],
) -> Result<Vec<String>> {
    let Some(entry) = lock_entry else {
        return Ok(Vec::new());
    };
    let recorded = LockedTraining::deserialize(entry)
        .context("the lock entry's trainingSources are not workload sources")?
        .training_sources;
    if recorded.is_empty() {
        return Ok(Vec::new());
    }
    let now = training
        .iter()
        .map(|w| (w.name.clone(), WorkloadContent::from(w)))
        .collect();
    let changed = changed_workloads(&recorded, &now);
    if !changed.is_empty() {
        eprintln!(
            "nix-pgo: warning: the locked profile was trained on other training workloads than \
             the package's now: {}. provenance.json says so (profile.training_changed_since_lock); \
             re-lock the profile to train it on them",
            describe_changes(&changed)
        );
    }
    Ok(changed
        .iter()
        .map(|(name, changes)| {
            let list: Vec<String> = changes.iter().map(ContentChange::to_string).collect();
            format!("{name}: {}", list.join("; "))
        })
        .collect())
}

/// Compute the provenance of `spec`'s shipped binaries; `compiler_version` is
/// what the compiler printed for its version arguments. Returns it with the
/// binaries' bytes.
pub fn provenance(spec: &Spec, compiler_version: &str) -> Result<(Provenance, Vec<Binary>)> {
    let version: Vec<String> = compiler_version.lines().map(str::to_owned).collect();
    let (rustc, go) = match spec.compiler.name.as_str() {
        "rustc" => (Some(version), None),
        "go" => (None, Some(version)),
        other => {
            bail!("unknown compiler '{other}' in the release specification (expected rustc or go)")
        }
    };
    let bins = match &spec.bins {
        Some(bins) => bins.clone(),
        None => bin_names(&spec.shipped)?,
    };
    ensure!(
        !bins.is_empty(),
        "the release has no binaries (bins is empty, or {}/bin has no files)",
        spec.shipped.display()
    );
    let shipped = binaries(&spec.shipped, &bins)?;
    let baseline = binaries(&spec.baseline, &bins)?;
    let choice_file = spec.shipped.join("nix-support/choice.json");
    let choice: Option<Choice> = if choice_file.exists() {
        Some(read_json(&choice_file, "a variant choice (choice.json)")?)
    } else {
        None
    };
    let variant = choice
        .as_ref()
        .map_or_else(|| spec.shipped_stage.clone(), |c| c.chosen.clone());
    let (built, remedy) = built_from(spec, &variant)?;
    same_binaries(&shipped, &binaries(&built.path, &bins)?, &variant, built)?;
    let shipped_profile = built
        .profile
        .as_deref()
        .map(|path| -> Result<ShippedProfile> {
            let summary = path.join("nix-support/profile.json");
            let fingerprint = if summary.exists() {
                let summary: ProfileSummary =
                    read_json(&summary, "a profile summary (nix-support/profile.json)")?;
                Some(summary.fingerprint().to_owned())
            } else {
                None
            };
            Ok(ShippedProfile {
                store_path: path.to_owned(),
                nar_hash: store_object(path)?.nar_hash,
                fingerprint,
            })
        })
        .transpose()?;
    let training = hash_workloads(&spec.workloads.training)?;
    let evaluation = match &spec.evaluation {
        Some(dir) => Some(read_json(
            &dir.join("evaluation.json"),
            "an evaluation summary (evaluation.json)",
        )?),
        None => None,
    };
    let profile_summary: ProfileSummary = read_json(
        &spec.profile.join("nix-support/profile.json"),
        "a profile summary (nix-support/profile.json)",
    )?;
    let provenance = Provenance {
        format: PROVENANCE_FORMAT,
        package: Package {
            pname: spec.pname.clone(),
            version: spec.version.clone(),
            system: spec.system.clone(),
        },
        binaries: shipped.iter().map(|(h, _)| h.clone()).collect(),
        shipped: Shipped {
            variant,
            stage: spec.shipped_stage.clone(),
            store_path: spec.shipped.clone(),
            choice,
            profile: shipped_profile,
            bolt_profile: built
                .bolt_profile
                .as_deref()
                .map(store_object)
                .transpose()?,
            remedy,
        },
        profile: Profile {
            training_changed_since_lock: training_changed_since_lock(
                spec.lock_entry.as_ref(),
                &training,
            )?,
            store_path: spec.profile.clone(),
            nar_hash: store_object(&spec.profile)?.nar_hash,
            import: match &spec.import_provenance {
                Some(path) => import_provenance(
                    path,
                    &serde_json::to_value(&profile_summary)
                        .context("could not serialize the profile summary")?,
                )?,
                None => None,
            },
            summary: profile_summary,
            lock_entry: spec.lock_entry.clone(),
        },
        workloads: Workloads {
            training,
            evaluation: hash_workloads(&spec.workloads.evaluation)?,
            broad: hash_workloads(&spec.workloads.broad)?,
        },
        toolchain: Toolchain {
            id: spec.toolchain_id.clone(),
            rustc,
            go,
        },
        source: store_object(&spec.source)?,
        flags: spec.flags.clone(),
        baseline: Variant {
            store_path: spec.baseline.clone(),
            binaries: baseline.into_iter().map(|(h, _)| h).collect(),
        },
        evaluation,
    };
    Ok((provenance, shipped))
}

/// What the variant `name` was built from, and the remedy it is, if one. A
/// remedy whose variant passed the regression check, or that could not be
/// made, is that variant, copied (its `nix-support/repair` says `not-needed`
/// or `not-applicable`): it was built from what that variant was built from.
fn built_from<'a>(spec: &'a Spec, name: &str) -> Result<(&'a SpecVariant, Option<Remedy>)> {
    let variant = spec.variants.get(name).with_context(|| {
        format!(
            "the shipped variant {name} is not among the candidates the release specification \
             describes ({}): buildRelease's `evaluation` must be the one `shipped` chose by",
            spec.variants
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let Some(original) = &variant.original else {
        return Ok((variant, None));
    };
    let marker = variant.path.join("nix-support/repair");
    let status = fs::read_to_string(&marker).with_context(|| {
        format!(
            "could not read {} (a remedy says whether it was applied)",
            marker.display()
        )
    })?;
    let remedy = |applied| {
        Some(Remedy {
            name: name.to_owned(),
            applied,
        })
    };
    match status.trim() {
        "applied" => Ok((variant, remedy(true))),
        // Copies of the variant: it passed, or the remedy could not be made.
        "not-needed" | "not-applicable" => {
            let copied = spec
                .variants
                .values()
                .find(|v| &v.path == original)
                .with_context(|| {
                    format!(
                        "the remedy {name} is a copy of {}, which is not among the release's candidates",
                        original.display()
                    )
                })?;
            Ok((copied, remedy(false)))
        }
        other => bail!(
            "{}: unknown repair status {other:?} (expected applied, not-needed or not-applicable)",
            marker.display()
        ),
    }
}

/// The shipped binaries must be those of the build the provenance describes.
fn same_binaries(
    shipped: &[Binary],
    built: &[Binary],
    variant: &str,
    from: &SpecVariant,
) -> Result<()> {
    for ((shipped, _), (built, _)) in shipped.iter().zip(built) {
        ensure!(
            shipped.sha256 == built.sha256,
            "the shipped {} (sha256 {}) is not {}'s (sha256 {}), the build of variant {variant} \
             that provenance.json would describe: the shipped stage did not copy the variant it chose",
            shipped.path,
            shipped.sha256,
            from.path.display(),
            built.sha256
        );
    }
    Ok(())
}

/// The import provenance at `path`, if it describes the profile `summary` describes
/// (the same fingerprint). One written by an earlier import, left beside a profile
/// imported or trained since, is not carried: a warning says so and what to do.
fn import_provenance(
    path: &Path,
    summary: &serde_json::Value,
) -> Result<Option<serde_json::Value>> {
    let provenance: serde_json::Value = read_json(path, "nix-pgo import's provenance")?;
    let fingerprint = |v: &serde_json::Value| {
        v.get("fingerprint")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    match (fingerprint(&provenance), fingerprint(summary)) {
        (Some(imported), Some(locked)) if imported == locked => Ok(Some(provenance)),
        (imported, locked) => {
            eprintln!(
                "nix-pgo: warning: the import provenance beside the committed profile describes \
                 another profile (fingerprint {}) than the locked one ({}), so the release does \
                 not carry it: it is left from an earlier `nix-pgo import`. Delete it, or import \
                 again, which writes both.",
                imported.as_deref().unwrap_or("none"),
                locked.as_deref().unwrap_or("none")
            );
            Ok(None)
        }
    }
}

/// SHA256SUMS for `files` (path in the archive, bytes), in `sha256sum`'s
/// format, sorted by path: `sha256sum -c SHA256SUMS` checks an unpacked archive.
pub fn sums(files: &BTreeMap<String, Vec<u8>>) -> String {
    files
        .iter()
        .map(|(path, data)| format!("{}  {path}\n", sha256_hex(data)))
        .collect()
}

/// Write the deterministic archive: `top/` holding `files` (path -> bytes;
/// those under bin/ executable) and their SHA256SUMS.
pub fn write_archive(out: &Path, top: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let mut all = files.clone();
    ensure!(
        all.insert(SUMS_FILE.to_owned(), sums(files).into_bytes())
            .is_none(),
        "{SUMS_FILE} is written by the release itself"
    );
    let file = File::create(out).with_context(|| format!("could not create {}", out.display()))?;
    // No file name and mtime 0 in the gzip header (what `gzip -n` does).
    let gz = GzBuilder::new()
        .mtime(0)
        .write(BufWriter::new(file), Compression::best());
    let mut tar = tar::Builder::new(gz);
    let mut dirs: Vec<String> = vec![String::new()];
    for path in all.keys() {
        let mut prefix = String::new();
        for part in path
            .split('/')
            .collect::<Vec<_>>()
            .split_last()
            .map_or(&[][..], |(_, d)| d)
        {
            prefix.push_str(part);
            prefix.push('/');
            dirs.push(prefix.clone());
        }
    }
    dirs.sort();
    dirs.dedup();
    let mut entries: Vec<(String, Option<&Vec<u8>>)> = dirs
        .into_iter()
        .map(|d| (format!("{top}/{d}"), None))
        .chain(all.iter().map(|(p, d)| (format!("{top}/{p}"), Some(d))))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, data) in entries {
        let mut header = tar::Header::new_ustar();
        header.set_uid(0);
        header.set_gid(0);
        header.set_mtime(MTIME);
        match data {
            None => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                tar.append_data(&mut header, &path, std::io::empty())
            }
            Some(data) => {
                header.set_entry_type(tar::EntryType::Regular);
                let executable = path.starts_with(&format!("{top}/bin/"));
                header.set_mode(if executable { 0o755 } else { 0o644 });
                header.set_size(data.len() as u64);
                tar.append_data(&mut header, &path, data.as_slice())
            }
        }
        .with_context(|| format!("could not add {path} to {}", out.display()))?;
    }
    let gz = tar
        .into_inner()
        .with_context(|| format!("could not finish {}", out.display()))?;
    gz.finish()
        .and_then(|mut w| w.flush())
        .with_context(|| format!("could not write {}", out.display()))?;
    Ok(())
}

/// What `verify-release` found in a good archive.
#[derive(Debug, Serialize)]
pub struct Verified {
    pub archive: PathBuf,
    pub top: String,
    pub files: Vec<FileHash>,
    pub shipped_variant: String,
    /// The fingerprint of the profile the shipped binaries were compiled with
    /// (format 1: the package's profile).
    pub profile_fingerprint: Option<String>,
    /// False when provenance.json says they were compiled without one (the
    /// baseline).
    pub profiled: bool,
}

/// Read a release archive: its top directory and regular files (path below
/// the top directory -> bytes). Anything but one top directory with
/// directories and regular files in it is refused.
pub fn read_archive(archive: &Path) -> Result<(String, BTreeMap<String, Vec<u8>>)> {
    let file = File::open(archive)
        .with_context(|| format!("could not open the release archive {}", archive.display()))?;
    let mut tar = tar::Archive::new(GzDecoder::new(file));
    let mut top: Option<String> = None;
    let mut files = BTreeMap::new();
    let not_a_release = || {
        format!(
            "{} is not a readable .tar.gz (a release archive is a gzip-compressed tar, as `nix build .#release` writes it)",
            archive.display()
        )
    };
    for entry in tar.entries().with_context(not_a_release)? {
        let mut entry = entry.with_context(not_a_release)?;
        let path = entry
            .path()
            .with_context(not_a_release)?
            .to_string_lossy()
            .into_owned();
        let (first, rest) = path.split_once('/').unwrap_or((path.as_str(), ""));
        match &top {
            None => top = Some(first.to_owned()),
            Some(t) if t != first => bail!(
                "{}: entry {path} is outside the archive's top directory {t}/: a release holds one directory",
                archive.display()
            ),
            Some(_) => {}
        }
        match entry.header().entry_type() {
            tar::EntryType::Directory => {}
            tar::EntryType::Regular => {
                let mut data = Vec::new();
                entry
                    .read_to_end(&mut data)
                    .with_context(|| format!("{}: could not read {path}", archive.display()))?;
                if files.insert(rest.to_owned(), data).is_some() {
                    bail!("{}: {path} appears twice", archive.display());
                }
            }
            other => bail!(
                "{}: {path} is a {other:?} entry; a release holds only directories and regular files",
                archive.display()
            ),
        }
    }
    let top = top.with_context(|| format!("{} is an empty archive", archive.display()))?;
    Ok((top, files))
}

/// Parse SHA256SUMS: `<64 hex>  <path>` per line.
fn parse_sums(text: &str) -> Result<BTreeMap<String, String>> {
    let mut sums = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(h, p)| {
            h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) && !p.is_empty()
        });
        let Some((hash, path)) = parsed else {
            bail!(
                "{SUMS_FILE} line {}: {line:?} is not `<sha256 in hex>  <path>`",
                n + 1
            );
        };
        if sums
            .insert(path.to_owned(), hash.to_ascii_lowercase())
            .is_some()
        {
            bail!("{SUMS_FILE} lists {path} twice");
        }
    }
    Ok(sums)
}

/// Check a release archive: every file is in SHA256SUMS with its hash, and
/// provenance.json describes exactly the binaries in the archive. Every
/// mismatch is named; the error lists them all.
pub fn verify(archive: &Path) -> Result<Verified> {
    let (top, files) = read_archive(archive)?;
    let mut problems = Vec::new();
    let sums_text = files.get(SUMS_FILE).with_context(|| {
        format!(
            "{}: no {top}/{SUMS_FILE}; this is not a nix-pgo release archive",
            archive.display()
        )
    })?;
    let sums = parse_sums(
        std::str::from_utf8(sums_text).with_context(|| format!("{SUMS_FILE} is not UTF-8"))?,
    )?;
    for (path, want) in &sums {
        match files.get(path) {
            None => problems.push(format!(
                "{SUMS_FILE} lists {path}, which is not in the archive"
            )),
            Some(data) => {
                let got = sha256_hex(data);
                if &got != want {
                    problems.push(format!(
                        "{path}: {SUMS_FILE} says sha256 {want}, the file in the archive has {got}"
                    ));
                }
            }
        }
    }
    for path in files.keys() {
        if path != SUMS_FILE && !sums.contains_key(path) {
            problems.push(format!("{path} is in the archive but not in {SUMS_FILE}"));
        }
    }
    let provenance: Option<Provenance> = match files.get(PROVENANCE_FILE) {
        None => {
            problems.push(format!("no {PROVENANCE_FILE} in the archive"));
            None
        }
        Some(data) => match serde_json::from_slice::<Provenance>(data) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(format!(
                    "{PROVENANCE_FILE} is not a nix-pgo provenance: {e}"
                ));
                None
            }
        },
    };
    let mut verified_files = Vec::new();
    if let Some(p) = &provenance {
        if !READABLE_FORMATS.contains(&p.format) {
            problems.push(format!(
                "{PROVENANCE_FILE} has format {}, this nix-pgo reads formats {READABLE_FORMATS:?}: \
                 verify it with the nix-pgo that built it",
                p.format
            ));
        }
        for bin in &p.binaries {
            match files.get(&bin.path) {
                None => problems.push(format!(
                    "{PROVENANCE_FILE} describes {}, which is not in the archive",
                    bin.path
                )),
                Some(data) => {
                    let got = sha256_hex(data);
                    if got != bin.sha256 {
                        problems.push(format!(
                            "{}: {PROVENANCE_FILE} says sha256 {}, the binary in the archive has {got}: it is not the binary the provenance describes",
                            bin.path, bin.sha256
                        ));
                    } else {
                        verified_files.push(bin.clone());
                    }
                }
            }
        }
        for path in files.keys().filter(|p| p.starts_with("bin/")) {
            if !p.binaries.iter().any(|b| &b.path == path) {
                problems.push(format!(
                    "{path} is in the archive but {PROVENANCE_FILE} does not describe it"
                ));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} fails verification ({} problem{}):\n  {}\nDo not publish or run it; rebuild the release (`nix build .#release`) and compare with its SHA256SUMS.",
            archive.display(),
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            problems.join("\n  ")
        );
    }
    let provenance = provenance.expect("no problems means provenance.json was read");
    let (profile_fingerprint, profiled) = if provenance.format == 1 {
        let fingerprint = provenance.profile.summary.fingerprint().to_owned();
        (Some(fingerprint), true)
    } else {
        match provenance.shipped.profile {
            Some(p) => (p.fingerprint, true),
            None => (None, false),
        }
    };
    Ok(Verified {
        archive: archive.to_owned(),
        top,
        files: verified_files,
        shipped_variant: provenance.shipped.variant,
        profile_fingerprint,
        profiled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> BTreeMap<String, Vec<u8>> {
        BTreeMap::from([
            ("bin/tool".to_owned(), b"\x7fELF binary".to_vec()),
            ("provenance.json".to_owned(), b"{}".to_vec()),
        ])
    }

    #[test]
    fn archive_is_deterministic_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-release-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.tar.gz"), dir.join("b.tar.gz"));
        write_archive(&a, "tool-1-x", &files()).unwrap();
        write_archive(&b, "tool-1-x", &files()).unwrap();
        assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
        let (top, read) = read_archive(&a).unwrap();
        assert_eq!(top, "tool-1-x");
        assert_eq!(read["bin/tool"], files()["bin/tool"]);
        assert!(String::from_utf8(read["SHA256SUMS"].clone())
            .unwrap()
            .contains("  bin/tool\n"));
        fs::remove_dir_all(&dir).unwrap();
    }

    fn variant(path: &Path, profile: &str, original: Option<&Path>) -> SpecVariant {
        SpecVariant {
            path: path.to_owned(),
            profile: Some(PathBuf::from(profile)),
            bolt_profile: None,
            original: original.map(Path::to_owned),
        }
    }

    #[test]
    fn a_remedy_is_built_from_its_own_profile_unless_it_was_not_needed() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-built-from-{}", std::process::id()));
        let (optimized, broad) = (dir.join("optimized"), dir.join("broad"));
        fs::create_dir_all(broad.join("nix-support")).unwrap();
        let spec_json = serde_json::json!({
            "pname": "tool", "version": "1", "system": "x86_64-linux", "bins": ["tool"],
            "shippedStage": "best", "shipped": "/s", "baseline": "/b", "profile": "/p",
            "variants": {}, "lockEntry": null, "evaluation": null, "toolchainId": "t",
            "compiler": { "name": "rustc", "path": "/rustc", "versionArgs": ["-vV"] },
            "source": "/src", "flags": {}, "workloads": { "training": {}, "evaluation": {} }
        });
        let mut spec: Spec = serde_json::from_value(spec_json).unwrap();
        spec.variants = BTreeMap::from([
            ("optimized".to_owned(), variant(&optimized, "/p", None)),
            (
                "optimized-broad".to_owned(),
                variant(&broad, "/p-broad", Some(&optimized)),
            ),
        ]);
        let (built, remedy) = built_from(&spec, "optimized").unwrap();
        assert_eq!(built.profile.as_deref(), Some(Path::new("/p")));
        assert!(remedy.is_none());

        fs::write(broad.join("nix-support/repair"), "applied\n").unwrap();
        let (built, remedy) = built_from(&spec, "optimized-broad").unwrap();
        assert_eq!(built.profile.as_deref(), Some(Path::new("/p-broad")));
        assert_eq!(remedy.map(|r| r.applied), Some(true));

        fs::write(broad.join("nix-support/repair"), "not-needed\n").unwrap();
        let (built, remedy) = built_from(&spec, "optimized-broad").unwrap();
        assert_eq!(built.profile.as_deref(), Some(Path::new("/p")));
        assert_eq!(remedy.map(|r| r.applied), Some(false));

        let err = built_from(&spec, "bolted").unwrap_err().to_string();
        assert!(err.contains("optimized, optimized-broad"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sums_parse_back_and_bad_lines_are_named() {
        let text = sums(&files());
        assert_eq!(parse_sums(&text).unwrap().len(), 2);
        let err = parse_sums("abc  bin/tool\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
