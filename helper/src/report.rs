//! `nix-pgo report`: wall-clock times of every variant (baseline, optimized,
//! bolted) on the evaluation workloads, next to the deterministic figures the
//! derivations computed (instruction counts, binary sizes, profile
//! fingerprint, coverage), as report.json, report.md and one SVG chart per
//! program.
//!
//! Timings can't come from a derivation: they are not reproducible, and a
//! build sandbox shares the machine with other builds. So nix/report.nix
//! collects everything deterministic into report-data.json, and this command
//! adds the times. Variants alternate run by run (stats::round_order), so the
//! machine's changing load hits every variant alike and the ratios hold even
//! on a busy machine; absolute times from one machine say little elsewhere.

pub mod render;
pub mod stats;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use std::collections::BTreeMap;

/// How many times `report_program` runs each variant.
#[derive(Debug, Clone, Copy)]
pub struct Rounds {
    /// Measured rounds; each runs every variant once.
    pub rounds: u32,
    /// Rounds run first and not measured (caches, CPU frequency).
    pub warmup: u32,
}

/// report-data.json: what nix/report.nix collected from each program's
/// derivations.
#[derive(Debug, Deserialize)]
pub struct ReportData {
    pub version: u32,
    pub programs: BTreeMap<String, ProgramData>,
}

#[derive(Debug, Deserialize)]
pub struct ProgramData {
    pname: String,
    version: String,
    /// The variants in pipeline order; the first is the baseline.
    order: Vec<String>,
    variants: BTreeMap<String, VariantData>,
    /// The evaluation's evaluation.json (nix/evaluation-summary.sh).
    evaluation: Evaluation,
    /// The profile's nix-support/profile.json.
    profile: Value,
    /// optimized's nix-support/pgo-coverage.json and pgo-staleness.json.
    coverage: Option<Value>,
    staleness: Option<Value>,
    timing: TimingSpec,
    /// The package's `regressionTolerance` (percent), which its noRegression check uses.
    #[serde(default)]
    regression_tolerance: f64,
}

#[derive(Debug, Deserialize)]
struct VariantData {
    path: PathBuf,
    /// Size in bytes of each of bin/*.
    bins: BTreeMap<String, u64>,
}

#[derive(Debug, Deserialize)]
struct Evaluation {
    workloads: Vec<EvaluationResult>,
}

#[derive(Debug, Deserialize)]
struct EvaluationResult {
    workload: String,
    variants: BTreeMap<String, EvaluationVariant>,
}

#[derive(Debug, Deserialize)]
struct EvaluationVariant {
    instructions: u64,
    stdout_sha256: String,
}

/// How to run the evaluation workloads outside the sandbox, in the
/// environment they got inside it.
#[derive(Debug, Deserialize)]
struct TimingSpec {
    /// The toolchain's bash, which runs every workload.
    bash: PathBuf,
    /// The toolchain's PATH (shell utilities), after the variant's bin/.
    path: String,
    workloads: BTreeMap<String, WorkloadSpec>,
}

#[derive(Debug, Deserialize)]
struct WorkloadSpec {
    /// The workload runner (runWorkload.sh) and the workload's attributes
    /// (workloadEnv.nix), as its evaluation derivation had them.
    runner: PathBuf,
    script: PathBuf,
    /// $PGO_INPUTS's target: a directory of links to the inputs.
    inputs: PathBuf,
    /// Seconds.
    timeout: u64,
    /// LD_PRELOAD (fixedRandom's library), as in the evaluation; empty for none.
    preload: String,
    /// SSL_CERT_FILE (the package's `caCertificates`), as in the evaluation; empty for none.
    #[serde(default)]
    ca_bundle: String,
}

/// report.json.
#[derive(Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub date: String,
    pub machine: Machine,
    pub rounds: u32,
    pub warmup: u32,
    pub programs: Vec<ProgramReport>,
    /// build-times.json as given, if any.
    pub build_times: Option<Value>,
}

#[derive(Debug, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu_model: String,
    /// /proc/loadavg before and after the timed runs.
    pub load_before: String,
    pub load_after: String,
}

#[derive(Debug, Serialize)]
pub struct ProgramReport {
    pub program: String,
    pub pname: String,
    pub version: String,
    pub variants: Vec<VariantInfo>,
    pub profile: Value,
    pub coverage: Option<Value>,
    pub staleness: Option<Value>,
    pub workloads: Vec<WorkloadReport>,
    pub regression_check: RegressionVerdict,
}

