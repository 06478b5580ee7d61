//! `nix-pgo staleness`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::coverage::{self, parse_percent, CoverageReport, EvidenceArgs};
use nix_pgo::output::print_json;
use nix_pgo::profile::{self};
use nix_pgo::staleness::{stale_counts, StalenessReport, MAX_STALE_LISTED};
use nix_pgo::tool::LlvmProfdataArg;
use std::fs;
use std::path::PathBuf;

/// Measure how stale a profile is for the build that used it, from that
/// build's log (built with -Cllvm-args=-pgo-warn-missing-function).
///
/// Reports the functions without profile data, the functions whose control
/// flow changed since profiling (hash mismatches: rustc discards their
/// data), and the share of the profile's total count that still matches.
#[derive(Debug, clap::Args)]
pub struct StalenessArgs {
    /// Build log of the PGO-optimized build (human or JSON cargo output).
    #[arg(long, value_name = "BUILD_LOG")]
    pub log: PathBuf,

    /// The profile the build used.
    #[arg(long, value_name = "PROFILE")]
    pub profile: PathBuf,

    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Fail if more than PCT percent of the profile's total count belongs to
    /// functions whose code changed since profiling.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_stale: Option<f64>,

    /// Also write the JSON report to this file.
    #[arg(short = 'o', long = "output", value_name = "OUT.json")]
    pub output: Option<PathBuf>,

    /// Also write `nix-pgo coverage`'s report, from the same parse of the log.
    #[arg(long, value_name = "OUT.json")]
    pub coverage_output: Option<PathBuf>,

    /// Fail if coverage (in percent, 0-100) is below PCT, or unknown (as
    /// `nix-pgo coverage --min-coverage`).
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,

    #[command(flatten)]
    pub evidence: EvidenceArgs,
}

pub fn run(global: &GlobalArgs, args: StalenessArgs) -> Result<()> {
    // Same parsing as `coverage`, so both count the same warnings.
    let findings = coverage::read_log(&args.log)?;
    let llvm_profdata = args.llvm_profdata.resolve()?;
    let profile = profile::load(&llvm_profdata, &args.profile)?;
    let coverage = CoverageReport::new(&findings, Some(profile.functions()), &args.evidence);
    if let Some(path) = &args.coverage_output {
        coverage::write_report(path, &coverage)?;
        eprintln!("nix-pgo: coverage: {}", coverage.summary());
    }

    let stale = stale_counts(&profile, &findings);
    let total = profile.total_count();
    let stale_percent = if total == 0 {
        0.0
    } else {
        100.0 * stale.stale_count as f64 / total as f64
    };
    let mut stale_functions = stale.functions;
    stale_functions.truncate(MAX_STALE_LISTED);
    let report = StalenessReport {
        functions_without_profile: findings.without_profile.len(),
        hash_mismatches: findings.hash_mismatches.len(),
        examples: coverage::examples(&findings.without_profile),
        hash_mismatch_examples: coverage::examples(&findings.hash_mismatches),
        profile_functions: profile.functions(),
        coverage_percent: coverage.coverage_percent,
        profile_total_count: total,
        stale_count: stale.stale_count,
        matching_count_percent: 100.0 - stale_percent,
        stale_count_percent: stale_percent,
        hash_mismatches_not_in_profile: stale.not_in_profile,
        stale_functions,
        max_stale_percent: args.max_stale,
        log_unreadable_because: findings.evidence_problem(&args.evidence),
    };

    if let Some(path) = &args.output {
        let json =
            serde_json::to_string_pretty(&report).context("could not serialize the report")?;
        fs::write(path, json + "\n")
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    // One line for the build log: in the Nix log whatever the output mode.
    let line = format!(
        "nix-pgo: profile staleness: {} functions without profile data, {} hash mismatches, \
         {:.1}% of profile counts still match",
        report.functions_without_profile, report.hash_mismatches, report.matching_count_percent
    );
    if global.json {
        eprintln!("{line}");
        print_json(&report)?;
    } else {
        println!("{line}");
    }
    if let Some(min) = args.min_coverage {
        // The message points at the coverage report, or else at the log.
        let see = args.coverage_output.as_deref().unwrap_or(&args.log);
        coverage.check_min(min, profile.functions(), see)?;
    }
    if let Some(max) = args.max_stale {
        if report.stale_count_percent > max {
            let hottest: Vec<String> = report
                .stale_functions
                .iter()
                .take(5)
                .map(|s| format!("{} ({} counts)", s.name, s.count))
                .collect();
            bail!(
                "the profile is stale: {:.1}% of its counts belong to {} function(s) whose code \
                 changed since profiling, more than --max-stale {max}%. rustc discards the \
                 profile data of these functions, so they are optimized as if never run \
                 (hottest: {}). Re-run the workloads on the current source to refresh the \
                 profile: `nix run .#update-profile` (or rebuild the profile and `nix-pgo lock` \
                 it), then commit the lock",
                report.stale_count_percent,
                report.hash_mismatches,
                hottest.join(", ")
            );
        }
        // The mismatches found are a lower bound: above the maximum is a
        // fact (checked first), below it proves nothing without evidence.
        if let Some(why) = &report.log_unreadable_because {
            bail!("profile staleness is unknown, so --max-stale {max}% cannot be checked: {why}");
        }
    } else if let Some(why) = &report.log_unreadable_because {
        eprintln!("nix-pgo: note: staleness is a lower bound: {why}");
    }
    Ok(())
}
