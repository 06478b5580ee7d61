//! The rustc flags a Cargo project's own configuration gives the crates it
//! builds for a target: `build.rustflags` and `target.<triple>.rustflags` /
//! `target.'cfg(…)'.rustflags` of its `.cargo/config.toml` files.
//!
//! Cargo takes rustflags from one source only, the first that has any:
//! `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, the matching `target` tables (all of
//! them, joined), `build.rustflags`. Every nix-pgo cargo stage sets RUSTFLAGS
//! (its PGO flags), so a project's configured flags (`--cfg tokio_unstable`,
//! lints, `-Ctarget-feature`) would be dropped without a word, and the
//! baseline would not be what `cargo build --release` builds. The stages put
//! what this module computes first in RUSTFLAGS instead (cargo.sh).
//!
//! Which files, and how they merge, follows Cargo's documentation
//! ("Hierarchical structure" in The Cargo Book's configuration chapter),
//! checked against cargo 1.95 by tests/cases/48-cargo-config.sh: the
//! working directory and each of its parents, deeper files taking precedence;
//! arrays joined with the deeper file's items last, a string replaced by the
//! deeper one; `.cargo/config` (the old name) read instead of
//! `.cargo/config.toml` when both exist. `$CARGO_HOME/config.toml` is not read:
//! in a stage it is nix-pgo's own (the vendored sources), with no flags.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{bail, Context, Result};
use cargo_platform::{Cfg, CfgExpr};

use crate::tool::Tool;

/// One configuration file's contents.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    table: toml::Table,
}

impl ConfigFile {
    pub fn parse(path: PathBuf, text: &str) -> Result<Self> {
        let table = text.parse::<toml::Table>().with_context(|| {
            format!(
                "{} is not valid TOML, and cargo would refuse it too",
                path.display()
            )
        })?;
        Ok(Self { path, table })
    }
}

/// The configuration files cargo reads in `dir`, lowest precedence first
/// (the root's), as cargo merges them.
pub fn config_files(dir: &Path) -> Result<Vec<ConfigFile>> {
    let mut files = Vec::new();
    for ancestor in dir.ancestors() {
        let cargo_dir = ancestor.join(".cargo");
        // The old name wins when both exist (cargo warns, and so does the stage's log).
        let path = ["config", "config.toml"]
            .iter()
            .map(|name| cargo_dir.join(name))
            .find(|path| path.is_file());
        if let Some(path) = path {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("could not read {}", path.display()))?;
            files.push(ConfigFile::parse(path, &text)?);
        }
    }
    files.reverse();
    Ok(files)
}

/// Where the flags came from, for the stage's log.
#[derive(Debug, PartialEq, Eq)]
pub enum Source {
    /// No file sets any.
    None,
    /// `target.<key>.rustflags` of these keys (the triple, `cfg(…)`s).
    Target(Vec<String>),
    Build,
}

/// The rustflags cargo would pass to crates built for `triple` (with
/// `--target`) from these files, and where they came from. `target_cfg` is
/// rustc's `--print cfg` for that target; without it, `cfg(…)` tables are not
/// matched (cargo's first pass, which gives the flags to ask rustc with).
pub fn rustflags(
    files: &[ConfigFile],
    triple: &str,
    target_cfg: Option<&[Cfg]>,
) -> Result<(Vec<String>, Source)> {
    let keys = target_keys(files);
    let mut flags = Vec::new();
    let mut used = Vec::new();
    // The triple's table first, then the matching cfg(…) ones in key order: cargo
    // reads the `target` table into a sorted map for a deterministic order.
    let matching = std::iter::once(triple)
        .filter(|key| keys.contains(key))
        .chain(
            keys.iter()
                .copied()
                .filter(|key| target_cfg.is_some_and(|cfg| CfgExpr::matches_key(key, cfg))),
        );
    for key in matching {
        if let Some(list) = string_list(files, &["target", key, "rustflags"])? {
            flags.extend(list);
            used.push(key.to_string());
        }
    }
    // An empty list counts as none: cargo then falls back to build.rustflags.
    if !flags.is_empty() {
        return Ok((flags, Source::Target(used)));
    }
    match string_list(files, &["build", "rustflags"])? {
        Some(list) if !list.is_empty() => Ok((list, Source::Build)),
        _ => Ok((Vec::new(), Source::None)),
    }
}

/// The keys of every file's `target` table: triples and `cfg(…)`s, sorted.
fn target_keys(files: &[ConfigFile]) -> BTreeSet<&str> {
    files
        .iter()
        .filter_map(|file| file.table.get("target")?.as_table())
        .flat_map(|targets| targets.keys().map(String::as_str))
        .collect()
}