/// The noRegression check's rule applied to the report's instruction counts: no variant
/// may execute more than `tolerance_percent` more instructions than the baseline on an
/// evaluation workload.
#[derive(Debug, Serialize)]
pub struct RegressionVerdict {
    pub tolerance_percent: f64,
    pub passed: bool,
    /// "<variant> on <workload>: +x.xx %" for each variant beyond the tolerance.
    pub regressions: Vec<String>,
}

impl RegressionVerdict {
    pub fn new(workloads: &[WorkloadReport], tolerance_percent: f64) -> Self {
        let regressions: Vec<String> = workloads
            .iter()
            .flat_map(|w| {
                w.variants
                    .iter()
                    .filter(|v| v.instructions_change_percent > tolerance_percent)
                    .map(|v| {
                        format!(
                            "{} on {}: {:+.2} %",
                            v.variant, w.workload, v.instructions_change_percent
                        )
                    })
            })
            .collect();
        RegressionVerdict {
            tolerance_percent,
            passed: regressions.is_empty(),
            regressions,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct VariantInfo {
    pub variant: String,
    pub path: PathBuf,
    pub bins: BTreeMap<String, u64>,
    pub size_bytes: u64,
}

#[derive(Debug, Serialize)]
pub struct WorkloadReport {
    pub workload: String,
    pub variants: Vec<VariantTiming>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantTiming {
    pub variant: String,
    pub mean_seconds: f64,
    pub stddev_seconds: f64,
    /// Every measured run, in the order they ran.
    pub runs_seconds: Vec<f64>,
    /// baseline mean / this mean, and its propagated standard deviation.
    pub speedup: f64,
    pub speedup_stddev: f64,
    /// callgrind's count from the evaluation derivation.
    pub instructions: u64,
    pub instructions_change_percent: f64,
    pub stdout_sha256: String,
}

pub fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!("nix-pgo: wrote {}", path.display());
    Ok(())
}

pub fn read_data(path: &Path) -> Result<ReportData> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    let data: ReportData = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not report data (nix/report.nix writes it)",
            path.display()
        )
    })?;
    ensure!(
        data.version == 1,
        "{} has report data version {}; this nix-pgo reads version 1: rebuild it with this nix-pgo's report derivation",
        path.display(),
        data.version
    );
    ensure!(
        !data.programs.is_empty(),
        "{} has no programs",
        path.display()
    );
    for (name, p) in &data.programs {
        check_program(p).with_context(|| format!("{}: program '{name}'", path.display()))?;
    }
    Ok(data)
}

/// Every variant in `order` is built and measured by the evaluation, and
/// every evaluation workload can be timed.
fn check_program(p: &ProgramData) -> Result<()> {
    ensure!(
        p.order.len() >= 2,
        "it has {} variant(s) (report compares at least a baseline and one more)",
        p.order.len()
    );
    for v in &p.order {
        ensure!(p.variants.contains_key(v), "variant '{v}' has no path");
    }
    for w in &p.evaluation.workloads {
        ensure!(
            p.timing.workloads.contains_key(&w.workload),
            "evaluation workload '{}' has no timing spec",
            w.workload
        );
        for v in &p.order {
            ensure!(
                w.variants.contains_key(v),
                "the evaluation of workload '{}' has no result for variant '{v}'",
                w.workload
            );
        }
    }
    Ok(())
}

pub fn read_build_times(path: &Path) -> Result<Value> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    let value: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    ensure!(
        value.is_array(),
        "{} is not a list of build times (bench/benchmark writes build-times.json)",
        path.display()
    );
    Ok(value)
}

pub fn report_program(name: &str, p: &ProgramData, args: &Rounds) -> Result<ProgramReport> {
    let variants: Vec<VariantInfo> = p
        .order
        .iter()
        .map(|v| {
            let d = &p.variants[v];
            VariantInfo {
                variant: v.clone(),
                path: d.path.clone(),
                bins: d.bins.clone(),
                size_bytes: d.bins.values().sum(),
            }
        })
        .collect();
    let mut workloads = Vec::new();
    for result in &p.evaluation.workloads {
        let spec = &p.timing.workloads[&result.workload];
        let runs = time_workload(name, &result.workload, spec, p, args)
            .with_context(|| format!("workload '{}'", result.workload))?;
        workloads.push(summarize(&result.workload, &p.order, &runs, result));
    }
    Ok(ProgramReport {
        program: name.to_string(),
        pname: p.pname.clone(),
        version: p.version.clone(),
        variants,
        profile: p.profile.clone(),
        coverage: p.coverage.clone(),
        staleness: p.staleness.clone(),
        regression_check: RegressionVerdict::new(&workloads, p.regression_tolerance),
        workloads,
    })
}

