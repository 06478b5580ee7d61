//! `nix-pgo cargo-messages`: keep cargo's `--message-format=json` output for
//! `coverage`/`staleness` (machine-readable records, not prose scraped from
//! the log), while the build log still shows the diagnostics as cargo would
//! have printed them.

use std::fs::File;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};

/// Read cargo's JSON messages on stdin, save them to a file, and print each
/// diagnostic's rendered text on stderr (the build log). Lines that are not
/// JSON are passed through to stderr as they are.
#[derive(Debug, clap::Args)]
pub struct CargoMessagesArgs {
    /// Where to save the JSON messages (one per line, as cargo wrote them).
    #[arg(long, value_name = "FILE")]
    pub save: PathBuf,
}

pub fn run(args: CargoMessagesArgs) -> Result<()> {
    let file = File::create(&args.save)
        .with_context(|| format!("could not create {}", args.save.display()))?;
    let mut saved = BufWriter::new(file);
    let stdin = io::stdin();
    let mut stderr = io::stderr().lock();
    let mut line = Vec::new();
    let mut input = stdin.lock();
    loop {
        line.clear();
        let n = input
            .read_until(b'\n', &mut line)
            .context("could not read cargo's messages")?;
        if n == 0 {
            break;
        }
        saved
            .write_all(&line)
            .with_context(|| format!("could not write {}", args.save.display()))?;
        let text = String::from_utf8_lossy(&line);
        // A failure to echo must not lose the saved messages: stderr errors
        // are ignored, as the messages file is what is checked.
        match rendered(text.trim_end()) {
            Some(Some(rendered)) => {
                let _ = stderr.write_all(rendered.as_bytes());
            }
            Some(None) => {}
            None => {
                let _ = stderr.write_all(&line);
            }
        }
    }
    saved
        .flush()
        .with_context(|| format!("could not write {}", args.save.display()))
}

/// None: not a cargo JSON record. Some(None): a record with nothing to show.
/// Some(Some(text)): a diagnostic as rustc rendered it.
fn rendered(line: &str) -> Option<Option<String>> {
    if !line.starts_with('{') {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    value["reason"].as_str()?;
    Some(
        value["message"]["rendered"]
            .as_str()
            .filter(|_| value["reason"] == "compiler-message")
            .map(str::to_owned),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_diagnostics_and_passes_other_lines_through() {
        let msg =
            r#"{"reason":"compiler-message","message":{"message":"m","rendered":"warning: m\n"}}"#;
        assert_eq!(rendered(msg), Some(Some("warning: m\n".to_owned())));
        assert_eq!(
            rendered(r#"{"reason":"build-finished","success":true}"#),
            Some(None)
        );
        assert_eq!(rendered("   Compiling demo"), None);
        assert_eq!(rendered("{not json"), None);
    }
}