/// A list-or-string value merged across the files the way cargo merges them.
fn string_list(files: &[ConfigFile], key: &[&str]) -> Result<Option<Vec<String>>> {
    /// The value so far, whether it was an array, and the file it last came from.
    struct Merged<'a> {
        flags: Vec<String>,
        array: bool,
        from: &'a Path,
    }
    let dotted = key.join(".");
    let mut merged: Option<Merged> = None;
    for file in files {
        let Some(value) = lookup(&file.table, key) else {
            continue;
        };
        let (flags, array) = match value {
            toml::Value::String(s) => (s.split_whitespace().map(str::to_string).collect(), false),
            toml::Value::Array(items) => {
                let flags = items
                    .iter()
                    .map(|item| item.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .with_context(|| {
                        format!(
                            "{dotted} in {} has an item that is not a string; cargo needs a \
                             string or an array of strings there",
                            file.path.display()
                        )
                    })?;
                (flags, true)
            }
            other => bail!(
                "{dotted} in {} is a {}; cargo needs a string or an array of strings there",
                file.path.display(),
                other.type_str()
            ),
        };
        let from = file.path.as_path();
        merged = Some(match merged {
            None => Merged { flags, array, from },
            // Arrays join, the deeper file's items last; a deeper string replaces.
            Some(mut m) if m.array && array => {
                m.flags.extend(flags);
                Merged { from, ..m }
            }
            Some(m) if !m.array && !array => Merged { flags, array, from },
            Some(m) => bail!(
                "{dotted} is an array in one of {} and {} and a string in the other; cargo \
                 refuses to merge them (\"failed to merge configuration\"): make both arrays",
                m.from.display(),
                file.path.display()
            ),
        });
    }
    Ok(merged.map(|m| m.flags))
}

/// The value at a dotted key (`["build", "rustflags"]`), if every table on the way is one.
fn lookup<'a>(table: &'a toml::Table, key: &[&str]) -> Option<&'a toml::Value> {
    let (last, parents) = key.split_last()?;
    let mut table = table;
    for part in parents {
        table = table.get(*part)?.as_table()?;
    }
    table.get(*last)
}

/// rustc's `--print cfg` for `triple` with these flags, as cargo asks it.
pub fn target_cfg(rustc: &Tool, triple: &str, flags: &[String]) -> Result<Vec<Cfg>> {
    let mut args = vec![
        "--print".to_string(),
        "cfg".into(),
        "--target".into(),
        triple.into(),
    ];
    args.extend(flags.iter().cloned());
    let output = rustc.run(&args)?;
    let stdout =
        String::from_utf8(output.stdout).context("rustc printed a cfg that is not UTF-8")?;
    stdout
        .lines()
        .map(|line| {
            Cfg::from_str(line)
                .with_context(|| format!("rustc printed a cfg nix-pgo can't parse: {line}"))
        })
        .collect()
}

