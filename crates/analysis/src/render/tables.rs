//! Every table of the report as rows of cells, one shape for HTML, Markdown and CSV.

use crate::derive::{BestResponse, Endpoint};
use crate::report::{Count, Described, Rate, Report};
use crate::snapshot::{Measure, number};

/// One cell: text, a number (shown rounded, written in full to CSV), or a missing-value code.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number {
        value: f64,
        decimals: usize,
    },
    /// Empty: nothing applies here.
    Empty,
}

impl Cell {
    /// As shown in HTML and Markdown.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number { value, decimals } => format!("{value:.decimals$}"),
            Cell::Empty => String::new(),
        }
    }

    /// As written to CSV: numbers unrounded.
    pub fn raw(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number { value, .. } => number(*value),
            Cell::Empty => String::new(),
        }
    }
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn num(value: f64, decimals: usize) -> Cell {
    Cell::Number { value, decimals }
}

fn opt(value: Option<f64>, decimals: usize) -> Cell {
    value.map_or(Cell::Empty, |v| num(v, decimals))
}

fn measure(value: Measure) -> Cell {
    match value {
        Measure::Value(v) => num(v, 0),
        other => text(other.text()),
    }
}

fn yes_no(value: Option<bool>, unknown: &str) -> Cell {
    match value {
        Some(true) => text("yes"),
        Some(false) => text("no"),
        None => text(unknown),
    }
}

/// A table with its file name (without `.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

