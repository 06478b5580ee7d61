//! `nix-pgo cargo-rustflags`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::cargo_config::{config_files, settled_rustflags, Source};
use nix_pgo::output::print_json;
use nix_pgo::tool::Tool;
use serde::Serialize;
use std::path::PathBuf;

/// Print the rustflags the project's `.cargo/config.toml` files give crates
/// built for TARGET, space-separated: what cargo uses when RUSTFLAGS is unset.
///
/// Run in the directory cargo runs in. The cargo stages put these first in
/// their RUSTFLAGS, which would otherwise replace them.
#[derive(Debug, clap::Args)]
pub struct CargoRustflagsArgs {
    /// Target triple cargo builds for (`--target`).
    #[arg(long, value_name = "TRIPLE")]
    pub target: String,

    /// Absolute path of rustc, asked for the target's cfg (`target.'cfg(…)'` tables).
    #[arg(long, value_name = "PATH")]
    pub rustc: PathBuf,

    /// Directory cargo runs in (default: the current one).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct CargoRustflagsReport {
    flags: Vec<String>,
    /// `build.rustflags`, `target.<key>.rustflags` for each key, or nothing.
    from: Vec<String>,
    files: Vec<PathBuf>,
}

pub fn run(global: &GlobalArgs, args: CargoRustflagsArgs) -> Result<()> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::current_dir().context("could not read the current directory")?,
    };
    let files = config_files(&dir)?;
    if files.is_empty() {
        return report(global, Vec::new(), Vec::new(), Vec::new());
    }
    let rustc = Tool::new("rustc", &args.rustc)?;
    let (flags, source) = settled_rustflags(&files, &args.target, &rustc)?;
    let from: Vec<String> = match source {
        Source::None => Vec::new(),
        Source::Build => vec!["build.rustflags".into()],
        // TOML quotes a cfg(…) key, not a triple.
        Source::Target(keys) => keys
            .iter()
            .map(|k| match k.starts_with("cfg(") {
                true => format!("target.'{k}'.rustflags"),
                false => format!("target.{k}.rustflags"),
            })
            .collect(),
    };
    let paths: Vec<PathBuf> = files.into_iter().map(|f| f.path).collect();
    // RUSTFLAGS is split at spaces, by cargo and by this command's output.
    if let Some(flag) = flags.iter().find(|f| f.contains(char::is_whitespace)) {
        bail!(
            "the rustflag {flag:?} ({} in {}) contains whitespace, which RUSTFLAGS cannot carry, \
             and nix-pgo passes every stage's flags in RUSTFLAGS: split it into flags without \
             spaces (`-C link-args=…` into one `-Clink-arg=…` per argument)",
            from.join(", "),
            describe(&paths)
        );
    }
    if !flags.is_empty() {
        eprintln!(
            "nix-pgo: the project's Cargo configuration ({}) gives rustflags {} from {}; every \
             stage builds with them, before its own",
            describe(&paths),
            flags.join(" "),
            from.join(", ")
        );
    }
    if flags.iter().any(|f| f.ends_with("target-cpu=native")) {
        eprintln!(
            "nix-pgo: warning: target-cpu=native compiles for the builder's CPU: the binaries \
             then depend on which machine built them (and may not run on another), and a \
             binary cache or `nix build --rebuild` elsewhere can disagree. Name a CPU \
             (`-Ctarget-cpu=x86-64-v3`) for a reproducible build."
        );
    }
    report(global, flags, from, paths)
}

fn describe(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn report(
    global: &GlobalArgs,
    flags: Vec<String>,
    from: Vec<String>,
    files: Vec<PathBuf>,
) -> Result<()> {
    if global.json {
        print_json(&CargoRustflagsReport { flags, from, files })
    } else {
        println!("{}", flags.join(" "));
        Ok(())
    }
}
