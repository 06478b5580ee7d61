//! How well a pprof profile fits a binary: the share of its samples whose
//! functions are in the binary's symbol table (the pprof side's staleness).
//! A profile of another program matches little or nothing.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use object::{Object, ObjectSection, ObjectSymbol};
use serde::{Deserialize, Serialize};

use super::pclntab;
use super::proto::Profile;
use super::show::value_index;
use super::{function_names, sample_types, string};

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
    /// The main module's path from Go's build info (`go version -m`'s `mod`
    /// line): a module named without a domain (`go mod init goservice`) has
    /// packages that look like the standard library's otherwise.
    pub main_module: Option<String>,
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
    let main_module = file
        .section_by_name(".go.buildinfo")
        .and_then(|s| s.data().ok())
        .and_then(main_module);
    Ok(Binary {
        symbols,
        gnu_build_id,
        go_build_id,
        main_module,
    })
}

/// The main module's path in Go's build info (section `.go.buildinfo`, the
/// format of Go 1.18 and later: after a 32-byte header, the Go version and
/// the module information as varint-length-prefixed strings; the module
/// information has a line `mod\t<path>\t<version>...`). None when absent or
/// in another format: the package names alone then decide.
fn main_module(section: &[u8]) -> Option<String> {
    const MAGIC: &[u8] = b"\xff Go buildinf:";
    const INLINE_STRINGS: u8 = 0x2;
    if !section.starts_with(MAGIC) || section.get(15)? & INLINE_STRINGS == 0 {
        return None;
    }
    let mut rest = section.get(32..)?;
    let mut next = || -> Option<&[u8]> {
        let (mut len, mut shift, mut used) = (0usize, 0u32, 0usize);
        for &b in rest.iter().take(10) {
            used += 1;
            len |= usize::from(b & 0x7f).checked_shl(shift)?;
            shift += 7;
            if b & 0x80 == 0 {
                let text = rest.get(used..used.checked_add(len)?)?;
                rest = &rest[used + len..];
                return Some(text);
            }
        }
        None
    };
    let _version = next()?;
    let info = String::from_utf8_lossy(next()?).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("mod\t"))
        .and_then(|l| l.split('\t').next())
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
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
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    /// The main module, from the binary's build info, when it has one.
    pub main_module: Option<String>,
    /// The same for the program's own functions ([`is_program_function`])
    /// other than `main.main`, leaving out the runtime and standard library
    /// (and `main.main`) that every Go program has: the distinct ones on the
    /// profile's stacks, and the value of the samples with one on their
    /// stack, each counted for the innermost (the program's code the time was
    /// spent in or under), matched when that one is in the binary.
    pub program_functions: usize,
    pub program_functions_matched: usize,
    pub program_value: i64,
    pub program_value_matched: i64,
    pub program_value_rate: f64,
    /// Value of the samples whose only function of the program is `main.main`,
    /// leaving out those of `go test`'s harness ([`is_test_harness`]).
    pub main_only_value: i64,
    /// The hottest functions not in the binary, with their flat value.
    pub unmatched: Vec<(String, i64)>,
    /// The program's own functions not in the binary, with the value counted
    /// for them (renamed or removed since the profile was taken).
    pub program_unmatched: Vec<(String, i64)>,
}

impl MatchReport {
    /// How stale the profile is for the binary: the percentage of its value under the
    /// program's own functions that is in functions the binary doesn't have (renamed or
    /// removed since the profile was taken), which Go's PGO can't use. None when no
    /// function of the program but `main.main` is on its stacks: nothing to tell by.
    pub fn stale_percent(&self) -> Option<f64> {
        (self.program_value > 0).then(|| {
            100.0 * (self.program_value - self.program_value_matched) as f64
                / self.program_value as f64
        })
    }
}

