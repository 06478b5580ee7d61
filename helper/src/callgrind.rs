//! Reading callgrind's output files (`callgrind.out.<pid>`) directly, as
//! valgrind's "Callgrind Format Specification" describes them, instead of
//! scraping `callgrind_annotate`'s table with awk (issue 11: awk printed
//! 2371760000 as `2.37176e+09`, and an empty table went unnoticed).
//!
//! What matters here is the self cost of each function in the `Ir` event
//! (instructions executed) and, when callgrind simulates caches and branch
//! prediction (`--cache-sim=yes --branch-sim=yes`), the estimated cycles
//! computed from the miss events (`estimated_cycles`, KCachegrind's CEst).
//! The parts of the format that decide it:
//!
//! - `events:` names the cost columns; each event is picked by name, since
//!   cache simulation adds others (`Dr`, `D1mr`, ...) in front of or after `Ir`.
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

/// The costs of one function or run: instructions and estimated cycles.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub instructions: u64,
    /// KCachegrind's cycle estimation (`estimated_cycles`); `None` when the
    /// run did not simulate caches and branch prediction.
    pub estimated_cycles: Option<u64>,
}

impl Cost {
    fn add(self, other: Cost) -> Result<Cost> {
        Ok(Cost {
            instructions: checked_sum(self.instructions, other.instructions)?,
            estimated_cycles: match (self.estimated_cycles, other.estimated_cycles) {
                (Some(a), Some(b)) => Some(checked_sum(a, b)?),
                _ => None,
            },
        })
    }
}

/// Self costs of one or more callgrind runs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counts {
    /// The runs' total, from their `totals:` (or `summary:`) lines.
    pub total: Cost,
    /// Self cost per function name, summed over objects, files and runs.
    pub functions: BTreeMap<String, Cost>,
    /// How many callgrind output files were read: one per process.
    pub processes: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) -> Result<()> {
        let first = self.processes == 0;
        self.total = if first {
            other.total
        } else {
            self.total.add(other.total)?
        };
        // A function missing from one run costs nothing there, in every event;
        // cycles are known only if every run simulated them.
        let cycles_known = self.total.estimated_cycles.is_some();
        for (name, cost) in other.functions {
            let entry = self.functions.entry(name).or_insert(Cost {
                instructions: 0,
                estimated_cycles: Some(0),
            });
            *entry = entry.add(cost)?;
        }
        if !cycles_known {
            for cost in self.functions.values_mut() {
                cost.estimated_cycles = None;
            }
        }
        self.processes += other.processes;
        Ok(())
    }
}

