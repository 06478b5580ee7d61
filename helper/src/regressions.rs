//! `nix-pgo regressions`: the guard that a PGO (or BOLT) binary is not
//! slower than the baseline on the evaluation workloads, which training never
//! saw. Instruction counts from callgrind are deterministic on one machine, so
//! a tolerance on them is a check that can fail for real and never flakes.
//!
//! Both costs are checked: instructions, and the estimated cycles of
//! callgrind's cache and branch simulation (KCachegrind's CEst), which see
//! what code layout (BOLT, function order) changes and instructions don't.
//!
//! Input: one directory per evaluation workload, as the evaluation stage
//! writes them (nix/stages/evaluation): `result.json` with each variant's
//! costs, and `variants/<variant>.json` (`nix-pgo evaluate-variant`) with
//! callgrind's self costs per function.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::evaluation::{variant_path, Metric, Range, VariantRun, VariantSummary, WorkloadResult};
use crate::output::read_json;
use crate::percent::percent_change;

/// What `compare_workload` compares with and how strictly.
#[derive(Debug, Clone)]
pub struct Options {
    /// The variant the others are compared with.
    pub baseline: String,
    /// Percentage by which a variant may exceed the baseline's instructions
    /// or estimated cycles.
    pub tolerance: f64,
    /// How many of the functions that got more expensive to name.
    pub top: usize,
}

/// One variant on one workload, relative to the baseline.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub workload: String,
    pub variant: String,
    pub baseline_instructions: u64,
    pub instructions: u64,
    /// (instructions / baseline - 1) * 100.
    pub change_percent: f64,
    pub baseline_estimated_cycles: u64,
    pub estimated_cycles: u64,
    /// (estimated_cycles / baseline - 1) * 100.
    pub estimated_cycles_change_percent: f64,
    /// Whether any cost exceeds the baseline's beyond the tolerance.
    pub regression: bool,
    /// The costs that do.
    pub regressed: Vec<Metric>,
    /// The functions with the largest increase in self cost, of the first
    /// cost in `regressed`.
    pub more_expensive: Vec<FunctionDelta>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionDelta {
    pub function: String,
    pub baseline: u64,
    pub variant: u64,
}

impl FunctionDelta {
    pub fn increase(&self) -> u64 {
        self.variant.saturating_sub(self.baseline)
    }
}

pub fn compare_workload(dir: &Path, args: &Options) -> Result<Vec<Comparison>> {
    let result_path = dir.join("result.json");
    let result: WorkloadResult = read_json(&result_path, "an evaluation result")?;
    let Some(base) = result.variants.get(&args.baseline) else {
        bail!(
            "{} has no variant '{}' to compare with (it has: {})",
            result_path.display(),
            args.baseline,
            result.variants.keys().collect::<Vec<_>>().join(", ")
        );
    };
    let variants_dir = dir.join("variants");

    let mut comparisons = Vec::new();
    for (variant, v) in &result.variants.0 {
        if *variant == args.baseline {
            continue;
        }
        let regressed: Vec<Metric> = Metric::ALL
            .into_iter()
            .filter(|&m| regresses(m, base, v, args.tolerance))
            .collect();
        let more_expensive = if let Some(&metric) = regressed.first() {
            // Only a regression needs the per-function data; its absence then
            // is an error, never a regression that names no function.
            let base_functions =
                read_functions(&variants_dir, &result.workload, &args.baseline, metric)?;
            let functions = read_functions(&variants_dir, &result.workload, variant, metric)?;
            let deltas = more_expensive(&base_functions, &functions, args.top);
            if deltas.is_empty() {
                bail!(
                    "workload '{}': {variant} has more {} than {} ({} > {}), but no \
                     function's self {} grew in {}: the per-function data does not match \
                     the totals",
                    result.workload,
                    metric.name(),
                    args.baseline,
                    metric.of(v),
                    metric.of(base),
                    metric.name(),
                    variants_dir.display()
                );
            }
            deltas
        } else {
            Vec::new()
        };
        comparisons.push(Comparison {
            workload: result.workload.clone(),
            variant: variant.clone(),
            baseline_instructions: base.instructions,
            instructions: v.instructions,
            change_percent: percent_change(base.instructions, v.instructions),
            baseline_estimated_cycles: base.estimated_cycles,
            estimated_cycles: v.estimated_cycles,
            estimated_cycles_change_percent: percent_change(
                base.estimated_cycles,
                v.estimated_cycles,
            ),
            regression: !regressed.is_empty(),
            regressed,
            more_expensive,
        });
    }
    Ok(comparisons)
}

/// The regression check on one cost: `value` exceeds `base` by more than
/// `tolerance` percent.
pub fn exceeds(base: u64, value: u64, tolerance: f64) -> bool {
    percent_change(base, value) > tolerance
}

/// The regression check of variant `v` against `base` on one cost: even its
/// lowest run exceeds the baseline's highest by more than `tolerance`
/// percent. For deterministic runs (no spread) that is their one count each;
/// a difference inside the spread of repeated runs of a multithreaded
/// workload is noise, as benchstat's "~" says, not a regression. `nix-pgo
/// regressions` fails on it, and `nix-pgo choose-variant` drops the variant.
pub fn regresses(
    metric: Metric,
    base: &VariantSummary,
    v: &VariantSummary,
    tolerance: f64,
) -> bool {
    range_exceeds(metric.range_of(base), metric.range_of(v), tolerance)
}

