//! `nix-pgo import`: the continuous-profiling loop's pull.

use std::collections::BTreeSet;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::Value;

use crate::commands::GlobalArgs;
use nix_pgo::date::{format_utc, parse_date, today};
use nix_pgo::import::{
    now_ms, parse_source, refuse_repeated_sources, Client, Kind, PyroscopeQuery, Source,
};
use nix_pgo::lock::{update, write_if_changed, Change, LockEntry, LockFile};
use nix_pgo::output::{print_json, write_json};
use nix_pgo::pprof::merge::{canonical, has_samples, merge, write_merged, Input};
use nix_pgo::pprof::show::Summary;
use nix_pgo::pprof::symbols::read_binary;
use nix_pgo::pprof::{self, Profile};
use nix_pgo::store::{self, DEFAULT_STORE_DIR};

/// Pull CPU profiles from running services and merge them into one
/// canonical profile (Go's default.pgo), with its provenance and, if asked,
/// its lock entry.
///
/// Every source is profiled in every window; windows are consecutive. A Go
/// service (net/http/pprof) is profiled live for --seconds per window, all
/// sources at once; a Pyroscope server is asked for the stored profiles of
/// the last --windows × --seconds seconds, one window at a time.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A service to profile: `http://HOST:PORT` (its /debug/pprof/profile),
    /// a full net/http/pprof profile URL, or `pyroscope+http://HOST:PORT`
    /// (a Grafana Pyroscope server); or `file:PATH`, a CPU profile already
    /// on disk (read once, whatever the windows); `=N` at the end weighs its
    /// profiles N times. Repeatable.
    #[arg(long = "source", value_name = "URL[=WEIGHT]", value_parser = parse_source, required = true)]
    pub sources: Vec<Source>,

    /// Length of each window, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub seconds: u64,

    /// How many consecutive windows to pull from every source.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub windows: u64,

    /// The merged profile to write.
    #[arg(long, value_name = "FILE", default_value = "default.pgo")]
    pub output: PathBuf,

    /// Where to write the provenance JSON (default: OUTPUT.provenance.json).
    #[arg(long, value_name = "FILE")]
    pub provenance: Option<PathBuf>,

    /// Also record the profile in this lock file (needs --name and --toolchain).
    #[arg(long, value_name = "FILE", requires_all = ["name", "toolchain"])]
    pub lock: Option<PathBuf>,

    /// The package (pname) the profile is for, in the lock.
    #[arg(long, value_name = "PNAME")]
    pub name: Option<String>,

    /// The Go toolchain id of the lock entry (as the package's build uses it).
    #[arg(long, value_name = "ID")]
    pub toolchain: Option<String>,

    /// The store path name of the locked profile (default: PNAME-pgo-profile,
    /// as buildGoPgoPackage names it).
    #[arg(long, value_name = "STORE_NAME")]
    pub store_name: Option<String>,

    /// The build ID the profiled service should be running (as in the
    /// profile's main mapping: the GNU build ID note, hex); a warning when
    /// the samples came from another build.
    #[arg(long, value_name = "ID", conflicts_with = "binary")]
    pub expect_build_id: Option<String>,

    /// Take the expected build ID from this binary (e.g. the build you are
    /// about to replace).
    #[arg(long, value_name = "BIN")]
    pub binary: Option<PathBuf>,

    /// Let the import go on when up to N live sources fail (a refused
    /// connection, a timeout, an HTTP error, an answer that is no profile, a
    /// profile without samples: any pull of theirs), merging the pulls that
    /// came; the provenance records each failed pull. Default 0: the sources
    /// of a window are all tried, and a failed pull fails the import after
    /// that window, naming every one that failed. A file that can't be read
    /// always fails it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub allow_failed_sources: usize,

    /// Seconds each request may take beyond its window.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(0..=86_400))]
    pub timeout: u64,

    /// Pyroscope: the profile type to ask for.
    #[arg(
        long,
        value_name = "ID",
        default_value = "process_cpu:cpu:nanoseconds:cpu:nanoseconds"
    )]
    pub pyroscope_profile_type: String,

    /// Pyroscope: the series to merge, e.g. '{service_name="checkout"}'.
    #[arg(long, value_name = "SELECTOR", default_value = "{}")]
    pub pyroscope_selector: String,

    /// Pyroscope: the tenant (X-Scope-OrgID) of a multi-tenant server.
    #[arg(long, value_name = "ORG")]
    pub tenant: Option<String>,

    /// The day to record in the lock when the fingerprint changes (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<String>,

    /// Store directory the lock's store path is computed for.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_STORE_DIR)]
    pub store_dir: String,
}

