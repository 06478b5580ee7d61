//! `nix-pgo merge`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::merge::{expand_input, parse_weighted_input, refuse_repeated, WeightedInput};
use nix_pgo::output::print_json;
use nix_pgo::profile;
use nix_pgo::tool::LlvmProfdataArg;
use serde::Serialize;
use std::ffi::OsString;
use std::fs;
use std::path::PathBuf;

/// Merge raw (.profraw) and indexed (.profdata) profiles with llvm-profdata.
///
/// Any unreadable input fails the merge, and so does a result without a
/// single non-zero counter.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Where to write the merged indexed profile (.profdata).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,

    /// Merge FILE with weight N (a positive integer): its counts are
    /// multiplied by N. FILE may be a directory (every profile in it gets
    /// weight N). Repeatable.
    #[arg(long = "weight", value_name = "N:FILE", value_parser = parse_weighted_input)]
    pub weighted: Vec<WeightedInput>,

    /// Profiles to merge: .profraw or .profdata files, or directories that
    /// are searched recursively for *.profraw and *.profdata.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Serialize)]
struct InputReport {
    path: PathBuf,
    weight: u64,
}

#[derive(Debug, Serialize)]
struct MergeReport {
    output: PathBuf,
    inputs: Vec<InputReport>,
    functions: usize,
    functions_with_counts: usize,
    fingerprint: String,
}

pub fn run(global: &GlobalArgs, args: MergeArgs) -> Result<()> {
    let llvm_profdata = args.llvm_profdata.resolve()?;
    if args.inputs.is_empty() && args.weighted.is_empty() {
        bail!("no inputs given: pass .profraw/.profdata files or directories containing them");
    }

    // The output may sit inside an input directory (e.g. `-o profiles/merged.profdata
    // profiles/`); a previous run's output must not be merged into the new one.
    let output_key = fs::canonicalize(&args.output).ok();
    let mut inputs = Vec::new();
    for path in &args.inputs {
        for file in expand_input(path, output_key.as_deref())? {
            inputs.push(InputReport {
                path: file,
                weight: 1,
            });
        }
    }
    for weighted in &args.weighted {
        for file in expand_input(&weighted.path, output_key.as_deref())? {
            inputs.push(InputReport {
                path: file,
                weight: weighted.weight,
            });
        }
    }
    refuse_repeated(inputs.iter().map(|input| input.path.as_path()))?;

    if inputs.is_empty() {
        let given: Vec<String> = args
            .inputs
            .iter()
            .chain(args.weighted.iter().map(|w| &w.path))
            .map(|p| p.display().to_string())
            .collect();
        bail!(
            "no profile data (*.profraw / *.profdata) was found in {}: the training workload \
             probably never ran the instrumented binary, or LLVM_PROFILE_FILE pointed elsewhere",
            given.join(", ")
        );
    }

    let mut command: Vec<OsString> = vec![
        "merge".into(),
        // LLVM's failure modes: `warn` never fails, `all` fails only if every
        // input is unreadable, `any` fails if any input is unreadable. A
        // truncated or corrupt profile (e.g. a workload killed mid-write) must
        // fail the merge instead of being silently dropped, so we ask for
        // `any` explicitly rather than depend on the default.
        "--failure-mode=any".into(),
        "-o".into(),
        args.output.clone().into(),
    ];
    for input in &inputs {
        if input.weight == 1 {
            command.push(input.path.clone().into());
        } else {
            let mut arg = OsString::from(format!("--weighted-input={},", input.weight));
            arg.push(&input.path);
            command.push(arg);
        }
    }
    llvm_profdata.run(&command).with_context(|| {
        format!(
            "merging {} profile(s) into {} failed: an input is probably truncated or corrupt \
             (the workload was killed while writing it?) or comes from another LLVM version; \
             llvm-profdata's output below names the file",
            inputs.len(),
            args.output.display()
        )
    })?;

    let merged = profile::load(&llvm_profdata, &args.output)?;
    if merged.functions_with_counts() == 0 {
        bail!(
            "the merged profile {} has {} function(s) but every counter is zero: the workload \
             did not exercise the instrumented code; check that it runs the instrumented binary \
             on representative input",
            args.output.display(),
            merged.functions()
        );
    }

    let report = MergeReport {
        output: args.output.clone(),
        functions: merged.functions(),
        functions_with_counts: merged.functions_with_counts(),
        fingerprint: merged.fingerprint(),
        inputs,
    };
    if global.json {
        print_json(&report)?;
    } else {
        println!(
            "merged {} profile(s) into {}: {} functions ({} with non-zero counts), fingerprint {}",
            report.inputs.len(),
            report.output.display(),
            report.functions,
            report.functions_with_counts,
            report.fingerprint
        );
    }
    Ok(())
}
