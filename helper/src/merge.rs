//! `nix-pgo merge`: merge the profiles written by a training workload into
//! one indexed profile for `-Cprofile-use`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A `--weight N:FILE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedInput {
    pub weight: u64,
    pub path: PathBuf,
}

/// Parse `N:FILE`. Only the first ':' separates, so FILE may contain ':'.
pub fn parse_weighted_input(arg: &str) -> Result<WeightedInput, String> {
    let usage =
        "expected N:FILE with N a positive integer, e.g. --weight 3:bench.profraw or 3:prod.pprof";
    let Some((weight, path)) = arg.split_once(':') else {
        return Err(format!("missing ':' ({usage})"));
    };
    let weight = match weight.trim().parse::<u64>() {
        Ok(w) if w > 0 => w,
        _ => {
            return Err(format!(
                "weight {weight:?} is not a positive integer ({usage})"
            ))
        }
    };
    if path.is_empty() {
        return Err(format!("no file after ':' ({usage})"));
    }
    Ok(WeightedInput {
        weight,
        path: PathBuf::from(path),
    })
}

/// Refuses a profile given twice (the same file by two paths too): its counts
/// would be added twice, where a weight says so openly.
pub fn refuse_repeated<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Result<()> {
    let keyed = paths
        .into_iter()
        .map(|path| {
            fs::canonicalize(path)
                .with_context(|| format!("could not resolve input {}", path.display()))
                .map(|key| (key, path))
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some((path, previous)) = first_repeated(keyed) {
        anyhow::bail!(
            "profile {} is given more than once (also as {}): its counts would be added \
             twice; list each profile once (use --weight N:FILE to weight it)",
            path.display(),
            previous.display()
        );
    }
    Ok(())
}

/// The first item whose key an earlier item has, with that earlier item: an
/// input given twice (refuse_repeated, import's sources).
pub fn first_repeated<K: Ord, T>(items: impl IntoIterator<Item = (K, T)>) -> Option<(T, T)> {
    let mut seen = std::collections::BTreeMap::new();
    for (key, item) in items {
        match seen.entry(key) {
            std::collections::btree_map::Entry::Occupied(earlier) => {
                return Some((item, earlier.remove()))
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(item);
            }
        }
    }
    None
}

/// The profile files an INPUT stands for: the file itself, or the
/// *.profraw / *.profdata files under a directory, sorted so the merge
/// command (and its log) does not depend on readdir order. `output` (the
/// canonical merge output path) is skipped in directories but kept when
/// named explicitly, as in `merge -o all.profdata all.profdata new.profraw`.
pub fn expand_input(path: &Path, output: Option<&Path>) -> Result<Vec<PathBuf>> {
    let metadata = fs::metadata(path).with_context(|| {
        format!(
            "input {} does not exist or cannot be read: pass existing profile files or directories",
            path.display()
        )
    })?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut found = Vec::new();
    collect_profiles(path, &mut found)?;
    found.retain(|file| output.is_none() || fs::canonicalize(file).ok().as_deref() != output);
    found.sort();
    Ok(found)
}

fn collect_profiles(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        fs::read_dir(dir).with_context(|| format!("could not list directory {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list directory {}", dir.display()))?;
        let path = entry.path();
        let file_type = entry
            .file_type()
            .with_context(|| format!("could not stat {}", path.display()))?;
        if file_type.is_dir() {
            // Symlinked directories are not followed: they could loop.
            collect_profiles(&path, found)?;
        } else if is_profile_file(&path) && (file_type.is_file() || path.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_profile_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("profraw" | "profdata")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_parsing() {
        assert_eq!(
            parse_weighted_input("3:a/b.profraw").unwrap(),
            WeightedInput {
                weight: 3,
                path: "a/b.profraw".into()
            }
        );
        // Only the first ':' separates the weight.
        assert_eq!(
            parse_weighted_input("2:c:d").unwrap().path,
            PathBuf::from("c:d")
        );
        for bad in ["0:x", "-1:x", "x:y", "1.5:x", "nocolon", "4:", ":x"] {
            let err = parse_weighted_input(bad).unwrap_err();
            assert!(err.contains("N:FILE"), "{bad}: {err}");
        }
    }

    #[test]
    fn profile_extensions() {
        assert!(is_profile_file(Path::new("a/default_1_0.profraw")));
        assert!(is_profile_file(Path::new("merged.profdata")));
        assert!(!is_profile_file(Path::new("notes.txt")));
        assert!(!is_profile_file(Path::new("profraw")));
    }
}
