//! Small inline-SVG charts for the dashboard (no chart library): bars for one series, lines
//! for a few, each with a handful of labelled ticks on both axes, a `<title>` that names it and
//! a `<desc>` that sums it up in words.
//!
//! Everything is drawn in a fixed coordinate box ([`WIDTH`] × [`HEIGHT`]); the stylesheet
//! scales the `<svg>` to the width of its card.

use leptos::prelude::*;
use shared::model::SeriesPoint;

/// Width of the drawing's coordinate box.
pub const WIDTH: f64 = 560.0;
/// Height of the drawing's coordinate box.
pub const HEIGHT: f64 = 240.0;
/// Room left of the plot for the value labels.
const LEFT: f64 = 44.0;
/// Room right of the plot (half of a time label centred on the last point).
const RIGHT: f64 = 36.0;
/// Room above the plot.
const TOP: f64 = 12.0;
/// Room below the plot for the time labels.
const BOTTOM: f64 = 28.0;
/// How many intervals the value axis is cut into, about.
const VALUE_TICKS: u64 = 4;

/// The ticks of a value axis whose largest value is `max`, cut into about `intervals`
/// intervals: 0, s, 2s, … up to the first multiple of s not below `max`, the step s being 1, 2
/// or 5 times a power of ten. An all-zero series gets the axis 0–1.
pub fn ticks(max: u64, intervals: u64) -> Vec<u64> {
    if max == 0 {
        return vec![0, 1];
    }
    let step = nice_step(max.div_ceil(intervals.max(1)));
    let top = max.div_ceil(step).saturating_mul(step);
    (0..=top / step).map(|i| i * step).collect()
}

/// The smallest of 1, 2, 5, 10, 20, 50, … not below `raw`.
fn nice_step(raw: u64) -> u64 {
    let mut magnitude: u64 = 1;
    loop {
        for m in [1, 2, 5] {
            let step = magnitude.saturating_mul(m);
            if step >= raw {
                return step;
            }
        }
        if magnitude > u64::MAX / 10 {
            return u64::MAX;
        }
        magnitude *= 10;
    }
}

/// The vertical position of `value` on an axis going from 0 (the plot's bottom) to `top`.
pub fn y_of(value: u64, top: u64) -> f64 {
    let bottom = HEIGHT - BOTTOM;
    if top == 0 {
        return bottom;
    }
    let share = (value as f64 / top as f64).clamp(0.0, 1.0);
    bottom - share * (bottom - TOP)
}

/// The band of point `i` of `n` across the plot: its left edge and its width.
pub fn band(i: usize, n: usize) -> (f64, f64) {
    let width = (WIDTH - LEFT - RIGHT) / n.max(1) as f64;
    (LEFT + i as f64 * width, width)
}

/// The middle of point `i`'s band.
pub fn centre(i: usize, n: usize) -> f64 {
    let (x, w) = band(i, n);
    x + w / 2.0
}

/// Which of `n` points get a time label: about `want` of them, evenly spaced and counted back
/// from the last one (the current hour or day is always labelled).
pub fn labelled(n: usize, want: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let step = n.div_ceil(want.max(1)).max(1);
    let mut list: Vec<usize> = (0..n).rev().step_by(step).collect();
    list.reverse();
    list
}

/// The last `n` points of a series.
pub fn last_points(points: &[SeriesPoint], n: usize) -> Vec<SeriesPoint> {
    points[points.len().saturating_sub(n)..].to_vec()
}

/// A coordinate with one decimal (keeps the markup short).
fn c(v: f64) -> String {
    format!("{v:.1}")
}

/// The value axis: a grid line and a label per tick.
fn value_axis(ticks: &[u64]) -> AnyView {
    let top = ticks.last().copied().unwrap_or(1);
    ticks
        .iter()
        .map(|t| {
            let y = y_of(*t, top);
            view! {
                <g class="chart-tick">
                    <line x1=c(LEFT) x2=c(WIDTH - RIGHT) y1=c(y) y2=c(y)></line>
                    <text x=c(LEFT - 6.0) y=c(y + 4.0) text-anchor="end">{t.to_string()}</text>
                </g>
            }
        })
        .collect_view()
        .into_any()
}

/// The time axis: a mark and a label under each labelled point.
fn time_axis(points: &[SeriesPoint], label: fn(i64) -> String) -> AnyView {
    let n = points.len();
    let base = HEIGHT - BOTTOM;
    labelled(n, 5)
        .into_iter()
        .map(|i| {
            let x = centre(i, n);
            let text = label(points[i].at);
            view! {
                <g class="chart-tick">
                    <line class="chart-mark" x1=c(x) x2=c(x) y1=c(base) y2=c(base + 4.0)></line>
                    <text x=c(x) y=c(HEIGHT - 8.0) text-anchor="middle">{text}</text>
                </g>
            }
        })
        .collect_view()
        .into_any()
}

/// One series drawn as lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Its name (each point's tooltip starts with it).
    pub name: String,
    /// The class that colours it (`chart-series-1`, …; the legend uses the same).
    pub class: &'static str,
    /// Its points, oldest first.
    pub points: Vec<SeriesPoint>,
}

