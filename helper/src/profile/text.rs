//! The LLVM instrumentation profile text format ("proftext"), as written by
//! `llvm-profdata merge --text` and read back by `llvm-profdata merge`.
//!
//! What LLVM 22 writes for an IR-instrumented rustc profile:
//!
//! ```text
//! # IR level Instrumentation Flag
//! :ir
//! demo.fde808264172bb95-cgu.0;_ZN4demo3fib17h678f08e812fff1bdE
//! # Func Hash:
//! 1063705161908944610
//! # Num Counters:
//! 3
//! # Counter Values:
//! 21891
//! 10945
//! 1
//! # Num Value Kinds:
//! 1
//! # ValueKind = IPVK_IndirectCallTarget:
//! 0
//! # NumValueSites:
//! 1
//! 2
//! _ZN4demo4main17h39aef552e0cae38bE:1
//! ** External Symbol **:1
//!
//! ```
//!
//! LLVM's reader skips blank lines and lines starting with `#`, so the format
//! is really a stream of significant lines: header flags (`:ir`, ...), then
//! per record its name, hash, counter count and counters, optionally an
//! MC/DC bitmap (`$N` then N bytes) and optionally value-profile data. We
//! parse it the same way, so comments are never load-bearing.
//!
//! Records come out of llvm-profdata in hash-table order, so the same
//! profile data can be dumped in different orders; [`Profile::canonicalize`]
//! fixes an order, which is what makes fingerprints reproducible.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use anyhow::{bail, Context, Result};

/// A whole profile: header flags and function records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Header flags without the leading ':' (e.g. "ir"), lower-cased, in file order.
    pub flags: Vec<String>,
    pub records: Vec<Record>,
}

/// One function record. A function name can appear several times with
/// different hashes (e.g. after merging profiles of two program versions).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    /// PGO function name; functions with internal linkage are prefixed with
    /// their codegen unit, e.g. `demo.fde808264172bb95-cgu.0;_ZN4demo3fib...`.
    pub name: String,
    /// Control-flow hash; rustc warns "hash mismatch" when it changed.
    pub hash: u64,
    pub counts: Vec<u64>,
    /// MC/DC bitmap bytes (only present with coverage instrumentation).
    pub bitmap: Vec<u8>,
    pub value_kinds: Vec<ValueKind>,
}

/// Value-profile data of one kind (indirect call targets, memop sizes, ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ValueKind {
    pub kind: u32,
    /// One entry per value site, in site order (the index is meaningful).
    pub sites: Vec<Vec<ValueData>>,
}

/// One profiled value: a symbol name (call targets) or a number, with its count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ValueData {
    pub value: String,
    pub count: u64,
}

impl Record {
    pub fn has_nonzero_count(&self) -> bool {
        self.counts.iter().any(|&c| c != 0)
    }

    /// Sum of the record's counters (saturating: a summary, not an exact value).
    pub fn total_count(&self) -> u64 {
        self.counts
            .iter()
            .fold(0u64, |acc, &c| acc.saturating_add(c))
    }

    /// The function's symbol: the name without the codegen unit that
    /// functions with internal linkage are prefixed with.
    pub fn symbol(&self) -> &str {
        symbol_of(&self.name)
    }
}

/// The symbol in a PGO function name `[<codegen unit>;]<symbol>`.
pub fn symbol_of(name: &str) -> &str {
    name.rsplit_once(';').map_or(name, |(_, symbol)| symbol)
}

impl Profile {
    /// Number of function records.
    pub fn functions(&self) -> usize {
        self.records.len()
    }

    /// Number of records with at least one non-zero counter.
    pub fn functions_with_counts(&self) -> usize {
        self.records
            .iter()
            .filter(|r| r.has_nonzero_count())
            .count()
    }

    /// Sum of all counters (saturating: it is a summary, not an exact value).
    pub fn total_count(&self) -> u64 {
        self.records
            .iter()
            .fold(0u64, |acc, r| acc.saturating_add(r.total_count()))
    }

