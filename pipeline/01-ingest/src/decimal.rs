//! An exact decimal parser for weights: text to a scaled `i128`, never through `f64`.
//!
//! Accepted: an optional sign, digits with at most one `.` (`120.50`, `.5`, `5.`), and an
//! optional exponent (`1.5e2`, `1E-3`, `2e+1`). Anything else (`NaN`, `inf`, `1,5`,
//! `0x10`, spaces inside) is not a number. Digits beyond the scale are rounded half to
//! even, so `0.0000000005` at scale 9 is `0` and `0.0000000015` is `2` (units of 1e-9).

/// Why a text is not a decimal that fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalError {
    /// Not the syntax above.
    NotANumber,
    /// More than `precision` digits once scaled.
    TooLarge,
}

/// The largest number of digits a parsed value may have (Decimal128's precision).
pub(crate) const PRECISION: usize = 38;

/// A parsed decimal: its sign and its value in units of `10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// The text had a `-` sign and a non-zero digit (so `-0` is not negative).
    pub negative: bool,
    /// The value times `10^scale`, rounded half to even.
    pub scaled: i128,
}

/// Parses `text` (already trimmed) to units of `10^-scale`.
pub(crate) fn parse(text: &str, scale: u32) -> Result<Parsed, DecimalError> {
    let bytes = text.as_bytes();
    let (negative_sign, body) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let (mantissa, exponent) = match body.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, &[][..]),
    };
    let all_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part) {
        return Err(DecimalError::NotANumber);
    }
    let exponent = match exponent {
        None => 0,
        Some(e) => parse_exponent(e).ok_or(DecimalError::NotANumber)?,
    };

    // The significant digits, without leading zeros; value = digits * 10^shift / 10^scale.
    let digits: Vec<u8> = int_part
        .iter()
        .chain(frac_part)
        .copied()
        .skip_while(|&b| b == b'0')
        .map(|b| b - b'0')
        .collect();
    let negative = negative_sign && !digits.is_empty();
    if digits.is_empty() {
        return Ok(Parsed {
            negative,
            scaled: 0,
        });
    }
    let shift = exponent - frac_part.len() as i64 + i64::from(scale);
    let magnitude = if shift >= 0 {
        // Exact: digits followed by `shift` zeros. The leading digit is non-zero, so the
        // number of digits is digits.len() + shift.
        if digits.len() as i64 + shift > PRECISION as i64 {
            return Err(DecimalError::TooLarge);
        }
        digits
            .iter()
            .fold(0i128, |acc, &d| acc * 10 + i128::from(d))
            * 10i128.pow(shift as u32)
    } else {
        round_half_even(&digits, shift.unsigned_abs())?
    };
    Ok(Parsed {
        negative,
        scaled: if negative { -magnitude } else { magnitude },
    })
}

/// A typed decimal (a Parquet column's) `value * 10^-scale`, with `scale <= to`, in units
/// of `10^-to`: exact, so what [`parse`] gives for its text.
pub(crate) fn rescale(value: i128, scale: u32, to: u32) -> Result<Parsed, DecimalError> {
    debug_assert!(scale <= to, "rescaling down would round");
    let scaled = 10i128
        .checked_pow(to - scale)
        .and_then(|factor| value.checked_mul(factor))
        .ok_or(DecimalError::TooLarge)?;
    if scaled.unsigned_abs() >= 10u128.pow(PRECISION as u32) {
        return Err(DecimalError::TooLarge);
    }
    Ok(Parsed {
        negative: value < 0,
        scaled,
    })
}

/// `digits / 10^drop`, rounded half to even.
fn round_half_even(digits: &[u8], drop: u64) -> Result<i128, DecimalError> {
    let keep = digits.len() as i64 - drop.min(i64::MAX as u64) as i64;
    if keep < 0 {
        // The value is below 0.1 unit: it rounds to 0.
        return Ok(0);
    }
    let keep = keep as usize;
    if keep > PRECISION {
        return Err(DecimalError::TooLarge);
    }
    let kept = digits[..keep]
        .iter()
        .fold(0i128, |acc, &d| acc * 10 + i128::from(d));
    let first_dropped = digits[keep];
    let rest_non_zero = digits[keep + 1..].iter().any(|&d| d != 0);
    let up = first_dropped > 5 || (first_dropped == 5 && (rest_non_zero || kept % 2 == 1));
    let rounded = kept + i128::from(up);
    if rounded >= 10i128.pow(PRECISION as u32) {
        return Err(DecimalError::TooLarge);
    }
    Ok(rounded)
}

