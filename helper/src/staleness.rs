//! `nix-pgo staleness`: how much of a (locked) profile still applies to the
//! source being built. A superset of `nix-pgo coverage`: besides counting the
//! functions rustc compiled without profile data, it weighs hash mismatches
//! by their counts, since a changed cold function matters little and a
//! changed hot loop a lot.
//!
//! The optimized stage needs both reports from one build log; with
//! `--coverage-output` (and `--min-coverage`) this command writes and checks
//! the coverage report too, so the log is read and parsed, and the profile
//! loaded, once per build instead of twice (issue 12).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::coverage::{self, parse_percent, CoverageReport, EvidenceArgs, LogFindings};
use crate::output::print_json;
use crate::profile::{self, Profile};
use crate::tool::LlvmProfdataArg;

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

    /// Print the JSON report on stdout (the summary line then goes to stderr).
    #[arg(long)]
    pub json: bool,
}

/// A hash-mismatched function and the profile counts rustc discarded for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stale {
    pub name: String,
    pub count: u64,
}

/// Profile counts of the functions a build log reports as hash-mismatched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaleCounts {
    /// Sum of the counters of every profile record of a mismatched function.
    pub stale_count: u64,
    /// Mismatched functions, hottest first.
    pub functions: Vec<Stale>,
    /// Mismatches the log reports but the profile has no record for (e.g. a
    /// log from a build with another profile).
    pub not_in_profile: usize,
}

/// Attribute the hash mismatches of a build log to profile records.
///
/// The log names functions by their mangled symbol, and the module (codegen
/// unit) in front; the profile prefixes functions with internal linkage with
/// "<module>;". So a warning matches the record named `symbol` or
/// `module;symbol`; failing both (codegen units are partitioned anew in every
/// build), any record whose name after ';' is the symbol. All records of a
/// name count: rustc found none with the current hash, so it uses none.
pub fn stale_counts(profile: &Profile, findings: &LogFindings) -> StaleCounts {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_symbol: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, record) in profile.records.iter().enumerate() {
        by_name.entry(&record.name).or_default().push(i);
        let symbol = record
            .name
            .rsplit_once(';')
            .map_or(&*record.name, |(_, s)| s);
        by_symbol.entry(symbol).or_default().push(i);
    }
    let mut result = StaleCounts::default();
    let mut stale: BTreeSet<usize> = BTreeSet::new();
    for (module, symbol) in &findings.hash_mismatches {
        let prefixed = format!("{module};{symbol}");
        let mut found: Vec<usize> = [symbol.as_str(), prefixed.as_str()]
            .iter()
            .filter_map(|name| by_name.get(name))
            .flatten()
            .copied()
            .collect();
        if found.is_empty() {
            found = by_symbol.get(symbol.as_str()).cloned().unwrap_or_default();
        }
        if found.is_empty() {
            result.not_in_profile += 1;
        }
        stale.extend(found);
    }
    // Sum per record once, even if two warnings matched the same record.
    let mut per_name: BTreeMap<&str, u64> = BTreeMap::new();
    for i in stale {
        let record = &profile.records[i];
        let sum = record.counts.iter().fold(0u64, |a, &c| a.saturating_add(c));
        let entry = per_name.entry(&record.name).or_default();
        *entry = entry.saturating_add(sum);
        result.stale_count = result.stale_count.saturating_add(sum);
    }
    result.functions = per_name
        .into_iter()
        .map(|(name, count)| Stale {
            name: name.to_owned(),
            count,
        })
        .collect();
    result
        .functions
        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    result
}

#[derive(Debug, Serialize)]
struct StalenessReport {
    // The fields of `nix-pgo coverage`'s report, with the same meaning.
    functions_without_profile: usize,
    hash_mismatches: usize,
    examples: Vec<String>,
    hash_mismatch_examples: Vec<String>,
    profile_functions: usize,
    /// Null when unknown (see the coverage report's `coverage_unknown_because`).
    coverage_percent: Option<f64>,
    // What staleness adds.
    profile_total_count: u64,
    stale_count: u64,
    /// Share of the profile's total count in functions whose hash still
    /// matches, in percent.
    matching_count_percent: f64,
    stale_count_percent: f64,
    hash_mismatches_not_in_profile: usize,
    /// The hottest mismatched functions with their discarded counts.
    stale_functions: Vec<Stale>,
    max_stale_percent: Option<f64>,
    /// Why the log may not show every mismatch (null: it does).
    log_unreadable_because: Option<String>,
}

/// How many stale functions the report lists.
const MAX_STALE_LISTED: usize = 20;

pub fn run(args: StalenessArgs) -> Result<()> {
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
    if args.json {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::text;

    #[test]
    fn weighs_mismatches_by_their_counts() {
        let profile = text::parse(
            ":ir\n\
             demo.x-cgu.0;_ZN4demo3fib\n1\n2\n60\n20\n\n\
             _ZN4demo4main\n2\n1\n10\n\n\
             demo.y-cgu.3;_ZN4demo4cold\n3\n1\n10\n",
        )
        .unwrap();
        let log = "\
warning: demo.x-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib Hash = 9 up to 80 count discarded
warning: demo.x-cgu.1: function control flow change detected (hash mismatch) _ZN4demo4main Hash = 9 up to 10 count discarded
warning: demo.z-cgu.0: function control flow change detected (hash mismatch) _ZN4demo4cold Hash = 9 up to 10 count discarded
warning: demo.z-cgu.0: function control flow change detected (hash mismatch) _ZN4demo4gone Hash = 9 up to 0 count discarded
warning: demo.x-cgu.0: no profile data available for function _ZN4demo3new Hash = 1 up to 0 count discarded
";
        let findings = coverage::parse_log(log);
        let stale = stale_counts(&profile, &findings);
        // fib matched with its module prefix, main without one, cold through
        // the symbol after ';' (another codegen unit); gone is not in the profile.
        assert_eq!(stale.stale_count, 100);
        assert_eq!(stale.not_in_profile, 1);
        assert_eq!(stale.functions[0].name, "demo.x-cgu.0;_ZN4demo3fib");
        assert_eq!(stale.functions[0].count, 80);
        assert_eq!(stale.functions.len(), 3);

        let none = stale_counts(&profile, &LogFindings::default());
        assert_eq!(none, StaleCounts::default());
    }
}
