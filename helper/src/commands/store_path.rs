//! `nix-pgo store-path`.

use crate::commands::GlobalArgs;
use anyhow::{Context, Result};
use nix_pgo::output::print_json;
use nix_pgo::store::{check_name, fixed_output_path, nar_hash, DEFAULT_STORE_DIR};
use serde::Serialize;
use std::path::PathBuf;

/// Print the store path Nix gives a fixed-output, recursive sha256 output
/// with this content and name.
///
/// Equals what `nix-store --add-fixed --recursive sha256 PATH` prints when
/// the base name of PATH is NAME. The content must not reference other
/// store paths (profiles never do).
#[derive(Debug, clap::Args)]
pub struct StorePathArgs {
    /// Store path name (the part after the hash), e.g.
    /// "pulldown-cmark-profile-0.13.6".
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Content of the output: file, directory or symlink.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Store directory the path is computed for.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_STORE_DIR)]
    pub store_dir: String,
}

#[derive(Debug, Serialize)]
struct StorePathReport {
    path: PathBuf,
    name: String,
    store_dir: String,
    nar_hash: String,
    nar_size: u64,
    store_path: String,
}

pub fn run(global: &GlobalArgs, args: StorePathArgs) -> Result<()> {
    // Validate the name before hashing a possibly large tree.
    check_name(&args.name).context("invalid --name")?;
    let hash = nar_hash(&args.path)?;
    let store_path = fixed_output_path(&args.store_dir, &args.name, &hash.sha256)?;
    if global.json {
        print_json(&StorePathReport {
            path: args.path,
            name: args.name,
            store_dir: args.store_dir,
            nar_hash: hash.sri(),
            nar_size: hash.size,
            store_path,
        })
    } else {
        println!("{store_path}");
        Ok(())
    }
}