/// One profile pulled from one source in one window.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Pull {
    source: usize,
    window: u64,
    url: String,
    start: String,
    end: String,
    /// Samples (stacks) in the profile as pulled, and their total value.
    samples: usize,
    total_value: i64,
    value_type: String,
    /// The build ID of the profile's main mapping: the binary the samples came from.
    build_id: Option<String>,
    binary: Option<String>,
    /// A file's: the provenance of the import it came from, where its samples came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<Value>,
    #[serde(skip)]
    profile: Profile,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Provenance<'a> {
    output: &'a Path,
    #[serde(flatten)]
    summary: &'a Summary,
    /// The windows of the live sources; absent when every source is a file
    /// (a file's pull has its own start and end).
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    windows: Option<u64>,
    sources: &'a [Source],
    #[serde(skip_serializing_if = "Option::is_none")]
    pyroscope: Option<&'a PyroscopeQuery>,
    pulls: &'a [Pull],
    /// The pulls that failed (with --allow-failed-sources): not in the profile.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    failed: &'a [FailedPull],
    #[serde(skip_serializing_if = "is_zero")]
    allow_failed_sources: usize,
    /// The distinct build IDs the samples came from.
    build_ids: Vec<String>,
    expected_build_id: Option<String>,
    warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lock: Option<LockReport<'a>>,
}

/// A pull that failed: which source, which window, why.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FailedPull {
    source: usize,
    window: u64,
    url: String,
    /// The error and its causes, as printed.
    error: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LockReport<'a> {
    file: &'a Path,
    package: &'a str,
    toolchain: &'a str,
    change: Change,
    entry: LockEntry,
}