impl Counts {
    /// The functions that started a thread in these runs (each once, sorted):
    /// glibc's and musl's `pthread_create` (versioned names such as
    /// `pthread_create@@GLIBC_2.34` included; C11 `thrd_create` and Rust's
    /// `std::thread` go through it) and Go's `runtime.newosproc`. Empty when
    /// the runs were single-threaded. valgrind runs one thread at a time and
    /// switches between them by timing, so the counts of a run that started
    /// one can differ from run to run (the evaluation repeats such runs).
    /// Not `clone`: glibc's `posix_spawn`, which starts processes, calls it too.
    pub fn thread_starts(&self) -> Vec<String> {
        self.functions
            .iter()
            .filter(|(name, cost)| cost.instructions > 0 && starts_threads(name))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

fn starts_threads(name: &str) -> bool {
    let unversioned = name.split('@').next().unwrap_or(name);
    matches!(unversioned, "pthread_create" | "runtime.newosproc")
}

/// KCachegrind's cycle estimation, from its event formulas (KDE/kcachegrind,
/// libcore/globalconfig.cpp, `GlobalConfig::knownFormula`, commit b57dac52):
///   CEst = Ir + 10 Bm + 10 L1m + 20 Ge + 100 L2m + 100 LLm
///   L1m = I1mr + D1mr + D1mw,  LLm = ILmr + DLmr + DLmw,  Bm = Bim + Bcm
/// `Ge` (global bus events, `--collect-bus=yes`) and `L2m` (valgrind before
/// 3.6 named the last level L2) are counted when present, else zero, as in
/// KCachegrind; the events of `--cache-sim=yes --branch-sim=yes` must all be
/// there, or the estimate is unknown (`None`), never a partial sum.
pub const CYCLE_EVENTS: [(&str, u64); 9] = [
    ("Ir", 1),
    ("Bim", 10),
    ("Bcm", 10),
    ("I1mr", 10),
    ("D1mr", 10),
    ("D1mw", 10),
    ("ILmr", 100),
    ("DLmr", 100),
    ("DLmw", 100),
];
const OPTIONAL_CYCLE_EVENTS: [(&str, u64); 4] =
    [("Ge", 20), ("I2mr", 100), ("D2mr", 100), ("D2mw", 100)];

/// How to read the cost of a cost line's events.
#[derive(Debug, Clone)]
struct Columns {
    ir: usize,
    /// (column, weight) of every event in the cycle estimate; `None` when a
    /// required event is missing.
    cycles: Option<Vec<(usize, u64)>>,
}

impl Columns {
    fn new(events: &[&str]) -> Option<Columns> {
        let column = |name: &str| events.iter().position(|e| *e == name);
        let ir = column("Ir")?;
        let mut weights = Vec::new();
        let mut complete = true;
        for (name, weight) in CYCLE_EVENTS {
            match column(name) {
                Some(c) => weights.push((c, weight)),
                None => complete = false,
            }
        }
        for (name, weight) in OPTIONAL_CYCLE_EVENTS {
            if let Some(c) = column(name) {
                weights.push((c, weight));
            }
        }
        Some(Columns {
            ir,
            cycles: complete.then_some(weights),
        })
    }

    /// The cost of a line's event counts (missing trailing events are zero).
    fn cost(&self, values: &[u64]) -> Result<Cost> {
        let at = |c: usize| values.get(c).copied().unwrap_or(0);
        let estimated_cycles = match &self.cycles {
            None => None,
            Some(weights) => Some(weights.iter().try_fold(0u64, |sum, &(c, w)| {
                at(c)
                    .checked_mul(w)
                    .and_then(|x| sum.checked_add(x))
                    .context("estimated cycles overflow u64")
            })?),
        };
        Ok(Cost {
            instructions: at(self.ir),
            estimated_cycles,
        })
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
                                  // The `events:` line's names, and how to read costs from them.
    let mut events: Option<(Vec<String>, Columns)> = None;
    let mut names: HashMap<String, String> = HashMap::new();
    let mut current: Option<String> = None;
    let mut after_calls = false;
    // Per event: the `summary:` and `totals:` lines, and the self costs.
    let mut summaries: Vec<Vec<u64>> = Vec::new();
    let mut totals: Vec<Vec<u64>> = Vec::new();
    let mut functions: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut self_sum: Vec<u64> = Vec::new();

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
            let Some((event_names, _)) = &events else {
                bail!("line {number}: cost line before the `events:` line");
            };
            let values = counts_of(line.split_whitespace().skip(positions), number)?;
            if values.len() > event_names.len() {
                bail!(
                    "line {number}: {} event counts, but the `events:` line names {}",
                    values.len(),
                    event_names.len()
                );
            }
            let Some(function) = &current else {
                bail!("line {number}: cost line before any `fn=` line");
            };
            let entry = functions
                .entry(function.clone())
                .or_insert_with(|| vec![0; event_names.len()]);
            add_to(entry, &values)?;
            add_to(&mut self_sum, &values)?;
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
                    if events.is_some() {
                        bail!("line {number}: a second `events:` line");
                    }
                    let event_names: Vec<&str> = value.split_whitespace().collect();
                    let Some(columns) = Columns::new(&event_names) else {
                        bail!(
                            "line {number}: no `Ir` event among {event_names:?}: callgrind must \
                             count instructions (do not pass --collect-atstart=no or \
                             --toggle-collect without a workload that reaches it)"
                        );
                    };
                    self_sum = vec![0; event_names.len()];
                    events = Some((event_names.iter().map(|e| e.to_string()).collect(), columns));
                }
                "positions" => {
                    positions = value.split_whitespace().count();
                    if positions == 0 {
                        bail!("line {number}: empty `positions:` line");
                    }
                }
                "summary" | "totals" => {
                    if events.is_none() {
                        bail!("line {number}: `{key}:` before the `events:` line");
                    }
                    let values = counts_of(value.split_whitespace(), number)?;
                    if key == "summary" {
                        summaries.push(values);
                    } else {
                        totals.push(values);
                    }
                }
                // version, creator, pid, cmd, part, thread, desc, event, ...
                _ => {}
            }
        } else {
            bail!("line {number}: not a callgrind line: {line:?}");
        }
    }

    let Some((event_names, columns)) = events else {
        bail!("no `events:` line: not a callgrind output file (empty or truncated?)");
    };
    // `totals:` is the sum of the costs written to the file, so it is what the
    // self costs must add up to. `summary:` can differ from it: callgrind
    // 3.19 with --cache-sim=yes on /bin/true writes `summary:` 2 Ir above
    // `totals:` (and above the file's costs). Without `totals:` (older
    // files, or a dump without it) `summary:` is checked the same way.
    let (lines, which) = match (totals.is_empty(), summaries.is_empty()) {
        (false, _) => (totals, "totals"),
        (true, false) => (summaries, "summary"),
        (true, true) => bail!(
            "no `summary:` or `totals:` line: the run's total is unknown (was the program \
             killed before callgrind wrote its output?)"
        ),
    };
    let mut total = vec![0; event_names.len()];
    for values in &lines {
        if values.len() > event_names.len() {
            bail!(
                "a `{which}:` line has {} counts, but the `events:` line names {}",
                values.len(),
                event_names.len()
            );
        }
        add_to(&mut total, values)?;
    }
    // Every event, not only Ir: a misread column would skew the estimate.
    for (i, event) in event_names.iter().enumerate() {
        if self_sum[i] != total[i] {
            bail!(
                "the functions' self costs add up to {} {event}, but the file's {which} is {}: \
                 the file is not in the format this parser reads",
                self_sum[i],
                total[i]
            );
        }
    }
    let total = columns.cost(&total)?;
    if total.instructions == 0 {
        bail!("the run executed no instructions: callgrind collected nothing");
    }
    let functions = functions
        .into_iter()
        .map(|(name, values)| Ok((name, columns.cost(&values)?)))
        .collect::<Result<_>>()?;
    Ok(Counts {
        total,
        functions,
        processes: 1,
    })
}

