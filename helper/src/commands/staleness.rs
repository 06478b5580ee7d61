//! `nix-pgo staleness`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Result};
use nix_pgo::coverage::{self, CoverageReport, EvidenceArgs};
use nix_pgo::inspect::share;
use nix_pgo::output::{print_json, write_json};
use nix_pgo::percent::{self, parse_percent};
use nix_pgo::profile::{self};
use nix_pgo::staleness::{stale_counts, StalenessReport, MAX_STALE_LISTED};
use nix_pgo::tool::LlvmProfdataArg;
use std::path::PathBuf;

/// Measure how stale a profile is for the build that used it, from that
/// build's log (built with -Cllvm-args=-pgo-warn-missing-function).
///
/// Reports the functions without profile data, the functions whose control
/// flow changed since profiling (hash mismatches: rustc discards their
/// data), the functions the profile has under other symbol hashes (it was
/// recorded from a build with other Cargo metadata), and the share of the
/// profile's total count that still matches.
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
    /// functions whose code changed since profiling, or that the build has
    /// under other symbol hashes.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_stale: Option<f64>,

    /// The profile was trained from this source in this build graph (not
    /// locked): nothing in it can be stale unless the build that recorded it
    /// compiled other code than this one, so --max-stale's message names
    /// differing build settings instead of a refresh.
    #[arg(long)]
    pub fresh_profile: bool,

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
        write_json(path, &coverage)?;
        eprintln!("nix-pgo: coverage: {}", coverage.summary());
    }

    let stale = stale_counts(&profile, &findings);
    let total = profile.total_count();
    let stale_percent = share(stale.stale_count, total);
    let mut stale_functions = stale.functions;
    stale_functions.truncate(MAX_STALE_LISTED);
    let mut renamed_examples = stale.renamed;
    renamed_examples.truncate(MAX_STALE_LISTED);
    let report = StalenessReport {
        warnings: coverage.warnings.clone(),
        profile_functions: profile.functions(),
        coverage_percent: coverage.coverage_percent,
        profile_total_count: total,
        stale_count: stale.stale_count,
        matching_count_percent: 100.0 - stale_percent,
        stale_count_percent: stale_percent,
        hash_mismatches_not_in_profile: stale.not_in_profile,
        stale_functions,
        renamed_functions: stale.renamed_functions,
        renamed_count: stale.renamed_count,
        renamed_examples,
        moved_functions: stale.moved_functions,
        moved_count: stale.moved_count,
        max_stale_percent: args.max_stale,
        fresh_profile: args.fresh_profile,
        log_unreadable_because: findings.evidence_problem(&args.evidence),
    };

    if let Some(path) = &args.output {
        write_json(path, &report)?;
    }
    // One line for the build log: in the Nix log whatever the output mode.
    let line = format!(
        "nix-pgo: profile staleness: {} functions without profile data, {} hash mismatches, \
         {} of profile counts still match",
        report.warnings.functions_without_profile,
        report.warnings.hash_mismatches,
        percent::share(report.matching_count_percent)
    );
    if global.json {
        eprintln!("{line}");
        print_json(&report)?;
    } else {
        println!("{line}");
    }
    if report.warnings.hash_mismatches > 0
        && args
            .max_stale
            .is_none_or(|max| report.stale_count_percent <= max)
    {
        // Below the maximum the build goes on: say what it costs and the remedy, as the
        // BOLT and freshness checks do, so that a locked profile's slow decay is seen.
        eprintln!(
            "nix-pgo: note: {} function(s) changed since the profile was recorded and are \
             compiled without profile data ({} of the profile's counts no longer match); \
             refresh the profile (the package's updateProfile) to profile them again",
            report.warnings.hash_mismatches,
            percent::share(report.stale_count_percent),
        );
    }
    if report.moved_functions > 0 {
        eprintln!(
            "nix-pgo: warning: {} function(s) were compiled without profile data because they \
             moved to other codegen units since the profile was recorded ({} of the profile's \
             counts): LLVM names an internal function's profile data by its unit, and an edit \
             made rustc partition the crate anew. Refresh the profile (the package's \
             updateProfile) to profile them where they are now",
            report.moved_functions,
            percent::share(share(report.moved_count, total)),
        );
    }
    let (renamed_functions, renamed_count) = report.renamed_by_metadata();
    if renamed_functions > 0 {
        // Not a stale profile in the usual sense: refreshing it from the same
        // instrumented build renames nothing back, so say what differs.
        eprintln!(
            "nix-pgo: warning: {} function(s) were compiled without profile data although the \
             profile has them under other symbol hashes ({} of the profile's counts): \
             the profile was recorded from a build with other Cargo metadata (Cargo profile \
             settings such as lto, features, dependency versions), which Cargo hashes into \
             symbol names. Record the profile from a build with this build's Cargo settings: \
             give the instrumented stage the same ones (env such as CARGO_PROFILE_RELEASE_LTO, \
             features, Cargo.lock), then refresh the profile",
            renamed_functions,
            percent::share(share(renamed_count, total)),
        );
    }
    if let Some(min) = args.min_coverage {
        // The message points at the coverage report, or else at the log.
        let see = args.coverage_output.as_deref().unwrap_or(&args.log);
        coverage.check_min(min, profile.functions(), see)?;
    }
    if let Some(max) = args.max_stale {
        if report.stale_count_percent > max {
            bail!("{}", stale_message(&report, max));
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

/// Why --max-stale fails: what is stale, the hottest functions, the remedy
/// for each cause.
fn stale_message(report: &StalenessReport, max: f64) -> String {
    let mut causes = Vec::new();
    if report.warnings.hash_mismatches > 0 {
        causes.push(format!(
            "{} function(s) whose code changed since profiling",
            report.warnings.hash_mismatches
        ));
    }
    let (renamed_functions, _) = report.renamed_by_metadata();
    if renamed_functions > 0 {
        causes.push(format!(
            "{renamed_functions} function(s) the profile has under other symbol hashes"
        ));
    }
    if report.moved_functions > 0 {
        causes.push(format!(
            "{} function(s) an edit moved to other codegen units",
            report.moved_functions
        ));
    }
    let mut hottest: Vec<(&str, u64)> = report
        .stale_functions
        .iter()
        .map(|s| (s.name.as_str(), s.count))
        .chain(
            report
                .renamed_examples
                .iter()
                .map(|r| (r.profile_name.as_str(), r.count)),
        )
        .collect();
    hottest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let hottest: Vec<String> = hottest
        .iter()
        .take(5)
        .map(|(name, count)| format!("{name} ({count} counts)"))
        .collect();
    let mut message = format!(
        "the profile is stale: {} of its counts belong to {}, more than --max-stale {max}%. \
         rustc cannot use the profile data of these functions, so they are optimized as if \
         never run (hottest: {}).",
        percent::share(report.stale_count_percent),
        causes.join(" and "),
        hottest.join(", ")
    );
    if report.moved_functions > 0 {
        message.push_str(
            " The moved ones find no data because LLVM names an internal function's profile \
             data by its codegen unit: refresh the profile.",
        );
    }
    if renamed_functions > 0 {
        message.push_str(
            " The renamed ones show that the profile was recorded from a build with other \
             Cargo metadata (Cargo profile settings such as lto, features, dependency \
             versions), which Cargo hashes into symbol names: give the instrumented stage this \
             build's Cargo settings",
        );
        // A fresh profile is recorded again by the next build.
        message.push_str(if report.fresh_profile {
            "."
        } else {
            ", then refresh the profile."
        });
    }
    if report.fresh_profile && report.warnings.hash_mismatches > 0 {
        // A refresh would record the same mismatch again.
        message.push_str(
            " The profile was trained from this source in this build graph, so its functions \
             can differ from this build's only if the instrumented build compiled other code: \
             give it the same features, Cargo settings and code-changing rustc flags (such as \
             -Coverflow-checks or --cfg: buildPgoPackage's rustflags, not profileUseRustflags, \
             which only the builds that use the profile get).",
        );
    } else if report.warnings.hash_mismatches > 0 || renamed_functions == 0 {
        // (A refresh helps unless only other Cargo metadata renamed them.)
        message.push_str(
            " Re-run the workloads on the current source to refresh the profile: the package's \
             updateProfile (`nix run .#<package>.updateProfile`; or rebuild the profile and `nix-pgo lock` it), then commit the \
             lock",
        );
    }
    message
}
