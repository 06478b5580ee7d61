//! The canonical merge of pprof profiles: what makes a sampled profile an
//! artifact with an identity (the fingerprint) and a byte-identical file.
//!
//! Canonical form:
//! - the string table rebuilt: every used string once, sorted ("" first);
//! - functions, mappings and locations deduplicated by content, sorted, and
//!   numbered 1.. in that order;
//! - mappings keep the base name of their file (`/nix/store/<hash>-go-service/bin/go-service`
//!   and `/tmp/go-build123/b001/strings.test` become `go-service` and
//!   `strings.test`: where a binary ran from is not part of the program, and
//!   `go test` runs each test binary from a new temporary directory) and
//!   their has_* flags; build IDs and address ranges are dropped (both change
//!   with every build, the compiler reads neither);
//! - a location with lines drops its address (the compiler reads function
//!   names and line numbers; addresses move with every build), so the
//!   profiles of two builds of one program merge into the same locations;
//! - samples with the same stack and labels are one sample, values summed
//!   (each input's multiplied by its weight), sorted by stack and labels;
//!   samples whose values are all zero are dropped;
//! - no time, duration, comments, drop/keep frames or doc URL;
//! - the period is the shortest of the inputs'. A count of samples of an
//!   input with a longer period is scaled to it (a 100 Hz benchmark's sample
//!   counts 10 of a 1000 Hz run's), so that counts, which Go's compiler weighs
//!   the profile by, stand for the same CPU time in every input. (An input
//!   without a period leaves counts as they are, and the period the largest.)
//!
//! Function file names also lose a `/nix/store/<hash>-` prefix.
//!
//! [`merge_files`] reads and merges the files `nix-pgo pprof merge` is given;
//! [`write_merged`] writes the result and its summary (`pprof merge`, `import`).

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::cpu_time;
use super::proto::{Function, Label, Line, Location, Mapping, Profile, Sample, ValueType};
use super::show::{summary, Summary};
use super::{sample_types, string};
use crate::output::write_json;

/// One profile to merge, with its weight and a name for messages.
pub struct Input<'a> {
    pub name: &'a str,
    pub profile: &'a Profile,
    pub weight: i64,
}

/// Sample types Go's compiler reads a CPU profile by (one must be present).
const CPU_SAMPLE_TYPES: [&str; 2] = ["samples/count", "cpu/nanoseconds"];

/// Dense ids for values of one kind, in order of first use.
struct Interner<K> {
    ids: HashMap<K, usize>,
    keys: Vec<K>,
}

impl<K: Hash + Eq + Clone> Interner<K> {
    fn new() -> Self {
        Self {
            ids: HashMap::new(),
            keys: Vec::new(),
        }
    }

    fn id(&mut self, key: K) -> usize {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        self.keys.push(key.clone());
        self.ids.insert(key, self.keys.len() - 1);
        self.keys.len() - 1
    }

    /// For each used id, its rank among the used keys sorted by `sort_key`
    /// (`usize::MAX` for the unused), and how many are used.
    fn ranks<S: Ord>(&self, used: &[bool], sort_key: impl Fn(&K) -> S) -> (Vec<usize>, usize) {
        let mut order: Vec<usize> = (0..self.keys.len()).filter(|&i| used[i]).collect();
        order.sort_by_cached_key(|&i| sort_key(&self.keys[i]));
        let mut rank = vec![usize::MAX; self.keys.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r;
        }
        (rank, order.len())
    }
}

/// `name` without a leading `/nix/store/<hash>-`.
pub fn strip_store_prefix(name: &str) -> &str {
    let Some(rest) = name.strip_prefix("/nix/store/") else {
        return name;
    };
    match rest.split_once('-') {
        Some((hash, tail))
            if hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            tail
        }
        _ => name,
    }
}

/// What follows the last '/' of `path`.
pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// How [`merge_files`] reads its inputs (`nix-pgo pprof merge`'s options).
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Leave out the profiles without samples, as long as one has some.
    pub skip_empty: bool,
    /// Scale the values to the CPU time written beside each file ([`cpu_time`]).
    pub cpu_time: bool,
    /// Warn when the profiles record less CPU time than this, in seconds.
    pub warn_below_cpu_seconds: Option<f64>,
}

