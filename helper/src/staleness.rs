//! `nix-pgo staleness`: how much of a (locked) profile still applies to the
//! source being built. A superset of `nix-pgo coverage`: besides counting the
//! functions rustc compiled without profile data, it weighs hash mismatches
//! by their counts, since a changed cold function matters little and a
//! changed hot loop a lot.
//!
//! It also recognises functions the build compiled without profile data that
//! the profile has under another symbol: Cargo hashes each unit's metadata
//! (Cargo profile settings such as `lto`, features, dependency versions) into
//! symbol names, so a profile recorded from a build with other metadata names
//! most functions differently, and rustc only says "no profile data" for them
//! (`renamed_*` in the report).
//!
//! The optimized stage needs both reports from one build log; with
//! `--coverage-output` (and `--min-coverage`) this command writes and checks
//! the coverage report too, so the log is read and parsed, and the profile
//! loaded, once per build instead of twice (issue 12).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::coverage::{LogFindings, WarningCounts};
use crate::crate_hashes::without_crate_hashes;
use crate::profile::Profile;

/// A hash-mismatched function and the profile counts rustc discarded for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stale {
    pub name: String,
    pub count: u64,
}

/// A function compiled without profile data that the profile has under
/// another symbol, and the profile counts the build could not use for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renamed {
    /// The build's symbol.
    pub name: String,
    /// The profile's symbol for the same function.
    pub profile_name: String,
    pub count: u64,
}

/// Profile counts of the functions a build log reports as hash-mismatched,
/// or as without profile data while the profile has them renamed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaleCounts {
    /// Sum of the counters of every profile record of a mismatched or
    /// renamed function, each record once.
    pub stale_count: u64,
    /// Mismatched functions, hottest first.
    pub functions: Vec<Stale>,
    /// Mismatches the log reports but the profile has no record for (e.g. a
    /// log from a build with another profile).
    pub not_in_profile: usize,
    /// Warnings "no profile data" (module and symbol, as
    /// `functions_without_profile` counts them) for renamed functions.
    pub renamed_functions: usize,
    /// Sum of the counters of the renamed functions' profile records.
    pub renamed_count: u64,
    /// Renamed functions, hottest first.
    pub renamed: Vec<Renamed>,
    /// Of the renamed functions, those renamed by their codegen unit alone
    /// (moved by an edit), and the sum of their records' counters.
    pub moved_functions: usize,
    pub moved_count: u64,
}

/// Attribute the hash mismatches of a build log to profile records.
///
/// The log names functions by their mangled symbol, and the module (codegen
/// unit) in front; the profile prefixes functions with internal linkage with
/// "<module>;". So a warning matches the record named `symbol` or
/// `module;symbol`; failing both (codegen units are partitioned anew in every
/// build), any record whose name after ';' is the symbol. All records of a
/// name count: rustc found none with the current hash, so it uses none.
/// Renamed functions (see [`renamed`]) count too, each record once.
pub fn stale_counts(profile: &Profile, findings: &LogFindings) -> StaleCounts {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_symbol: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, record) in profile.records.iter().enumerate() {
        by_name.entry(&record.name).or_default().push(i);
        by_symbol.entry(record.symbol()).or_default().push(i);
    }
    let mut result = StaleCounts::default();
    let mut stale: BTreeSet<usize> = BTreeSet::new();
    for (module, symbol) in &findings.hash_mismatches {
        let prefixed = format!("{module};{symbol}");
        let mut found: Vec<usize> = [symbol.as_str(), prefixed.as_str()]
            .iter()
            .filter_map(|name| by_name.get(name))
            .flatten()
            .copied()
            .collect();
        if found.is_empty() {
            found = by_symbol.get(symbol.as_str()).cloned().unwrap_or_default();
        }
        if found.is_empty() {
            result.not_in_profile += 1;
        }
        stale.extend(found);
    }
    // Sum per record once, even if two warnings matched the same record.
    let mut per_name: BTreeMap<&str, u64> = BTreeMap::new();
    for &i in &stale {
        let sum = profile.records[i].total_count();
        let entry = per_name.entry(&profile.records[i].name).or_default();
        *entry = entry.saturating_add(sum);
    }
    let renamed = renamed(profile, findings, &by_symbol);
    result.renamed_functions = renamed.functions;
    result.renamed_count = records_count(profile, &renamed.records);
    result.renamed = renamed.renamed;
    result.moved_functions = renamed.moved.len();
    result.moved_count = records_count(profile, &renamed.moved);
    // A renamed record's symbol is in no warning, a mismatched one's is, so
    // the sets are disjoint; the union still keeps each record once.
    stale.extend(renamed.records);
    result.stale_count = records_count(profile, &stale);
    result.functions = per_name
        .into_iter()
        .map(|(name, count)| Stale {
            name: name.to_owned(),
            count,
        })
        .collect();
    result
        .functions
        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    result
}