fn counts_of<'a>(fields: impl Iterator<Item = &'a str>, number: usize) -> Result<Vec<u64>> {
    fields
        .map(|f| {
            f.parse()
                .with_context(|| format!("line {number}: {f:?} is not an event count"))
        })
        .collect()
}

/// Adds `values` to `sums` column by column (`sums` grows to fit).
fn add_to(sums: &mut Vec<u64>, values: &[u64]) -> Result<()> {
    if sums.len() < values.len() {
        sums.resize(values.len(), 0);
    }
    for (s, v) in sums.iter_mut().zip(values) {
        *s = checked_sum(*s, *v)?;
    }
    Ok(())
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

    /// Self instructions per function.
    fn instructions(c: &Counts) -> BTreeMap<String, u64> {
        c.functions
            .iter()
            .map(|(n, cost)| (n.clone(), cost.instructions))
            .collect()
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
        assert_eq!(c.total.instructions, 110);
        assert_eq!(instructions(&c), counts(&[("main", 10), ("helper", 100)]));
        // Without cache and branch simulation, cycles are unknown.
        assert_eq!(c.total.estimated_cycles, None);
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
        assert_eq!(c.total.instructions, 1000);
        assert_eq!(
            instructions(&c),
            counts(&[("<T as core::cmp::PartialEq>::eq", 600), ("recurse", 400)])
        );
    }

    /// KCachegrind's CEst = Ir + 10 Bm + 10 L1m + 100 LLm (+ 20 Ge), from the
    /// events of --cache-sim=yes --branch-sim=yes, picked by name.
    #[test]
    fn estimates_cycles_from_the_simulation_events() {
        let text = "\
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim
fn=(1) hot
1 1000 300 100 2 3 4 1 1 1 200 20 10 5
fn=(2) cold
1 10 0 0 1
totals: 1010 300 100 3 3 4 1 1 1 200 20 10 5
";
        let c = parse(text).expect("valid");
        // hot: 1000 + 10 (20 + 5) + 10 (2 + 3 + 4) + 100 (1 + 1 + 1) = 1640;
        // cold: trailing events missing are zero: 10 + 10 * 1 = 20.
        assert_eq!(c.functions["hot"].estimated_cycles, Some(1640));
        assert_eq!(c.functions["cold"].estimated_cycles, Some(20));
        assert_eq!(
            c.total,
            Cost {
                instructions: 1010,
                estimated_cycles: Some(1660)
            }
        );
        // Global bus events weigh 20, when collected.
        let bus = "events: Ir I1mr D1mr D1mw ILmr DLmr DLmw Bcm Bim Ge\nfn=f\n1 5 0 0 0 0 0 0 0 0 2\ntotals: 5 0 0 0 0 0 0 0 0 2\n";
        assert_eq!(parse(bus).expect("valid").total.estimated_cycles, Some(45));
        // Cache simulation without branch simulation: unknown, not a partial sum.
        let partial = "events: Ir I1mr D1mr D1mw ILmr DLmr DLmw\nfn=f\n1 5 1 0 0 0 0 0\ntotals: 5 1 0 0 0 0 0\n";
        assert_eq!(parse(partial).expect("valid").total.estimated_cycles, None);
        // Every event must add up, not only Ir.
        let err = parse("events: Ir D1mr\nfn=f\n1 5 1\ntotals: 5 2\n").unwrap_err();
        assert!(format!("{err:#}").contains("add up to 1 D1mr"), "{err:#}");
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
        assert_eq!(c.total.instructions, 8_589_934_594);
        assert_eq!(c.functions["hot"].instructions, 8_589_934_593);
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
        assert_eq!((c.total.instructions, c.processes), (12, 2));
        assert_eq!(instructions(&c), counts(&[("f", 9), ("g", 3)]));
        let _ = fs::remove_dir_all(&dir);
        assert!(read_files::<&Path>(&[]).is_err());
    }

    #[test]
    fn thread_starts_are_the_functions_that_start_threads() {
        let text = "events: Ir\nsummary: 12\nfn=(1) main\n1 5\n\
            fn=(2) pthread_create@@GLIBC_2.34\n1 3\nfn=(3) clone\n1 2\n\
            fn=(4) runtime.newosproc\n1 2\nfn=(5) pthread_create_hook\n1 0\n";
        let c = parse(text).expect("valid");
        // clone also starts processes (posix_spawn); a name that only begins
        // like one is not one.
        assert_eq!(
            c.thread_starts(),
            ["pthread_create@@GLIBC_2.34", "runtime.newosproc"]
        );
        let single =
            parse("events: Ir\nsummary: 5\nfn=(1) main\n1 5\nfn=(2) pthread_create\n1 0\n")
                .expect("valid");
        assert!(single.thread_starts().is_empty(), "never ran");
    }

    /// What `names_the_threads_a_real_program_started` runs under callgrind:
    /// one thread besides the test's own.
    #[test]
    fn starts_a_thread() {
        assert_eq!(std::thread::spawn(|| 6 * 7).join().ok(), Some(42));
    }

    /// valgrind: $NIX_PGO_VALGRIND (the helper's Nix build sets it), else
    /// /usr/bin/valgrind. Missing fails the test, never skips it.
    fn valgrind() -> std::path::PathBuf {
        let valgrind = std::env::var_os("NIX_PGO_VALGRIND")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| "/usr/bin/valgrind".into());
        assert!(
            valgrind.is_file(),
            "valgrind not found at {}: set NIX_PGO_VALGRIND=/abs/path/to/valgrind to run \
             this test",
            valgrind.display()
        );
        valgrind
    }

    /// Real callgrind output: valgrind on a Rust program, and with cache
    /// simulation (more events, Ir not alone). Fails (does not skip) when
    /// valgrind is missing: the Nix build of the helper provides it
    /// ($NIX_PGO_VALGRIND), and on a developer machine it is /usr/bin/valgrind.
    #[test]
    fn reads_real_callgrind_output() {
        let valgrind = valgrind();
        // This test binary itself, running no test: a real Rust program,
        // present in any build sandbox (unlike /bin/true).
        let program = std::env::current_exe().expect("test binary path");
        let dir =
            std::env::temp_dir().join(format!("nix-pgo-callgrind-real-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        for (name, extra) in [
            ("plain", &[][..]),
            ("cache", &["--cache-sim=yes", "--branch-sim=yes"][..]),
        ] {
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
            assert!(c.total.instructions > 10_000, "{name}: {c:?}");
            assert!(c.functions.len() > 10, "{name}: {:?}", c.functions.len());
            assert_eq!(
                c.functions.values().map(|f| f.instructions).sum::<u64>(),
                c.total.instructions
            );
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
            let totals: Vec<u64> = summary
                .split_whitespace()
                .map(|v| v.parse().expect("count"))
                .collect();
            assert_eq!(c.total.instructions, totals[column], "{name}");
            let event = |e: &str| {
                let at = events.split_whitespace().position(|x| x == e);
                at.map(|i| totals[i])
            };
            if extra.is_empty() {
                assert_eq!(c.total.estimated_cycles, None);
            } else {
                // CEst, spelled out from the totals line (KCachegrind's formula).
                let ev = |e: &str| event(e).unwrap_or_else(|| panic!("no {e} in {events}"));
                let expected = ev("Ir")
                    + 10 * (ev("Bim") + ev("Bcm"))
                    + 10 * (ev("I1mr") + ev("D1mr") + ev("D1mw"))
                    + 100 * (ev("ILmr") + ev("DLmr") + ev("DLmw"));
                assert_eq!(c.total.estimated_cycles, Some(expected), "{events}");
                assert!(expected > c.total.instructions);
            }
        }
        let _ = fs::remove_dir_all(&dir);
    }

    /// Under real callgrind: the test binary running no test starts no thread
    /// of its own; running `starts_a_thread` (which spawns one) does.
    #[test]
    fn names_the_threads_a_real_program_started() {
        let valgrind = valgrind();
        let program = std::env::current_exe().expect("test binary path");
        let dir =
            std::env::temp_dir().join(format!("nix-pgo-callgrind-threads-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        let run = |test: &str| {
            let out = dir.join("callgrind.out");
            let status = Command::new(&valgrind)
                .args(["--tool=callgrind", "--quiet"])
                .arg(format!("--callgrind-out-file={}", out.display()))
                .arg(&program)
                .args(["--exact", test, "--test-threads=1"])
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run valgrind");
            assert!(status.success(), "valgrind failed on {}", program.display());
            parse(&fs::read_to_string(&out).expect("callgrind output")).expect("parses")
        };
        assert_eq!(
            run("no test has this name").thread_starts(),
            Vec::<String>::new()
        );
        let threaded = run("callgrind::tests::starts_a_thread").thread_starts();
        assert!(
            threaded.iter().any(|f| f.starts_with("pthread_create")),
            "{threaded:?}"
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
