//! The CPU time written beside each profile of nix-pgo's Go profiling build, and
//! the scaling of a workload's profiles to it.
//!
//! A Go program samples itself with the kernel's CPU-time timers, which fire on
//! scheduler ticks: on a kernel with HZ=250 a profile asked for at 1000 Hz gets
//! one sample per 4 ms of CPU, and each is recorded as its 1 ms period (docs/go.md).
//! Within one profile the weights hold; against a profile taken at another rate
//! they don't: a benchmark's sample (`go test -cpuprofile`, 100 Hz) is 10 ms on
//! any kernel, and Go's compiler weighs a profile by its counts, so at face value
//! the program's runs would weigh 2.5 times their CPU time against a benchmark
//! where HZ=250 and 10 times where HZ=1000: the profile would depend on the
//! builder's kernel. So the
//! profiling build (nix/internal/go/nixPgoProfile.go) writes `cpu-<pid>.cpu-ns`
//! beside `cpu-<pid>.pprof`, the CPU time the process used while profiled, and
//! [`scale_to_cpu_time`] scales a workload's profiles by one factor so that their
//! samples account for that time: each count becomes the number of periods the
//! samples stood for, as a kernel that fires every period would have recorded.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{sample_types, string, Profile};

/// The extension of the CPU-time file beside a profile: `cpu-<pid>.cpu-ns`.
pub const EXTENSION: &str = "cpu-ns";

/// Where the CPU time of the profile at `profile` is.
pub fn path_of(profile: &Path) -> PathBuf {
    profile.with_extension(EXTENSION)
}

/// The CPU time, in nanoseconds, written beside the profile at `profile`.
pub fn read(profile: &Path) -> Result<u64> {
    let path = path_of(profile);
    let text = fs::read_to_string(&path).with_context(|| {
        format!(
            "{} has no CPU time beside it ({}): nix-pgo's profiling build writes one per \
             profile; merge profiles from elsewhere without --cpu-time",
            profile.display(),
            path.display()
        )
    })?;
    text.trim().parse().with_context(|| {
        format!(
            "{} does not hold a CPU time in nanoseconds, but {:?}",
            path.display(),
            text.trim()
        )
    })
}

/// The nanoseconds of CPU time `p`'s samples record: its `cpu/nanoseconds`
/// total, or `samples/count` times a period in nanoseconds.
pub fn recorded_ns(name: &str, p: &Profile) -> Result<i128> {
    let types = sample_types(p);
    let column = |t: &str| types.iter().position(|x| x == t);
    let total = |i: usize| -> i128 { p.sample.iter().map(|s| i128::from(s.value[i])).sum() };
    let period_in_ns = p
        .period_type
        .as_ref()
        .is_some_and(|t| string(p, t.unit) == "nanoseconds");
    if let Some(i) = column("cpu/nanoseconds") {
        Ok(total(i))
    } else if let (Some(i), true) = (column("samples/count"), period_in_ns) {
        Ok(total(i) * i128::from(p.period))
    } else {
        bail!(
            "{name} records no CPU time: its sample types are [{}] (a CPU profile has \
             cpu/nanoseconds)",
            types.join(", ")
        )
    }
}

/// How [`scale_to_cpu_time`] scaled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaling {
    /// The CPU time the processes used, in nanoseconds.
    pub used_ns: u64,
    /// The CPU time their samples recorded, in nanoseconds.
    pub recorded_ns: i128,
    /// `used_ns / recorded_ns`, by which every value was multiplied.
    pub factor: f64,
}

