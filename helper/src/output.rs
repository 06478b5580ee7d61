//! Machine-readable output shared by the subcommands' `--json` modes.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// `value` as one pretty JSON document with a trailing newline: the form of
/// every JSON file and report the helper writes. `what` names it for the error.
pub fn to_json<T: Serialize>(value: &T, what: &str) -> Result<String> {
    let text = serde_json::to_string_pretty(value)
        .with_context(|| format!("could not serialize {what}"))?;
    Ok(text + "\n")
}

/// Print `value` as one pretty JSON document on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    print!("{}", to_json(value, "the JSON report")?);
    Ok(())
}

/// Write `value` as one pretty JSON document to `path`.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = to_json(value, &path.display().to_string())?;
    fs::write(path, text).with_context(|| format!("could not write {}", path.display()))
}

/// Read a JSON document; `what` names what it should be, for the error.
pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    let text =
        fs::read_to_string(path).with_context(|| format!("could not read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not {what}", path.display()))
}
