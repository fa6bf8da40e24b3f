//! Derived datasets: one row per subject and per adverse event, each subject's time to each
//! event, and each measurement over time.
//!
//! The response and relapse definitions are the protocol's `[treatment.response]`, applied by
//! `protocol::endpoint` (the simulator applies the same, so a figure is the same number in both);
//! the adverse-event endpoint counts grades from `[treatment.toxicity]`'s `flag_min_grade` (2),
//! the grade the protocol flags.

use protocol::endpoint::{ResponseCourse, ResponseDefinitions};
use serde::Serialize;

pub use protocol::endpoint::BestResponse;

use crate::published::Outcome;
use crate::snapshot::{Measure, Source, SubjectSnapshot, SubtypeGroup};

/// Days in a month, for follow-up in months (the Julian year / 12).
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The protocol's definitions the derivation needs.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Definitions {
    #[serde(flatten)]
    pub response: ResponseDefinitions,
    pub ae_min_grade: u8,
}

impl Definitions {
    /// The definitions of a protocol with a treatment algorithm.
    pub fn from_protocol(algorithm: &protocol::load::Algorithm) -> Definitions {
        Definitions {
            response: ResponseDefinitions::of(&algorithm.settings.response),
            ae_min_grade: algorithm.settings.toxicity.flag_min_grade,
        }
    }
}

/// One row per subject.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SubjectRow {
    pub id: String,
    pub sex: Option<crate::snapshot::Sex>,
    pub age_years: Option<f64>,
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
    /// The first dose reduction or withdrawal of the study drug on or after the complete
    /// response, in weeks.
    pub reduction_week: Option<f64>,
    /// The study days of the complete response, the relapse and the reduction, where the record
    /// gives them: times between two of them are taken from the days, so that two subjects with
    /// the same number of days have the same time to the last bit.
    #[serde(skip)]
    pub days: EventDays,
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

/// See [`SubjectRow::days`].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EventDays {
    pub complete_response: Option<i64>,
    pub relapse: Option<i64>,
    pub reduction: Option<i64>,
}

/// A moment of a subject's course: a recorded study day, or weeks as a source reports them.
#[derive(Clone, Copy, Debug, PartialEq)]
enum At {
    Day(i64),
    Weeks(f64),
}

impl At {
    fn of(day: Option<i64>, weeks: Option<f64>) -> Option<At> {
        day.map(At::Day).or(weeks.map(At::Weeks))
    }

    /// Weeks from this moment to `later`: from the days when both are days.
    fn until(self, later: At) -> f64 {
        match (self, later) {
            (At::Day(a), At::Day(b)) => (b - a) as f64 / 7.0,
            _ => later.weeks() - self.weeks(),
        }
    }

    fn weeks(self) -> f64 {
        match self {
            At::Day(day) => weeks(day),
            At::Weeks(weeks) => weeks,
        }
    }
}

/// One row per adverse event.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AeRow {
    pub id: String,
    pub term: String,
    pub start_day: Option<i64>,
    pub grade: Option<u8>,
    pub serious: Option<bool>,
    pub causality: String,
}

/// One subject's time on a time-to-event measure, in weeks; `weeks` is `None` when the source
/// does not give the time.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TimeToEvent {
    pub weeks: Option<f64>,
    /// `true` for the event, `false` for censoring.
    pub event: bool,
}

/// The listings: one row per subject and per adverse event.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Datasets {
    pub subjects: Vec<SubjectRow>,
    pub adverse_events: Vec<AeRow>,
}

