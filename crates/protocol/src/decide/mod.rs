//! `decide`: what the protocol asks for next, for one patient, on one date, and why.
//!
//! The engine is a pure function of (protocol, history, as_of). It first replays the record
//! in date order (CLASI before a dose change on the same day: a visit assesses, then the new
//! dose starts) to learn the patient's state: which cycle, whether complete response (CR) was
//! reached, whether tapering began, any relapse not yet acted on, a maintenance level. It then
//! applies, in order: the stopping rules (once triggered, stopped for good), the treatment
//! algorithm, and the flags (flare, toxicity, deviations). Every threshold, level and interval
//! comes from the protocol; every rule that fired is returned with a sentence.
//!
//! Deviations: a change of concomitant medication (an event type the protocol lists), dose
//! records that overlap, and any dose given that differs from what the protocol asked for on
//! the day it started (decided again from the record as it stood that day).
//!
//! Dates: records after `as_of` are not used; CLASI and SLEDAI-2K on or before the start date
//! give the baseline (the latest one); labs, doses and events before the start are not used
//! for decisions. Each of these is listed in `ignored`.

mod replay;
mod rules;

use instruments::sledai::Flare;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::history::{History, HistoryError};
use crate::load::{Algorithm, Protocol};
use crate::schedule;

use replay::{Course, replay};
use rules::Engine;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Continue,
    Escalate,
    Taper,
    Withdraw,
    Reintroduce,
    Maintain,
    Stop,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Induction,
    Taper,
    OffTreatment,
    Maintenance,
    Stopped,
}

/// Response of CLASI activity against the cycle's baseline (paper, Endpoints).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Cr,
    Pr,
    Nr,
}

/// A rule that fired, with the sentence that explains it using the values it used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Toxicity {
    /// The worst CTCAE grade found (at or above the protocol's flag grade).
    pub grade: u8,
    pub findings: Vec<String>,
}

/// A relapse seen in the record: CLASI activity at or above the threshold after a CR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Relapse {
    pub date: Date,
    pub activity: u8,
    /// The dose level being given when it happened.
    pub level: String,
    pub cycle: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub as_of: Date,
    pub action: Action,
    /// The dose level for the next period.
    pub dose: String,
    /// The phase of the next period.
    pub phase: Phase,
    pub response: Option<Response>,
    /// A relapse that the decision acts on.
    pub relapse: bool,
    pub flare: Option<Flare>,
    pub toxicity: Option<Toxicity>,
    pub deviation: bool,
    pub deviations: Vec<String>,
    /// The protocol does not settle this case: the physician must.
    pub physician_review: bool,
    /// The treatment cycle of the next period (a reintroduction starts a new one).
    pub cycle: u32,
    pub first_complete_response: Option<Date>,
    pub relapses: Vec<Relapse>,
    pub next_visit: Option<Date>,
    pub next_lab: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_pregnancy_test: Option<Date>,
    pub missing: Vec<String>,
    pub rules: Vec<Rule>,
    pub ignored: Vec<String>,
    pub duplicates_removed: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(
        "protocol: {0} has no treatment algorithm (a retrospective study); decide does not apply"
    )]
    NoAlgorithm(String),
    #[error("as_of: {as_of} is before start_date {start}")]
    AsOfBeforeStart { as_of: Date, start: Date },
}

pub(crate) fn rule(id: &str, text: impl Into<String>) -> Rule {
    Rule {
        id: id.to_owned(),
        text: text.into(),
    }
}

pub(crate) fn add_days(date: Date, days: u32) -> Date {
    date.saturating_add(i64::from(days).days())
}
/// Decides what the protocol asks for on `as_of`, and checks every dose given so far against what
/// the protocol asked for on the day it started (`deviations`).
pub fn decide(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
) -> Result<Decision, DecideError> {
    decide_with(protocol, history, as_of, Audit::Doses)
}

/// As [`decide`], without checking the doses already given (`deviations` stays empty). For callers
/// that give exactly the dose each decision names, such as the simulator: there the check can only
/// agree, and it re-decides the whole record once per dose, which is most of `decide`'s cost.
pub fn decide_following(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
) -> Result<Decision, DecideError> {
    decide_with(protocol, history, as_of, Audit::None)
}

fn decide_with(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
    audit: Audit,
) -> Result<Decision, DecideError> {
    let algorithm = protocol
        .algorithm()
        .ok_or_else(|| DecideError::NoAlgorithm(protocol.id().to_owned()))?;
    let ladder_ids: Vec<&str> = algorithm
        .ladder
        .iter()
        .map(|level| level.id.as_str())
        .collect();
    let (history, duplicates_removed) = history.normalise(&ladder_ids)?;
    if as_of < history.start_date {
        return Err(DecideError::AsOfBeforeStart {
            as_of,
            start: history.start_date,
        });
    }
    let mut decision = decide_normalised(protocol, algorithm, &history, as_of, audit);
    decision.duplicates_removed = duplicates_removed;
    Ok(decision)
}

