//! The subject's timeline: an SVG chart of CLASI activity and damage over the dose periods
//! (bands shaded by weekly dose), with adverse events and protocol decisions marked below, and
//! the same events as a dated list (the chart's text equivalent).
//!
//! The SVG uses presentation attributes only: the CSP allows no inline style.

use jiff::civil::Date;
use maud::{Markup, html};
use store::{ProtocolDecision, Stored, Visit};

use crate::pages::instruments_form::total_text;
use crate::pages::subjects::visits::decision;
use crate::pages::words;
use crate::study::StudyProtocol;
use store::ClinicalRecord;

const WIDTH: f64 = 760.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const PLOT_BOTTOM: f64 = 212.0;
const HEIGHT: f64 = 270.0;
/// The activity scale's maximum (CLASI activity 0-70; damage 0-56 shares the axis).
const Y_MAX: f64 = 70.0;

/// Maps dates to x.
struct Scale {
    first: Date,
    days: f64,
}

impl Scale {
    fn x(&self, date: Date) -> f64 {
        let day = (date - self.first).get_days() as f64;
        LEFT + (WIDTH - LEFT - RIGHT) * day / self.days
    }
}

fn y(score: f64) -> f64 {
    PLOT_BOTTOM - (PLOT_BOTTOM - TOP) * score / Y_MAX
}

fn format(value: f64) -> String {
    format!("{value:.1}")
}

/// One dated line of the timeline list.
struct TimelineItem {
    date: Date,
    /// The catalogue's id of what it is (`timeline-dose`).
    kind: &'static str,
    text: String,
    alert: bool,
}

/// An adverse event's grade, and seriousness, after its term (", CTCAE grade 3, serious").
fn ae_grade(event: &store::AdverseEvent) -> String {
    let grade = words().format(
        "adverse-signal-grade",
        &[("grade", event.grade.number().into())],
    );
    if event.serious {
        grade + &words().get("dashboard-signal-serious")
    } else {
        grade
    }
}

/// A recorded decision in words: its action and the dose as the protocol names it.
fn said(protocol: &StudyProtocol, decision: &ProtocolDecision) -> String {
    format!(
        "{}, {}",
        words().value("action", &decision.action),
        decision::dose_text(protocol, &decision.dose)
    )
}

