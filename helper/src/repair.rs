//! Repairs of a variant that executes more instructions than the baseline on a
//! held-out evaluation workload (issue 14, "repair before fallback").
//!
//! A repair plan says whether a variant regressed and, if it did, which
//! functions are involved, by *name only*: the functions whose self
//! instructions grew (the callgrind diff `nix-pgo regressions` prints) and the
//! functions the regressing workload executed at all. No count of a held-out
//! workload reaches a profile: `unprofile` only removes records from the
//! training profile, so that those functions compile as without PGO.
//!
//! Callgrind names functions demangled (`rhai::eval::expr::Engine::f`, with a
//! `'N` suffix for recursion levels), profiles by symbol, optionally behind the
//! codegen unit of an internal one (`crate.hash-cgu.0;_ZN…E`): both are
//! brought to rustc-demangle's hash-less form to be compared.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::evaluation::{variant_path, VariantRun};
use crate::output::read_json;
use crate::profile::Profile;
use crate::regressions::{compare_workload, Options};

/// What a repair may know of the evaluation: names, never counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The variant the plan is for (`optimized`, `bolted`).
    pub variant: String,
    /// Whether it executed more instructions than the baseline (beyond the
    /// tolerance) on some evaluation workload.
    pub regressed: bool,
    /// The workloads it regressed on.
    pub workloads: Vec<String>,
    /// Functions whose self instructions grew most there (demangled, sorted).
    pub grew: Vec<String>,
    /// Every function those workloads executed under the variant (demangled, sorted).
    pub executed: Vec<String>,
}

/// The repair plan for `variant` from evaluation workload results
/// (directories with result.json and variants/, as `regressions` reads them).
pub fn plan(results: &[PathBuf], variant: &str, options: &Options) -> Result<Plan> {
    let mut workloads = Vec::new();
    let mut grew = BTreeSet::new();
    let mut executed = BTreeSet::new();
    for dir in results {
        for c in compare_workload(dir, options)? {
            if c.variant != variant || !c.regression {
                continue;
            }
            grew.extend(c.more_expensive.iter().map(|f| callgrind_name(&f.function)));
            let run: VariantRun = read_json(
                &variant_path(&dir.join("variants"), variant),
                "an evaluate-variant file",
            )?;
            executed.extend(
                run.functions
                    .iter()
                    .filter(|f| f.instructions > 0)
                    .map(|f| callgrind_name(&f.name)),
            );
            workloads.push(c.workload);
        }
    }
    Ok(Plan {
        variant: variant.to_owned(),
        regressed: !workloads.is_empty(),
        workloads,
        grew: grew.into_iter().collect(),
        executed: executed.into_iter().collect(),
    })
}

/// A callgrind function name without its recursion-level suffix (`f'2` -> `f`).
pub fn callgrind_name(name: &str) -> String {
    match name.rsplit_once('\'') {
        Some((base, level)) if !level.is_empty() && level.bytes().all(|b| b.is_ascii_digit()) => {
            base.to_owned()
        }
        _ => name.to_owned(),
    }
}

/// A profile record's function, demangled without its hash, as callgrind prints it.
pub fn profile_name(record_name: &str) -> String {
    crate::crate_hashes::demangled_without_hashes(crate::profile::text::symbol_of(record_name))
}

/// What `unprofile` removed.
#[derive(Debug, Default, Serialize)]
pub struct Removed {
    /// Records of functions that grew.
    pub grew: usize,
    /// Records without a single non-zero count (cold to PGO) of functions the
    /// regressing workloads executed.
    pub cold_executed: usize,
    /// The functions removed (demangled, sorted, each once).
    pub functions: Vec<String>,
}

/// Remove from `profile` the records of the functions `plan` names: every
/// record of a function that grew, and the all-zero records of functions the
/// regressing workloads executed (PGO would compile them as cold code). A
/// function without a record is compiled as without PGO.
pub fn unprofile(profile: &mut Profile, plan: &Plan) -> Removed {
    let grew: BTreeSet<&str> = plan.grew.iter().map(String::as_str).collect();
    let executed: BTreeSet<&str> = plan.executed.iter().map(String::as_str).collect();
    let mut removed = Removed::default();
    let mut functions = BTreeSet::new();
    profile.records.retain(|record| {
        let name = profile_name(&record.name);
        let drop = if grew.contains(name.as_str()) {
            removed.grew += 1;
            true
        } else if executed.contains(name.as_str()) && record.counts.iter().all(|&c| c == 0) {
            removed.cold_executed += 1;
            true
        } else {
            false
        };
        if drop {
            functions.insert(name);
        }
        !drop
    });
    removed.functions = functions.into_iter().collect();
    removed
}

