//! Reading callgrind's output files (`callgrind.out.<pid>`) directly, as
//! valgrind's "Callgrind Format Specification" describes them, instead of
//! scraping `callgrind_annotate`'s table with awk (issue 11: awk printed
//! 2371760000 as `2.37176e+09`, and an empty table went unnoticed).
//!
//! What matters here is the self cost of each function in the `Ir` event
//! (instructions executed). The parts of the format that decide it:
//!
//! - `events:` names the cost columns; `Ir` is picked by name, since cache
//!   simulation adds others (`Dr`, `D1mr`, ...) in front of or after it.
//! - `positions:` says how many position columns (`line`, or `instr line`)
//!   start every cost line; they may be compressed (`+N`, `-N`, `*`), which
//!   only matters for where a cost is, never for how much it is, so they are
//!   skipped by count.
//! - `fn=(id) name` defines a compressed name, `fn=(id)` reuses it; `cfn=`
//!   shares the same table, so a name can be defined by a call first.
//! - The cost line after `calls=` is the inclusive cost of the call, already
//!   counted as self cost inside the callee: adding it would count it twice.
//! - `totals:` (end) and `summary:` (header) give the whole run's cost; the
//!   self costs must add up to it, which is how a misread file is caught.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// Self instruction counts of one or more callgrind runs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// The runs' total, from their `summary:`/`totals:` lines.
    pub total: u64,
    /// Self instructions per function name, summed over objects, files and runs.
    pub functions: BTreeMap<String, u64>,
    /// How many callgrind output files were read.
    pub runs: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) -> Result<()> {
        self.total = checked_sum(self.total, other.total)?;
        for (name, count) in other.functions {
            let entry = self.functions.entry(name).or_insert(0);
            *entry = checked_sum(*entry, count)?;
        }
        self.runs += other.runs;
        Ok(())
    }
}

fn checked_sum(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b)
        .with_context(|| format!("instruction count overflows u64 ({a} + {b})"))
}

/// Read and sum several callgrind output files (one per process the
/// workload started).
pub fn read_files<P: AsRef<Path>>(paths: &[P]) -> Result<Counts> {
    if paths.is_empty() {
        bail!("no callgrind output files given");
    }
    let mut counts = Counts::default();
    for path in paths {
        let path = path.as_ref();
        let bytes = fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
        // Symbol names are bytes from the binary's debug info; a stray
        // non-UTF-8 byte must not lose the whole run.
        let one = parse(&String::from_utf8_lossy(&bytes))
            .with_context(|| format!("in callgrind output {}", path.display()))?;
        counts.add(one)?;
    }
    Ok(counts)
}

/// Parse one callgrind output file.
pub fn parse(text: &str) -> Result<Counts> {
    let mut positions: usize = 1; // "positions: line" is the default
    let mut ir_column: Option<usize> = None;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut current: Option<String> = None;
    let mut after_calls = false;
    let mut summaries: Vec<u64> = Vec::new();
    let mut totals: Vec<u64> = Vec::new();
    let mut functions: BTreeMap<String, u64> = BTreeMap::new();
    let mut self_sum: u64 = 0;

    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let first = line.as_bytes()[0];
        if first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'*') {
            if std::mem::take(&mut after_calls) {
                continue; // inclusive cost of a call: counted in the callee
            }
            let Some(column) = ir_column else {
                bail!("line {number}: cost line before the `events:` line");
            };
            let mut fields = line.split_whitespace().skip(positions);
            // Missing trailing events are zero (format spec).
            let Some(value) = fields.nth(column) else {
                continue;
            };
            let value: u64 = value
                .parse()
                .with_context(|| format!("line {number}: {value:?} is not an event count"))?;
            let Some(function) = &current else {
                bail!("line {number}: cost line before any `fn=` line");
            };
            let entry = functions.entry(function.clone()).or_insert(0);
            *entry = checked_sum(*entry, value)?;
            self_sum = checked_sum(self_sum, value)?;
            continue;
        }

        let key_len = line
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let (key, rest) = line.split_at(key_len);
        if let Some(value) = rest.strip_prefix('=') {
            match key {
                "fn" => current = Some(resolve_name(value, &mut names, number)?),
                // Defines names in the same table as fn=, without changing
                // the function the following costs belong to.
                "cfn" => {
                    resolve_name(value, &mut names, number)?;
                }
                "calls" => after_calls = true,
                // Object and file changes (fi=/fe= are inlined code) and jump
                // records: they move costs between files, not functions. A
                // jump's next line is a position without costs.
                "ob" | "fl" | "fi" | "fe" | "cob" | "cfi" | "cfl" | "jump" | "jcnd" => {}
                _ => bail!("line {number}: unknown specification {key:?} in {line:?}"),
            }
        } else if let Some(value) = rest.strip_prefix(':') {
            match key {
                "events" => {
                    let events: Vec<&str> = value.split_whitespace().collect();
                    let Some(column) = events.iter().position(|e| *e == "Ir") else {
                        bail!(
                            "line {number}: no `Ir` event among {events:?}: callgrind must \
                             count instructions (do not pass --collect-atstart=no or \
                             --toggle-collect without a workload that reaches it)"
                        );
                    };
                    ir_column = Some(column);
                }
                "positions" => {
                    positions = value.split_whitespace().count();
                    if positions == 0 {
                        bail!("line {number}: empty `positions:` line");
                    }
                }
                "summary" | "totals" => {
                    let Some(column) = ir_column else {
                        bail!("line {number}: `{key}:` before the `events:` line");
                    };
                    let value = value.split_whitespace().nth(column).unwrap_or("0");
                    let value: u64 = value.parse().with_context(|| {
                        format!("line {number}: {value:?} is not an instruction count")
                    })?;
                    if key == "summary" {
                        summaries.push(value);
                    } else {
                        totals.push(value);
                    }
                }
                // version, creator, pid, cmd, part, thread, desc, event, ...
                _ => {}
            }
        } else {
            bail!("line {number}: not a callgrind line: {line:?}");
        }
    }

    if ir_column.is_none() {
        bail!("no `events:` line: not a callgrind output file (empty or truncated?)");
    }
    let summary = sum(&summaries)?;
    let total = sum(&totals)?;
    // `totals:` is the sum of the costs written to the file, so it is what the
    // self costs must add up to. `summary:` can differ from it: callgrind
    // 3.19 with --cache-sim=yes on /bin/true writes `summary:` 2 Ir above
    // `totals:` (and above the file's costs). Without `totals:` (older
    // files, or a dump without it) `summary:` is checked the same way.
    let total = match (totals.is_empty(), summaries.is_empty()) {
        (false, _) => total,
        (true, false) => summary,
        (true, true) => bail!(
            "no `summary:` or `totals:` line: the run's total is unknown (was the program \
             killed before callgrind wrote its output?)"
        ),
    };
    if self_sum != total {
        bail!(
            "the functions' self costs add up to {self_sum} instructions, but the file's total \
             is {total}: the file is not in the format this parser reads"
        );
    }
    if total == 0 {
        bail!("the run executed no instructions: callgrind collected nothing");
    }
    Ok(Counts {
        total,
        functions,
        runs: 1,
    })
}