/// The sum of the counters of the records at `indices` (saturating).
fn records_count<'a>(profile: &Profile, indices: impl IntoIterator<Item = &'a usize>) -> u64 {
    indices.into_iter().fold(0u64, |a, &i| {
        a.saturating_add(profile.records[i].total_count())
    })
}

/// What [`renamed`] found.
struct RenamedFound {
    /// Profile records of renamed functions.
    records: BTreeSet<usize>,
    /// Warnings (module, symbol) for them.
    functions: usize,
    /// Hottest first.
    renamed: Vec<Renamed>,
    /// Of `records`, those of functions moved to another codegen unit.
    moved: BTreeSet<usize>,
}

/// Functions the log reports without profile data that the profile has
/// under another symbol: one whose crate hashes differ, the rest equal
/// ([`without_crate_hashes`]).
///
/// A false match would count usable profile data as lost, so a pair counts
/// only if:
/// - the key is unambiguous: one symbol among the log's warnings and one
///   among the profile's records. Legacy symbols of a generic function's
///   instances differ only in the hash, so several share a key, and a new
///   instance must not be taken for an old one. (So the profile's symbol is
///   in no warning: as far as the log shows, the build does not have it.)
/// - the warnings' modules show that their crate was compiled with other
///   Cargo metadata than when profiled: rustc names modules
///   `<crate>.<StableCrateId>-cgu.<n>`, the id derives from Cargo's
///   metadata, and the profile's records of internal functions keep their
///   module, so the profile has modules of that crate, none with this id.
///   Without that, after an ordinary edit, a new generic instance would be
///   taken for the only old one.
///
/// Internal functions are also renamed by their module alone: LLVM names an
/// internal function's profile data `<module>;<symbol>`, and an edit that
/// partitions the crate's codegen units anew moves functions to other units,
/// where rustc finds no data for them (an outside trial: 36 of resvg's own
/// functions after a 3-line edit, one with 0.5 % of the profile's counts). A
/// move counts only when the build reports the symbol in one module and the
/// profile has one record of it, under another module: a function with
/// copies in several units (inlined or std code) has records or warnings in
/// several, and the build may well use a copy that kept its unit.
fn renamed(
    profile: &Profile,
    findings: &LogFindings,
    by_symbol: &BTreeMap<&str, Vec<usize>>,
) -> RenamedFound {
    let mut found = RenamedFound {
        records: BTreeSet::new(),
        functions: 0,
        renamed: Vec::new(),
        moved: BTreeSet::new(),
    };
    if findings.without_profile.is_empty() {
        return found;
    }
    // The crate ids each crate's modules have in the profile.
    let mut profiled_ids: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for record in &profile.records {
        if let Some((crate_name, id)) = record
            .name
            .rsplit_once(';')
            .and_then(|(module, _)| module_crate_id(module))
        {
            profiled_ids.entry(crate_name).or_default().insert(id);
        }
    }
    // The crate ids the log shows, by crate name.
    let mut logged_ids: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (module, _) in findings
        .without_profile
        .iter()
        .chain(&findings.hash_mismatches)
    {
        if let Some((crate_name, id)) = module_crate_id(module) {
            logged_ids.entry(crate_name).or_default().insert(id);
        }
    }
    // A crate id of the build the profile lacks shows other metadata only when
    // the profile's ids of that name can't be the build's other crates of
    // that name, which compiled without a warning: a package's library and
    // binary share a name, and a profile of the library alone (its tests) has
    // records of the library's id and none of the binary's.
    let other_metadata = |module: &str| {
        module_crate_id(module).is_some_and(|(crate_name, id)| {
            let Some(ids) = profiled_ids.get(crate_name) else {
                return false;
            };
            let logged = logged_ids.get(crate_name);
            let unlogged_in_build = findings
                .crates_by_name
                .get(crate_name)
                .map_or(0, |n| n.saturating_sub(logged.map_or(0, BTreeSet::len)));
            let unlogged_in_profile = ids
                .iter()
                .filter(|i| !logged.is_some_and(|l| l.contains(*i)))
                .count();
            !ids.contains(id) && unlogged_in_profile > unlogged_in_build
        })
    };
    // The log's symbols (each with its warnings' modules) and the profile's,
    // by key.
    let mut in_log: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (module, symbol) in &findings.without_profile {
        in_log.entry(symbol).or_default().push(module);
    }
    for (_, symbol) in &findings.hash_mismatches {
        in_log.entry(symbol).or_default();
    }
    let mut log_keys: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for &symbol in in_log.keys() {
        if let Some(key) = without_crate_hashes(symbol) {
            log_keys.entry(key).or_default().push(symbol);
        }
    }
    let mut profile_keys: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for &symbol in by_symbol.keys() {
        if let Some(key) = without_crate_hashes(symbol) {
            profile_keys.entry(key).or_default().push(symbol);
        }
    }
    for (key, log_symbols) in &log_keys {
        let ([symbol], Some([profiled])) = (
            log_symbols.as_slice(),
            profile_keys.get(key).map(Vec::as_slice),
        ) else {
            continue; // not in the profile, or ambiguous
        };
        let modules = &in_log[symbol];
        // A symbol with mismatch warnings only (no modules) has its profile
        // data, and the profile's very symbol, missing under another module,
        // is no rename either.
        if modules.is_empty() || symbol == profiled {
            continue;
        }
        if !modules.iter().all(|module| other_metadata(module)) {
            continue;
        }
        let records = by_symbol.get(profiled).map_or(&[][..], Vec::as_slice);
        let count = records_count(profile, records);
        found.records.extend(records);
        found.functions += modules.len();
        found.renamed.push(Renamed {
            name: (*symbol).to_owned(),
            profile_name: (*profiled).to_owned(),
            count,
        });
    }
    for (symbol, modules) in &in_log {
        let ([module], Some([record])) =
            (modules.as_slice(), by_symbol.get(symbol).map(Vec::as_slice))
        else {
            continue;
        };
        let profiled = &profile.records[*record].name;
        // External functions' names have no module: not moved by one.
        let Some((old_module, _)) = profiled.rsplit_once(';') else {
            continue;
        };
        // Moved within its crate; a copy in another crate (an #[inline] function
        // of the library compiled into the binary) is another function.
        let other_crate = matches!(
            (module_crate_id(old_module), module_crate_id(module)),
            (Some(old), Some(new)) if old != new
        );
        if old_module == *module || other_crate || !found.records.insert(*record) {
            continue;
        }
        found.moved.insert(*record);
        found.functions += 1;
        found.renamed.push(Renamed {
            name: format!("{module};{symbol}"),
            profile_name: profiled.clone(),
            count: profile.records[*record].total_count(),
        });
    }
    found
        .renamed
        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    found
}

