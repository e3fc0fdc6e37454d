//! Inline SVG charts, drawn in Rust: grouped bar charts and a population pyramid.
//!
//! Each chart is data plus a deterministic layout ([`BarChart::bars`],
//! [`Pyramid::bars`]) that the SVG is written from, so tests can check the geometry
//! (bar lengths proportional to values, symmetric axes) without parsing SVG. Every SVG
//! has an `id`, `role="img"`, an `aria-label`, a `<title>` and `<desc>`, axis labels, and
//! one real `<rect>` per bar carrying its value in `data-value`.

use std::fmt::Write;

use crate::html::{attr, fmt_number, text};

/// Colour-blind safe palette (Okabe and Ito).
pub const PALETTE: [&str; 6] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
];
/// The colour of "not stated" segments.
pub const GREY: &str = "#9A9A9A";

/// One value of a bar chart: the bar's value, and the status shown next to it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarValue {
    /// The value; `None` draws no bar (a confidential or unpublished cell).
    pub value: Option<f64>,
    /// A flag printed at the bar: `U` (unreliable, drawn hatched), `C`, `n/p`.
    pub flag: Option<String>,
}

impl BarValue {
    /// A plain published value.
    pub fn of(value: f64) -> Self {
        BarValue {
            value: Some(value),
            flag: None,
        }
    }
}

/// A vertical grouped bar chart: one group per category, one bar per series.
#[derive(Debug, Clone)]
pub struct BarChart {
    /// The SVG `id`.
    pub id: String,
    /// The title (also the accessible name).
    pub title: String,
    /// A sentence describing the chart for screen readers.
    pub description: String,
    /// The label of the value axis, with its unit.
    pub y_label: String,
    /// The label of the category axis.
    pub x_label: String,
    /// The category names (groups along the x axis).
    pub categories: Vec<String>,
    /// The series names (bars within a group), shown in the legend.
    pub series: Vec<String>,
    /// `values[category][series]`.
    pub values: Vec<Vec<BarValue>>,
}

/// Where one bar of a [`BarChart`] is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRect {
    /// Index into the categories.
    pub category: usize,
    /// Index into the series.
    pub series: usize,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height (proportional to the value).
    pub height: f64,
    /// The value drawn.
    pub value: f64,
}

const BAR_W: f64 = 720.0;
const BAR_H: f64 = 360.0;
const BAR_LEFT: f64 = 64.0;
const BAR_RIGHT: f64 = 16.0;
const BAR_TOP: f64 = 44.0;
const BAR_BOTTOM: f64 = 84.0;

/// The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) at least `v`.
pub fn nice_ceiling(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * p >= v * (1.0 - 1e-12) {
            return m * p;
        }
    }
    10.0 * p
}

/// Coordinates rounded to 0.01 for compact, stable output.
fn r(v: f64) -> String {
    let v = (v * 100.0).round() / 100.0;
    if v == 0.0 {
        "0".into()
    } else {
        format!("{v}")
    }
}

impl BarChart {
    /// The top of the value axis: a nice number at least the largest value.
    pub fn scale_max(&self) -> f64 {
        let max = self
            .values
            .iter()
            .flatten()
            .filter_map(|v| v.value)
            .fold(0.0f64, f64::max);
        nice_ceiling(max)
    }

    fn plot_height(&self) -> f64 {
        BAR_H - BAR_TOP - BAR_BOTTOM
    }

    fn group_width(&self) -> f64 {
        (BAR_W - BAR_LEFT - BAR_RIGHT) / self.categories.len().max(1) as f64
    }

    fn bar_width(&self) -> f64 {
        self.group_width() * 0.8 / self.series.len().max(1) as f64
    }

    fn bar_x(&self, category: usize, series: usize) -> f64 {
        BAR_LEFT
            + category as f64 * self.group_width()
            + self.group_width() * 0.1
            + series as f64 * self.bar_width()
    }