fn sum(values: &[u64]) -> Result<u64> {
    values.iter().try_fold(0, |a, &b| checked_sum(a, b))
}

/// `(id) name` defines a compressed name, `(id)` refers to one, and a bare
/// `name` is uncompressed.
fn resolve_name(value: &str, names: &mut HashMap<String, String>, number: usize) -> Result<String> {
    let name = match value.strip_prefix('(') {
        Some(compressed) => {
            let Some((id, name)) = compressed.split_once(')') else {
                bail!("line {number}: unterminated name id in {value:?}");
            };
            let name = name.strip_prefix(' ').unwrap_or(name);
            if name.is_empty() {
                match names.get(id) {
                    Some(name) => name.clone(),
                    None => bail!("line {number}: name id ({id}) used before it is defined"),
                }
            } else {
                let name = function_name(name);
                names.insert(id.to_owned(), name.clone());
                name
            }
        }
        None => function_name(value),
    };
    Ok(name)
}

/// The name a function is reported under: callgrind appends `'N` to the Nth
/// level of a recursion (--separate-recs), which is the same function.
fn function_name(name: &str) -> String {
    if let Some((base, level)) = name.rsplit_once('\'') {
        if !base.is_empty() && !level.is_empty() && level.bytes().all(|b| b.is_ascii_digit()) {
            return base.to_owned();
        }
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(n, c)| (n.to_string(), *c)).collect()
    }

    #[test]
    fn call_costs_are_inclusive_and_not_self_costs() {
        let text = "\
# callgrind format
version: 1
positions: line
events: Ir
summary: 110

ob=(1) /bin/demo
fl=(1) demo.rs
fn=(1) main
3 10
cfn=(2) helper
calls=1 7
4 100
fn=(2)
7 60
+1 40
";
        let c = parse(text).expect("valid");
        assert_eq!(c.total, 110);
        assert_eq!(c.functions, counts(&[("main", 10), ("helper", 100)]));
    }

    #[test]
    fn picks_ir_by_name_and_handles_positions_and_compression() {
        // Cache simulation puts Ir among other events; `instr line` gives two
        // position columns, compressed with +N, -N and *; fi=/fe= switch to
        // inlined files inside the same function.
        let text = "\
positions: instr line
events: Dr Ir Dw
summary: 9 1000 7

ob=(1) /bin/demo
fl=(2) a.rs
fn=(5) <T as core::cmp::PartialEq>::eq
0x1000 10 1 300 1
+4 * 2 200
fi=(3) inlined.rs
-2 +5 3 100 3
fe=(2)
* -1 3 0 3
fn=(6) recurse'2
0x2000 1 0 150
fn=(7) recurse
+1 2 0 250
cfn=(5)
calls=2 0x1000 10
* * 50 999 50
jump=1 +8 12
+8 12
";
        let c = parse(text).expect("valid");
        assert_eq!(c.total, 1000);
        assert_eq!(
            c.functions,
            counts(&[("<T as core::cmp::PartialEq>::eq", 600), ("recurse", 400)])
        );
    }

    #[test]
    fn totals_above_2_pow_32_stay_exact() {
        let text = "\
events: Ir
fn=(1) hot
1 4294967296
2 4294967297
fn=(2) cold
1 1
totals: 8589934594
";
        let c = parse(text).expect("valid");
        assert_eq!(c.total, 8_589_934_594);
        assert_eq!(c.functions["hot"], 8_589_934_593);
    }

    #[test]
    fn fails_closed() {
        // Nothing read: never a count.
        assert!(parse("").is_err());
        assert!(parse("# callgrind format\nversion: 1\n").is_err());
        // No total to check against.
        assert!(parse("events: Ir\nfn=(1) f\n1 5\n").is_err());
        // Costs that do not add up to the summary (e.g. a misread call line).
        let err = parse("events: Ir\nsummary: 10\nfn=(1) f\n1 5\n").unwrap_err();
        assert!(format!("{err:#}").contains("add up to 5"), "{err:#}");
        // No Ir column.
        assert!(parse("events: Dr\nsummary: 1\nfn=f\n1 1\n").is_err());
        // Reference to an undefined name.
        assert!(parse("events: Ir\nsummary: 1\nfn=(3)\n1 1\n").is_err());
        // Unknown line.
        assert!(parse("events: Ir\nsummary: 1\nfn=f\nbogus\n").is_err());
        // totals is what the costs must add up to, even if summary differs.
        assert!(parse("events: Ir\nsummary: 2\nfn=f\n1 1\ntotals: 1\n").is_ok());
        assert!(parse("events: Ir\nsummary: 1\nfn=f\n1 1\ntotals: 2\n").is_err());
    }

    #[test]
    fn sums_runs() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-callgrind-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        let a = dir.join("a");
        let b = dir.join("b");
        fs::write(&a, "events: Ir\nsummary: 5\nfn=(1) f\n1 5\n").expect("write");
        fs::write(&b, "events: Ir\nsummary: 7\nfn=(1) g\n1 3\nfn=(2) f\n1 4\n").expect("write");
        let c = read_files(&[&a, &b]).expect("valid");
        assert_eq!((c.total, c.runs), (12, 2));
        assert_eq!(c.functions, counts(&[("f", 9), ("g", 3)]));
        let _ = fs::remove_dir_all(&dir);
        assert!(read_files::<&Path>(&[]).is_err());
    }

    /// Real callgrind output: valgrind on a Rust program, and with cache
    /// simulation (more events, Ir not alone). Fails (does not skip) when
    /// valgrind is missing: the Nix build of the helper provides it
    /// ($NIX_PGO_VALGRIND), and on a developer machine it is /usr/bin/valgrind.
    #[test]
    fn reads_real_callgrind_output() {
        let valgrind = std::env::var_os("NIX_PGO_VALGRIND")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/usr/bin/valgrind".into());
        assert!(
            valgrind.is_file(),
            "valgrind not found at {}: set NIX_PGO_VALGRIND=/abs/path/to/valgrind to run \
             this test",
            valgrind.display()
        );
        // This test binary itself, running no test: a real Rust program,
        // present in any build sandbox (unlike /bin/true).
        let program = std::env::current_exe().expect("test binary path");
        let dir =
            std::env::temp_dir().join(format!("nix-pgo-callgrind-real-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        for (name, extra) in [("plain", None), ("cache", Some("--cache-sim=yes"))] {
            let out = dir.join(name);
            let mut command = Command::new(&valgrind);
            command.args(["--tool=callgrind", "--quiet"]);
            command.arg(format!("--callgrind-out-file={}", out.display()));
            command.args(extra);
            command
                .arg(&program)
                .args(["--exact", "no test has this name"]);
            // The test harness's "running 0 tests" is not this test's output.
            command.stdout(std::process::Stdio::null());
            let status = command.status().expect("run valgrind");
            assert!(status.success(), "valgrind failed on {}", program.display());
            let text = fs::read_to_string(&out).expect("callgrind output");
            let c = parse(&text).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            // The loader and Rust's runtime run hundreds of thousands.
            assert!(c.total > 10_000, "{name}: {c:?}");
            assert!(c.functions.len() > 10, "{name}: {:?}", c.functions.len());
            assert_eq!(c.functions.values().sum::<u64>(), c.total);
            // The file's own totals line, read independently.
            let summary = text
                .lines()
                .find_map(|l| l.strip_prefix("totals: "))
                .expect("totals line");
            let events = text
                .lines()
                .find_map(|l| l.strip_prefix("events: "))
                .expect("events line");
            let column = events
                .split_whitespace()
                .position(|e| e == "Ir")
                .expect("Ir");
            let expected: u64 = summary
                .split_whitespace()
                .nth(column)
                .expect("Ir in summary")
                .parse()
                .expect("count");
            assert_eq!(c.total, expected, "{name}");
            if extra.is_some() {
                assert!(events.split_whitespace().count() > 1, "{events}");
            }
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
