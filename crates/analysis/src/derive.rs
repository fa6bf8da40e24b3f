//! Derived datasets: one row per subject, per subject-visit, per adverse event, and time-to-event rows.
//!
//! The response and relapse definitions are the protocol's (`[treatment.response]` and
//! `[treatment.toxicity]` of `protocols/nct01408199.toml`, from the paper's Endpoints section):
//! complete response is CLASI activity at or below `complete_max_activity` (paper: "CLASI activity
//! score = 0"); partial response is an improvement of at least `partial_min_improvement_percent` (50%)
//! from baseline by week `partial_by_week` (12); relapse is a CLASI activity of at least
//! `relapse_min_activity` (4) after a complete response. The adverse-event endpoint counts grades from
//! `flag_min_grade` (2), the grade the protocol flags.

use serde::Serialize;

use crate::published::Outcome;
use crate::snapshot::{Measure, Snapshot, Source, SubjectSnapshot, SubtypeGroup};

/// Days in a month, for follow-up in months (the Julian year / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The protocol's definitions the derivation needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Definitions {
    pub complete_max_activity: f64,
    pub partial_min_improvement_percent: f64,
    pub partial_by_week: u32,
    pub relapse_min_activity: f64,
    pub ae_min_grade: u8,
}

impl Definitions {
    /// The definitions of a protocol with a treatment algorithm.
    pub fn from_protocol(algorithm: &protocol::load::Algorithm) -> Definitions {
        let response = &algorithm.settings.response;
        Definitions {
            complete_max_activity: f64::from(response.complete_max_activity),
            partial_min_improvement_percent: response.partial_min_improvement_percent,
            partial_by_week: response.partial_by_week,
            relapse_min_activity: f64::from(response.relapse_min_activity),
            ae_min_grade: algorithm.settings.toxicity.flag_min_grade,
        }
    }
}

/// A subject's best response over the study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BestResponse {
    /// CLASI activity reached the complete-response threshold at any visit.
    Complete,
    /// The partial-response improvement was reached by the protocol's week.
    Partial,
    /// Neither.
    NoResponse,
    /// Participation ended before any response (the paper's "withdrawn").
    Withdrawn,
    /// No baseline activity value, or no value after it.
    NotEvaluable,
}

impl BestResponse {
    pub const ALL: [BestResponse; 5] = [
        BestResponse::Complete,
        BestResponse::Partial,
        BestResponse::NoResponse,
        BestResponse::Withdrawn,
        BestResponse::NotEvaluable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BestResponse::Complete => "CR",
            BestResponse::Partial => "PR",
            BestResponse::NoResponse => "NR",
            BestResponse::Withdrawn => "withdrawn",
            BestResponse::NotEvaluable => "not evaluable",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            BestResponse::Complete => "cr",
            BestResponse::Partial => "pr",
            BestResponse::NoResponse => "nr",
            BestResponse::Withdrawn => "withdrawn",
            BestResponse::NotEvaluable => "not_evaluable",
        }
    }
}

/// One row per subject.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectRow {
    pub id: String,
    pub sex: Option<crate::snapshot::Sex>,
    pub subtype: Option<SubtypeGroup>,
    pub enrolment_date: Option<String>,
    pub start_date: Option<String>,
    pub baseline_activity: Measure,
    pub baseline_damage: Measure,
    pub best_response: BestResponse,
    pub time_to_cr_weeks: Option<f64>,
    /// `None` where relapse does not apply (never in complete response) or the source does not say.
    pub relapse: Option<bool>,
    pub relapse_week: Option<f64>,
    pub dose_at_relapse: Option<String>,
    pub followup_months: Option<f64>,
    /// The highest amount per administration, mg (the paper's Table 2 "maximum dose").
    pub max_dose_mg: Option<f64>,
    /// The disposition status when participation ended early.
    pub withdrawal: Option<String>,
    pub withdrawal_week: Option<f64>,
    /// The phase named by the last protocol decision.
    pub last_phase: Option<String>,
    pub derived_from: Source,
}