    /// The bars with a value, with their geometry: height = value / scale max * plot height.
    pub fn bars(&self) -> Vec<BarRect> {
        let max = self.scale_max();
        let base = BAR_H - BAR_BOTTOM;
        let mut out = Vec::new();
        for (c, row) in self.values.iter().enumerate() {
            for (s, v) in row.iter().enumerate() {
                if let Some(value) = v.value {
                    let height = value.max(0.0) / max * self.plot_height();
                    out.push(BarRect {
                        category: c,
                        series: s,
                        x: self.bar_x(c, s),
                        y: base - height,
                        width: self.bar_width() * 0.92,
                        height,
                        value,
                    });
                }
            }
        }
        out
    }

    /// The chart as an inline `<svg>` element.
    pub fn to_svg(&self) -> String {
        let mut s = String::new();
        let id = &self.id;
        let max = self.scale_max();
        let base = BAR_H - BAR_BOTTOM;
        let _ = write!(
            s,
            r#"<svg id="{id}" class="chart" role="img" aria-label="{label}" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {BAR_W} {BAR_H}" width="{BAR_W}" height="{BAR_H}" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-size="12">"#,
            id = attr(id),
            label = attr(&self.title),
        );
        let _ = write!(
            s,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            text(&self.title),
            text(&self.description),
            id = attr(id)
        );
        // One hatch pattern per series (unreliable bars), and a grey one for the legend.
        s.push_str("<defs>");
        let colours = (0..self.series.len())
            .map(|i| (i.to_string(), PALETTE[i % PALETTE.len()]))
            .chain([("u".to_string(), "#555555")]);
        for (key, colour) in colours {
            let _ = write!(
                s,
                r##"<pattern id="{id}-hatch-{key}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{colour}"/></pattern>"##,
                id = attr(id)
            );
        }
        s.push_str("</defs>");
        let _ = write!(
            s,
            r#"<text x="{}" y="20" font-size="15" font-weight="bold" text-anchor="middle">{}</text>"#,
            r(BAR_W / 2.0),
            text(&self.title)
        );
        // Value axis: gridlines and tick labels.
        for k in 0..=4 {
            let v = max * k as f64 / 4.0;
            let y = base - self.plot_height() * k as f64 / 4.0;
            let _ = write!(
                s,
                r##"<line class="grid" x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="#dddddd"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
                r(BAR_LEFT),
                r(BAR_W - BAR_RIGHT),
                r(BAR_LEFT - 6.0),
                r(y + 4.0),
                text(&fmt_number(v, 1)),
                y = r(y)
            );
        }
        let _ = write!(
            s,
            r#"<text class="axis-label" transform="translate(16 {}) rotate(-90)" text-anchor="middle">{}</text>"#,
            r(BAR_TOP + self.plot_height() / 2.0),
            text(&self.y_label)
        );
        // Bars.
        let bars = self.bars();
        for b in &bars {
            let v = &self.values[b.category][b.series];
            let colour = PALETTE[b.series % PALETTE.len()];
            let unreliable = v.flag.as_deref() == Some("U");
            let fill = if unreliable {
                format!("url(#{}-hatch-{})", attr(id), b.series)
            } else {
                colour.to_string()
            };
            let flag = v
                .flag
                .as_deref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default();
            let _ = write!(
                s,
                r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="{colour}" data-value="{}" data-category="{}" data-series="{}"><title>{}, {}: {}{}</title></rect>"#,
                r(b.x),
                r(b.y),
                r(b.width),
                r(b.height),
                b.value,
                attr(&self.categories[b.category]),
                attr(&self.series[b.series]),
                text(&self.categories[b.category]),
                text(&self.series[b.series]),
                text(&fmt_number(b.value, 1)),
                text(&flag),
            );
            let label = match &v.flag {
                Some(f) => format!("{} {f}", fmt_number(b.value, 1)),
                None => fmt_number(b.value, 1),
            };
            let _ = write!(
                s,
                r#"<text class="value" x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>"#,
                r(b.x + b.width / 2.0),
                r(b.y - 3.0),
                text(&label)
            );
        }
        // Cells without a value: the flag where the bar would be.
        for (c, row) in self.values.iter().enumerate() {
            for (si, v) in row.iter().enumerate() {
                if v.value.is_none() {
                    let x = self.bar_x(c, si) + self.bar_width() * 0.46;
                    let _ = write!(
                        s,
                        r#"<text class="flag" x="{}" y="{}" text-anchor="middle" font-size="10" data-series="{}">{}</text>"#,
                        r(x),
                        r(base - 4.0),
                        attr(&self.series[si]),
                        text(v.flag.as_deref().unwrap_or("n/a"))
                    );
                }
            }
        }
        // Category axis.
        let _ = write!(
            s,
            r##"<line class="axis" x1="{}" x2="{}" y1="{b}" y2="{b}" stroke="#333333"/>"##,
            r(BAR_LEFT),
            r(BAR_W - BAR_RIGHT),
            b = r(base)
        );
        for (c, name) in self.categories.iter().enumerate() {
            let x = BAR_LEFT + (c as f64 + 0.5) * self.group_width();
            let _ = write!(
                s,
                r#"<text class="category" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                r(x),
                r(base + 16.0),
                text(name)
            );
        }
        let _ = write!(
            s,
            r#"<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            r(BAR_LEFT + (BAR_W - BAR_LEFT - BAR_RIGHT) / 2.0),
            r(base + 34.0),
            text(&self.x_label)
        );
        // Legend.
        let mut x = BAR_LEFT;
        let y = BAR_H - 22.0;
        for (i, name) in self.series.iter().enumerate() {
            let _ = write!(
                s,
                r#"<g class="legend"><rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text></g>"#,
                r(x),
                r(y - 10.0),
                PALETTE[i % PALETTE.len()],
                r(x + 16.0),
                r(y),
                text(name)
            );
            x += 28.0 + 7.0 * name.chars().count() as f64;
        }
        let _ = write!(
            s,
            r##"<g class="legend"><rect x="{}" y="{}" width="12" height="12" fill="url(#{}-hatch-u)" stroke="#555555"/><text x="{}" y="{}">U: unreliable</text><text x="{}" y="{}">C: confidential, no bar</text></g>"##,
            r(x + 12.0),
            r(y - 10.0),
            attr(id),
            r(x + 28.0),
            r(y),
            r(x + 124.0),
            r(y)
        );
        s.push_str("</svg>");
        s
    }
}