/// The flags for `triple` with `cfg(…)` tables matched against what rustc
/// says of the target under the flags themselves, as cargo settles them:
/// flags without cfg tables first, then again until they stop changing (a
/// `-Ctarget-feature` can change what a `cfg(target_feature)` matches).
pub fn settled_rustflags(
    files: &[ConfigFile],
    triple: &str,
    rustc: &Tool,
) -> Result<(Vec<String>, Source)> {
    let mut current = rustflags(files, triple, None)?;
    // Without cfg(…) tables rustc's cfg changes nothing: no need to ask it.
    if !target_keys(files).iter().any(|key| key.starts_with("cfg(")) {
        return Ok(current);
    }
    // Cargo gives up after a few turns too, keeping the last flags.
    for _ in 0..3 {
        let cfg = target_cfg(rustc, triple, &current.0)?;
        let next = rustflags(files, triple, Some(&cfg))?;
        if next == current {
            break;
        }
        current = next;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> ConfigFile {
        ConfigFile::parse(PathBuf::from(name), text).unwrap()
    }

    fn linux() -> Vec<Cfg> {
        ["unix", "target_os=\"linux\"", "target_arch=\"x86_64\""]
            .iter()
            .map(|c| Cfg::from_str(c).unwrap())
            .collect()
    }

    const TRIPLE: &str = "x86_64-unknown-linux-gnu";

    #[test]
    fn build_rustflags_as_string_or_array() {
        let files = [file("a", "[build]\nrustflags = \"--cfg  a -Cfoo\"\n")];
        let (flags, source) = rustflags(&files, TRIPLE, None).unwrap();
        assert_eq!(flags, ["--cfg", "a", "-Cfoo"]);
        assert_eq!(source, Source::Build);
        let files = [file("a", "[build]\nrustflags = [\"--cfg\", \"a b\"]\n")];
        assert_eq!(rustflags(&files, TRIPLE, None).unwrap().0, ["--cfg", "a b"]);
    }

    #[test]
    fn target_tables_replace_build_and_join_triple_first() {
        let files = [file(
            "a",
            "[build]\nrustflags = [\"--cfg\", \"b\"]\n\
             [target.'cfg(windows)']\nrustflags = [\"--cfg\", \"w\"]\n\
             [target.'cfg(unix)']\nrustflags = [\"--cfg\", \"u\"]\n\
             [target.'cfg(all())']\nrustflags = [\"--cfg\", \"all\"]\n\
             [target.x86_64-unknown-linux-gnu]\nrustflags = [\"--cfg\", \"t\"]\n\
             [target.aarch64-unknown-linux-gnu]\nrustflags = [\"--cfg\", \"arm\"]\n",
        )];
        let (flags, source) = rustflags(&files, TRIPLE, Some(&linux())).unwrap();
        assert_eq!(flags, ["--cfg", "t", "--cfg", "all", "--cfg", "u"]);
        assert_eq!(
            source,
            Source::Target(vec![TRIPLE.into(), "cfg(all())".into(), "cfg(unix)".into()])
        );
        // Cargo's first pass: the triple's table only.
        assert_eq!(rustflags(&files, TRIPLE, None).unwrap().0, ["--cfg", "t"]);
    }

    #[test]
    fn an_empty_target_list_falls_back_to_build() {
        let files = [file(
            "a",
            "[build]\nrustflags = [\"-Cb\"]\n[target.x86_64-unknown-linux-gnu]\nrustflags = []\n",
        )];
        let (flags, source) = rustflags(&files, TRIPLE, Some(&linux())).unwrap();
        assert_eq!((flags, source), (vec!["-Cb".to_string()], Source::Build));
    }

    #[test]
    fn deeper_files_append_arrays_and_replace_strings() {
        let arrays = [
            file("root", "[build]\nrustflags = [\"-Croot\"]\n"),
            file("project", "[build]\nrustflags = [\"-Cproject\"]\n"),
        ];
        assert_eq!(
            rustflags(&arrays, TRIPLE, None).unwrap().0,
            ["-Croot", "-Cproject"]
        );
        let strings = [
            file("root", "[build]\nrustflags = \"-Croot\"\n"),
            file("project", "[build]\nrustflags = \"-Cproject\"\n"),
        ];
        assert_eq!(rustflags(&strings, TRIPLE, None).unwrap().0, ["-Cproject"]);
        let mixed = [
            file("root", "[build]\nrustflags = [\"-Croot\"]\n"),
            file("project", "[build]\nrustflags = \"-Cproject\"\n"),
        ];
        let error = rustflags(&mixed, TRIPLE, None).unwrap_err().to_string();
        assert!(
            error.contains("root") && error.contains("project"),
            "{error}"
        );
    }

    #[test]
    fn no_flags_and_bad_values() {
        let files = [file("a", "[alias]\nb = \"build\"\n")];
        assert_eq!(
            rustflags(&files, TRIPLE, None).unwrap(),
            (vec![], Source::None)
        );
        let files = [file("a", "[build]\nrustflags = 3\n")];
        assert!(rustflags(&files, TRIPLE, None).is_err());
        let files = [file("a", "[build]\nrustflags = [\"-C\", 3]\n")];
        assert!(rustflags(&files, TRIPLE, None).is_err());
        assert!(ConfigFile::parse("a".into(), "[build\n").is_err());
    }

    #[test]
    fn the_old_file_name_wins_and_parents_come_first() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-cargo-config-{}", std::process::id()));
        let project = dir.join("project");
        std::fs::create_dir_all(project.join(".cargo")).unwrap();
        std::fs::create_dir_all(dir.join(".cargo")).unwrap();
        std::fs::write(
            dir.join(".cargo/config.toml"),
            "[build]\nrustflags = [\"-Cparent\"]\n",
        )
        .unwrap();
        std::fs::write(
            project.join(".cargo/config"),
            "[build]\nrustflags = [\"-Cold\"]\n",
        )
        .unwrap();
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[build]\nrustflags = [\"-Cnew\"]\n",
        )
        .unwrap();
        let files = config_files(&project).unwrap();
        let flags = rustflags(&files, TRIPLE, None).unwrap().0;
        std::fs::remove_dir_all(&dir).unwrap();
        // Files above the temporary directory (a /tmp/.cargo) would come first.
        assert!(
            flags.ends_with(&["-Cparent".to_string(), "-Cold".to_string()]),
            "{flags:?}"
        );
    }
}
