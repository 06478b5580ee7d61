//! `nix-pgo canonicalize`: rewrite a profile with sorted records and,
//! optionally, coarser counts, so that equivalent training runs produce
//! byte-identical profiles (and thus identical downstream derivations).

use crate::commands::GlobalArgs;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use nix_pgo::instrumented_functions::{fit_to_program, instrumented_functions, Fit};
use nix_pgo::output::print_json;
use nix_pgo::percent::share;
use nix_pgo::profile;
use nix_pgo::threads::thread_spawns;
use nix_pgo::tool::LlvmProfdataArg;

/// Write a canonical indexed profile: records sorted, counts optionally
/// quantized.
#[derive(Debug, clap::Args)]
pub struct CanonicalizeArgs {
    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// Profile to canonicalize (.profraw, .profdata or .proftext).
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the canonical indexed profile (.profdata).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,

    /// Keep only the BITS most significant bits of every count (1-64), so
    /// small run-to-run noise disappears. Non-zero counts stay non-zero.
    #[arg(long, value_name = "BITS", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub quantize: Option<u32>,

    /// Drop the functions whose profile name contains SUBSTRING (repeatable),
    /// e.g. `crossbeam` or `rayon_core`: code whose counts depend on thread
    /// timing keeps a multithreaded program's profile from being reproducible.
    /// Those functions are then compiled as without PGO.
    #[arg(long, value_name = "SUBSTRING", value_parser = parse_substring)]
    pub exclude: Vec<String>,

    /// Keep only the functions the instrumented program BINARY has, with its
    /// control-flow hashes (its `__llvm_prf_names` and `__llvm_prf_data`;
    /// repeatable, for the binaries of one build), renaming a record of the
    /// same code under other crate hashes to the program's symbol: for a
    /// profile recorded by other programs built from the same crates, such as
    /// a package's test binaries, whose own functions match nothing in the
    /// program.
    #[arg(long, value_name = "BINARY")]
    pub functions_of: Vec<PathBuf>,

    /// Also keep the canonical text form at this path.
    #[arg(long, value_name = "PATH")]
    pub text_output: Option<PathBuf>,
}

/// An --exclude SUBSTRING: an empty one would be in every name.
fn parse_substring(arg: &str) -> Result<String, String> {
    if arg.is_empty() {
        Err("an empty substring is in every function's name: give part of the names to drop, e.g. rayon_core".to_owned())
    } else {
        Ok(arg.to_owned())
    }
}

#[derive(Debug, Serialize)]
struct CanonicalizeReport {
    input: PathBuf,
    output: PathBuf,
    quantize_bits: Option<u32>,
    excluded_functions: usize,
    /// Functions `--functions-of`'s binaries don't have (as they are there), and their
    /// counts; and those renamed to the binaries' symbols of the same code.
    foreign_functions: usize,
    foreign_count: u64,
    renamed_functions: usize,
    /// std's thread spawn functions that ran (the workload started threads).
    thread_spawns: Vec<String>,
    functions: usize,
    total_count: u64,
    fingerprint: String,
}

