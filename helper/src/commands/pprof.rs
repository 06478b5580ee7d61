//! `nix-pgo pprof ...`: Go's CPU profiles (pprof), as `default.pgo` takes them.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::commands::GlobalArgs;
use nix_pgo::merge::{parse_weighted_input, refuse_repeated, WeightedInput};
use nix_pgo::output::{print_json, read_json, write_json};
use nix_pgo::percent::parse_percent;
use nix_pgo::percent::{parse_fraction, share};
use nix_pgo::pprof::merge::{canonical, merge_files, write_merged, MergeOptions};
use nix_pgo::pprof::show::{functions, summary, FunctionWeight, Summary};
use nix_pgo::pprof::symbols::{match_profile, read_binary, MatchReport};
use nix_pgo::pprof::{self, Profile};

/// Merge, fingerprint, show and check pprof CPU profiles (Go's `default.pgo`).
#[derive(Debug, clap::Args)]
pub struct PprofArgs {
    #[command(subcommand)]
    pub command: PprofCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PprofCommand {
    /// Merge CPU profiles (with weights) into one canonical profile.
    Merge(MergeArgs),
    /// Print the blake3 fingerprint of a profile's canonical form.
    Fingerprint(FileArg),
    /// Show a profile's samples, fingerprint and hottest functions.
    Show(ShowArgs),
    /// How much of a profile's weight falls on functions of a Go binary.
    Match(MatchArgs),
    /// How stale a profile is for a build, from `pprof match` reports; fails above --max-stale.
    Staleness(StalenessArgs),
}

/// Merge CPU profiles into one canonical profile: strings, functions,
/// mappings, locations and samples deduplicated, sorted and renumbered; no
/// timestamps, durations, build IDs or /nix/store prefixes; gzip with a
/// fixed header. Equal data gives a byte-identical file.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The merged profile to write (gzipped protobuf, e.g. default.pgo).
    #[arg(long, value_name = "FILE")]
    pub output: PathBuf,

    /// A profile whose values count N times. Repeatable.
    #[arg(long = "weight", value_name = "N:FILE", value_parser = parse_weighted_input)]
    pub weighted: Vec<WeightedInput>,

    /// Also write the merged profile's summary JSON (fingerprint, samples,
    /// totals, functions) here.
    #[arg(long, value_name = "JSON")]
    pub summary: Option<PathBuf>,

    /// Leave out the profiles that have no samples, as long as one has: the
    /// per-process profiles of a workload whose short-lived processes (a
    /// compiler's run on a tiny package) ended before the first sample.
    #[arg(long)]
    pub skip_empty: bool,

    /// Scale the profiles' values to the CPU time written beside each FILE
    /// (`cpu-<pid>.cpu-ns` beside `cpu-<pid>.pprof`, by nix-pgo's Go
    /// profiling build), by one factor for all: a kernel's CPU timers fire on
    /// its ticks, so a 1000 Hz profile records one 1 ms sample per 4 ms of CPU
    /// where HZ=250, and would weigh too little against profiles at other rates.
    #[arg(long)]
    pub cpu_time: bool,

    /// Warn when the profiles record less CPU time than this, in seconds, not
    /// counting weights: a sampled profile's hot spots rest on its samples, and
    /// from few of them PGO's decisions move from training to training.
    #[arg(long, value_name = "SECONDS")]
    pub warn_below_cpu_seconds: Option<f64>,

    /// Profiles of weight 1.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct FileArg {
    /// A pprof profile (gzipped or not).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A pprof profile (gzipped or not).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// How many of the hottest functions to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// Check a profile against the Go binary it is meant for: the share of its
/// CPU time (and of its functions) in functions the binary's symbol table
/// has. Fails when nothing matches.
#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    /// A pprof profile (gzipped or not).
    #[arg(long, value_name = "FILE")]
    pub profile: PathBuf,

    /// The program's binary (ELF with a symbol table).
    #[arg(long, value_name = "BIN")]
    pub binary: PathBuf,

    /// Also fail when less than this fraction (0 to 1) of the profile's value matches.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = parse_fraction)]
    pub min_rate: f64,
}

