//! The evaluation stage's files (nix/evaluate.sh, nix/evaluation-summary.sh),
//! written here with serde so that counts stay exact u64 and names with
//! quotes or spaces stay valid JSON (issue 11).
//!
//! Per workload derivation:
//! - `variants/<variant>.json`: one variant's run, with its per-function self
//!   instructions (`nix-pgo regressions` names the functions that grew);
//! - `result.json`: `{"workload", "variants": {<variant>: {instructions,
//!   estimated_cycles, runs, stdout_sha256}}}`, the variants in the order they
//!   ran. `estimated_cycles` is KCachegrind's CEst (callgrind.rs, `CYCLE_EVENTS`)
//!   from callgrind's cache and branch simulation.
//!
//! Summary derivation: `evaluation.json`, `{"workloads": [result, ...]}`.
//!
//! A run that started threads is not deterministic under callgrind (valgrind
//! runs one thread at a time and switches by timing): the evaluation repeats
//! it, and a variant's counts are then its median run's, with a `spread`
//! (how many runs, each cost's lowest and highest) that the regression check
//! and the choice of a variant treat as noise.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// One variant's run of one workload (`variants/<variant>.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantRun {
    pub workload: String,
    pub variant: String,
    #[serde(deserialize_with = "cost")]
    pub instructions: u64,
    #[serde(deserialize_with = "cost")]
    pub estimated_cycles: u64,
    /// The processes callgrind saw in one run of the workload. Named `runs`
    /// before 2026-11; the alias reads release artifacts published then.
    #[serde(alias = "runs")]
    pub processes: u64,
    pub stdout_sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    /// Self costs per function, most instructions first.
    pub functions: Vec<FunctionCount>,
}

/// The costs of repeated runs of a workload that started threads. The
/// counts beside it are those of the median run (by estimated cycles, then
/// instructions), so that its per-function costs add up to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spread {
    /// How many times the workload ran.
    pub repeats: u64,
    pub instructions: Range,
    pub estimated_cycles: Range,
    /// The functions that started threads (callgrind's names): why it repeated.
    pub threads_started_by: Vec<String>,
}

/// The lowest and highest of a cost over repeated runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    #[serde(deserialize_with = "cost")]
    pub min: u64,
    #[serde(deserialize_with = "cost")]
    pub max: u64,
}

impl Range {
    pub fn of(values: impl IntoIterator<Item = u64>) -> Option<Range> {
        values.into_iter().fold(None, |range, v| {
            Some(match range {
                None => Range { min: v, max: v },
                Some(Range { min, max }) => Range {
                    min: min.min(v),
                    max: max.max(v),
                },
            })
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionCount {
    pub name: String,
    pub instructions: u64,
    pub estimated_cycles: u64,
}

/// A variant's line in result.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantSummary {
    #[serde(deserialize_with = "cost")]
    pub instructions: u64,
    #[serde(deserialize_with = "cost")]
    pub estimated_cycles: u64,
    /// The processes callgrind saw in one run of the workload. Named `runs`
    /// before 2026-11; the alias reads release artifacts published then.
    #[serde(alias = "runs")]
    pub processes: u64,
    pub stdout_sha256: String,
    /// Present when the workload started threads (absent: one deterministic run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
}

/// result.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadResult {
    pub workload: String,
    pub variants: Ordered<VariantSummary>,
}

impl WorkloadResult {
    /// Whether every variant printed nothing: then that each prints what the
    /// baseline prints was checked on nothing (evaluateRun.sh only warns in
    /// its log, which `nix build` shows only with -L).
    pub fn printed_nothing(&self) -> bool {
        let empty = sha256_hex(b"");
        self.variants
            .0
            .iter()
            .all(|(_, v)| v.stdout_sha256 == empty)
    }
}

/// evaluation.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub workloads: Vec<WorkloadResult>,
}

impl Evaluation {
    /// The workloads on which no variant printed anything.
    pub fn silent_workloads(&self) -> Vec<String> {
        self.workloads
            .iter()
            .filter(|w| w.printed_nothing())
            .map(|w| w.workload.clone())
            .collect()
    }
}

/// The costs the evaluation measures, each a deterministic count from
/// callgrind: what the regression check and the choice of a variant compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Instructions,
    /// KCachegrind's CEst from callgrind's cache and branch simulation.
    EstimatedCycles,
}

