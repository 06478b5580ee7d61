//! How well a pprof profile fits a binary: the share of its samples whose
//! functions are in the binary's symbol table (the pprof side's staleness).
//! A profile of another program matches little or nothing.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use object::{Object, ObjectSection, ObjectSymbol};
use serde::Serialize;

use super::pclntab;
use super::proto::Profile;
use super::show::value_index;
use super::{function_names, sample_types};

/// What a binary's ELF says about it.
pub struct Binary {
    /// Names in its symbol table (`.symtab`, absent when linked with `-s`)
    /// and, for a Go binary, in its function table (`.gopclntab`, always there).
    pub symbols: HashSet<String>,
    /// The GNU build ID note as hex, which is what Go's runtime/pprof writes
    /// as the mapping's build ID.
    pub gnu_build_id: Option<String>,
    /// Go's own build ID (`.note.go.buildid`), as `go tool buildid` prints it.
    pub go_build_id: Option<String>,
}

pub fn read_binary(path: &Path) -> Result<Binary> {
    let data = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let file = object::File::parse(data.as_slice()).with_context(|| {
        format!(
            "{} is not an executable this nix-pgo reads (ELF)",
            path.display()
        )
    })?;
    // Go's assembly functions are `<name>.abi0` in the symbol table, and
    // `<name>` in profiles.
    let mut symbols: HashSet<String> = file
        .symbols()
        .filter_map(|s| s.name().ok())
        .filter(|s| !s.is_empty())
        .map(|s| s.strip_suffix(".abi0").unwrap_or(s).to_owned())
        .collect();
    // The names the runtime writes into profiles, kept by `-ldflags=-s`.
    if let Some(table) = file.section_by_name(".gopclntab") {
        let table = table
            .data()
            .with_context(|| format!("could not read .gopclntab of {}", path.display()))?;
        let names = pclntab::function_names(table)
            .with_context(|| format!("could not read the Go functions of {}", path.display()))?;
        symbols.extend(names);
    }
    let gnu_build_id = file
        .build_id()
        .ok()
        .flatten()
        .map(|id| id.iter().map(|b| format!("{b:02x}")).collect());
    let go_build_id = file
        .section_by_name(".note.go.buildid")
        .and_then(|s| s.data().ok())
        .and_then(go_note);
    Ok(Binary {
        symbols,
        gnu_build_id,
        go_build_id,
    })
}

/// The descriptor of the ELF note `.note.go.buildid` (name "Go", type 4).
fn go_note(note: &[u8]) -> Option<String> {
    let word = |i: usize| {
        note.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (namesz, descsz) = (word(0)?, word(4)?);
    let desc = 12 + namesz.div_ceil(4) * 4;
    let id = note.get(desc..desc + descsz)?;
    Some(String::from_utf8_lossy(id).into_owned())
}

/// The match of one profile against one binary.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchReport {
    /// Distinct functions (outermost frame of each location: the function
    /// the machine code belongs to, which is what a symbol table lists).
    pub functions: usize,
    pub functions_matched: usize,
    pub function_rate: f64,
    pub value_type: String,
    pub value: i64,
    /// Value of the samples whose innermost location's function is in the binary.
    pub value_matched: i64,
    pub value_rate: f64,
    /// The same for the program's own functions ([`is_program_function`]),
    /// leaving out the runtime and standard library every Go binary has.
    pub program_functions: usize,
    pub program_functions_matched: usize,
    pub program_value: i64,
    pub program_value_matched: i64,
    pub program_value_rate: f64,
    /// The hottest functions not in the binary, with their flat value.
    pub unmatched: Vec<(String, i64)>,
}

/// Whether a Go function belongs to the program rather than the Go
/// distribution: package `main`, or a package whose import path starts with
/// a domain (standard library paths have no dot in their first element).
pub fn is_program_function(name: &str) -> bool {
    let after_slash = name.rfind('/').map_or(0, |i| i + 1);
    let package = match name[after_slash..].find('.') {
        Some(dot) => &name[..after_slash + dot],
        None => name,
    };
    let first = package.split('/').next().unwrap_or(package);
    package == "main" || first.contains('.')
}

pub fn match_profile(p: &Profile, binary: &Binary) -> Result<MatchReport> {
    if binary.symbols.is_empty() {
        bail!("it has no symbol table and no Go function table (.gopclntab): is it a Go program, or stripped by a tool that removed sections?");
    }
    let index = value_index(p);
    let names = function_names(p);
    let physical: BTreeMap<u64, Option<&str>> = p
        .location
        .iter()
        .map(|l| {
            (
                l.id,
                l.line
                    .last()
                    .and_then(|line| names.get(&line.function_id).copied()),
            )
        })
        .collect();
    let mut flat: BTreeMap<&str, i64> = BTreeMap::new();
    for name in physical.values().flatten() {
        flat.entry(name).or_default();
    }
    let (mut value, mut value_matched) = (0i64, 0i64);
    let (mut program_value, mut program_value_matched) = (0i64, 0i64);
    for s in &p.sample {
        let v = s.value.get(index).copied().unwrap_or(0);
        value = value.saturating_add(v);
        let leaf = s
            .location_id
            .first()
            .and_then(|id| physical.get(id).copied().flatten());
        if let Some(leaf) = leaf {
            *flat.entry(leaf).or_default() += v;
            let found = binary.symbols.contains(leaf);
            if found {
                value_matched = value_matched.saturating_add(v);
            }
            if is_program_function(leaf) {
                program_value = program_value.saturating_add(v);
                if found {
                    program_value_matched = program_value_matched.saturating_add(v);
                }
            }
        }
    }
    let functions_matched = flat.keys().filter(|n| binary.symbols.contains(**n)).count();
    let program: Vec<&&str> = flat.keys().filter(|n| is_program_function(n)).collect();
    let program_functions_matched = program
        .iter()
        .filter(|n| binary.symbols.contains(***n))
        .count();
    let mut unmatched: Vec<(String, i64)> = flat
        .iter()
        .filter(|(n, _)| !binary.symbols.contains(**n))
        .map(|(n, v)| ((*n).to_owned(), *v))
        .collect();
    unmatched.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    unmatched.truncate(10);
    let rate = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    Ok(MatchReport {
        functions: flat.len(),
        functions_matched,
        function_rate: rate(functions_matched as f64, flat.len() as f64),
        value_type: sample_types(p).get(index).cloned().unwrap_or_default(),
        value,
        value_matched,
        value_rate: rate(value_matched as f64, value as f64),
        program_functions: program.len(),
        program_functions_matched,
        program_value,
        program_value_matched,
        program_value_rate: rate(program_value_matched as f64, program_value as f64),
        unmatched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_functions_are_main_and_module_packages() {
        assert!(is_program_function("main.render"));
        assert!(is_program_function("main.(*server).ServeHTTP"));
        assert!(is_program_function(
            "example.com/svc/internal/db.(*Pool).Get"
        ));
        assert!(!is_program_function("runtime.mallocgc"));
        assert!(!is_program_function("net/http.(*conn).serve"));
        assert!(!is_program_function(
            "vendor/golang.org/x/net/http2/hpack.HuffmanDecode"
        ));
        assert!(!is_program_function(
            "internal/runtime/atomic.(*Uint32).Load"
        ));
    }
}