pub fn run(global: &GlobalArgs, args: PprofArgs) -> Result<()> {
    match args.command {
        PprofCommand::Merge(args) => run_merge(global, args),
        PprofCommand::Fingerprint(args) => run_fingerprint(global, args),
        PprofCommand::Show(args) => run_show(global, args),
        PprofCommand::Match(args) => run_match(global, args),
        PprofCommand::Staleness(args) => run_staleness(global, args),
    }
}

fn run_merge(global: &GlobalArgs, args: MergeArgs) -> Result<()> {
    let mut weighted = args
        .weighted
        .iter()
        .map(|w| {
            let weight = i64::try_from(w.weight).with_context(|| {
                format!("--weight {}:{}: too large", w.weight, w.path.display())
            })?;
            Ok((weight, w.path.clone()))
        })
        .collect::<Result<Vec<_>>>()?;
    weighted.extend(args.files.iter().map(|f| (1, f.clone())));
    if weighted.is_empty() {
        bail!("no profiles to merge: give FILE or --weight N:FILE");
    }
    refuse_repeated(weighted.iter().map(|(_, path)| path.as_path()))?;
    let options = MergeOptions {
        skip_empty: args.skip_empty,
        cpu_time: args.cpu_time,
        warn_below_cpu_seconds: args.warn_below_cpu_seconds,
    };
    let merged = merge_files(&weighted, &options)?;
    let summary = write_merged(&merged, &args.output, args.summary.as_deref())?;
    if global.json {
        print_json(&summary)
    } else {
        println!(
            "{}: {} profile(s) merged: {}, {} {}, {} functions, fingerprint {}",
            args.output.display(),
            weighted.len(),
            summary.samples_and_stacks(),
            summary.total_value,
            summary.value_type,
            summary.functions,
            summary.fingerprint
        );
        Ok(())
    }
}

fn load_canonical(path: &Path) -> Result<Profile> {
    canonical(&path.display().to_string(), &pprof::read(path)?)
}

