//! `nix-pgo check-toolchain`: make sure rustc and the LLVM tools that handle
//! its profiles come from the same LLVM major version.
//!
//! The raw and indexed profile formats change between LLVM major versions;
//! an llvm-profdata from another major either rejects rustc's .profraw files
//! or (worse) misreads them. The mistake is easy to make: Debian's
//! /usr/bin/llvm-profdata is LLVM 14 while rustc 1.95 uses LLVM 22.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::output::print_json;
use crate::tool::Tool;

/// Check that rustc, llvm-profdata and (optionally) llvm-bolt agree on the
/// LLVM major version. All checks run before failing, so every problem is
/// reported at once.
#[derive(Debug, clap::Args)]
pub struct CheckToolchainArgs {
    /// Absolute path of the rustc that builds the program.
    #[arg(long, value_name = "PATH")]
    pub rustc: PathBuf,

    /// Absolute path of the llvm-profdata that will merge its profiles.
    #[arg(long = "llvm-profdata", value_name = "PATH")]
    pub llvm_profdata: PathBuf,

    /// Absolute path of llvm-bolt, if BOLT is used.
    #[arg(long = "llvm-bolt", value_name = "PATH")]
    pub llvm_bolt: Option<PathBuf>,

    /// Print a JSON report on stdout (also when checks fail).
    #[arg(long)]
    pub json: bool,
}

/// An LLVM version as printed by a tool, e.g. "22.1.8".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlvmVersion {
    pub full: String,
    pub major: u32,
}

