//! `nix-pgo report`: wall-clock times of every variant (baseline, optimized,
//! bolted) on the evaluation workloads, next to the deterministic figures the
//! derivations computed (instruction counts, binary sizes, profile
//! fingerprint, coverage), as report.json, report.md and one SVG chart per
//! program.
//!
//! Timings can't come from a derivation: they are not reproducible, and a
//! build sandbox shares the machine with other builds. So nix/report.nix
//! collects everything deterministic into report-data.json, and this command
//! adds the times, measured the way benchstat reads benchmarks (stats.rs):
//! - a sample is one workload run `repeats` times in a row, the count fixed
//!   per workload before measuring (`calibrate`) so that a sample takes at
//!   least `min_sample` (200 ms): process start-up and timer jitter are then
//!   not what is measured;
//! - rounds interleave the variants (stats::round_order: baseline, optimized,
//!   bolted, starting one further each round), so the machine's changing load
//!   hits every variant alike;
//! - each round gives a paired ratio variant / baseline; the report shows
//!   their median with a 95 % bootstrap interval, and "~" (no measurable
//!   change) when that interval contains 1.
//!
//! Absolute times from one machine say little elsewhere; the ratios are the result.

pub mod render;
pub mod stats;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::choice::Choice;
use crate::coverage::CoverageReport;
use crate::evaluation::{Metric, Range, Spread, VariantSummary, WorkloadResult};
use crate::output::read_json;
use crate::profile_summary::ProfileSummary;
use crate::regressions::range_exceeds;
use crate::report_data::{ProgramData, ReportData, TimingSpec, WorkloadSpec};
use crate::staleness::StalenessReport;

/// How many times `report_program` runs each variant.
#[derive(Debug, Clone, Copy)]
pub struct Rounds {
    /// Measured rounds; each takes one sample of every variant.
    pub rounds: u32,
    /// Rounds run first and not measured (caches, CPU frequency).
    pub warmup: u32,
    /// The least time one sample takes: a workload is repeated within a
    /// sample until the baseline's takes this long.
    pub min_sample: Duration,
}

/// Repeats per sample never grow beyond this (a workload that takes no
/// measurable time would otherwise loop for ever).
const MAX_REPEATS: u32 = 10_000;

/// One line of build-times.json (bench/benchmark writes the list with jq):
/// how long `nix build --rebuild` of a stage took, and whether its output was
/// the same.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BuildTime {
    pub program: String,
    pub stage: String,
    /// The stage's derivation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drv: Option<String>,
    pub seconds: f64,
    /// "reproducible", or what went wrong.
    pub result: String,
}

/// report.json.
#[derive(Debug, Serialize)]
pub struct Report {
    pub version: u32,
    pub date: String,
    pub machine: Machine,
    pub rounds: u32,
    pub warmup: u32,
    pub min_sample_seconds: f64,
    /// How the ratios' intervals were computed (fixed seed: reproducible from the runs).
    pub bootstrap: stats::Bootstrap,
    pub programs: Vec<ProgramReport>,
    /// build-times.json, if given.
    pub build_times: Option<Vec<BuildTime>>,
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
    pub profile: Option<ProfileSummary>,
    pub coverage: Option<CoverageReport>,
    pub staleness: Option<StalenessReport>,
    pub workloads: Vec<WorkloadReport>,
    pub regression_check: RegressionVerdict,
    /// What `best` ships, and why.
    pub choice: Option<Choice>,
}

/// The noRegression check's rule applied to the report's counts: no variant may execute
/// more than `tolerance_percent` more instructions, or estimated cycles, than the baseline
/// on an evaluation workload.
#[derive(Debug, Serialize)]
pub struct RegressionVerdict {
    pub tolerance_percent: f64,
    pub passed: bool,
    /// "<variant> on <workload>: +x.xx % <cost>" for each variant and cost beyond the tolerance.
    pub regressions: Vec<String>,
}