/// Whether a Go function belongs to the program rather than the Go
/// distribution or a dependency: package `main` or a package of the main
/// module. A binary without build info names no main module; then every
/// package whose import path starts with a domain counts (standard library
/// paths have no dot in their first element).
pub fn is_program_function(name: &str, main_module: Option<&str>) -> bool {
    let package = package_of(name);
    if package == "main" {
        return true;
    }
    match main_module {
        Some(m) => {
            package == m
                || package
                    .strip_prefix(m)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
        None => package.split('/').next().unwrap_or(package).contains('.'),
    }
}

/// The import path of a Go function's package: up to the first dot after the
/// last slash (`net/http.(*conn).serve` is in `net/http`).
fn package_of(name: &str) -> &str {
    let after_slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[after_slash..].find('.') {
        Some(dot) => &name[..after_slash + dot],
        None => name,
    }
}

/// Whether a function is `go test`'s: a test binary's generated `main.main`
/// calls `testing.(*M).Run`, so a sample of the harness itself (reporting a
/// benchmark's result, say) has `main.main` on its stack without being the
/// program's.
fn is_test_harness(name: &str) -> bool {
    let package = package_of(name);
    package == "testing" || package.starts_with("testing/")
}

/// Every Go program has it, so it tells no program from another.
const MAIN_MAIN: &str = "main.main";

/// The file nix-pgo's Go profiling build adds to each main package (its
/// `-overlay`, nix/internal/go/goBuild.sh): its hook's functions
/// (`main.init.0`, …) are in a profile of that build and in no other.
pub const PROFILING_HOOK_FILE: &str = "zz_nix_pgo_profile.go";

/// Whether a function in the source file `file` is in a profile of the
/// program without being the program's code: a test's or benchmark's
/// (`_test.go`: `go test` builds them, the program never has them) or the
/// profiling build's hook.
fn is_outside_the_program(file: &str) -> bool {
    let base = file.rsplit('/').next().unwrap_or(file);
    base.ends_with("_test.go") || base == PROFILING_HOOK_FILE
}

/// The `n` largest entries, largest first (ties by name).
fn largest(map: &BTreeMap<&str, i64>, n: usize, keep: impl Fn(&str) -> bool) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = map
        .iter()
        .filter(|(name, _)| keep(name))
        .map(|(name, v)| ((*name).to_owned(), *v))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

pub fn match_profile(p: &Profile, binary: &Binary) -> Result<MatchReport> {
    if binary.symbols.is_empty() {
        bail!("it has no symbol table and no Go function table (.gopclntab): is it a Go program, or stripped by a tool that removed sections?");
    }
    let module = binary.main_module.as_deref();
    // A benchmark's functions and the profiling hook's are in package main or the
    // main module too, and in no build of the program: not "renamed or removed".
    let outside: HashSet<&str> = p
        .function
        .iter()
        .filter(|f| is_outside_the_program(string(p, f.filename)))
        .map(|f| string(p, f.name))
        .collect();
    let own = |name: &str| {
        name != MAIN_MAIN && !outside.contains(name) && is_program_function(name, module)
    };
    let in_binary = |name: &str| binary.symbols.contains(name);
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
    // Value counted for each of the program's own functions on a stack.
    let mut program: BTreeMap<&str, i64> = BTreeMap::new();
    let (mut value, mut value_matched) = (0i64, 0i64);
    let (mut program_value, mut program_value_matched, mut main_only_value) = (0i64, 0i64, 0i64);
    for s in &p.sample {
        let v = s.value.get(index).copied().unwrap_or(0);
        value = value.saturating_add(v);
        // Leaf first; a location without a function names none.
        let frames: Vec<Option<&str>> = s
            .location_id
            .iter()
            .map(|id| physical.get(id).copied().flatten())
            .collect();
        if let Some(leaf) = frames.first().copied().flatten() {
            *flat.entry(leaf).or_default() += v;
            if in_binary(leaf) {
                value_matched = value_matched.saturating_add(v);
            }
        }
        let stack: Vec<&str> = frames.into_iter().flatten().collect();
        for name in stack.iter().filter(|n| own(n)) {
            program.entry(name).or_default();
        }
        match stack.iter().find(|n| own(n)) {
            Some(innermost) => {
                *program.entry(innermost).or_default() += v;
                program_value = program_value.saturating_add(v);
                if in_binary(innermost) {
                    program_value_matched = program_value_matched.saturating_add(v);
                }
            }
            None if stack.contains(&MAIN_MAIN) && !stack.iter().any(|n| is_test_harness(n)) => {
                main_only_value = main_only_value.saturating_add(v)
            }
            None => {}
        }
    }
    let functions_matched = flat.keys().filter(|n| in_binary(n)).count();
    let program_functions_matched = program.keys().filter(|n| in_binary(n)).count();
    let rate = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    Ok(MatchReport {
        functions: flat.len(),
        functions_matched,
        function_rate: rate(functions_matched as f64, flat.len() as f64),
        value_type: sample_types(p).get(index).cloned().unwrap_or_default(),
        value,
        value_matched,
        value_rate: rate(value_matched as f64, value as f64),
        main_module: binary.main_module.clone(),
        program_functions: program.len(),
        program_functions_matched,
        program_value,
        program_value_matched,
        program_value_rate: rate(program_value_matched as f64, program_value as f64),
        main_only_value,
        unmatched: largest(&flat, 10, |n| !in_binary(n)),
        program_unmatched: largest(&program, 10, |n| !in_binary(n)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::pprof::proto::{Function, Line, Location, Sample, ValueType};

    /// A CPU profile of the given stacks (leaf first) and their values.
    fn profile(stacks: &[(&[&str], i64)]) -> Profile {
        let mut p = Profile {
            string_table: vec![String::new(), "cpu".into(), "nanoseconds".into()],
            sample_type: vec![ValueType { r#type: 1, unit: 2 }],
            ..Profile::default()
        };
        let mut id_of = BTreeMap::new();
        for (stack, value) in stacks {
            let mut ids = vec![];
            for name in *stack {
                let next = id_of.len() as u64 + 1;
                let id = *id_of.entry(name.to_string()).or_insert(next);
                if id == next {
                    p.string_table.push(name.to_string());
                    let name = p.string_table.len() as i64 - 1;
                    p.function.push(Function {
                        id,
                        name,
                        ..Function::default()
                    });
                    p.location.push(Location {
                        id,
                        line: vec![Line {
                            function_id: id,
                            ..Line::default()
                        }],
                        ..Location::default()
                    });
                }
                ids.push(id);
            }
            p.sample.push(Sample {
                location_id: ids,
                value: vec![*value],
                ..Sample::default()
            });
        }
        p
    }

    fn binary(symbols: &[&str], main_module: Option<&str>) -> Binary {
        Binary {
            symbols: symbols.iter().map(|s| s.to_string()).collect(),
            gnu_build_id: None,
            go_build_id: None,
            main_module: main_module.map(str::to_owned),
        }
    }

    const SERVICE: &[&str] = &[
        "main.main",
        "main.handleGrep",
        "example.com/svc/index.Search",
        "runtime.main",
        "net/http.(*conn).serve",
        "regexp.(*Regexp).FindStringSubmatch",
        "crypto/sha512.blockAMD64",
    ];

    #[test]
    fn own_functions_are_counted_on_the_stack_not_only_at_the_leaf() {
        // All time in the standard library, under the program's own handler.
        let p = profile(&[
            (
                &[
                    "regexp.(*Regexp).FindStringSubmatch",
                    "main.handleGrep",
                    "net/http.(*conn).serve",
                ],
                90,
            ),
            (&["runtime.gcBgMarkWorker"], 10),
        ]);
        let m = match_profile(&p, &binary(SERVICE, Some("example.com/svc"))).unwrap();
        assert_eq!((m.program_value, m.program_value_matched), (90, 90));
        assert_eq!((m.program_functions, m.program_functions_matched), (1, 1));
    }

    /// `p` with the source file of each function named in `files`.
    fn with_files(mut p: Profile, files: &[(&str, &str)]) -> Profile {
        for (function, file) in files {
            p.string_table.push(file.to_string());
            let file = p.string_table.len() as i64 - 1;
            let f = p
                .function
                .iter_mut()
                .find(|f| p.string_table[f.name as usize] == *function)
                .expect("a function of the profile");
            f.filename = file;
        }
        p
    }

    #[test]
    fn a_benchmarks_and_the_profiling_hooks_functions_are_not_missing_from_the_program() {
        // The goldmark trial: a benchmark in the program's package (BenchmarkRender and its
        // closure, in bench_test.go) and the hook the profiling build adds to package main
        // (main.init.0, calling os/signal.Notify) were "renamed or removed since the
        // profile was taken".
        let p = with_files(
            profile(&[
                (
                    &[
                        "main.handleGrep",
                        "main.BenchmarkRender.func1",
                        "main.BenchmarkRender",
                        "testing.(*B).runN",
                    ],
                    60,
                ),
                (&["main.BenchmarkRender", "testing.(*B).runN"], 10),
                (&["os/signal.Notify", "main.init.0", "runtime.doInit1"], 5),
                (&["main.handleGrep", "main.main"], 25),
            ]),
            &[
                (
                    "main.BenchmarkRender.func1",
                    "example.com/svc/bench_test.go",
                ),
                ("main.BenchmarkRender", "example.com/svc/bench_test.go"),
                ("main.init.0", "example.com/svc/zz_nix_pgo_profile.go"),
                ("main.handleGrep", "example.com/svc/grep.go"),
            ],
        );
        let m = match_profile(&p, &binary(SERVICE, Some("example.com/svc"))).unwrap();
        assert_eq!(m.program_unmatched, vec![]);
        assert_eq!((m.program_value, m.program_value_matched), (85, 85));
    }

    #[test]
    fn another_programs_own_function_does_not_match_through_main_main() {
        // Another program's main.work, all of its time in sha512, under main.main.
        let p = profile(&[(
            &[
                "crypto/sha512.blockAMD64",
                "main.work",
                "main.main",
                "runtime.main",
            ],
            100,
        )]);
        let m = match_profile(&p, &binary(SERVICE, Some("example.com/svc"))).unwrap();
        assert_eq!((m.program_value, m.program_value_matched), (100, 0));
        assert_eq!(m.program_unmatched, vec![("main.work".to_owned(), 100)]);
    }

    #[test]
    fn a_standard_library_benchmark_has_no_function_of_the_program() {
        let p = profile(&[(
            &[
                "unicode/utf8.RuneCount",
                "unicode/utf8.BenchmarkRuneCount",
                "testing.(*B).runN",
            ],
            100,
        )]);
        let m = match_profile(&p, &binary(SERVICE, Some("example.com/svc"))).unwrap();
        assert_eq!(
            (m.program_value, m.main_only_value, m.program_functions),
            (0, 0, 0)
        );
    }

    #[test]
    fn a_benchmark_result_reported_under_the_test_main_is_not_the_programs() {
        // A real stack of `go test -bench` (Go 1.27): the harness formats the
        // result on the main goroutine, under the generated main.main.
        let p = profile(&[
            (
                &[
                    "unicode/utf8.RuneCount",
                    "unicode/utf8_test.BenchmarkRuneCountTenJapaneseChars",
                    "testing.(*B).runN",
                    "testing.(*B).launch",
                ],
                990,
            ),
            (
                &[
                    "runtime.mallocgc",
                    "testing.prettyPrint",
                    "testing.(*B).Run",
                    "testing.runBenchmarks",
                    "testing.(*M).Run",
                    "main.main",
                    "runtime.main",
                ],
                10,
            ),
        ]);
        let m = match_profile(&p, &binary(SERVICE, Some("example.com/svc"))).unwrap();
        assert_eq!((m.program_value, m.main_only_value), (0, 0));
        assert!(is_test_harness(
            "testing/internal/testdeps.TestDeps.ImportPath"
        ));
        assert!(!is_test_harness("example.com/testing.Run"));
    }

    #[test]
    fn the_innermost_own_function_carries_the_value() {
        // A renamed handler under a middleware that still exists: the samples
        // are the handler's, which the binary no longer has.
        let p = profile(&[
            (
                &["sort.Strings", "main.handleGrep", "main.logged.func1"],
                70,
            ),
            (
                &["sort.Strings", "main.grepHandler", "main.logged.func1"],
                30,
            ),
        ]);
        let symbols = ["main.grepHandler", "main.logged.func1", "sort.Strings"];
        let m = match_profile(&p, &binary(&symbols, Some("example.com/svc"))).unwrap();
        assert_eq!((m.program_value, m.program_value_matched), (100, 30));
        assert_eq!(
            m.program_unmatched,
            vec![("main.handleGrep".to_owned(), 70)]
        );
    }

    #[test]
    fn main_main_alone_tells_nothing() {
        let p = profile(&[(&["crypto/sha256.block", "main.main", "runtime.main"], 100)]);
        let m = match_profile(&p, &binary(SERVICE, None)).unwrap();
        assert_eq!((m.program_value, m.main_only_value), (0, 100));
    }

    #[test]
    fn the_main_module_makes_its_packages_the_programs() {
        let module = Some("goservice");
        assert!(is_program_function(
            "goservice/internal/db.(*Pool).Get",
            module
        ));
        assert!(is_program_function("goservice.Handler", module));
        assert!(!is_program_function("goservicex/db.Get", module));
        assert!(!is_program_function(
            "github.com/klauspost/compress/flate.(*compressor).deflate",
            module
        ));
        // Without build info, only the package names decide.
        assert!(!is_program_function(
            "goservice/internal/db.(*Pool).Get",
            None
        ));
        assert!(is_program_function(
            "github.com/klauspost/compress/flate.NewWriter",
            None
        ));
    }

    #[test]
    fn program_functions_are_main_and_module_packages() {
        let is_program_function = |name| is_program_function(name, None);
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
