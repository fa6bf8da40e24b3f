//! The report rendered: a self-contained HTML page (inline SVG and style, no script, no external
//! resource), the same in Markdown, every table as CSV and every figure as SVG. Pure: the shell writes
//! the files.

pub mod svg;
pub mod tables;

use std::fmt::Write;

use crate::report::Report;
use crate::snapshot::Source;
use svg::escape;
use tables::{Table, figures, tables};

/// Every file of a report but `results.json` (the shell serialises the [`Report`] itself).
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub markdown: String,
    /// (`tables/<id>.csv`, CSV text).
    pub tables: Vec<(String, String)>,
    /// (`figures/<id>.svg`, SVG text).
    pub figures: Vec<(String, String)>,
}

/// Sections in report order: (heading, the tables in it, the figures in it, a paragraph).
fn sections(report: &Report) -> Vec<(&'static str, Vec<&'static str>, Vec<String>, String)> {
    let d = &report.definitions;
    vec![
        (
            "Baseline characteristics",
            vec!["table1_baseline", "table1_summary", "table1_clasi"],
            vec![],
            String::new(),
        ),
        (
            "Clinical response",
            vec!["table2_response"],
            vec![],
            format!(
                "Complete response (CR): CLASI activity ≤ {} at any visit. Partial response (PR): an improvement of at least {}% from baseline by week {}. Relapse: CLASI activity ≥ {} after a CR. Definitions from the protocol ([treatment.response]), as in the paper's Endpoints section.",
                d.complete_max_activity, d.partial_min_improvement_percent, d.partial_by_week, d.relapse_min_activity
            ),
        ),
        (
            "Adverse events",
            vec!["table3_adverse_events"],
            vec![],
            String::new(),
        ),
        (
            "Efficacy",
            vec!["efficacy", "time_to_cr_by_subtype", "kaplan_meier", "kaplan_meier_steps"],
            report
                .efficacy
                .curves
                .iter()
                .map(|c| tables::figure_stem(c.endpoint))
                .collect(),
            format!(
                "Time-to-event endpoints in weeks from the first dose (relapse-free time from the CR). Adverse events count from CTCAE grade {} (the protocol's [treatment.toxicity] flag grade).",
                d.ae_min_grade
            ),
        ),
        (
            "Figure 2: CLASI activity and damage over time",
            vec!["figure2_clasi"],
            vec!["figure2_clasi".to_owned()],
            "Mean ± SEM by visit; each visit compared with baseline in the patients with both values.".to_owned(),
        ),
        (
            "Dose over time",
            vec![],
            vec!["swimmer".to_owned()],
            report.listing.note.clone(),
        ),
        (
            "Safety",
            vec!["safety_by_term", "safety_lab_shifts"],
            vec![],
            String::new(),
        ),
        (
            "Derived datasets",
            vec!["visits", "time_to_event"],
            vec![],
            format!(
                "The per-subject dataset is Tables 1 and 2 together.{}",
                if report.listing.note.is_empty() {
                    String::new()
                } else {
                    format!(" Listings are capped: {}.", report.listing.note)
                }
            ),
        ),
    ]
}

fn source_line(report: &Report) -> &'static str {
    match report.source {
        Source::Record => {
            "Source: the study record (every derived value computed from the recorded visits, doses and events)."
        }
        Source::Published => {
            "Source: the paper's Tables 1-3 as transcribed in data/published (outcomes as the paper derived them; visit-level CLASI, doses over time, event dates and laboratory results are not published)."
        }
    }
}

/// Renders every file of `report`.
pub fn render(report: &Report) -> Rendered {
    let all_tables = tables(report);
    let all_figures = figures(report);
    Rendered {
        html: html(report, &all_tables, &all_figures),
        markdown: markdown(report, &all_tables),
        tables: all_tables
            .iter()
            .map(|t| (format!("tables/{}.csv", t.id), t.csv()))
            .collect(),
        figures: all_figures
            .into_iter()
            .map(|(stem, svg)| (format!("figures/{stem}.svg"), svg))
            .collect(),
    }
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4}\
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:14px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}\
th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold;padding:4px 0}\
figure{margin:1em 0}p.note{color:#555;font-size:13px}";

fn find<'a>(all: &'a [Table], id: &str) -> Option<&'a Table> {
    all.iter().find(|t| t.id == id)
}

fn html(report: &Report, all: &[Table], figures: &[(String, String)]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{s}: study report</h1>\n<p>{t}</p>\n<p class=\"note\">{src}</p>\n",
        t = escape(&report.title),
        s = escape(&report.study),
        src = escape(source_line(report)),
    );
    for (heading, table_ids, figure_ids, paragraph) in sections(report) {
        let _ = writeln!(out, "<h2>{}</h2>", escape(heading));
        if !paragraph.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", escape(&paragraph));
        }
        for id in &figure_ids {
            if let Some((_, svg)) = figures.iter().find(|(stem, _)| stem == id) {
                let _ = writeln!(out, "<figure>{svg}</figure>");
            }
        }
        for table in table_ids.iter().filter_map(|id| find(all, id)) {
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
    for column in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
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
    for note in &table.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
}

fn markdown(report: &Report, all: &[Table]) -> String {
    let mut out = format!(
        "# {}: study report\n\n{}\n\n{}\n",
        report.study,
        report.title,
        source_line(report)
    );
    for (heading, table_ids, figure_ids, paragraph) in sections(report) {
        let _ = write!(out, "\n## {heading}\n\n");
        if !paragraph.is_empty() {
            let _ = write!(out, "{paragraph}\n\n");
        }
        for id in &figure_ids {
            let _ = write!(out, "![{id}](figures/{id}.svg)\n\n");
        }
        for table in table_ids.iter().filter_map(|id| find(all, id)) {
            let cell = |text: String| text.replace('|', "\\|");
            let _ = write!(
                out,
                "**{}** ([CSV](tables/{}.csv))\n\n| {} |\n|{}\n",
                table.title,
                table.id,
                table.columns.join(" | "),
                "---|".repeat(table.columns.len())
            );
            for row in &table.rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c.shown())).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            for note in &table.notes {
                let _ = write!(out, "\n{note}\n");
            }
            out.push('\n');
        }
    }
    out
}
