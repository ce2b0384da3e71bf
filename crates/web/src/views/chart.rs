//! Bar charts drawn on the server as SVG: the geometry is worked out here (numbers only), the
//! template draws it (`macros.html`'s `bar_chart`), and every chart is followed by a table of
//! the same figures, which is what a screen reader reads (the SVG is `aria-hidden`).
//! A figure withheld by disclosure control has no bar; its table cell says `[c]`.

use serde::Serialize;

/// Chart width and height, in SVG units (the SVG scales to its container).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 16.0;

/// A grouped bar chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Chart {
    pub width: f64,
    pub height: f64,
    pub bars: Vec<Bar>,
    /// Category labels under the groups.
    pub labels: Vec<AxisLabel>,
    /// The vertical axis' ticks.
    pub ticks: Vec<AxisLabel>,
    /// The series' names and classes, for the legend.
    pub legend: Vec<Legend>,
    /// The baseline's height.
    pub axis_y: f64,
}

/// One bar.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// `series-0`, `series-1`…: the colour.
    pub class: String,
    /// What the bar shows, in words (the SVG's `<title>`).
    pub title: String,
}

/// A label placed on the chart.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct AxisLabel {
    pub x: f64,
    pub y: f64,
    pub text: String,
    /// The text as drawn: wrapped to the room it has (at most two lines, the second cut
    /// with "…" when it is still too long; the full text is in the table below the chart).
    pub lines: Vec<String>,
}

/// About how wide a character of the charts' 12-unit font is, in SVG units.
const CHAR_WIDTH: f64 = 6.6;

/// `text` in lines of at most `room` characters: whole words where they fit, two lines at
/// most, the last cut with "…" when the rest does not fit.
fn wrap(text: &str, room: usize) -> Vec<String> {
    let room = room.max(3);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let wanted =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && wanted > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > 2 {
        let rest = lines[1..].join(" ");
        lines.truncate(1);
        lines.push(rest);
    }
    for line in &mut lines {
        if line.chars().count() > room {
            let cut: String = line.chars().take(room - 1).collect();
            *line = cut.trim_end().to_string() + "…";
        }
    }
    lines
}

/// A series in the legend.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Legend {
    pub name: String,
    pub class: String,
}

/// Bars for each category (groups along the bottom), one per series; `None` draws no bar.
pub(crate) fn grouped_bars(categories: &[String], series: &[(String, Vec<Option<f64>>)]) -> Chart {
    let max = series
        .iter()
        .flat_map(|s| s.1.iter().flatten())
        .fold(0.0_f64, |m, &v| m.max(v));
    let top = nice_ceiling(max);
    let plot_h = HEIGHT - BOTTOM - TOP;
    let axis_y = HEIGHT - BOTTOM;
    let groups = categories.len().max(1) as f64;
    let group_w = (WIDTH - LEFT) / groups;
    let n = series.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / n).min(48.0);
    let mut bars = Vec::new();
    for (g, cat) in categories.iter().enumerate() {
        let start = LEFT + g as f64 * group_w + (group_w - bar_w * n) / 2.0;
        for (s, (name, values)) in series.iter().enumerate() {
            if let Some(Some(v)) = values.get(g) {
                let h = if top > 0.0 { v / top * plot_h } else { 0.0 };
                bars.push(Bar {
                    x: round(start + s as f64 * bar_w),
                    y: round(axis_y - h),
                    width: round(bar_w * 0.92),
                    height: round(h),
                    class: format!("series-{s}"),
                    title: format!("{cat}, {name}: {}", figure(*v)),
                });
            }
        }
    }
    let labels = categories
        .iter()
        .enumerate()
        .map(|(g, c)| AxisLabel {
            x: round(LEFT + (g as f64 + 0.5) * group_w),
            y: axis_y + 16.0,
            text: c.clone(),
            lines: wrap(c, ((group_w - 4.0) / CHAR_WIDTH) as usize),
        })
        .collect();
    let ticks = (0..=4)
        .map(|i| {
            let v = top * f64::from(i) / 4.0;
            AxisLabel {
                x: LEFT - 6.0,
                y: round(axis_y - plot_h * f64::from(i) / 4.0),
                text: tick(v),
                lines: vec![tick(v)],
            }
        })
        .collect();
    Chart {
        width: WIDTH,
        height: HEIGHT,
        bars,
        labels,
        ticks,
        legend: series
            .iter()
            .enumerate()
            .map(|(s, (name, _))| Legend {
                name: name.clone(),
                class: format!("series-{s}"),
            })
            .collect(),
        axis_y,
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A figure as the charts and tables write it: whole numbers plainly, others to one place.
pub(crate) fn figure(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// A tick's value: a quarter of a 1, 2 or 5 × 10ⁿ scale needs up to two places (0.25, not
/// the 0.2 that one place would round it to).
fn tick(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// 1, 2 or 5 × a power of ten at or above `v` (at least 1).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 1.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

#[cfg(test)]
mod tick_tests {
    #[test]
    fn ticks_keep_their_quarters() {
        let t: Vec<String> = [0.0, 0.25, 0.5, 0.75, 1.0, 12.5, 250.0]
            .map(super::tick)
            .into();
        assert_eq!(t, ["0", "0.25", "0.5", "0.75", "1", "12.5", "250"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_tallest_and_withheld_figures_have_none() {
        let c = grouped_bars(
            &["0–6".into(), "7–12".into()],
            &[
                ("Programme".into(), vec![Some(10.0), None]),
                ("Comparison".into(), vec![Some(20.0), Some(5.0)]),
            ],
        );
        assert_eq!(c.bars.len(), 3);
        let tallest = c.bars.iter().map(|b| b.height).fold(0.0, f64::max);
        assert!((tallest - (HEIGHT - BOTTOM - TOP)).abs() < 0.1);
        assert_eq!(c.bars[0].title, "0–6, Programme: 10");
        assert_eq!(c.ticks.last().unwrap().text, "20");
        assert_eq!(nice_ceiling(37.0), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }

    #[test]
    fn long_category_labels_wrap_to_their_room_and_never_run_into_the_next() {
        assert_eq!(
            wrap("Children who need help", 14),
            ["Children who", "need help"]
        );
        assert_eq!(
            wrap("Worklessness or financial exclusion", 14),
            ["Worklessness", "or financial…"]
        );
        assert_eq!(wrap("0–6", 14), ["0–6"]);
        assert_eq!(wrap("Supercalifragilistic", 8), ["Superca…"]);
        let problems: Vec<String> = [
            "Children who need help",
            "Crime or anti-social behaviour",
            "Domestic abuse",
            "Health",
            "School attendance",
            "Worklessness or financial exclusion",
        ]
        .map(String::from)
        .into();
        let c = grouped_bars(&problems, &[("Families".into(), vec![Some(1.0); 6])]);
        let room = (WIDTH - LEFT) / 6.0;
        for l in &c.labels {
            assert!(l.lines.len() <= 2, "{:?}", l.lines);
            for line in &l.lines {
                assert!(line.chars().count() as f64 * CHAR_WIDTH <= room, "{line}");
            }
        }
    }
}
