//! `nix-pgo diff`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Result};
use nix_pgo::inspect::{most_moved, run_overlap, Moved, Overlap};
use nix_pgo::output::print_json;
use nix_pgo::percent::parse_percent;
use nix_pgo::profile::{self};
use nix_pgo::tool::LlvmProfdataArg;
use serde::Serialize;
use std::path::PathBuf;

/// Compare two profiles: how much they overlap (llvm-profdata overlap) and
/// which functions' share of the total count moved most.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// The base profile, e.g. the locked one.
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// The profile to compare with it, e.g. a freshly built one.
    #[arg(value_name = "B")]
    pub b: PathBuf,

    /// How many of the most-moved functions to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,

    /// Fail when the profiles differ by more than PCT percent, i.e. when
    /// 100 - (edge profile overlap in percent) > PCT.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_drift: Option<f64>,
}

#[derive(Debug, Serialize)]
struct DiffReport {
    a: PathBuf,
    b: PathBuf,
    fingerprint_a: String,
    fingerprint_b: String,
    overlap: Overlap,
    /// 100 - edge overlap, in percent.
    drift_percent: f64,
    max_drift_percent: Option<f64>,
    moved: Vec<Moved>,
}

pub fn run(global: &GlobalArgs, args: DiffArgs) -> Result<()> {
    let llvm_profdata = args.llvm_profdata.resolve()?;
    let a = profile::load(&llvm_profdata, &args.a)?;
    let b = profile::load(&llvm_profdata, &args.b)?;
    let overlap = run_overlap(&llvm_profdata, &args.a, &args.b)?;
    let drift = (100.0 - overlap.edge_overlap_percent).max(0.0);
    let report = DiffReport {
        fingerprint_a: a.fingerprint(),
        fingerprint_b: b.fingerprint(),
        moved: most_moved(&a, &b, args.top),
        drift_percent: drift,
        max_drift_percent: args.max_drift,
        overlap,
        a: args.a,
        b: args.b,
    };
    let summary = summarize(&report);
    if global.json {
        print_json(&report)?;
    } else {
        println!("{summary}");
    }
    if let Some(max) = args.max_drift {
        if drift > max {
            // With --json the summary is not on stdout, so the error carries it.
            let details = if global.json {
                format!("\n{summary}")
            } else {
                String::new()
            };
            // Functions whose control flow changed were edited (or compiled otherwise):
            // the source moved, not (only) the workloads.
            let cause = match report.overlap.functions_mismatch {
                0 => "the workloads now exercise the program differently".to_owned(),
                n => format!(
                    "{n} function(s) have another control flow than when the profile was \
                     locked, so the source changed (an edit of a hot function moves most of \
                     the counts), and the workloads may exercise the program differently too"
                ),
            };
            bail!(
                "the profiles differ by {drift:.3}% (edge profile overlap {:.3}%), more than \
                 --max-drift {max}%: {cause}. If that is expected, re-lock the new profile \
                 (the package's updateProfile); otherwise check the workloads and the source \
                 changes.{details}",
                report.overlap.edge_overlap_percent
            );
        }
    }
    Ok(())
}

fn summarize(report: &DiffReport) -> String {
    let o = &report.overlap;
    let mut lines = vec![
        format!("A: {} ({})", report.a.display(), report.fingerprint_a),
        format!("B: {} ({})", report.b.display(), report.fingerprint_b),
        format!(
            "edge profile overlap {:.3}% (drift {:.3}%); {} functions in both, {} with changed \
             control flow, {} only in B",
            o.edge_overlap_percent,
            report.drift_percent,
            o.functions_overlap,
            o.functions_mismatch,
            o.functions_only_in_test
        ),
    ];
    if report.moved.is_empty() {
        lines.push("no function's share of the total count moved".to_owned());
    } else {
        lines.push("functions whose share of the total count moved most (A -> B):".to_owned());
        for m in &report.moved {
            lines.push(format!(
                "  {:>7.3}% -> {:>7.3}% ({:+.3})  {}",
                m.share_a, m.share_b, m.delta, m.name
            ));
        }
    }
    lines.join("\n")
}
