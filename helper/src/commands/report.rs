//! `nix-pgo report`.

use crate::commands::GlobalArgs;
use anyhow::{Context, Result};
use nix_pgo::date::utc_now;
use nix_pgo::output::to_json;
use nix_pgo::report;
use nix_pgo::report::{
    cpu_model, load_average, read_build_times, read_data, report_program, Machine, Report,
};
use std::fs;
use std::path::PathBuf;

/// Time baseline, optimized and bolted on the evaluation workloads in
/// interleaved rounds, and write report.json, report.md and <program>.svg
/// (time relative to baseline: median per-round ratio, 95 % bootstrap
/// interval) to --out.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// report-data.json, as the report derivation (nix/report.nix) writes it.
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,

    /// Directory for report.json, report.md and <program>.svg (created if missing).
    #[arg(long, value_name = "DIR", required_unless_present = "check_data")]
    pub out: Option<PathBuf>,

    /// Measured rounds; each takes one sample of every variant.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(2..))]
    pub rounds: u32,

    /// The least time one sample takes, in milliseconds: each workload is
    /// repeated within a sample until the baseline's takes this long (the
    /// count is fixed per workload before measuring).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    pub min_sample_ms: u64,

    /// Rounds run first and not measured (caches, CPU frequency).
    #[arg(long, default_value_t = 2)]
    pub warmup: u32,

    /// Per-stage build times to include (build-times.json, as bench/benchmark writes it).
    #[arg(long, value_name = "FILE")]
    pub build_times: Option<PathBuf>,

    /// Replace the text between `<!-- report:start -->` and `<!-- report:end -->`
    /// in this file (a README) with the report's tables.
    #[arg(long, value_name = "FILE")]
    pub readme: Option<PathBuf>,

    /// Only read and check the data file; run nothing (the derivation does
    /// this when it is built).
    #[arg(long)]
    pub check_data: bool,
}

pub fn run(_: &GlobalArgs, args: ReportArgs) -> Result<()> {
    let data = read_data(&args.data)?;
    if args.check_data {
        eprintln!(
            "nix-pgo: {} is valid report data for {}",
            args.data.display(),
            data.programs.keys().cloned().collect::<Vec<_>>().join(", ")
        );
        return Ok(());
    }
    let out = args.out.as_deref().expect("clap requires --out");
    let build_times = args
        .build_times
        .as_deref()
        .map(read_build_times)
        .transpose()?;
    // Read before the long measurement, so a missing marker fails at once.
    let readme = match &args.readme {
        Some(path) => {
            let text = fs::read_to_string(path)
                .with_context(|| format!("could not read {}", path.display()))?;
            report::render::replace_between_markers(&text, "")
                .with_context(|| format!("in {}", path.display()))?;
            Some((path, text))
        }
        None => None,
    };
    fs::create_dir_all(out).with_context(|| format!("could not create {}", out.display()))?;

    let load_before = load_average();
    let rounds = report::Rounds {
        rounds: args.rounds,
        warmup: args.warmup,
        min_sample: std::time::Duration::from_millis(args.min_sample_ms),
    };
    let mut programs = Vec::new();
    for (name, program) in &data.programs {
        programs.push(
            report_program(name, program, &rounds).with_context(|| format!("program '{name}'"))?,
        );
    }
    let report = Report {
        version: 1,
        date: utc_now(),
        machine: Machine {
            nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: cpu_model(),
            load_before,
            load_after: load_average(),
        },
        rounds: args.rounds,
        warmup: args.warmup,
        min_sample_seconds: rounds.min_sample.as_secs_f64(),
        bootstrap: report::stats::BOOTSTRAP,
        programs,
        build_times,
    };

    report::write(&out.join("report.json"), &to_json(&report, "report.json")?)?;
    report::write(&out.join("report.md"), &report::render::markdown(&report))?;
    for program in &report.programs {
        report::write(
            &out.join(format!("{}.svg", program.program)),
            &report::render::svg(program, &report),
        )?;
    }
    if let Some((path, text)) = readme {
        let updated = report::render::replace_between_markers(
            &text,
            &report::render::readme_section(&report),
        )?;
        report::write(path, &updated)?;
    }
    let busy = report::render::busy_warning(&report.machine);
    if !busy.is_empty() {
        eprint!(
            "nix-pgo: warning: {}",
            busy.trim_start_matches("- ").replace("**", "")
        );
    }
    eprintln!("nix-pgo: report written to {}", out.display());
    Ok(())
}
