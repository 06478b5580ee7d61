//! `nix-pgo staleness`: how much of a (locked) profile still applies to the
//! source being built. A superset of `nix-pgo coverage`: besides counting the
//! functions rustc compiled without profile data, it weighs hash mismatches
//! by their counts, since a changed cold function matters little and a
//! changed hot loop a lot.
//!
//! The optimized stage needs both reports from one build log; with
//! `--coverage-output` (and `--min-coverage`) this command writes and checks
//! the coverage report too, so the log is read and parsed, and the profile
//! loaded, once per build instead of twice (issue 12).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::coverage::LogFindings;
use crate::profile::Profile;

/// A hash-mismatched function and the profile counts rustc discarded for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stale {
    pub name: String,
    pub count: u64,
}

/// Profile counts of the functions a build log reports as hash-mismatched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaleCounts {
    /// Sum of the counters of every profile record of a mismatched function.
    pub stale_count: u64,
    /// Mismatched functions, hottest first.
    pub functions: Vec<Stale>,
    /// Mismatches the log reports but the profile has no record for (e.g. a
    /// log from a build with another profile).
    pub not_in_profile: usize,
}

/// Attribute the hash mismatches of a build log to profile records.
///
/// The log names functions by their mangled symbol, and the module (codegen
/// unit) in front; the profile prefixes functions with internal linkage with
/// "<module>;". So a warning matches the record named `symbol` or
/// `module;symbol`; failing both (codegen units are partitioned anew in every
/// build), any record whose name after ';' is the symbol. All records of a
/// name count: rustc found none with the current hash, so it uses none.
pub fn stale_counts(profile: &Profile, findings: &LogFindings) -> StaleCounts {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_symbol: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, record) in profile.records.iter().enumerate() {
        by_name.entry(&record.name).or_default().push(i);
        let symbol = record
            .name
            .rsplit_once(';')
            .map_or(&*record.name, |(_, s)| s);
        by_symbol.entry(symbol).or_default().push(i);
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
    for i in stale {
        let record = &profile.records[i];
        let sum = record.counts.iter().fold(0u64, |a, &c| a.saturating_add(c));
        let entry = per_name.entry(&record.name).or_default();
        *entry = entry.saturating_add(sum);
        result.stale_count = result.stale_count.saturating_add(sum);
    }
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

#[derive(Debug, Serialize)]
pub struct StalenessReport {
    // The fields of `nix-pgo coverage`'s report, with the same meaning.
    pub functions_without_profile: usize,
    pub hash_mismatches: usize,
    pub examples: Vec<String>,
    pub hash_mismatch_examples: Vec<String>,
    pub profile_functions: usize,
    /// Null when unknown (see the coverage report's `coverage_unknown_because`).
    pub coverage_percent: Option<f64>,
    // What staleness adds.
    pub profile_total_count: u64,
    pub stale_count: u64,
    /// Share of the profile's total count in functions whose hash still
    /// matches, in percent.
    pub matching_count_percent: f64,
    pub stale_count_percent: f64,
    pub hash_mismatches_not_in_profile: usize,
    /// The hottest mismatched functions with their discarded counts.
    pub stale_functions: Vec<Stale>,
    pub max_stale_percent: Option<f64>,
    /// Why the log may not show every mismatch (null: it does).
    pub log_unreadable_because: Option<String>,
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
}
