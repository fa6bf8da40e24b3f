//! Every table of the report as rows of cells, one shape for HTML, Markdown and CSV. Headers are
//! words in HTML and Markdown and short snake-case ids in CSV, which R and pandas read as names.

use protocol::analysis::{BaselineItem, Display, DisplayKind};

use crate::derive::BestResponse;
use crate::report::{Computed, Count, Described, Rate, Report, ResultOut};
use crate::snapshot::{Measure, Sex, number};

/// One cell: text, a number (shown rounded, written in full to CSV), or nothing.
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

pub(super) fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

pub(super) fn num(value: f64, decimals: usize) -> Cell {
    Cell::Number { value, decimals }
}

pub(super) fn int(value: usize) -> Cell {
    num(value as f64, 0)
}

pub(super) fn opt(value: Option<f64>, decimals: usize) -> Cell {
    value.map_or(Cell::Empty, |v| num(v, decimals))
}

/// A p-value as a reader expects it: 4 decimals, or "< 0.0001".
fn p_cell(p: f64) -> Cell {
    if p < 1e-4 {
        Cell::Text(format!("< 0.0001 ({p:.2e})"))
    } else {
        num(p, 4)
    }
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

/// A column: its CSV id and its header in words.
pub type Column = (&'static str, &'static str);

/// A table with its file name (without `.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub id: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

impl Table {
    /// The table as CSV text (RFC 4180 quoting by the csv crate).
    pub fn csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail; an error here would be a bug in the csv crate.
        let _ = writer.write_record(self.columns.iter().map(|c| c.0));
        for row in &self.rows {
            let _ = writer.write_record(row.iter().map(Cell::raw));
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

pub(super) fn table(
    id: String,
    title: String,
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
) -> Table {
    Table {
        id,
        title,
        columns,
        rows,
        notes: Vec::new(),
    }
}

pub(super) const DESCRIBED: [Column; 7] = [
    ("n", "n"),
    ("mean", "Mean"),
    ("sd", "SD"),
    ("median", "Median"),
    ("min", "Min"),
    ("max", "Max"),
    ("method", "Method"),
];

pub(super) fn described_cells(d: Option<&Described>, decimals: usize) -> Vec<Cell> {
    match d {
        Some(d) => vec![
            int(d.n),
            num(d.mean, decimals),
            opt(d.sd, decimals),
            num(d.median, decimals),
            num(d.min, decimals),
            num(d.max, decimals),
            text(d.method),
        ],
        None => {
            let mut cells = vec![int(0)];
            cells.resize(DESCRIBED.len(), Cell::Empty);
            cells
        }
    }
}

pub(super) fn with(mut first: Vec<Column>, rest: &[Column]) -> Vec<Column> {
    first.extend_from_slice(rest);
    first
}

/// Every table of `report`, display by display, in report order.
pub fn tables(report: &Report) -> Vec<Table> {
    report
        .analysis
        .displays
        .iter()
        .flat_map(|display| display_tables(report, display))
        .collect()
}

/// The tables of one display.
pub fn display_tables(report: &Report, display: &Display) -> Vec<Table> {
    let id = display.id.clone();
    match display.kind {
        DisplayKind::Flow => vec![flow(report, id, &display.title)],
        DisplayKind::Baseline => baseline(report, id),
        DisplayKind::SubjectListing => vec![subject_listing(report, id, &display.title)],
        DisplayKind::AdverseEventListing => vec![ae_listing(report, id, &display.title)],
        DisplayKind::Safety => safety(report, id),
        DisplayKind::Swimmer => Vec::new(),
        DisplayKind::Results => results(report, display),
    }
}

fn flow(report: &Report, id: String, title: &str) -> Table {
    let f = &report.flow;
    let mut rows = vec![
        vec![text("Screened"), int(f.screened)],
        vec![
            text("Not enrolled (screen failure or chart not eligible)"),
            int(f.not_enrolled),
        ],
        vec![text("Enrolled"), int(f.enrolled)],
        vec![
            text("Treated (a dose of the study drug recorded)"),
            int(f.treated),
        ],
        vec![text("Completed"), int(f.completed)],
    ];
    for (reason, n) in &f.withdrawn {
        rows.push(vec![text(format!("Ended early: {reason}")), int(*n)]);
    }
    rows.push(vec![
        text("No end of participation recorded"),
        int(f.ongoing),
    ]);
    table(
        id,
        title.to_owned(),
        vec![("stage", "Stage"), ("n", "Subjects")],
        rows,
    )
}

fn count_row(label: String, count: &Count, method: &str) -> Vec<Cell> {
    vec![
        text(label),
        int(count.n),
        int(count.of),
        opt(count.percent, 1),
        text(method),
    ]
}

fn baseline(report: &Report, id: String) -> Vec<Table> {
    let b = &report.baseline;
    let mut summary = Vec::new();
    let mut listing_columns: Vec<Column> = vec![("subject", "Subject")];
    for item in &b.items {
        match item {
            BaselineItem::Sex => {
                summary.push(count_row(
                    "Female".to_owned(),
                    &b.female,
                    "count and percentage of those of known sex",
                ));
                listing_columns.push(("sex", "Sex"));
            }
            BaselineItem::Age => {
                let mut row = vec![text("Age (years)")];
                row.extend(described_row(b.age_years.as_ref(), b.age_unknown));
                summary.push(row);
                listing_columns.push(("age_years", "Age (years)"));
            }
            BaselineItem::Subtype => {
                for (group, count) in &b.subtypes {
                    summary.push(count_row(
                        format!("Subtype {}", group.label()),
                        count,
                        "count and percentage of enrolled",
                    ));
                }
                listing_columns.push(("subtype", "Subtype"));
            }
            BaselineItem::ClasiActivity => {
                let mut row = vec![text("CLASI activity")];
                row.extend(described_row(
                    b.clasi_activity.as_ref(),
                    b.clasi_activity_missing,
                ));
                summary.push(row);
                listing_columns.push(("clasi_activity", "CLASI activity"));
            }
            BaselineItem::ClasiDamage => {
                let mut row = vec![text("CLASI damage")];
                row.extend(described_row(
                    b.clasi_damage.as_ref(),
                    b.clasi_damage_missing,
                ));
                summary.push(row);
                listing_columns.push(("clasi_damage", "CLASI damage"));
            }
        }
    }
    listing_columns.extend([
        ("enrolled_on", "Enrolled on"),
        ("first_dose_on", "First dose on"),
    ]);
    let rows = report
        .datasets
        .subjects
        .iter()
        .map(|s| {
            let mut row = vec![text(&s.id)];
            for item in &b.items {
                row.push(match item {
                    BaselineItem::Sex => text(match s.sex {
                        Some(Sex::F) => "F",
                        Some(Sex::M) => "M",
                        None => "unknown",
                    }),
                    BaselineItem::Age => s.age_years.map_or(text("unknown"), |a| num(a, 0)),
                    BaselineItem::Subtype => s.subtype.map_or(text("unknown"), |g| text(g.label())),
                    BaselineItem::ClasiActivity => measure(s.baseline_activity),
                    BaselineItem::ClasiDamage => measure(s.baseline_damage),
                });
            }
            row.push(s.enrolment_date.as_deref().map_or(Cell::Empty, text));
            row.push(s.start_date.as_deref().map_or(Cell::Empty, text));
            row
        })
        .collect();
    let mut listing = table(
        format!("{id}_listing"),
        format!("{} (per subject)", b.title),
        listing_columns,
        rows,
    );
    listing.notes.push(
        "Missing values are given in words (not done, not applicable, unknown); never 0.".into(),
    );
    let mut summary = table(
        format!("{id}_summary"),
        format!("{} ({} subjects enrolled)", b.title, b.enrolled),
        vec![
            ("characteristic", "Characteristic"),
            ("n", "n"),
            ("of", "Of"),
            ("percent", "% / mean"),
            ("method", "Method / SD, median (range), missing"),
        ],
        summary,
    );
    summary
        .notes
        .push(format!("Every enrolled subject's values: {}.", b.input));
    vec![summary, listing]
}

/// A continuous baseline item in the summary's five columns.
fn described_row(d: Option<&Described>, missing: usize) -> Vec<Cell> {
    match d {
        Some(d) => vec![
            int(d.n),
            int(d.n + missing),
            num(d.mean, 1),
            text(format!(
                "SD {}, median {} ({}-{}), {missing} missing",
                d.sd.map_or_else(|| "-".to_owned(), |sd| format!("{sd:.1}")),
                number(d.median),
                number(d.min),
                number(d.max)
            )),
        ],
        None => vec![
            int(0),
            int(missing),
            Cell::Empty,
            text(format!("{missing} missing")),
        ],
    }
}

fn subject_listing(report: &Report, id: String, title: &str) -> Table {
    let rows = report
        .datasets
        .subjects
        .iter()
        .map(|s| {
            let relapse_unknown = if s.best_response == BestResponse::Complete {
                "unknown"
            } else {
                "not applicable"
            };
            vec![
                text(&s.id),
                s.subtype.map_or(text("unknown"), |g| text(g.label())),
                text(s.best_response.words()),
                opt(s.time_to_cr_weeks, 1),
                opt(s.followup_months, 1),
                opt(s.max_dose_mg, 1),
                yes_no(s.relapse, relapse_unknown),
                opt(s.relapse_week, 1),
                s.dose_at_relapse.as_deref().map_or(Cell::Empty, text),
                s.withdrawal
                    .as_deref()
                    .map_or(Cell::Empty, |w| text(w.replace('_', " "))),
                opt(s.withdrawal_week, 1),
                s.last_phase
                    .as_deref()
                    .map_or(Cell::Empty, |p| text(p.replace('_', " "))),
            ]
        })
        .collect();
    let mut t = table(
        id,
        title.to_owned(),
        vec![
            ("subject", "Subject"),
            ("subtype", "Subtype"),
            ("best_response", "Best response"),
            ("time_to_cr_weeks", "Time to CR (weeks)"),
            ("followup_months", "Follow-up (months)"),
            ("max_dose_mg", "Maximum dose (mg)"),
            ("relapse", "Relapse"),
            ("relapse_week", "Relapse (week)"),
            ("dose_at_relapse", "Dose at relapse"),
            ("ended_early", "Ended early"),
            ("ended_week", "Ended (week)"),
            ("last_phase", "Last protocol phase"),
        ],
        rows,
    );
    t.notes.push("Relapse: not applicable when never in complete response; unknown where the source does not say. Dose at relapse: the regimen running when the relapse was found.".into());
    t
}

fn ae_listing(report: &Report, id: String, title: &str) -> Table {
    let rows = report
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
                text(ae.causality.replace('_', " ")),
            ]
        })
        .collect();
    table(
        id,
        title.to_owned(),
        vec![
            ("subject", "Subject"),
            ("term", "Term (CTCAE v5.0)"),
            ("start_day", "Start (study day)"),
            ("ctcae_grade", "CTCAE grade"),
            ("serious", "Serious"),
            ("causality", "Causality"),
        ],
        rows,
    )
}

