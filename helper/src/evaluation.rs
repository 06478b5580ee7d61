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
    pub instructions: u64,
    pub estimated_cycles: u64,
    pub runs: u64,
    pub stdout_sha256: String,
    /// Self costs per function, most instructions first.
    pub functions: Vec<FunctionCount>,
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
    pub instructions: u64,
    pub estimated_cycles: u64,
    pub runs: u64,
    pub stdout_sha256: String,
}

/// result.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadResult {
    pub workload: String,
    pub variants: Ordered<VariantSummary>,
}

/// evaluation.json.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub workloads: Vec<WorkloadResult>,
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
    let digest: [u8; 32] = hasher.finalize().into();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
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
                        runs: 1,
                        stdout_sha256: "ab".into(),
                    },
                ),
                (
                    "baseline".into(),
                    VariantSummary {
                        instructions: 5_000_000_000,
                        estimated_cycles: 7_000_000_000,
                        runs: 2,
                        stdout_sha256: "ab".into(),
                    },
                ),
            ]),
        };
        let text = serde_json::to_string(&result).expect("serialize");
        assert_eq!(
            text,
            r#"{"workload":"html \"two\"","variants":{"optimized":{"instructions":2371760123,"estimated_cycles":3000000123,"runs":1,"stdout_sha256":"ab"},"baseline":{"instructions":5000000000,"estimated_cycles":7000000000,"runs":2,"stdout_sha256":"ab"}}}"#
        );
        let back: WorkloadResult = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, result);
        assert_eq!(
            back.variants.keys().collect::<Vec<_>>(),
            ["optimized", "baseline"]
        );
        let dup = r#"{"workload":"w","variants":{"a":{"instructions":1,"estimated_cycles":1,"runs":1,"stdout_sha256":""},"a":{"instructions":1,"estimated_cycles":1,"runs":1,"stdout_sha256":""}}}"#;
        assert!(serde_json::from_str::<WorkloadResult>(dup).is_err());
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