/// `regresses` on two ranges (`Metric::range`).
pub fn range_exceeds(base: Range, value: Range, tolerance: f64) -> bool {
    exceeds(base.max, value.min, tolerance)
}

/// A variant's self cost per function, from `variants/<variant>.json`.
fn read_functions(
    dir: &Path,
    workload: &str,
    variant: &str,
    metric: Metric,
) -> Result<BTreeMap<String, u64>> {
    let path = variant_path(dir, variant);
    let run: VariantRun = read_json(&path, "an evaluate-variant file").with_context(|| {
        format!(
            "workload '{workload}': the per-function instructions of '{variant}' are missing; \
             rebuild the evaluation with this nix-pgo (it writes variants/<variant>.json)"
        )
    })?;
    let functions = functions_of(&run, metric);
    if functions.is_empty() {
        bail!(
            "workload '{workload}': {} lists no functions for '{variant}', so the functions \
             that got more expensive cannot be named",
            path.display()
        );
    }
    Ok(functions)
}

fn functions_of(run: &VariantRun, metric: Metric) -> BTreeMap<String, u64> {
    let mut functions = BTreeMap::new();
    for f in &run.functions {
        let entry = functions.entry(f.name.clone()).or_insert(0u64);
        *entry = entry.saturating_add(metric.of_function(f));
    }
    functions
}

/// The `top` functions whose self instructions grew most from `base` to `variant`.
fn more_expensive(
    base: &BTreeMap<String, u64>,
    variant: &BTreeMap<String, u64>,
    top: usize,
) -> Vec<FunctionDelta> {
    let mut deltas: Vec<FunctionDelta> = variant
        .iter()
        .map(|(name, &count)| FunctionDelta {
            function: name.clone(),
            baseline: base.get(name).copied().unwrap_or(0),
            variant: count,
        })
        .filter(|d| d.increase() > 0)
        .collect();
    deltas.sort_by(|a, b| {
        b.increase()
            .cmp(&a.increase())
            .then_with(|| a.function.cmp(&b.function))
    });
    deltas.truncate(top);
    deltas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_functions_that_grew_most() {
        let table = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
            pairs.iter().map(|(n, c)| (n.to_string(), *c)).collect()
        };
        let base = table(&[("copy", 100), ("parse", 50), ("main", 10)]);
        let variant = table(&[("copy", 400), ("parse", 40), ("main", 12), ("new_fn", 9)]);
        let deltas = more_expensive(&base, &variant, 2);
        let names: Vec<&str> = deltas.iter().map(|d| d.function.as_str()).collect();
        assert_eq!(names, ["copy", "new_fn"]);
        assert_eq!(deltas[0].increase(), 300);
    }

    fn args(_dir: &Path) -> Options {
        Options {
            tolerance: 0.0,
            baseline: "baseline".into(),
            top: 10,
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    fn variant_file(variant: &str, instructions: u64, functions: &str) -> String {
        format!(
            r#"{{"workload":"w","variant":"{variant}","instructions":{instructions},"estimated_cycles":5000000000,"processes":1,"stdout_sha256":"x","functions":[{functions}]}}"#
        )
    }

    /// Issue 11: a regression whose per-function data is missing or empty
    /// must fail, not name no function.
    #[test]
    fn a_regression_without_function_data_fails() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-regressions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(
            &dir.join("result.json"),
            r#"{"workload":"w","variants":{"baseline":{"instructions":4294967296,"estimated_cycles":5000000000,"processes":1,"stdout_sha256":"x"},"optimized":{"instructions":4294967396,"estimated_cycles":5000000000,"processes":1,"stdout_sha256":"x"}}}"#,
        );
        // Missing files.
        let err = compare_workload(&dir, &args(&dir)).unwrap_err();
        assert!(
            format!("{err:#}").contains("per-function instructions of 'baseline' are missing"),
            "{err:#}"
        );
        // Empty function lists.
        write(
            &dir.join("variants/baseline.json"),
            &variant_file("baseline", 4294967296, ""),
        );
        write(
            &dir.join("variants/optimized.json"),
            &variant_file("optimized", 4294967396, ""),
        );
        let err = compare_workload(&dir, &args(&dir)).unwrap_err();
        assert!(format!("{err:#}").contains("lists no functions"), "{err:#}");
        // Real data: the regression names the function.
        write(
            &dir.join("variants/baseline.json"),
            &variant_file(
                "baseline",
                4294967296,
                r#"{"name":"f","instructions":4294967296,"estimated_cycles":5000000000}"#,
            ),
        );
        write(
            &dir.join("variants/optimized.json"),
            &variant_file(
                "optimized",
                4294967396,
                r#"{"name":"f","instructions":4294967396,"estimated_cycles":5000000000}"#,
            ),
        );
        let c = compare_workload(&dir, &args(&dir)).expect("valid");
        assert!(c[0].regression);
        assert_eq!(c[0].more_expensive[0].function, "f");
        assert_eq!(c[0].more_expensive[0].increase(), 100);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
