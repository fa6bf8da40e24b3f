//! The report rendered: a self-contained HTML page (inline SVG and style, no script, no external
//! resource), the same in Markdown, every table as CSV and every figure as SVG. Pure: the shell writes
//! the files.

mod endpoints;
pub mod svg;
pub mod tables;

use std::fmt::Write;

use protocol::analysis::DisplayKind;

use crate::report::Report;
use crate::snapshot::Source;
use svg::escape;
use tables::{Table, display_figures, display_tables};

/// Every file of a report but `results.json` (the shell serialises the [`Report`] itself).
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub markdown: String,
    /// (`tables/<id>.csv`, CSV text): the displays' tables (the input files are written by the
    /// report's builder as the subjects stream through).
    pub tables: Vec<(String, String)>,
    /// (`figures/<id>.svg`, SVG text).
    pub figures: Vec<(String, String)>,
}

/// A display rendered: its heading, paragraph, figures and tables.
struct Section {
    heading: String,
    paragraph: String,
    figures: Vec<(String, String)>,
    tables: Vec<Table>,
}

fn sections(report: &Report) -> Vec<Section> {
    let displays = report.analysis.displays.iter().map(|display| {
        let mut paragraph = display.text.clone().unwrap_or_default();
        let extra = match display.kind {
            DisplayKind::Swimmer | DisplayKind::Baseline | DisplayKind::SubjectListing => {
                report.listing_note()
            }
            DisplayKind::Results => definitions_note(report, display),
            _ => String::new(),
        };
        if !extra.is_empty() {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(&extra);
        }
        Section {
            heading: display.title.clone(),
            paragraph,
            figures: display_figures(report, display),
            tables: display_tables(report, display),
        }
    });
    displays
        .chain(report.randomisation.as_ref().map(randomisation_section))
        .chain(
            report
                .responders
                .as_ref()
                .map(|r| responders_section(r, report.analysis.level)),
        )
        .chain(
            report
                .agreement
                .as_ref()
                .map(|a| agreement_section(a, report.analysis.level)),
        )
        .collect()
}

/// Central and site scores of the photographed areas compared.
fn agreement_section(agreement: &crate::report::agreement::Agreement, level: f64) -> Section {
    let result = match (&agreement.icc, &agreement.not_computed) {
        (Some(icc), _) => {
            let interval = match (icc.ci_low, icc.ci_high) {
                (Some(low), Some(high)) => {
                    format!("{:.0}% CI {low:.3} to {high:.3}", 100.0 * level)
                }
                _ => "no interval: perfect agreement".to_owned(),
            };
            format!(
                "ICC {:.3} ({interval}; {} pairs; {}).",
                icc.icc,
                agreement.pairs.len(),
                icc.method
            )
        }
        (None, Some(why)) => format!("No ICC: {why}."),
        (None, None) => String::new(),
    };
    Section {
        heading: "Central and site CLASI scores".to_owned(),
        paragraph: format!(
            "{} photographs, {} central readings; {} readings without a site score of the same area and visit are not paired. Each pair is one photographed area's activity (erythema + scale/hypertrophy) as the site scored it in that visit's CLASI and as a blinded central reader scored it from the photograph. {result}",
            agreement.photographs, agreement.readings, agreement.unpaired
        ),
        figures: Vec::new(),
        tables: endpoints::agreement_tables(agreement),
    }
}

/// The CLASI responder endpoints of a study with `[outcomes]`.
fn responders_section(responders: &crate::report::responders::Responders, level: f64) -> Section {
    let visits = responders.visits.len();
    Section {
        heading: "CLASI responders".to_owned(),
        paragraph: format!(
            "CLASI-50 and CLASI-70: a fall of at least 50% or 70% in CLASI activity (CLASI-A) from baseline, counted among the {} subjects whose baseline CLASI-A is at least {} (the protocol's [outcomes] clasi_min_baseline); {} enrolled subjects are outside that population, listed below with why. {}",
            responders.population,
            responders.min_baseline,
            responders.outside_total,
            if visits == 0 {
                "The protocol declares no analysis visit after baseline, so no visit is tabulated."
            } else {
                "Each analysis visit takes the CLASI-A nearest its target day within its window."
            }
        ),
        figures: Vec::new(),
        tables: endpoints::responder_tables(responders, level),
    }
}

/// A randomised study's allocation with the arms pooled, and its emergency unblindings.
fn randomisation_section(randomisation: &crate::report::Randomisation) -> Section {
    let randomised: u64 = randomisation.strata.iter().map(|(_, n)| n).sum();
    let blind = if randomisation.by_arm.is_empty() {
        "This report is blinded: the arms are pooled in every table and figure, and the record holds no arm (the unblinded statistician recomputes them with the allocation secret)."
    } else {
        "This report is UNBLINDED, written with the allocation secret for the unblinded statistician: the tables below give every proportion within each arm and compare it between the two arms; the other sections pool the arms. Keep it from blinded staff."
    };
    Section {
        heading: "Randomisation".to_owned(),
        paragraph: format!(
            "{randomised} subjects randomised. {blind} {} emergency unblinding{} recorded.",
            randomisation.unblindings.len(),
            if randomisation.unblindings.len() == 1 {
                ""
            } else {
                "s"
            }
        ),
        figures: Vec::new(),
        tables: tables::randomisation_tables(randomisation),
    }
}