/// Whether callgrind named `name` by address (`0x00000000001c9b50`): the
/// function's binary has no symbol table.
pub fn is_address(name: &str) -> bool {
    name.strip_prefix("0x")
        .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Why `plan` can't name the functions to unprofile, if it can't: every
/// function that grew is an address, because the evaluated binaries have no
/// symbol table (a Cargo profile with `strip = true`).
pub fn unnamed(plan: &Plan) -> Option<String> {
    if plan.grew.is_empty() || !plan.grew.iter().all(|f| is_address(f)) {
        return None;
    }
    Some(format!(
        "{variant} regressed on {workloads}, but callgrind named the {n} functions that grew \
         there by address: the evaluated binaries have no symbol table (the package's Cargo \
         profile strips them, `strip = true` or \"symbols\"), so no profile record can be \
         found for them and this remedy can't be tried; `best` chooses among the other \
         candidates. To let it work, keep the symbols in every stage, e.g. buildPgoPackage's \
         `rustflags = [ \"-Cstrip=debuginfo\" ]` (larger binaries).",
        variant = plan.variant,
        workloads = plan.workloads.join(", "),
        n = plan.grew.len()
    ))
}

/// Read a plan written by `nix-pgo repair-plan`.
pub fn read_plan(path: &Path) -> Result<Plan> {
    read_json(path, "a repair plan (nix-pgo repair-plan)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::text::parse;

    #[test]
    fn names_meet_in_demangled_form() {
        assert_eq!(callgrind_name("rhai::eval::f'2"), "rhai::eval::f");
        assert_eq!(callgrind_name("<a as b>::c"), "<a as b>::c");
        assert_eq!(callgrind_name("x'y"), "x'y");
        assert_eq!(
            profile_name("demo.fde808264172bb95-cgu.0;_ZN4demo3fib17h678f08e812fff1bdE"),
            "demo::fib"
        );
        assert_eq!(
            profile_name("_ZN4demo4main17h39aef552e0cae38bE"),
            "demo::main"
        );
    }

    #[test]
    fn a_plan_of_addresses_names_no_function() {
        let plan = |grew: &[&str]| Plan {
            variant: "optimized".into(),
            regressed: true,
            workloads: vec!["w".into()],
            grew: grew.iter().map(|&f| f.to_owned()).collect(),
            executed: vec![],
        };
        assert!(unnamed(&plan(&["0x00000000001c9b50", "0x1a"])).is_some());
        assert!(unnamed(&plan(&["0x00000000001c9b50", "demo::main"])).is_none());
        assert!(unnamed(&plan(&[])).is_none());
        assert!(!is_address("0x"));
        assert!(!is_address("0xg1"));
    }

    #[test]
    fn removes_what_grew_and_cold_records_of_what_ran() {
        let text = "\
:ir
_ZN4demo3fib17h678f08e812fff1bdE
1
2
0
0

_ZN4demo4main17h39aef552e0cae38bE
2
1
5

_ZN4demo4cold17h39aef552e0cae38cE
3
1
0

_ZN4demo5other17h39aef552e0cae38dE
4
1
0
";
        let mut profile = parse(text).expect("valid proftext");
        let plan = Plan {
            variant: "optimized".into(),
            regressed: true,
            workloads: vec!["w".into()],
            grew: vec!["demo::main".into()],
            executed: vec!["demo::fib".into(), "demo::cold".into(), "demo::main".into()],
        };
        let removed = unprofile(&mut profile, &plan);
        assert_eq!(removed.grew, 1);
        assert_eq!(removed.cold_executed, 2);
        assert_eq!(removed.functions, ["demo::cold", "demo::fib", "demo::main"]);
        let left: Vec<String> = profile
            .records
            .iter()
            .map(|r| profile_name(&r.name))
            .collect();
        // Never executed by the regressing workload: kept, zero counts and all.
        assert_eq!(left, ["demo::other"]);
    }
}
