//! `nix-pgo report-data`.

use crate::commands::GlobalArgs;
use anyhow::{Context, Result};
use nix_pgo::output::{read_json, write_json};
use nix_pgo::report_data::{collect, Attrs, ReportData};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Collect report-data.json from the store paths nix/report.nix names.
#[derive(Debug, clap::Args)]
pub struct ReportDataArgs {
    /// The report derivation's structured attributes (.attrs.json), with
    /// `programs`.
    #[arg(long, value_name = "FILE")]
    pub attrs: PathBuf,

    /// Where to write report-data.json.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

pub fn run(_: &GlobalArgs, args: ReportDataArgs) -> Result<()> {
    let attrs: Attrs = read_json(&args.attrs, "the report derivation's attributes")?;
    let mut programs = BTreeMap::new();
    for (name, p) in attrs.programs {
        let data = collect(&name, p).with_context(|| format!("program '{name}'"))?;
        programs.insert(name, data);
    }
    write_json(
        &args.output,
        &ReportData {
            version: 1,
            programs,
        },
    )
}
