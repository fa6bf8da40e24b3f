//! The report's figures as standalone SVG, drawn by hand: axes with units, legends, 13-14 px sans-serif
//! text. No script and no external resource, so each file also works inlined in the HTML.

use std::fmt::Write;

use crate::axis::ticks;
use crate::report::{ByVisit, Flow, Lane, Survival};

const WIDTH: f64 = 760.0;
const FONT: &str = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";
const ACTIVITY: &str = "#1f4e9c";
const DAMAGE: &str = "#b5501b";

/// Escapes text for XML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The plot area and its mapping from data to pixels.
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

impl Frame {
    fn x(&self, value: f64) -> f64 {
        self.left + self.width * value / self.x_max
    }

    fn y(&self, value: f64) -> f64 {
        self.top + self.height * (1.0 - (value - self.y_min) / (self.y_max - self.y_min))
    }

    /// Both axes with ticks, grid lines and titles.
    fn axes(
        &self,
        out: &mut String,
        (x_title, x_ticks): (&str, &[f64]),
        y_title: &str,
        y_ticks: &[f64],
        y_percent: bool,
    ) {
        let bottom = self.top + self.height;
        for &tick in y_ticks {
            let y = self.y(tick);
            let label = if y_percent {
                format!("{:.0}%", tick * 100.0)
            } else {
                trim(tick)
            };
            let _ = write!(
                out,
                r##"<line x1="{l:.1}" y1="{y:.1}" x2="{r:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{tx:.1}" y="{ty:.1}" text-anchor="end" font-size="13">{label}</text>"##,
                l = self.left,
                r = self.left + self.width,
                tx = self.left - 6.0,
                ty = y + 4.5,
            );
        }
        for &tick in x_ticks {
            let x = self.x(tick);
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{bottom:.1}" x2="{x:.1}" y2="{b2:.1}" stroke="#333"/><text x="{x:.1}" y="{ty:.1}" text-anchor="middle" font-size="13">{label}</text>"##,
                b2 = bottom + 5.0,
                ty = bottom + 19.0,
                label = trim(tick),
            );
        }
        let _ = write!(
            out,
            r##"<line x1="{l:.1}" y1="{t:.1}" x2="{l:.1}" y2="{bottom:.1}" stroke="#333"/><line x1="{l:.1}" y1="{bottom:.1}" x2="{r:.1}" y2="{bottom:.1}" stroke="#333"/><text x="{cx:.1}" y="{xt:.1}" text-anchor="middle" font-size="14">{x_title}</text><text transform="translate({yx:.1},{cy:.1}) rotate(-90)" text-anchor="middle" font-size="14">{y_title}</text>"##,
            l = self.left,
            t = self.top,
            r = self.left + self.width,
            cx = self.left + self.width / 2.0,
            xt = bottom + 38.0,
            yx = self.left - 46.0,
            cy = self.top + self.height / 2.0,
            x_title = escape(x_title),
            y_title = escape(y_title),
        );
    }
}

/// A number without needless decimals.
fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The upper end of the axis: the last tick at or above `high`.
fn axis_max(high: f64) -> f64 {
    ticks(0.0, high.max(1.0)).last().copied().unwrap_or(1.0)
}

fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" {FONT} role="img"><title>{t}</title><rect width="100%" height="100%" fill="#fff"/><text x="{cx}" y="24" text-anchor="middle" font-size="16" font-weight="bold">{t}</text>"##,
        cx = WIDTH / 2.0,
        t = escape(title),
    );
}

/// Explanatory text under a figure from `y` down, wrapped to the figure's width; returns the y
/// below it.
fn caption(out: &mut String, y: f64, text: &str) -> f64 {
    const CHARS_PER_LINE: usize = 100;
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines
            .last_mut()
            .filter(|l| l.len() + word.len() < CHARS_PER_LINE);
        match line {
            Some(line) if !line.is_empty() => {
                line.push(' ');
                line.push_str(word);
            }
            Some(line) => line.push_str(word),
            None => lines.push(word.to_owned()),
        }
    }
    let mut at = y;
    for line in lines {
        let _ = write!(
            out,
            r##"<text x="20" y="{at:.1}" font-size="13" fill="#444">{}</text>"##,
            escape(&line)
        );
        at += 18.0;
    }
    at
}

