//! `nix-pgo callgrind-threads`.

use crate::commands::evaluate_variant::callgrind_files;
use crate::commands::GlobalArgs;
use anyhow::Result;
use nix_pgo::callgrind;
use std::path::PathBuf;

/// Print the functions that started threads in one run of a workload under
/// callgrind (`pthread_create`, Go's `runtime.newosproc`), one per line;
/// nothing for a single-threaded run. The evaluation repeats a run that
/// started threads: its counts depend on how valgrind switched between them.
#[derive(Debug, clap::Args)]
pub struct CallgrindThreadsArgs {
    /// The run's directory, holding callgrind's output files (`callgrind.out.*`).
    #[arg(value_name = "RUN_DIR")]
    pub run: PathBuf,
}

pub fn run(_: &GlobalArgs, args: CallgrindThreadsArgs) -> Result<()> {
    let counts = callgrind::read_files(&callgrind_files(&args.run)?)?;
    for name in counts.thread_starts() {
        println!("{name}");
    }
    Ok(())
}
