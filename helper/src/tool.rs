//! Running external tools (rustc, llvm-profdata, llvm-bolt).
//!
//! Every external command goes through [`Tool::run`] so that all of them are
//! logged the same way and fail with the same, complete error report.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{bail, Context, Result};

/// Environment variable consulted when `--llvm-profdata` is not given.
pub const LLVM_PROFDATA_ENV: &str = "NIX_PGO_LLVM_PROFDATA";

/// An external program, always referred to by an absolute path.
///
/// Inside Nix builds there is no meaningful PATH, and on developer machines
/// PATH often finds an llvm-profdata of the wrong LLVM major version (Debian's
/// /usr/bin/llvm-profdata is LLVM 14), which cannot read newer rustc profiles.
/// So tools are never looked up on PATH.
#[derive(Debug, Clone)]
pub struct Tool {
    /// Short name used in messages, e.g. "llvm-profdata".
    pub name: &'static str,
    pub path: PathBuf,
}

impl Tool {
    /// Build a tool from a user-given path, making it absolute so that
    /// `Command` never falls back to a PATH search for a bare name.
    pub fn new(name: &'static str, path: &Path) -> Result<Self> {
        let path = std::path::absolute(path).with_context(|| {
            format!("could not make the {name} path {} absolute", path.display())
        })?;
        if !path.is_file() {
            bail!(
                "{name} not found at {}: pass the absolute path of the {name} executable",
                path.display()
            );
        }
        Ok(Self { name, path })
    }

    /// Run the tool, returning its output if it exited successfully.
    ///
    /// The command line is logged to stderr first (it shows up in the Nix
    /// build log). On failure the error carries the exit status, stderr and
    /// stdout, since llvm-profdata reports some problems on either stream.
    pub fn run<I, S>(&self, args: I) -> Result<Output>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let args: Vec<OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
        let command_line = render_command_line(&self.path, &args);
        // A merge of hundreds of .profraw files is one line of kilobytes: the log
        // gets its start and the count (a failure below still shows all of it).
        const LOGGED_ARGS: usize = 12;
        if args.len() > LOGGED_ARGS {
            eprintln!(
                "nix-pgo: running {} … ({} more arguments)",
                render_command_line(&self.path, &args[..LOGGED_ARGS]),
                args.len() - LOGGED_ARGS
            );
        } else {
            eprintln!("nix-pgo: running {command_line}");
        }
        let output = Command::new(&self.path)
            .args(&args)
            .output()
            .with_context(|| {
                format!(
                    "could not start {} at {}: check that it exists and is executable",
                    self.name,
                    self.path.display()
                )
            })?;
        if !output.status.success() {
            let mut msg = format!("{} failed ({}): {command_line}", self.name, output.status);
            for (label, bytes) in [("stderr", &output.stderr), ("stdout", &output.stdout)] {
                let text = String::from_utf8_lossy(bytes);
                let text = text.trim();
                if !text.is_empty() {
                    let _ = write!(msg, "\n--- {label} ---\n{text}");
                }
            }
            bail!(msg);
        }
        Ok(output)
    }
}

/// Quote arguments containing spaces or shell metacharacters so the logged
/// command line can be pasted into a shell to reproduce a failure.
fn render_command_line(program: &Path, args: &[OsString]) -> String {
    std::iter::once(program.as_os_str())
        .chain(args.iter().map(OsString::as_os_str))
        .map(|arg| {
            let arg = arg.to_string_lossy();
            let plain = !arg.is_empty()
                && arg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c));
            if plain {
                arg.into_owned()
            } else {
                format!("'{}'", arg.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `--llvm-profdata` option shared by the subcommands that read profiles.
#[derive(Debug, Clone, clap::Args)]
pub struct LlvmProfdataArg {
    /// Absolute path of llvm-profdata; it must come from the same LLVM major
    /// version as rustc. Defaults to $NIX_PGO_LLVM_PROFDATA.
    #[arg(long = "llvm-profdata", value_name = "PATH")]
    pub llvm_profdata: Option<PathBuf>,
}

impl LlvmProfdataArg {
    /// The llvm-profdata to use: the flag, else the environment variable.
    pub fn resolve(&self) -> Result<Tool> {
        let path = match (&self.llvm_profdata, std::env::var_os(LLVM_PROFDATA_ENV)) {
            (Some(path), _) => path.clone(),
            (None, Some(path)) if !path.is_empty() => PathBuf::from(path),
            _ => bail!(
                "no llvm-profdata given: pass --llvm-profdata /abs/path/to/llvm-profdata or set \
                 {LLVM_PROFDATA_ENV} (it must be from the LLVM major version rustc uses, see \
                 `rustc -vV`; PATH is deliberately not searched)"
            ),
        };
        Tool::new("llvm-profdata", &path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_quotes_only_when_needed() {
        let args = [
            OsString::from("merge"),
            OsString::from("a b"),
            OsString::from("it's"),
        ];
        assert_eq!(
            render_command_line(Path::new("/bin/llvm-profdata"), &args),
            r"/bin/llvm-profdata merge 'a b' 'it'\''s'"
        );
    }
}