    /// Put the profile in canonical form: records sorted by (name, hash, ...),
    /// value kinds sorted by kind with empty kinds dropped (LLVM does not write
    /// them either), and the values of each site sorted by descending count
    /// then value. Two profiles holding the same data serialize identically
    /// after this.
    pub fn canonicalize(&mut self) {
        for record in &mut self.records {
            record.value_kinds.retain(|vk| !vk.sites.is_empty());
            record.value_kinds.sort();
            for kind in &mut record.value_kinds {
                for site in &mut kind.sites {
                    site.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                }
            }
        }
        self.records.sort();
    }

    /// Drop the records whose name contains any of `patterns` and return how
    /// many were dropped. rustc then has no profile data for those functions
    /// and optimizes them as it would without PGO: the way to keep code whose
    /// counts depend on thread timing (schedulers, lock spinning, work
    /// stealing) out of a profile that must be reproducible.
    ///
    /// They go as indirect-call targets too: the indexed profile keeps a
    /// target by the hash of its name, which llvm-profdata renders as
    /// `** External Symbol **` once no record names it, so the profile would
    /// no longer read back as written (an outside trial's `profileExclude`
    /// with value profiling on failed its round-trip check); and a function
    /// optimized as without PGO is no call site's profiled target either.
    pub fn exclude(&mut self, patterns: &[String]) -> usize {
        self.remove_where(|r| patterns.iter().any(|p| r.name.contains(p.as_str())))
            .0
    }

    /// Keep only the records `keep` accepts (as `exclude` removes, indirect-call
    /// targets included); the number of records removed and the sum of their counters.
    pub fn retain_where(&mut self, keep: impl Fn(&Record) -> bool) -> (usize, u64) {
        self.remove_where(|r| !keep(r))
    }

    /// Rename functions, `renames` maps old to new names, as indirect-call targets too;
    /// the number of records renamed.
    pub fn rename_functions(&mut self, renames: &HashMap<String, String>) -> usize {
        let mut renamed = 0;
        for record in &mut self.records {
            if let Some(new) = renames.get(&record.name) {
                record.name.clone_from(new);
                renamed += 1;
            }
            for kind in record
                .value_kinds
                .iter_mut()
                .filter(|k| k.kind == INDIRECT_CALL_TARGET)
            {
                for value in kind.sites.iter_mut().flatten() {
                    if let Some(new) = renames.get(&value.value) {
                        value.value.clone_from(new);
                    }
                }
            }
        }
        renamed
    }

    /// Remove the records `remove` picks, as indirect-call targets too (see
    /// [`Profile::exclude`]); the number removed and the sum of their counters.
    fn remove_where(&mut self, remove: impl Fn(&Record) -> bool) -> (usize, u64) {
        let before = self.records.len();
        let mut removed_count = 0u64;
        let mut removed = BTreeSet::new();
        for record in self.records.iter().filter(|r| remove(r)) {
            removed_count = removed_count.saturating_add(record.total_count());
            removed.insert(record.name.clone());
        }
        self.records.retain(|r| !remove(r));
        for kind in self
            .records
            .iter_mut()
            .flat_map(|r| r.value_kinds.iter_mut())
            .filter(|k| k.kind == INDIRECT_CALL_TARGET)
        {
            for site in &mut kind.sites {
                site.retain(|v| !removed.contains(&v.value));
            }
        }
        (before - self.records.len(), removed_count)
    }

    /// Keep only the top `bits` significant bits of every count (counters
    /// and value counts), so that profiles from slightly different runs
    /// become identical. A non-zero count never becomes zero.
    pub fn quantize(&mut self, bits: u32) {
        for record in &mut self.records {
            for count in &mut record.counts {
                *count = quantize_count(*count, bits);
            }
            for site in record
                .value_kinds
                .iter_mut()
                .flat_map(|vk| vk.sites.iter_mut())
            {
                for value in site {
                    value.count = quantize_count(value.count, bits);
                }
            }
        }
    }

