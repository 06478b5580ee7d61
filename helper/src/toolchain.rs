//! `nix-pgo check-toolchain`: make sure rustc and the LLVM tools that handle
//! its profiles come from the same LLVM major version.
//!
//! The raw and indexed profile formats change between LLVM major versions;
//! an llvm-profdata from another major either rejects rustc's .profraw files
//! or (worse) misreads them. The mistake is easy to make: Debian's
//! /usr/bin/llvm-profdata is LLVM 14 while rustc 1.95 uses LLVM 22.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;

use crate::tool::Tool;

/// An LLVM version as printed by a tool, e.g. "22.1.8".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlvmVersion {
    pub full: String,
    pub major: u32,
}

#[derive(Debug, Serialize)]
pub struct ToolReport {
    pub path: PathBuf,
    /// The tool's own version: rustc's release, or the LLVM tools' version line.
    pub version: Option<String>,
    /// LLVM version the tool was built with / belongs to.
    pub llvm: Option<String>,
    pub llvm_major: Option<u32>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ToolchainReport {
    pub rustc: ToolReport,
    pub llvm_profdata: ToolReport,
    pub llvm_bolt: Option<ToolReport>,
    pub ok: bool,
    pub problems: Vec<String>,
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
pub fn version_line(output: &str) -> Option<String> {
    output
        .lines()
        .find(|line| line.contains("LLVM version"))
        .map(|line| line.trim().to_owned())
}

/// rustc's own release from `rustc -vV` (`release: 1.95.0`).
pub fn parse_rustc_release(output: &str) -> Option<String> {
    output
        .lines()
        .find_map(|line| line.strip_prefix("release:"))
        .map(|v| v.trim().to_owned())
}

/// Run one tool's version query; a failure becomes part of the report
/// instead of stopping the other checks.
pub fn probe(
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
