//! Machine-readable output shared by the subcommands' `--json` modes.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Print `value` as one pretty JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let text =
        serde_json::to_string_pretty(value).context("could not serialize the JSON report")?;
    println!("{text}");
    Ok(())
}

/// Write `value` as one pretty JSON document to `path`.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .with_context(|| format!("could not serialize {}", path.display()))?;
    fs::write(path, text + "\n").with_context(|| format!("could not write {}", path.display()))
}

/// Read a JSON document; `what` names what it should be, for the error.
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not {what}", path.display()))
}