/// A side of a [`Pyramid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Left of the centre (men).
    Left,
    /// Right of the centre (women).
    Right,
}

/// A population pyramid: age groups from bottom (youngest) to top, two sides, stacked
/// segments per side (e.g. native-born, foreign-born, not stated).
#[derive(Debug, Clone)]
pub struct Pyramid {
    /// The SVG `id`.
    pub id: String,
    /// The title.
    pub title: String,
    /// A sentence describing the chart for screen readers.
    pub description: String,
    /// The age group labels, youngest first.
    pub groups: Vec<String>,
    /// The stacked segments, in drawing order from the centre outwards.
    pub stacks: Vec<String>,
    /// The colours of the stacks.
    pub colours: Vec<String>,
    /// The name of the left side.
    pub left_label: String,
    /// The name of the right side.
    pub right_label: String,
    /// `left[group][stack]`.
    pub left: Vec<Vec<f64>>,
    /// `right[group][stack]`.
    pub right: Vec<Vec<f64>>,
    /// The label of the value axis (both sides).
    pub value_label: String,
    /// A group from which a dashed line is drawn below, with this label (e.g. working age).
    pub marker: Option<(usize, String)>,
}

/// Where one segment of a [`Pyramid`] is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PyramidRect {
    /// Index into the age groups.
    pub group: usize,
    /// Index into the stacks.
    pub stack: usize,
    /// Which side.
    pub side: Side,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width (proportional to the value).
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The value drawn.
    pub value: f64,
}

const PYR_W: f64 = 760.0;
const PYR_TOP: f64 = 56.0;
const PYR_BOTTOM: f64 = 70.0;
const PYR_SIDE_MARGIN: f64 = 20.0;
const PYR_GAP: f64 = 64.0;
const PYR_ROW: f64 = 20.0;

impl Pyramid {
    /// The x of the centre line.
    pub fn centre(&self) -> f64 {
        PYR_W / 2.0
    }

    /// The length of the value axis on each side (the same on both).
    pub fn half_width(&self) -> f64 {
        PYR_W / 2.0 - PYR_GAP / 2.0 - PYR_SIDE_MARGIN
    }

    /// The total height of the chart.
    pub fn height(&self) -> f64 {
        PYR_TOP + PYR_ROW * self.groups.len() as f64 + PYR_BOTTOM
    }