/// The crate name and crate id in a module name `<crate>.<hex id>-cgu.<n>`
/// (rustc's codegen units), or `None` for any other name.
fn module_crate_id(module: &str) -> Option<(&str, &str)> {
    let (crate_name, rest) = module.split_once('.')?;
    let (id, unit) = rest.split_once("-cgu.")?;
    let valid = !crate_name.is_empty()
        && crate_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && !unit.is_empty()
        && unit.bytes().all(|b| b.is_ascii_digit());
    valid.then_some((crate_name, id))
}

/// `nix-pgo staleness`'s report (the optimized stage's
/// nix-support/pgo-staleness.json). The fields marked `default` came later:
/// reports written before have none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StalenessReport {
    // What `nix-pgo coverage`'s report has too, with the same meaning: the
    // warning counts (flattened: the report's first fields), the profile's
    // functions and the coverage.
    #[serde(flatten)]
    pub warnings: WarningCounts,
    pub profile_functions: usize,
    /// Null when unknown (see the coverage report's `coverage_unknown_because`).
    pub coverage_percent: Option<f64>,
    // What staleness adds.
    pub profile_total_count: u64,
    /// Counts of hash-mismatched and renamed functions, which the build could
    /// not use.
    pub stale_count: u64,
    /// Share of the profile's total count in functions whose hash still
    /// matches (and that are not renamed), in percent.
    pub matching_count_percent: f64,
    pub stale_count_percent: f64,
    pub hash_mismatches_not_in_profile: usize,
    /// The hottest mismatched functions with their discarded counts.
    pub stale_functions: Vec<Stale>,
    /// Functions compiled without profile data (of `functions_without_profile`)
    /// that the profile has under other crate hashes (it was recorded from a
    /// build with other Cargo metadata), or in another codegen unit (an edit
    /// moved an internal function).
    #[serde(default)]
    pub renamed_functions: usize,
    /// The profile counts of those functions, also in `stale_count`.
    #[serde(default)]
    pub renamed_count: u64,
    /// The hottest renamed functions, the build's and the profile's symbol.
    #[serde(default)]
    pub renamed_examples: Vec<Renamed>,
    /// Of `renamed_functions`, those renamed by their codegen unit alone: an
    /// edit moved them (their `name` and `profile_name` carry the units).
    #[serde(default)]
    pub moved_functions: usize,
    /// The profile counts of those functions (in `renamed_count` too).
    #[serde(default)]
    pub moved_count: u64,
    pub max_stale_percent: Option<f64>,
    /// The profile was trained in this build graph (`--fresh-profile`).
    #[serde(default)]
    pub fresh_profile: bool,
    /// Why the log may not show every mismatch (null: it does).
    pub log_unreadable_because: Option<String>,
}