    /// Serialize in the layout `llvm-profdata merge --text` uses, comments
    /// included, so the output reads like LLVM's own and LLVM reads it back.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for flag in &self.flags {
            if let Some(comment) = flag_comment(flag) {
                let _ = writeln!(out, "# {comment}");
            }
            let _ = writeln!(out, ":{flag}");
        }
        for record in &self.records {
            write_record(&mut out, record);
        }
        out
    }

    /// Canonical serialization: the text of the canonicalized profile.
    pub fn canonical_text(&self) -> String {
        let mut canonical = self.clone();
        canonical.canonicalize();
        canonical.to_text()
    }

    /// The fingerprint of the canonical text ([`crate::fingerprint::ALGORITHM`]).
    pub fn fingerprint(&self) -> String {
        crate::fingerprint::fingerprint(&self.canonical_text())
    }
}

/// Keep the `bits` most significant bits of `count` (bits >= 1).
pub fn quantize_count(count: u64, bits: u32) -> u64 {
    let len = u64::BITS - count.leading_zeros();
    if len <= bits {
        count
    } else {
        let drop = len - bits;
        count & !((1u64 << drop) - 1)
    }
}

fn flag_comment(flag: &str) -> Option<&'static str> {
    Some(match flag {
        "ir" => "IR level Instrumentation Flag",
        "fe" => "FE level Instrumentation Flag",
        "csir" => "CSIR level Instrumentation Flag",
        "entry_first" => "Always instrument the function entry block",
        "instrument_loop_entries" => "Always instrument the loop entry blocks",
        "single_byte_coverage" => "Instrument block coverage",
        _ => return None,
    })
}

/// LLVM's `IPVK_IndirectCallTarget`: values are the names of called functions.
const INDIRECT_CALL_TARGET: u32 = 0;

fn value_kind_name(kind: u32) -> Option<&'static str> {
    Some(match kind {
        0 => "IPVK_IndirectCallTarget",
        1 => "IPVK_MemOPSize",
        2 => "IPVK_VTableTarget",
        _ => return None,
    })
}

fn write_record(out: &mut String, record: &Record) {
    let _ = writeln!(out, "{}", record.name);
    let _ = writeln!(out, "# Func Hash:\n{}", record.hash);
    let _ = writeln!(out, "# Num Counters:\n{}", record.counts.len());
    out.push_str("# Counter Values:\n");
    for count in &record.counts {
        let _ = writeln!(out, "{count}");
    }
    if !record.bitmap.is_empty() {
        let _ = writeln!(out, "# Num Bitmap Bytes:\n${}", record.bitmap.len());
        out.push_str("# Bitmap Byte Values:\n");
        for byte in &record.bitmap {
            let _ = writeln!(out, "0x{byte:x}");
        }
    }
    if !record.value_kinds.is_empty() {
        let _ = writeln!(out, "# Num Value Kinds:\n{}", record.value_kinds.len());
        for kind in &record.value_kinds {
            match value_kind_name(kind.kind) {
                Some(name) => {
                    let _ = writeln!(out, "# ValueKind = {name}:");
                }
                None => {
                    let _ = writeln!(out, "# ValueKind = {}:", kind.kind);
                }
            }
            let _ = writeln!(out, "{}", kind.kind);
            let _ = writeln!(out, "# NumValueSites:\n{}", kind.sites.len());
            for site in &kind.sites {
                let _ = writeln!(out, "{}", site.len());
                for value in site {
                    let _ = writeln!(out, "{}:{}", value.value, value.count);
                }
            }
        }
    }
    out.push('\n');
}