impl Metric {
    pub const ALL: [Metric; 2] = [Metric::Instructions, Metric::EstimatedCycles];

    pub fn of(self, v: &VariantSummary) -> u64 {
        match self {
            Metric::Instructions => v.instructions,
            Metric::EstimatedCycles => v.estimated_cycles,
        }
    }

    /// The cost's range over the variant's runs: the lowest and highest of a
    /// repeated run, the count itself of a deterministic one.
    pub fn range_of(self, v: &VariantSummary) -> Range {
        self.range(self.of(v), v.spread.as_ref())
    }

    /// The range of a cost counted `count` (the median run's) with `spread`.
    pub fn range(self, count: u64, spread: Option<&Spread>) -> Range {
        match (spread, self) {
            (Some(s), Metric::Instructions) => s.instructions,
            (Some(s), Metric::EstimatedCycles) => s.estimated_cycles,
            (None, _) => Range {
                min: count,
                max: count,
            },
        }
    }

    pub fn of_function(self, f: &FunctionCount) -> u64 {
        match self {
            Metric::Instructions => f.instructions,
            Metric::EstimatedCycles => f.estimated_cycles,
        }
    }

    /// The verb of a sentence about the cost: "executes N instructions",
    /// "costs N estimated cycles".
    pub fn verb(self) -> &'static str {
        match self {
            Metric::Instructions => "executes",
            Metric::EstimatedCycles => "costs",
        }
    }

    /// For people: "instructions", "estimated cycles".
    pub fn name(self) -> &'static str {
        match self {
            Metric::Instructions => "instructions",
            Metric::EstimatedCycles => "estimated cycles",
        }
    }
}

/// Reads a run's total cost (instructions, estimated cycles), refusing 0:
/// callgrind counts at least one instruction in a run (callgrind.rs fails on
/// one that counted none), and the report, the regression check and the
/// choice of a variant divide by the baseline's costs, so a 0 there made
/// every change infinite (null in JSON, "+inf %" in text). Per-function
/// costs ([`FunctionCount`]) may well be 0.
fn cost<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match u64::deserialize(deserializer)? {
        0 => Err(serde::de::Error::custom(
            "a cost of 0, which callgrind never counts for a run (it counts at least one \
             instruction): rebuild the evaluation with nix-pgo",
        )),
        n => Ok(n),
    }
}

/// A JSON object whose keys keep their order: the variants run, and are
/// compared with the first, in pipeline order (baseline, optimized, bolted),
/// which a BTreeMap would sort away. Duplicate keys are refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Ordered<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for OrderedVisitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries: Vec<(String, V)> = Vec::new();
                while let Some((k, v)) = access.next_entry::<String, V>()? {
                    if entries.iter().any(|(seen, _)| *seen == k) {
                        return Err(serde::de::Error::custom(format!("duplicate key {k:?}")));
                    }
                    entries.push((k, v));
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(OrderedVisitor(std::marker::PhantomData))
    }
}

/// The file `evaluate-variant` writes for `variant` under `dir`.
pub fn variant_path(dir: &Path, variant: &str) -> PathBuf {
    dir.join(format!("{variant}.json"))
}

pub fn check_name(kind: &str, name: &str) -> Result<()> {
    // The variant name becomes a file name.
    if name.is_empty() || name.starts_with('.') || name.contains('/') {
        bail!("{kind} name {name:?} cannot name a file: use letters, digits, '-' and '_'");
    }
    Ok(())
}

pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file =
        fs::File::open(path).with_context(|| format!("could not open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buffer)
            .with_context(|| format!("could not read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// The SHA-256 of `data` in hex, as sha256sum prints it.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_keeps_variant_order_and_exact_counts() {
        let result = WorkloadResult {
            workload: "html \"two\"".into(),
            variants: Ordered(vec![
                (
                    "optimized".into(),
                    VariantSummary {
                        instructions: 2_371_760_123,
                        estimated_cycles: 3_000_000_123,
                        processes: 1,
                        stdout_sha256: "ab".into(),
                        spread: None,
                    },
                ),
                (
                    "baseline".into(),
                    VariantSummary {
                        instructions: 5_000_000_000,
                        estimated_cycles: 7_000_000_000,
                        processes: 2,
                        stdout_sha256: "ab".into(),
                        spread: Some(Spread {
                            repeats: 5,
                            instructions: Range {
                                min: 4_999_999_000,
                                max: 5_000_000_100,
                            },
                            estimated_cycles: Range {
                                min: 6_900_000_000,
                                max: 7_100_000_000,
                            },
                            threads_started_by: vec!["pthread_create@@GLIBC_2.34".into()],
                        }),
                    },
                ),
            ]),
        };
        let text = serde_json::to_string(&result).expect("serialize");
        assert_eq!(
            text,
            r#"{"workload":"html \"two\"","variants":{"optimized":{"instructions":2371760123,"estimated_cycles":3000000123,"processes":1,"stdout_sha256":"ab"},"baseline":{"instructions":5000000000,"estimated_cycles":7000000000,"processes":2,"stdout_sha256":"ab","spread":{"repeats":5,"instructions":{"min":4999999000,"max":5000000100},"estimated_cycles":{"min":6900000000,"max":7100000000},"threads_started_by":["pthread_create@@GLIBC_2.34"]}}}}"#
        );
        let back: WorkloadResult = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, result);
        assert_eq!(
            back.variants.keys().collect::<Vec<_>>(),
            ["optimized", "baseline"]
        );
        // A deterministic run's range is its count.
        let base = back.variants.get("baseline").expect("baseline");
        let optimized = back.variants.get("optimized").expect("optimized");
        assert_eq!(
            Metric::EstimatedCycles.range_of(base),
            Range {
                min: 6_900_000_000,
                max: 7_100_000_000
            }
        );
        assert_eq!(
            Metric::Instructions.range_of(optimized),
            Range {
                min: 2_371_760_123,
                max: 2_371_760_123
            }
        );
        assert_eq!(Range::of([3, 1, 2]), Some(Range { min: 1, max: 3 }));
        assert_eq!(Range::of([]), None);
        // An evaluation.json written before `runs` was named `processes`.
        let old = r#"{"workload":"w","variants":{"a":{"instructions":1,"estimated_cycles":1,"runs":3,"stdout_sha256":""}}}"#;
        let old: WorkloadResult = serde_json::from_str(old).expect("old name");
        assert_eq!(old.variants.get("a").map(|v| v.processes), Some(3));
        let dup = r#"{"workload":"w","variants":{"a":{"instructions":1,"estimated_cycles":1,"processes":1,"stdout_sha256":""},"a":{"instructions":1,"estimated_cycles":1,"processes":1,"stdout_sha256":""}}}"#;
        assert!(serde_json::from_str::<WorkloadResult>(dup).is_err());
    }

    /// A cost of 0 made every change relative to it infinite: report.json's
    /// change_percent null, report.md "+inf %", a choice.json with a null that
    /// nothing reads back. callgrind never counts 0, so reading refuses it.
    #[test]
    fn a_cost_of_zero_is_refused_on_reading() {
        let result = |instructions: u64, cycles: u64, min: u64, max: u64| {
            format!(
                r#"{{"workload":"w","variants":{{"baseline":{{"instructions":{instructions},
                "estimated_cycles":{cycles},"processes":1,"stdout_sha256":"","spread":{{"repeats":3,
                "instructions":{{"min":{min},"max":1100}},"estimated_cycles":{{"min":1400,"max":{max}}},
                "threads_started_by":[]}}}}}}}}"#
            )
        };
        serde_json::from_str::<WorkloadResult>(&result(1000, 1500, 900, 1600)).expect("valid");
        for text in [
            result(0, 1500, 900, 1600),
            result(1000, 0, 900, 1600),
            result(1000, 1500, 0, 1600),
            result(1000, 1500, 900, 0),
        ] {
            let err = serde_json::from_str::<WorkloadResult>(&text)
                .expect_err(&text)
                .to_string();
            assert!(err.contains("a cost of 0"), "{err}");
        }
    }

    #[test]
    fn variant_names_must_be_file_names() {
        assert!(check_name("variant", "optimized").is_ok());
        assert!(check_name("variant", "../x").is_err());
        assert!(check_name("variant", "").is_err());
    }

    #[test]
    fn hashes_stdout() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-eval-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch");
        let f = dir.join("stdout");
        fs::write(&f, b"").expect("write");
        assert_eq!(
            sha256_file(&f).expect("hash"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