/// One row per subject-visit after baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VisitRow {
    pub id: String,
    pub visit: String,
    pub day: i64,
    pub activity: Measure,
    pub activity_change: Option<f64>,
    /// `None` when either value is missing or the baseline is 0 (a percentage of 0 is undefined).
    pub activity_percent_change: Option<f64>,
    pub damage: Measure,
    pub damage_change: Option<f64>,
    pub damage_percent_change: Option<f64>,
}

/// One row per adverse event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AeRow {
    pub id: String,
    pub term: String,
    pub start_day: Option<i64>,
    pub grade: Option<u8>,
    pub serious: Option<bool>,
    pub causality: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    /// Weeks from the first dose to complete response; censored at the end of follow-up.
    TimeToCr,
    /// Weeks from complete response to relapse; censored at the end of follow-up.
    RelapseFreeAfterCr,
    /// Weeks from the first dose to the first adverse event of at least the protocol's grade.
    TimeToFirstAe,
}

impl Endpoint {
    pub const ALL: [Endpoint; 3] = [
        Endpoint::TimeToCr,
        Endpoint::RelapseFreeAfterCr,
        Endpoint::TimeToFirstAe,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Endpoint::TimeToCr => "time_to_cr",
            Endpoint::RelapseFreeAfterCr => "relapse_free_after_cr",
            Endpoint::TimeToFirstAe => "time_to_first_ae",
        }
    }
}

/// One subject's time on one endpoint. `weeks` is `None` when the source does not give the time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeToEventRow {
    pub id: String,
    pub endpoint: Endpoint,
    pub weeks: Option<f64>,
    /// `true` for the event, `false` for censoring.
    pub event: bool,
}

/// Every derived dataset of a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Datasets {
    pub subjects: Vec<SubjectRow>,
    pub visits: Vec<VisitRow>,
    pub adverse_events: Vec<AeRow>,
    pub time_to_event: Vec<TimeToEventRow>,
}

/// Derives every dataset of `snapshot` under the protocol's `definitions`.
pub fn derive(snapshot: &Snapshot, definitions: &Definitions) -> Datasets {
    let mut datasets = Datasets {
        subjects: Vec::new(),
        visits: Vec::new(),
        adverse_events: Vec::new(),
        time_to_event: Vec::new(),
    };
    for subject in &snapshot.subjects {
        let derived = derive_subject(subject, definitions);
        datasets.subjects.push(derived.row);
        datasets.visits.extend(derived.visits);
        datasets.adverse_events.extend(derived.adverse_events);
        datasets.time_to_event.extend(derived.time_to_event);
    }
    datasets
}

/// One subject's rows of every dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct SubjectDatasets {
    pub row: SubjectRow,
    pub visits: Vec<VisitRow>,
    pub adverse_events: Vec<AeRow>,
    pub time_to_event: Vec<TimeToEventRow>,
}

/// Derives one subject's rows (a report streams subjects through this one at a time).
pub fn derive_subject(subject: &SubjectSnapshot, definitions: &Definitions) -> SubjectDatasets {
    let row = subject_row(subject, definitions);
    SubjectDatasets {
        visits: visit_rows(subject),
        adverse_events: ae_rows(subject),
        time_to_event: time_to_event(subject, &row, definitions),
        row,
    }
}

/// The subject's row: recorded subjects derived by the protocol's definitions, published ones as
/// the source reports them.
pub fn subject_row(subject: &SubjectSnapshot, definitions: &Definitions) -> SubjectRow {
    match &subject.reported {
        Some(_) => reported_row(subject),
        None => recorded_row(subject, definitions),
    }
}

pub fn ae_rows(subject: &SubjectSnapshot) -> Vec<AeRow> {
    subject
        .adverse_events
        .iter()
        .map(|ae| AeRow {
            id: subject.id.clone(),
            term: ae.term.clone(),
            start_day: ae.start_day,
            grade: ae.grade,
            serious: ae.serious,
            causality: ae.causality.clone(),
        })
        .collect()
}