/// Read the profiles and merge them into canonical form, as `options` say:
/// warned about when they record too little CPU time; with `cpu_time`, scaled
/// to the CPU time beside them ([`cpu_time`]); with `skip_empty`, without
/// those that have no samples (unless none has: then merge says so).
pub fn merge_files(weighted: &[(i64, PathBuf)], options: &MergeOptions) -> Result<Profile> {
    let mut named = weighted
        .iter()
        .map(|(_, path)| Ok((path.display().to_string(), super::read(path)?)))
        .collect::<Result<Vec<_>>>()?;
    if let Some(seconds) = options.warn_below_cpu_seconds {
        warn_if_thin(&named, seconds)?;
    }
    if options.cpu_time {
        let mut used_ns: u64 = 0;
        for (_, path) in weighted {
            used_ns = used_ns.saturating_add(cpu_time::read(path)?);
        }
        if let Some(s) = cpu_time::scale_to_cpu_time(&mut named, used_ns)? {
            eprintln!(
                "nix-pgo: {} profile(s) record {:.1} ms of CPU time and their processes used \
                 {:.1} ms while profiled (the kernel's CPU timers fire on its ticks, less often \
                 than the profile's rate asks): values scaled by {:.3}",
                named.len(),
                s.recorded_ns as f64 / 1e6,
                s.used_ns as f64 / 1e6,
                s.factor
            );
        }
    }
    let mut read: Vec<(i64, String, Profile)> = weighted
        .iter()
        .zip(named)
        .map(|((weight, _), (name, profile))| (*weight, name, profile))
        .collect();
    if options.skip_empty && read.iter().any(|(_, _, p)| has_samples(p)) {
        let total = read.len();
        read.retain(|(_, _, p)| has_samples(p));
        if read.len() < total {
            eprintln!(
                "nix-pgo: leaving out {} of {total} profiles: they have no samples",
                total - read.len()
            );
        }
    }
    let inputs: Vec<Input> = read
        .iter()
        .map(|(weight, name, profile)| Input {
            name,
            profile,
            weight: *weight,
        })
        .collect();
    merge(&inputs)
}

/// Write the canonical profile and, if asked, its summary.
pub fn write_merged(
    merged: &Profile,
    output: &Path,
    summary_path: Option<&Path>,
) -> Result<Summary> {
    super::write(output, merged)?;
    let summary = summary(merged);
    if let Some(path) = summary_path {
        write_json(path, &summary)?;
    }
    Ok(summary)
}

/// Warn when the (named) profiles, as read, record less than `seconds` of CPU
/// time between them (weights left out).
fn warn_if_thin(named: &[(String, Profile)], seconds: f64) -> Result<()> {
    let mut ns: i128 = 0;
    for (name, profile) in named {
        ns += cpu_time::recorded_ns(name, profile)?;
    }
    let recorded = ns as f64 / 1e9;
    if recorded < seconds {
        eprintln!(
            "nix-pgo: warning: the training recorded {recorded:.2} s of CPU time, less than \
             {seconds} s: Go's PGO picks its hot calls from the samples, and from so few of them \
             its choices, and the optimized binary, differ from one training to the next (the \
             goldmark trial: three trainings of about 250 samples gave 0.9, 1.7 and 4.4 % fewer \
             instructions on one held-out workload). Lengthen the training workloads (more \
             input, more runs), and lock the profile (updateProfile) to keep one"
        );
    }
    Ok(())
}

// Keys over interned string ids (`s`), so that equal content is one key.
type FunctionKey = (usize, usize, usize, i64); // name, system name, file, start line
type MappingKey = (usize, [bool; 4]); // file name, has_* flags
type LocationKey = (Option<usize>, u64, Vec<(usize, i64, i64)>, bool); // mapping, address, lines, folded
type LabelKey = (usize, usize, i64, usize); // key, str, num, num unit
type SampleKey = (Vec<usize>, Vec<LabelKey>);

/// Whether `profile` has a sample with a non-zero value.
pub fn has_samples(profile: &Profile) -> bool {
    profile
        .sample
        .iter()
        .any(|s| s.value.iter().any(|&v| v != 0))
}