/// Statistics of one workload's runs (`runs[i]`: variant `order[i]`'s times).
fn summarize(
    workload: &str,
    order: &[String],
    runs: &[Vec<f64>],
    evaluation: &EvaluationResult,
) -> WorkloadReport {
    let base = stats::mean_stddev(&runs[0]);
    let base_instructions = evaluation.variants[&order[0]].instructions;
    let variants = order
        .iter()
        .zip(runs)
        .map(|(v, times)| {
            let ms = stats::mean_stddev(times);
            let (speedup, speedup_stddev) = if v == &order[0] {
                (1.0, 0.0)
            } else {
                stats::speedup(base, ms)
            };
            let e = &evaluation.variants[v];
            VariantTiming {
                variant: v.clone(),
                mean_seconds: ms.0,
                stddev_seconds: ms.1,
                runs_seconds: times.clone(),
                speedup,
                speedup_stddev,
                instructions: e.instructions,
                instructions_change_percent: stats::percent_change(
                    base_instructions,
                    e.instructions,
                ),
                stdout_sha256: e.stdout_sha256.clone(),
            }
        })
        .collect();
    WorkloadReport {
        workload: workload.to_string(),
        variants,
    }
}

/// Runs one variant once and says how long it took.
trait Runner {
    fn run(&mut self, variant: usize) -> Result<Duration>;
}

/// `warmup` unmeasured rounds, then `rounds` measured ones, each running every
/// variant once in the rotating order of stats::round_order. Returns the
/// measured seconds per variant.
fn measure(
    runner: &mut impl Runner,
    variants: usize,
    rounds: usize,
    warmup: usize,
) -> Result<Vec<Vec<f64>>> {
    let mut times = vec![Vec::with_capacity(rounds); variants];
    for round in 0..warmup + rounds {
        for v in stats::round_order(variants, round) {
            let t = runner.run(v)?;
            if round >= warmup {
                times[v].push(t.as_secs_f64());
            }
        }
    }
    Ok(times)
}

fn time_workload(
    program: &str,
    workload: &str,
    spec: &WorkloadSpec,
    p: &ProgramData,
    args: &Rounds,
) -> Result<Vec<Vec<f64>>> {
    eprintln!(
        "nix-pgo: timing {program}, workload '{workload}': {} ({} warmup + {} rounds, alternating)",
        p.order.join(", "),
        args.warmup,
        args.rounds
    );
    let bins: Vec<PathBuf> = p
        .order
        .iter()
        .map(|v| p.variants[v].path.join("bin"))
        .collect();
    let mut env = WorkloadEnv::new(workload, spec, &p.timing, &bins)?;
    let mut runner = EnvRunner {
        env: &mut env,
        order: &p.order,
    };
    let result = measure(
        &mut runner,
        p.order.len(),
        args.rounds as usize,
        args.warmup as usize,
    );
    env.remove();
    result
}

struct EnvRunner<'a> {
    env: &'a mut WorkloadEnv,
    order: &'a [String],
}

impl Runner for EnvRunner<'_> {
    fn run(&mut self, variant: usize) -> Result<Duration> {
        self.env
            .run(variant)
            .with_context(|| format!("variant '{}'", self.order[variant]))
    }
}

/// One workload, run the way the stages run it: by nix-pgo's workload runner
/// (nix/internal/workload/runWorkload.sh, here as a program), which builds the
/// environment docs/workloads.md documents and enforces the timeout. The
/// attributes the stages got (workloadEnv.nix) are its environment variables.
struct WorkloadEnv {
    root: PathBuf,
    bash: PathBuf,
    runner: PathBuf,
    /// Per variant: the link to its bin/.
    bins: Vec<PathBuf>,
    env: Vec<(String, String)>,
}

