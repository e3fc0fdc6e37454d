//! Numbers as text, the way every reader hands them out.

/// The shortest decimal text that reads back as `x`, without a trailing `.0`
/// (`1`, `34`, `120.5`, `-2`, `1e-10`); `None` for NaN and infinities.
pub fn format_number(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x == x.trunc() && x.abs() < 1e15 {
        return Some(format!("{}", x as i64));
    }
    Some(format!("{x}"))
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn whole_numbers_have_no_decimal_point_and_fractions_round_trip() {
        assert_eq!(format_number(1.0).unwrap(), "1");
        assert_eq!(format_number(-2.0).unwrap(), "-2");
        assert_eq!(format_number(0.0).unwrap(), "0");
        assert_eq!(format_number(120.5).unwrap(), "120.5");
        assert_eq!(format_number(0.1).unwrap(), "0.1");
        assert_eq!(format_number(f64::NAN), None);
    }
}
