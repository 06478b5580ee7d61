//! `nix-pgo check-toolchain`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Result};
use nix_pgo::output::print_json;
use nix_pgo::toolchain::{parse_rustc_release, probe, version_line, ToolReport, ToolchainReport};
use std::path::PathBuf;

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
}

pub fn run(global: &GlobalArgs, args: CheckToolchainArgs) -> Result<()> {
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
    if global.json {
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