/// Merge `inputs` into one canonical profile (see the module documentation).
/// Fails when an input has no samples, is not a CPU profile, or its sample
/// types differ from the first input's.
pub fn merge(inputs: &[Input]) -> Result<Profile> {
    let Some(first) = inputs.first() else {
        bail!("no profiles to merge");
    };
    let types = sample_types(first.profile);
    if !types.iter().any(|t| CPU_SAMPLE_TYPES.contains(&t.as_str())) {
        bail!(
            "{} is not a CPU profile: its sample types are [{}], and Go's PGO reads {} (take a \
             CPU profile: /debug/pprof/profile, `go test -cpuprofile`, pprof.StartCPUProfile)",
            first.name,
            types.join(", "),
            CPU_SAMPLE_TYPES.join(" or ")
        );
    }
    let period_type = first.profile.period_type.as_ref().map(|t| {
        (
            string(first.profile, t.r#type),
            string(first.profile, t.unit),
        )
    });
    let default_type = string(first.profile, first.profile.default_sample_type);

    let mut strings: Interner<String> = Interner::new();
    strings.id(String::new());
    let mut functions: Interner<FunctionKey> = Interner::new();
    let mut mappings: Interner<MappingKey> = Interner::new();
    let mut locations: Interner<LocationKey> = Interner::new();
    let mut samples: HashMap<SampleKey, Vec<i64>> = HashMap::new();
    let periods_known = inputs.iter().all(|i| i.profile.period > 0);
    let period = if periods_known {
        inputs.iter().map(|i| i.profile.period).min().unwrap_or(0)
    } else {
        inputs.iter().map(|i| i.profile.period).max().unwrap_or(0)
    };
    let count_column = types.iter().position(|t| t == "samples/count");
    let mut same_default_type = true;
    // The strings the header refers to.
    let mut header_strings = vec![strings.id(default_type.to_owned())];
    for t in first
        .profile
        .sample_type
        .iter()
        .chain(&first.profile.period_type)
    {
        header_strings.push(strings.id(string(first.profile, t.r#type).to_owned()));
        header_strings.push(strings.id(string(first.profile, t.unit).to_owned()));
    }

    for input in inputs {
        let p = input.profile;
        let these = sample_types(p);
        if these != types {
            bail!(
                "{} has sample types [{}], but {} has [{}]: only profiles of one kind merge",
                input.name,
                these.join(", "),
                first.name,
                types.join(", ")
            );
        }
        let this_period_type = p
            .period_type
            .as_ref()
            .map(|t| (string(p, t.r#type), string(p, t.unit)));
        if this_period_type != period_type {
            bail!(
                "{} has period type {:?}, but {} has {:?}: only profiles of one kind merge",
                input.name,
                this_period_type,
                first.name,
                period_type
            );
        }
        if input.weight <= 0 {
            bail!(
                "the weight of {} is {}: weights are positive integers",
                input.name,
                input.weight
            );
        }
        if !has_samples(p) {
            bail!(
                "{} has no samples: the program did not run on the CPU while it was profiled (an \
                 idle service, a workload that never ran the program, or too short a profile)",
                input.name
            );
        }
        same_default_type &= string(p, p.default_sample_type) == default_type;
        // How many of the merged period one sample of this input's stands for:
        // this input's period over the merged one (1 / 1 when either is unknown).
        let (period_num, period_den) = if periods_known {
            (p.period, period)
        } else {
            (1, 1)
        };

        let mut function_ids = HashMap::new();
        for f in &p.function {
            let key = (
                strings.id(string(p, f.name).to_owned()),
                strings.id(string(p, f.system_name).to_owned()),
                strings.id(strip_store_prefix(string(p, f.filename)).to_owned()),
                f.start_line,
            );
            function_ids.insert(f.id, functions.id(key));
        }
        let mut mapping_ids = HashMap::new();
        for m in &p.mapping {
            let key = (
                strings.id(base_name(string(p, m.filename)).to_owned()),
                [
                    m.has_functions,
                    m.has_filenames,
                    m.has_line_numbers,
                    m.has_inline_frames,
                ],
            );
            mapping_ids.insert(m.id, mappings.id(key));
        }
        let mut location_ids = HashMap::new();
        for l in &p.location {
            let lines: Vec<_> = l
                .line
                .iter()
                .map(|line| (function_ids[&line.function_id], line.line, line.column))
                .collect();
            let address = if lines.is_empty() { l.address } else { 0 };
            let key = (
                mapping_ids.get(&l.mapping_id).copied(),
                address,
                lines,
                l.is_folded,
            );
            location_ids.insert(l.id, locations.id(key));
        }
        for sample in &p.sample {
            let stack = sample
                .location_id
                .iter()
                .map(|id| location_ids[id])
                .collect();
            let mut labels: Vec<LabelKey> = sample
                .label
                .iter()
                .map(|l| {
                    (
                        strings.id(string(p, l.key).to_owned()),
                        strings.id(string(p, l.str).to_owned()),
                        l.num,
                        strings.id(string(p, l.num_unit).to_owned()),
                    )
                })
                .collect();
            labels.sort_unstable();
            let total = samples
                .entry((stack, labels))
                .or_insert_with(|| vec![0; types.len()]);
            for (column, (t, &v)) in total.iter_mut().zip(&sample.value).enumerate() {
                let v = if Some(column) == count_column && period_num != period_den {
                    scale_count(v, period_num, period_den).with_context(|| {
                        format!(
                            "sample counts of {} overflow scaled to the merged period",
                            input.name
                        )
                    })?
                } else {
                    v
                };
                *t = v
                    .checked_mul(input.weight)
                    .and_then(|v| t.checked_add(v))
                    .with_context(|| {
                        format!("sample values overflow with the weight of {}", input.name)
                    })?;
            }
        }
    }
    samples.retain(|_, values| values.iter().any(|&v| v != 0));

    // Keep only what the samples use (as pprof's own merge does): a mapping
    // without samples ([vdso]) or a location of a dropped sample is not data.
    let mut used_locations = vec![false; locations.keys.len()];
    let mut used_strings = vec![false; strings.keys.len()];
    used_strings[0] = true; // "", interned first: string 0 of every profile
    for &i in &header_strings {
        used_strings[i] = true;
    }
    for (stack, labels) in samples.keys() {
        for &l in stack {
            used_locations[l] = true;
        }
        for &(key, str, _, unit) in labels {
            for i in [key, str, unit] {
                used_strings[i] = true;
            }
        }
    }
    let mut used_functions = vec![false; functions.keys.len()];
    let mut used_mappings = vec![false; mappings.keys.len()];
    for (i, (m, _, lines, _)) in locations.keys.iter().enumerate() {
        if used_locations[i] {
            if let Some(m) = m {
                used_mappings[*m] = true;
            }
            for &(f, _, _) in lines {
                used_functions[f] = true;
            }
        }
    }
    for (i, &(n, sn, f, _)) in functions.keys.iter().enumerate() {
        if used_functions[i] {
            for s in [n, sn, f] {
                used_strings[s] = true;
            }
        }
    }
    for (i, &(f, _)) in mappings.keys.iter().enumerate() {
        if used_mappings[i] {
            used_strings[f] = true;
        }
    }

    // Number everything in content order: strings first, then what refers to them.
    let (string_rank, string_count) = strings.ranks(&used_strings, |s| s.clone());
    let (function_rank, function_count) = functions.ranks(&used_functions, |&(n, sn, f, l)| {
        (string_rank[n], string_rank[sn], string_rank[f], l)
    });
    let (mapping_rank, mapping_count) =
        mappings.ranks(&used_mappings, |&(f, flags)| (string_rank[f], flags));
    let location_sort = |(m, a, lines, folded): &LocationKey| {
        (
            m.map(|m| mapping_rank[m] + 1).unwrap_or(0),
            lines
                .iter()
                .map(|&(f, l, c)| (function_rank[f], l, c))
                .collect::<Vec<_>>(),
            *a,
            *folded,
        )
    };
    let (location_rank, location_count) = locations.ranks(&used_locations, location_sort);
    let sid = |i: usize| string_rank[i] as i64;

    let mut string_table = vec![String::new(); string_count];
    for (i, s) in strings
        .keys
        .iter()
        .enumerate()
        .filter(|(i, _)| used_strings[*i])
    {
        string_table[string_rank[i]] = s.clone();
    }
    let mut function = vec![Function::default(); function_count];
    let used_functions = functions
        .keys
        .iter()
        .enumerate()
        .filter(|(i, _)| used_functions[*i]);
    for (i, &(name, system_name, filename, start_line)) in used_functions {
        function[function_rank[i]] = Function {
            id: function_rank[i] as u64 + 1,
            name: sid(name),
            system_name: sid(system_name),
            filename: sid(filename),
            start_line,
        };
    }
    let mut mapping = vec![Mapping::default(); mapping_count];
    let used_mappings = mappings
        .keys
        .iter()
        .enumerate()
        .filter(|(i, _)| used_mappings[*i]);
    for (i, &(filename, [f, n, l, inl])) in used_mappings {
        mapping[mapping_rank[i]] = Mapping {
            id: mapping_rank[i] as u64 + 1,
            filename: sid(filename),
            has_functions: f,
            has_filenames: n,
            has_line_numbers: l,
            has_inline_frames: inl,
            ..Mapping::default()
        };
    }
    let mut location = vec![Location::default(); location_count];
    let used_locations = locations
        .keys
        .iter()
        .enumerate()
        .filter(|(i, _)| used_locations[*i]);
    for (i, (m, address, lines, is_folded)) in used_locations {
        location[location_rank[i]] = Location {
            id: location_rank[i] as u64 + 1,
            mapping_id: m.map_or(0, |m| mapping_rank[m] as u64 + 1),
            address: *address,
            line: lines
                .iter()
                .map(|&(f, line, column)| Line {
                    function_id: function_rank[f] as u64 + 1,
                    line,
                    column,
                })
                .collect(),
            is_folded: *is_folded,
        };
    }
    let mut sample: Vec<(Vec<u64>, Vec<Label>, Vec<i64>)> = samples
        .into_iter()
        .map(|((stack, labels), value)| {
            let mut labels: Vec<Label> = labels
                .into_iter()
                .map(|(key, str, num, num_unit)| Label {
                    key: sid(key),
                    str: sid(str),
                    num,
                    num_unit: sid(num_unit),
                })
                .collect();
            labels.sort_unstable();
            let stack = stack
                .into_iter()
                .map(|l| location_rank[l] as u64 + 1)
                .collect();
            (stack, labels, value)
        })
        .collect();
    sample.sort_unstable();

    let find = |s: &str| {
        string_table
            .binary_search_by(|t| t.as_str().cmp(s))
            .map_or(0, |i| i as i64)
    };
    let value_type = |t: &ValueType, p: &Profile| ValueType {
        r#type: find(string(p, t.r#type)),
        unit: find(string(p, t.unit)),
    };
    Ok(Profile {
        sample_type: first
            .profile
            .sample_type
            .iter()
            .map(|t| value_type(t, first.profile))
            .collect(),
        sample: sample
            .into_iter()
            .map(|(location_id, label, value)| Sample {
                location_id,
                value,
                label,
            })
            .collect(),
        mapping,
        location,
        function,
        period_type: first
            .profile
            .period_type
            .as_ref()
            .map(|t| value_type(t, first.profile)),
        period,
        default_sample_type: if same_default_type {
            find(default_type)
        } else {
            0
        },
        string_table,
        ..Profile::default()
    })
}

/// `p` alone in canonical form (weight 1).
pub fn canonical(name: &str, p: &Profile) -> Result<Profile> {
    merge(&[Input {
        name,
        profile: p,
        weight: 1,
    }])
}
/// `v * num / den`, rounded half away from zero, in integers (a count above
/// 2^53 keeps every digit); None when the result doesn't fit or `den` is 0.
fn scale_count(v: i64, num: i64, den: i64) -> Option<i64> {
    if den == 0 {
        return None;
    }
    let product = i128::from(v) * i128::from(num);
    let den = i128::from(den);
    let half = den.abs() / 2;
    let rounded = if (product >= 0) == (den > 0) {
        (product.abs() + half) / den.abs()
    } else {
        -((product.abs() + half) / den.abs())
    };
    i64::try_from(rounded).ok()
}

#[cfg(test)]
mod tests {
    use super::{merge_files, scale_count, MergeOptions};
    use std::path::PathBuf;

    fn fixture(name: &str) -> (i64, PathBuf) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pprof");
        (1, dir.join(name))
    }

    #[test]
    fn skip_empty_leaves_out_the_profiles_without_samples_unless_all_are() {
        let alone = merge_files(&[fixture("cpu-a.pprof")], &MergeOptions::default())
            .expect("a profile with samples");
        let with_idle = [fixture("idle.pprof"), fixture("cpu-a.pprof")];
        let err = merge_files(&with_idle, &MergeOptions::default()).expect_err("idle");
        assert!(format!("{err:#}").contains("has no samples"), "{err:#}");
        let skip = MergeOptions {
            skip_empty: true,
            ..MergeOptions::default()
        };
        assert_eq!(merge_files(&with_idle, &skip).expect("skipped"), alone);
        assert!(merge_files(&[fixture("idle.pprof")], &skip).is_err());
    }

    #[test]
    fn counts_scale_in_integers() {
        assert_eq!(scale_count(9, 10_000_000, 1_000_000), Some(90));
        assert_eq!(scale_count(3, 1, 2), Some(2)); // 1.5 rounds away from zero
        assert_eq!(scale_count(-3, 1, 2), Some(-2));
        // Above 2^53 an f64 would lose the last digit.
        assert_eq!(scale_count((1 << 60) + 1, 1, 1), Some((1 << 60) + 1));
        assert_eq!(scale_count(i64::MAX, 2, 1), None);
        assert_eq!(scale_count(1, 1, 0), None);
    }
}
