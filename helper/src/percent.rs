//! Percentages for messages and logs: two a reader must not misread. A share
//! that is not whole never reads "100.0%" or "0.0%", and a change that is not
//! zero never reads "+0.00%" (a regression verdict once said "+0.00% over
//! baseline's slowest" for 0.0005 %).

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