/// A legend entry: draws its symbol at (x, y), label, width taken.
type LegendItem = (fn(f64, f64) -> String, &'static str, f64);

/// Colours and markers of the series of a by-visit figure, in order.
const SERIES: [(&str, bool); 4] = [
    (ACTIVITY, true),
    (DAMAGE, false),
    ("#2e7d32", true),
    ("#6a1b9a", false),
];

/// Mean +- SEM of each result by analysis visit, at the visit's target week, with n under each
/// point; `*` marks p < 0.05 against baseline.
pub fn by_visit(title: &str, series: &[(&str, &ByVisit)]) -> String {
    let mut out = String::new();
    // The plot, the axis title, a row of n per series and a two-line caption.
    let height = 500.0 + 18.0 * series.len().saturating_sub(2) as f64;
    open(&mut out, height, title);
    let top = |d: &crate::report::Described| d.mean + d.sem.unwrap_or(0.0);
    let y_max = axis_max(
        series
            .iter()
            .flat_map(|(_, b)| {
                b.points
                    .iter()
                    .filter_map(|p| p.described.as_ref().map(top))
            })
            .fold(1.0, f64::max),
    );
    let weeks = |day: i64| day as f64 / 7.0;
    let x_max = axis_max(
        series
            .iter()
            .flat_map(|(_, b)| b.points.iter().map(|p| weeks(p.day)))
            .fold(4.0, f64::max),
    );
    let frame = Frame {
        left: 80.0,
        top: 60.0,
        width: WIDTH - 110.0,
        height: 260.0,
        x_max,
        y_min: 0.0,
        y_max,
    };
    frame.axes(
        &mut out,
        ("Study week", &ticks(0.0, x_max)),
        "Mean ± SEM",
        &ticks(0.0, y_max),
        false,
    );
    let mut methods: Vec<&str> = Vec::new();
    for (index, (label, result)) in series.iter().enumerate() {
        let (colour, circle) = SERIES[index % SERIES.len()];
        let located: Vec<(f64, f64, f64, bool)> = result
            .points
            .iter()
            .filter_map(|p| {
                p.described.as_ref().map(|d| {
                    let significant = p.test.as_ref().is_some_and(|t| t.p_value < 0.05);
                    (weeks(p.day), d.mean, d.sem.unwrap_or(0.0), significant)
                })
            })
            .collect();
        methods.extend(
            result
                .points
                .iter()
                .filter_map(|p| p.test.as_ref().map(|t| t.method)),
        );
        let path: Vec<String> = located
            .iter()
            .map(|(w, m, _, _)| format!("{:.1},{:.1}", frame.x(*w), frame.y(*m)))
            .collect();
        let _ = write!(
            out,
            r##"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"##,
            path.join(" ")
        );
        for (week, mean, sem, significant) in located {
            let (x, y) = (frame.x(week), frame.y(mean));
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{a:.1}" x2="{x:.1}" y2="{b:.1}" stroke="{colour}"/><line x1="{l:.1}" y1="{a:.1}" x2="{r:.1}" y2="{a:.1}" stroke="{colour}"/><line x1="{l:.1}" y1="{b:.1}" x2="{r:.1}" y2="{b:.1}" stroke="{colour}"/>"##,
                a = frame.y(mean + sem),
                b = frame.y((mean - sem).max(0.0)),
                l = x - 4.0,
                r = x + 4.0,
            );
            out.push_str(&marker(x, y, colour, circle));
            if significant {
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{ty:.1}" text-anchor="middle" font-size="16" fill="{colour}">*</text>"##,
                    ty = frame.y(mean + sem) - 5.0,
                );
            }
        }
        // n under each visit, one row per series, below the axis labels.
        let row_y = frame.top + frame.height + 60.0 + 18.0 * index as f64;
        let _ = write!(
            out,
            r##"<text x="20" y="{row_y:.1}" font-size="12" fill="{colour}">n</text>"##
        );
        for p in &result.points {
            let _ = write!(
                out,
                r##"<text x="{x:.1}" y="{row_y:.1}" text-anchor="middle" font-size="12" fill="{colour}">{n}</text>"##,
                x = frame.x(weeks(p.day)),
                n = p.described.as_ref().map_or(0, |d| d.n),
            );
        }
        let lx = frame.left + 20.0 + 250.0 * index as f64;
        out.push_str(&marker(lx, 48.0, colour, circle));
        let _ = write!(
            out,
            r##"<text x="{tx:.1}" y="52.5" font-size="13">{label}</text>"##,
            tx = lx + 10.0,
            label = escape(label),
        );
    }
    methods.dedup();
    let below = caption(
        &mut out,
        frame.top + frame.height + 78.0 + 18.0 * series.len() as f64,
        &format!(
            "Error bars: ± 1 SEM. * p < 0.05 against baseline ({}). Each value is placed at its analysis visit's target week (values outside every visit window are left out).",
            methods
                .first()
                .copied()
                .unwrap_or("no test: only baseline values")
        ),
    );
    let _ = below;
    out.push_str("</svg>");
    out
}

