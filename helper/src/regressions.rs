//! `nix-pgo regressions`: the guard that a PGO (or BOLT) binary is not
//! slower than the baseline on the evaluation workloads, which training never
//! saw. Instruction counts from callgrind are deterministic on one machine, so
//! a tolerance on them is a check that can fail for real and never flakes.
//!
//! Input: one directory per evaluation workload, as the evaluation stage
//! writes them (nix/evaluate.sh): `result.json` with each variant's
//! instruction count, and `functions/<variant>.tsv`, callgrind's self
//! instruction count per function ("count<TAB>function").

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::coverage::parse_percent;
use crate::output::print_json;
use crate::report::stats::percent_change;

/// Compare every variant with the baseline on each evaluation workload and
/// fail when one executes more instructions than the baseline plus the
/// tolerance, naming the workload and the functions that got more expensive.
#[derive(Debug, clap::Args)]
pub struct RegressionsArgs {
    /// Evaluation workload results (directories with result.json and functions/).
    #[arg(value_name = "DIR", required = true)]
    pub results: Vec<PathBuf>,

    /// Percentage by which a variant may exceed the baseline's instructions.
    #[arg(long, value_name = "PCT", default_value = "0", value_parser = parse_percent)]
    pub tolerance: f64,

    /// The variant the others are compared with.
    #[arg(long, default_value = "baseline")]
    pub baseline: String,

    /// How many of the functions that got more expensive to name.
    #[arg(long, default_value_t = 10)]
    pub top: usize,

    /// Print the JSON report on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Deserialize)]
struct WorkloadResult {
    workload: String,
    variants: BTreeMap<String, VariantResult>,
}

#[derive(Debug, Deserialize)]
struct VariantResult {
    instructions: u64,
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
    pub regression: bool,
    /// The functions with the largest increase in self instructions.
    pub more_expensive: Vec<FunctionDelta>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionDelta {
    pub function: String,
    pub baseline: u64,
    pub variant: u64,
}

impl FunctionDelta {
    fn increase(&self) -> u64 {
        self.variant.saturating_sub(self.baseline)
    }
}

pub fn run(args: RegressionsArgs) -> Result<()> {
    let mut comparisons = Vec::new();
    for dir in &args.results {
        comparisons.extend(compare_workload(dir, &args)?);
    }
    let regressions: Vec<&Comparison> = comparisons.iter().filter(|c| c.regression).collect();

    if args.json {
        print_json(&comparisons)?;
    }
    for c in &comparisons {
        eprintln!(
            "nix-pgo: {}: {} {} instructions, {} {} ({:+.2}%){}",
            c.workload,
            args.baseline,
            c.baseline_instructions,
            c.variant,
            c.instructions,
            c.change_percent,
            if c.regression { "  REGRESSION" } else { "" }
        );
    }
    if regressions.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "{} variant(s) execute more instructions than {} beyond the tolerance of {}%:",
        regressions.len(),
        args.baseline,
        args.tolerance
    );
    for c in regressions {
        message.push_str(&format!(
            "\n- workload '{}': {} executes {} instructions, {:+.2}% over {} ({}); functions that got more expensive:",
            c.workload, c.variant, c.instructions, c.change_percent, args.baseline, c.baseline_instructions
        ));
        for f in &c.more_expensive {
            message.push_str(&format!(
                "\n    +{} {} ({} -> {})",
                f.increase(),
                f.function,
                f.baseline,
                f.variant
            ));
        }
    }
    message.push_str(
        "\nThe training workloads probably don't exercise what this workload does, so PGO compiled it \
         as cold code: add a training workload that covers it (or a low-weight broad one), \
         or raise the package's regression tolerance if the loss is accepted.",
    );
    bail!(message)
}

fn compare_workload(dir: &Path, args: &RegressionsArgs) -> Result<Vec<Comparison>> {
    let result_path = dir.join("result.json");
    let text = fs::read_to_string(&result_path)
        .with_context(|| format!("could not read {}", result_path.display()))?;
    let result: WorkloadResult = serde_json::from_str(&text)
        .with_context(|| format!("{} is not an evaluation result", result_path.display()))?;
    let Some(base) = result.variants.get(&args.baseline) else {
        bail!(
            "{} has no variant '{}' to compare with (it has: {})",
            result_path.display(),
            args.baseline,
            result
                .variants
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let base_functions = read_functions(&dir.join("functions"), &args.baseline)?;

    let mut comparisons = Vec::new();
    for (variant, v) in &result.variants {
        if *variant == args.baseline {
            continue;
        }
        let change_percent = percent_change(base.instructions, v.instructions);
        let regression = change_percent > args.tolerance;
        let more_expensive = if regression {
            let functions = read_functions(&dir.join("functions"), variant)?;
            more_expensive(&base_functions, &functions, args.top)
        } else {
            Vec::new()
        };
        comparisons.push(Comparison {
            workload: result.workload.clone(),
            variant: variant.clone(),
            baseline_instructions: base.instructions,
            instructions: v.instructions,
            change_percent,
            regression,
            more_expensive,
        });
    }
    Ok(comparisons)
}

/// Read `functions/<variant>.tsv`: "count<TAB>function" per line.
fn read_functions(dir: &Path, variant: &str) -> Result<BTreeMap<String, u64>> {
    let path = dir.join(format!("{variant}.tsv"));
    let text =
        fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
    parse_functions(&text).with_context(|| format!("in {}", path.display()))
}

fn parse_functions(text: &str) -> Result<BTreeMap<String, u64>> {
    let mut functions = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let Some((count, name)) = line.split_once('\t') else {
            bail!(
                "line {}: expected 'count<TAB>function', got {line:?}",
                i + 1
            );
        };
        let count: u64 = count
            .parse()
            .with_context(|| format!("line {}: {count:?} is not a count", i + 1))?;
        *functions.entry(name.to_string()).or_insert(0) += count;
    }
    Ok(functions)
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
    fn parses_function_tables_and_sums_duplicates() {
        let f = parse_functions("10\tmain\n5\tparse\n7\tmain\n").expect("valid table");
        assert_eq!(f.get("main"), Some(&17));
        assert_eq!(f.get("parse"), Some(&5));
        assert!(parse_functions("ten\tmain\n").is_err());
        assert!(parse_functions("no tab here\n").is_err());
    }

    #[test]
    fn names_the_functions_that_grew_most() {
        let base = parse_functions("100\tcopy\n50\tparse\n10\tmain\n").expect("valid");
        let variant =
            parse_functions("400\tcopy\n40\tparse\n12\tmain\n9\tnew_fn\n").expect("valid");
        let deltas = more_expensive(&base, &variant, 2);
        let names: Vec<&str> = deltas.iter().map(|d| d.function.as_str()).collect();
        assert_eq!(names, ["copy", "new_fn"]);
        assert_eq!(deltas[0].increase(), 300);
    }
}
