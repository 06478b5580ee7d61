//! `nix-pgo unprofile`.

use crate::commands::GlobalArgs;
use anyhow::{bail, Context, Result};
use nix_pgo::output::print_json;
use nix_pgo::profile;
use nix_pgo::repair;
use nix_pgo::tool::LlvmProfdataArg;
use std::fs;
use std::path::PathBuf;

/// Remove from a profile the functions a repair plan names, so that they
/// compile as without PGO: every record of a function that grew, and the
/// all-zero records of functions the regressing workloads executed. Writes
/// the profile as text (`nix-pgo canonicalize` makes it an indexed one).
#[derive(Debug, clap::Args)]
pub struct UnprofileArgs {
    #[command(flatten)]
    pub llvm_profdata: LlvmProfdataArg,

    /// The repair plan (`nix-pgo repair-plan`).
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,

    /// The profile (.profdata, .profraw or .proftext).
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the profile without those functions (.proftext).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: PathBuf,

    /// When the plan names functions only by address (the evaluated binaries
    /// have no symbols), write why to this file and the profile unchanged to
    /// OUT, instead of failing.
    #[arg(long, value_name = "FILE")]
    pub not_applicable: Option<PathBuf>,
}

pub fn run(global: &GlobalArgs, args: UnprofileArgs) -> Result<()> {
    let llvm_profdata = args.llvm_profdata.resolve()?;
    let plan = repair::read_plan(&args.plan)?;
    if !plan.regressed {
        bail!(
            "the plan {} says {} did not regress: there is nothing to remove",
            args.plan.display(),
            plan.variant
        );
    }
    let mut profile = profile::load(&llvm_profdata, &args.input)?;
    if let (Some(file), Some(why)) = (&args.not_applicable, repair::unnamed(&plan)) {
        eprintln!("nix-pgo: warning: {why}");
        fs::write(file, format!("{why}\n"))
            .with_context(|| format!("could not write {}", file.display()))?;
        fs::write(&args.output, profile.to_text())
            .with_context(|| format!("could not write {}", args.output.display()))?;
        return if global.json {
            print_json(&repair::Removed::default())
        } else {
            Ok(())
        };
    }
    let removed = repair::unprofile(&mut profile, &plan);
    if removed.functions.is_empty() {
        bail!(
            "none of the {} functions the plan {} names has a record in {}: the names of \
             callgrind and of the profile do not meet (is the evaluated binary built from \
             this profile, with symbols?)",
            plan.grew.len() + plan.executed.len(),
            args.plan.display(),
            args.input.display()
        );
    }
    fs::write(&args.output, profile.to_text())
        .with_context(|| format!("could not write {}", args.output.display()))?;
    if global.json {
        print_json(&removed)
    } else {
        println!(
            "removed {} records ({} grew, {} cold and executed) of {} functions",
            removed.grew + removed.cold_executed,
            removed.grew,
            removed.cold_executed,
            removed.functions.len()
        );
        Ok(())
    }
}