/// A bar per point.
#[component]
pub fn BarChart(
    /// Prefix of the ids of the chart's title and description (unique in the page).
    id: &'static str,
    /// What the chart shows (its accessible name).
    title: String,
    /// The chart in one sentence (its accessible description).
    summary: String,
    /// The points, oldest first.
    points: Vec<SeriesPoint>,
    /// A point's time as a label.
    label: fn(i64) -> String,
) -> impl IntoView {
    let max = points.iter().map(|p| p.count).max().unwrap_or(0);
    let ticks = ticks(max, VALUE_TICKS);
    let top = ticks.last().copied().unwrap_or(1);
    let n = points.len();
    let bars = points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.count > 0)
        .map(|(i, p)| {
            let (x, w) = band(i, n);
            let gap = (w * 0.2).min(4.0);
            let y = y_of(p.count, top);
            let tip = format!("{}: {}", label(p.at), p.count);
            view! {
                <rect x=c(x + gap / 2.0) y=c(y) width=c(w - gap) height=c(HEIGHT - BOTTOM - y) rx="1.5">
                    <title>{tip}</title>
                </rect>
            }
        })
        .collect_view();
    let (title_id, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    let (desc_id, described_by) = (format!("{id}-desc"), format!("{id}-desc"));
    view! {
        <svg
            class="chart chart-bars"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-labelledby=labelled_by
            aria-describedby=described_by
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{summary}</desc>
            {value_axis(&ticks)}
            <g class="chart-series chart-series-1">{bars}</g>
            <line class="chart-baseline" x1=c(LEFT) x2=c(WIDTH - RIGHT) y1=c(HEIGHT - BOTTOM) y2=c(HEIGHT - BOTTOM)></line>
            {time_axis(&points, label)}
        </svg>
    }
}

/// A line per series, with a dot per point; the series share their times (the first one's
/// are labelled).
#[component]
pub fn LineChart(
    /// Prefix of the ids of the chart's title and description (unique in the page).
    id: &'static str,
    /// What the chart shows (its accessible name).
    title: String,
    /// The chart in one sentence (its accessible description).
    summary: String,
    /// The series.
    lines: Vec<Line>,
    /// A point's time as a label.
    label: fn(i64) -> String,
) -> impl IntoView {
    let max = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.count))
        .max()
        .unwrap_or(0);
    let ticks = ticks(max, VALUE_TICKS);
    let top = ticks.last().copied().unwrap_or(1);
    let n = lines.iter().map(|l| l.points.len()).max().unwrap_or(0);
    let axis_points = lines.first().map(|l| l.points.clone()).unwrap_or_default();
    let series = lines
        .into_iter()
        .map(|line| {
            let path = line
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{},{}", c(centre(i, n)), c(y_of(p.count, top))))
                .collect::<Vec<_>>()
                .join(" ");
            let dots = line
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let tip = format!("{} {}: {}", line.name, label(p.at), p.count);
                    view! {
                        <circle cx=c(centre(i, n)) cy=c(y_of(p.count, top)) r="2.5">
                            <title>{tip}</title>
                        </circle>
                    }
                })
                .collect_view();
            view! {
                <g class=format!("chart-series {}", line.class)>
                    <polyline points=path fill="none"></polyline>
                    {dots}
                </g>
            }
        })
        .collect_view();
    let (title_id, labelled_by) = (format!("{id}-title"), format!("{id}-title"));
    let (desc_id, described_by) = (format!("{id}-desc"), format!("{id}-desc"));
    view! {
        <svg
            class="chart chart-lines"
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            role="img"
            aria-labelledby=labelled_by
            aria-describedby=described_by
        >
            <title id=title_id>{title}</title>
            <desc id=desc_id>{summary}</desc>
            {value_axis(&ticks)}
            <line class="chart-baseline" x1=c(LEFT) x2=c(WIDTH - RIGHT) y1=c(HEIGHT - BOTTOM) y2=c(HEIGHT - BOTTOM)></line>
            {series}
            {time_axis(&axis_points, label)}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(0, 4), vec![0, 1]);
        assert_eq!(ticks(1, 4), vec![0, 1]);
        assert_eq!(ticks(3, 4), vec![0, 1, 2, 3]);
        assert_eq!(ticks(7, 4), vec![0, 2, 4, 6, 8]);
        assert_eq!(ticks(13, 4), vec![0, 5, 10, 15]);
        assert_eq!(ticks(100, 4), vec![0, 50, 100]);
        assert_eq!(ticks(1234, 4), vec![0, 500, 1000, 1500]);
        assert_eq!(ticks(5, 0), vec![0, 5]);
    }

    #[test]
    fn values_are_scaled_into_the_plot() {
        let bottom = HEIGHT - BOTTOM;
        assert_eq!(y_of(0, 10), bottom);
        assert_eq!(y_of(10, 10), TOP);
        assert_eq!(y_of(5, 10), (bottom + TOP) / 2.0);
        // Beyond the axis stays on it; an empty axis stays at the bottom.
        assert_eq!(y_of(20, 10), TOP);
        assert_eq!(y_of(3, 0), bottom);
    }

    #[test]
    fn bands_split_the_plot_evenly() {
        let plot = WIDTH - LEFT - RIGHT;
        assert_eq!(band(0, 4), (LEFT, plot / 4.0));
        assert_eq!(band(3, 4).0 + band(3, 4).1, WIDTH - RIGHT);
        assert_eq!(centre(0, 2), LEFT + plot / 4.0);
        assert_eq!(band(0, 0), (LEFT, plot));
    }

    #[test]
    fn the_last_point_is_always_labelled() {
        assert_eq!(labelled(48, 5), vec![7, 17, 27, 37, 47]);
        assert_eq!(labelled(30, 5), vec![5, 11, 17, 23, 29]);
        assert_eq!(labelled(3, 5), vec![0, 1, 2]);
        assert_eq!(labelled(0, 5), Vec::<usize>::new());
        assert_eq!(labelled(4, 0), vec![3]);
    }

    #[test]
    fn the_last_points_are_kept() {
        let points: Vec<SeriesPoint> = (0..5).map(|i| SeriesPoint { at: i, count: 0 }).collect();
        assert_eq!(last_points(&points, 2), points[3..].to_vec());
        assert_eq!(last_points(&points, 9), points);
    }
}
