//! `nix-pgo show` and `nix-pgo diff`: look inside profiles, to review a
//! profile update the way one reviews a code change.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::profile::Profile;
use crate::tool::Tool;

/// Counts of one function record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionStats {
    pub name: String,
    pub hash: u64,
    /// The largest counter: how often its hottest block ran.
    pub max_count: u64,
    /// The first counter, which llvm-profdata reports as the function count;
    /// the entry count exactly when the profile has the `entry_first` flag.
    pub entry_count: u64,
    /// Sum of its counters.
    pub total_count: u64,
}

fn function_stats(profile: &Profile) -> Vec<FunctionStats> {
    profile
        .records
        .iter()
        .map(|r| FunctionStats {
            name: r.name.clone(),
            hash: r.hash,
            max_count: r.counts.iter().copied().max().unwrap_or(0),
            entry_count: r.counts.first().copied().unwrap_or(0),
            total_count: r.total_count(),
        })
        .collect()
}

/// The `n` hottest records: by max block count, then entry count, then name
/// (so equal counts list in a stable order).
pub fn hottest(profile: &Profile, n: usize) -> Vec<FunctionStats> {
    let mut stats = function_stats(profile);
    stats.sort_by(|a, b| {
        (b.max_count, b.entry_count)
            .cmp(&(a.max_count, a.entry_count))
            .then_with(|| a.name.cmp(&b.name))
    });
    stats.truncate(n);
    stats
}

/// `part` as a percentage of `total` (0 when the total is 0).
pub fn share(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * part as f64 / total as f64
    }
}

/// The program-level summary of `llvm-profdata overlap BASE TEST`. LLVM 22
/// prints (the mismatch and "only in" lines only when non-zero):
///
/// ```text
/// Profile overlap information for base_profile: a.profdata and test_profile: b.profdata
/// Program level:
///   # of functions overlap: 1
///   # of functions mismatch: 1
///   # of functions only in test_profile: 1
///   Edge profile overlap: 21.803%
///   Mismatched count percentage (Edge): 4.762%
///   Percentage of Edge profile only in test_profile: 68.027%
///   Edge profile base count sum: 20
///   Edge profile test count sum: 147
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overlap {
    /// Σ over counters of min(base share, test share), in percent: 100 for
    /// profiles with the same distribution of counts.
    pub edge_overlap_percent: f64,
    pub functions_overlap: u64,
    /// Functions in both profiles with different control-flow hashes.
    pub functions_mismatch: u64,
    pub functions_only_in_test: u64,
    pub base_count_sum: Option<u64>,
    pub test_count_sum: Option<u64>,
}

