//! `nix-pgo verify-release`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::output::print_json;
use nix_pgo::release;
use std::path::PathBuf;

/// Check a release archive (`nix build .#release`): every file's hash against
/// its SHA256SUMS, and that provenance.json describes exactly the binaries in
/// it. Fails naming every mismatch.
#[derive(Debug, clap::Args)]
pub struct VerifyReleaseArgs {
    /// The release archive (`<pname>-<version>-<system>.tar.gz`).
    #[arg(value_name = "ARCHIVE")]
    pub archive: PathBuf,
}

pub fn run(global: &GlobalArgs, args: VerifyReleaseArgs) -> Result<()> {
    let verified = release::verify(&args.archive)?;
    if global.json {
        return print_json(&verified);
    }
    let profile = if verified.profiled {
        format!(
            "profile fingerprint {}",
            verified.profile_fingerprint.as_deref().unwrap_or("unknown")
        )
    } else {
        "built without a profile".to_owned()
    };
    println!(
        "{}: OK ({}/, variant {}, {profile})",
        verified.archive.display(),
        verified.top,
        verified.shipped_variant,
    );
    for file in &verified.files {
        println!(
            "  {}  sha256 {}  {} bytes",
            file.path, file.sha256, file.size
        );
    }
    Ok(())
}