pub fn run(global: &GlobalArgs, args: CanonicalizeArgs) -> Result<()> {
    let llvm_profdata = args.llvm_profdata.resolve()?;
    let mut profile = profile::load(&llvm_profdata, &args.input)?;
    // A profile of tests (--functions-of) counts only the program's own spawns, looked for
    // after the fit below: the test harness starts a thread per test, and runTestProfile
    // runs them one at a time.
    let spawns_in_profile = args
        .functions_of
        .is_empty()
        .then(|| thread_spawns(&profile));
    let functions_before = profile.functions();
    let excluded_functions = profile.exclude(&args.exclude);
    if excluded_functions > 0 && excluded_functions == functions_before {
        bail!(
            "--exclude {} left no function of the {functions_before} in {}: every profile name \
             contains one of them, and a build would use an empty profile. Give longer \
             substrings (a crate's name, e.g. rayon_core) in profileExclude",
            args.exclude.join(" --exclude "),
            args.input.display()
        );
    }
    let fit = if args.functions_of.is_empty() {
        Fit::default()
    } else {
        keep_functions_of(&mut profile, &args.input, &args.functions_of)?
    };
    let thread_spawns = spawns_in_profile.unwrap_or_else(|| thread_spawns(&profile));
    if let Some(bits) = args.quantize {
        profile.quantize(bits);
    }
    profile.canonicalize();
    let text = profile.to_text();
    let fingerprint = nix_pgo::fingerprint::fingerprint(&text);

    // llvm-profdata converts the text back to the indexed format rustc reads.
    let text_path = match &args.text_output {
        Some(path) => path.clone(),
        None => {
            let mut name = args.output.clone().into_os_string();
            name.push(".proftext.tmp");
            PathBuf::from(name)
        }
    };
    fs::write(&text_path, &text)
        .with_context(|| format!("could not write {}", text_path.display()))?;
    let converted = llvm_profdata.run([
        "merge".as_ref(),
        "--failure-mode=any".as_ref(),
        "-o".as_ref(),
        args.output.as_os_str(),
        text_path.as_os_str(),
    ]);
    if args.text_output.is_none() {
        // Best effort: a leftover temporary file is harmless.
        let _ = fs::remove_file(&text_path);
    }
    converted.with_context(|| {
        format!(
            "llvm-profdata rejected the canonical text written from {}; this is a nix-pgo bug, \
             please report it with the input profile",
            args.input.display()
        )
    })?;

    // The indexed file must hold exactly the canonical data; otherwise the
    // fingerprint we report would not describe what rustc will read.
    let written = profile::load(&llvm_profdata, &args.output)?;
    let written_fingerprint = written.fingerprint();
    if written_fingerprint != fingerprint {
        bail!(
            "{} does not round-trip: its fingerprint {written_fingerprint} differs from the \
             canonical text's {fingerprint}; this is a nix-pgo bug, please report it with the \
             input profile",
            args.output.display()
        );
    }

    if !thread_spawns.is_empty() && args.exclude.is_empty() {
        // Where a `nix build --rebuild` that differs sends the user.
        eprintln!(
            "nix-pgo: note: the profiled program started threads ({} ran): counts of code whose \
             work depends on thread timing (work stealing, thread start and exit, the buffers \
             each thread allocates, and in a server how socket reads and wake-ups fall between \
             client and server) and, with plain counters, increments lost when threads \
             interleave can differ from run to run, so this profile may not rebuild \
             bit-identically (`nix build --rebuild` of a workload's profile, the \
             package's `profiles.<name>`, tells; a rebuild of the merged `profile` does not, as it \
             merges the same workload profiles again). Lock it (update-profile, which \
             locks the BOLT profile too): `optimized` and `bolted` are then reproducible \
             whatever the training does; or, \
             where a few functions off the hot path are to blame, set atomicCounters = true and \
             profileExclude them (docs/design.md, \"Reproducible profiles\")",
            thread_spawns[0]
        );
    }

    let report = CanonicalizeReport {
        input: args.input,
        output: args.output,
        quantize_bits: args.quantize,
        excluded_functions,
        foreign_functions: fit.removed,
        foreign_count: fit.removed_count,
        renamed_functions: fit.renamed,
        thread_spawns,
        functions: profile.functions(),
        total_count: profile.total_count(),
        fingerprint,
    };
    if global.json {
        print_json(&report)
    } else {
        println!(
            "wrote canonical profile {} ({} functions), fingerprint {}",
            report.output.display(),
            report.functions,
            report.fingerprint
        );
        Ok(())
    }
}

/// Fit the profile to the programs `binaries` (`fit_to_program`); fail when no record
/// is left.
fn keep_functions_of(
    profile: &mut profile::Profile,
    input: &Path,
    binaries: &[PathBuf],
) -> Result<Fit> {
    let program = instrumented_functions(binaries)?;
    let (functions_before, count_before) = (profile.functions(), profile.total_count());
    let fit = fit_to_program(profile, &program);
    if profile.functions() == 0 {
        bail!(
            "none of the {functions_before} functions in {} is a function of {}: \
             the programs that recorded it were built from other code, or with other settings \
             (Cargo features, the Cargo profile, panic strategy), than the program",
            input.display(),
            binaries
                .iter()
                .map(|b| b.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let kept_share =
        share(100.0 * (count_before - fit.removed_count) as f64 / count_before.max(1) as f64);
    eprintln!(
        "nix-pgo: kept {} of {functions_before} functions ({kept_share} of the counts); {} of \
         them renamed to the program's symbols (the same code, compiled under other crate \
         hashes: dev-dependencies turn on more features of shared dependencies, and Cargo \
         renames every crate built on them); the other {} are not in the program, or not as \
         they are there",
        profile.functions(),
        fit.renamed,
        fit.removed,
    );
    Ok(fit)
}
