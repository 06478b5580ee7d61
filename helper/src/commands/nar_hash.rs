//! `nix-pgo nar-hash`.

use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::output::print_json;
use nix_pgo::store::nar_hash;
use serde::Serialize;
use std::path::PathBuf;

/// Print the NAR hash of a file, directory or symlink, as Nix computes it for
/// a recursive (`outputHashMode = "recursive"`) fixed-output derivation.
///
/// Equals `nix hash path --type sha256 PATH` (SRI form).
#[derive(Debug, clap::Args)]
pub struct NarHashArgs {
    /// File, directory or symlink to hash (a symlink itself is hashed, not
    /// what it points to).
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[derive(Debug, Serialize)]
struct NarHashReport {
    path: PathBuf,
    nar_hash: String,
    nar_size: u64,
}

pub fn run(global: &GlobalArgs, args: NarHashArgs) -> Result<()> {
    let hash = nar_hash(&args.path)?;
    if global.json {
        print_json(&NarHashReport {
            nar_hash: hash.sri(),
            nar_size: hash.size,
            path: args.path,
        })
    } else {
        // Bare value so shell callers can use $(nix-pgo nar-hash PATH).
        println!("{}", hash.sri());
        Ok(())
    }
}
