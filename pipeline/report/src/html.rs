//! Escaping and number formatting for the page.

/// Escapes text content (`&`, `<`, `>`).
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value written between double quotes.
pub fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;").replace('\'', "&#39;")
}

/// `v` with `decimals` decimals and thin groups of thousands (`1,234,567.8`).
pub fn fmt_number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let nonzero = grouped.chars().any(|c| c != '0' && c != ',')
        || frac.as_deref().is_some_and(|f| f.chars().any(|c| c != '0'));
    let negative = v < 0.0 && nonzero;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// An integer count with groups of thousands.
pub fn fmt_count(n: u64) -> String {
    fmt_number(n as f64, 0)
}

/// A share as a percentage with one decimal (`—` for an empty denominator).
pub fn fmt_share(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{}%", fmt_number(100.0 * part / whole, 1))
    } else {
        "—".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(text("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(attr("say \"hi\" 'x'"), "say &quot;hi&quot; &#39;x&#39;");
    }

    #[test]
    fn numbers() {
        assert_eq!(fmt_number(1234567.891, 1), "1,234,567.9");
        assert_eq!(fmt_number(999.0, 0), "999");
        assert_eq!(fmt_number(1000.0, 0), "1,000");
        assert_eq!(fmt_number(-1234.5, 1), "-1,234.5");
        assert_eq!(fmt_number(-0.01, 1), "0.0");
        assert_eq!(fmt_number(0.0, 2), "0.00");
        assert_eq!(fmt_count(4000), "4,000");
        assert_eq!(fmt_share(1.0, 8.0), "12.5%");
        assert_eq!(fmt_share(1.0, 0.0), "—");
    }
}