fn safety(report: &Report, id: String) -> Vec<Table> {
    let s = &report.safety;
    let mut by_term = table(
        format!("{id}_by_term"),
        format!(
            "Adverse events by term and highest CTCAE grade per patient ({} of {} patients with any event)",
            s.patients_with_any.n, s.patients_with_any.of
        ),
        vec![
            ("term", "Term"),
            ("patients", "Patients"),
            ("events", "Events"),
            ("grade_1", "Grade 1"),
            ("grade_2", "Grade 2"),
            ("grade_3", "Grade 3"),
            ("grade_4", "Grade 4"),
            ("grade_5", "Grade 5"),
            ("grade_unknown", "Grade unknown"),
        ],
        s.by_term
            .iter()
            .map(|t| {
                let mut row = vec![text(&t.term), int(t.patients), int(t.events)];
                row.extend(t.highest_grade.iter().map(|n| int(*n)));
                row.push(int(t.grade_unknown));
                row
            })
            .collect(),
    );
    by_term.notes.push(format!(
        "Serious adverse events: {} in {} patients; seriousness not given for {} events. Every event: {}.",
        s.serious_events, s.serious_patients.n, s.serious_unknown, s.input
    ));
    let mut shifts = table(
        format!("{id}_lab_shifts"),
        "Laboratory toxicity shifts: baseline CTCAE grade to worst grade after baseline".into(),
        vec![
            ("test", "Test"),
            ("baseline_grade", "Baseline grade"),
            ("worst_grade", "Worst grade after baseline"),
            ("patients", "Patients"),
        ],
        s.lab_shifts
            .iter()
            .flat_map(|shift| {
                shift.cells.iter().map(|(b, w, n)| {
                    vec![
                        text(&shift.test),
                        b.map_or(text("no graded value"), |g| num(f64::from(g), 0)),
                        w.map_or(text("no graded value"), |g| num(f64::from(g), 0)),
                        int(*n),
                    ]
                })
            })
            .collect(),
    );
    if s.lab_shifts.is_empty() {
        shifts
            .notes
            .push("No CTCAE-graded laboratory results in the source.".into());
    }
    vec![by_term, shifts]
}

