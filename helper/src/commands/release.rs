//! `nix-pgo release`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::output::{read_json, to_json};
use nix_pgo::release::{self, Spec, PROVENANCE_FILE};
use nix_pgo::tool::Tool;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Write a release archive: the shipped binaries, provenance.json (the
/// profile, workloads, toolchain, source, flags, baseline and evaluation they
/// come from) and SHA256SUMS, as a deterministic .tar.gz. Called by the
/// release stage (nix/stages/release/).
#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// The release's inputs (store paths and settings), as the release stage
    /// writes them.
    #[arg(long, value_name = "FILE")]
    pub spec: PathBuf,

    /// Directory to write `<pname>-<version>-<system>.tar.gz` into.
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
}

pub fn run(_global: &GlobalArgs, args: ReleaseArgs) -> Result<()> {
    let spec: Spec = read_json(&args.spec, "a release specification")?;
    // Tool names are static: the two compilers a release can come from.
    let name = match spec.compiler.name.as_str() {
        "rustc" => "rustc",
        "go" => "go",
        other => bail!(
            "unknown compiler '{other}' in the release specification {} (expected rustc or go)",
            args.spec.display()
        ),
    };
    let compiler = Tool::new(name, &spec.compiler.path)?;
    let version = String::from_utf8(compiler.run(&spec.compiler.version_args)?.stdout)
        .with_context(|| {
            format!(
                "{} {} printed something that is not UTF-8",
                spec.compiler.name,
                spec.compiler.version_args.join(" ")
            )
        })?;
    let (provenance, binaries) = release::provenance(&spec, &version)?;
    let mut files: BTreeMap<String, Vec<u8>> = binaries
        .into_iter()
        .map(|(hash, data)| (hash.path, data))
        .collect();
    files.insert(
        PROVENANCE_FILE.to_owned(),
        to_json(&provenance, "provenance.json")?.into_bytes(),
    );
    let top = release::archive_name(&spec);
    let out = args.out_dir.join(format!("{top}.tar.gz"));
    release::write_archive(&out, &top, &files)?;
    println!("{}", out.display());
    Ok(())
}