impl RegressionVerdict {
    pub fn new(workloads: &[WorkloadReport], tolerance_percent: f64) -> Self {
        let mut regressions = Vec::new();
        for w in workloads {
            let Some(base) = w.variants.first() else {
                continue;
            };
            for v in &w.variants[1..] {
                for metric in Metric::ALL {
                    if range_exceeds(base.range(metric), v.range(metric), tolerance_percent) {
                        regressions.push(format!(
                            "{} on {}: {} % {}{}",
                            v.variant,
                            w.workload,
                            crate::percent::change_number(v.change_percent(metric)),
                            metric.name(),
                            v.spread
                                .as_ref()
                                .map(|s| format!(" (beyond the spread of {} runs)", s.repeats))
                                .unwrap_or_default()
                        ));
                    }
                }
            }
        }
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
    /// Workload runs per sample (`calibrate`).
    pub repeats: u32,
    pub variants: Vec<VariantTiming>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VariantTiming {
    pub variant: String,
    /// Every measured sample (`repeats` runs), in round order.
    pub samples_seconds: Vec<f64>,
    /// The median sample divided by `repeats`.
    pub median_run_seconds: f64,
    /// Per-round time ratio to the baseline, its median and 95 % interval;
    /// None for the baseline itself.
    pub time_ratio: Option<stats::RatioSummary>,
    /// callgrind's counts from the evaluation derivation.
    pub instructions: u64,
    pub instructions_change_percent: f64,
    pub estimated_cycles: u64,
    pub estimated_cycles_change_percent: f64,
    pub stdout_sha256: String,
    /// The counts' spread over repeated runs, when the workload started threads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
}

impl VariantTiming {
    /// The cost's range over the evaluation's runs (`Metric::range`).
    pub fn range(&self, metric: Metric) -> Range {
        let count = match metric {
            Metric::Instructions => self.instructions,
            Metric::EstimatedCycles => self.estimated_cycles,
        };
        metric.range(count, self.spread.as_ref())
    }

    pub fn change_percent(&self, metric: Metric) -> f64 {
        match metric {
            Metric::Instructions => self.instructions_change_percent,
            Metric::EstimatedCycles => self.estimated_cycles_change_percent,
        }
    }
}

pub fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!("nix-pgo: wrote {}", path.display());
    Ok(())
}

pub fn read_data(path: &Path) -> Result<ReportData> {
    let data: ReportData = read_json(path, "report data (nix/report.nix writes it)")?;
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
            result_of(w, v)?;
        }
    }
    Ok(())
}

/// Variant `variant`'s counts on evaluation workload `w`.
fn result_of<'a>(w: &'a WorkloadResult, variant: &str) -> Result<&'a VariantSummary> {
    w.variants.get(variant).with_context(|| {
        format!(
            "the evaluation of workload '{}' has no result for variant '{variant}'",
            w.workload
        )
    })
}

pub fn read_build_times(path: &Path) -> Result<Vec<BuildTime>> {
    read_json(
        path,
        "a list of build times (bench/benchmark writes build-times.json)",
    )
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
        let (repeats, samples) = time_workload(name, &result.workload, spec, p, args)
            .with_context(|| format!("workload '{}'", result.workload))?;
        workloads.push(summarize(
            &result.workload,
            &p.order,
            repeats,
            &samples,
            result,
        )?);
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
        choice: p.choice.clone(),
        workloads,
    })
}

/// Statistics of one workload's samples (`samples[i]`: variant `order[i]`'s).
fn summarize(
    workload: &str,
    order: &[String],
    repeats: u32,
    samples: &[Vec<f64>],
    evaluation: &WorkloadResult,
) -> Result<WorkloadReport> {
    let base = result_of(evaluation, &order[0])?;
    let variants = order
        .iter()
        .zip(samples)
        .enumerate()
        .map(|(i, (v, times))| {
            let e = result_of(evaluation, v)?;
            Ok(VariantTiming {
                variant: v.clone(),
                samples_seconds: times.clone(),
                median_run_seconds: stats::median(times) / f64::from(repeats),
                time_ratio: (i > 0).then(|| {
                    stats::ratio_summary(
                        &stats::paired_ratios(times, &samples[0]),
                        &stats::BOOTSTRAP,
                    )
                }),
                instructions: e.instructions,
                instructions_change_percent: crate::percent::percent_change(
                    base.instructions,
                    e.instructions,
                ),
                estimated_cycles: e.estimated_cycles,
                estimated_cycles_change_percent: crate::percent::percent_change(
                    base.estimated_cycles,
                    e.estimated_cycles,
                ),
                stdout_sha256: e.stdout_sha256.clone(),
                spread: e.spread.clone(),
            })
        })
        .collect::<Result<_>>()?;
    Ok(WorkloadReport {
        workload: workload.to_string(),
        repeats,
        variants,
    })
}

/// Runs one variant once and says how long it took.
trait Runner {
    fn run(&mut self, variant: usize) -> Result<Duration>;
}

/// One sample: variant `variant` run `repeats` times in a row; their total time.
fn sample(runner: &mut impl Runner, variant: usize, repeats: u32) -> Result<Duration> {
    let mut total = Duration::ZERO;
    for _ in 0..repeats {
        total += runner.run(variant)?;
    }
    Ok(total)
}

