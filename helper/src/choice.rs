//! `nix-pgo choose-variant`: the variant a package ships (the `best` stage).
//!
//! `noRegression` is a verdict: it fails and leaves nothing to ship. This is
//! the decision instead: among the evaluated variants (baseline, optimized,
//! bolted), those that pass the regression check on every evaluation workload
//! (the baseline's output, and no cost above the baseline's beyond the
//! tolerance, in instructions and in estimated cycles; `regressions::regresses`),
//! the one with the lowest geometric mean over the workloads of its estimated
//! cycles relative to the baseline's: the cost that sees code layout, which is
//! what BOLT changes. The baseline always passes, so it is the last resort.
//!
//! A workload that started threads runs several times (the evaluation's
//! `spread`): a loss is then one beyond the spread (`regressions::regresses`),
//! and a variant wins only by more than it. The one shipped is the first
//! candidate, in evaluation order (baseline, optimized, bolted, remedies:
//! simplest first), whose best runs are at least as fast as the fastest
//! candidate's worst; for deterministic runs that is the fastest itself.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::evaluation::{Evaluation, Metric, VariantSummary};
use crate::percent::percent_change;
use crate::regressions::range_exceeds;
use crate::workload_source::{changed_workloads, ContentChange, WorkloadContent};

/// A variant's cost on one workload, beside the baseline's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadCost {
    pub workload: String,
    pub instructions: u64,
    pub baseline_instructions: u64,
    pub estimated_cycles: u64,
    pub baseline_estimated_cycles: u64,
    /// The ranked cost (`Choice::ranked_by`) relative to the baseline's.
    pub ratio: f64,
}

/// A variant that passed the check on every workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub variant: String,
    /// Geometric mean over the workloads of `ratio`: below 1 is faster than baseline.
    pub geomean_ratio: f64,
    /// The same of instructions, for comparison.
    pub geomean_instructions_ratio: f64,
    /// The geometric means of the ranked cost's lowest and highest runs
    /// relative to the baseline's median, when a workload repeated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geomean_ratio_range: Option<RatioRange>,
    pub workloads: Vec<WorkloadCost>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RatioRange {
    pub min: f64,
    pub max: f64,
}

/// Why a variant is not shipped: on which workload it lost, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loss {
    pub workload: String,
    /// The cost that grew; `None`: it printed something else than the baseline.
    pub cost: Option<Metric>,
    /// The counts compared: with repeated runs (`repeats`), the variant's
    /// lowest and the baseline's highest.
    pub baseline: u64,
    pub value: u64,
    pub change_percent: f64,
    /// How many times the workload ran, when it repeated (it started threads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dropped {
    pub variant: String,
    /// One line for people (the stage's warning).
    pub reason: String,
    pub losses: Vec<Loss>,
}

/// nix-support/choice.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub chosen: String,
    pub baseline: String,
    /// The cost the candidates are ranked by.
    pub ranked_by: Metric,
    /// Percentage by which a variant may exceed the baseline's cost on a workload.
    pub tolerance_percent: f64,
    /// The candidate with the lowest geometric mean, when it is not the one
    /// chosen: an earlier one's runs overlap it (`Candidate::geomean_ratio_range`),
    /// so the difference is noise and the simpler variant ships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fastest_within_noise: Option<String>,
    /// The variants that passed, in evaluation order (baseline first).
    pub candidates: Vec<Candidate>,
    pub dropped: Vec<Dropped>,
    /// Evaluation workloads on which no variant printed anything: the check
    /// that a variant prints what the baseline prints checked nothing there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silent_workloads: Vec<String>,
    /// What each evaluation workload was made of when the choice was made
    /// (`choose-variant --workloads`): a locked choice is refused once one has
    /// changed, since its numbers are then another workload's. Empty in a
    /// choice made without them (locked before nix-pgo recorded them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub workload_sources: BTreeMap<String, WorkloadContent>,
    /// The chosen variant's binaries when the choice was made (`choose-variant
    /// --variant`): `bin/<name>` to its SHA-256. A locked choice whose variant
    /// now builds other binaries (the source, flags or toolchain changed since)
    /// ships with a warning: its numbers are of these. Empty in a choice made
    /// without them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub binaries: BTreeMap<String, String>,
    /// Set by `choose-variant --locked-in` only: how the chosen variant's
    /// binaries differ from `binaries` (`bin/<name>: <locked>, now <built>`),
    /// so that best's choice.json, and the release's provenance, say the
    /// numbers were measured on other binaries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binaries_changed_since_lock: Vec<String>,
}

