//! `nix-pgo choose-variant`: the variant a package ships (the `best` stage).
//!
//! `noRegression` is a verdict: it fails and leaves nothing to ship. This is
//! the decision instead: among the evaluated variants (baseline, optimized,
//! bolted), those that pass the regression check on every evaluation workload
//! (the baseline's output, and no cost above the baseline's beyond the
//! tolerance, in instructions and in estimated cycles; `regressions::exceeds`),
//! the one with the lowest geometric mean over the workloads of its estimated
//! cycles relative to the baseline's: the cost that sees code layout, which is
//! what BOLT changes. The baseline always passes, so it is the last resort.

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::evaluation::{Evaluation, Metric, VariantSummary};
use crate::regressions::exceeds;
use crate::report::stats::percent_change;

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
    pub workloads: Vec<WorkloadCost>,
}

/// Why a variant is not shipped: on which workload it lost, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loss {
    pub workload: String,
    /// The cost that grew; `None`: it printed something else than the baseline.
    pub cost: Option<Metric>,
    pub baseline: u64,
    pub value: u64,
    pub change_percent: f64,
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
    /// The variants that passed, in evaluation order (baseline first).
    pub candidates: Vec<Candidate>,
    pub dropped: Vec<Dropped>,
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

    let mut candidates = Vec::new();
    let mut dropped = Vec::new();
    for variant in variants {
        let mut costs = Vec::new();
        let mut losses = Vec::new();
        for w in &evaluation.workloads {
            let base = w.variants.get(baseline).expect("checked above");
            let v = w.variants.get(variant).expect("checked above");
            losses.extend(losses_on(&w.workload, base, v, tolerance));
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
    let chosen = candidates
        .iter()
        .fold(None::<&Candidate>, |best, c| match best {
            Some(b) if b.geomean_ratio <= c.geomean_ratio => Some(b),
            _ => Some(c),
        })
        .map(|c| c.variant.clone())
        .unwrap_or_else(|| baseline.to_string());
    Ok(Choice {
        chosen,
        baseline: baseline.to_string(),
        ranked_by: RANKED_BY,
        tolerance_percent: tolerance,
        candidates,
        dropped,
    })
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
        });
    }
    for metric in Metric::ALL {
        if exceeds(metric.of(base), metric.of(v), tolerance) {
            losses.push(Loss {
                workload: workload.to_string(),
                cost: Some(metric),
                baseline: metric.of(base),
                value: metric.of(v),
                change_percent: percent_change(metric.of(base), metric.of(v)),
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
            Some(metric) => format!(
                "on workload '{}' it {} {} {}, {:+.2}% over {baseline}'s {} (tolerance {tolerance}%)",
                l.workload,
                metric.verb(),
                l.value,
                metric.name(),
                l.change_percent,
                l.baseline
            ),
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
                                runs: 1,
                                stdout_sha256: out.to_string(),
                            },
                        )
                    })
                    .collect(),
            ),
        }
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
}