    /// The end of both value axes: a nice number at least the largest bar of either side.
    pub fn scale_max(&self) -> f64 {
        let total = |rows: &Vec<Vec<f64>>| {
            rows.iter()
                .map(|r| r.iter().map(|v| v.max(0.0)).sum::<f64>())
                .fold(0.0f64, f64::max)
        };
        nice_ceiling(total(&self.left).max(total(&self.right)))
    }

    /// The ticks of the value axes: `(value, x)` for both sides, values 0, max/2, max.
    pub fn ticks(&self) -> Vec<(Side, f64, f64)> {
        let max = self.scale_max();
        let mut out = Vec::new();
        for k in 0..=2 {
            let v = max * k as f64 / 2.0;
            let d = self.half_width() * k as f64 / 2.0;
            out.push((Side::Left, v, self.centre() - PYR_GAP / 2.0 - d));
            out.push((Side::Right, v, self.centre() + PYR_GAP / 2.0 + d));
        }
        out
    }

    fn row_y(&self, group: usize) -> f64 {
        // Youngest at the bottom.
        PYR_TOP + PYR_ROW * (self.groups.len() - 1 - group) as f64
    }

    /// Every non-zero segment with its geometry: width = value / scale max * half width.
    pub fn bars(&self) -> Vec<PyramidRect> {
        let max = self.scale_max();
        let unit = self.half_width() / max;
        let mut out = Vec::new();
        for (side, rows) in [(Side::Left, &self.left), (Side::Right, &self.right)] {
            for (g, row) in rows.iter().enumerate() {
                let mut offset = 0.0;
                for (k, &v) in row.iter().enumerate() {
                    let width = v.max(0.0) * unit;
                    if width <= 0.0 {
                        continue;
                    }
                    let x = match side {
                        Side::Left => self.centre() - PYR_GAP / 2.0 - offset - width,
                        Side::Right => self.centre() + PYR_GAP / 2.0 + offset,
                    };
                    out.push(PyramidRect {
                        group: g,
                        stack: k,
                        side,
                        x,
                        y: self.row_y(g) + 1.0,
                        width,
                        height: PYR_ROW - 2.0,
                        value: v,
                    });
                    offset += width;
                }
            }
        }
        out
    }