fn run_fingerprint(global: &GlobalArgs, args: FileArg) -> Result<()> {
    let summary = summary(&load_canonical(&args.file)?);
    if global.json {
        print_json(&summary)
    } else {
        println!("{}", summary.fingerprint);
        Ok(())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ShowReport {
    file: PathBuf,
    #[serde(flatten)]
    summary: Summary,
    /// The sampling period, in `period_type`'s unit (nanoseconds of CPU for a
    /// CPU profile): what one count of samples stands for.
    period: i64,
    period_type: String,
    build_ids: Vec<(String, String)>,
    hottest: Vec<FunctionWeight>,
}

fn run_show(global: &GlobalArgs, args: ShowArgs) -> Result<()> {
    let raw = pprof::read(&args.file)?;
    let profile = canonical(&args.file.display().to_string(), &raw)?;
    let mut hottest = functions(&profile);
    hottest.truncate(args.top);
    let report = ShowReport {
        summary: summary(&profile),
        period: profile.period,
        period_type: profile
            .period_type
            .as_ref()
            .map(|t| {
                format!(
                    "{}/{}",
                    pprof::string(&profile, t.r#type),
                    pprof::string(&profile, t.unit)
                )
            })
            .unwrap_or_default(),
        build_ids: pprof::build_ids(&raw),
        hottest,
        file: args.file,
    };
    if global.json {
        return print_json(&report);
    }
    let s = &report.summary;
    println!("{}", report.file.display());
    println!(
        "  fingerprint   {} ({})",
        s.fingerprint, s.fingerprint_algorithm
    );
    println!("  sample types  {}", s.sample_types.join(", "));
    println!("  period        {} {}", report.period, report.period_type);
    println!(
        "  samples       {}, totals {:?}",
        s.samples_and_stacks(),
        s.totals
    );
    println!(
        "  functions     {} ({} locations)",
        s.functions, s.locations
    );
    for (file, id) in &report.build_ids {
        println!("  build ID      {id} ({file})");
    }
    let total = s.total_value.max(1) as f64;
    println!(
        "  {:>7} {:>7}  hottest by {}",
        "flat%", "cum%", s.value_type
    );
    for f in &report.hottest {
        println!(
            "  {:>6.2}% {:>6.2}%  {}",
            100.0 * f.flat as f64 / total,
            100.0 * f.cum as f64 / total,
            f.name
        );
    }
    Ok(())
}

#[derive(Debug, Serialize)]
struct MatchOutput<'a> {
    profile: &'a Path,
    binary: &'a Path,
    #[serde(flatten)]
    report: &'a MatchReport,
}

fn run_match(global: &GlobalArgs, args: MatchArgs) -> Result<()> {
    let profile = load_canonical(&args.profile)?;
    let binary = read_binary(&args.binary)?;
    let report = match_profile(&profile, &binary)
        .with_context(|| format!("cannot match against {}", args.binary.display()))?;
    if global.json {
        print_json(&MatchOutput {
            profile: &args.profile,
            binary: &args.binary,
            report: &report,
        })?;
    } else {
        println!(
            "{} against {}: {:.1}% of {} and {}/{} functions ({:.1}%) are in the binary",
            args.profile.display(),
            args.binary.display(),
            100.0 * report.value_rate,
            report.value_type,
            report.functions_matched,
            report.functions,
            100.0 * report.function_rate
        );
        if report.program_functions > 0 {
            println!(
                "  the program's own functions ({}): {:.1}% of the {} under them, {}/{} functions",
                program_packages(&report),
                100.0 * report.program_value_rate,
                report.value_type,
                report.program_functions_matched,
                report.program_functions
            );
        }
        for (name, value) in report.unmatched.iter().take(5) {
            println!("  not in the binary: {name} ({value})");
        }
    }
    if report.value_matched == 0 {
        bail!(
            "none of {}'s {} functions is in {}'s symbol table: a profile of another program? \
             Take the profile from this program (or pass the binary the profile is for)",
            args.profile.display(),
            report.functions,
            args.binary.display()
        );
    }
    if report.program_value == 0 && report.main_only_value == 0 {
        bail!(
            "no function of the program ({}) is on any of {}'s stacks, only other packages \
             (the Go runtime, the standard library, dependencies): a profile of a \
             standard-library benchmark, or of another program? Take the profile from this \
             program",
            program_packages(&report),
            args.profile.display()
        );
    }
    if report.program_value > 0 && report.program_value_matched == 0 {
        bail!(
            "none of the program's own functions in {} ({}, {} of them) is in {}'s symbol \
             table, only the Go runtime and standard library match: a profile of another \
             program? Take the profile from this program",
            args.profile.display(),
            program_packages(&report),
            report.program_functions,
            args.binary.display()
        );
    }
    if report.value_rate < args.min_rate {
        bail!(
            "only {} of {}'s {} is in functions of {} (--min-rate {}): the profile is stale \
             or of another program; take a new one from this build",
            share(100.0 * report.value_rate),
            args.profile.display(),
            report.value_type,
            args.binary.display(),
            args.min_rate
        );
    }
    if report.program_value == 0 {
        eprintln!(
            "nix-pgo: note: of the program's own functions only main.main is on {}'s stacks, \
             and every Go program has one: this match can't tell the profile of this program \
             from another's",
            args.profile.display()
        );
    } else if report.program_value_matched < report.program_value {
        let missing: Vec<&str> = report
            .program_unmatched
            .iter()
            .take(5)
            .map(|(name, _)| name.as_str())
            .collect();
        eprintln!(
            "nix-pgo: warning: {} of {}'s {} under the program's own functions is in \
             functions {} doesn't have (renamed or removed since the profile was taken; or, \
             in a build with this profile, inlined everywhere: match against the build \
             without it, as the optimized stage does), \
             which Go's PGO can't use: {}. Take a new profile of this build (or re-lock it) \
             to optimize them again",
            share(report.stale_percent().unwrap_or_default()),
            args.profile.display(),
            report.value_type,
            args.binary.display(),
            missing.join(", ")
        );
    }
    Ok(())
}

/// What counts as the program's own packages, for messages.
fn program_packages(report: &MatchReport) -> String {
    match &report.main_module {
        Some(module) => format!("package main and module {module}"),
        None => "package main and packages whose path starts with a domain: the binary names no \
                 main module"
            .to_owned(),
    }
}

/// How stale a Go profile is for a build: of the profile's CPU time under the program's own
/// functions, the share in functions the build no longer has (renamed or removed since the
/// profile was taken), the figure `pprof match` warns with. Read from `pprof match --json`
/// reports (the optimized stage's nix-support/profile-match-<bin>.json), so that no build is
/// matched again; with several programs, the one the profile matches best counts (the
/// others lack its package main). Fails above --max-stale.
#[derive(Debug, clap::Args)]
pub struct StalenessArgs {
    /// `nix-pgo --json pprof match` reports of one profile, one per program of the build.
    #[arg(value_name = "MATCH.json", required = true)]
    pub reports: Vec<PathBuf>,

    /// Fail when more than PCT percent of the profile's CPU time under the program's own
    /// functions is in functions the build no longer has.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub max_stale: Option<f64>,

    /// How to take a new profile of this build, for the message (e.g. the `nix-pgo import`
    /// command that made the profile).
    #[arg(long, value_name = "TEXT")]
    pub refresh: Option<String>,

    /// Also write the JSON verdict here.
    #[arg(short = 'o', long = "output", value_name = "OUT.json")]
    pub output: Option<PathBuf>,
}

/// `pprof match --json`'s report, as read back.
#[derive(Debug, serde::Deserialize)]
struct MatchFile {
    binary: PathBuf,
    #[serde(flatten)]
    report: MatchReport,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StalenessOutput<'a> {
    /// The program whose figures these are: the one the profile matches best.
    binary: &'a Path,
    value_type: &'a str,
    /// The profile's value under the program's own functions, and in those the binary has.
    program_value: i64,
    program_value_matched: i64,
    /// Percent of program_value in functions the binary doesn't have; null when only
    /// main.main of the program is on the profile's stacks (nothing to tell by).
    stale_percent: Option<f64>,
    max_stale: Option<f64>,
    /// The hottest of those functions, with their value.
    missing: &'a [(String, i64)],
}

fn run_staleness(global: &GlobalArgs, args: StalenessArgs) -> Result<()> {
    let mut read = Vec::new();
    for path in &args.reports {
        read.push(read_json::<MatchFile>(
            path,
            "a `nix-pgo --json pprof match` report",
        )?);
    }
    // The best-matching program, among those with functions of their own on the stacks.
    let best = read
        .iter()
        .filter_map(|m| Some((m, m.report.stale_percent()?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m)
        .or(read.first())
        .context("no match report")?;
    let report = &best.report;
    let stale = report.stale_percent();
    let output = StalenessOutput {
        binary: &best.binary,
        value_type: &report.value_type,
        program_value: report.program_value,
        program_value_matched: report.program_value_matched,
        stale_percent: stale,
        max_stale: args.max_stale,
        missing: &report.program_unmatched,
    };
    if let Some(path) = &args.output {
        write_json(path, &output)?;
    }
    if global.json {
        print_json(&output)?;
    }
    let binary = best.binary.display();
    let missing = |n: usize| {
        report
            .program_unmatched
            .iter()
            .take(n)
            .map(|(name, value)| {
                format!(
                    "{name} ({})",
                    share(100.0 * *value as f64 / report.program_value as f64)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(stale) = stale else {
        if !global.json {
            println!(
                "{binary}: of the program's own functions only main.main is on the profile's \
                 stacks: how stale the profile is can't be told"
            );
        }
        return Ok(());
    };
    if let Some(max) = args.max_stale.filter(|&max| stale > max) {
        bail!(
            "the profile is stale: {} of its {} under the program's own functions is in \
             functions {binary} no longer has (renamed or removed since the profile was \
             taken), more than maxStale {}: {}. Go's PGO can't use those samples, and every \
             build still uses the profile: {}",
            share(stale),
            report.value_type,
            share(max),
            missing(5),
            args.refresh.as_deref().unwrap_or(
                "take a new profile of this build (`nix-pgo import` from the services running it)"
            )
        );
    }
    if !global.json {
        println!(
            "{binary}: {} of the profile's {} under the program's own functions is in functions \
             it no longer has{}{}",
            share(stale),
            report.value_type,
            args.max_stale
                .map(|max| format!(" (maxStale {})", share(max)))
                .unwrap_or_default(),
            if report.program_unmatched.is_empty() {
                String::new()
            } else {
                format!(": {}", missing(5))
            }
        );
    }
    Ok(())
}