fn marker(x: f64, y: f64, colour: &str, circle: bool) -> String {
    if circle {
        format!(r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="{colour}"/>"##)
    } else {
        format!(
            r##"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="{colour}"/>"##,
            x - 4.5,
            y - 4.5
        )
    }
}

/// Kaplan-Meier curves with their pointwise intervals, censoring ticks and the numbers at risk;
/// the key sits under the plot, off the curves.
pub fn kaplan_meier(title: &str, survival: &Survival, level: f64) -> String {
    let mut out = String::new();
    let curves = &survival.curves;
    if curves.iter().any(|c| !c.estimated) {
        open(&mut out, 140.0, title);
        let mut at = 64.0;
        for curve in curves {
            at = caption(
                &mut out,
                at,
                &format!(
                    "{}: {} subjects, {} events; Kaplan-Meier curve {}.",
                    curve.group, curve.n, curve.events, curve.note
                ),
            );
        }
        out.push_str("</svg>");
        return out;
    }
    let risk_rows = curves.len() as f64;
    let height = 430.0 + 20.0 * risk_rows + 20.0;
    open(&mut out, height, title);
    let last = curves
        .iter()
        .filter_map(|c| c.at_risk.last().map(|a| a.0))
        .fold(1.0, f64::max);
    let frame = Frame {
        left: 80.0,
        top: 50.0,
        width: WIDTH - 110.0,
        height: 230.0,
        x_max: last,
        y_min: 0.0,
        y_max: 1.0,
    };
    // The x ticks are the times of the risk table, so each count sits under its tick.
    let x_ticks: Vec<f64> = curves
        .iter()
        .max_by_key(|c| c.at_risk.len())
        .map_or_else(Vec::new, |c| c.at_risk.iter().map(|a| a.0).collect());
    frame.axes(
        &mut out,
        ("Weeks", &x_ticks),
        "Proportion without the event",
        &[0.0, 0.25, 0.5, 0.75, 1.0],
        true,
    );
    let colours = [ACTIVITY, DAMAGE];
    for (index, curve) in curves.iter().enumerate() {
        let colour = colours[index % colours.len()];
        let (mut line, mut upper, mut lower) = (Vec::new(), Vec::new(), Vec::new());
        let (mut s, mut hi, mut lo, mut t) = (1.0, 1.0, 1.0, 0.0);
        for step in &curve.steps {
            for (path, value) in [(&mut line, s), (&mut upper, hi), (&mut lower, lo)] {
                path.push(format!("{:.1},{:.1}", frame.x(t), frame.y(value)));
                path.push(format!("{:.1},{:.1}", frame.x(step.weeks), frame.y(value)));
            }
            t = step.weeks;
            s = step.survival;
            hi = step.ci_high.unwrap_or(hi);
            lo = step.ci_low.unwrap_or(0.0);
        }
        for (path, value) in [(&mut line, s), (&mut upper, hi), (&mut lower, lo)] {
            path.push(format!("{:.1},{:.1}", frame.x(t), frame.y(value)));
        }
        for band in [&upper, &lower] {
            let _ = write!(
                out,
                r##"<polyline points="{}" fill="none" stroke="{colour}" stroke-dasharray="4 3" stroke-opacity="0.6"/>"##,
                band.join(" ")
            );
        }
        let _ = write!(
            out,
            r##"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.2"/>"##,
            line.join(" ")
        );
        for step in curve.steps.iter().filter(|s| s.n_censor > 0) {
            let (x, y) = (frame.x(step.weeks), frame.y(step.survival));
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{a:.1}" x2="{x:.1}" y2="{b:.1}" stroke="#000" stroke-width="1.5"/>"##,
                a = y - 6.0,
                b = y + 6.0
            );
        }
    }
    // The key, under the axis title.
    let key_y = frame.top + frame.height + 58.0;
    let mut kx = frame.left;
    for (index, curve) in curves.iter().enumerate() {
        let colour = colours[index % colours.len()];
        let label = if curve.group == "all" {
            "Kaplan-Meier estimate".to_owned()
        } else {
            curve.group.clone()
        };
        let _ = write!(
            out,
            r##"<line x1="{kx:.1}" y1="{key_y:.1}" x2="{k2:.1}" y2="{key_y:.1}" stroke="{colour}" stroke-width="2.2"/><text x="{tx:.1}" y="{ty:.1}" font-size="13">{label}</text>"##,
            k2 = kx + 24.0,
            tx = kx + 30.0,
            ty = key_y + 4.5,
            label = escape(&label),
        );
        kx += 40.0 + 8.0 * label.len() as f64;
    }
    let _ = write!(
        out,
        r##"<line x1="{kx:.1}" y1="{key_y:.1}" x2="{k2:.1}" y2="{key_y:.1}" stroke="#555" stroke-dasharray="4 3"/><text x="{tx:.1}" y="{ty:.1}" font-size="13">{pct:.0}% interval</text><line x1="{cx:.1}" y1="{c1:.1}" x2="{cx:.1}" y2="{c2:.1}" stroke="#000" stroke-width="1.5"/><text x="{tx2:.1}" y="{ty:.1}" font-size="13">censored</text>"##,
        k2 = kx + 24.0,
        tx = kx + 30.0,
        ty = key_y + 4.5,
        pct = 100.0 * level,
        cx = kx + 150.0,
        c1 = key_y - 6.0,
        c2 = key_y + 6.0,
        tx2 = kx + 160.0,
    );
    let risk_y = key_y + 30.0;
    let _ = write!(
        out,
        r##"<text x="20" y="{risk_y:.1}" font-size="13" font-weight="bold">Number at risk</text>"##
    );
    for (index, curve) in curves.iter().enumerate() {
        let y = risk_y + 20.0 * (index as f64 + 1.0);
        if curves.len() > 1 {
            let _ = write!(
                out,
                r##"<text x="20" y="{y:.1}" font-size="12" fill="{c}">{g}</text>"##,
                c = colours[index % colours.len()],
                g = escape(&curve.group),
            );
        }
        for (week, n) in &curve.at_risk {
            if *week <= frame.x_max {
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" font-size="13">{n}</text>"##,
                    x = frame.x(*week),
                );
            }
        }
    }
    let summary: Vec<String> = curves
        .iter()
        .map(|c| {
            let median = c.median_weeks.map_or_else(
                || "not reached".to_owned(),
                |m| format!("{} weeks", trim(m)),
            );
            format!(
                "{}: {} subjects, {} events, median {median}",
                c.group, c.n, c.events
            )
        })
        .collect();
    let log_rank = survival.log_rank.as_ref().map_or_else(String::new, |l| {
        if l.p_value < 1e-4 {
            format!(" Log-rank p < 0.0001 ({:.1e}).", l.p_value)
        } else {
            format!(" Log-rank p = {:.4}.", l.p_value)
        }
    });
    let below = caption(
        &mut out,
        height - 40.0,
        &format!("{}.{log_rank}", summary.join("; ")),
    );
    let _ = below;
    out.push_str("</svg>");
    out
}

