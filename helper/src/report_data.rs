//! `nix-pgo report-data`: report-data.json, every deterministic figure of each
//! program (binary sizes, the evaluation's counts, the profile's fingerprint,
//! coverage and staleness, the variant `best` ships) and the timing spec, from the report derivation's
//! structured attributes (nix/report.nix). Written with serde: names with
//! quotes or spaces and counts above 2^53 pass through unchanged.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::output::read_json;

#[derive(Debug, Deserialize)]
pub struct Attrs {
    pub programs: BTreeMap<String, ProgramPaths>,
}

/// One program as nix/report.nix describes it: store paths and values
/// known at evaluation.
#[derive(Debug, Deserialize)]
pub struct ProgramPaths {
    pname: String,
    version: String,
    order: Vec<String>,
    variants: BTreeMap<String, PathBuf>,
    evaluation: PathBuf,
    profile: PathBuf,
    optimized: PathBuf,
    /// The `best` stage (null for a package without it).
    #[serde(default)]
    best: Option<PathBuf>,
    regression_tolerance: f64,
    timing: Value,
}

#[derive(Debug, Serialize)]
pub struct ReportData {
    pub version: u32,
    pub programs: BTreeMap<String, ProgramData>,
}

#[derive(Debug, Serialize)]
pub struct ProgramData {
    pname: String,
    version: String,
    order: Vec<String>,
    variants: BTreeMap<String, VariantData>,
    evaluation: Value,
    profile: Option<Value>,
    coverage: Option<Value>,
    staleness: Option<Value>,
    regression_tolerance: f64,
    /// best's nix-support/choice.json.
    choice: Option<Value>,
    timing: Value,
}

#[derive(Debug, Serialize)]
struct VariantData {
    path: PathBuf,
    bins: BTreeMap<String, u64>,
}

pub fn collect(name: &str, p: ProgramPaths) -> Result<ProgramData> {
    let mut variants = BTreeMap::new();
    for variant in &p.order {
        let path = p
            .variants
            .get(variant)
            .with_context(|| format!("the order names variant '{variant}', which has no path"))?;
        variants.insert(
            variant.clone(),
            VariantData {
                path: path.clone(),
                bins: bin_sizes(path)?,
            },
        );
    }
    Ok(ProgramData {
        evaluation: read_json(
            &p.evaluation.join("evaluation.json"),
            &format!("the evaluation of {name}"),
        )?,
        profile: optional_json(&p.profile.join("nix-support/profile.json"))?,
        coverage: optional_json(&p.optimized.join("nix-support/pgo-coverage.json"))?,
        staleness: optional_json(&p.optimized.join("nix-support/pgo-staleness.json"))?,
        pname: p.pname,
        version: p.version,
        order: p.order,
        variants,
        regression_tolerance: p.regression_tolerance,
        choice: match &p.best {
            Some(best) => Some(read_json(
                &best.join("nix-support/choice.json"),
                &format!("the choice of {name}'s best stage"),
            )?),
            None => None,
        },
        timing: p.timing,
    })
}

/// The size of each of DIR/bin/*; a variant without binaries is an error.
fn bin_sizes(dir: &Path) -> Result<BTreeMap<String, u64>> {
    let bin = dir.join("bin");
    let mut sizes = BTreeMap::new();
    let entries =
        fs::read_dir(&bin).with_context(|| format!("could not list {}", bin.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list {}", bin.display()))?;
        // metadata follows symlinks, as `stat -L` did.
        let size = fs::metadata(entry.path())
            .with_context(|| format!("could not stat {}", entry.path().display()))?
            .len();
        sizes.insert(entry.file_name().to_string_lossy().into_owned(), size);
    }
    if sizes.is_empty() {
        bail!("{} has no binaries", bin.display());
    }
    Ok(sizes)
}

/// A JSON file a stage writes, or None when it doesn't exist (an older build).
fn optional_json(path: &Path) -> Result<Option<Value>> {
    if path.exists() {
        read_json(path, "JSON").map(Some)
    } else {
        Ok(None)
    }
}