/// Whether to compare each dose given with what the protocol asked for on that day.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Audit {
    Doses,
    None,
}

/// The doses given that differ from what the protocol asked for on the day they started:
/// each is decided again from the record as it stood then.
fn dose_deviations(
    protocol: &Protocol,
    algorithm: &Algorithm,
    history: &History,
    as_of: Date,
) -> Vec<String> {
    let given = history
        .doses
        .iter()
        .filter(|dose| dose.from >= history.start_date && dose.from <= as_of);
    given
        .filter_map(|dose| {
            let mut before = history.clone();
            before.doses.retain(|earlier| earlier.from < dose.from);
            // The dose before ran until this change: its end is the change, not a stop.
            if let Some(last) = before.doses.last_mut()
                && last.to.is_some_and(|to| add_days(to, 1) >= dose.from)
            {
                last.to = None;
            }
            let asked = decide_normalised(protocol, algorithm, &before, dose.from, Audit::None);
            (asked.dose != dose.level).then(|| {
                let why = asked.rules.first().map_or("", |rule| rule.id.as_str());
                format!(
                    "{} given from {}: the protocol asked for {} ({why})",
                    dose.level, dose.from, asked.dose
                )
            })
        })
        .collect()
}

fn decide_normalised(
    protocol: &Protocol,
    algorithm: &Algorithm,
    history: &History,
    as_of: Date,
    audit: Audit,
) -> Decision {
    let course = Course::new(history, as_of);
    let replay = replay(algorithm, history, &course);
    let engine = Engine {
        algorithm,
        history,
        course: &course,
        replay: &replay,
    };
    let flares = engine.flares();
    let mut step = match engine.stops(&flares) {
        Some(step) => step,
        None => engine.algorithm_step(),
    };
    let flare = flares.last().and_then(|(_, flare)| *flare);
    if let Some(flare) = flare {
        let (id, word) = match flare {
            Flare::Mild => ("flare.mild", "mild"),
            Flare::Severe => ("flare.severe", "severe"),
        };
        step.rules.push(rule(
            id,
            format!(
                "SLEDAI-2K change meets the {word} flare rule ({:?})",
                algorithm.settings.flare.rule
            ),
        ));
    }
    if course.sledai_baseline.is_none() && !course.sledai.is_empty() {
        step.missing.push(
            "SLEDAI-2K baseline (on or before start_date), needed to classify flares".to_owned(),
        );
    }
    let toxicity = engine.toxicity();
    if let Some(toxicity) = &toxicity {
        step.rules.push(rule(
            "toxicity.flag",
            format!(
                "CTCAE grade {} toxicity flagged: {}",
                toxicity.grade,
                toxicity.findings.join("; ")
            ),
        ));
    }
    let mut deviations = replay.deviations.clone();
    for event in history.events.iter().filter(|e| {
        e.date >= course.start && e.date <= as_of && algorithm.deviation_events.contains(&e.kind)
    }) {
        deviations.push(format!(
            "{} on {}: a protocol deviation",
            event.kind, event.date
        ));
    }
    if audit == Audit::Doses {
        deviations.extend(dose_deviations(protocol, algorithm, history, as_of));
    }
    if !deviations.is_empty() {
        step.rules.push(rule("deviation", deviations.join("; ")));
    }
    let spec = protocol.schedule();
    let horizon = schedule::horizon(spec, history.start_date);
    let scheduled_visit =
        schedule::next_date_after(&spec.visits, history.start_date, horizon, as_of);
    let next_visit = match (scheduled_visit, step.due.filter(|due| *due > as_of)) {
        (Some(visit), Some(due)) => Some(visit.min(due)),
        (visit, due) => visit.or(due),
    };
    let next_pregnancy_test = engine.next_pregnancy_test(protocol);
    Decision {
        as_of,
        action: step.action,
        dose: algorithm.level_id(step.level).to_owned(),
        phase: step.phase,
        response: engine.response(),
        relapse: step.relapse,
        flare,
        toxicity,
        deviation: !deviations.is_empty(),
        deviations,
        physician_review: step.physician_review,
        cycle: step.cycle,
        first_complete_response: replay.first_complete,
        relapses: replay.relapses.clone(),
        next_visit,
        next_lab: schedule::next_date_after(&spec.labs, history.start_date, horizon, as_of),
        next_pregnancy_test,
        missing: step.missing,
        rules: step.rules,
        ignored: course.ignored.clone(),
        duplicates_removed: 0,
    }
}
