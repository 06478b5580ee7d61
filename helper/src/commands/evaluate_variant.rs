//! `nix-pgo evaluate-variant`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::callgrind::{self, Counts};
use nix_pgo::evaluation::{
    check_name, sha256_file, variant_path, FunctionCount, Range, Spread, VariantRun,
};
use nix_pgo::output::write_json;
use std::fs;
use std::path::{Path, PathBuf};

/// Read one variant's callgrind output files (run with `--cache-sim=yes
/// --branch-sim=yes`) and stdout, and write `OUT/<variant>.json`: its
/// instructions and estimated cycles, runs, stdout hash and self costs per
/// function. Given several runs of the workload (a workload that started
/// threads is repeated), the median run's, with the spread of all.
#[derive(Debug, clap::Args)]
pub struct EvaluateVariantArgs {
    /// The evaluation workload's name.
    #[arg(long)]
    pub workload: String,

    /// The variant's name (baseline, optimized, ...).
    #[arg(long)]
    pub variant: String,

    /// What the workload printed on stdout (hashed, to compare variants).
    #[arg(long, value_name = "FILE")]
    pub stdout: PathBuf,

    /// Directory to write `<variant>.json` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also copy callgrind's own `totals:` lines of the run the counts are
    /// taken from (the median one) into FILE, one per process.
    #[arg(long, value_name = "FILE")]
    pub totals: Option<PathBuf>,

    /// The program starts threads even where callgrind names no function
    /// that started one (every Go program does: its runtime starts them, and a
    /// binary linked with `-s` has no function names): NAME is recorded as
    /// what started them when the runs name none.
    #[arg(long, value_name = "NAME")]
    pub starts_threads: Option<String>,

    /// One directory per run of the workload, holding callgrind's output
    /// files (`callgrind.out.*`), one per process the run started.
    #[arg(value_name = "RUN_DIR", required = true)]
    pub runs: Vec<PathBuf>,
}

pub fn run(_: &GlobalArgs, args: EvaluateVariantArgs) -> Result<()> {
    check_name("variant", &args.variant)?;
    let what = || format!("workload '{}', variant '{}'", args.workload, args.variant);
    let mut runs = Vec::new();
    for dir in &args.runs {
        let counts =
            read_run(dir).with_context(|| format!("{}: could not count instructions", what()))?;
        let Some(cycles) = counts.total.estimated_cycles else {
            bail!(
                "{}: the callgrind output in {} has no cache and branch simulation events, \
                 so cycles can't be estimated: run callgrind with --cache-sim=yes --branch-sim=yes",
                what(),
                dir.display()
            );
        };
        runs.push((cycles, counts, dir));
    }
    let repeats = runs.len() as u64;
    let instructions = Range::of(runs.iter().map(|(_, c, _)| c.total.instructions));
    let estimated_cycles = Range::of(runs.iter().map(|(cycles, _, _)| *cycles));
    let mut threads_started_by: Vec<String> = runs
        .iter()
        .flat_map(|(_, c, _)| c.thread_starts())
        .collect();
    threads_started_by.sort();
    threads_started_by.dedup();
    if threads_started_by.is_empty() {
        threads_started_by.extend(args.starts_threads);
    }
    // The median run (the lower middle one of an even number), whole: its
    // functions' costs add up to its totals, which the regression check's
    // per-function diff relies on.
    runs.sort_by_key(|(cycles, c, _)| (*cycles, c.total.instructions));
    let (estimated, median, median_dir) = runs.swap_remove((runs.len() - 1) / 2);
    if let Some(path) = &args.totals {
        write_totals(median_dir, path)?;
    }
    let spread = match (instructions, estimated_cycles) {
        (Some(instructions), Some(estimated_cycles))
            if repeats > 1 || !threads_started_by.is_empty() =>
        {
            Some(Spread {
                repeats,
                instructions,
                estimated_cycles,
                threads_started_by,
            })
        }
        _ => None,
    };
    let mut functions: Vec<FunctionCount> = median
        .functions
        .into_iter()
        .filter(|(_, c)| c.instructions > 0)
        .map(|(name, c)| FunctionCount {
            name,
            instructions: c.instructions,
            // Known for every function when known for the total.
            estimated_cycles: c.estimated_cycles.unwrap_or(0),
        })
        .collect();
    functions.sort_by(|a, b| {
        b.instructions
            .cmp(&a.instructions)
            .then_with(|| a.name.cmp(&b.name))
    });
    let run = VariantRun {
        workload: args.workload,
        variant: args.variant,
        instructions: median.total.instructions,
        estimated_cycles: estimated,
        processes: median.processes,
        stdout_sha256: sha256_file(&args.stdout)?,
        spread,
        functions,
    };
    fs::create_dir_all(&args.out)
        .with_context(|| format!("could not create {}", args.out.display()))?;
    write_json(&variant_path(&args.out, &run.variant), &run)?;
    eprintln!(
        "nix-pgo: {} instructions, {} estimated cycles in {} process(es), {} functions, stdout sha256 {}",
        run.instructions,
        run.estimated_cycles,
        run.processes,
        run.functions.len(),
        run.stdout_sha256
    );
    if let Some(s) = &run.spread {
        eprintln!(
            "nix-pgo: the workload started threads ({}): median of {} run(s), instructions {}–{}, estimated cycles {}–{}",
            s.threads_started_by.join(", "),
            s.repeats,
            s.instructions.min,
            s.instructions.max,
            s.estimated_cycles.min,
            s.estimated_cycles.max
        );
    }
    Ok(())
}

/// callgrind's output files in one run's directory, in name order.
pub fn callgrind_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("could not read {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("could not read {}", dir.display()))?
            .path();
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("callgrind.out."))
        {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!(
            "{} has no callgrind output (callgrind.out.*): the run never started the program",
            dir.display()
        );
    }
    Ok(files)
}

/// callgrind's `totals:` lines of one run's files, as it wrote them.
fn write_totals(dir: &Path, path: &Path) -> Result<()> {
    let mut lines = String::new();
    for file in callgrind_files(dir)? {
        let text = fs::read(&file).with_context(|| format!("could not read {}", file.display()))?;
        for line in String::from_utf8_lossy(&text).lines() {
            if line.starts_with("totals:") {
                lines.push_str(line);
                lines.push('\n');
            }
        }
    }
    fs::write(path, lines).with_context(|| format!("could not write {}", path.display()))
}

fn read_run(dir: &Path) -> Result<Counts> {
    callgrind::read_files(&callgrind_files(dir)?)
}