    /// The chart as an inline `<svg>` element.
    pub fn to_svg(&self) -> String {
        let mut s = String::new();
        let id = attr(&self.id);
        let h = self.height();
        let base = PYR_TOP + PYR_ROW * self.groups.len() as f64;
        let _ = write!(
            s,
            r#"<svg id="{id}" class="chart" role="img" aria-label="{label}" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {PYR_W} {h}" width="{PYR_W}" height="{h}" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-size="12">"#,
            label = attr(&self.title),
            h = r(h)
        );
        let _ = write!(
            s,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            text(&self.title),
            text(&self.description)
        );
        let _ = write!(
            s,
            r#"<text x="{}" y="20" font-size="15" font-weight="bold" text-anchor="middle">{}</text>"#,
            r(self.centre()),
            text(&self.title)
        );
        let _ = write!(
            s,
            r#"<text class="side-label" x="{}" y="44" text-anchor="middle" font-weight="bold">{}</text><text class="side-label" x="{}" y="44" text-anchor="middle" font-weight="bold">{}</text>"#,
            r(self.centre() - PYR_GAP / 2.0 - self.half_width() / 2.0),
            text(&self.left_label),
            r(self.centre() + PYR_GAP / 2.0 + self.half_width() / 2.0),
            text(&self.right_label)
        );
        for (side, v, x) in self.ticks() {
            let _ = write!(
                s,
                r##"<line class="grid" data-side="{}" x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="#dddddd"/><text x="{x}" y="{}" text-anchor="middle">{}</text>"##,
                if side == Side::Left { "left" } else { "right" },
                r(PYR_TOP),
                r(base),
                r(base + 16.0),
                text(&fmt_number(v, 0)),
                x = r(x)
            );
        }
        for b in self.bars() {
            let colour = self
                .colours
                .get(b.stack)
                .map(String::as_str)
                .unwrap_or(GREY);
            let (side, who) = match b.side {
                Side::Left => ("left", &self.left_label),
                Side::Right => ("right", &self.right_label),
            };
            let _ = write!(
                s,
                r#"<rect class="bar" x="{}" y="{}" width="{}" height="{}" fill="{colour}" data-value="{}" data-side="{side}" data-group="{}" data-stack="{}"><title>{}, {}, {}: {}</title></rect>"#,
                r(b.x),
                r(b.y),
                r(b.width),
                r(b.height),
                b.value,
                attr(&self.groups[b.group]),
                attr(&self.stacks[b.stack]),
                text(who),
                text(&self.groups[b.group]),
                text(&self.stacks[b.stack]),
                text(&fmt_number(b.value, 0)),
            );
        }
        for (g, name) in self.groups.iter().enumerate() {
            let _ = write!(
                s,
                r#"<text class="age" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                r(self.centre()),
                r(self.row_y(g) + PYR_ROW / 2.0 + 4.0),
                text(name)
            );
        }
        if let Some((g, _)) = &self.marker {
            let y = self.row_y(*g) + PYR_ROW;
            let _ = write!(
                s,
                r##"<line class="marker" x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="#333333" stroke-dasharray="4 3"/>"##,
                r(PYR_SIDE_MARGIN),
                r(PYR_W - PYR_SIDE_MARGIN),
                y = r(y)
            );
        }
        let _ = write!(
            s,
            r##"<line class="axis" x1="{}" x2="{}" y1="{b}" y2="{b}" stroke="#333333"/><text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text><text class="axis-label" x="{}" y="{}" text-anchor="middle">age group</text>"##,
            r(PYR_SIDE_MARGIN),
            r(PYR_W - PYR_SIDE_MARGIN),
            r(self.centre()),
            r(base + 34.0),
            text(&self.value_label),
            r(self.centre()),
            r(PYR_TOP - 4.0),
            b = r(base)
        );
        let mut x = PYR_SIDE_MARGIN;
        let y = h - 12.0;
        for (k, name) in self.stacks.iter().enumerate() {
            let colour = self.colours.get(k).map(String::as_str).unwrap_or(GREY);
            let _ = write!(
                s,
                r#"<g class="legend"><rect x="{}" y="{}" width="12" height="12" fill="{colour}"/><text x="{}" y="{}">{}</text></g>"#,
                r(x),
                r(y - 10.0),
                r(x + 16.0),
                r(y),
                text(name)
            );
            x += 32.0 + 7.0 * name.chars().count() as f64;
        }
        if let Some((_, label)) = &self.marker {
            let _ = write!(
                s,
                r##"<g class="legend"><line x1="{}" x2="{}" y1="{ly}" y2="{ly}" stroke="#333333" stroke-dasharray="4 3"/><text x="{}" y="{}">{}</text></g>"##,
                r(x),
                r(x + 20.0),
                r(x + 26.0),
                r(y),
                text(label),
                ly = r(y - 4.0)
            );
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: Vec<Vec<BarValue>>) -> BarChart {
        BarChart {
            id: "chart-test".into(),
            title: "Test <chart>".into(),
            description: "d".into(),
            y_label: "percent".into(),
            x_label: "status".into(),
            categories: (0..values.len()).map(|i| format!("c{i}")).collect(),
            series: (0..values[0].len()).map(|i| format!("s{i}")).collect(),
            values,
        }
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(61.5), 100.0);
        assert_eq!(nice_ceiling(7.3), 10.0);
        assert_eq!(nice_ceiling(4.1), 5.0);
        assert_eq!(nice_ceiling(21.0), 25.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(12_345.0), 20_000.0);
    }

    #[test]
    fn bar_heights_are_proportional_to_values_on_a_common_baseline() {
        let c = chart(vec![
            vec![BarValue::of(60.0), BarValue::of(30.0)],
            vec![BarValue::of(15.0), BarValue::of(45.0)],
        ]);
        let bars = c.bars();
        assert_eq!(bars.len(), 4);
        let ratio = bars[0].height / bars[0].value;
        for b in &bars {
            assert!((b.height / b.value - ratio).abs() < 1e-9, "{b:?}");
            assert!((b.y + b.height - bars[0].y - bars[0].height).abs() < 1e-9);
            assert!(b.width > 0.0);
        }
        assert!((bars[0].height / bars[1].height - 2.0).abs() < 1e-9);
        // The largest bar reaches 60% of the axis (scale max 100).
        assert_eq!(c.scale_max(), 100.0);
        // Bars do not overlap.
        let mut xs: Vec<(f64, f64)> = bars.iter().map(|b| (b.x, b.x + b.width)).collect();
        xs.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(xs.windows(2).all(|w| w[0].1 <= w[1].0));
    }