/// The swimmer plot: one lane per patient, the bar coloured by dose (darker: more drug a week),
/// with CR, relapse, adverse event and withdrawal markers; the key names each regimen in words.
pub fn swimmer(title: &str, lanes: &[Lane]) -> String {
    let mut out = String::new();
    let lane_height = 26.0;
    let top = 78.0;
    let plot_height = lane_height * lanes.len().max(1) as f64;
    // Each regimen once, by the drug it gives a week.
    let mut doses: Vec<(f64, &str)> = lanes
        .iter()
        .flat_map(|l| l.doses.iter().map(|d| (d.2, d.3.as_str())))
        .collect();
    doses.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
    doses.dedup();
    // The key wraps: the follow-up entry, then as many dose entries a row as fit the width.
    const KEY_ENTRY: f64 = 200.0;
    let per_row = (((WIDTH - 20.0) / KEY_ENTRY).floor() as usize).max(1);
    let key_rows = 1 + doses.len().div_ceil(per_row);
    let height = top + plot_height + 106.0 + 22.0 * key_rows as f64;
    open(&mut out, height, title);
    let last = lanes.iter().filter_map(|l| l.end_weeks).fold(4.0, f64::max);
    let frame = Frame {
        left: 175.0,
        top,
        width: WIDTH - 205.0,
        height: plot_height,
        x_max: axis_max(last),
        y_min: 0.0,
        y_max: 1.0,
    };
    frame.axes(
        &mut out,
        ("Study week", &ticks(0.0, frame.x_max)),
        "",
        &[],
        false,
    );
    // Shades by rank, not by amount, so that close doses (twice and three times weekly) stay
    // apart.
    let shade = |regimen: &str| {
        let rank = doses.iter().position(|d| d.1 == regimen).unwrap_or(0) as f64;
        let steps = (doses.len().max(2) - 1) as f64;
        let lightness = 82.0 - 57.0 * rank / steps;
        format!("hsl(150, 45%, {lightness:.0}%)")
    };
    for (index, lane) in lanes.iter().enumerate() {
        let y = top + lane_height * index as f64;
        let mid = y + lane_height / 2.0;
        let _ = write!(
            out,
            r##"<text x="{tx:.1}" y="{ty:.1}" text-anchor="end" font-size="13">{id} ({r})</text>"##,
            tx = frame.left - 8.0,
            ty = mid + 4.5,
            id = escape(&lane.id),
            r = lane.response.code(),
        );
        if let Some(end) = lane.end_weeks {
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="14" fill="#d9d9d9"/>"##,
                x = frame.x(0.0),
                y = mid - 7.0,
                w = frame.x(end) - frame.x(0.0),
            );
        }
        for (from, to, _, regimen) in &lane.doses {
            let (from, to) = (*from, *to);
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="14" fill="{fill}"><title>{words}, weeks {a}-{b}</title></rect>"##,
                x = frame.x(from),
                y = mid - 7.0,
                w = (frame.x(to) - frame.x(from)).max(1.0),
                fill = shade(regimen),
                words = escape(regimen),
                a = trim(from),
                b = trim(to),
            );
        }
        if let Some(week) = lane.cr_weeks {
            out.push_str(&cr_marker(frame.x(week), mid));
        }
        if let Some(week) = lane.relapse_weeks {
            out.push_str(&relapse_marker(frame.x(week), mid, true));
        }
        if lane.relapse_time_unknown {
            let x = frame.x(lane.end_weeks.unwrap_or(0.0)) + 12.0;
            out.push_str(&relapse_marker(x, mid, false));
        }
        for &(week, grade) in &lane.adverse_events {
            out.push_str(&ae_marker(frame.x(week), mid, grade));
        }
        if let Some(week) = lane.withdrawal_weeks {
            out.push_str(&withdrawal_marker(frame.x(week), mid));
        }
    }
    let legend_y = 52.0;
    let legend: [LegendItem; 5] = [
        (cr_marker, "complete response", 150.0),
        (|x, y| relapse_marker(x, y, true), "relapse", 80.0),
        (
            |x, y| relapse_marker(x, y, false),
            "relapse, date not given",
            185.0,
        ),
        (|x, y| ae_marker(x, y, Some(2)), "AE (CTCAE grade)", 145.0),
        (withdrawal_marker, "withdrawal", 90.0),
    ];
    let mut x = 24.0;
    for (symbol, label, width) in legend {
        out.push_str(&symbol(x, legend_y));
        let _ = write!(
            out,
            r##"<text x="{tx:.1}" y="{ty:.1}" font-size="13">{label}</text>"##,
            tx = x + 10.0,
            ty = legend_y + 4.5
        );
        x += width;
    }
    let key_y = top + plot_height + 66.0;
    let mut kx = 20.0;
    let _ = write!(
        out,
        r##"<rect x="{kx}" y="{y:.1}" width="18" height="12" fill="#d9d9d9"/><text x="{t}" y="{ty:.1}" font-size="13">follow-up, no study drug recorded</text>"##,
        y = key_y - 10.0,
        t = kx + 24.0,
        ty = key_y
    );
    let mut row_y = key_y;
    for (index, (_, regimen)) in doses.iter().enumerate() {
        if index % per_row == 0 {
            row_y += 22.0;
            kx = 20.0;
        }
        let _ = write!(
            out,
            r##"<rect x="{kx}" y="{y:.1}" width="18" height="12" fill="{fill}"/><text x="{t}" y="{ty:.1}" font-size="13">{words}</text>"##,
            y = row_y - 10.0,
            fill = shade(regimen),
            t = kx + 24.0,
            ty = row_y,
            words = escape(regimen),
        );
        kx += KEY_ENTRY;
    }
    let mut below = row_y + 24.0;
    if doses.is_empty() {
        below = caption(
            &mut out,
            below,
            "Doses over time are not in the source: bars show follow-up only.",
        );
    }
    caption(
        &mut out,
        below,
        "Patient labels give the best response (CR, PR, NR, withdrawn).",
    );
    out.push_str("</svg>");
    out
}