/// Significant lines of the text (LLVM skips blank and `#` lines), with
/// 1-based line numbers for error messages.
struct Lines<'a> {
    inner: std::iter::Peekable<Box<dyn Iterator<Item = (usize, &'a str)> + 'a>>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let iter: Box<dyn Iterator<Item = (usize, &'a str)> + 'a> = Box::new(
            text.lines()
                .enumerate()
                .map(|(i, line)| (i + 1, line.trim_end_matches('\r')))
                .filter(|(_, line)| !line.is_empty() && !line.starts_with('#')),
        );
        Self {
            inner: iter.peekable(),
        }
    }

    fn peek(&mut self) -> Option<(usize, &'a str)> {
        self.inner.peek().copied()
    }

    fn next_line(&mut self, what: &str) -> Result<(usize, &'a str)> {
        match self.inner.next() {
            Some(line) => Ok(line),
            None => bail!("profile text ends early: expected {what}"),
        }
    }

    fn next_number<T: TryFrom<u64>>(&mut self, what: &str) -> Result<T> {
        let (n, line) = self.next_line(what)?;
        parse_number(line).with_context(|| format!("line {n}: expected {what}, found {line:?}"))
    }
}

/// Parse an integer the way LLVM's `getAsInteger(0, ..)` does for the values
/// it writes: decimal, or hexadecimal with a `0x` prefix.
fn parse_number<T: TryFrom<u64>>(text: &str) -> Result<T> {
    let value = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse::<u64>().ok(),
    };
    match value.and_then(|v| T::try_from(v).ok()) {
        Some(v) => Ok(v),
        None => bail!("not a valid number"),
    }
}

/// Parse profile text as produced by `llvm-profdata merge --text`.
pub fn parse(text: &str) -> Result<Profile> {
    let mut lines = Lines::new(text);
    let mut flags = Vec::new();
    while let Some((n, line)) = lines.peek() {
        let Some(flag) = line.strip_prefix(':') else {
            break;
        };
        let flag = flag.trim().to_ascii_lowercase();
        if flag == "temporal_prof_traces" {
            // Traces are an ordering hint for temporal profiling, which rustc
            // does not enable; rather than half-parse them we refuse.
            bail!(
                "line {n}: temporal profile traces are not supported by nix-pgo; \
                 build without -pgo-temporal-instrumentation"
            );
        }
        flags.push(flag);
        lines.next_line("a header flag")?;
    }

    let mut records = Vec::new();
    while let Some((n, name)) = lines.peek() {
        lines.next_line("a function name")?;
        let record = parse_record(&mut lines, name)
            .with_context(|| format!("in the record of function {name:?} starting at line {n}"))?;
        records.push(record);
    }
    Ok(Profile { flags, records })
}

fn parse_record(lines: &mut Lines<'_>, name: &str) -> Result<Record> {
    let hash = lines.next_number::<u64>("the function hash")?;
    let num_counters = lines.next_number::<usize>("the number of counters")?;
    if num_counters == 0 {
        bail!("the number of counters is zero, which LLVM rejects as malformed");
    }
    let mut counts = Vec::with_capacity(num_counters.min(1 << 16));
    for _ in 0..num_counters {
        counts.push(lines.next_number::<u64>("a counter value")?);
    }

    // The bitmap is introduced by a "$N" line (MC/DC coverage only).
    let mut bitmap = Vec::new();
    if let Some((n, line)) = lines.peek() {
        if let Some(len) = line.strip_prefix('$') {
            lines.next_line("the number of bitmap bytes")?;
            let len: usize = parse_number(len.trim()).with_context(|| {
                format!("line {n}: expected the number of bitmap bytes, found {line:?}")
            })?;
            for _ in 0..len {
                bitmap.push(lines.next_number::<u8>("a bitmap byte")?);
            }
        }
    }

    // Like LLVM: value-profile data is present iff the next significant line
    // is a number; otherwise it is the next record's name.
    let mut value_kinds = Vec::new();
    if let Some((_, line)) = lines.peek() {
        if let Ok(num_kinds) = parse_number::<u32>(line) {
            lines.next_line("the number of value kinds")?;
            for _ in 0..num_kinds {
                value_kinds.push(parse_value_kind(lines)?);
            }
        }
    }

    Ok(Record {
        name: name.to_owned(),
        hash,
        counts,
        bitmap,
        value_kinds,
    })
}

