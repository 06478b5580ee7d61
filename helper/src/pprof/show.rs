//! What a canonical pprof profile holds: its summary (the `--summary` JSON of
//! `nix-pgo pprof merge`, nix-support/profile.json of a Go profile) and its
//! hottest functions.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::proto::Profile;
use super::{fingerprint, function_names, sample_types, ALGORITHM};

/// A canonical profile's identity and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub fingerprint: String,
    pub fingerprint_algorithm: String,
    /// "type/unit" of each value, e.g. ["samples/count", "cpu/nanoseconds"].
    pub sample_types: Vec<String>,
    /// Distinct stacks (samples after merging equal ones).
    pub samples: usize,
    /// The sum of each value over all samples, in `sample_types` order.
    pub totals: Vec<i64>,
    /// The total of the value nix-pgo weighs by (`value_type`).
    pub total_value: i64,
    pub value_type: String,
    pub functions: usize,
    pub locations: usize,
}

/// The value functions are weighed by: CPU time when the profile has it,
/// else the sample count, else the last value (pprof's default).
pub fn value_index(p: &Profile) -> usize {
    let types = sample_types(p);
    types
        .iter()
        .position(|t| t == "cpu/nanoseconds")
        .or_else(|| types.iter().position(|t| t == "samples/count"))
        .unwrap_or(types.len().saturating_sub(1))
}

impl Summary {
    /// How many samples the profile took (its samples/count total), if it counts them:
    /// `samples` is the number of distinct stacks, which a reader takes for this.
    pub fn sample_count(&self) -> Option<i64> {
        let i = self
            .sample_types
            .iter()
            .position(|t| t == "samples/count")?;
        self.totals.get(i).copied()
    }

    /// "N samples in M stacks", or "M stacks" for a profile that doesn't count samples.
    pub fn samples_and_stacks(&self) -> String {
        match self.sample_count() {
            Some(n) => format!("{n} samples in {} stacks", self.samples),
            None => format!("{} stacks", self.samples),
        }
    }
}

pub fn summary(canonical: &Profile) -> Summary {
    let types = sample_types(canonical);
    let mut totals = vec![0i64; types.len()];
    for s in &canonical.sample {
        for (t, v) in totals.iter_mut().zip(&s.value) {
            *t = t.saturating_add(*v);
        }
    }
    let index = value_index(canonical);
    Summary {
        fingerprint: fingerprint(canonical),
        fingerprint_algorithm: ALGORITHM.to_owned(),
        total_value: totals.get(index).copied().unwrap_or(0),
        value_type: types.get(index).cloned().unwrap_or_default(),
        sample_types: types,
        samples: canonical.sample.len(),
        totals,
        functions: canonical.function.len(),
        locations: canonical.location.len(),
    }
}

/// A function's share of the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionWeight {
    pub name: String,
    /// Value of the samples where it is the innermost frame.
    pub flat: i64,
    /// Value of the samples where it is anywhere on the stack.
    pub cum: i64,
}

/// Every function's flat and cumulative value (by `value_index`), hottest
/// (by flat, then cum, then name) first. Inlined frames count as their own
/// functions, as in `go tool pprof -top`.
pub fn functions(p: &Profile) -> Vec<FunctionWeight> {
    let index = value_index(p);
    let names = function_names(p);
    let lines: BTreeMap<u64, Vec<&str>> = p
        .location
        .iter()
        .map(|l| {
            let names = l
                .line
                .iter()
                .map(|line| names.get(&line.function_id).copied().unwrap_or("?"))
                .collect();
            (l.id, names)
        })
        .collect();
    let mut weights: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for s in &p.sample {
        let value = s.value.get(index).copied().unwrap_or(0);
        let stack: Vec<&str> = s
            .location_id
            .iter()
            .flat_map(|id| lines.get(id).into_iter().flatten().copied())
            .collect();
        if let Some(leaf) = stack.first() {
            weights.entry(leaf).or_default().0 += value;
        }
        let mut seen = HashSet::new();
        for name in stack {
            if seen.insert(name) {
                weights.entry(name).or_default().1 += value;
            }
        }
    }
    let mut list: Vec<FunctionWeight> = weights
        .into_iter()
        .map(|(name, (flat, cum))| FunctionWeight {
            name: name.to_owned(),
            flat,
            cum,
        })
        .collect();
    list.sort_by(|a, b| {
        b.flat
            .cmp(&a.flat)
            .then(b.cum.cmp(&a.cum))
            .then(a.name.cmp(&b.name))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(sample_types: &[&str], totals: Vec<i64>, stacks: usize) -> Summary {
        Summary {
            fingerprint: String::new(),
            fingerprint_algorithm: ALGORITHM.to_owned(),
            sample_types: sample_types.iter().map(|t| (*t).to_owned()).collect(),
            samples: stacks,
            totals,
            total_value: 0,
            value_type: String::new(),
            functions: 0,
            locations: 0,
        }
    }

    #[test]
    fn samples_are_the_sample_count_and_stacks_the_distinct_stacks() {
        // A Go CPU profile: 647 samples taken, merged into 120 distinct stacks.
        let go = with(
            &["samples/count", "cpu/nanoseconds"],
            vec![647, 6_470_000_000],
            120,
        );
        assert_eq!(go.sample_count(), Some(647));
        assert_eq!(go.samples_and_stacks(), "647 samples in 120 stacks");
        // A profile without a sample count says stacks only, not a count it doesn't have.
        let other = with(&["alloc_space/bytes"], vec![4096], 3);
        assert_eq!(other.sample_count(), None);
        assert_eq!(other.samples_and_stacks(), "3 stacks");
    }
}
