//! Exact decimal arithmetic for published values.
//!
//! Weighted sums are exact decimals (`i128` units of 10^-9, see
//! [`migstat_artefacts::schema::WEIGHT_TYPE`]). A published value is a ratio of two such
//! sums times a power of ten; it is computed here as the `f64` nearest to the exact
//! rational, so it does not depend on summation order, thread count or intermediate
//! rounding, and 961.25 persons publish as exactly `0.96125` thousand.

/// The `f64` nearest to `numerator / denominator × 10^power_of_ten`.
///
/// `denominator` must be positive. The quotient is expanded by long division to 40
/// significant digits; a final `1` digit stands for any non-zero remainder (a sticky
/// digit), so the correctly rounded parse of the text is the correctly rounded quotient.
pub fn ratio_to_f64(numerator: i128, denominator: i128, power_of_ten: i32) -> f64 {
    assert!(
        denominator > 0,
        "ratio_to_f64: denominator must be positive"
    );
    let negative = numerator < 0;
    let n = numerator.unsigned_abs();
    let d = denominator.unsigned_abs();
    let mut text = String::with_capacity(64);
    if negative {
        text.push('-');
    }
    let integer = n / d;
    let mut rem = n % d;
    text.push_str(&integer.to_string());
    text.push('.');
    let mut significant = if integer == 0 { 0 } else { text.len() };
    // 40 significant digits, or until the division is exact.
    while rem != 0 && significant < 40 {
        rem *= 10;
        let digit = (rem / d) as u8;
        rem %= d;
        text.push((b'0' + digit) as char);
        if significant > 0 || digit != 0 {
            significant += 1;
        }
    }
    if rem != 0 {
        text.push('1');
    }
    text.push('e');
    text.push_str(&power_of_ten.to_string());
    text.parse().expect("a decimal literal always parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: i128 = 1_000_000_000; // one person, at weight scale 9

    #[test]
    fn counts_in_thousands_are_the_nearest_double_to_the_exact_value() {
        assert_eq!(ratio_to_f64(961_250_000_000, UNIT, -3), 0.96125);
        assert_eq!(ratio_to_f64(0, UNIT, -3), 0.0);
        assert_eq!(ratio_to_f64(55 * UNIT, UNIT, -3), 0.055);
    }

    #[test]
    fn rates_match_the_worked_example_to_the_last_digit_of_a_double() {
        // Table A, M x FOREIGN: UR = 150 / 210 x 100 = 71.428571428571...
        let ur = ratio_to_f64(150 * UNIT, 210 * UNIT, 2);
        assert_eq!(ur, 500.0 / 7.0);
        // Table A, total LFPR = 621.25 / 961.25 x 100 = 64.6294...
        let lfpr = ratio_to_f64(621_250_000_000, 961_250_000_000, 2);
        assert_eq!(format!("{lfpr:.4}"), "64.6294");
        assert_eq!(ratio_to_f64(UNIT, 3 * UNIT, 0), 1.0 / 3.0);
    }

    #[test]
    fn huge_and_tiny_ratios_keep_their_precision() {
        // 10^17 weighted persons: beyond 2^53 units, where f64 sums would round.
        let big = 100_000_000_000_000_000i128 * UNIT + 1;
        assert_eq!(ratio_to_f64(big, UNIT, -3), 1e14);
        assert_eq!(ratio_to_f64(1, UNIT, -3), 1e-12);
        assert_eq!(ratio_to_f64(-3 * UNIT, 2 * UNIT, 0), -1.5);
    }
}