/// Parse the program-level section of `llvm-profdata overlap` output.
pub fn parse_overlap(text: &str) -> Result<Overlap> {
    let mut overlap = Overlap::default();
    let mut edge = None;
    let mut in_program = false;
    for line in text.lines() {
        let line = line.trim();
        match line {
            "Program level:" => in_program = true,
            // Function-level details (with -function or -value-cutoff) follow
            // the program level; their keys repeat, so stop there.
            "Function level:" if in_program => break,
            _ if in_program => {
                let Some((key, value)) = line.split_once(": ") else {
                    continue;
                };
                let value = value.trim();
                let number = || {
                    value
                        .parse::<u64>()
                        .with_context(|| format!("{key:?}: expected a number, found {value:?}"))
                };
                match key {
                    "Edge profile overlap" => {
                        let pct =
                            value
                                .trim_end_matches('%')
                                .parse::<f64>()
                                .with_context(|| {
                                    format!("{key:?}: expected a percentage, found {value:?}")
                                })?;
                        edge = Some(pct);
                    }
                    "# of functions overlap" => overlap.functions_overlap = number()?,
                    "# of functions mismatch" => overlap.functions_mismatch = number()?,
                    "# of functions only in test_profile" => {
                        overlap.functions_only_in_test = number()?
                    }
                    "Edge profile base count sum" => overlap.base_count_sum = Some(number()?),
                    "Edge profile test count sum" => overlap.test_count_sum = Some(number()?),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    match edge {
        Some(pct) => overlap.edge_overlap_percent = pct,
        None => bail!("no \"Edge profile overlap\" line in the program-level summary"),
    }
    Ok(overlap)
}

pub fn run_overlap(llvm_profdata: &Tool, a: &Path, b: &Path) -> Result<Overlap> {
    let output = llvm_profdata.run(["overlap".as_ref(), a.as_os_str(), b.as_os_str()])?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse_overlap(&text).with_context(|| {
        format!(
            "could not understand the output of `{} overlap`: is it from LLVM 22?\n{}",
            llvm_profdata.path.display(),
            text.trim()
        )
    })
}

/// A function whose share of its profile's total count differs between A and B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub name: String,
    /// Percent of A's total count (0 when absent from A).
    pub share_a: f64,
    pub share_b: f64,
    /// share_b - share_a, in percentage points.
    pub delta: f64,
}

/// The `n` functions whose share of the total count moved most. Records are
/// grouped by name, so a function whose hash changed between the two
/// profiles compares like for like.
pub fn most_moved(a: &Profile, b: &Profile, n: usize) -> Vec<Moved> {
    fn shares(profile: &Profile) -> BTreeMap<&str, f64> {
        let total = profile.total_count();
        let mut sums: BTreeMap<&str, u64> = BTreeMap::new();
        for r in &profile.records {
            let entry = sums.entry(r.name.as_str()).or_default();
            *entry = entry.saturating_add(r.total_count());
        }
        sums.into_iter()
            .map(|(name, sum)| (name, share(sum, total)))
            .collect()
    }
    let (sa, sb) = (shares(a), shares(b));
    let mut names: Vec<&str> = sa.keys().chain(sb.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    let mut moved: Vec<Moved> = names
        .into_iter()
        .map(|name| {
            let share_a = sa.get(name).copied().unwrap_or(0.0);
            let share_b = sb.get(name).copied().unwrap_or(0.0);
            Moved {
                name: name.to_owned(),
                share_a,
                share_b,
                delta: share_b - share_a,
            }
        })
        .filter(|m| m.delta != 0.0)
        .collect();
    moved.sort_by(|x, y| {
        y.delta
            .abs()
            .total_cmp(&x.delta.abs())
            .then_with(|| x.name.cmp(&y.name))
    });
    moved.truncate(n);
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::text;

    #[test]
    fn parses_llvm_22_overlap_output() {
        let text = "\
Profile overlap information for base_profile: a.pd and test_profile: b.pd
Program level:
  # of functions overlap: 1
  # of functions mismatch: 1
  # of functions only in test_profile: 1
  Edge profile overlap: 21.803%
  Mismatched count percentage (Edge): 4.762%
  Percentage of Edge profile only in test_profile: 68.027%
  Edge profile base count sum: 20
  Edge profile test count sum: 147
";
        let overlap = parse_overlap(text).unwrap();
        assert_eq!(
            overlap,
            Overlap {
                edge_overlap_percent: 21.803,
                functions_overlap: 1,
                functions_mismatch: 1,
                functions_only_in_test: 1,
                base_count_sum: Some(20),
                test_count_sum: Some(147),
            }
        );
        // Identical profiles: no mismatch lines; function level ignored.
        let text = "Program level:\n  # of functions overlap: 882\n  Edge profile overlap: \
                    100.000%\nFunction level:\n  Edge profile overlap: 3.000%\n";
        let overlap = parse_overlap(text).unwrap();
        assert_eq!(overlap.edge_overlap_percent, 100.0);
        assert_eq!(overlap.functions_mismatch, 0);
        assert!(parse_overlap("Program level:\n").is_err());
        assert!(parse_overlap("Program level:\n  Edge profile overlap: lots\n").is_err());
    }

    #[test]
    fn hottest_and_most_moved() {
        let a = text::parse(":ir\nmain\n1\n2\n10\n30\n\nhelper\n2\n1\n60\n").unwrap();
        let b =
            text::parse(":ir\nmain\n1\n2\n10\n30\n\nhelper\n3\n1\n40\n\nnew\n4\n1\n20\n").unwrap();
        let hot = hottest(&a, 1);
        assert_eq!(hot[0].name, "helper");
        assert_eq!(hot[0].max_count, 60);
        let main = &hottest(&a, 5)[1];
        assert_eq!(
            (main.max_count, main.entry_count, main.total_count),
            (30, 10, 40)
        );

        let moved = most_moved(&a, &b, 10);
        let names: Vec<&str> = moved.iter().map(|m| m.name.as_str()).collect();
        // helper: 60% -> 40%; new: 0% -> 20%; main stays at 40%.
        assert_eq!(names, ["helper", "new"]);
        assert!((moved[0].delta + 20.0).abs() < 1e-9);
        assert_eq!(most_moved(&a, &a, 10), []);
    }
}
