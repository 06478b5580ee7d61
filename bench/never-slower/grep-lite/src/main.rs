//! grep-lite: print the lines of files that match a regular expression.
//!
//! `grep-lite [-i] [-w] [-c | -o] PATTERN FILE...`: `-i` case-insensitive, `-w` whole
//! words (`\b…\b`, Unicode-aware), `-c` only count matching lines per file, `-o` print
//! each match and its capture groups instead of the line. Files are read as UTF-8
//! (invalid bytes replaced). Exit status: 0 if a line matched, 1 if none, 2 on error.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use regex::RegexBuilder;

struct Options {
    case_insensitive: bool,
    words: bool,
    count: bool,
    only_matching: bool,
    pattern: String,
    files: Vec<String>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        case_insensitive: false,
        words: false,
        count: false,
        only_matching: false,
        pattern: String::new(),
        files: Vec::new(),
    };
    let mut positional = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-i" => options.case_insensitive = true,
            "-w" => options.words = true,
            "-c" => options.count = true,
            "-o" => options.only_matching = true,
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(format!("unknown option {flag}"))
            }
            _ => positional.push(arg),
        }
    }
    if positional.len() < 2 {
        return Err("usage: grep-lite [-i] [-w] [-c | -o] PATTERN FILE...".into());
    }
    options.pattern = positional.remove(0);
    options.files = positional;
    Ok(options)
}

fn run(options: &Options) -> Result<bool, String> {
    let pattern = if options.words {
        format!(r"\b(?:{})\b", options.pattern)
    } else {
        options.pattern.clone()
    };
    let re = RegexBuilder::new(&pattern)
        .case_insensitive(options.case_insensitive)
        .build()
        .map_err(|e| format!("bad pattern: {e}"))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut any = false;
    for path in &options.files {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let mut count = 0u64;
        for (number, line) in text.lines().enumerate() {
            if options.only_matching {
                for caps in re.captures_iter(line) {
                    count += 1;
                    let groups: Vec<&str> = caps
                        .iter()
                        .skip(1)
                        .map(|g| g.map_or("", |m| m.as_str()))
                        .collect();
                    writeln!(out, "{path}:{}:{}\t{}", number + 1, &caps[0], groups.join("\t"))
                        .map_err(|e| e.to_string())?;
                }
            } else if re.is_match(line) {
                count += 1;
                if !options.count {
                    writeln!(out, "{path}:{}:{line}", number + 1).map_err(|e| e.to_string())?;
                }
            }
        }
        if options.count {
            writeln!(out, "{path}:{count}").map_err(|e| e.to_string())?;
        }
        any |= count > 0;
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(any)
}

fn main() -> ExitCode {
    match parse_args().and_then(|options| run(&options)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("grep-lite: {message}");
            ExitCode::from(2)
        }
    }
}