fn cr_marker(x: f64, y: f64) -> String {
    format!(
        r##"<path d="M{:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z" fill="#1a7f37" stroke="#fff"/>"##,
        x,
        y - 7.0,
        x - 6.5,
        y + 5.0,
        x + 6.5,
        y + 5.0
    )
}

fn relapse_marker(x: f64, y: f64, dated: bool) -> String {
    let fill = if dated { "#c62828" } else { "#fff" };
    format!(
        r##"<path d="M{x:.1},{a:.1} L{r:.1},{y:.1} L{x:.1},{b:.1} L{l:.1},{y:.1} Z" fill="{fill}" stroke="#c62828" stroke-width="1.5"/>"##,
        a = y - 7.0,
        b = y + 7.0,
        l = x - 6.0,
        r = x + 6.0,
    )
}

fn ae_marker(x: f64, y: f64, grade: Option<u8>) -> String {
    let label = grade.map_or_else(|| "?".to_owned(), |g| g.to_string());
    format!(
        r##"<circle cx="{x:.1}" cy="{y:.1}" r="7" fill="#f2a100" stroke="#fff"/><text x="{x:.1}" y="{ty:.1}" text-anchor="middle" font-size="10" font-weight="bold">{label}</text>"##,
        ty = y + 3.5
    )
}