impl StalenessReport {
    /// The renamed functions that no edit moved, renamed by other crate hashes
    /// (a build with other Cargo metadata), and their profile counts.
    pub fn renamed_by_metadata(&self) -> (usize, u64) {
        (
            self.renamed_functions - self.moved_functions,
            self.renamed_count.saturating_sub(self.moved_count),
        )
    }
}

/// How many stale functions the report lists.
pub const MAX_STALE_LISTED: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coverage;
    use crate::profile::text;

    #[test]
    fn weighs_mismatches_by_their_counts() {
        let profile = text::parse(
            ":ir\n\
             demo.x-cgu.0;_ZN4demo3fib\n1\n2\n60\n20\n\n\
             _ZN4demo4main\n2\n1\n10\n\n\
             demo.y-cgu.3;_ZN4demo4cold\n3\n1\n10\n",
        )
        .unwrap();
        let log = "\
warning: demo.x-cgu.0: function control flow change detected (hash mismatch) _ZN4demo3fib Hash = 9 up to 80 count discarded
warning: demo.x-cgu.1: function control flow change detected (hash mismatch) _ZN4demo4main Hash = 9 up to 10 count discarded
warning: demo.z-cgu.0: function control flow change detected (hash mismatch) _ZN4demo4cold Hash = 9 up to 10 count discarded
warning: demo.z-cgu.0: function control flow change detected (hash mismatch) _ZN4demo4gone Hash = 9 up to 0 count discarded
warning: demo.x-cgu.0: no profile data available for function _ZN4demo3new Hash = 1 up to 0 count discarded
";
        let findings = coverage::parse_log(log);
        let stale = stale_counts(&profile, &findings);
        // fib matched with its module prefix, main without one, cold through
        // the symbol after ';' (another codegen unit); gone is not in the profile.
        assert_eq!(stale.stale_count, 100);
        assert_eq!(stale.not_in_profile, 1);
        assert_eq!(stale.functions[0].name, "demo.x-cgu.0;_ZN4demo3fib");
        assert_eq!(stale.functions[0].count, 80);
        assert_eq!(stale.functions.len(), 3);

        let none = stale_counts(&profile, &LogFindings::default());
        assert_eq!(none, StaleCounts::default());
    }

    /// The profile of a build of `demo` whose crate id was 0123456789abcdef.
    const PROFILED: &str = ":ir\n\
        _ZN4demo3fib17h1111111111111111E\n1\n2\n5000000000\n3000000000\n\n\
        demo.0123456789abcdef-cgu.0;_RNvCs1a_4demo4walk\n2\n1\n4294967296\n\n\
        demo.0123456789abcdef-cgu.1;_RNvCs1a_4demo4walk\n2\n1\n10\n\n\
        _ZN4demo4main17h2222222222222222E\n3\n1\n7\n\n\
        _ZN4demo3old17h3333333333333333E\n4\n1\n100\n\n\
        _ZN4core4iter4fold17haaaaaaaaaaaaaaaaE\n5\n1\n50\n\n\
        _ZN4core4iter4fold17hbbbbbbbbbbbbbbbbE\n5\n1\n60\n";

    /// Warnings of a build whose `demo` modules carry crate id `id`.
    fn log(id: &str) -> String {
        let no_profile = "no profile data available for function";
        let mismatch = "function control flow change detected (hash mismatch)";
        [
            // fib and walk under other crate hashes (walk's is longer).
            format!("demo.{id}-cgu.0: {no_profile} _ZN4demo3fib17h9999999999999999E"),
            format!("demo.{id}-cgu.3: {no_profile} _RNvCs2bZZ_4demo4walk"),
            // New code, in no form in the profile.
            format!("demo.{id}-cgu.0: {no_profile} _ZN4demo3new17h4444444444444444E"),
            // A new instance of a generic function with two in the profile:
            // legacy symbols do not tell which, if any, it would be.
            format!("demo.{id}-cgu.1: {no_profile} _ZN4core4iter4fold17hccccccccccccccccE"),
            // Changed code under the same name.
            format!("demo.{id}-cgu.0: {mismatch} _ZN4demo4main17h2222222222222222E"),
        ]
        .iter()
        .map(|line| format!("warning: {line} Hash = 9 up to 0 count discarded\n"))
        .collect()
    }

    #[test]
    fn counts_functions_renamed_by_other_crate_hashes() {
        let profile = text::parse(PROFILED).unwrap();
        let findings = coverage::parse_log(&log("fedcba9876543210"));
        let stale = stale_counts(&profile, &findings);

        // fib (legacy) and walk (v0, both of its records); not new, not fold.
        assert_eq!(stale.renamed_functions, 2);
        let fib = 5_000_000_000 + 3_000_000_000;
        let walk = (1 << 32) + 10;
        assert_eq!(stale.renamed_count, fib + walk);
        assert_eq!(
            stale.renamed,
            [
                Renamed {
                    name: "_ZN4demo3fib17h9999999999999999E".to_owned(),
                    profile_name: "_ZN4demo3fib17h1111111111111111E".to_owned(),
                    count: fib,
                },
                Renamed {
                    name: "_RNvCs2bZZ_4demo4walk".to_owned(),
                    profile_name: "_RNvCs1a_4demo4walk".to_owned(),
                    count: walk,
                },
            ]
        );
        // The mismatch counts as before, and stale_count has both.
        assert_eq!(
            stale.functions,
            [Stale {
                name: "_ZN4demo4main17h2222222222222222E".to_owned(),
                count: 7
            }]
        );
        assert_eq!(stale.not_in_profile, 0);
        assert_eq!(stale.stale_count, fib + walk + 7);

        // Counts near u64::MAX saturate instead of wrapping.
        let huge = PROFILED.replace("5000000000\n3000000000", "18446744073709551615\n1");
        let stale = stale_counts(&text::parse(&huge).unwrap(), &findings);
        assert_eq!(stale.renamed_count, u64::MAX);
        assert_eq!(stale.stale_count, u64::MAX);
    }

    #[test]
    fn renamed_needs_another_crate_id_and_one_candidate() {
        let profile = text::parse(PROFILED).unwrap();
        // The crate id the profile has: these functions are new code (e.g.
        // new generic instances), not renamed ones.
        let same_crate = coverage::parse_log(&log("0123456789abcdef"));
        let stale = stale_counts(&profile, &same_crate);
        assert_eq!((stale.renamed_functions, stale.renamed_count), (0, 0));
        assert_eq!(stale.stale_count, 7);
        // Modules that are not rustc's codegen units prove nothing either.
        let unknown = coverage::parse_log(&log("x").replace("demo.x-cgu.", "demo-"));
        assert_eq!(stale_counts(&profile, &unknown).renamed_functions, 0);

        // Two new symbols for one old one: which is it?
        let findings = coverage::parse_log(&format!(
            "{}warning: demo.fedcba9876543210-cgu.2: no profile data available for function \
             _ZN4demo3fib17h8888888888888888E Hash = 9 up to 0 count discarded\n",
            log("fedcba9876543210")
        ));
        let stale = stale_counts(&profile, &findings);
        assert_eq!(stale.renamed.len(), 1);
        assert_eq!(stale.renamed[0].name, "_RNvCs2bZZ_4demo4walk");

        // The profile's own symbol, missing under another module only, is
        // the same function, not a renamed one.
        let findings = coverage::parse_log(
            "warning: demo.fedcba9876543210-cgu.2: no profile data available for function \
             _ZN4demo3fib17h1111111111111111E Hash = 9 up to 0 count discarded\n",
        );
        assert_eq!(stale_counts(&profile, &findings).renamed_functions, 0);
    }

    #[test]
    fn internal_functions_moved_to_another_unit_lost_their_data() {
        let profile = text::parse(
            ":ir\n\
             demo.aaaa-cgu.10;_ZN4demo4blur17h1111111111111111E\n1\n1\n500\n\n\
             demo.aaaa-cgu.1;_ZN4demo5stays17h2222222222222222E\n2\n1\n30\n\n\
             demo.aaaa-cgu.2;_ZN4core3cmp3max17h3333333333333333E\n3\n1\n7\n\n\
             demo.aaaa-cgu.3;_ZN4core3cmp3max17h3333333333333333E\n3\n1\n9\n\n\
             _ZN4demo4main17h4444444444444444E\n4\n1\n1\n",
        )
        .unwrap();
        let findings = coverage::parse_log(
            &[
                // blur moved from unit 10 to 12: its 500 counts are lost.
                "demo.aaaa-cgu.12: no profile data available for function _ZN4demo4blur17h1111111111111111E",
                // max has copies in units 2 and 3: the one in 5 may be a third.
                "demo.aaaa-cgu.5: no profile data available for function _ZN4core3cmp3max17h3333333333333333E",
                // main is external: its data has no module in its name.
                "demo.aaaa-cgu.7: no profile data available for function _ZN4demo4main17h4444444444444444E",
            ]
            .iter()
            .map(|l| format!("warning: {l} Hash = 9 up to 0 count discarded\n"))
            .collect::<String>(),
        );
        let stale = stale_counts(&profile, &findings);
        assert_eq!(
            stale.renamed,
            [Renamed {
                name: "demo.aaaa-cgu.12;_ZN4demo4blur17h1111111111111111E".to_owned(),
                profile_name: "demo.aaaa-cgu.10;_ZN4demo4blur17h1111111111111111E".to_owned(),
                count: 500,
            }]
        );
        assert_eq!((stale.renamed_functions, stale.stale_count), (1, 500));
        assert_eq!((stale.moved_functions, stale.moved_count), (1, 500));
    }

    #[test]
    fn a_profile_of_the_library_alone_is_no_rename_of_its_binary_namesake() {
        // The package's tests recorded the library `demo` (crate id aaaa…); the
        // binary, also `demo` (bbbb…), has its own instance of a generic
        // function and an #[inline] one, without data.
        let profile = text::parse(
            ":ir\n\
             demo.aaaaaaaaaaaaaaaa-cgu.1;_ZN4core4iter4fold17h1111111111111111E\n1\n1\n900\n\n\
             demo.aaaaaaaaaaaaaaaa-cgu.2;_ZN4demo5small17h2222222222222222E\n2\n1\n50\n",
        )
        .unwrap();
        let warnings = [
            "_ZN4core4iter4fold17h3333333333333333E",
            "_ZN4demo5small17h2222222222222222E",
        ]
        .iter()
        .map(|symbol| {
            format!(
                "warning: demo.bbbbbbbbbbbbbbbb-cgu.0: no profile data available for function \
                 {symbol} Hash = 9 up to 0 count discarded\n"
            )
        })
        .collect::<String>();
        let artifact = |kind: &str| {
            format!(
                r#"{{"reason":"compiler-artifact","package_id":"path+file:///src#demo@0.1.0","target":{{"kind":["{kind}"],"name":"demo"}},"fresh":false}}"#
            ) + "\n"
        };
        let log = format!(
            "{}{}{warnings}{}\n",
            artifact("lib"),
            artifact("bin"),
            r#"{"reason":"build-finished","success":true}"#
        );
        let stale = stale_counts(&profile, &coverage::parse_log(&log));
        assert_eq!(stale.renamed, []);
        assert_eq!(stale.stale_count, 0);

        // With one crate of that name in the build, the same warnings are
        // the profile's functions under another crate id: renamed (the
        // #[inline] copy, same symbol in another crate, is not "moved").
        let log = format!("{}{warnings}", artifact("bin"));
        let stale = stale_counts(&profile, &coverage::parse_log(&log));
        assert_eq!(
            stale.renamed,
            [Renamed {
                name: "_ZN4core4iter4fold17h3333333333333333E".to_owned(),
                profile_name: "_ZN4core4iter4fold17h1111111111111111E".to_owned(),
                count: 900,
            }]
        );
        assert_eq!(stale.moved_functions, 0);
    }

    #[test]
    fn module_crate_ids() {
        assert_eq!(
            module_crate_id("pulldown_cmark.f2da2a9018128077-cgu.15"),
            Some(("pulldown_cmark", "f2da2a9018128077"))
        );
        for other in [
            "demo-cgu.0",
            "demo.xyz-cgu.0",
            "demo.abc-cgu.",
            ".abc-cgu.1",
            "x.c",
        ] {
            assert_eq!(module_crate_id(other), None, "{other}");
        }
    }
}