impl WorkloadEnv {
    fn new(name: &str, spec: &WorkloadSpec, timing: &TimingSpec, bins: &[PathBuf]) -> Result<Self> {
        let root =
            std::env::temp_dir().join(format!("nix-pgo-report-{}-{name}", std::process::id()));
        if root.exists() {
            fs::remove_dir_all(&root)
                .with_context(|| format!("could not remove {}", root.display()))?;
        }
        fs::create_dir_all(&root)
            .with_context(|| format!("could not create {}", root.display()))?;
        // Every variant's bin/ behind a link of the same length (v0, v1, ...): the
        // environments then differ in one character, not in size, and the size of
        // the environment shifts the stack, a known source of timing bias.
        let mut links = Vec::new();
        for (i, bin) in bins.iter().enumerate() {
            let link = root.join(format!("v{i}"));
            std::os::unix::fs::symlink(bin, &link)
                .with_context(|| format!("could not link {}", bin.display()))?;
            links.push(link);
        }
        let env = vec![
            ("PATH".into(), timing.path.clone()),
            ("workloadName".into(), name.to_string()),
            ("workloadScript".into(), spec.script.display().to_string()),
            ("workloadInputs".into(), spec.inputs.display().to_string()),
            ("workloadTimeout".into(), spec.timeout.to_string()),
            ("workloadPreload".into(), spec.preload.clone()),
            ("workloadCaBundle".into(), spec.ca_bundle.clone()),
            ("workloadScratch".into(), root.display().to_string()),
        ];
        Ok(Self {
            root,
            bash: timing.bash.clone(),
            runner: spec.runner.clone(),
            bins: links,
            env,
        })
    }

    /// Run the workload once with variant `variant` first on PATH, in fresh
    /// directories; the time from spawn to exit.
    fn run(&mut self, variant: usize) -> Result<Duration> {
        use std::os::unix::process::CommandExt;

        let log = self.root.join("log");
        let messages_path = self.root.join("runner-messages");
        let messages = fs::File::create(&messages_path)
            .with_context(|| format!("could not create {}", messages_path.display()))?;
        let mut command = Command::new(&self.bash);
        command
            .arg(&self.runner)
            .arg(&log)
            .arg(&self.bins[variant])
            .current_dir(&self.root)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(messages)
            // Its own process group, away from the terminal's signals.
            .process_group(0);

        let start = Instant::now();
        let status = command
            .status()
            .with_context(|| format!("could not start {}", self.runner.display()))?;
        let elapsed = start.elapsed();
        if !status.success() {
            let text = fs::read_to_string(&messages_path).unwrap_or_default();
            bail!(
                "the workload failed ({status}); it passed in the evaluation derivation, so \
                 this environment differs from the sandbox's:\n{}",
                text.trim_end()
            );
        }
        Ok(elapsed)
    }

    fn remove(&self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

pub fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Vec<usize>);
    impl Runner for Recorder {
        fn run(&mut self, variant: usize) -> Result<Duration> {
            self.0.push(variant);
            Ok(Duration::from_millis(10 * (variant as u64 + 1)))
        }
    }

    #[test]
    fn variants_alternate_run_by_run_and_warmup_is_not_measured() {
        let mut r = Recorder(Vec::new());
        let times = measure(&mut r, 3, 2, 1).expect("fake runs");
        // Warmup round 0, then measured rounds 1 and 2: the start rotates.
        assert_eq!(r.0, [0, 1, 2, 1, 2, 0, 2, 0, 1]);
        assert_eq!(times.len(), 3);
        assert!(times.iter().all(|t| t.len() == 2));
        assert!((times[2][0] - 0.03).abs() < 1e-12);
    }

    struct Failing;
    impl Runner for Failing {
        fn run(&mut self, variant: usize) -> Result<Duration> {
            bail!("variant {variant} failed")
        }
    }

    #[test]
    fn a_failing_run_fails_the_measurement() {
        assert!(measure(&mut Failing, 2, 3, 0).is_err());
    }

    #[test]
    fn reads_report_data_and_rejects_missing_variants() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-report-test-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let good = render::tests::sample_data_json();
        let path = dir.join("data.json");
        fs::write(&path, &good).expect("write");
        let data = read_data(&path).expect("valid data");
        assert_eq!(data.programs["demo"].order, ["baseline", "optimized"]);
        fs::write(&path, good.replace("\"optimized\"]", "\"bolted\"]")).expect("write");
        let err = format!("{:#}", read_data(&path).expect_err("bolted has no path"));
        assert!(err.contains("variant 'bolted' has no path"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}
