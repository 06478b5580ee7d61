//! The statistics of the report: mean and sample standard deviation of run
//! times, and the speedup over the baseline with its propagated error.

/// Mean and sample standard deviation (n - 1 in the denominator) of `xs`.
/// With fewer than two samples the deviation is 0: there is no spread to see.
pub fn mean_stddev(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (f64::NAN, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    if xs.len() < 2 {
        return (mean, 0.0);
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Speedup of a variant over the baseline, baseline_mean / variant_mean, and
/// its standard deviation by first-order error propagation (relative errors
/// add in quadrature), as hyperfine's summary computes it.
pub fn speedup(base: (f64, f64), variant: (f64, f64)) -> (f64, f64) {
    let (b, sb) = base;
    let (v, sv) = variant;
    let s = b / v;
    (s, s * ((sb / b).powi(2) + (sv / v).powi(2)).sqrt())
}

/// The order the variants run in, round `round` of `variants` variants: every
/// variant once, starting one further each round (0 1 2, 1 2 0, 2 0 1, ...).
/// So each variant is as often first as last, and a change in the machine's
/// speed (other jobs, thermal state) during the run hits all variants alike
/// instead of the ones that happen to run later.
pub fn round_order(variants: usize, round: usize) -> Vec<usize> {
    (0..variants).map(|i| (round + i) % variants).collect()
}

/// `(percent change)` of `value` relative to `base`.
pub fn percent_change(base: u64, value: u64) -> f64 {
    if base == 0 {
        return if value == 0 { 0.0 } else { f64::INFINITY };
    }
    (value as f64 / base as f64 - 1.0) * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn sample_standard_deviation_divides_by_n_minus_one() {
        let (m, s) = mean_stddev(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        assert!(close(m, 5.0));
        // Population sd is 2; the sample sd is sqrt(32 / 7).
        assert!(close(s, (32.0f64 / 7.0).sqrt()));
        assert_eq!(mean_stddev(&[3.0]), (3.0, 0.0));
        assert!(mean_stddev(&[]).0.is_nan());
    }

    #[test]
    fn speedup_propagates_relative_errors_in_quadrature() {
        let (s, e) = speedup((2.0, 0.0), (1.0, 0.0));
        assert!(close(s, 2.0) && close(e, 0.0));
        // 3 % and 4 % relative errors give 5 % on the ratio.
        let (s, e) = speedup((1.0, 0.03), (0.5, 0.02));
        assert!(close(s, 2.0));
        assert!(close(e, 2.0 * 0.05));
    }

    #[test]
    fn rounds_rotate_the_starting_variant() {
        assert_eq!(round_order(3, 0), [0, 1, 2]);
        assert_eq!(round_order(3, 1), [1, 2, 0]);
        assert_eq!(round_order(3, 2), [2, 0, 1]);
        assert_eq!(round_order(3, 3), [0, 1, 2]);
        assert_eq!(round_order(1, 5), [0]);
    }

    #[test]
    fn percent_change_is_relative_to_the_baseline() {
        assert!(close(percent_change(200, 150), -25.0));
        assert_eq!(percent_change(0, 0), 0.0);
    }
}
