//! Percentages: the change of a cost against its baseline (`percent_change`,
//! for the regression check, the choice and the report), the command-line
//! options that take one (`parse_percent`, and `parse_fraction`, which tells
//! a fraction from one), and two for
//! messages and logs that a reader must not misread. A share that is not
//! whole never reads "100.0%" or "0.0%", and a change that is not zero never
//! reads "+0.00%" (a regression verdict once said "+0.00% over baseline's
//! slowest" for 0.0005 %).

/// Parse a percentage option (`80` or `80%`): every subcommand taking a
/// threshold (--min-coverage, --max-stale, --tolerance, ...).
pub fn parse_percent(arg: &str) -> Result<f64, String> {
    match arg.trim().trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err("expected a percentage between 0 and 100, e.g. 80".to_owned()),
    }
}

/// A fraction between 0 and 1 (`pprof match --min-rate`), told apart from a percentage.
pub fn parse_fraction(arg: &str) -> Result<f64, String> {
    match arg.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        Ok(f) if (1.0..=100.0).contains(&f) => Err(format!(
            "{arg} is not a fraction between 0 and 1: for {f} %, give {}",
            f / 100.0
        )),
        _ => Err("expected a fraction between 0 and 1, e.g. 0.5".to_owned()),
    }
}

/// A share in percent: one decimal, or four where one would round a share that
/// is not whole to 100.0 % or 0.0 % (99.9988 %), or a bound beyond that.
pub fn share(p: f64) -> String {
    format!("{}%", share_number(p))
}

/// [`share`] without the % sign, for text that spaces it ("99.9988 %").
pub fn share_number(p: f64) -> String {
    let one = format!("{p:.1}");
    if one == "100.0" && p < 100.0 {
        if p > 99.9999 {
            ">99.9999".to_owned()
        } else {
            format!("{p:.4}")
        }
    } else if one == "0.0" && p > 0.0 {
        if p < 0.0001 {
            "<0.0001".to_owned()
        } else {
            format!("{p:.4}")
        }
    } else {
        one
    }
}

/// A signed change in percent: two decimals, or four where two would show a
/// change that is not zero as +0.00 % (+0.0005 %), or a bound beyond that.
pub fn change(p: f64) -> String {
    format!("{}%", change_number(p))
}

/// [`change`] without the % sign, for text that spaces it ("+0.0005 %").
pub fn change_number(p: f64) -> String {
    let two = format!("{p:+.2}");
    if p != 0.0 && (two == "+0.00" || two == "-0.00") {
        if p.abs() < 0.0001 {
            format!("{}<0.0001", if p > 0.0 { "+" } else { "-" })
        } else {
            format!("{p:+.4}")
        }
    } else {
        two
    }
}

/// `(percent change)` of `value` relative to `base`. A `base` of 0 gives
/// infinity for any other value (which `regressions::exceeds` counts as a
/// regression); the costs read from an evaluation are never 0
/// (evaluation.rs refuses them), so no report or choice shows it.
pub fn percent_change(base: u64, value: u64) -> f64 {
    if base == 0 {
        return if value == 0 { 0.0 } else { f64::INFINITY };
    }
    (value as f64 / base as f64 - 1.0) * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_fractions_parse_within_their_range() {
        assert_eq!(parse_percent("80"), Ok(80.0));
        assert_eq!(parse_percent(" 80% "), Ok(80.0));
        assert!(parse_percent("101").is_err());
        assert_eq!(parse_fraction("0.5"), Ok(0.5));
        let err = parse_fraction("50").expect_err("a percentage");
        assert!(err.contains("for 50 %, give 0.5"), "{err}");
        assert!(parse_fraction("-1").is_err());
    }

    #[test]
    fn shares_that_are_not_whole_never_read_as_whole() {
        assert_eq!(share(100.0), "100.0%");
        assert_eq!(share(99.9988), "99.9988%");
        assert_eq!(share(73.46), "73.5%");
        assert_eq!(share(0.00004), "<0.0001%");
        assert_eq!(share(99.99999), ">99.9999%");
        assert_eq!(share(0.0), "0.0%");
        assert_eq!(share_number(99.96), "99.9600");
    }

    #[test]
    fn changes_that_are_not_zero_never_read_as_zero() {
        assert_eq!(change(0.2), "+0.20%");
        assert_eq!(change(-1.234), "-1.23%");
        assert_eq!(change(0.0005), "+0.0005%");
        assert_eq!(change(-0.0021), "-0.0021%");
        assert_eq!(change(0.00001), "+<0.0001%");
        assert_eq!(change(0.0), "+0.00%");
        assert_eq!(change_number(-4.17), "-4.17");
        assert_eq!(change_number(0.0005), "+0.0005");
    }

    #[test]
    fn percent_change_is_relative_to_the_baseline() {
        assert!((percent_change(200, 150) + 25.0).abs() < 1e-12);
        assert_eq!(percent_change(0, 0), 0.0);
    }
}
