//! Machine-readable output shared by the subcommands' `--json` modes.

use anyhow::{Context, Result};
use serde::Serialize;

/// Print `value` as one pretty JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let text =
        serde_json::to_string_pretty(value).context("could not serialize the JSON report")?;
    println!("{text}");
    Ok(())
}
