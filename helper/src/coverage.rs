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
//!
//! No warning at all is what a fully covered build prints, but also what a
//! build without the flag, or a log in a format this parser no longer
//! recognises, gives. So coverage is only reported with evidence that the log
//! is one it reads (issue 11): cargo's `--message-format=json` records
//! showing that cargo finished the build and compiled at least one of the
//! project's own crates in it (those whose warnings are not capped), and,
//! when `--rustflags` is given, that the flags had `-Cprofile-use` and
//! `-pgo-warn-missing-function`. Without it, coverage is "unknown" and
//! `--min-coverage` fails.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

const NO_PROFILE: &str = "no profile data available for function ";
const HASH_MISMATCH: &str = "function control flow change detected (hash mismatch) ";
const MAX_EXAMPLES: usize = 20;

/// What the log is checked against besides its own records.
#[derive(Debug, Clone, clap::Args)]
pub struct EvidenceArgs {
    /// The RUSTFLAGS the build ran with: checked for -Cprofile-use and
    /// -Cllvm-args=-pgo-warn-missing-function.
    #[arg(long, value_name = "FLAGS", allow_hyphen_values = true)]
    pub rustflags: Option<String>,
}

/// Functions reported in a build log, as (module, function name) pairs: the
/// same symbol in two codegen units is two functions, as in the profile.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LogFindings {
    pub without_profile: BTreeSet<(String, String)>,
    pub hash_mismatches: BTreeSet<(String, String)>,
    /// Lines that were cargo JSON records.
    pub json_records: usize,
    /// cargo's `build-finished` record: whether the build succeeded.
    pub build_finished: Option<bool>,
    /// The project's own (path) crates rustc compiled in this build, from
    /// cargo's `compiler-artifact` records with `"fresh": false`.
    pub compiled_local_crates: BTreeSet<String>,
    /// How many of the build's target crates (libraries and binaries, compiled
    /// or fresh) have each crate name: a package's library and binary often
    /// share one, from cargo's `compiler-artifact` records.
    pub crates_by_name: BTreeMap<String, usize>,
}

impl LogFindings {
    /// Why the absence of a warning in this log proves nothing, if it doesn't.
    pub fn evidence_problem(&self, evidence: &EvidenceArgs) -> Option<String> {
        if self.json_records == 0 {
            return Some(
                "the build log has no cargo JSON messages, so nothing shows that rustc \
                 compiled anything with the profile (build with `cargo build \
                 --message-format=json`, as nix-pgo's optimized stage does, and pass that output)"
                    .to_owned(),
            );
        }
        if self.build_finished != Some(true) {
            return Some(
                "the build log has no successful `build-finished` record: it is truncated or \
                 from a failed build"
                    .to_owned(),
            );
        }
        if self.compiled_local_crates.is_empty() {
            return Some(
                "cargo compiled none of the project's own crates in this build (all were \
                 fresh, or registry crates, whose warnings cargo silences with --cap-lints \
                 allow), so rustc had no chance to report functions without profile data"
                    .to_owned(),
            );
        }
        if let Some(flags) = &evidence.rustflags {
            for needed in ["-Cprofile-use=", "-pgo-warn-missing-function"] {
                if !flags.contains(needed) {
                    return Some(format!(
                        "the build's RUSTFLAGS have no {needed}, so rustc reported nothing \
                         (RUSTFLAGS: {flags:?})"
                    ));
                }
            }
        }
        None
    }
}

/// What a build log's warnings count: the first fields of `nix-pgo
/// coverage`'s report and of `nix-pgo staleness`'s, which holds them too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningCounts {
    pub functions_without_profile: usize,
    pub hash_mismatches: usize,
    /// First function names without profile data, sorted.
    pub examples: Vec<String>,
    pub hash_mismatch_examples: Vec<String>,
}

impl WarningCounts {
    pub fn new(findings: &LogFindings) -> Self {
        Self {
            functions_without_profile: findings.without_profile.len(),
            hash_mismatches: findings.hash_mismatches.len(),
            examples: examples(&findings.without_profile),
            hash_mismatch_examples: examples(&findings.hash_mismatches),
        }
    }
}

/// `nix-pgo coverage`'s report (the optimized stage's nix-support/pgo-coverage.json).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CoverageReport {
    /// Flattened: its fields are the report's first ones.
    #[serde(flatten)]
    pub warnings: WarningCounts,
    pub profile_functions: Option<usize>,
    /// Null when unknown: no profile given, or no evidence the log shows
    /// every warning (`coverage_unknown_because`).
    pub coverage_percent: Option<f64>,
    pub coverage_unknown_because: Option<String>,
    /// The project's crates compiled in the build, whose warnings were read
    /// (absent in reports written before nix-pgo recorded them).
    #[serde(default)]
    pub compiled_crates: Vec<String>,
}

