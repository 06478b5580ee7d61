//! The statistics of the report, as benchstat (golang.org/x/perf) reads
//! benchmarks: each round runs every variant once, the per-round ratio
//! variant / baseline pairs runs that shared the machine's state, and the
//! median of those ratios with a 95 % percentile-bootstrap interval says how
//! much faster or slower the variant is. When the interval contains 1 the
//! report says "~": no measurable change, rather than a mean with an error
//! bar that spans it.

/// The median of `xs` (the mean of the middle two for an even count); NaN
/// for none.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The `q` quantile of sorted values, interpolating linearly between the two
/// nearest ranks (R's and numpy's default, "type 7").
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small generator whose
/// sequence depends on its seed alone, so the report's intervals can be
/// recomputed from report.json's runs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (multiply-shift: no modulo bias to speak of).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// How the intervals are computed; recorded in report.json.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Bootstrap {
    pub resamples: usize,
    pub confidence: f64,
    pub seed: u64,
}

/// 10 000 resamples put the interval's ends within about 0.001 of their
/// limit for the report's 10-50 rounds; the seed is fixed ("nix-pgo" in
/// ASCII) so the same runs always give the same interval.
pub const BOOTSTRAP: Bootstrap = Bootstrap {
    resamples: 10_000,
    confidence: 0.95,
    seed: 0x006e_6978_2d70_676f,
};

/// The median of per-round ratios and its bootstrap interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RatioSummary {
    /// variant time / baseline time, one per measured round, in round order.
    pub ratios: Vec<f64>,
    pub median: f64,
    pub low: f64,
    pub high: f64,
    /// False when the interval contains 1: no measurable change ("~").
    pub significant: bool,
}

/// The median of `ratios` with a percentile-bootstrap confidence interval:
/// resample the ratios with replacement `resamples` times, take each
/// resample's median, and read the interval off those medians' quantiles.
pub fn ratio_summary(ratios: &[f64], b: &Bootstrap) -> RatioSummary {
    let med = median(ratios);
    let (low, high) = if ratios.is_empty() {
        (f64::NAN, f64::NAN)
    } else {
        let mut rng = SplitMix64(b.seed);
        let mut sample = vec![0.0; ratios.len()];
        let mut medians: Vec<f64> = (0..b.resamples)
            .map(|_| {
                for x in sample.iter_mut() {
                    *x = ratios[rng.below(ratios.len())];
                }
                median(&sample)
            })
            .collect();
        medians.sort_by(f64::total_cmp);
        let tail = (1.0 - b.confidence) / 2.0;
        (quantile(&medians, tail), quantile(&medians, 1.0 - tail))
    };
    RatioSummary {
        ratios: ratios.to_vec(),
        median: med,
        low,
        high,
        significant: !(low <= 1.0 && 1.0 <= high),
    }
}

/// Per-round ratios variant / baseline of paired samples (same round).
pub fn paired_ratios(variant: &[f64], baseline: &[f64]) -> Vec<f64> {
    variant.iter().zip(baseline).map(|(v, b)| v / b).collect()
}

/// The order the variants run in, round `round` of `variants` variants: every
/// variant once, starting one further each round (0 1 2, 1 2 0, 2 0 1, ...).
/// So each variant is as often first as last, and a change in the machine's
/// speed (other jobs, thermal state) during the run hits all variants alike
/// instead of the ones that happen to run later.
pub fn round_order(variants: usize, round: usize) -> Vec<usize> {
    (0..variants).map(|i| (round + i) % variants).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert!(close(median(&[3.0, 1.0, 2.0]), 2.0));
        assert!(close(median(&[4.0, 1.0, 3.0, 2.0]), 2.5));
        assert!(median(&[]).is_nan());
    }

    /// Ratios scattered around 1 (a variant as fast as the baseline on a
    /// noisy machine): the interval contains 1, "~".
    #[test]
    fn noise_around_one_is_no_measurable_change() {
        let ratios = [
            0.97, 1.02, 0.99, 1.03, 1.00, 0.98, 1.01, 1.04, 0.96, 1.00, 0.99, 1.02, 0.98, 1.01,
            1.00, 0.97, 1.03, 0.99, 1.01, 1.00,
        ];
        let r = ratio_summary(&ratios, &BOOTSTRAP);
        assert!(close(r.median, 1.0), "{r:?}");
        assert!(r.low < 1.0 && r.high > 1.0, "{r:?}");
        assert!(!r.significant);
        // Identical runs: a zero-width interval at 1 is no change either.
        assert!(!ratio_summary(&[1.0; 10], &BOOTSTRAP).significant);
    }

    /// A variant about 8 % faster in every round: the interval excludes 1.
    #[test]
    fn a_consistent_speedup_is_significant() {
        let ratios = [
            0.92, 0.91, 0.93, 0.92, 0.94, 0.90, 0.92, 0.93, 0.91, 0.92, 0.95, 0.92, 0.91, 0.93,
            0.92,
        ];
        let r = ratio_summary(&ratios, &BOOTSTRAP);
        assert!(close(r.median, 0.92), "{r:?}");
        assert!(r.low <= 0.92 && 0.92 <= r.high && r.high < 0.94, "{r:?}");
        assert!(r.significant);
        // Reproducible from the data: the same ratios give the same interval.
        assert_eq!(ratio_summary(&ratios, &BOOTSTRAP), r);
        // One outlier round (the machine stalled) moves the median, not the verdict.
        let mut stalled = ratios.to_vec();
        stalled[3] = 1.6;
        assert!(ratio_summary(&stalled, &BOOTSTRAP).significant);
    }

    #[test]
    fn paired_ratios_divide_round_by_round() {
        let r = paired_ratios(&[1.0, 3.0], &[2.0, 3.0]);
        assert!(close(r[0], 0.5) && close(r[1], 1.0));
    }

    #[test]
    fn the_generator_is_fixed_by_its_seed() {
        // SplitMix64's first output for seed 0 (from its reference
        // implementation, as published with the algorithm).
        assert_eq!(SplitMix64(0).next(), 0xe220_a839_7b1d_cdaf);
        let mut g = SplitMix64(7);
        assert!((0..1000).all(|_| g.below(3) < 3));
    }

    #[test]
    fn rounds_rotate_the_starting_variant() {
        assert_eq!(round_order(3, 0), [0, 1, 2]);
        assert_eq!(round_order(3, 1), [1, 2, 0]);
        assert_eq!(round_order(3, 2), [2, 0, 1]);
        assert_eq!(round_order(3, 3), [0, 1, 2]);
        assert_eq!(round_order(1, 5), [0]);
    }
}
