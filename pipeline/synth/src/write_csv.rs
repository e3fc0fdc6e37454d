//! CSV encoding: the column order of `fixtures/lfs/generate_lfs.py`, `\n` line ends, no
//! quoting (no value contains a comma or a quote), not stated = empty field.

use crate::design::Design;
use crate::model::{Code, Person};

/// The core-record columns, in file order.
pub const CORE_COLUMNS: [&str; 20] = [
    "person_id",
    "weight",
    "sex",
    "age",
    "country_of_birth",
    "citizenship",
    "citizenship_2",
    "usual_resident",
    "household_id",
    "lfs_status",
    "worked",
    "absent",
    "absence_reason",
    "absence_paid",
    "absence_return_3m",
    "searched",
    "available",
    "future_start",
    "year_of_arrival",
    "reason_for_migration",
];

/// The header line.
pub fn header(design: Option<&Design>) -> Vec<u8> {
    let mut line = CORE_COLUMNS.join(",");
    if let Some(d) = design {
        line.push_str(",stratum,psu");
        for r in 1..=d.replicates() {
            line.push_str(&format!(",repwt_{r}"));
        }
    }
    line.push('\n');
    line.into_bytes()
}

/// Household numbers are written with at least this many digits (`H0000001`).
pub const HOUSEHOLD_DIGITS: usize = 7;

/// Appends `n` in decimal, left-padded with zeros to `width` digits.
pub fn push_uint(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (tmp.len() - i)..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// `H0000042`.
pub fn push_household_id(buf: &mut Vec<u8>, household: u64) {
    buf.push(b'H');
    push_uint(buf, household, HOUSEHOLD_DIGITS);
}

/// `H0000042-03`.
pub fn push_person_id(buf: &mut Vec<u8>, p: &Person) {
    push_household_id(buf, p.household);
    buf.push(b'-');
    push_uint(buf, u64::from(p.member), 2);
}

/// A weight in hundredths as `123.45`.
pub fn push_cents(buf: &mut Vec<u8>, cents: u64) {
    push_uint(buf, cents / 100, 1);
    buf.push(b'.');
    push_uint(buf, cents % 100, 2);
}

/// Micro-units as decimal text with 2 to 6 decimals (trailing zeros dropped).
pub fn push_micros(buf: &mut Vec<u8>, micros: u64) {
    push_uint(buf, micros / 1_000_000, 1);
    buf.push(b'.');
    let mut frac = micros % 1_000_000;
    let mut digits = 6;
    while digits > 2 && frac.is_multiple_of(10) {
        frac /= 10;
        digits -= 1;
    }
    push_uint(buf, frac, digits);
}

fn push_code(buf: &mut Vec<u8>, c: Option<Code>) {
    if let Some(c) = c {
        buf.extend_from_slice(&c);
    }
}

fn push_flag(buf: &mut Vec<u8>, f: Option<bool>) {
    match f {
        Some(true) => buf.push(b'Y'),
        Some(false) => buf.push(b'N'),
        None => {}
    }
}

fn push_text(buf: &mut Vec<u8>, t: Option<&str>) {
    if let Some(t) = t {
        buf.extend_from_slice(t.as_bytes());
    }
}

/// The lines of `persons`.
pub fn encode(persons: &[Person], design: Option<&Design>) -> Vec<u8> {
    let per_row = 96 + design.map_or(0, |d| 16 + 12 * d.replicates());
    let mut buf = Vec::with_capacity(persons.len() * per_row);
    for p in persons {
        push_person_id(&mut buf, p);
        buf.push(b',');
        push_cents(&mut buf, p.weight_cents);
        buf.push(b',');
        buf.push(p.sex);
        buf.push(b',');
        if let Some(a) = p.age {
            push_uint(&mut buf, u64::from(a), 1);
        }
        buf.push(b',');
        push_code(&mut buf, p.country_of_birth);
        buf.push(b',');
        push_code(&mut buf, p.citizenship);
        buf.push(b',');
        push_code(&mut buf, p.citizenship_2);
        buf.push(b',');
        push_flag(&mut buf, Some(p.usual_resident));
        buf.push(b',');
        push_household_id(&mut buf, p.household);
        buf.push(b',');
        let lf = &p.lf;
        push_text(&mut buf, lf.status);
        buf.push(b',');
        push_flag(&mut buf, lf.worked);
        buf.push(b',');
        push_flag(&mut buf, lf.absent);
        buf.push(b',');
        push_text(&mut buf, lf.absence_reason);
        buf.push(b',');
        push_flag(&mut buf, lf.absence_paid);
        buf.push(b',');
        push_flag(&mut buf, lf.absence_return_3m);
        buf.push(b',');
        push_flag(&mut buf, lf.searched);
        buf.push(b',');
        push_flag(&mut buf, lf.available);
        buf.push(b',');
        push_flag(&mut buf, lf.future_start);
        buf.push(b',');
        if let Some(y) = p.year_of_arrival {
            push_uint(&mut buf, u64::from(y), 1);
        }
        buf.push(b',');
        push_text(&mut buf, p.reason);
        if let (Some(d), Some((stratum, psu))) = (design, p.unit) {
            buf.push(b',');
            buf.extend_from_slice(d.strata[stratum as usize].as_bytes());
            buf.push(b',');
            buf.extend_from_slice(d.psus[psu as usize].1.as_bytes());
            for r in 0..d.replicates() {
                buf.push(b',');
                push_micros(&mut buf, d.replicate_micros(r, psu, p.weight_cents));
            }
        }
        buf.push(b'\n');
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn numbers_are_written_exactly() {
        assert_eq!(text(|b| push_uint(b, 0, 1)), "0");
        assert_eq!(text(|b| push_uint(b, 42, 7)), "0000042");
        assert_eq!(text(|b| push_uint(b, 12_345_678, 7)), "12345678");
        assert_eq!(text(|b| push_cents(b, 0)), "0.00");
        assert_eq!(text(|b| push_cents(b, 12_005)), "120.05");
        assert_eq!(text(|b| push_micros(b, 141_015_000)), "141.015");
        assert_eq!(text(|b| push_micros(b, 96_360_250)), "96.36025");
        assert_eq!(text(|b| push_micros(b, 160_666_667)), "160.666667");
        assert_eq!(text(|b| push_micros(b, 5_000_000)), "5.00");
    }
}
