//! What a workload is made of: its script (or, for a Go benchmark or a Rust
//! package's tests, its settings) and its inputs, as store paths and their NAR
//! hashes. The release's provenance lists them with their store paths
//! ([`Workload`]); a choice (`nix-pgo choose-variant --workloads`) records
//! them without ([`WorkloadContent`]), so that a locked choice is refused
//! once an evaluation workload it was made on has changed: its numbers are
//! then of another workload.
//!
//! Both come from the same description (nix/internal/workload/
//! workloadSources.nix writes it with `builtins.toJSON`): `{ <name> = { script
//! | benchmark | cargoTest; inputs = { <name> = <store path>; }; }; }`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use serde::{Deserialize, Serialize};

use crate::store::nar_hash;

/// One workload as a stage is given it: store paths and settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecWorkload {
    /// The script that runs the program (every Rust workload, Go program runs).
    #[serde(default)]
    pub script: Option<PathBuf>,
    /// A Go benchmark workload (`go test -bench`), as buildGoPgoPackage was given it.
    #[serde(default)]
    pub benchmark: Option<serde_json::Value>,
    /// A Rust package's tests (`cargo test`), as buildPgoPackage was given them.
    #[serde(default, rename = "cargoTest")]
    pub cargo_test: Option<serde_json::Value>,
    #[serde(default)]
    pub inputs: BTreeMap<String, PathBuf>,
    /// A training workload's weight in the merged profile (`workloadWeights`),
    /// given only when it is not 1: what the profile is made of, as the rest.
    #[serde(default)]
    pub weight: Option<serde_json::Value>,
}

/// One workload in provenance.json: its store paths and their NAR hashes.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Workload {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<StoreObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo_test: Option<serde_json::Value>,
    pub inputs: BTreeMap<String, StoreObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct StoreObject {
    pub store_path: PathBuf,
    pub nar_hash: String,
}

pub fn store_object(path: &Path) -> Result<StoreObject> {
    Ok(StoreObject {
        store_path: path.to_owned(),
        nar_hash: nar_hash(path)
            .with_context(|| format!("could not hash {}", path.display()))?
            .sri(),
    })
}

/// Hash every workload of `set`, in name order.
pub fn hash_workloads(set: &BTreeMap<String, SpecWorkload>) -> Result<Vec<Workload>> {
    set.iter()
        .map(|(name, w)| {
            let kinds = [
                w.script.is_some(),
                w.benchmark.is_some(),
                w.cargo_test.is_some(),
            ];
            ensure!(
                kinds.iter().filter(|&&k| k).count() == 1,
                "workload {name} of the specification needs one of a script, a benchmark or \
                 cargoTest"
            );
            Ok(Workload {
                name: name.clone(),
                script: w.script.as_deref().map(store_object).transpose()?,
                benchmark: w.benchmark.clone(),
                cargo_test: w.cargo_test.clone(),
                inputs: w
                    .inputs
                    .iter()
                    .map(|(n, p)| Ok((n.clone(), store_object(p)?)))
                    .collect::<Result<_>>()?,
                weight: w.weight.clone(),
            })
        })
        .collect()
}

/// A workload's content without its store paths, which depend on names and on
/// how the paths reached the store, not only on the bytes: what a choice
/// records of each evaluation workload (a NAR hash for the script and each
/// input, the settings of a benchmark or of the tests).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cargo_test: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inputs: BTreeMap<String, String>,
    /// The weight when not 1 (absent in entries locked before weights were recorded,
    /// and for every weight of 1, so that those entries still compare equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<serde_json::Value>,
}

impl From<&Workload> for WorkloadContent {
    fn from(w: &Workload) -> Self {
        WorkloadContent {
            script: w.script.as_ref().map(|s| s.nar_hash.clone()),
            benchmark: w.benchmark.clone(),
            cargo_test: w.cargo_test.clone(),
            inputs: w
                .inputs
                .iter()
                .map(|(n, o)| (n.clone(), o.nar_hash.clone()))
                .collect(),
            weight: w.weight.clone(),
        }
    }
}

/// The content of every workload of `set`, by name.
pub fn workload_contents(
    set: &BTreeMap<String, SpecWorkload>,
) -> Result<BTreeMap<String, WorkloadContent>> {
    Ok(hash_workloads(set)?
        .iter()
        .map(|w| (w.name.clone(), WorkloadContent::from(w)))
        .collect())
}