#[derive(Debug, Serialize)]
struct ToolReport {
    path: PathBuf,
    /// The tool's own version: rustc's release, or the LLVM tools' version line.
    version: Option<String>,
    /// LLVM version the tool was built with / belongs to.
    llvm: Option<String>,
    llvm_major: Option<u32>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct ToolchainReport {
    rustc: ToolReport,
    llvm_profdata: ToolReport,
    llvm_bolt: Option<ToolReport>,
    ok: bool,
    problems: Vec<String>,
}

/// Find "LLVM version[:] X.Y.Z" in a tool's version output. Handles rustc
/// (`LLVM version: 22.1.2`), upstream and nixpkgs (`  LLVM version 22.1.8`)
/// and distribution builds (`Debian LLVM version 22.1.8`,
/// `Ubuntu LLVM version 18.1.3`).
pub fn parse_llvm_version(output: &str) -> Option<LlvmVersion> {
    output.lines().find_map(|line| {
        let (_, rest) = line.split_once("LLVM version")?;
        let full = rest.trim_start_matches(':').split_whitespace().next()?;
        let major = full.split(['.', '-']).next()?.parse().ok()?;
        Some(LlvmVersion {
            full: full.to_owned(),
            major,
        })
    })
}

/// The line of a version output holding the LLVM version, trimmed.
fn version_line(output: &str) -> Option<String> {
    output
        .lines()
        .find(|line| line.contains("LLVM version"))
        .map(|line| line.trim().to_owned())
}

/// rustc's own release from `rustc -vV` (`release: 1.95.0`).
fn parse_rustc_release(output: &str) -> Option<String> {
    output
        .lines()
        .find_map(|line| line.strip_prefix("release:"))
        .map(|v| v.trim().to_owned())
}

/// Run one tool's version query; a failure becomes part of the report
/// instead of stopping the other checks.
fn probe(
    name: &'static str,
    path: &Path,
    args: &[&str],
    version_of: fn(&str) -> Option<String>,
) -> (ToolReport, Option<LlvmVersion>) {
    let mut report = ToolReport {
        path: path.to_owned(),
        version: None,
        llvm: None,
        llvm_major: None,
        error: None,
    };
    let result = Tool::new(name, path).and_then(|tool| {
        let output = tool.run(args)?;
        // LLVM tools print their version on stdout, but be lenient.
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push('\n');
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        report.version = version_of(&text);
        parse_llvm_version(&text).with_context(|| {
            format!(
                "could not find an \"LLVM version\" line in the output of {name} at {}: is it \
                 really {name}? Output was:\n{}",
                path.display(),
                text.trim()
            )
        })
    });
    match result {
        Ok(version) => {
            report.llvm = Some(version.full.clone());
            report.llvm_major = Some(version.major);
            (report, Some(version))
        }
        Err(err) => {
            report.error = Some(format!("{err:#}"));
            (report, None)
        }
    }
}

pub fn run(args: CheckToolchainArgs) -> Result<()> {
    let (rustc, rustc_llvm) = probe("rustc", &args.rustc, &["-vV"], parse_rustc_release);
    // `merge --version` rather than `--version`: llvm-profdata before LLVM 15
    // rejects a top-level --version ("Unknown command!"), and we want to
    // identify exactly those old versions.
    let (profdata, profdata_llvm) = probe(
        "llvm-profdata",
        &args.llvm_profdata,
        &["merge", "--version"],
        version_line,
    );
    let bolt = args
        .llvm_bolt
        .as_deref()
        .map(|path| probe("llvm-bolt", path, &["--version"], version_line));

    let mut problems: Vec<String> = [Some(&rustc), Some(&profdata), bolt.as_ref().map(|b| &b.0)]
        .into_iter()
        .flatten()
        .filter_map(|r| r.error.clone())
        .collect();

    if let Some(rustc_llvm) = &rustc_llvm {
        if let Some(v) = profdata_llvm
            .as_ref()
            .filter(|v| v.major != rustc_llvm.major)
        {
            problems.push(format!(
                "llvm-profdata at {} is LLVM {} but rustc at {} was built with LLVM {}: profiles \
                 written by rustc cannot be read by another LLVM major version. Use llvm-profdata \
                 from LLVM {major} (Debian: apt-get install llvm-{major} → \
                 /usr/lib/llvm-{major}/bin/llvm-profdata; nixpkgs: rustc.llvmPackages.llvm)",
                args.llvm_profdata.display(),
                v.full,
                args.rustc.display(),
                rustc_llvm.full,
                major = rustc_llvm.major,
            ));
        }
        if let Some((path, v)) = args
            .llvm_bolt
            .as_ref()
            .zip(bolt.as_ref().and_then(|b| b.1.as_ref()))
            .filter(|(_, v)| v.major != rustc_llvm.major)
        {
            problems.push(format!(
                "llvm-bolt at {} is LLVM {} but rustc at {} was built with LLVM {}: nix-pgo only \
                 supports BOLT from rustc's LLVM major version, as another BOLT may not \
                 understand the code and debug info that LLVM emits. Use llvm-bolt from LLVM \
                 {major} (Debian: apt-get install bolt-{major} → /usr/lib/llvm-{major}/bin/llvm-bolt; \
                 nixpkgs: llvmPackages_{major}.bolt)",
                path.display(),
                v.full,
                args.rustc.display(),
                rustc_llvm.full,
                major = rustc_llvm.major,
            ));
        }
    }

    let report = ToolchainReport {
        ok: problems.is_empty(),
        problems,
        rustc,
        llvm_profdata: profdata,
        llvm_bolt: bolt.map(|b| b.0),
    };
    if args.json {
        print_json(&report)?;
    } else if report.ok {
        let describe = |r: &ToolReport| {
            format!(
                "{} (LLVM {})",
                r.path.display(),
                r.llvm.as_deref().unwrap_or("?")
            )
        };
        println!("rustc:         {}", describe(&report.rustc));
        println!("llvm-profdata: {}", describe(&report.llvm_profdata));
        if let Some(bolt) = &report.llvm_bolt {
            println!("llvm-bolt:     {}", describe(bolt));
        }
        println!("toolchain OK: all tools use the same LLVM major version");
    }
    if !report.ok {
        bail!(
            "the toolchain check found {} problem(s):\n  - {}",
            report.problems.len(),
            report.problems.join("\n  - ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn major(text: &str) -> Option<(String, u32)> {
        parse_llvm_version(text).map(|v| (v.full, v.major))
    }

    #[test]
    fn parses_version_outputs() {
        let rustc = "rustc 1.95.0 (59807616e 2026-04-14)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\nLLVM version: 22.1.2\n";
        assert_eq!(major(rustc), Some(("22.1.2".into(), 22)));
        assert_eq!(parse_rustc_release(rustc).as_deref(), Some("1.95.0"));

        let debian = "Debian LLVM version 22.1.8\n  Optimized build.\n";
        assert_eq!(major(debian), Some(("22.1.8".into(), 22)));
        assert_eq!(
            version_line(debian).as_deref(),
            Some("Debian LLVM version 22.1.8")
        );

        let debian14 = "Debian LLVM version 14.0.6\n  Optimized build.\n  Default target: x86_64-pc-linux-gnu\n";
        assert_eq!(major(debian14), Some(("14.0.6".into(), 14)));

        let upstream = "LLVM (http://llvm.org/):\n  LLVM version 22.1.8\n  Optimized build.\n";
        assert_eq!(major(upstream), Some(("22.1.8".into(), 22)));

        let bolt = "Debian LLVM version 22.1.8\n  Optimized build.\nBOLT revision <unknown>\n\n  Registered Targets:\n    x86-64 - 64-bit X86\n";
        assert_eq!(major(bolt), Some(("22.1.8".into(), 22)));

        let suffixed = "LLVM version: 22.1.2-rust-1.95.0-stable\n";
        assert_eq!(major(suffixed).map(|v| v.1), Some(22));

        assert_eq!(major("llvm-profdata: Unknown command!\n"), None);
        assert_eq!(major("LLVM version: banana\n"), None);
    }
}