fn withdrawal_marker(x: f64, y: f64) -> String {
    format!(
        r##"<path d="M{l:.1},{a:.1} L{r:.1},{b:.1} M{l:.1},{b:.1} L{r:.1},{a:.1}" stroke="#000" stroke-width="2.5"/>"##,
        l = x - 5.0,
        r = x + 5.0,
        a = y - 5.0,
        b = y + 5.0
    )
}

/// The participant flow as boxes, CONSORT-style: screened, then not enrolled to the side,
/// enrolled, treated, and how participation ended.
pub fn flow(title: &str, flow: &Flow) -> String {
    let mut out = String::new();
    let ended: Vec<String> = flow
        .withdrawn
        .iter()
        .map(|(reason, n)| format!("{reason}: {n}"))
        .collect();
    // Four boxes of one line and their gaps, then the last box (completed, ended early by
    // reason, no end recorded) and a margin.
    let height =
        50.0 + 3.0 * 32.0 + 50.0 + 2.0 * 40.0 + 14.0 + 18.0 * (3 + ended.len()) as f64 + 20.0;
    open(&mut out, height, title);
    let centre = 250.0;
    let box_at = |out: &mut String, x: f64, y: f64, w: f64, lines: &[String]| -> f64 {
        let h = 14.0 + 18.0 * lines.len() as f64;
        let _ = write!(
            out,
            r##"<rect x="{l:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="#f7f9fc" stroke="#1f4e9c" rx="4"/>"##,
            l = x - w / 2.0,
        );
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                out,
                r##"<text x="{x:.1}" y="{ty:.1}" text-anchor="middle" font-size="13">{t}</text>"##,
                ty = y + 21.0 + 18.0 * i as f64,
                t = escape(line),
            );
        }
        y + h
    };
    let arrow = |out: &mut String, x1: f64, y1: f64, x2: f64, y2: f64| {
        let _ = write!(
            out,
            r##"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#333" stroke-width="1.3"/><circle cx="{x2:.1}" cy="{y2:.1}" r="2.5" fill="#333"/>"##
        );
    };
    let mut y = 50.0;
    let bottom = box_at(
        &mut out,
        centre,
        y,
        260.0,
        &[format!("Screened: {}", flow.screened)],
    );
    let side_y = bottom + 14.0;
    arrow(&mut out, centre, bottom, centre, bottom + 50.0);
    arrow(
        &mut out,
        centre,
        side_y + 16.0,
        centre + 170.0,
        side_y + 16.0,
    );
    box_at(
        &mut out,
        centre + 300.0,
        side_y,
        260.0,
        &[format!("Not enrolled: {}", flow.not_enrolled)],
    );
    y = bottom + 50.0;
    let bottom = box_at(
        &mut out,
        centre,
        y,
        260.0,
        &[format!("Enrolled: {}", flow.enrolled)],
    );
    arrow(&mut out, centre, bottom, centre, bottom + 40.0);
    y = bottom + 40.0;
    let bottom = box_at(
        &mut out,
        centre,
        y,
        320.0,
        &[format!("Treated (a dose recorded): {}", flow.treated)],
    );
    arrow(&mut out, centre, bottom, centre, bottom + 40.0);
    y = bottom + 40.0;
    let mut lines = vec![
        format!("Completed: {}", flow.completed),
        format!(
            "Ended early: {}",
            flow.withdrawn.iter().map(|w| w.1).sum::<usize>()
        ),
    ];
    lines.extend(ended.iter().map(|e| format!("   {e}")));
    lines.push(format!("No end recorded: {}", flow.ongoing));
    box_at(&mut out, centre, y, 420.0, &lines);
    out.push_str("</svg>");
    out
}