pub(crate) fn timeline(
    protocol: &StudyProtocol,
    record: &ClinicalRecord,
    visits: &[Visit],
    decisions: &[Stored<ProtocolDecision>],
) -> Markup {
    let mut entries: Vec<TimelineItem> = Vec::new();
    for visit in visits {
        if let Some(date) = visit.data.actual_date.or(visit.data.planned_date) {
            entries.push(TimelineItem {
                date,
                kind: "timeline-visit",
                text: visit.data.name.clone(),
                alert: false,
            });
        }
    }
    for clasi in &record.clasi {
        entries.push(TimelineItem {
            date: clasi.data.assessed_on,
            kind: "timeline-clasi",
            text: words().format(
                "timeline-clasi-totals",
                &[
                    ("activity", total_text(clasi.data.activity()).into()),
                    ("damage", total_text(clasi.data.damage()).into()),
                ],
            ),
            alert: false,
        });
    }
    for dose in &record.doses {
        let end = dose.data.end_date.map_or_else(
            || words().get("adverse-ongoing"),
            |end| words().format("timeline-to", &[("end", end.to_string().into())]),
        );
        entries.push(TimelineItem {
            date: dose.data.start_date,
            kind: "timeline-dose",
            text: format!("{}, {end}", crate::pages::regimen(&dose.data.regimen)),
            alert: false,
        });
    }
    for ae in &record.adverse_events {
        let signal = ae.data.serious || ae.data.grade.number() >= 3;
        entries.push(TimelineItem {
            date: ae.data.start_date,
            kind: "timeline-adverse-event",
            text: format!("{}{}", ae.data.term, ae_grade(&ae.data)),
            alert: signal,
        });
    }
    for decision in decisions {
        let followed = words().get(match decision.data.followed {
            Some(true) => "decision-followed",
            Some(false) => "decision-not-followed",
            None => "timeline-not-answered",
        });
        entries.push(TimelineItem {
            date: decision.data.decided_on,
            kind: "timeline-decision",
            text: format!("{} ({followed})", said(protocol, &decision.data)),
            alert: false,
        });
    }
    entries.sort_by_key(|entry| entry.date);
    let (Some(first), Some(last)) = (
        entries.first().map(|e| e.date),
        entries.last().map(|e| e.date),
    ) else {
        return html! { p { (words().get("timeline-nothing")) } };
    };
    let scale = Scale {
        first,
        days: ((last - first).get_days() as f64).max(28.0),
    };
    let max_weekly = protocol
        .as_ref()
        .ok()
        .and_then(|protocol| {
            protocol
                .file()
                .dose_levels
                .iter()
                .map(|l| l.mg_per_week())
                .reduce(f64::max)
        })
        .unwrap_or(0.0);
    let ticks: Vec<Date> = (0..=5)
        .map(|step| {
            first
                .saturating_add(jiff::Span::new().days((scale.days * f64::from(step) / 5.0) as i64))
        })
        .collect();
    let line = |pick: &dyn Fn(&store::ClasiAssessment) -> Option<u8>| -> Vec<(f64, f64, u8)> {
        let mut points: Vec<_> = record
            .clasi
            .iter()
            .filter_map(|c| {
                pick(&c.data).map(|score| (scale.x(c.data.assessed_on), y(f64::from(score)), score))
            })
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        points
    };
    let activity = line(&|c| c.activity());
    let damage = line(&|c| c.damage());
    let polyline = |points: &[(f64, f64, u8)]| {
        points
            .iter()
            .map(|(x, y, _)| format!("{},{}", format(*x), format(*y)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        figure.chart {
            svg viewBox={ "0 0 " (WIDTH) " " (HEIGHT) } role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg" {
                title #chart-title { (words().get("timeline-chart-title")) }
                @for dose in &record.doses {
                    @let start = scale.x(dose.data.start_date);
                    @let end = scale.x(dose.data.end_date.unwrap_or(last));
                    @let weekly = dose.data.regimen.mg_per_week().unwrap_or(0.0);
                    @let opacity = if max_weekly > 0.0 { 0.08 + 0.3 * (weekly / max_weekly).min(1.0) } else { 0.15 };
                    rect.dose x=(format(start)) y=(TOP) width=(format((end - start).max(2.0))) height=(PLOT_BOTTOM - TOP) fill="#0b5cad" fill-opacity=(format!("{opacity:.2}")) {
                        title { (crate::pages::regimen(&dose.data.regimen)) }
                    }
                }
                @for score in [0u8, 10, 20, 30, 40, 50, 60, 70] {
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(format(y(f64::from(score)))) y2=(format(y(f64::from(score)))) stroke="#c9d1d9" stroke-width="1" {}
                    text x=(LEFT - 6.0) y=(format(y(f64::from(score)) + 4.0)) text-anchor="end" font-size="11" fill="#4a5560" { (score) }
                }
                @for (index, tick) in ticks.iter().enumerate() {
                    @let anchor = match index { 0 => "start", 5 => "end", _ => "middle" };
                    text x=(format(scale.x(*tick))) y=(HEIGHT - 4.0) text-anchor=(anchor) font-size="11" fill="#4a5560" { (tick) }
                }
                text x="4" y=(PLOT_BOTTOM + 20.0) font-size="11" fill="#4a5560" { (words().get("timeline-ae-row")) }
                text x="4" y=(PLOT_BOTTOM + 38.0) font-size="11" fill="#4a5560" { (words().get("timeline-decision-row")) }
                polyline.activity points=(polyline(&activity)) fill="none" stroke="#a4161a" stroke-width="2.5" {}
                polyline.damage points=(polyline(&damage)) fill="none" stroke="#1a1f24" stroke-width="2" stroke-dasharray="6 4" {}
                @for (x, y, score) in &activity {
                    circle cx=(format(*x)) cy=(format(*y)) r="4" fill="#a4161a" { title { (words().format("timeline-activity", &[("score", (*score).into())])) } }
                }
                @for (x, y, score) in &damage {
                    rect x=(format(x - 3.5)) y=(format(y - 3.5)) width="7" height="7" fill="#1a1f24" { title { (words().format("timeline-damage", &[("score", (*score).into())])) } }
                }
                @for ae in &record.adverse_events {
                    @let x = scale.x(ae.data.start_date);
                    @let signal = ae.data.serious || ae.data.grade.number() >= 3;
                    path d={ "M" (format(x)) "," (PLOT_BOTTOM + 10.0) " l6,12 l-12,0 z" } fill=(if signal { "#a4161a" } else { "#8a949e" }) {
                        title { (ae.data.term) (words().format("dashboard-signal-grade", &[("grade", ae.data.grade.number().into())])) @if ae.data.serious { (words().get("dashboard-signal-serious")) } }
                    }
                }
                @for decision in decisions {
                    @let x = scale.x(decision.data.decided_on);
                    path d={ "M" (format(x)) "," (PLOT_BOTTOM + 28.0) " l6,6 l-6,6 l-6,-6 z" } fill="#0b5cad" {
                        title { (said(protocol, &decision.data)) }
                    }
                }
            }
            figcaption {
                span.key.key-activity { (words().get("timeline-key-activity")) } " "
                span.key.key-damage { (words().get("timeline-key-damage")) } " "
                span.key.key-dose { (words().get("timeline-key-dose")) } " "
                span.key.key-ae { (words().get("timeline-key-ae")) } " "
                span.key.key-decision { (words().get("timeline-key-decision")) }
            }
        }
        table.timeline {
            caption { (words().get("timeline-list")) }
            thead { tr { th scope="col" { (words().get("course-date")) } th scope="col" { (words().get("course-what")) } th scope="col" { (words().get("timeline-details")) } } }
            tbody {
                @for entry in &entries {
                    tr.alerted[entry.alert] { td { (entry.date) } td { (words().get(entry.kind)) } td { (entry.text) } }
                }
            }
        }
    }
}