impl Choice {
    /// The evaluation workloads the choice was made on: the baseline's, which
    /// always passes and so is always a candidate.
    pub fn workloads(&self) -> Result<Vec<&str>> {
        let Some(base) = self.candidates.iter().find(|c| c.variant == self.baseline) else {
            bail!(
                "the baseline {:?} is not among its candidates (it always passes the regression \
                 check)",
                self.baseline
            );
        };
        Ok(base.workloads.iter().map(|w| w.workload.as_str()).collect())
    }

    /// The evaluation workloads whose sources differ from those the choice
    /// recorded (`now`: the package's), each with what changed
    /// ([`changed_workloads`]). Empty when the choice recorded none.
    pub fn changed_workloads(
        &self,
        now: &BTreeMap<String, WorkloadContent>,
    ) -> Vec<(String, Vec<ContentChange>)> {
        if self.workload_sources.is_empty() {
            return Vec::new();
        }
        changed_workloads(&self.workload_sources, now)
    }

    /// That a choice read from a file (a lock's) is one `choose` could have
    /// made: the variant chosen passed, and every candidate was measured on the
    /// same workloads.
    pub fn validate(&self) -> Result<()> {
        let workloads = self.workloads()?;
        if workloads.is_empty() {
            bail!("it was made on no evaluation workloads");
        }
        if !self.candidates.iter().any(|c| c.variant == self.chosen) {
            bail!(
                "the chosen variant {:?} is not among its candidates ({})",
                self.chosen,
                self.candidates
                    .iter()
                    .map(|c| c.variant.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for c in &self.candidates {
            let these: Vec<&str> = c.workloads.iter().map(|w| w.workload.as_str()).collect();
            if these != workloads {
                bail!(
                    "candidate {:?} was measured on {} but the baseline on {}",
                    c.variant,
                    these.join(", "),
                    workloads.join(", ")
                );
            }
        }
        if !self.workload_sources.is_empty() {
            let mut sorted = workloads.clone();
            sorted.sort_unstable();
            let recorded: Vec<&str> = self.workload_sources.keys().map(String::as_str).collect();
            if recorded != sorted {
                bail!(
                    "it records the sources of the workloads {} but was measured on {}",
                    recorded.join(", "),
                    sorted.join(", ")
                );
            }
        }
        Ok(())
    }
}

/// Estimated cycles see what layout changes (BOLT, function order) and
/// instructions don't; both are checked for losses.
const RANKED_BY: Metric = Metric::EstimatedCycles;

/// Choose among the variants of `evaluation`.
pub fn choose(evaluation: &Evaluation, baseline: &str, tolerance: f64) -> Result<Choice> {
    let Some(first) = evaluation.workloads.first() else {
        bail!("the evaluation has no workloads, so there is nothing to choose a variant by: give the package evaluation workloads (eval/<name>.sh)");
    };
    let variants: Vec<&str> = first.variants.keys().collect();
    if !variants.contains(&baseline) {
        bail!(
            "workload '{}' has no variant '{baseline}' to compare with (it has: {})",
            first.workload,
            variants.join(", ")
        );
    }
    for w in &evaluation.workloads {
        let these: Vec<&str> = w.variants.keys().collect();
        let mut sorted_these = these.clone();
        let mut sorted_first = variants.clone();
        sorted_these.sort_unstable();
        sorted_first.sort_unstable();
        if sorted_these != sorted_first {
            bail!(
                "workload '{}' evaluated the variants {} but workload '{}' evaluated {}: every workload must run the same variants (rebuild the evaluation)",
                w.workload,
                these.join(", "),
                first.workload,
                variants.join(", ")
            );
        }
    }

    // Whether any workload ran several times: then every candidate gets the
    // range of its geometric mean.
    let repeated = evaluation
        .workloads
        .iter()
        .any(|w| w.variants.0.iter().any(|(_, v)| v.spread.is_some()));
    let mut candidates = Vec::new();
    let mut dropped = Vec::new();
    for variant in variants {
        let mut costs = Vec::new();
        let mut losses = Vec::new();
        // The ranked cost's lowest and highest runs relative to the baseline's median.
        let mut run_ratios: Vec<(f64, f64)> = Vec::new();
        for w in &evaluation.workloads {
            let base = w.variants.get(baseline).expect("checked above");
            let v = w.variants.get(variant).expect("checked above");
            losses.extend(losses_on(&w.workload, base, v, tolerance));
            let runs = RANKED_BY.range_of(v);
            run_ratios.push((
                ratio(runs.min, RANKED_BY.of(base)),
                ratio(runs.max, RANKED_BY.of(base)),
            ));
            costs.push(WorkloadCost {
                workload: w.workload.clone(),
                instructions: v.instructions,
                baseline_instructions: base.instructions,
                estimated_cycles: v.estimated_cycles,
                baseline_estimated_cycles: base.estimated_cycles,
                ratio: ratio(RANKED_BY.of(v), RANKED_BY.of(base)),
            });
        }
        if losses.is_empty() {
            candidates.push(Candidate {
                variant: variant.to_string(),
                geomean_ratio: geometric_mean(costs.iter().map(|c| c.ratio)),
                geomean_instructions_ratio: geometric_mean(
                    costs
                        .iter()
                        .map(|c| ratio(c.instructions, c.baseline_instructions)),
                ),
                geomean_ratio_range: repeated.then(|| RatioRange {
                    min: geometric_mean(run_ratios.iter().map(|r| r.0)),
                    max: geometric_mean(run_ratios.iter().map(|r| r.1)),
                }),
                workloads: costs,
            });
        } else {
            dropped.push(Dropped {
                variant: variant.to_string(),
                reason: reason(baseline, tolerance, &losses),
                losses,
            });
        }
    }
    // The lowest geometric mean; on a tie the earlier variant (baseline first:
    // nothing is gained by shipping the other).
    let fastest = candidates
        .iter()
        .fold(None::<&Candidate>, |best, c| match best {
            Some(b) if b.geomean_ratio <= c.geomean_ratio => Some(b),
            _ => Some(c),
        });
    // The first whose best runs are as fast as the fastest's worst: a tie
    // within the noise of repeated runs goes to the simpler variant too.
    // Without repeated runs both ends are the geometric mean itself, so this
    // is the fastest.
    let chosen = fastest.and_then(|f| {
        let worst = f.geomean_ratio_range.map_or(f.geomean_ratio, |r| r.max);
        candidates
            .iter()
            .find(|c| c.geomean_ratio_range.map_or(c.geomean_ratio, |r| r.min) <= worst)
    });
    let fastest_within_noise = match (fastest, chosen) {
        (Some(f), Some(c)) if f.variant != c.variant => Some(f.variant.clone()),
        _ => None,
    };
    Ok(Choice {
        chosen: chosen.map_or_else(|| baseline.to_string(), |c| c.variant.clone()),
        baseline: baseline.to_string(),
        ranked_by: RANKED_BY,
        tolerance_percent: tolerance,
        fastest_within_noise,
        candidates,
        dropped,
        silent_workloads: evaluation.silent_workloads(),
        workload_sources: BTreeMap::new(),
        binaries: BTreeMap::new(),
        binaries_changed_since_lock: Vec::new(),
    })
}

/// What a choice made on workloads that printed nothing did not check, and
/// what to do (the `best` log and the report say it).
pub fn silent_warning(workloads: &[String]) -> String {
    format!(
        "evaluation workload(s) {} printed nothing, so that every variant prints what the \
         baseline prints was not checked there: let the program print its output (to stdout, \
         e.g. `cat` a file it wrote) (docs/workloads.md)",
        workloads.join(", ")
    )
}

/// Where `v` fails the regression check against `base` on `workload`.
fn losses_on(
    workload: &str,
    base: &VariantSummary,
    v: &VariantSummary,
    tolerance: f64,
) -> Vec<Loss> {
    let mut losses = Vec::new();
    if v.stdout_sha256 != base.stdout_sha256 {
        losses.push(Loss {
            workload: workload.to_string(),
            cost: None,
            baseline: 0,
            value: 0,
            change_percent: 0.0,
            repeats: None,
        });
    }
    let repeats = [base, v]
        .iter()
        .filter_map(|x| x.spread.as_ref().map(|s| s.repeats))
        .max();
    for metric in Metric::ALL {
        let (base_runs, runs) = (metric.range_of(base), metric.range_of(v));
        if range_exceeds(base_runs, runs, tolerance) {
            // The counts the check compared.
            let (baseline, value) = (base_runs.max, runs.min);
            losses.push(Loss {
                workload: workload.to_string(),
                cost: Some(metric),
                baseline,
                value,
                change_percent: percent_change(baseline, value),
                repeats,
            });
        }
    }
    losses
}

fn reason(baseline: &str, tolerance: f64, losses: &[Loss]) -> String {
    losses
        .iter()
        .map(|l| match l.cost {
            None => format!("on workload '{}' it printed something else than {baseline}", l.workload),
            Some(metric) => {
                // With repeated runs the counts compared are the ends of their spreads.
                let (context, fastest, slowest) = match l.repeats {
                    None => (String::new(), "it", ""),
                    Some(n) => (format!(" (multithreaded, {n} runs)"), "its fastest run", " slowest"),
                };
                format!(
                    "on workload '{}'{context} {fastest} {} {} {}, {} over {baseline}'s{slowest} {} (tolerance {tolerance}%)",
                    l.workload,
                    metric.verb(),
                    l.value,
                    metric.name(),
                    crate::percent::change(l.change_percent),
                    l.baseline
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn ratio(value: u64, base: u64) -> f64 {
    if base == 0 {
        return if value == 0 { 1.0 } else { f64::INFINITY };
    }
    value as f64 / base as f64
}

fn geometric_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), x| (s + x.ln(), n + 1));
    if n == 0 {
        return 1.0;
    }
    (sum / f64::from(n)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::{Ordered, WorkloadResult};

    /// Each variant's instructions; estimated cycles are twice as many.
    fn workload(name: &str, counts: &[(&str, u64, &str)]) -> WorkloadResult {
        with_cycles(
            name,
            &counts
                .iter()
                .map(|(v, n, out)| (*v, *n, 2 * n, *out))
                .collect::<Vec<_>>(),
        )
    }

    fn with_cycles(name: &str, counts: &[(&str, u64, u64, &str)]) -> WorkloadResult {
        WorkloadResult {
            workload: name.into(),
            variants: Ordered(
                counts
                    .iter()
                    .map(|(v, n, cycles, out)| {
                        (
                            v.to_string(),
                            VariantSummary {
                                instructions: *n,
                                estimated_cycles: *cycles,
                                processes: 1,
                                stdout_sha256: out.to_string(),
                                spread: None,
                            },
                        )
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn names_the_workloads_on_which_no_variant_printed_anything() {
        // The hash evaluate-variant records for an empty stdout.
        let empty_file = std::env::temp_dir().join(format!("nix-pgo-empty-{}", std::process::id()));
        std::fs::write(&empty_file, b"").unwrap();
        let empty = crate::evaluation::sha256_file(&empty_file).unwrap();
        std::fs::remove_file(&empty_file).unwrap();
        let evaluation = Evaluation {
            workloads: vec![
                workload(
                    "prints",
                    &[("baseline", 1000, "x"), ("optimized", 800, "x")],
                ),
                workload(
                    "to-file",
                    &[("baseline", 1000, &empty), ("optimized", 800, &empty)],
                ),
            ],
        };
        let choice = choose(&evaluation, "baseline", 0.0).unwrap();
        assert_eq!(choice.chosen, "optimized");
        assert_eq!(choice.silent_workloads, ["to-file"]);
        // Absent from choice.json when every workload printed something.
        let loud = Evaluation {
            workloads: evaluation.workloads[..1].to_vec(),
        };
        let json = serde_json::to_string(&choose(&loud, "baseline", 0.0).unwrap()).unwrap();
        assert!(!json.contains("silent_workloads"), "{json}");
    }

    #[test]
    fn ships_the_fastest_variant_that_never_loses() {
        let evaluation = Evaluation {
            workloads: vec![
                workload(
                    "a",
                    &[
                        ("baseline", 1000, "x"),
                        ("optimized", 800, "x"),
                        ("bolted", 700, "x"),
                    ],
                ),
                // bolted loses here, optimized doesn't.
                workload(
                    "b",
                    &[
                        ("baseline", 1000, "y"),
                        ("optimized", 990, "y"),
                        ("bolted", 1001, "y"),
                    ],
                ),
            ],
        };
        let c = choose(&evaluation, "baseline", 0.0).expect("valid");
        assert_eq!(c.chosen, "optimized");
        assert_eq!(c.dropped.len(), 1);
        assert_eq!(c.dropped[0].variant, "bolted");
        assert!(
            c.dropped[0].reason.contains("workload 'b'"),
            "{}",
            c.dropped[0].reason
        );
        assert!(
            c.dropped[0].reason.contains("+0.10%"),
            "{}",
            c.dropped[0].reason
        );
        // Within the tolerance, bolted ships: its geometric mean is the lowest.
        let c = choose(&evaluation, "baseline", 0.2).expect("valid");
        assert_eq!(c.chosen, "bolted");
        assert!(c.dropped.is_empty());
    }

    #[test]
    fn baseline_is_the_last_resort() {
        let evaluation = Evaluation {
            workloads: vec![workload(
                "a",
                &[
                    ("baseline", 1000, "x"),
                    ("optimized", 1100, "x"),
                    ("bolted", 900, "other"),
                ],
            )],
        };
        let c = choose(&evaluation, "baseline", 0.0).expect("valid");
        assert_eq!(c.chosen, "baseline");
        let reasons: Vec<&str> = c.dropped.iter().map(|d| d.reason.as_str()).collect();
        assert_eq!(reasons.len(), 2);
        assert!(reasons[1].contains("printed something else"), "{reasons:?}");
        // A tie with the baseline ships the baseline.
        let tie = Evaluation {
            workloads: vec![workload(
                "a",
                &[("baseline", 1000, "x"), ("optimized", 1000, "x")],
            )],
        };
        assert_eq!(
            choose(&tie, "baseline", 0.0).expect("valid").chosen,
            "baseline"
        );
    }

    #[test]
    fn ranks_by_estimated_cycles_and_drops_a_loss_in_either_cost() {
        // bolted executes more instructions than optimized but fewer cycles
        // (better layout): it ships.
        let evaluation = Evaluation {
            workloads: vec![with_cycles(
                "a",
                &[
                    ("baseline", 1000, 3000, "x"),
                    ("optimized", 900, 2800, "x"),
                    ("bolted", 910, 2500, "x"),
                ],
            )],
        };
        let c = choose(&evaluation, "baseline", 0.0).expect("valid");
        assert_eq!(c.chosen, "bolted");
        assert_eq!(c.ranked_by, Metric::EstimatedCycles);
        // Fewer instructions but more cycles than baseline: dropped.
        let evaluation = Evaluation {
            workloads: vec![with_cycles(
                "a",
                &[("baseline", 1000, 3000, "x"), ("optimized", 900, 3100, "x")],
            )],
        };
        let c = choose(&evaluation, "baseline", 0.0).expect("valid");
        assert_eq!(c.chosen, "baseline");
        assert!(
            c.dropped[0]
                .reason
                .contains("3100 estimated cycles, +3.33% over baseline's 3000"),
            "{}",
            c.dropped[0].reason
        );
    }

    #[test]
    fn refuses_inconsistent_evaluations() {
        let no_baseline = Evaluation {
            workloads: vec![workload("a", &[("optimized", 1, "x")])],
        };
        let err = choose(&no_baseline, "baseline", 0.0).unwrap_err();
        assert!(
            format!("{err:#}").contains("no variant 'baseline'"),
            "{err:#}"
        );
        let uneven = Evaluation {
            workloads: vec![
                workload("a", &[("baseline", 1, "x"), ("optimized", 1, "x")]),
                workload("b", &[("baseline", 1, "x")]),
            ],
        };
        let err = choose(&uneven, "baseline", 0.0).unwrap_err();
        assert!(format!("{err:#}").contains("same variants"), "{err:#}");
        let err = choose(&Evaluation { workloads: vec![] }, "baseline", 0.0).unwrap_err();
        assert!(format!("{err:#}").contains("no workloads"), "{err:#}");
    }

    /// A workload that started threads: each variant's median estimated
    /// cycles and their range over 5 runs (instructions: cycles / 2).
    fn repeated(name: &str, runs: &[(&str, u64, u64, u64)]) -> WorkloadResult {
        use crate::evaluation::{Range, Spread};
        WorkloadResult {
            workload: name.into(),
            variants: Ordered(
                runs.iter()
                    .map(|&(v, median, min, max)| {
                        (
                            v.to_string(),
                            VariantSummary {
                                instructions: median / 2,
                                estimated_cycles: median,
                                processes: 1,
                                stdout_sha256: "x".into(),
                                spread: Some(Spread {
                                    repeats: 5,
                                    instructions: Range {
                                        min: min / 2,
                                        max: max / 2,
                                    },
                                    estimated_cycles: Range { min, max },
                                    threads_started_by: vec!["pthread_create".into()],
                                }),
                            },
                        )
                    })
                    .collect(),
            ),
        }
    }

    #[test]
    fn a_lead_inside_the_noise_of_repeated_runs_ships_the_simpler_variant() {
        // tokei-like: bolted's median is 0.2 % below optimized's, each spread
        // over 1 %.
        let with_bolted = |median, min, max| Evaluation {
            workloads: vec![repeated(
                "walk",
                &[
                    ("baseline", 50_000, 49_800, 50_300),
                    ("optimized", 46_690, 46_500, 46_900),
                    ("bolted", median, min, max),
                ],
            )],
        };
        let c = choose(&with_bolted(46_600, 46_340, 46_790), "baseline", 0.0).expect("valid");
        assert_eq!(c.chosen, "optimized");
        assert_eq!(c.fastest_within_noise.as_deref(), Some("bolted"));
        let range = c.candidates[2].geomean_ratio_range.expect("repeated");
        assert!((range.min - 46_340.0 / 50_000.0).abs() < 1e-12, "{range:?}");
        // Clear of the noise, bolted ships.
        let c = choose(&with_bolted(45_000, 44_900, 45_100), "baseline", 0.0).expect("valid");
        assert_eq!(c.chosen, "bolted");
        assert_eq!(c.fastest_within_noise, None);
    }

    #[test]
    fn a_loss_inside_the_noise_of_repeated_runs_is_no_loss() {
        // optimized's median is above baseline's, its fastest run is not
        // above baseline's slowest: "~", kept; bolted's fastest is.
        let evaluation = Evaluation {
            workloads: vec![repeated(
                "walk",
                &[
                    ("baseline", 50_000, 49_800, 50_300),
                    ("optimized", 50_200, 50_100, 50_400),
                    ("bolted", 51_000, 50_400, 51_200),
                ],
            )],
        };
        let c = choose(&evaluation, "baseline", 0.0).expect("valid");
        assert_eq!(
            c.candidates
                .iter()
                .map(|c| c.variant.as_str())
                .collect::<Vec<_>>(),
            ["baseline", "optimized"]
        );
        assert_eq!(c.chosen, "baseline");
        assert_eq!(c.dropped[0].variant, "bolted");
        let reason = &c.dropped[0].reason;
        assert!(
            reason.contains("(multithreaded, 5 runs) its fastest run costs 50400 estimated cycles, +0.20% over baseline's slowest 50300"),
            "{reason}"
        );
    }
}