fn parse_value_kind(lines: &mut Lines<'_>) -> Result<ValueKind> {
    let kind = lines.next_number::<u32>("a value kind")?;
    let num_sites = lines.next_number::<usize>("the number of value sites")?;
    let mut sites = Vec::with_capacity(num_sites.min(1 << 16));
    for _ in 0..num_sites {
        let num_values = lines.next_number::<usize>("the number of values at a value site")?;
        let mut site = Vec::with_capacity(num_values.min(1 << 16));
        for _ in 0..num_values {
            let (n, line) = lines.next_line("a value:count line")?;
            // rsplit: call-target names may themselves contain ':'.
            let Some((value, count)) = line.rsplit_once(':') else {
                bail!("line {n}: expected value:count, found {line:?}");
            };
            let count = parse_number(count)
                .with_context(|| format!("line {n}: invalid count in {line:?}"))?;
            site.push(ValueData {
                value: value.to_owned(),
                count,
            });
        }
        sites.push(site);
    }
    Ok(ValueKind { kind, sites })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# IR level Instrumentation Flag
:ir
zeta
# Func Hash:
742261418966908927
# Num Counters:
1
# Counter Values:
0

demo.fde808264172bb95-cgu.0;_ZN4demo3fib17h678f08e812fff1bdE
# Func Hash:
1063705161908944610
# Num Counters:
3
# Counter Values:
21891
10945
1
# Num Value Kinds:
1
# ValueKind = IPVK_IndirectCallTarget:
0
# NumValueSites:
1
2
** External Symbol **:1
_ZN4demo4main17h39aef552e0cae38bE:3

alpha
# Func Hash:
0x10
# Num Counters:
2
# Counter Values:
5
6
# Num Value Kinds:
1
# ValueKind = IPVK_MemOPSize:
1
# NumValueSites:
2
1
17:2
0

";

    #[test]
    fn parses_llvm_text_dump() {
        let profile = parse(SAMPLE).unwrap();
        assert_eq!(profile.flags, ["ir"]);
        assert_eq!(profile.functions(), 3);
        assert_eq!(profile.functions_with_counts(), 2);
        assert_eq!(profile.total_count(), 21891 + 10945 + 1 + 5 + 6);
        let fib = &profile.records[1];
        assert_eq!(fib.hash, 1063705161908944610);
        assert_eq!(fib.counts, [21891, 10945, 1]);
        assert_eq!(fib.value_kinds.len(), 1);
        assert_eq!(
            fib.value_kinds[0].sites[0][0].value,
            "** External Symbol **"
        );
        let alpha = &profile.records[2];
        assert_eq!(alpha.hash, 16);
        assert_eq!(alpha.value_kinds[0].kind, 1);
        assert_eq!(alpha.value_kinds[0].sites.len(), 2);
        assert!(alpha.value_kinds[0].sites[1].is_empty());
    }

    #[test]
    fn canonical_text_round_trips() {
        let profile = parse(SAMPLE).unwrap();
        let text = profile.canonical_text();
        let reparsed = parse(&text).unwrap();
        assert_eq!(reparsed.canonical_text(), text);
        // Sorted by name; values of a site by descending count.
        let names: Vec<_> = reparsed.records.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "alpha",
                "demo.fde808264172bb95-cgu.0;_ZN4demo3fib17h678f08e812fff1bdE",
                "zeta"
            ]
        );
        assert_eq!(reparsed.records[1].value_kinds[0].sites[0][0].count, 3);
    }

    #[test]
    fn fingerprint_ignores_record_and_value_order() {
        let a = parse(SAMPLE).unwrap();
        let mut b = a.clone();
        b.records.reverse();
        b.records[1].value_kinds[0].sites[0].reverse();
        assert_ne!(a.to_text(), b.to_text());
        assert_eq!(a.fingerprint(), b.fingerprint());
        let mut c = a.clone();
        c.records[0].counts[0] += 1;
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn quantize_keeps_top_bits() {
        assert_eq!(quantize_count(0, 3), 0);
        assert_eq!(quantize_count(1, 1), 1);
        assert_eq!(quantize_count(0b1011_0111, 3), 0b1010_0000);
        assert_eq!(quantize_count(0b111, 3), 0b111);
        assert_eq!(quantize_count(u64::MAX, 64), u64::MAX);
        assert_eq!(quantize_count(u64::MAX, 1), 1 << 63);
        let mut profile = parse(SAMPLE).unwrap();
        profile.quantize(2);
        assert_eq!(profile.records[1].counts, [16384, 8192, 1]);
        assert!(profile
            .records
            .iter()
            .all(|r| r.counts.iter().all(|&c| c.count_ones() <= 2)));
    }

    #[test]
    fn reports_truncated_and_malformed_records() {
        let err = parse(":ir\nf\n1\n3\n1\n2\n").unwrap_err();
        assert!(
            format!("{err:#}").contains("ends early: expected a counter value"),
            "{err:#}"
        );
        let err = parse(":ir\nf\n1\n0\n").unwrap_err();
        assert!(
            format!("{err:#}").contains("number of counters is zero"),
            "{err:#}"
        );
        let err = parse(":ir\nf\nxyz\n1\n1\n").unwrap_err();
        assert!(
            format!("{err:#}").contains("line 3: expected the function hash"),
            "{err:#}"
        );
        let err = parse(":temporal_prof_traces\n1\n").unwrap_err();
        assert!(
            format!("{err:#}").contains("temporal profile traces"),
            "{err:#}"
        );
    }

    #[test]
    fn parses_bitmap_bytes() {
        let text = "f\n1\n1\n7\n# Num Bitmap Bytes:\n$2\n# Bitmap Byte Values:\n0x1f\n0x0\n";
        let profile = parse(text).unwrap();
        assert_eq!(profile.records[0].bitmap, [0x1f, 0]);
        assert_eq!(parse(&profile.to_text()).unwrap(), profile);
    }

    #[test]
    fn exclude_drops_matching_records_only() {
        let mut profile = parse(SAMPLE).expect("sample parses");
        let names: Vec<String> = profile.records.iter().map(|r| r.name.clone()).collect();
        let first = names.first().expect("sample has records").clone();
        let dropped = profile.exclude(std::slice::from_ref(&first));
        assert!(dropped >= 1);
        assert!(profile.records.iter().all(|r| !r.name.contains(&first)));
        assert_eq!(profile.records.len(), names.len() - dropped);
        assert_eq!(profile.exclude(&["no such function".to_string()]), 0);
    }

    #[test]
    fn excluded_functions_are_no_call_targets_either() {
        let main = "_ZN4demo4main17h39aef552e0cae38bE";
        let mut profile = parse(&format!(
            "{SAMPLE}\n{main}\n# Func Hash:\n1\n# Num Counters:\n1\n# Counter Values:\n3\n"
        ))
        .expect("sample with main parses");
        assert_eq!(profile.exclude(&["4main".to_string()]), 1);
        let fib = profile
            .records
            .iter()
            .find(|r| r.name.contains("3fib"))
            .expect("fib stays");
        // fib's site keeps its other target, and its index.
        assert_eq!(
            fib.value_kinds[0].sites,
            [vec![ValueData {
                value: "** External Symbol **".to_owned(),
                count: 1
            }]]
        );
        // A memop size is no function name: untouched.
        let alpha = profile
            .records
            .iter()
            .find(|r| r.name == "alpha")
            .expect("alpha");
        assert!(!alpha.value_kinds[0].sites.iter().all(Vec::is_empty));
    }
}