/// Scale the values of `profiles`, the (named) profiles of one workload taken on
/// one kernel, by one factor, so that the CPU time they record is `used_ns`, the
/// time their processes used while profiled. Every value of a sample is scaled,
/// its count with its nanoseconds, and rounded. One factor for all: a process
/// shorter than a tick may get no sample or one, and only the sum over the
/// workload's processes tells the kernel's rate. None when the profiles record
/// no time (the merge then says they have no samples).
pub fn scale_to_cpu_time(
    profiles: &mut [(String, Profile)],
    used_ns: u64,
) -> Result<Option<Scaling>> {
    let mut recorded: i128 = 0;
    for (name, p) in profiles.iter() {
        recorded += recorded_ns(name, p)?;
    }
    if recorded <= 0 {
        return Ok(None);
    }
    let factor = used_ns as f64 / recorded as f64;
    for (name, p) in profiles.iter_mut() {
        for value in p.sample.iter_mut().flat_map(|s| s.value.iter_mut()) {
            let scaled = (*value as f64 * factor).round();
            if !scaled.is_finite() || scaled.abs() >= i64::MAX as f64 {
                bail!(
                    "a sample value of {name} overflows when scaled to its CPU time (by {factor})"
                );
            }
            *value = scaled as i64;
        }
    }
    Ok(Some(Scaling {
        used_ns,
        recorded_ns: recorded,
        factor,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pprof::proto::{Sample, ValueType};

    /// A Go CPU profile at 1000 Hz: one sample per count of 1 ms.
    fn go_profile(counts: &[i64]) -> Profile {
        let strings = ["", "samples", "count", "cpu", "nanoseconds"];
        Profile {
            string_table: strings.iter().map(|s| s.to_string()).collect(),
            sample_type: vec![
                ValueType { r#type: 1, unit: 2 },
                ValueType { r#type: 3, unit: 4 },
            ],
            period_type: Some(ValueType { r#type: 3, unit: 4 }),
            period: 1_000_000,
            sample: counts
                .iter()
                .map(|&c| Sample {
                    location_id: vec![],
                    value: vec![c, c * 1_000_000],
                    label: vec![],
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn samples_of_a_coarse_kernel_are_scaled_to_the_cpu_time_used() {
        // HZ=250: 59 samples of "1 ms" for 240 ms of CPU (measured on this
        // machine's kernel), in two processes, one of them with a third.
        let mut profiles = vec![
            ("a".to_owned(), go_profile(&[40, 10])),
            ("b".to_owned(), go_profile(&[9])),
        ];
        let scaling = scale_to_cpu_time(&mut profiles, 236_000_000)
            .unwrap()
            .unwrap();
        assert_eq!(scaling.recorded_ns, 59_000_000);
        assert_eq!(scaling.factor, 4.0);
        assert_eq!(profiles[0].1.sample[0].value, vec![160, 160_000_000]);
        assert_eq!(profiles[0].1.sample[1].value, vec![40, 40_000_000]);
        assert_eq!(profiles[1].1.sample[0].value, vec![36, 36_000_000]);
    }

    #[test]
    fn profiles_without_samples_are_left_to_the_merge() {
        let mut profiles = vec![("a".to_owned(), go_profile(&[]))];
        assert_eq!(scale_to_cpu_time(&mut profiles, 5_000_000).unwrap(), None);
    }

    #[test]
    fn a_missing_or_unreadable_cpu_time_is_named() {
        let dir = std::env::temp_dir().join(format!("nix-pgo-cpu-time-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let profile = dir.join("cpu-7.pprof");
        let err = format!("{:#}", read(&profile).unwrap_err());
        assert!(
            err.contains("cpu-7.pprof has no CPU time beside it"),
            "{err}"
        );
        assert!(err.contains("without --cpu-time"), "{err}");
        fs::write(dir.join("cpu-7.cpu-ns"), "12 ms\n").unwrap();
        let err = format!("{:#}", read(&profile).unwrap_err());
        assert!(
            err.contains("does not hold a CPU time in nanoseconds, but \"12 ms\""),
            "{err}"
        );
        fs::write(dir.join("cpu-7.cpu-ns"), "240220000\n").unwrap();
        assert_eq!(read(&profile).unwrap(), 240_220_000);
        fs::remove_dir_all(&dir).unwrap();
    }
}