fn weeks(day: i64) -> f64 {
    day as f64 / 7.0
}

fn months_to_weeks(months: f64) -> f64 {
    months * DAYS_PER_MONTH / 7.0
}

/// The row of a subject whose outcomes the source reports (the paper's Table 2).
fn reported_row(subject: &SubjectSnapshot) -> SubjectRow {
    let reported = subject.reported.as_ref();
    let outcome = reported.map(|r| r.outcome);
    SubjectRow {
        best_response: match outcome {
            Some(Outcome::CompleteResponse) => BestResponse::Complete,
            Some(Outcome::PartialResponse) => BestResponse::Partial,
            Some(Outcome::Withdrawn) => BestResponse::Withdrawn,
            None => BestResponse::NotEvaluable,
        },
        time_to_cr_weeks: reported.and_then(|r| r.time_to_cr_weeks),
        relapse: reported.and_then(|r| r.relapse),
        relapse_week: None,
        dose_at_relapse: reported.and_then(|r| r.dose_at_relapse.clone()),
        followup_months: reported.and_then(|r| r.followup_months),
        max_dose_mg: reported.map(|r| r.max_dose_mg),
        withdrawal: (outcome == Some(Outcome::Withdrawn)).then(|| "withdrawn".to_owned()),
        withdrawal_week: None,
        ..common_row(subject)
    }
}

/// The fields every subject row takes straight from the snapshot.
fn common_row(subject: &SubjectSnapshot) -> SubjectRow {
    SubjectRow {
        id: subject.id.clone(),
        sex: subject.sex,
        subtype: subject.subtype,
        enrolment_date: subject.enrolment_date.clone(),
        start_date: subject.start_date.clone(),
        baseline_activity: subject.baseline_activity,
        baseline_damage: subject.baseline_damage,
        best_response: BestResponse::NotEvaluable,
        time_to_cr_weeks: None,
        relapse: None,
        relapse_week: None,
        dose_at_relapse: None,
        followup_months: subject.last_day.map(|day| day as f64 / DAYS_PER_MONTH),
        max_dose_mg: subject.doses.iter().map(|d| d.mg).reduce(f64::max),
        withdrawal: None,
        withdrawal_week: None,
        last_phase: subject.decisions.last().map(|d| d.phase.clone()),
        derived_from: match subject.reported {
            Some(_) => Source::Published,
            None => Source::Record,
        },
    }
}

/// The row of a subject from the study record, derived by the protocol's definitions.
fn recorded_row(subject: &SubjectSnapshot, definitions: &Definitions) -> SubjectRow {
    let baseline = subject.baseline_activity.value();
    let activities: Vec<(i64, f64)> = subject
        .visits
        .iter()
        .filter(|v| v.day > 0)
        .filter_map(|v| v.activity.value().map(|a| (v.day, a)))
        .collect();
    let cr_day = activities
        .iter()
        .find(|(_, a)| *a <= definitions.complete_max_activity)
        .map(|(day, _)| *day);
    let partial_by = i64::from(definitions.partial_by_week) * 7;
    let partial = baseline.is_some_and(|b| {
        b > 0.0
            && activities.iter().any(|(day, a)| {
                *day <= partial_by
                    && 100.0 * (b - a) / b >= definitions.partial_min_improvement_percent
            })
    });
    let withdrawal = subject.disposition.as_ref().filter(|d| d.is_withdrawal());
    let best_response = match (cr_day, partial, withdrawal) {
        (Some(_), _, _) => BestResponse::Complete,
        (None, true, _) => BestResponse::Partial,
        (None, false, Some(_)) => BestResponse::Withdrawn,
        _ if baseline.is_none() || activities.is_empty() => BestResponse::NotEvaluable,
        _ => BestResponse::NoResponse,
    };
    let relapse_day = cr_day.and_then(|cr| {
        activities
            .iter()
            .find(|(day, a)| *day > cr && *a >= definitions.relapse_min_activity)
            .map(|(day, _)| *day)
    });
    SubjectRow {
        best_response,
        time_to_cr_weeks: cr_day.map(weeks),
        relapse: cr_day.map(|_| relapse_day.is_some()),
        relapse_week: relapse_day.map(weeks),
        dose_at_relapse: relapse_day.map(|day| dose_on(subject, day)),
        withdrawal: withdrawal.map(|d| d.status.clone()),
        withdrawal_week: withdrawal.map(|d| weeks(d.day)),
        ..common_row(subject)
    }
}