/// An exponent: optional sign and digits. Huge exponents saturate (they can only mean
/// "too large" or "rounds to zero").
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0i64, |acc, &d| {
        acc.saturating_mul(10)
            .saturating_add(i64::from(d - b'0'))
            .min(1 << 40)
    });
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_decimal_rescales_to_what_its_text_parses_to() {
        for (value, scale, text) in [
            (12050, 2, "120.50"),
            (-1, 2, "-0.01"),
            (0, 0, "0"),
            (7, 9, "0.000000007"),
            (i128::from(i64::MAX), 2, "92233720368547758.07"),
        ] {
            assert_eq!(rescale(value, scale, 9), parse(text, 9), "{text}");
        }
        assert_eq!(rescale(10i128.pow(37), 0, 9), Err(DecimalError::TooLarge));
        assert_eq!(rescale(i128::MAX, 0, 9), Err(DecimalError::TooLarge));
    }

    fn scaled9(text: &str) -> Result<i128, DecimalError> {
        parse(text, 9).map(|p| p.scaled)
    }

    #[test]
    fn plain_decimals_are_exact_at_scale_9() {
        assert_eq!(scaled9("120.50"), Ok(120_500_000_000));
        assert_eq!(scaled9("0"), Ok(0));
        assert_eq!(scaled9("7"), Ok(7_000_000_000));
        assert_eq!(scaled9(".5"), Ok(500_000_000));
        assert_eq!(scaled9("5."), Ok(5_000_000_000));
        assert_eq!(scaled9("+1.25"), Ok(1_250_000_000));
        assert_eq!(scaled9("0.000000001"), Ok(1));
        assert_eq!(scaled9("00012.000000000"), Ok(12_000_000_000));
    }

    #[test]
    fn exponents_move_the_point() {
        assert_eq!(scaled9("1e3"), Ok(1_000_000_000_000));
        assert_eq!(scaled9("1.5e2"), Ok(150_000_000_000));
        assert_eq!(scaled9("1.5E+2"), Ok(150_000_000_000));
        assert_eq!(scaled9("25e-1"), Ok(2_500_000_000));
        assert_eq!(scaled9("1e-9"), Ok(1));
        assert_eq!(scaled9("1e-1000000000000"), Ok(0));
    }

    #[test]
    fn more_than_nine_decimals_round_half_to_even() {
        assert_eq!(scaled9("0.0000000005"), Ok(0), "half, 0 is even: down");
        assert_eq!(scaled9("0.0000000015"), Ok(2), "half, 1 is odd: up");
        assert_eq!(scaled9("0.0000000025"), Ok(2), "half, 2 is even: down");
        assert_eq!(scaled9("0.00000000250001"), Ok(3), "above half: up");
        assert_eq!(scaled9("0.0000000014999"), Ok(1), "below half: down");
        assert_eq!(scaled9("0.00000000005"), Ok(0), "far below half");
        assert_eq!(scaled9("0.0000000009"), Ok(1));
        assert_eq!(scaled9("1.9999999999"), Ok(2_000_000_000), "carries");
    }

    #[test]
    fn anything_else_is_not_a_number() {
        for bad in [
            "", "-", "+", ".", "e3", "1e", "1e+", "1.2.3", "1,5", "NaN", "nan", "inf", "-inf",
            "Infinity", "0x10", "1 000", "12a", "--1", "1e1.5", "١٢",
        ] {
            assert_eq!(scaled9(bad), Err(DecimalError::NotANumber), "{bad:?}");
        }
    }

    #[test]
    fn the_sign_is_kept_and_minus_zero_is_not_negative() {
        assert_eq!(
            parse("-1.5", 9),
            Ok(Parsed {
                negative: true,
                scaled: -1_500_000_000
            })
        );
        assert!(!parse("-0.000", 9).unwrap().negative);
        assert!(
            parse("-0.0000000001", 9).unwrap().negative,
            "negative even if it rounds to 0"
        );
    }

    #[test]
    fn values_beyond_38_digits_are_too_large() {
        let max = "99999999999999999999999999999.999999999"; // 38 digits
        assert_eq!(scaled9(max), Ok(10i128.pow(38) - 1));
        assert_eq!(
            scaled9("99999999999999999999999999999.9999999995"),
            Err(DecimalError::TooLarge),
            "rounds up past the precision"
        );
        assert_eq!(scaled9("1e29"), Err(DecimalError::TooLarge));
        assert_eq!(scaled9("1e28"), Ok(10i128.pow(37)));
        assert_eq!(scaled9("1e1000000000000"), Err(DecimalError::TooLarge));
        assert_eq!(
            scaled9(&"9".repeat(60)),
            Err(DecimalError::TooLarge),
            "no overflow panic"
        );
    }
}
