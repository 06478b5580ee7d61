//! `nix-pgo cargo-messages`.

use crate::commands::GlobalArgs;
use anyhow::{Context, Result};
use nix_pgo::cargo_messages::rendered;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::PathBuf;

/// Read cargo's JSON messages on stdin, save them to a file, and print each
/// diagnostic's rendered text on stderr (the build log). Lines that are not
/// JSON are passed through to stderr as they are.
#[derive(Debug, clap::Args)]
pub struct CargoMessagesArgs {
    /// Where to save the JSON messages (one per line, as cargo wrote them).
    #[arg(long, value_name = "FILE")]
    pub save: PathBuf,
}

pub fn run(_: &GlobalArgs, args: CargoMessagesArgs) -> Result<()> {
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