pub fn run(global: &GlobalArgs, args: ImportArgs) -> Result<()> {
    refuse_repeated_sources(&args.sources)?;
    // A lock we cannot read stops us before minutes of profiling.
    let lock = match &args.lock {
        Some(path) if path.exists() => Some(LockFile::load(path)?),
        Some(_) => Some(LockFile::new()),
        None => None,
    };
    if let Some(name) = &args.name {
        store::check_name(
            &args
                .store_name
                .clone()
                .unwrap_or_else(|| format!("{name}-pgo-profile")),
        )
        .context("invalid store name (--store-name, or --name's PNAME-pgo-profile)")?;
    }
    // The two Rust toolchains nix-pgo ships name their ids so (`id` in
    // nix/toolchain/host.nix and nixpkgs.nix); a toolchain described with mkLib
    // chooses its own, and a wrong one fails later, when the build checks the lock.
    if let Some(id) = args
        .toolchain
        .as_deref()
        .filter(|id| id.starts_with("host-rust-") || id.starts_with("nixpkgs-rust-"))
    {
        bail!(
            "--toolchain {id} is a Rust toolchain's id, and a Go profile is locked for the Go \
             toolchain that builds the package: pass its id (`nix eval --impure --raw \
             .#<package>.toolchainId` of the Go package)"
        );
    }
    // Where the results go, made ready before minutes of profiling: missing directories
    // are created (as update-profile does), and a directory where a file goes is refused.
    let provenance_path = args
        .provenance
        .clone()
        .unwrap_or_else(|| provenance_beside(&args.output));
    for (path, option) in [
        (Some(&args.output), "--output"),
        (Some(&provenance_path), "--provenance"),
        (args.lock.as_ref(), "--lock"),
    ] {
        if let Some(path) = path {
            prepare_output(path, option)?;
        }
    }
    if let Some(id) = args
        .expect_build_id
        .as_deref()
        .filter(|id| id.contains('/'))
    {
        bail!(
            "--expect-build-id {id} is Go's build ID (`go tool buildid`), and a profile records \
             the ELF GNU build ID (`file BIN`, `readelf -n BIN`): give that, or --binary BIN"
        );
    }
    let expected = match (&args.expect_build_id, &args.binary) {
        (Some(id), _) => Some(id.clone()),
        (None, Some(bin)) => Some(read_binary(bin)?.gnu_build_id.with_context(|| {
            format!("{} has no GNU build ID note to compare with", bin.display())
        })?),
        (None, None) => None,
    };
    let query = PyroscopeQuery {
        profile_type: args.pyroscope_profile_type.clone(),
        label_selector: args.pyroscope_selector.clone(),
        tenant: args.tenant.clone(),
    };
    let client = Client::new(Duration::from_secs(args.seconds + args.timeout));

    let mut warnings = Vec::new();
    let (pulls, failed) = pull_all(&args, &client, &query, &mut warnings)?;
    // (A file is read once, whatever --windows: its name is its path.)
    let names: Vec<String> = pulls
        .iter()
        .map(|p| match args.sources[p.source].kind {
            Kind::File => p.url.clone(),
            Kind::NetHttpPprof | Kind::Pyroscope => format!("{} (window {})", p.url, p.window + 1),
        })
        .collect();
    let inputs: Vec<Input> = pulls
        .iter()
        .zip(&names)
        .map(|(p, name)| Input {
            name,
            profile: &p.profile,
            weight: args.sources[p.source].weight,
        })
        .collect();
    let merged = merge(&inputs).context("could not merge the pulled profiles")?;
    let summary = write_merged(&merged, &args.output, None)?;

    let build_ids: BTreeSet<String> = pulls.iter().filter_map(|p| p.build_id.clone()).collect();
    if build_ids.len() > 1 {
        warnings.push(format!(
            "the sources run {} different builds ({}): the profile mixes them",
            build_ids.len(),
            build_ids.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(expected) = &expected {
        // One warning per other build, naming the sources that run it.
        let mut others: std::collections::BTreeMap<&str, BTreeSet<&str>> = Default::default();
        // A profile without a build ID (nix-pgo's canonical form drops it: a
        // default.pgo imported again) has nothing to compare.
        for p in pulls
            .iter()
            .filter(|p| p.build_id.as_ref().is_some_and(|id| id != expected))
        {
            let id = p.build_id.as_deref().unwrap_or_default();
            others
                .entry(id)
                .or_default()
                .insert(&args.sources[p.source].url);
        }
        for (id, urls) in others {
            warnings.push(format!(
                "{} run{} build {id}, not the expected {expected}{}: the profile describes another \
                 build than the one it is for; it still helps while the code is close (check with \
                 `nix-pgo pprof match --profile {} --binary BIN`)",
                urls.iter().copied().collect::<Vec<_>>().join(", "),
                if urls.len() == 1 { "s" } else { "" },
                args.binary
                    .as_ref()
                    .map(|b| format!(" ({})", b.display()))
                    .unwrap_or_default(),
                args.output.display()
            ));
        }
    }
    for w in &warnings {
        eprintln!("nix-pgo: warning: {w}");
    }

    let lock_report = match (lock, &args.lock) {
        (Some(mut lock), Some(path)) => {
            Some(write_lock(&args, &mut lock, path, &merged, &summary)?)
        }
        _ => None,
    };
    let live = args.sources.iter().filter(|s| s.kind != Kind::File).count();
    let files = args.sources.len() - live;
    let provenance = Provenance {
        output: &args.output,
        summary: &summary,
        seconds: (live > 0).then_some(args.seconds),
        windows: (live > 0).then_some(args.windows),
        sources: &args.sources,
        pyroscope: args
            .sources
            .iter()
            .any(|s| s.kind == Kind::Pyroscope)
            .then_some(&query),
        pulls: &pulls,
        failed: &failed,
        allow_failed_sources: args.allow_failed_sources,
        build_ids: build_ids.into_iter().collect(),
        expected_build_id: expected,
        warnings,
        lock: lock_report,
    };
    // Re-locking a profile as it is (`--source file:default.pgo`, what a build without a
    // lock suggests) must not replace the provenance of the import it came from, which
    // describes the same samples.
    let kept = live == 0 && describes(&provenance_path, &summary.fingerprint);
    if kept {
        eprintln!(
            "nix-pgo: kept {}: it describes this profile (fingerprint {}), the import it came from",
            provenance_path.display(),
            summary.fingerprint
        );
    } else {
        write_json(&provenance_path, &provenance)?;
    }
    if global.json {
        return print_json(&provenance);
    }
    // Windows are the live sources' only: a file is read once.
    let mut from = Vec::new();
    if live > 0 {
        from.push(format!(
            "{live} live source(s) × {} window(s) of {}s",
            args.windows, args.seconds
        ));
    }
    if files > 0 {
        from.push(format!("{files} file(s)"));
    }
    if !failed.is_empty() {
        // (Beside the warnings above: the summary's counts are the sources asked for.)
        from.push(format!(
            "{} failed pull(s) left out (--allow-failed-sources {})",
            failed.len(),
            args.allow_failed_sources
        ));
    }
    println!(
        "{}: {} profile(s) from {}: {}, {} {}, fingerprint {}",
        args.output.display(),
        pulls.len(),
        from.join(" and "),
        summary.samples_and_stacks(),
        summary.total_value,
        summary.value_type,
        summary.fingerprint
    );
    if !kept {
        println!("provenance: {}", provenance_path.display());
    }
    if let Some(l) = &provenance.lock {
        let what = match l.change {
            Change::Added => "added",
            Change::FingerprintChanged => "profile data changed",
            Change::Updated => "same profile data, metadata updated",
            Change::Unchanged => "unchanged",
        };
        println!(
            "{}: {} ({}): {what}; {} {}",
            l.file.display(),
            l.package,
            l.toolchain,
            l.entry.store_path,
            l.entry.nar_hash
        );
    }
    Ok(())
}

/// Makes `path`'s directory if missing; refuses a `path` that is a directory.
fn prepare_output(path: &Path, option: &str) -> Result<()> {
    if path.is_dir() {
        bail!(
            "{option} {} is a directory: give the file to write (e.g. {}/default.pgo)",
            path.display(),
            path.display()
        );
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => fs::create_dir_all(dir)
            .with_context(|| format!("could not create {} for {option}", dir.display())),
        _ => Ok(()),
    }
}

/// Every source in every window: the pulls that came, and (within
/// --allow-failed-sources) those that failed. Files are read first, so that one that
/// can't be read fails the import before minutes of profiling; their pulls still come
/// after the live ones'.
fn pull_all(
    args: &ImportArgs,
    client: &Client,
    query: &PyroscopeQuery,
    warnings: &mut Vec<String>,
) -> Result<(Vec<Pull>, Vec<FailedPull>)> {
    let files = read_files(args, warnings)?;
    let window_ms = (args.seconds * 1000) as i64;
    let history_end = now_ms();
    let history_start = history_end - window_ms * args.windows as i64;
    let mut pulls = Vec::new();
    let mut failures: Vec<(usize, u64, anyhow::Error)> = Vec::new();
    let live = args.sources.iter().filter(|s| s.kind != Kind::File).count();
    // Progress, for a person waiting at a terminal (a window is 30 s by default).
    let progress = live > 0 && std::io::stderr().is_terminal();
    for window in 0..args.windows {
        if progress {
            eprintln!(
                "nix-pgo: window {} of {}: {} {} source(s), {} s",
                window + 1,
                args.windows,
                if args.sources.iter().any(|s| s.kind == Kind::Pyroscope) {
                    "pulling"
                } else {
                    "profiling"
                },
                live,
                args.seconds
            );
        }
        // The live sources are profiled together, over the same seconds.
        let results: Vec<(usize, Result<Pull>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = args
                .sources
                .iter()
                .enumerate()
                .filter(|(_, source)| source.kind != Kind::File)
                .map(|(i, source)| {
                    let handle = scope.spawn(move || {
                        let (start, end, pulled) = match source.kind {
                            Kind::NetHttpPprof => {
                                let start = now_ms();
                                let pulled = client.pull_pprof(source, args.seconds);
                                (start, now_ms(), pulled)
                            }
                            Kind::Pyroscope => {
                                let start = history_start + window_ms * window as i64;
                                let end = start + window_ms;
                                (start, end, client.pull_pyroscope(source, query, start, end))
                            }
                            Kind::File => unreachable!("files are read once, before"),
                        };
                        let context = || {
                            format!(
                                "source {} ({}), window {} of {}",
                                i + 1,
                                source.url,
                                window + 1,
                                args.windows
                            )
                        };
                        let (url, profile) = pulled.with_context(context)?;
                        // An idle instance is a failed pull of its source (the merge would
                        // refuse it too): --allow-failed-sources may leave it out.
                        if !has_samples(&profile) {
                            return Err(anyhow::anyhow!(
                                "{url} has no samples: the program did not run on the CPU while \
                                 it was profiled (an idle service, or too short a window: \
                                 --seconds)"
                            )
                            .context(context()));
                        }
                        Ok(describe(i, window, url, start, end, profile))
                    });
                    (i, handle)
                })
                .collect();
            handles
                .into_iter()
                .map(|(i, h)| {
                    (
                        i,
                        h.join()
                            .unwrap_or_else(|_| Err(anyhow::anyhow!("a pull panicked"))),
                    )
                })
                .collect()
        });
        for (i, result) in results {
            match result {
                Ok(pull) => pulls.push(pull),
                Err(e) => failures.push((i, window, e)),
            }
        }
        // Every source of this window was tried; once more sources failed than allowed,
        // the import can't succeed, and the windows left would only make the user wait.
        if failed_sources(&failures).len() > args.allow_failed_sources {
            break;
        }
    }
    let failed = failed_sources(&failures);
    if !failures.is_empty()
        && (failed.len() > args.allow_failed_sources || (pulls.is_empty() && files.is_empty()))
    {
        return Err(failures_error(args, failures, live));
    }
    // Allowed: each failed source is said, and what it took from the profile.
    for &i in &failed {
        let of_source: Vec<_> = failures.iter().filter(|(s, _, _)| *s == i).collect();
        let windows = of_source
            .iter()
            .map(|(_, w, _)| (w + 1).to_string())
            .collect::<Vec<_>>();
        // (The error's own context names the source and window again.)
        let cause = of_source[0]
            .2
            .chain()
            .skip(1)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(": ");
        warnings.push(format!(
            "source {} ({}) failed in {} (--allow-failed-sources {}): {}; the provenance's \
             `failed` has each error. The first: {cause}",
            i + 1,
            args.sources[i].url,
            if windows.len() as u64 == args.windows {
                format!("every window ({} of {})", windows.len(), args.windows)
            } else {
                format!("window(s) {} of {}", windows.join(", "), args.windows)
            },
            args.allow_failed_sources,
            if windows.len() as u64 == args.windows {
                "none of its samples are in the profile"
            } else {
                "the profile has its other windows"
            },
        ));
    }
    pulls.extend(files);
    let failed = failures
        .into_iter()
        .map(|(source, window, error)| FailedPull {
            source,
            window,
            url: args.sources[source].url.clone(),
            error: format!("{error:#}"),
        })
        .collect();
    Ok((pulls, failed))
}

/// The sources (indices) with a failed pull.
fn failed_sources(failures: &[(usize, u64, anyhow::Error)]) -> BTreeSet<usize> {
    failures.iter().map(|(i, _, _)| *i).collect()
}

/// Why the import stops: every pull that failed, and, when other sources came, how to go
/// on without the failed ones. One failure with nothing to go on without is its own error.
fn failures_error(
    args: &ImportArgs,
    mut failures: Vec<(usize, u64, anyhow::Error)>,
    live: usize,
) -> anyhow::Error {
    let failed = failed_sources(&failures);
    // Some source came through: the flag would write a profile from it.
    let others = failed.len() < live || args.sources.len() > live;
    if failures.len() == 1 && !others {
        return failures.remove(0).2;
    }
    let list = failures
        .iter()
        .map(|(_, _, e)| format!("\n  {e:#}"))
        .collect::<String>();
    let hint = if others {
        format!(
            "\nStart or fix {}, drop {} from the sources, or let the import write a profile \
             without {}: --allow-failed-sources {} (the provenance records each failed pull)",
            if failed.len() == 1 {
                "that service"
            } else {
                "those services"
            },
            if failed.len() == 1 { "it" } else { "them" },
            if failed.len() == 1 { "it" } else { "them" },
            failed.len()
        )
    } else {
        String::new()
    };
    anyhow::anyhow!(
        "{} of {} live source(s) failed ({} pull(s)), more than --allow-failed-sources {}, so \
         nothing was written:{list}{hint}",
        failed.len(),
        live,
        failures.len(),
        args.allow_failed_sources
    )
}

/// The file sources, read once whatever --windows, dated by the profile's own time and
/// duration (Go's runtime/pprof writes both), else by the file's modification time.
fn read_files(args: &ImportArgs, warnings: &mut Vec<String>) -> Result<Vec<Pull>> {
    let mut pulls = Vec::new();
    for (i, source) in args.sources.iter().enumerate() {
        if source.kind != Kind::File {
            continue;
        }
        let path = Path::new(&source.url);
        let what = || format!("source {} (file {})", i + 1, path.display());
        let profile = pprof::read(path).with_context(what)?;
        let (start, end) = if profile.time_nanos > 0 {
            let start = profile.time_nanos / 1_000_000;
            (
                start,
                start.saturating_add(profile.duration_nanos.max(0) / 1_000_000),
            )
        } else {
            let modified = fs::metadata(path)
                .and_then(|m| m.modified())
                .with_context(what)?;
            let ms = modified
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64);
            (ms, ms)
        };
        let mut pull = describe(i, 0, source.url.clone(), start, end, profile);
        match earlier_import(path, &pull.profile) {
            Ok(Some(from)) => {
                // Dated by the pulls its samples came from, not the file.
                if let Some((start, end)) = span(&from) {
                    (pull.start, pull.end) = (start, end);
                }
                pull.from = Some(from);
            }
            Ok(None) => {}
            Err(warning) => warnings.push(warning),
        }
        pulls.push(pull);
    }
    Ok(pulls)
}

fn describe(
    source: usize,
    window: u64,
    url: String,
    start_ms: i64,
    end_ms: i64,
    profile: Profile,
) -> Pull {
    let index = pprof::show::value_index(&profile);
    let main = profile.mapping.first();
    Pull {
        source,
        window,
        url,
        start: format_utc((start_ms / 1000).max(0) as u64),
        end: format_utc((end_ms / 1000).max(0) as u64),
        samples: profile.sample.len(),
        total_value: profile
            .sample
            .iter()
            .filter_map(|s| s.value.get(index))
            .fold(0i64, |a, v| a.saturating_add(*v)),
        value_type: pprof::sample_types(&profile)
            .get(index)
            .cloned()
            .unwrap_or_default(),
        build_id: main
            .filter(|m| m.build_id != 0)
            .map(|m| pprof::string(&profile, m.build_id).to_owned()),
        binary: main.map(|m| pprof::string(&profile, m.filename).to_owned()),
        from: None,
        profile,
    }
}

/// Lock the profile as the Go profile derivation's output would hold it:
/// `<pname>.pgo` and `nix-support/profile.json`, hashed as a NAR.
fn write_lock<'a>(
    args: &'a ImportArgs,
    lock: &mut LockFile,
    path: &'a Path,
    merged: &Profile,
    summary: &Summary,
) -> Result<LockReport<'a>> {
    let (Some(pname), Some(toolchain)) = (args.name.as_deref(), args.toolchain.as_deref()) else {
        bail!("--lock needs --name PNAME and --toolchain ID");
    };
    let store_name = args
        .store_name
        .clone()
        .unwrap_or_else(|| format!("{pname}-pgo-profile"));
    let dir = std::env::temp_dir().join(format!("nix-pgo-import-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("nix-support"))
        .with_context(|| format!("could not create {}", dir.display()))?;
    let result = (|| {
        pprof::write(&dir.join(format!("{pname}.pgo")), merged)?;
        write_json(&dir.join("nix-support/profile.json"), summary)?;
        store::nar_hash(&dir)
    })();
    let _ = fs::remove_dir_all(&dir);
    let nar = result?;
    let entry = LockEntry {
        fingerprint: summary.fingerprint.clone(),
        fingerprint_algorithm: pprof::ALGORITHM.to_owned(),
        nar_hash: nar.sri(),
        store_path: store::fixed_output_path(&args.store_dir, &store_name, &nar.sha256)?,
        name: store_name,
        workloads: Default::default(),
        fingerprint_changed: match &args.date {
            Some(date) => date.clone(),
            None => today()?,
        },
        // Go programs have no BOLT stages.
        bolt: None,
        // An imported profile's variants have not been evaluated yet.
        choice: None,
        // Production's samples, not training workloads'.
        training_sources: Default::default(),
    };
    let change = update(lock, pname, toolchain, entry, None);
    write_if_changed(path, &lock.to_json()?)?;
    Ok(LockReport {
        file: path,
        package: pname,
        toolchain,
        change,
        entry: lock.profiles[pname][toolchain].clone(),
    })
}

/// Where import writes the provenance of `profile` unless told (--provenance).
fn provenance_beside(profile: &Path) -> PathBuf {
    let mut p = profile.to_owned().into_os_string();
    p.push(".provenance.json");
    PathBuf::from(p)
}

/// The provenance at `path` (an import's JSON), if there is one.
fn read_provenance(path: &Path) -> Option<Value> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

/// The fingerprint of the profile a provenance describes (the one readers check:
/// buildGoPgoPackage, the release).
fn fingerprint_of(provenance: &Value) -> Option<&str> {
    provenance.get("fingerprint")?.as_str()
}

/// Whether the provenance file at `path` describes the profile with `fingerprint`.
fn describes(path: &Path, fingerprint: &str) -> bool {
    read_provenance(path).is_some_and(|p| fingerprint_of(&p) == Some(fingerprint))
}

/// The provenance of the import a file source came from: the one beside it (import's
/// default place), when it describes the file's profile (the same fingerprint), less its
/// lock report, which is this import's to make. A default.pgo imported again with new
/// windows keeps on record the pulls its samples came from. Err: a warning, when the
/// provenance there describes another profile.
fn earlier_import(path: &Path, profile: &Profile) -> Result<Option<Value>, String> {
    let provenance_path = provenance_beside(path);
    if !provenance_path.exists() {
        return Ok(None);
    }
    // (A profile that can't be made canonical is refused by the merge, which names why.)
    let Ok(canonical) = canonical(&path.display().to_string(), profile) else {
        return Ok(None);
    };
    let fingerprint = pprof::fingerprint(&canonical);
    let mut provenance = read_provenance(&provenance_path);
    match provenance.as_ref().map(fingerprint_of) {
        Some(Some(f)) if f == fingerprint => {}
        described => {
            let (what, why) = match described {
                Some(Some(f)) => (
                    format!(
                        "describes another profile (fingerprint {f}) than {} ({fingerprint})",
                        path.display()
                    ),
                    " (is it left from an earlier import?)",
                ),
                _ => ("is no import provenance (no fingerprint)".to_owned(), ""),
            };
            return Err(format!(
                "{} {what}: where {}'s samples came from is not on record in this \
                 provenance{why}",
                provenance_path.display(),
                path.display()
            ));
        }
    }
    if let Some(Value::Object(fields)) = &mut provenance {
        fields.remove("lock");
    }
    Ok(provenance)
}

/// The first start and last end of a provenance's pulls (UTC times, which sort as text).
fn span(provenance: &Value) -> Option<(String, String)> {
    let pulls = provenance.get("pulls")?.as_array()?;
    let times = |key: &'static str| pulls.iter().filter_map(move |p| p.get(key)?.as_str());
    Some((
        times("start").min()?.to_owned(),
        times("end").max()?.to_owned(),
    ))
}