/// One difference of a workload: what (`script`, `input 'corpus'`) and how
/// (`sha256-…, now sha256-…`, `added`). Workloads that share an input have
/// the same change, which a message names once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ContentChange {
    pub what: String,
    pub how: String,
}

impl ContentChange {
    pub fn new(what: impl Into<String>, how: impl Into<String>) -> Self {
        ContentChange {
            what: what.into(),
            how: how.into(),
        }
    }
}

/// `what: how`, as provenance.json and `check-training --json` list a change.
impl std::fmt::Display for ContentChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.what, self.how)
    }
}

/// What differs between a workload as it was (`then`) and as it is (`now`);
/// empty when nothing does.
pub fn content_changes(then: &WorkloadContent, now: &WorkloadContent) -> Vec<ContentChange> {
    let mut changes = Vec::new();
    let hashes = |then: &Option<String>, now: &Option<String>| match (then, now) {
        (Some(a), Some(b)) => format!("{a}, now {b}"),
        (Some(_), None) => "now none".to_owned(),
        (None, _) => "added".to_owned(),
    };
    if then.script != now.script {
        changes.push(ContentChange::new(
            "script",
            hashes(&then.script, &now.script),
        ));
    }
    if then.benchmark != now.benchmark {
        changes.push(ContentChange::new(
            "benchmark settings",
            settings_change(then.benchmark.as_ref(), now.benchmark.as_ref()),
        ));
    }
    if then.cargo_test != now.cargo_test {
        changes.push(ContentChange::new(
            "cargoTest settings",
            settings_change(then.cargo_test.as_ref(), now.cargo_test.as_ref()),
        ));
    }
    if then.weight != now.weight {
        // No weight recorded is the default, 1.
        let show = |w: &Option<serde_json::Value>| {
            w.as_ref().map_or_else(|| "1".to_owned(), |w| w.to_string())
        };
        changes.push(ContentChange::new(
            "weight",
            format!("{}, now {}", show(&then.weight), show(&now.weight)),
        ));
    }
    let names: std::collections::BTreeSet<&String> =
        then.inputs.keys().chain(now.inputs.keys()).collect();
    for name in names {
        let what = format!("input '{name}'");
        match (then.inputs.get(name), now.inputs.get(name)) {
            (Some(a), Some(b)) if a != b => {
                changes.push(ContentChange::new(what, format!("{a}, now {b}")))
            }
            (Some(_), None) => changes.push(ContentChange::new(what, "removed")),
            (None, Some(_)) => changes.push(ContentChange::new(what, "added")),
            _ => {}
        }
    }
    changes
}

/// How settings changed: `{"benchtime":"200x",…}, now {"benchtime":"100x",…}`.
fn settings_change(then: Option<&serde_json::Value>, now: Option<&serde_json::Value>) -> String {
    let show =
        |v: Option<&serde_json::Value>| v.map_or_else(|| "none".to_owned(), |v| v.to_string());
    format!("{}, now {}", show(then), show(now))
}

/// What the hashes a change names are, for a message: said only when one
/// is a script's or an input's (settings are compared as they are).
pub fn hashes_note(changed: &[(String, Vec<ContentChange>)]) -> &'static str {
    let hashed = changed
        .iter()
        .flat_map(|(_, changes)| changes)
        .any(|c| c.what == "script" || c.what.starts_with("input "));
    if hashed {
        " (NAR hashes, which cover the bytes and the executable bit)"
    } else {
        ""
    }
}

/// The workloads whose sources differ between `then` (recorded) and `now`,
/// each with what changed; a workload only one side has is a change of
/// "workload", "added" or "removed".
pub fn changed_workloads(
    then: &BTreeMap<String, WorkloadContent>,
    now: &BTreeMap<String, WorkloadContent>,
) -> Vec<(String, Vec<ContentChange>)> {
    let names: std::collections::BTreeSet<&String> = then.keys().chain(now.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let changes = match (then.get(name), now.get(name)) {
                (Some(then), Some(now)) => content_changes(then, now),
                (Some(_), None) => vec![ContentChange::new("workload", "removed")],
                (None, _) => vec![ContentChange::new("workload", "added")],
            };
            (!changes.is_empty()).then(|| (name.clone(), changes))
        })
        .collect()
}