/// The regimen running on `day`, as prescribed (`5 mg on alternate days`, or `off`).
fn dose_on(subject: &SubjectSnapshot, day: i64) -> String {
    subject
        .doses
        .iter()
        .rev()
        .find(|d| d.start_day <= day && d.end_day.is_none_or(|end| day <= end))
        .map_or_else(|| "off".to_owned(), |d| d.regimen.clone())
}

pub fn visit_rows(subject: &SubjectSnapshot) -> Vec<VisitRow> {
    let change = |baseline: Measure, value: Measure| match (baseline.value(), value.value()) {
        (Some(b), Some(v)) => (Some(v - b), (b != 0.0).then(|| 100.0 * (v - b) / b)),
        _ => (None, None),
    };
    subject
        .visits
        .iter()
        .map(|v| {
            let (activity_change, activity_percent_change) =
                change(subject.baseline_activity, v.activity);
            let (damage_change, damage_percent_change) = change(subject.baseline_damage, v.damage);
            VisitRow {
                id: subject.id.clone(),
                visit: v.name.to_string(),
                day: v.day,
                activity: v.activity,
                activity_change,
                activity_percent_change,
                damage: v.damage,
                damage_change,
                damage_percent_change,
            }
        })
        .collect()
}

/// The end of follow-up in weeks: the last recorded day, or the reported follow-up.
fn followup_weeks(subject: &SubjectSnapshot, row: &SubjectRow) -> Option<f64> {
    match subject.last_day {
        Some(day) => Some(weeks(day)),
        None => row.followup_months.map(months_to_weeks),
    }
}

/// The subject's time on each endpoint.
pub fn time_to_event(
    subject: &SubjectSnapshot,
    row: &SubjectRow,
    definitions: &Definitions,
) -> Vec<TimeToEventRow> {
    let end = followup_weeks(subject, row);
    let tte = |endpoint, weeks, event| TimeToEventRow {
        id: subject.id.clone(),
        endpoint,
        weeks,
        event,
    };
    let mut rows = vec![match row.time_to_cr_weeks {
        Some(t) => tte(Endpoint::TimeToCr, Some(t), true),
        None => tte(Endpoint::TimeToCr, end, false),
    }];
    if let Some(cr) = row.time_to_cr_weeks {
        rows.push(match (row.relapse, row.relapse_week) {
            (Some(true), week) => tte(Endpoint::RelapseFreeAfterCr, week.map(|w| w - cr), true),
            (Some(false), _) => tte(
                Endpoint::RelapseFreeAfterCr,
                end.map(|e| (e - cr).max(0.0)),
                false,
            ),
            // The source does not say whether this subject relapsed: left out like a subject
            // without a follow-up time (listed as excluded), never counted as relapse-free.
            (None, _) => tte(Endpoint::RelapseFreeAfterCr, None, false),
        });
    }
    // An event of unknown grade is not counted: whether it reaches the grade is not known.
    let graded: Vec<Option<i64>> = subject
        .adverse_events
        .iter()
        .filter(|ae| ae.grade.is_some_and(|g| g >= definitions.ae_min_grade))
        .map(|ae| ae.start_day)
        .collect();
    rows.push(if graded.is_empty() {
        tte(Endpoint::TimeToFirstAe, end, false)
    } else if graded.iter().all(Option::is_some) {
        tte(
            Endpoint::TimeToFirstAe,
            graded.iter().flatten().min().map(|d| weeks(*d)),
            true,
        )
    } else {
        // A qualifying event without a date might be the first one.
        tte(Endpoint::TimeToFirstAe, None, true)
    });
    rows
}
