//! `nix-pgo coverage`: how much of the optimized build actually used the
//! profile, judged from the warnings rustc prints when compiling with
//! `-Cprofile-use=P -Cllvm-args=-pgo-warn-missing-function`.
//!
//! rustc (LLVM 22) prints, one line each:
//!
//! ```text
//! warning: demo.fde808264172bb95-cgu.0: no profile data available for function _ZN4demo9brand_new17h0bcbcdb181407d62E Hash = 382993475055910911 up to 0 count discarded
//! warning: demo.fde808264172bb95-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib17h678f08e812fff1bdE Hash = 1063705161908944610 up to 65672 count discarded
//! ```
//!
//! The first field is the LLVM module (codegen unit). rustc reports nothing
//! about functions that did have profile data; their number comes from the
//! profile itself (`--profile`). Caveat: cargo passes `--cap-lints allow` to
//! registry dependencies, which silences these warnings there, so only
//! workspace / path crates are reported.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::profile;
use crate::tool::LlvmProfdataArg;

const NO_PROFILE: &str = "no profile data available for function ";
const HASH_MISMATCH: &str = "function control flow change detected (hash mismatch) ";
const MAX_EXAMPLES: usize = 20;

/// Count the functions compiled without profile data, from the build log of
/// the PGO-optimized build (built with -Cllvm-args=-pgo-warn-missing-function).
///
/// Coverage is the share of functions that got usable profile data:
/// (profile functions - hash mismatches) / (profile functions + functions
/// without profile). A function whose hash no longer matches has a record in
/// the profile, but rustc discards it.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Build log (human or `--message-format=json` cargo/rustc output).
    #[arg(long, value_name = "BUILD_LOG")]
    pub log: PathBuf,

    /// Where to write the JSON report.
    #[arg(short = 'o', long = "output", value_name = "OUT.json")]
    pub output: PathBuf,

    /// The profile the build used, to count the functions that have profile
    /// data (`profile_functions` in the report). Needs llvm-profdata.
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Fail if coverage (in percent, 0-100) is below PCT. Needs --profile.
    #[arg(long, value_name = "PCT", requires = "profile", value_parser = parse_percent)]
    pub min_coverage: Option<f64>,
}

/// Parse a percentage option (`80` or `80%`); shared with the other
/// subcommands taking a threshold.
pub fn parse_percent(arg: &str) -> Result<f64, String> {
    match arg.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("expected a percentage between 0 and 100, e.g. 80".to_owned()),
    }
}

/// Functions reported in a build log, as (module, function name) pairs: the
/// same symbol in two codegen units is two functions, as in the profile.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LogFindings {
    pub without_profile: BTreeSet<(String, String)>,
    pub hash_mismatches: BTreeSet<(String, String)>,
}

#[derive(Debug, Serialize)]
struct CoverageReport {
    functions_without_profile: usize,
    hash_mismatches: usize,
    /// First function names without profile data, sorted.
    examples: Vec<String>,
    hash_mismatch_examples: Vec<String>,
    profile_functions: Option<usize>,
    coverage_percent: Option<f64>,
}

/// Parse a build log. Lines that are JSON (cargo or rustc `--message-format
/// json`) are decoded and only their plain `message` is used: the `rendered`
/// copy of the same warning must not be counted twice.
pub fn parse_log(log: &str) -> LogFindings {
    let mut findings = LogFindings::default();
    for line in log.lines() {
        let line = strip_ansi(line);
        let trimmed = line.trim_start();
        if trimmed.starts_with('{') {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed) {
                let message = value["message"]
                    .as_str()
                    .or_else(|| value["message"]["message"].as_str());
                for message_line in message.unwrap_or_default().lines() {
                    scan_line(message_line, &mut findings);
                }
                continue;
            }
        }
        scan_line(&line, &mut findings);
    }
    findings
}

fn scan_line(line: &str, findings: &mut LogFindings) {
    for (marker, set) in [
        (NO_PROFILE, &mut findings.without_profile),
        (HASH_MISMATCH, &mut findings.hash_mismatches),
    ] {
        let Some(at) = line.find(marker) else {
            continue;
        };
        let Some(name) = line[at + marker.len()..].split_whitespace().next() else {
            continue;
        };
        // "warning: <module>: <marker>" -> the module is the last token before.
        let module = line[..at]
            .trim_end()
            .trim_end_matches(':')
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or_default();
        set.insert((module.to_owned(), name.to_owned()));
    }
}

/// Remove ANSI escape sequences (CSI ... final byte), as in colored logs.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn examples(set: &BTreeSet<(String, String)>) -> Vec<String> {
    let names: BTreeSet<&str> = set.iter().map(|(_, name)| name.as_str()).collect();
    names
        .into_iter()
        .take(MAX_EXAMPLES)
        .map(str::to_owned)
        .collect()
}

/// Share of functions with usable profile data, in percent.
pub fn coverage_percent(profile_functions: usize, without: usize, mismatched: usize) -> f64 {
    let total = profile_functions + without;
    if total == 0 {
        return 100.0;
    }
    let covered = profile_functions.saturating_sub(mismatched);
    100.0 * covered as f64 / total as f64
}