/// The repeats per sample for a workload, fixed before measuring: the
/// smallest count found for which a sample of `variant` (the baseline) takes
/// at least `min_sample`, growing it by the shortfall until one does.
fn calibrate(runner: &mut impl Runner, variant: usize, min_sample: Duration) -> Result<u32> {
    let mut repeats = 1u32;
    loop {
        let took = sample(runner, variant, repeats)?;
        if took >= min_sample || repeats >= MAX_REPEATS {
            return Ok(repeats);
        }
        let wanted = if took.is_zero() {
            f64::from(repeats) * 2.0
        } else {
            (f64::from(repeats) * min_sample.as_secs_f64() / took.as_secs_f64()).ceil()
        };
        // At least one more, at most the cap.
        repeats = (wanted as u32).clamp(repeats + 1, MAX_REPEATS);
    }
}

/// `warmup` unmeasured rounds, then `rounds` measured ones, each taking one
/// sample of every variant in the rotating order of stats::round_order.
/// Returns the measured samples' seconds per variant.
fn measure(
    runner: &mut impl Runner,
    variants: usize,
    rounds: usize,
    warmup: usize,
    repeats: u32,
) -> Result<Vec<Vec<f64>>> {
    let mut times = vec![Vec::with_capacity(rounds); variants];
    for round in 0..warmup + rounds {
        for v in stats::round_order(variants, round) {
            let t = sample(runner, v, repeats)?;
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
) -> Result<(u32, Vec<Vec<f64>>)> {
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
    let result = calibrate(&mut runner, 0, args.min_sample).and_then(|repeats| {
        eprintln!(
            "nix-pgo: timing {program}, workload '{workload}': {} ({} warmup + {} rounds, \
             interleaved; {repeats} run(s) per sample)",
            p.order.join(", "),
            args.warmup,
            args.rounds
        );
        let samples = measure(
            &mut runner,
            p.order.len(),
            args.rounds as usize,
            args.warmup as usize,
            repeats,
        )?;
        Ok((repeats, samples))
    });
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
            ("workloadVariables".into(), spec.variables.clone()),
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
    fn variants_alternate_round_by_round_and_warmup_is_not_measured() {
        let mut r = Recorder(Vec::new());
        let times = measure(&mut r, 3, 2, 1, 1).expect("fake runs");
        // Warmup round 0, then measured rounds 1 and 2: the start rotates.
        assert_eq!(r.0, [0, 1, 2, 1, 2, 0, 2, 0, 1]);
        assert_eq!(times.len(), 3);
        assert!(times.iter().all(|t| t.len() == 2));
        assert!((times[2][0] - 0.03).abs() < 1e-12);
        // A sample is `repeats` runs of one variant in a row, timed together.
        let mut r = Recorder(Vec::new());
        let times = measure(&mut r, 2, 1, 0, 3).expect("fake runs");
        assert_eq!(r.0, [0, 0, 0, 1, 1, 1]);
        assert!((times[1][0] - 0.06).abs() < 1e-12);
    }

    #[test]
    fn calibration_repeats_the_workload_until_a_sample_is_long_enough() {
        // The baseline's run takes 10 ms: 200 ms need 20 runs per sample.
        let mut r = Recorder(Vec::new());
        assert_eq!(
            calibrate(&mut r, 0, Duration::from_millis(200)).expect("fake"),
            20
        );
        // It ran the baseline only: once, then a sample of 20.
        assert_eq!(r.0, vec![0; 21]);
        // A run longer than the minimum is its own sample.
        let mut r = Recorder(Vec::new());
        assert_eq!(
            calibrate(&mut r, 1, Duration::from_millis(15)).expect("fake"),
            1
        );
        // Runs that take no time stop at the cap.
        struct Instant0;
        impl Runner for Instant0 {
            fn run(&mut self, _: usize) -> Result<Duration> {
                Ok(Duration::ZERO)
            }
        }
        assert_eq!(
            calibrate(&mut Instant0, 0, Duration::from_millis(1)).expect("fake"),
            MAX_REPEATS
        );
    }

    struct Failing;
    impl Runner for Failing {
        fn run(&mut self, variant: usize) -> Result<Duration> {
            bail!("variant {variant} failed")
        }
    }

    #[test]
    fn a_failing_run_fails_the_measurement() {
        assert!(measure(&mut Failing, 2, 3, 0, 1).is_err());
        assert!(calibrate(&mut Failing, 0, Duration::from_millis(1)).is_err());
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
        // A baseline that cost nothing: every change relative to it would be
        // infinite (null in report.json, "+inf %" in report.md).
        let zero = good.replace("\"instructions\": 1000", "\"instructions\": 0");
        fs::write(&path, zero).expect("write");
        let err = format!("{:#}", read_data(&path).expect_err("a cost of 0"));
        assert!(err.contains("a cost of 0"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}