impl CoverageReport {
    pub fn new(
        findings: &LogFindings,
        profile_functions: Option<usize>,
        evidence: &EvidenceArgs,
    ) -> Self {
        let problem = findings.evidence_problem(evidence);
        let coverage = match (profile_functions, &problem) {
            (Some(n), None) => Some(coverage_percent(
                n,
                findings.without_profile.len(),
                findings.hash_mismatches.len(),
            )),
            _ => None,
        };
        let unknown_because = match (profile_functions, problem) {
            (_, Some(problem)) => Some(problem),
            (None, None) => Some("no --profile given".to_owned()),
            (Some(_), None) => None,
        };
        Self {
            warnings: WarningCounts::new(findings),
            profile_functions,
            coverage_percent: coverage,
            coverage_unknown_because: unknown_because,
            compiled_crates: findings.compiled_local_crates.iter().cloned().collect(),
        }
    }

    /// One line for the build log.
    pub fn summary(&self) -> String {
        format!(
            "{} function(s) without profile data, {} hash mismatch(es), coverage {}",
            self.warnings.functions_without_profile,
            self.warnings.hash_mismatches,
            match (self.coverage_percent, &self.coverage_unknown_because) {
                (Some(c), _) => crate::percent::share(c),
                (None, Some(why)) => format!("unknown ({why})"),
                (None, None) => "unknown".to_owned(),
            }
        )
    }