pub fn run(args: CoverageArgs) -> Result<()> {
    let log = fs::read(&args.log)
        .with_context(|| format!("could not read build log {}", args.log.display()))?;
    // Logs may contain stray non-UTF-8 bytes from other tools; keep going.
    let findings = parse_log(&String::from_utf8_lossy(&log));

    let profile_functions = match &args.profile {
        Some(path) => {
            let llvm_profdata = args.llvm_profdata.resolve()?;
            Some(profile::load(&llvm_profdata, path)?.functions())
        }
        None => None,
    };
    let coverage = profile_functions.map(|n| {
        coverage_percent(
            n,
            findings.without_profile.len(),
            findings.hash_mismatches.len(),
        )
    });

    let report = CoverageReport {
        functions_without_profile: findings.without_profile.len(),
        hash_mismatches: findings.hash_mismatches.len(),
        examples: examples(&findings.without_profile),
        hash_mismatch_examples: examples(&findings.hash_mismatches),
        profile_functions,
        coverage_percent: coverage,
    };
    let json = serde_json::to_string_pretty(&report).context("could not serialize the report")?;
    fs::write(&args.output, json + "\n")
        .with_context(|| format!("could not write {}", args.output.display()))?;

    println!(
        "{} function(s) without profile data, {} hash mismatch(es){}",
        report.functions_without_profile,
        report.hash_mismatches,
        match coverage {
            Some(c) => format!(", coverage {c:.1}%"),
            None => String::new(),
        }
    );
    if report.functions_without_profile == 0 && report.hash_mismatches == 0 && !log.is_empty() {
        eprintln!(
            "nix-pgo: note: no PGO warnings in {}; make sure the build used \
             -Cllvm-args=-pgo-warn-missing-function, or nothing will be reported",
            args.log.display()
        );
    }
    if let (Some(min), Some(coverage)) = (args.min_coverage, coverage) {
        if coverage < min {
            bail!(
                "profile coverage is {coverage:.1}%, below the required {min}%: {} function(s) \
                 had no profile data and {} changed since profiling (see {}); re-run the \
                 training workload on the current source, or make it exercise more code",
                report.functions_without_profile,
                report.hash_mismatches,
                args.output.display()
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "   Compiling demo v0.1.0 (/tmp/pgoexp/demo)
warning: demo.fde808264172bb95-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib17h678f08e812fff1bdE Hash = 1063705161908944610 up to 65672 count discarded

warning: demo.fde808264172bb95-cgu.0: no profile data available for function _ZN4demo9brand_new17h0bcbcdb181407d62E Hash = 382993475055910911 up to 0 count discarded

\u{1b}[1m\u{1b}[33mwarning\u{1b}[0m\u{1b}[1m: demo.fde808264172bb95-cgu.1: no profile data available for function _ZN4core3ptr35drop_in_place$LT$std..env..Args$GT$17hadb53d8a63cb074fE Hash = 798733566801274259 up to 0 count discarded\u{1b}[0m
warning: demo.fde808264172bb95-cgu.0: no profile data available for function _ZN4demo9brand_new17h0bcbcdb181407d62E Hash = 382993475055910911 up to 0 count discarded
warning: `demo` (bin \"demo\") generated 3 warnings
";

    #[test]
    fn parses_human_log() {
        let findings = parse_log(LOG);
        assert_eq!(findings.without_profile.len(), 2, "{findings:?}");
        assert_eq!(findings.hash_mismatches.len(), 1);
        assert!(findings.without_profile.contains(&(
            "demo.fde808264172bb95-cgu.1".to_owned(),
            "_ZN4core3ptr35drop_in_place$LT$std..env..Args$GT$17hadb53d8a63cb074fE".to_owned()
        )));
        assert_eq!(
            examples(&findings.without_profile),
            [
                "_ZN4core3ptr35drop_in_place$LT$std..env..Args$GT$17hadb53d8a63cb074fE",
                "_ZN4demo9brand_new17h0bcbcdb181407d62E"
            ]
        );
    }

    #[test]
    fn parses_json_log_without_double_counting() {
        let line = serde_json::json!({
            "reason": "compiler-message",
            "message": {
                "message": "demo.x-cgu.0: no profile data available for function f Hash = 1 up to 0 count discarded",
                "rendered": "warning: demo.x-cgu.0: no profile data available for function f Hash = 1 up to 0 count discarded\n",
            }
        });
        let findings = parse_log(&format!("{line}\n{{\"reason\":\"build-finished\"}}\n"));
        assert_eq!(findings.without_profile.len(), 1);
        assert!(findings
            .without_profile
            .contains(&("demo.x-cgu.0".to_owned(), "f".to_owned())));
    }

    #[test]
    fn coverage_counts_mismatches_as_uncovered() {
        assert_eq!(coverage_percent(0, 0, 0), 100.0);
        assert_eq!(coverage_percent(90, 10, 0), 90.0);
        assert_eq!(coverage_percent(90, 10, 10), 80.0);
        assert!(parse_percent("80").is_ok());
        assert!(parse_percent("80%").is_ok());
        assert!(parse_percent("101").is_err());
    }
}