/// The subject's row: recorded subjects derived by the protocol's definitions (without them,
/// no response is derived), published ones as the source reports them.
pub fn subject_row(subject: &SubjectSnapshot, definitions: Option<&Definitions>) -> SubjectRow {
    match (&subject.reported, definitions) {
        (Some(_), _) => reported_row(subject),
        (None, Some(definitions)) => recorded_row(subject, definitions),
        (None, None) => common_row(subject),
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
        reduction_week: None,
        days: EventDays::default(),
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
        age_years: subject.age_years,
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
        reduction_week: None,
        days: EventDays::default(),
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
    let mut course = ResponseCourse::new(&definitions.response, subject.baseline_activity.value());
    for visit in &subject.visits {
        if let Some(activity) = visit.activity.value() {
            course.observe(visit.day, activity);
        }
    }
    let withdrawal = subject.disposition.as_ref().filter(|d| d.is_withdrawal());
    let best_response = course.best(withdrawal.is_some());
    let (cr_day, relapse_day) = (course.complete_day(), course.relapse_day());
    let reduction_day = cr_day.and_then(|cr| first_reduction(subject, cr));
    SubjectRow {
        best_response,
        time_to_cr_weeks: cr_day.map(weeks),
        relapse: cr_day.map(|_| relapse_day.is_some()),
        relapse_week: relapse_day.map(weeks),
        dose_at_relapse: relapse_day.map(|day| dose_on(subject, day)),
        reduction_week: reduction_day.map(weeks),
        days: EventDays {
            complete_response: cr_day,
            relapse: relapse_day,
            reduction: reduction_day,
        },
        withdrawal: withdrawal.map(|d| d.status.clone()),
        withdrawal_week: withdrawal.map(|d| weeks(d.day)),
        ..common_row(subject)
    }
}

/// The regimen that was running when a relapse was found on `day`, as prescribed (`5 mg on
/// alternate days`, or `off`): the period covering the day before, so a dose reintroduced at the
/// relapse visit is not taken for the dose at relapse.
fn dose_on(subject: &SubjectSnapshot, day: i64) -> String {
    subject
        .doses
        .iter()
        .rev()
        .find(|d| d.start_day < day && d.end_day.is_none_or(|end| day - 1 <= end))
        .map_or_else(|| "off".to_owned(), |d| d.regimen.clone())
}

/// The first day on or after `from` when the study drug was reduced (a period of fewer mg a
/// day than the one before) or withdrawn (a period ends and none follows it the next day).
fn first_reduction(subject: &SubjectSnapshot, from: i64) -> Option<i64> {
    let mut doses: Vec<&crate::snapshot::DoseSpan> = subject.doses.iter().collect();
    doses.sort_by_key(|d| d.start_day);
    let reductions = doses.windows(2).filter_map(|pair| {
        (pair[1].mg_per_day() < pair[0].mg_per_day()).then_some(pair[1].start_day)
    });
    let withdrawals = doses.iter().filter_map(|d| {
        let end = d.end_day?;
        let resumed = doses
            .iter()
            .any(|next| next.start_day == end + 1 || next.start_day == end);
        (!resumed).then_some(end + 1)
    });
    reductions
        .chain(withdrawals)
        .filter(|day| *day >= from)
        .min()
}

/// The end of follow-up: the last recorded day, or the reported follow-up.
fn followup_end(subject: &SubjectSnapshot, row: &SubjectRow) -> Option<At> {
    At::of(subject.last_day, row.followup_months.map(months_to_weeks))
}

/// The subject's time on a time-to-event measure; `None` when the measure does not apply to
/// the subject (relapse-free time of a subject never in complete response).
pub fn time_to(
    measure: &protocol::analysis::Measure,
    subject: &SubjectSnapshot,
    row: &SubjectRow,
) -> Option<TimeToEvent> {
    use protocol::analysis::Measure as M;
    let end = followup_end(subject, row);
    let censored = |from: At| TimeToEvent {
        weeks: end.map(|e| from.until(e).max(0.0)),
        event: false,
    };
    let cr = At::of(row.days.complete_response, row.time_to_cr_weeks);
    let relapse = At::of(row.days.relapse, row.relapse_week);
    let start = At::Day(0);
    match measure {
        M::TimeToCompleteResponse => Some(match cr {
            Some(cr) => TimeToEvent {
                weeks: Some(start.until(cr)),
                event: true,
            },
            None => censored(start),
        }),
        M::RelapseFreeAfterCompleteResponse => {
            let cr = cr?;
            Some(match row.relapse {
                Some(true) => TimeToEvent {
                    weeks: relapse.map(|r| cr.until(r)),
                    event: true,
                },
                Some(false) => censored(cr),
                // The source does not say whether this subject relapsed: left out like a
                // subject without a follow-up time (listed as excluded), never relapse-free.
                None => TimeToEvent {
                    weeks: None,
                    event: false,
                },
            })
        }
        M::TimeToRelapseAfterDoseReduction => {
            let reduced = At::of(row.days.reduction, row.reduction_week)?;
            match (row.relapse, relapse) {
                // A relapse before any reduction is no relapse after one.
                (Some(true), Some(r)) if reduced.until(r) < 0.0 => None,
                (Some(true), r) => Some(TimeToEvent {
                    weeks: r.map(|r| reduced.until(r)),
                    event: true,
                }),
                _ => Some(censored(reduced)),
            }
        }
        M::TimeToAdverseEvent { min_grade } => {
            // An event of unknown grade is not counted: whether it reaches the grade is not known.
            let graded: Vec<Option<i64>> = subject
                .adverse_events
                .iter()
                .filter(|ae| ae.grade.is_some_and(|g| g >= *min_grade))
                .map(|ae| ae.start_day)
                .collect();
            Some(if graded.is_empty() {
                censored(start)
            } else if graded.iter().all(Option::is_some) {
                TimeToEvent {
                    weeks: graded.iter().flatten().min().map(|d| weeks(*d)),
                    event: true,
                }
            } else {
                // A qualifying event without a date might be the first one.
                TimeToEvent {
                    weeks: None,
                    event: true,
                }
            })
        }
        _ => None,
    }
}

/// A yes/no measure for one subject; `None` when it does not apply or is not known (a relapse
/// of a subject never in complete response, a nerve finding of a subject never studied).
pub fn yes_no(
    measure: &protocol::analysis::Measure,
    subject: &SubjectSnapshot,
    row: &SubjectRow,
) -> Option<bool> {
    use protocol::analysis::Measure as M;
    match measure {
        // Withdrawn or not evaluable counts as no response; the population decides whether
        // such subjects are counted at all.
        M::CompleteResponse => Some(row.best_response == BestResponse::Complete),
        M::ClinicalResponse => Some(matches!(
            row.best_response,
            BestResponse::Complete | BestResponse::Partial
        )),
        // A relapse observed during follow-up: a subject in complete response whose relapse the
        // source does not report counts as none observed, as the paper's 9 of 12.
        M::Relapse => {
            (row.best_response == BestResponse::Complete).then_some(row.relapse == Some(true))
        }
        M::AdverseEvent { terms, min_grade } => {
            let of_term = |term: &str| terms.is_empty() || terms.iter().any(|t| t.term() == term);
            let events: Vec<Option<u8>> = subject
                .adverse_events
                .iter()
                .filter(|ae| of_term(&ae.term))
                .map(|ae| ae.grade)
                .collect();
            if events.iter().flatten().any(|g| g >= min_grade)
                || (*min_grade <= 1 && !events.is_empty())
            {
                Some(true)
            } else if events.iter().any(Option::is_none) {
                // An event of this term without a grade might reach it.
                None
            } else {
                Some(false)
            }
        }
        M::NerveConduction(finding) => (!subject.nerve_studies.is_empty())
            .then(|| subject.nerve_studies.iter().any(|s| s.finding == *finding)),
        M::Withdrawal => Some(
            subject
                .disposition
                .as_ref()
                .is_some_and(|d| d.is_withdrawal()),
        ),
        _ => None,
    }
}

/// A categorical measure for one subject, in words.
pub fn category(
    measure: &protocol::analysis::Measure,
    subject: &SubjectSnapshot,
    row: &SubjectRow,
) -> Option<String> {
    use protocol::analysis::Measure as M;
    match measure {
        M::BestResponse => Some(row.best_response.words().to_owned()),
        M::Withdrawal => Some(match &subject.disposition {
            Some(d) => d.words(),
            None => "No end of participation recorded".to_owned(),
        }),
        _ => None,
    }
}

/// A measure over time for one subject: (study day, value), in day order. CLASI is the baseline
/// at day 0 and each later visit; a lab its results; a concomitant drug its mg a day on day 0
/// and on each visit's day (nothing for a subject with no record of the drug: not known, never 0).
pub fn series(measure: &protocol::analysis::Measure, subject: &SubjectSnapshot) -> Vec<(i64, f64)> {
    use protocol::analysis::Measure as M;
    let mut values: Vec<(i64, f64)> = match measure {
        M::ClasiActivity | M::ClasiDamage => {
            let activity = matches!(measure, M::ClasiActivity);
            let pick = |a: crate::snapshot::Measure, d: crate::snapshot::Measure| {
                if activity { a } else { d }
            };
            pick(subject.baseline_activity, subject.baseline_damage)
                .value()
                .map(|v| (0, v))
                .into_iter()
                .chain(
                    subject
                        .visits
                        .iter()
                        .filter_map(|v| pick(v.activity, v.damage).value().map(|x| (v.day, x))),
                )
                .collect()
        }
        M::Lab { id, .. } => subject
            .labs
            .iter()
            .filter(|l| l.test.as_str() == id)
            .filter_map(|l| l.value.map(|v| (l.day, v)))
            .collect(),
        M::ConcomitantDose(drug) => {
            let spans: Vec<_> = subject
                .medications
                .iter()
                .filter(|m| m.drug.as_str() == drug.id())
                .collect();
            if spans.is_empty() {
                return Vec::new();
            }
            std::iter::once(0)
                .chain(subject.visits.iter().map(|v| v.day))
                .filter_map(|day| {
                    let covering: Vec<_> = spans.iter().filter(|m| m.covers(day)).collect();
                    // A dose not in milligrams makes the day's total unknown.
                    covering
                        .iter()
                        .try_fold(0.0, |sum, m| m.mg_per_day.map(|mg| sum + mg))
                        .map(|mg| (day, mg))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    values.sort_by_key(|(day, _)| *day);
    values.dedup_by_key(|(day, _)| *day);
    values
}
