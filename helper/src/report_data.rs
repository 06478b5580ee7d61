//! report-data.json, every deterministic figure of each program (binary
//! sizes, the evaluation's counts, the profile's fingerprint, coverage and
//! staleness, the variant `best` ships) and the timing spec: its format, which
//! `nix-pgo report-data` writes from the report derivation's structured
//! attributes (nix/report/report.nix) and `nix-pgo report` reads. Every part is
//! read with its writer's type (evaluation.json's, profile.json's, ...) and
//! written with serde: names with quotes or spaces and counts above 2^53 pass
//! through unchanged.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::choice::Choice;
use crate::coverage::CoverageReport;
use crate::evaluation::Evaluation;
use crate::output::read_json;
use crate::profile_summary::ProfileSummary;
use crate::staleness::StalenessReport;

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
    timing: TimingSpec,
}

/// report-data.json.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReportData {
    pub version: u32,
    pub programs: BTreeMap<String, ProgramData>,
}

/// One program's figures.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProgramData {
    pub pname: String,
    pub version: String,
    /// The variants in pipeline order; the first is the baseline.
    pub order: Vec<String>,
    pub variants: BTreeMap<String, VariantData>,
    /// The evaluation's evaluation.json (`nix-pgo evaluation-summary`).
    pub evaluation: Evaluation,
    /// The profile's nix-support/profile.json; null when it has none.
    pub profile: Option<ProfileSummary>,
    /// optimized's nix-support/pgo-coverage.json and pgo-staleness.json; null
    /// for a build without them.
    pub coverage: Option<CoverageReport>,
    pub staleness: Option<StalenessReport>,
    /// The package's `regressionTolerance` (percent), which its noRegression check uses.
    #[serde(default)]
    pub regression_tolerance: f64,
    /// The `best` stage's nix-support/choice.json: the variant the package
    /// ships; null for a package without `best`.
    #[serde(default)]
    pub choice: Option<Choice>,
    pub timing: TimingSpec,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct VariantData {
    pub path: PathBuf,
    /// Size in bytes of each of bin/*.
    pub bins: BTreeMap<String, u64>,
}

/// How to run the evaluation workloads outside the sandbox, in the
/// environment they got inside it (nix/report/report.nix gives it).
#[derive(Debug, Serialize, Deserialize)]
pub struct TimingSpec {
    /// The toolchain's bash, which runs every workload.
    pub bash: PathBuf,
    /// The toolchain's PATH (shell utilities), after the variant's bin/.
    pub path: String,
    pub workloads: BTreeMap<String, WorkloadSpec>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct WorkloadSpec {
    /// The workload runner (runWorkload.sh) and the workload's attributes
    /// (workloadEnv.nix), as its evaluation derivation had them.
    pub runner: PathBuf,
    pub script: PathBuf,
    /// $PGO_INPUTS's target: a directory of links to the inputs.
    pub inputs: PathBuf,
    /// Seconds.
    pub timeout: u64,
    /// LD_PRELOAD (fixedRandom's library), as in the evaluation; empty for none.
    pub preload: String,
    /// SSL_CERT_FILE (the package's `caCertificates`), as in the evaluation; empty for none.
    #[serde(default)]
    pub ca_bundle: String,
    /// A file of exports the runner sources (the stage's `variables`: Go's
    /// GOGC, GOMAXPROCS), as in the evaluation; empty for none.
    #[serde(default)]
    pub variables: String,
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
        profile: optional_json(
            &p.profile.join("nix-support/profile.json"),
            "a profile summary (nix-support/profile.json)",
        )?,
        coverage: optional_json(
            &p.optimized.join("nix-support/pgo-coverage.json"),
            "a coverage report (nix-pgo coverage)",
        )?,
        staleness: optional_json(
            &p.optimized.join("nix-support/pgo-staleness.json"),
            "a staleness report (nix-pgo staleness)",
        )?,
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

/// A JSON file a stage writes, or None when it doesn't exist (an older build);
/// `what` names what it should be, for the error.
fn optional_json<T: DeserializeOwned>(path: &Path, what: &str) -> Result<Option<T>> {
    if path.exists() {
        read_json(path, what).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage::{parse_log, EvidenceArgs};
    use crate::output::write_json;

    /// What `report-data` writes from a program's outputs, `report` reads: one
    /// set of types for both.
    #[test]
    fn report_reads_what_report_data_writes() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-report-data-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let write = |path: PathBuf, text: &str| {
            fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        };
        for v in ["baseline", "optimized"] {
            write(dir.join(v).join("bin/demo"), v);
        }
        write(
            dir.join("evaluation/evaluation.json"),
            r#"{"workloads": [{"workload": "w", "variants": {
              "optimized": {"instructions": 900, "estimated_cycles": 1400, "processes": 1, "stdout_sha256": "aa"},
              "baseline": {"instructions": 1000, "estimated_cycles": 1500, "processes": 1, "stdout_sha256": "aa"}}}]}"#,
        );
        write(
            dir.join("profile/nix-support/profile.json"),
            r#"{"file": "demo.profdata", "fingerprint": "ab", "functions": 5, "total_count": 70}"#,
        );
        let coverage =
            CoverageReport::new(&parse_log(""), Some(5), &EvidenceArgs { rustflags: None });
        fs::create_dir_all(dir.join("optimized/nix-support")).expect("mkdir");
        write_json(
            &dir.join("optimized/nix-support/pgo-coverage.json"),
            &coverage,
        )
        .expect("coverage");
        let attrs = serde_json::json!({"programs": {"demo": {
            "pname": "demo", "version": "1.0", "order": ["baseline", "optimized"],
            "variants": {"baseline": dir.join("baseline"), "optimized": dir.join("optimized")},
            "evaluation": dir.join("evaluation"), "profile": dir.join("profile"),
            "optimized": dir.join("optimized"), "best": null, "regression_tolerance": 0,
            "timing": {"bash": "/bin/bash", "path": "/bin", "workloads": {"w": {
                "runner": "/r.sh", "script": "/s.sh", "inputs": "/i", "timeout": 600,
                "preload": "", "ca_bundle": "", "variables": ""}}}}}});
        let attrs: Attrs = serde_json::from_value(attrs).expect("attrs");
        let programs = attrs
            .programs
            .into_iter()
            .map(|(name, p)| Ok((name.clone(), collect(&name, p)?)))
            .collect::<Result<_>>()
            .expect("collect");
        let data = dir.join("report-data.json");
        write_json(
            &data,
            &ReportData {
                version: 1,
                programs,
            },
        )
        .expect("write");
        let read = crate::report::read_data(&data).expect("report reads it");
        let demo = &read.programs["demo"];
        assert_eq!(demo.variants["optimized"].bins["demo"], 9);
        assert_eq!(demo.profile.as_ref().map(|p| p.fingerprint()), Some("ab"));
        assert_eq!(
            demo.coverage.as_ref().map(|c| &c.coverage_unknown_because),
            Some(&coverage.coverage_unknown_because)
        );
        assert!(demo.staleness.is_none() && demo.choice.is_none());
        // The variants keep evaluation.json's order.
        let order: Vec<&str> = demo.evaluation.workloads[0].variants.keys().collect();
        assert_eq!(order, ["optimized", "baseline"]);
        let _ = fs::remove_dir_all(&dir);
    }
}