/// `changed` ([`changed_workloads`]) in one line: each change once, with
/// every workload it is a change of (an input several workloads are given,
/// as workloadsFromDir's `evaluationInputs` are, changes all of them), e.g.
/// `script of 'a' (sha256-…, now sha256-…); input 'tree' of 'a', 'b' (…)`.
pub fn describe_changes(changed: &[(String, Vec<ContentChange>)]) -> String {
    let mut groups: Vec<(&ContentChange, Vec<&str>)> = Vec::new();
    for (name, changes) in changed {
        for change in changes {
            match groups.iter_mut().find(|(c, _)| *c == change) {
                Some((_, names)) => names.push(name),
                None => groups.push((change, vec![name])),
            }
        }
    }
    groups
        .iter()
        .map(|(change, names)| {
            let names = names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ");
            if change.what == "workload" {
                format!("workload {names} ({})", change.how)
            } else {
                format!("{} of {names} ({})", change.what, change.how)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(script: &str, inputs: &[(&str, &str)]) -> WorkloadContent {
        WorkloadContent {
            script: Some(script.to_owned()),
            benchmark: None,
            cargo_test: None,
            inputs: inputs
                .iter()
                .map(|(n, h)| ((*n).to_owned(), (*h).to_owned()))
                .collect(),
            weight: None,
        }
    }

    #[test]
    fn a_changed_weight_is_a_change_and_no_weight_is_1() {
        // A Go profile locked with one workload weighted 1 and retrained, or re-merged,
        // with another weight is another profile (the go trial's workloadWeights edit).
        let then = content("sha256-a", &[]);
        let now = WorkloadContent {
            weight: Some(serde_json::json!(5)),
            ..then.clone()
        };
        let changes: Vec<String> = content_changes(&then, &now)
            .into_iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(changes, ["weight: 1, now 5"]);
        assert!(content_changes(&now, &now.clone()).is_empty());
        // An entry written before weights were recorded reads as weight 1.
        let old: WorkloadContent = serde_json::from_str(r#"{"script":"sha256-a"}"#).unwrap();
        assert_eq!(old, then);
        assert!(!serde_json::to_string(&then).unwrap().contains("weight"));
    }

    #[test]
    fn changes_name_the_script_and_each_input() {
        let then = content("sha256-a", &[("corpus", "sha256-c"), ("old", "sha256-o")]);
        assert!(content_changes(&then, &then).is_empty());
        let now = content("sha256-b", &[("corpus", "sha256-d"), ("new", "sha256-n")]);
        let changes: Vec<(String, String)> = content_changes(&then, &now)
            .into_iter()
            .map(|c| (c.what, c.how))
            .collect();
        let expected = [
            ("script", "sha256-a, now sha256-b"),
            ("input 'corpus'", "sha256-c, now sha256-d"),
            ("input 'new'", "added"),
            ("input 'old'", "removed"),
        ]
        .map(|(w, h)| (w.to_owned(), h.to_owned()));
        assert_eq!(changes, expected);
    }

    #[test]
    fn the_content_of_a_real_script_is_its_nar_hash_not_its_path() {
        let dir =
            std::env::temp_dir().join(format!("nix-pgo-workload-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.sh"), dir.join("b.sh"));
        std::fs::write(&a, "run --fast\n").unwrap();
        std::fs::write(&b, "run --fast\n").unwrap();
        let spec = |script: &Path| -> BTreeMap<String, SpecWorkload> {
            [(
                "fast".to_owned(),
                SpecWorkload {
                    script: Some(script.to_owned()),
                    benchmark: None,
                    cargo_test: None,
                    inputs: BTreeMap::new(),
                    weight: None,
                },
            )]
            .into()
        };
        assert_eq!(
            workload_contents(&spec(&a)).unwrap(),
            workload_contents(&spec(&b)).unwrap()
        );
        std::fs::write(&b, "run --slow\n").unwrap();
        let (then, now) = (
            workload_contents(&spec(&a)).unwrap(),
            workload_contents(&spec(&b)).unwrap(),
        );
        assert_eq!(content_changes(&then["fast"], &now["fast"]).len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