impl Table {
    /// The table as CSV text (RFC 4180 quoting by the csv crate).
    pub fn csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail; an error here would be a bug in the csv crate.
        let _ = writer.write_record(&self.columns);
        for row in &self.rows {
            let _ = writer.write_record(row.iter().map(Cell::raw));
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

fn count_cells(count: &Count) -> [Cell; 3] {
    [
        num(count.n as f64, 0),
        num(count.of as f64, 0),
        opt(count.percent, 1),
    ]
}

fn described_cells(d: Option<&Described>) -> Vec<Cell> {
    match d {
        Some(d) => vec![
            num(d.n as f64, 0),
            num(d.mean, 2),
            opt(d.sd, 2),
            opt(d.sem, 2),
            num(d.median, 1),
            num(d.min, 1),
            num(d.max, 1),
            text(d.method),
        ],
        None => vec![
            num(0.0, 0),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ],
    }
}

const DESCRIBED: [&str; 8] = ["n", "mean", "sd", "sem", "median", "min", "max", "method"];

fn rate_row(label: &str, rate: Option<&Rate>) -> Vec<Cell> {
    match rate {
        Some(r) => vec![
            text(label),
            num(r.n as f64, 0),
            num(r.of as f64, 0),
            num(r.percent, 1),
            num(r.ci_low_percent, 1),
            num(r.ci_high_percent, 1),
            text(r.population),
            text(r.method),
        ],
        None => vec![
            text(label),
            Cell::Empty,
            num(0.0, 0),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            text("no subjects in the denominator"),
            Cell::Empty,
        ],
    }
}

/// Every table of `report`, in report order.
pub fn tables(report: &Report) -> Vec<Table> {
    let subjects = &report.datasets.subjects;
    let mut all = Vec::new();
    all.push(Table {
        id: "table1_baseline".into(),
        title: "Table 1. Baseline characteristics, per patient".into(),
        columns: vec![
            "patient",
            "sex",
            "subtype",
            "enrolment_date",
            "first_dose_date",
            "clasi_activity",
            "clasi_damage",
        ],
        rows: subjects
            .iter()
            .map(|s| {
                vec![
                    text(&s.id),
                    s.sex.map_or(text("unknown"), |x| text(format!("{x:?}"))),
                    s.subtype.map_or(text("unknown"), |g| text(g.label())),
                    s.enrolment_date.as_deref().map_or(Cell::Empty, text),
                    s.start_date.as_deref().map_or(Cell::Empty, text),
                    measure(s.baseline_activity),
                    measure(s.baseline_damage),
                ]
            })
            .collect(),
        notes: vec![
            "Missing values are coded not_done, not_applicable or unknown; never 0.".into(),
        ],
    });
    let b = &report.baseline;
    let mut summary = vec![{
        let mut row = vec![text("Female")];
        row.extend(count_cells(&b.female));
        row.push(text("count and percentage of enrolled"));
        row
    }];
    for (group, count) in &b.subtypes {
        let mut row = vec![text(format!("Subtype {}", group.label()))];
        row.extend(count_cells(count));
        row.push(text("count and percentage of enrolled"));
        summary.push(row);
    }
    all.push(Table {
        id: "table1_summary".into(),
        title: match b.screened - b.enrolled {
            0 => format!("Table 1 (summary). {} patients enrolled", b.enrolled),
            never => format!(
                "Table 1 (summary). {} patients enrolled ({} screened, {never} never enrolled and in no analysis)",
                b.enrolled, b.screened
            ),
        },
        columns: vec!["characteristic", "n", "of", "percent", "method"],
        rows: summary,
        notes: Vec::new(),
    });
    let mut clasi_columns = vec!["score"];
    clasi_columns.extend(DESCRIBED);
    clasi_columns.push("missing");
    all.push(Table {
        id: "table1_clasi".into(),
        title: "Table 1 (CLASI at baseline)".into(),
        columns: clasi_columns,
        rows: [
            (
                "CLASI activity",
                b.clasi_activity.as_ref(),
                b.clasi_activity_missing,
            ),
            (
                "CLASI damage",
                b.clasi_damage.as_ref(),
                b.clasi_damage_missing,
            ),
        ]
        .into_iter()
        .map(|(label, d, missing)| {
            let mut row = vec![text(label)];
            row.extend(described_cells(d));
            row.push(num(missing as f64, 0));
            row
        })
        .collect(),
        notes: Vec::new(),
    });
    all.push(Table {
        id: "table2_response".into(),
        title: "Table 2. Clinical response, per patient".into(),
        columns: vec![
            "patient", "subtype", "outcome", "time_to_cr_weeks", "followup_months", "max_dose_mg",
            "relapse", "relapse_week", "dose_at_relapse", "withdrawal", "withdrawal_week", "last_phase",
        ],
        rows: subjects
            .iter()
            .map(|s| {
                let relapse_unknown = if s.best_response == BestResponse::Complete {
                    "unknown"
                } else {
                    "not_applicable"
                };
                vec![
                    text(&s.id),
                    s.subtype.map_or(text("unknown"), |g| text(g.label())),
                    text(s.best_response.code()),
                    opt(s.time_to_cr_weeks, 1),
                    opt(s.followup_months, 1),
                    opt(s.max_dose_mg, 1),
                    yes_no(s.relapse, relapse_unknown),
                    opt(s.relapse_week, 1),
                    s.dose_at_relapse.as_deref().map_or(Cell::Empty, text),
                    s.withdrawal.as_deref().map_or(Cell::Empty, text),
                    opt(s.withdrawal_week, 1),
                    s.last_phase.as_deref().map_or(Cell::Empty, text),
                ]
            })
            .collect(),
        notes: vec![
            "Relapse: not_applicable when never in complete response; unknown where the source does not say.".into(),
        ],
    });
    all.push(Table {
        id: "table3_adverse_events".into(),
        title: "Table 3. Adverse events".into(),
        columns: vec![
            "patient",
            "term",
            "start_day",
            "ctcae_grade",
            "serious",
            "causality",
        ],
        rows: report
            .datasets
            .adverse_events
            .iter()
            .map(|ae| {
                vec![
                    text(&ae.id),
                    text(&ae.term),
                    ae.start_day.map_or(text("unknown"), |d| num(d as f64, 0)),
                    ae.grade.map_or(text("unknown"), |g| num(f64::from(g), 0)),
                    yes_no(ae.serious, "unknown"),
                    text(&ae.causality),
                ]
            })
            .collect(),
        notes: Vec::new(),
    });
    let e = &report.efficacy;
    let mut efficacy: Vec<Vec<Cell>> = e
        .responses
        .iter()
        .map(|(r, c)| {
            let mut row = vec![text(r.code())];
            row.extend(count_cells(c));
            row.extend([
                Cell::Empty,
                Cell::Empty,
                text("all subjects"),
                text("count and percentage"),
            ]);
            row
        })
        .collect();
    efficacy.push(rate_row("Complete response rate", e.cr_rate.as_ref()));
    efficacy.push(rate_row(
        "Complete response rate (other population)",
        e.cr_rate_all.as_ref(),
    ));
    efficacy.push(rate_row(
        "Relapse after complete response",
        e.relapse_rate.as_ref(),
    ));
    all.push(Table {
        id: "efficacy".into(),
        title: "Efficacy: best response, complete-response and relapse rates".into(),
        columns: vec![
            "measure",
            "n",
            "of",
            "percent",
            "ci_low_percent",
            "ci_high_percent",
            "population",
            "method",
        ],
        rows: efficacy,
        notes: vec![format!(
            "Intervals: {:.0}% Clopper-Pearson exact.",
            100.0 * report.settings.level
        )],
    });
    let mut by_subtype_columns = vec!["subtype"];
    by_subtype_columns.extend(DESCRIBED);
    let mut by_subtype: Vec<Vec<Cell>> = e
        .time_to_cr_by_subtype
        .iter()
        .map(|t| {
            let mut row = vec![text(t.subtype.label())];
            row.extend(described_cells(Some(&t.weeks)));
            row
        })
        .collect();
    by_subtype.push({
        let mut row = vec![text("All")];
        row.extend(described_cells(e.time_to_cr.as_ref()));
        row
    });
    all.push(Table {
        id: "time_to_cr_by_subtype".into(),
        title: "Time to complete response by subtype (weeks; patients in CR)".into(),
        columns: by_subtype_columns,
        rows: by_subtype,
        notes: Vec::new(),
    });
    all.push(Table {
        id: "kaplan_meier".into(),
        title: "Kaplan-Meier estimates (weeks)".into(),
        columns: vec![
            "endpoint",
            "n",
            "events",
            "median_weeks",
            "median_ci_low",
            "median_ci_high",
            "estimated",
            "note",
            "method",
        ],
        rows: e
            .curves
            .iter()
            .map(|c| {
                vec![
                    text(c.endpoint.id()),
                    num(c.n as f64, 0),
                    num(c.events as f64, 0),
                    opt(c.median_weeks, 1),
                    opt(c.median_ci_low_weeks, 1),
                    opt(c.median_ci_high_weeks, 1),
                    yes_no(Some(c.estimated), ""),
                    text(&c.note),
                    text(c.method),
                ]
            })
            .collect(),
        notes: Vec::new(),
    });
    all.push(Table {
        id: "kaplan_meier_steps".into(),
        title: "Kaplan-Meier steps and numbers at risk".into(),
        columns: vec![
            "endpoint", "weeks", "n_risk", "n_event", "n_censor", "survival", "ci_low", "ci_high",
        ],
        rows: e
            .curves
            .iter()
            .flat_map(|c| {
                c.steps.iter().map(move |s| {
                    vec![
                        text(c.endpoint.id()),
                        num(s.weeks, 2),
                        num(s.n_risk as f64, 0),
                        num(s.n_event as f64, 0),
                        num(s.n_censor as f64, 0),
                        num(s.survival, 3),
                        opt(s.ci_low, 3),
                        opt(s.ci_high, 3),
                    ]
                })
            })
            .collect(),
        notes: Vec::new(),
    });
    all.push(Table {
        id: "figure2_clasi".into(),
        title: "Figure 2 data: CLASI by visit (mean ± SEM) and the test against baseline".into(),
        columns: vec![
            "visit",
            "week",
            "score",
            "n",
            "mean",
            "sem",
            "pairs",
            "mean_change",
            "statistic",
            "p_value",
            "method",
        ],
        rows: report
            .figure2
            .iter()
            .flat_map(|p| {
                [("activity", &p.activity), ("damage", &p.damage)].map(|(score, point)| {
                    let d = point.described.as_ref();
                    let t = point.test.as_ref();
                    vec![
                        text(&p.visit),
                        num(p.week, 1),
                        text(score),
                        num(d.map_or(0.0, |d| d.n as f64), 0),
                        opt(d.map(|d| d.mean), 2),
                        opt(d.and_then(|d| d.sem), 2),
                        opt(t.map(|t| t.pairs as f64), 0),
                        opt(t.map(|t| t.mean_change), 2),
                        opt(t.map(|t| t.statistic), 3),
                        opt(t.map(|t| t.p_value), 4),
                        t.map_or(Cell::Empty, |t| text(t.method)),
                    ]
                })
            })
            .collect(),
        notes: Vec::new(),
    });
    let s = &report.safety;
    all.push(Table {
        id: "safety_by_term".into(),
        title: format!(
            "Adverse events by term and highest CTCAE grade per patient ({} of {} patients with any event)",
            s.patients_with_any.n, s.patients_with_any.of
        ),
        columns: vec!["term", "patients", "events", "grade_1", "grade_2", "grade_3", "grade_4", "grade_5", "grade_unknown"],
        rows: s
            .by_term
            .iter()
            .map(|t| {
                let mut row = vec![text(&t.term), num(t.patients as f64, 0), num(t.events as f64, 0)];
                row.extend(t.highest_grade.iter().map(|n| num(*n as f64, 0)));
                row.push(num(t.grade_unknown as f64, 0));
                row
            })
            .collect(),
        notes: vec![format!(
            "Serious adverse events: {} in {} patients; seriousness not given for {} events.",
            s.serious_events, s.serious_patients.n, s.serious_unknown
        )],
    });
    all.push(Table {
        id: "safety_lab_shifts".into(),
        title: "Laboratory toxicity shifts: baseline CTCAE grade to worst grade after baseline"
            .into(),
        columns: vec!["test", "baseline_grade", "worst_grade", "patients"],
        rows: s
            .lab_shifts
            .iter()
            .flat_map(|shift| {
                shift.cells.iter().map(|(b, w, n)| {
                    vec![
                        text(&shift.test),
                        b.map_or(text("no graded value"), |g| num(f64::from(g), 0)),
                        w.map_or(text("no graded value"), |g| num(f64::from(g), 0)),
                        num(*n as f64, 0),
                    ]
                })
            })
            .collect(),
        notes: if s.lab_shifts.is_empty() {
            vec!["No laboratory results in the source.".into()]
        } else {
            Vec::new()
        },
    });
    all.push(Table {
        id: "visits".into(),
        title: "Derived dataset: CLASI per subject-visit, change from baseline".into(),
        columns: vec![
            "patient",
            "visit",
            "day",
            "activity",
            "activity_change",
            "activity_percent_change",
            "damage",
            "damage_change",
            "damage_percent_change",
        ],
        rows: report
            .datasets
            .visits
            .iter()
            .map(|v| {
                vec![
                    text(&v.id),
                    text(&v.visit),
                    num(v.day as f64, 0),
                    measure(v.activity),
                    opt(v.activity_change, 0),
                    opt(v.activity_percent_change, 1),
                    measure(v.damage),
                    opt(v.damage_change, 0),
                    opt(v.damage_percent_change, 1),
                ]
            })
            .collect(),
        notes: vec![
            "Percent change is empty when the baseline is 0 or either value is missing.".into(),
        ],
    });
    all.push(Table {
        id: "time_to_event".into(),
        title: "Derived dataset: time-to-event rows (weeks; event 1, censored 0)".into(),
        columns: vec!["patient", "endpoint", "weeks", "event"],
        rows: report
            .datasets
            .time_to_event
            .iter()
            .map(|r| {
                vec![
                    text(&r.id),
                    text(r.endpoint.id()),
                    r.weeks.map_or(text("unknown"), |w| num(w, 2)),
                    num(if r.event { 1.0 } else { 0.0 }, 0),
                ]
            })
            .collect(),
        notes: Vec::new(),
    });
    all
}

/// The figure files of a report: (file stem, SVG).
pub fn figures(report: &Report) -> Vec<(String, String)> {
    let test = report
        .figure2
        .iter()
        .flat_map(|p| [&p.activity, &p.damage])
        .find_map(|s| s.test.as_ref().map(|t| t.method))
        .unwrap_or(match report.settings.baseline_test {
            crate::report::BaselineTest::PairedT => "paired t test",
            crate::report::BaselineTest::Wilcoxon => "Wilcoxon signed-rank test",
        });
    let mut figures = vec![(
        "figure2_clasi".to_owned(),
        super::svg::figure2(&report.figure2, test),
    )];
    for curve in &report.efficacy.curves {
        figures.push((figure_stem(curve.endpoint), super::svg::kaplan_meier(curve)));
    }
    figures.push(("swimmer".to_owned(), super::svg::swimmer(&report.swimmer)));
    figures
}

/// The file stem of an endpoint's Kaplan-Meier figure.
pub fn figure_stem(endpoint: Endpoint) -> String {
    format!("km_{}", endpoint.id())
}