    #[test]
    fn missing_values_draw_no_bar_but_their_flag() {
        let c = chart(vec![vec![
            BarValue::of(5.0),
            BarValue {
                value: None,
                flag: Some("C".into()),
            },
            BarValue {
                value: Some(2.5),
                flag: Some("U".into()),
            },
        ]]);
        assert_eq!(c.bars().len(), 2);
        let svg = c.to_svg();
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 2);
        assert!(svg.contains("data-value=\"5\""));
        assert!(svg.contains("data-value=\"2.5\""));
        assert!(svg.contains(">C</text>"));
        assert!(svg.contains("fill=\"url(#chart-test-hatch-2)\""));
        assert!(svg.starts_with("<svg id=\"chart-test\""));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-label=\"Test &lt;chart&gt;\""));
        assert!(svg.contains("<title id=\"chart-test-title\">Test &lt;chart&gt;</title>"));
        assert!(svg.contains(">percent</text>") && svg.contains(">status</text>"));
    }

    fn pyramid() -> Pyramid {
        Pyramid {
            id: "chart-pyramid".into(),
            title: "P".into(),
            description: "d".into(),
            groups: vec!["0-9".into(), "10-19".into(), "20+".into()],
            stacks: vec!["native".into(), "foreign".into()],
            colours: vec![PALETTE[0].into(), PALETTE[1].into()],
            left_label: "Men".into(),
            right_label: "Women".into(),
            left: vec![vec![100.0, 20.0], vec![80.0, 0.0], vec![40.0, 10.0]],
            right: vec![vec![90.0, 30.0], vec![300.0, 50.0], vec![60.0, 5.0]],
            value_label: "persons".into(),
            marker: Some((1, "15+".into())),
        }
    }

    #[test]
    fn pyramid_axes_are_symmetric_and_shared() {
        let p = pyramid();
        assert_eq!(p.scale_max(), 500.0);
        let ticks = p.ticks();
        for (side, v, x) in &ticks {
            if *side == Side::Left {
                let (_, _, xr) = ticks
                    .iter()
                    .find(|(s, w, _)| *s == Side::Right && w == v)
                    .unwrap();
                assert!(((p.centre() - x) - (xr - p.centre())).abs() < 1e-9);
            }
        }
        // The same value has the same length on both sides.
        let bars = p.bars();
        let unit = |side| {
            let b = bars.iter().find(|b| b.side == side).unwrap();
            b.width / b.value
        };
        assert!((unit(Side::Left) - unit(Side::Right)).abs() < 1e-12);
        for b in &bars {
            assert!((b.width / b.value - unit(Side::Left)).abs() < 1e-9);
            match b.side {
                Side::Left => assert!(b.x + b.width <= p.centre()),
                Side::Right => assert!(b.x >= p.centre()),
            }
        }
        // Zero segments are not drawn; youngest group at the bottom.
        assert_eq!(bars.len(), 11);
        let y = |g| bars.iter().find(|b| b.group == g).unwrap().y;
        assert!(y(0) > y(1) && y(1) > y(2));
    }

    #[test]
    fn pyramid_segments_stack_outwards_without_overlap() {
        let p = pyramid();
        let bars = p.bars();
        let seg = |side, g, k| {
            bars.iter()
                .find(|b| b.side == side && b.group == g && b.stack == k)
                .unwrap()
                .clone()
        };
        let (a, b) = (seg(Side::Right, 1, 0), seg(Side::Right, 1, 1));
        assert!((a.x + a.width - b.x).abs() < 1e-9);
        let (a, b) = (seg(Side::Left, 0, 0), seg(Side::Left, 0, 1));
        assert!((b.x + b.width - a.x).abs() < 1e-9);
        let svg = p.to_svg();
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 11);
        assert!(svg.contains("data-value=\"300\""));
        assert!(svg.contains("stroke-dasharray"));
    }
}