/// The columns of [`rate_cells`].
const RATE: [Column; 6] = [
    ("n", "n"),
    ("of", "Of"),
    ("percent", "%"),
    ("ci_low_percent", "CI low %"),
    ("ci_high_percent", "CI high %"),
    ("method", "Method"),
];

pub(super) fn rate_cells(r: Option<&Rate>) -> Vec<Cell> {
    match r {
        Some(r) => vec![
            int(r.n),
            int(r.of),
            num(r.percent, 1),
            num(r.ci_low_percent, 1),
            num(r.ci_high_percent, 1),
            text(r.method),
        ],
        None => vec![
            Cell::Empty,
            int(0),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            text("no subjects counted"),
        ],
    }
}

/// The results of one display: a table per kind of statistic among them.
fn results(report: &Report, display: &Display) -> Vec<Table> {
    let of_display: Vec<&ResultOut> = report
        .results
        .iter()
        .filter(|r| r.display == display.id)
        .collect();
    let level = format!("{:.0}%", 100.0 * report.analysis.level);
    let mut out = Vec::new();
    let mut push = |suffix: &str,
                    title: String,
                    columns: Vec<Column>,
                    rows: Vec<Vec<Cell>>,
                    notes: Vec<String>| {
        if !rows.is_empty() {
            out.push(Table {
                id: format!("{}_{suffix}", display.id),
                title,
                columns,
                rows,
                notes,
            });
        }
    };
    let notes = |pick: fn(&Computed) -> bool| -> Vec<String> {
        of_display
            .iter()
            .filter(|r| pick(&r.computed) && !r.note.is_empty())
            .map(|r| format!("{}: {}", r.text, r.note))
            .collect()
    };
    let input = ("input", "Input rows");
    push(
        "proportions",
        format!(
            "{}: proportions with {level} exact intervals",
            display.title
        ),
        with(
            with(vec![("result", "Result")], &RATE),
            &[("population", "Population"), input],
        ),
        of_display
            .iter()
            .filter_map(|r| match &r.computed {
                Computed::Proportion(rate) => {
                    let mut row = vec![text(&r.text)];
                    row.extend(rate_cells(rate.as_ref()));
                    row.extend([text(r.population_words), text(&r.input)]);
                    Some(row)
                }
                _ => None,
            })
            .collect(),
        notes(|c| matches!(c, Computed::Proportion(_))),
    );
    push(
        "counts",
        format!("{}: counts", display.title),
        vec![
            ("result", "Result"),
            ("category", "Category"),
            ("n", "n"),
            ("of", "Of"),
            ("percent", "%"),
            input,
        ],
        of_display
            .iter()
            .flat_map(|r| match &r.computed {
                Computed::Counts(c) => c
                    .categories
                    .iter()
                    .map(|cat| {
                        vec![
                            text(&r.text),
                            text(&cat.category),
                            int(cat.n),
                            int(c.of),
                            opt(cat.percent, 1),
                            text(&r.input),
                        ]
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        notes(|c| matches!(c, Computed::Counts(_))),
    );
    push(
        "odds_ratios",
        format!("{}: odds ratios ({level} intervals)", display.title),
        vec![
            ("result", "Result"),
            ("group", "Group against the others"),
            ("group_yes", "Group: yes"),
            ("group_no", "Group: no"),
            ("others_yes", "Others: yes"),
            ("others_no", "Others: no"),
            ("fisher_or", "Fisher OR (CI)"),
            ("fisher_p", "Fisher p"),
            ("logistic_or", "Logistic OR (CI)"),
            ("logistic_p", "Wald p"),
            input,
        ],
        of_display
            .iter()
            .filter_map(|r| match &r.computed {
                Computed::OddsRatio(o) => {
                    let mut row = vec![text(&r.text), text(&o.group)];
                    row.extend(o.cells.iter().flatten().map(|n| int(*n as usize)));
                    match &o.fisher {
                        Some(f) => row.extend([
                            or_with_ci(f.odds_ratio, f.ci_low, f.ci_high),
                            p_cell(f.p_value),
                        ]),
                        None => row.extend([text("not estimable"), Cell::Empty]),
                    }
                    match &o.logistic {
                        Some(l) if l.separation => {
                            row.extend([text("not estimable (separation)"), Cell::Empty]);
                        }
                        Some(l) => row.extend([
                            or_with_ci(l.odds_ratio, l.ci_low, l.ci_high),
                            p_cell(l.p_value),
                        ]),
                        None => row.extend([text("not estimable"), Cell::Empty]),
                    }
                    row.push(text(&r.input));
                    Some(row)
                }
                _ => None,
            })
            .collect(),
        {
            let mut n = notes(|c| matches!(c, Computed::OddsRatio(_)));
            n.push("Fisher: conditional maximum-likelihood odds ratio with its exact interval (R fisher.test). Logistic: outcome on group membership, Wald interval and test (R glm).".into());
            n
        },
    );
    push(
        "survival",
        format!("{}: Kaplan-Meier estimates (weeks)", display.title),
        vec![
            ("result", "Result"),
            ("group", "Group"),
            ("n", "n"),
            ("events", "Events"),
            ("median_weeks", "Median (weeks)"),
            ("median_ci_low", "CI low"),
            ("median_ci_high", "CI high"),
            ("log_rank_p", "Log-rank p"),
            ("note", "Note"),
            input,
        ],
        of_display
            .iter()
            .flat_map(|r| match &r.computed {
                Computed::KaplanMeier(s) => s
                    .curves
                    .iter()
                    .map(|c| {
                        vec![
                            text(&r.text),
                            text(&c.group),
                            int(c.n),
                            int(c.events),
                            c.median_weeks.map_or_else(
                                || text(if c.estimated { "not reached" } else { "" }),
                                |m| num(m, 1),
                            ),
                            opt(c.median_ci_low_weeks, 1),
                            opt(c.median_ci_high_weeks, 1),
                            s.log_rank
                                .as_ref()
                                .map_or(Cell::Empty, |l| p_cell(l.p_value)),
                            text(&c.note),
                            text(&r.input),
                        ]
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        {
            let mut n = notes(|c| matches!(c, Computed::KaplanMeier(_)));
            n.push(format!(
                "{}; groups compared by the log-rank test.",
                crate::report::method_name(stats::Method::KaplanMeier)
            ));
            n
        },
    );
    push(
        "describe",
        format!(
            "{}: times (weeks) of the subjects with the event",
            display.title
        ),
        with(vec![("result", "Result"), ("group", "Group")], &DESCRIBED),
        of_display
            .iter()
            .flat_map(|r| match &r.computed {
                Computed::Describe(d) => d
                    .rows
                    .iter()
                    .map(|row| {
                        let mut cells = vec![
                            text(&r.text),
                            text(if row.group == "all" {
                                "All"
                            } else {
                                &row.group
                            }),
                        ];
                        cells.extend(described_cells(Some(&row.described), 1));
                        cells
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        notes(|c| matches!(c, Computed::Describe(_))),
    );
    push(
        "paired",
        format!(
            "{}: before and after, subjects with both values",
            display.title
        ),
        vec![
            ("result", "Result"),
            ("from", "From"),
            ("to", "To"),
            ("pairs", "Pairs"),
            ("before_mean", "Mean before"),
            ("before_sd", "SD before"),
            ("after_mean", "Mean after"),
            ("after_sd", "SD after"),
            ("mean_change", "Mean change"),
            ("statistic", "Statistic"),
            ("p_value", "p"),
            ("method", "Method"),
            input,
        ],
        of_display
            .iter()
            .filter_map(|r| match &r.computed {
                Computed::Paired(p) => Some(vec![
                    text(&r.text),
                    text(&p.from_text),
                    text(&p.to_text),
                    int(p.pairs),
                    opt(p.before.as_ref().map(|d| d.mean), 2),
                    opt(p.before.as_ref().and_then(|d| d.sd), 2),
                    opt(p.after.as_ref().map(|d| d.mean), 2),
                    opt(p.after.as_ref().and_then(|d| d.sd), 2),
                    opt(p.test.as_ref().map(|t| t.mean_change), 2),
                    opt(p.test.as_ref().map(|t| t.statistic), 3),
                    p.test.as_ref().map_or(Cell::Empty, |t| p_cell(t.p_value)),
                    p.test.as_ref().map_or_else(
                        || text(p.untested.clone().unwrap_or_default()),
                        |t| text(t.method),
                    ),
                    text(&r.input),
                ]),
                _ => None,
            })
            .collect(),
        notes(|c| matches!(c, Computed::Paired(_))),
    );
    push(
        "by_visit",
        format!(
            "{}: by analysis visit, each against baseline in the subjects with both",
            display.title
        ),
        vec![
            ("result", "Result"),
            ("visit", "Visit"),
            ("day", "Target day"),
            ("n", "n"),
            ("mean", "Mean"),
            ("sd", "SD"),
            ("sem", "SEM"),
            ("median", "Median"),
            ("pairs", "Pairs"),
            ("mean_change", "Mean change"),
            ("statistic", "Statistic"),
            ("p_value", "p"),
            ("method", "Method"),
            input,
        ],
        of_display
            .iter()
            .flat_map(|r| match &r.computed {
                Computed::ByVisit(b) => b
                    .points
                    .iter()
                    .map(|p| {
                        let d = p.described.as_ref();
                        let t = p.test.as_ref();
                        vec![
                            text(&r.text),
                            text(&p.text),
                            num(p.day as f64, 0),
                            int(d.map_or(0, |d| d.n)),
                            opt(d.map(|d| d.mean), 2),
                            opt(d.and_then(|d| d.sd), 2),
                            opt(d.and_then(|d| d.sem), 2),
                            opt(d.map(|d| d.median), 1),
                            opt(t.map(|t| t.pairs as f64), 0),
                            opt(t.map(|t| t.mean_change), 2),
                            opt(t.map(|t| t.statistic), 3),
                            t.map_or(Cell::Empty, |t| p_cell(t.p_value)),
                            t.map_or_else(
                                || p.untested.clone().map_or(Cell::Empty, text),
                                |t| text(t.method),
                            ),
                            text(&r.input),
                        ]
                    })
                    .collect(),
                _ => Vec::new(),
            })
            .collect(),
        notes(|c| matches!(c, Computed::ByVisit(_))),
    );
    out
}

/// An odds ratio with its interval, "1.65 (0.29-17.63)"; a bound is infinite at the edge of the
/// exact distribution (every number in full in results.json).
fn or_with_ci(estimate: f64, low: f64, high: f64) -> Cell {
    let shown = |value: f64| {
        if value.is_finite() {
            format!("{value:.2}")
        } else {
            "infinite".to_owned()
        }
    };
    text(format!(
        "{} ({}-{})",
        shown(estimate),
        shown(low),
        shown(high)
    ))
}

/// The figure files of a report, display by display: (file stem, SVG).
pub fn figures(report: &Report) -> Vec<(String, String)> {
    report
        .analysis
        .displays
        .iter()
        .flat_map(|display| display_figures(report, display))
        .collect()
}

/// The figures of one display.
pub fn display_figures(report: &Report, display: &Display) -> Vec<(String, String)> {
    match display.kind {
        DisplayKind::Flow => vec![(
            display.id.clone(),
            super::svg::flow(&display.title, &report.flow),
        )],
        DisplayKind::Swimmer => vec![(
            display.id.clone(),
            super::svg::swimmer(&display.title, &report.swimmer),
        )],
        DisplayKind::Results => {
            let of_display = report.results.iter().filter(|r| r.display == display.id);
            let mut figures = Vec::new();
            let mut by_visit = Vec::new();
            for result in of_display {
                match &result.computed {
                    Computed::KaplanMeier(s) => figures.push((
                        format!("km_{}", result.id),
                        super::svg::kaplan_meier(&result.text, s, report.analysis.level),
                    )),
                    Computed::ByVisit(b) => by_visit.push((result.text.as_str(), b)),
                    _ => {}
                }
            }
            if !by_visit.is_empty() {
                figures.insert(
                    0,
                    (
                        display.id.clone(),
                        super::svg::by_visit(&display.title, &by_visit),
                    ),
                );
            }
            figures
        }
        _ => Vec::new(),
    }
}

/// The randomised subjects by stratum (arms pooled), and the emergency unblindings.
pub(crate) fn randomisation_tables(randomisation: &crate::report::Randomisation) -> Vec<Table> {
    let strata = table(
        "randomisation_strata".to_owned(),
        "Subjects randomised by stratum (arms pooled)".to_owned(),
        vec![("stratum", "Stratum"), ("randomised", "Randomised")],
        randomisation
            .strata
            .iter()
            .map(|(stratum, n)| vec![text(stratum.as_str()), int(*n as usize)])
            .collect(),
    );
    let unblindings = table(
        "unblindings".to_owned(),
        "Emergency unblindings".to_owned(),
        vec![("subject", "Subject"), ("on", "Date"), ("reason", "Reason")],
        randomisation
            .unblindings
            .iter()
            .map(|u| {
                vec![
                    text(u.subject.as_str()),
                    text(u.on.as_str()),
                    text(u.reason.as_str()),
                ]
            })
            .collect(),
    );
    let mut out = vec![strata, unblindings];
    if randomisation.by_arm.is_empty() {
        return out;
    }
    // Unblinded: each proportion within each arm, then compared between the two arms.
    let mut by_arm = table(
        "results_by_arm".to_owned(),
        "Results within each arm (proportions with exact intervals)".to_owned(),
        with(vec![("result", "Result"), ("arm", "Arm")], &RATE),
        randomisation
            .by_arm
            .iter()
            .flat_map(|arm| {
                arm.results
                    .iter()
                    .filter_map(move |result| match &result.computed {
                        Computed::Proportion(rate) => {
                            let mut row = vec![
                                text(result.text.as_str()),
                                text(format!("{} ({})", arm.label, arm.code)),
                            ];
                            row.extend(rate_cells(rate.as_ref()));
                            Some(row)
                        }
                        _ => None,
                    })
            })
            .collect(),
    );
    // Nothing left out unsaid: the other statistics are computed by arm too.
    let others: Vec<&str> = randomisation
        .by_arm
        .first()
        .map(|arm| {
            arm.results
                .iter()
                .filter(|result| !matches!(result.computed, Computed::Proportion(_)))
                .map(|result| result.text.as_str())
                .collect()
        })
        .unwrap_or_default();
    if !others.is_empty() {
        by_arm.notes.push(format!(
            "Also computed within each arm, in results.json (randomisation.by_arm) and each arm's input files (arms/<code>/tables/): {}.",
            others.join("; ")
        ));
    }
    let comparisons = table(
        "arm_comparisons".to_owned(),
        "Each proportion compared between the two arms".to_owned(),
        vec![
            ("result", "Result"),
            ("first_arm", "First arm n/of"),
            ("second_arm", "Second arm n/of"),
            ("odds_ratio_ci", "Odds ratio (CI)"),
            ("p_value", "p"),
            ("method", "Method"),
        ],
        randomisation
            .comparisons
            .iter()
            .map(|c| {
                let [[a, b], [c2, d]] = c.cells;
                let mut row = vec![
                    text(c.text.as_str()),
                    text(format!("{}: {a}/{}", c.arms[0], a + b)),
                    text(format!("{}: {c2}/{}", c.arms[1], c2 + d)),
                ];
                match &c.fisher {
                    Some(f) => row.extend([
                        or_with_ci(f.odds_ratio, f.ci_low, f.ci_high),
                        p_cell(f.p_value),
                        text(f.method),
                    ]),
                    None => row.extend([
                        Cell::Empty,
                        Cell::Empty,
                        text("not compared: a row or column of the table is empty"),
                    ]),
                }
                row
            })
            .collect(),
    );
    out.extend([by_arm, comparisons]);
    out
}