    /// The --min-coverage check. A coverage computed from the warnings found
    /// is an upper bound (a warning missed only raises it), so one below the
    /// minimum fails even without evidence; an unknown one fails too.
    pub fn check_min(&self, min: f64, profile_functions: usize, report: &Path) -> Result<()> {
        if min <= 0.0 {
            return Ok(()); // no requirement, nothing to prove
        }
        let upper_bound = coverage_percent(
            profile_functions,
            self.warnings.functions_without_profile,
            self.warnings.hash_mismatches,
        );
        if upper_bound < min {
            bail!(
                "profile coverage is {}, below the required {min}%: {} \
                 function(s) had no profile data and {} changed since profiling (see {}); \
                 re-run the training workload on the current source, or make it exercise more \
                 code",
                crate::percent::share(upper_bound),
                self.warnings.functions_without_profile,
                self.warnings.hash_mismatches,
                report.display()
            );
        }
        if let Some(why) = &self.coverage_unknown_because {
            bail!(
                "profile coverage is unknown, so the required {min}% cannot be checked: {why}. \
                 Coverage comes from the warnings of a build with -Cprofile-use and \
                 -Cllvm-args=-pgo-warn-missing-function, read from cargo's \
                 --message-format=json output (nix-pgo's optimized stage does both); or set \
                 minCoverage = 0 to build without the check"
            );
        }
        Ok(())
    }
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
                record_evidence(&value, &mut findings);
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

/// Note what a cargo JSON record says about the build itself.
fn record_evidence(value: &serde_json::Value, findings: &mut LogFindings) {
    let Some(reason) = value["reason"].as_str() else {
        return;
    };
    findings.json_records += 1;
    match reason {
        "build-finished" => findings.build_finished = value["success"].as_bool(),
        "compiler-artifact" => {
            let kinds = value["target"]["kind"].as_array();
            let target_crate = kinds.is_some_and(|kinds| {
                kinds
                    .iter()
                    .all(|k| !matches!(k.as_str(), Some("custom-build" | "proc-macro")))
            });
            let name = value["target"]["name"].as_str().unwrap_or("?");
            if target_crate {
                *findings
                    .crates_by_name
                    .entry(name.replace('-', "_"))
                    .or_default() += 1;
            }
            if value["fresh"] != serde_json::Value::Bool(false) {
                return;
            }
            // Path crates only: cargo passes --cap-lints allow to registry and
            // git crates. Build scripts and proc macros get no RUSTFLAGS
            // (always --target), so they prove nothing either.
            let local = value["package_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("path+"));
            if local && target_crate {
                findings.compiled_local_crates.insert(name.to_owned());
            }
        }
        _ => {}
    }
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

fn examples(set: &BTreeSet<(String, String)>) -> Vec<String> {
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

/// Read and parse a build log (human or cargo JSON).
pub fn read_log(path: &Path) -> Result<LogFindings> {
    let log =
        fs::read(path).with_context(|| format!("could not read build log {}", path.display()))?;
    // Logs may contain stray non-UTF-8 bytes from other tools; keep going.
    Ok(parse_log(&String::from_utf8_lossy(&log)))
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
    }

    /// The shared warning counts stay the report's first fields, by their names.
    #[test]
    fn the_report_keeps_its_fields_and_their_order() {
        let report = CoverageReport::new(&parse_log(LOG), Some(1), &evidence(None));
        let json = serde_json::to_string(&report).expect("serialize");
        let keys = [
            "functions_without_profile",
            "hash_mismatches",
            "examples",
            "hash_mismatch_examples",
            "profile_functions",
            "coverage_percent",
            "coverage_unknown_because",
            "compiled_crates",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| json.find(&format!("\"{k}\":")).expect(k))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{json}");
        assert!(json.starts_with("{\"functions_without_profile\":2,\"hash_mismatches\":1,"));
    }

    fn artifact(package_id: &str, kind: &str, name: &str, fresh: bool) -> String {
        serde_json::json!({
            "reason": "compiler-artifact",
            "package_id": package_id,
            "target": {"kind": [kind], "name": name},
            "fresh": fresh,
        })
        .to_string()
    }

    const FINISHED: &str = r#"{"reason":"build-finished","success":true}"#;
    const FLAGS: &str = " -Cprofile-use=/build/pgo.profdata -Cllvm-args=-pgo-warn-missing-function";

    fn evidence(flags: Option<&str>) -> EvidenceArgs {
        EvidenceArgs {
            rustflags: flags.map(str::to_owned),
        }
    }

    /// Issue 11: a log without warnings gave 100 % coverage whatever it was.
    /// Only a log that shows the project's crates compiled gives a value.
    #[test]
    fn coverage_is_unknown_without_evidence() {
        let local = artifact("path+file:///build/source#demo@0.1.0", "bin", "demo", false);
        let good = format!("{local}\n{FINISHED}\n");
        let findings = parse_log(&good);
        assert_eq!(findings.evidence_problem(&evidence(Some(FLAGS))), None);
        let report = CoverageReport::new(&findings, Some(10), &evidence(Some(FLAGS)));
        assert_eq!(report.coverage_percent, Some(100.0));
        assert_eq!(report.compiled_crates, ["demo"]);
        assert!(report.check_min(90.0, 10, Path::new("r.json")).is_ok());

        let unknown = |log: &str, flags: Option<&str>| -> String {
            let findings = parse_log(log);
            let report = CoverageReport::new(&findings, Some(10), &evidence(flags));
            assert_eq!(report.coverage_percent, None, "{log}");
            let err = report
                .check_min(90.0, 10, Path::new("r.json"))
                .expect_err("unknown coverage must fail --min-coverage");
            let err = format!("{err:#}");
            assert!(err.contains("coverage is unknown"), "{err}");
            err
        };
        // A human log, empty or not.
        assert!(unknown("", None).contains("no cargo JSON messages"));
        assert!(unknown("   Compiling demo v0.1.0\n", None).contains("no cargo JSON messages"));
        // No build-finished record: truncated.
        assert!(unknown(&format!("{local}\n"), None).contains("build-finished"));
        // Only fresh, registry, build-script or proc-macro artifacts.
        let others = [
            artifact("path+file:///build/source#demo@0.1.0", "bin", "demo", true),
            artifact(
                "registry+https://github.com/rust-lang/crates.io-index#memchr@2.7.0",
                "lib",
                "memchr",
                false,
            ),
            artifact(
                "path+file:///build/source#demo@0.1.0",
                "custom-build",
                "build-script-build",
                false,
            ),
            artifact(
                "path+file:///build/source#derive@0.1.0",
                "proc-macro",
                "derive",
                false,
            ),
        ]
        .join("\n");
        assert!(unknown(&format!("{others}\n{FINISHED}\n"), None)
            .contains("none of the project's own crates"));
        // The flags lacked the warning option.
        assert!(unknown(&good, Some(" -Cprofile-use=/build/pgo.profdata"))
            .contains("-pgo-warn-missing-function"));
        // Zero means no requirement.
        let report = CoverageReport::new(&parse_log(""), Some(10), &evidence(None));
        assert!(report.check_min(0.0, 10, Path::new("r.json")).is_ok());
    }

    #[test]
    fn coverage_below_the_minimum_fails_even_without_evidence() {
        // The warnings found bound coverage from above: 1 missing of 2 + 1.
        let findings = parse_log(LOG);
        let report = CoverageReport::new(&findings, Some(1), &evidence(None));
        let err = format!(
            "{:#}",
            report.check_min(90.0, 1, Path::new("r.json")).unwrap_err()
        );
        assert!(err.contains("below the required 90%"), "{err}");
    }
}
