//! Command-line surface. Each subcommand's arguments live next to its
//! implementation; this file only ties them together.

use clap::{Parser, Subcommand};

use crate::{canonicalize, coverage, fingerprint, merge, toolchain};

/// Helper for nix-pgo: merge, fingerprint and check LLVM PGO profiles of
/// Rust programs. Meant to be called from Nix builds, with every external
/// tool given by absolute path.
#[derive(Debug, Parser)]
#[command(name = "nix-pgo", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Merge raw (.profraw) and indexed (.profdata) profiles into one indexed profile.
    Merge(merge::MergeArgs),
    /// Print a content fingerprint of a profile, independent of record order.
    Fingerprint(fingerprint::FingerprintArgs),
    /// Rewrite a profile in canonical form, optionally quantizing its counts.
    Canonicalize(canonicalize::CanonicalizeArgs),
    /// Check that rustc and the LLVM tools share one LLVM major version.
    CheckToolchain(toolchain::CheckToolchainArgs),
    /// Count functions the PGO-optimized build compiled without profile data.
    Coverage(coverage::CoverageArgs),
}