/// The protocol's response definitions, under the first display whose results use them.
fn definitions_note(report: &Report, display: &protocol::analysis::Display) -> String {
    let first = report
        .analysis
        .results
        .iter()
        .find(|r| r.measure.needs_response())
        .is_some_and(|r| r.display == display.id);
    match (&report.definitions, first) {
        (Some(d), true) => format!(
            "Complete response (CR): CLASI activity ≤ {} at any visit. Partial response (PR): an improvement of at least {}% from baseline by week {}. Relapse: CLASI activity ≥ {} after a CR. Definitions from the protocol's [treatment.response].",
            d.response.complete_max_activity,
            d.response.partial_min_improvement_percent,
            d.response.partial_by_week,
            d.response.relapse_min_activity
        ),
        _ => String::new(),
    }
}

/// What the cohort is, for the report's header.
fn source_line(report: &Report) -> &'static str {
    match report.source {
        Source::Record => {
            "Cohort: the study record (every derived value computed from the recorded visits, doses and events)."
        }
        Source::Demo => {
            "Cohort: a demonstration study of synthetic patients (cletrial demo), not real patients."
        }
        Source::Synthetic => "Cohort: simulated patients (cletrial simulate), not real patients.",
        Source::Published => {
            "Cohort: the paper's Tables 1-3 as transcribed in data/published (outcomes as the paper derived them; visit-level CLASI, doses over time, event dates and laboratory results are not published)."
        }
    }
}

/// Renders every file of `report`.
pub fn render(report: &Report) -> Rendered {
    let sections = sections(report);
    let tables = sections
        .iter()
        .flat_map(|s| &s.tables)
        .map(|t| (format!("tables/{}.csv", t.id), t.csv()))
        .collect();
    Rendered {
        html: html(report, &sections),
        markdown: markdown(report, &sections),
        tables,
        figures: sections
            .iter()
            .flat_map(|s| s.figures.iter().cloned())
            .map(|(stem, svg)| (format!("figures/{stem}.svg"), svg))
            .collect(),
    }
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:14px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}\
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold;padding:4px 0}\
figure{margin:1em 0}p.note{color:#555;font-size:13px}p.cohort{font-weight:bold;background:#fff4d6;padding:4px 8px;display:inline-block}";

fn html(report: &Report, sections: &[Section]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{s}: study report</h1>\n<p>{t}</p>\n<p class=\"cohort\">{src}</p>\n",
        t = escape(&report.title),
        s = escape(&report.study),
        src = escape(source_line(report)),
    );
    if !report.written_by.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"note\">Written by {}.</p>",
            escape(&report.written_by)
        );
    }
    for section in sections {
        let _ = writeln!(out, "<h2>{}</h2>", escape(&section.heading));
        if !section.paragraph.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", escape(&section.paragraph));
        }
        for (_, svg) in &section.figures {
            let _ = writeln!(out, "<figure>{svg}</figure>");
        }
        for table in &section.tables {
            html_table(&mut out, table);
        }
    }
    out.push_str("</body></html>\n");
    out
}

fn html_table(out: &mut String, table: &Table) {
    let _ = write!(
        out,
        "<table id=\"{}\"><caption>{}</caption><thead><tr>",
        table.id,
        escape(&table.title)
    );
    for (_, label) in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(label));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            let class = if matches!(cell, tables::Cell::Number { .. }) {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell.shown()));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
    if table.rows.is_empty() {
        out.push_str("<p class=\"note\">None recorded.</p>\n");
    }
    for note in &table.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
}

fn markdown(report: &Report, sections: &[Section]) -> String {
    let mut out = format!(
        "# {}: study report\n\n{}\n\n{}\n",
        report.study,
        report.title,
        source_line(report)
    );
    if !report.written_by.is_empty() {
        let _ = write!(out, "\nWritten by {}.\n", report.written_by);
    }
    for section in sections {
        let _ = write!(out, "\n## {}\n\n", section.heading);
        if !section.paragraph.is_empty() {
            let _ = write!(out, "{}\n\n", section.paragraph);
        }
        for (id, _) in &section.figures {
            let _ = write!(out, "![{id}](figures/{id}.svg)\n\n");
        }
        for table in &section.tables {
            let cell = |text: String| text.replace('|', "\\|");
            let labels: Vec<&str> = table.columns.iter().map(|c| c.1).collect();
            let _ = write!(
                out,
                "**{}** ([CSV](tables/{}.csv))\n\n| {} |\n|{}\n",
                table.title,
                table.id,
                labels.join(" | "),
                "---|".repeat(table.columns.len())
            );
            for row in &table.rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c.shown())).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            if table.rows.is_empty() {
                out.push_str("\nNone recorded.\n");
            }
            for note in &table.notes {
                let _ = write!(out, "\n{note}\n");
            }
            out.push('\n');
        }
    }
    out
}
