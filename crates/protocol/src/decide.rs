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
//! Dates: records after `as_of` are not used; CLASI and SLEDAI-2K on or before the start date
//! give the baseline (the latest one); labs, doses and events before the start are not used
//! for decisions. Each of these is listed in `ignored`.

use instruments::ctcae::{CtcaeGrade, LabTest, grade_lab};
use instruments::sledai::{Flare, classify_flare};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::history::{ClasiRecord, EventKind, History, HistoryError, LabRecord};
use crate::load::{Algorithm, Protocol, StopTrigger};
use crate::model::{Improvement, MaintenancePolicy, NoResponsePolicy, SledaiReference};
use crate::schedule::{self, PregnancyOptions};

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

fn rule(id: &str, text: impl Into<String>) -> Rule {
    Rule {
        id: id.to_owned(),
        text: text.into(),
    }
}

fn add_days(date: Date, days: u32) -> Date {
    date.saturating_add(i64::from(days).days())
}

/// The state of the current cycle, learnt by replaying the record.
#[derive(Clone, Debug)]
struct Cycle {
    number: u32,
    start: Date,
    /// The ladder position the cycle started at (escalation moves above it).
    start_level: usize,
    baseline: Option<u8>,
    complete_on: Option<Date>,
    /// In CR since the last relapse: only then can a high score be a new relapse (a score
    /// that stays high after a relapse is the same relapse, not another).
    in_remission: bool,
    tapering: bool,
    relapse: Option<Relapse>,
    /// Tapering stops at this ladder position and holds it.
    maintenance: Option<usize>,
}

struct Replay {
    cycle: Cycle,
    level: usize,
    level_since: Date,
    started: bool,
    pending_maintenance: Option<usize>,
    first_complete: Option<Date>,
    relapses: Vec<Relapse>,
    deviations: Vec<String>,
}

/// The records that count for a decision on `as_of`, in date order.
struct Course<'a> {
    start: Date,
    as_of: Date,
    clasi_baseline: Option<u8>,
    clasi: Vec<&'a ClasiRecord>,
    sledai_baseline: Option<u8>,
    sledai: Vec<(Date, u8)>,
    labs: Vec<&'a LabRecord>,
    ignored: Vec<String>,
}

impl<'a> Course<'a> {
    fn new(history: &'a History, as_of: Date) -> Course<'a> {
        let start = history.start_date;
        let mut ignored = Vec::new();
        let mut later = |what: &str, date: Date| {
            if date > as_of {
                ignored.push(format!(
                    "{what} dated {date}: after as_of {as_of}, not used"
                ));
                false
            } else {
                true
            }
        };
        let clasi: Vec<_> = history
            .clasi
            .iter()
            .filter(|r| later("clasi", r.date))
            .collect();
        let sledai: Vec<_> = history
            .sledai
            .iter()
            .filter(|r| later("sledai", r.date))
            .map(|r| (r.date, r.score.get()))
            .collect();
        let labs: Vec<_> = history
            .labs
            .iter()
            .filter(|r| later(&format!("labs {}", r.test.id()), r.date))
            .collect();
        for dose in history.doses.iter().filter(|d| d.from > as_of) {
            ignored.push(format!(
                "doses {} from {}: after as_of {as_of}, not used",
                dose.level, dose.from
            ));
        }
        for event in history.events.iter().filter(|e| e.date > as_of) {
            ignored.push(format!(
                "events {} dated {}: after as_of {as_of}, not used",
                event.kind, event.date
            ));
        }
        for lab in labs.iter().filter(|r| r.date <= start) {
            ignored.push(format!(
                "labs {} dated {}: on or before the start date, a screening value (eligibility), not treatment toxicity",
                lab.test.id(),
                lab.date
            ));
        }
        for dose in history.doses.iter().filter(|d| d.from < start) {
            ignored.push(format!(
                "doses {} from {}: before the start date, not used",
                dose.level, dose.from
            ));
        }
        for event in history.events.iter().filter(|e| e.date < start) {
            ignored.push(format!(
                "events {} dated {}: before the start date, not used",
                event.kind, event.date
            ));
        }
        Course {
            start,
            as_of,
            clasi_baseline: clasi
                .iter()
                .rev()
                .find(|r| r.date <= start)
                .map(|r| r.activity.get()),
            sledai_baseline: sledai.iter().rev().find(|r| r.0 <= start).map(|r| r.1),
            clasi: clasi.into_iter().filter(|r| r.date > start).collect(),
            sledai: sledai.into_iter().filter(|r| r.0 > start).collect(),
            labs: labs.into_iter().filter(|r| r.date > start).collect(),
            ignored,
        }
    }
}

/// Decides what the protocol asks for on `as_of`.
pub fn decide(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
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
    let course = Course::new(&history, as_of);
    let replay = replay(algorithm, &history, &course);
    let engine = Engine {
        algorithm,
        history: &history,
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
    if !deviations.is_empty() {
        step.rules.push(rule("deviation", deviations.join("; ")));
    }
    let calendar = schedule::calendar(protocol.schedule(), history.start_date);
    let scheduled_visit = schedule::next_after(&calendar.visits, as_of);
    let next_visit = match (scheduled_visit, step.due.filter(|due| *due > as_of)) {
        (Some(visit), Some(due)) => Some(visit.min(due)),
        (visit, due) => visit.or(due),
    };
    let next_pregnancy_test = engine.next_pregnancy_test(protocol);
    Ok(Decision {
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
        next_lab: schedule::next_after(&calendar.labs, as_of),
        next_pregnancy_test,
        missing: step.missing,
        rules: step.rules,
        ignored: course.ignored.clone(),
        duplicates_removed,
    })
}

fn replay(algorithm: &Algorithm, history: &History, course: &Course) -> Replay {
    let settings = &algorithm.settings;
    let doses: Vec<_> = history
        .doses
        .iter()
        .filter(|d| d.from >= course.start && d.from <= course.as_of)
        .collect();
    let first_level = doses
        .first()
        .filter(|dose| dose.from == course.start)
        .and_then(|dose| algorithm.position(&dose.level))
        .unwrap_or(algorithm.start);
    let mut state = Replay {
        cycle: Cycle {
            number: 1,
            start: course.start,
            start_level: first_level,
            baseline: course.clasi_baseline,
            complete_on: None,
            in_remission: false,
            tapering: false,
            relapse: None,
            maintenance: None,
        },
        level: first_level,
        level_since: course.start,
        started: !doses.is_empty(),
        pending_maintenance: None,
        first_complete: None,
        relapses: Vec::new(),
        deviations: Vec::new(),
    };
    let mut dose_end: Option<Date> = None;
    let mut clasi = course.clasi.iter().peekable();
    let mut doses = doses.into_iter().peekable();
    let off = algorithm.off();
    // A dose record that ended with nothing after it leaves the patient off the drug from the
    // day after its end. A record starting that next day is a change, not a gap; an
    // assessment on that day still reflects the level just ended.
    let close_gap = |state: &mut Replay, dose_end: &mut Option<Date>, date: Date| {
        if let Some(to) = *dose_end
            && add_days(to, 1) < date
        {
            state.level = off;
            state.level_since = add_days(to, 1);
            *dose_end = None;
        }
    };
    loop {
        let take_clasi = match (clasi.peek(), doses.peek()) {
            (Some(c), Some(d)) => c.date <= d.from,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if take_clasi {
            let Some(record) = clasi.next() else { break };
            close_gap(&mut state, &mut dose_end, record.date);
            let activity = record.activity.get();
            let cycle = &mut state.cycle;
            if activity <= settings.response.complete_max_activity {
                cycle.complete_on.get_or_insert(record.date);
                cycle.in_remission = true;
                state.first_complete.get_or_insert(record.date);
            } else if cycle.in_remission
                && cycle.relapse.is_none()
                && activity >= settings.response.relapse_min_activity
                // A relapse is "while reducing medication or after its withdrawal" (paper,
                // Results): before the first taper step a high score is a lost response, which
                // holds the dose instead.
                && (cycle.tapering || state.level == off)
            {
                cycle.in_remission = false;
                let relapse = Relapse {
                    date: record.date,
                    activity,
                    level: algorithm.level_id(state.level).to_owned(),
                    cycle: cycle.number,
                };
                let during_taper = cycle.tapering && state.level != off && state.level > 0;
                if settings.maintenance.policy != MaintenancePolicy::None
                    && cycle.number >= settings.maintenance.from_cycle
                    && during_taper
                {
                    state.pending_maintenance = Some(state.level - 1);
                }
                state.relapses.push(relapse.clone());
                cycle.relapse = Some(relapse);
            }
        } else {
            let Some(dose) = doses.next() else { break };
            close_gap(&mut state, &mut dose_end, dose.from);
            let Some(level) = algorithm.position(&dose.level) else {
                continue;
            };
            if let Some(to) = dose_end
                && to >= dose.from
            {
                state.deviations.push(format!(
                    "dose records overlap: {} until {to} and {} from {}",
                    algorithm.level_id(state.level),
                    dose.level,
                    dose.from
                ));
            }
            let cycle = &mut state.cycle;
            if cycle.relapse.is_some() && level == algorithm.reintroduce {
                let maintenance = match settings.maintenance.policy {
                    MaintenancePolicy::ReinduceThenHold => state.pending_maintenance.take(),
                    _ => None,
                };
                state.cycle = Cycle {
                    number: cycle.number + 1,
                    start: dose.from,
                    start_level: level,
                    baseline: cycle.relapse.as_ref().map(|r| r.activity),
                    complete_on: None,
                    in_remission: false,
                    tapering: false,
                    relapse: None,
                    maintenance,
                };
            } else if cycle.relapse.is_some()
                && settings.maintenance.policy == MaintenancePolicy::HoldImmediately
                && state.pending_maintenance == Some(level)
            {
                cycle.maintenance = state.pending_maintenance.take();
                cycle.relapse = None;
            } else if cycle.complete_on.is_some() && level > state.level {
                cycle.tapering = true;
            }
            state.level = level;
            state.level_since = dose.from;
            dose_end = dose.to;
        }
    }
    close_gap(&mut state, &mut dose_end, add_days(course.as_of, 1));
    state
}

/// What the algorithm part of a decision produced.
struct Step {
    action: Action,
    level: usize,
    phase: Phase,
    cycle: u32,
    relapse: bool,
    physician_review: bool,
    /// When the algorithm next needs an assessment (the next visit is no later).
    due: Option<Date>,
    missing: Vec<String>,
    rules: Vec<Rule>,
}

struct Engine<'a> {
    algorithm: &'a Algorithm,
    history: &'a History,
    course: &'a Course<'a>,
    replay: &'a Replay,
}

impl Engine<'_> {
    fn step(&self, action: Action, level: usize, phase: Phase, rules: Vec<Rule>) -> Step {
        Step {
            action,
            level,
            phase,
            cycle: self.replay.cycle.number,
            relapse: false,
            physician_review: false,
            due: None,
            missing: Vec::new(),
            rules,
        }
    }

    fn id(&self, level: usize) -> &str {
        self.algorithm.level_id(level)
    }

    /// CLASI records of the current cycle (after its start, which holds its baseline).
    fn cycle_clasi(&self) -> impl Iterator<Item = &ClasiRecord> {
        let start = self.replay.cycle.start;
        self.course
            .clasi
            .iter()
            .copied()
            .filter(move |r| r.date > start)
    }

    fn classify(&self, activity: u8) -> Option<Response> {
        let response = &self.algorithm.settings.response;
        if activity <= response.complete_max_activity {
            return Some(Response::Cr);
        }
        let baseline = self.replay.cycle.baseline?;
        if activity >= baseline {
            return Some(Response::Nr);
        }
        let improvement = f64::from(baseline - activity) / f64::from(baseline) * 100.0;
        // Between "any improvement" and the PR threshold the paper names no category.
        (improvement >= response.partial_min_improvement_percent).then_some(Response::Pr)
    }

    fn response(&self) -> Option<Response> {
        self.cycle_clasi()
            .last()
            .and_then(|r| self.classify(r.activity.get()))
    }

    fn improved(&self, baseline: u8, activity: u8) -> bool {
        let drop = i32::from(baseline) - i32::from(activity);
        match self.algorithm.settings.response.improvement {
            Improvement::AnyDecrease => drop > 0,
            // Klein 2011 (INSTRUMENTS.md §1.6): >= 4 points or >= 20%.
            Improvement::Klein4PointsOr20Percent => {
                drop >= 4 || (baseline > 0 && f64::from(drop) / f64::from(baseline) >= 0.20)
            }
        }
    }

    /// Each in-course SLEDAI-2K score with its flare classification (if it has a reference).
    fn flares(&self) -> Vec<(Date, Option<Flare>)> {
        let settings = &self.algorithm.settings.flare;
        let mut previous = self.course.sledai_baseline;
        self.course
            .sledai
            .iter()
            .map(|&(date, score)| {
                let reference = match settings.reference {
                    SledaiReference::Previous => previous,
                    SledaiReference::Baseline => self.course.sledai_baseline,
                };
                previous = Some(score);
                (
                    date,
                    reference.and_then(|reference| classify_flare(settings.rule, reference, score)),
                )
            })
            .collect()
    }

    fn lab_grade(lab: &LabRecord) -> Option<CtcaeGrade> {
        grade_lab(lab.test, lab.value, lab.unit, lab.lln)
            .ok()
            .flatten()
    }

    /// The stopping rules that fired (sticky: a stop is never undone by later data).
    fn stops(&self, flares: &[(Date, Option<Flare>)]) -> Option<Step> {
        let (start, as_of) = (self.course.start, self.course.as_of);
        let events = || {
            self.history
                .events
                .iter()
                .filter(move |e| e.date >= start && e.date <= as_of)
        };
        let mut fired = Vec::new();
        for stop in &self.algorithm.stops {
            let found: Option<(Date, String)> = match &stop.trigger {
                StopTrigger::Event(kind) => events()
                    .find(|e| e.kind == *kind)
                    .map(|e| (e.date, format!("{} on {}", e.kind, e.date))),
                StopTrigger::LabGrade { tests, min_grade } => self
                    .course
                    .labs
                    .iter()
                    .filter(|lab| tests.contains(&lab.test))
                    .find_map(|lab| {
                        let grade = Self::lab_grade(lab).filter(|grade| grade >= min_grade)?;
                        Some((
                            lab.date,
                            format!(
                                "{} {} {} on {} is CTCAE {grade}",
                                lab.test.id(),
                                lab.value,
                                lab.unit,
                                lab.date
                            ),
                        ))
                    }),
                StopTrigger::Flare(level) => flares
                    .iter()
                    .find(|(_, flare)| flare.is_some_and(|flare| flare >= *level))
                    .map(|(date, flare)| {
                        (
                            *date,
                            format!("SLEDAI-2K {flare:?} flare on {date}").to_lowercase(),
                        )
                    }),
                StopTrigger::AdverseEvent { term, min_grade } => events()
                    .filter(|e| e.kind == EventKind::AdverseEvent)
                    .filter(|e| term.is_none() || e.term == *term)
                    .find(|e| e.grade.is_some_and(|grade| grade >= min_grade.number()))
                    .map(|e| {
                        let grade = e.grade.unwrap_or_default();
                        let what = e.term.as_deref().unwrap_or("adverse event");
                        (e.date, format!("{what} grade {grade} on {}", e.date))
                    }),
            };
            if let Some((date, detail)) = found {
                fired.push((date, rule(&stop.id, format!("{}: {detail}", stop.text))));
            }
        }
        if fired.is_empty() {
            return None;
        }
        fired.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let rules = fired.into_iter().map(|(_, rule)| rule).collect();
        Some(self.step(Action::Stop, self.algorithm.off(), Phase::Stopped, rules))
    }

    fn algorithm_step(&self) -> Step {
        let algorithm = self.algorithm;
        let state = self.replay;
        let cycle = &state.cycle;
        if !state.started {
            let mut step = self.step(
                Action::Continue,
                algorithm.start,
                Phase::Induction,
                vec![rule(
                    "start",
                    format!(
                        "start at {} on {}",
                        self.id(algorithm.start),
                        self.course.start
                    ),
                )],
            );
            if self.course.as_of > self.course.start {
                step.missing
                    .push("doses: no dose recorded since start_date".to_owned());
            }
            step.due = Some(add_days(
                self.course.start,
                algorithm.settings.assessment_week * 7,
            ));
            return step;
        }
        if cycle.baseline.is_none() {
            let mut step = self.step(
                Action::Continue,
                state.level,
                Phase::Induction,
                vec![rule(
                    "baseline.missing",
                    "no baseline CLASI activity: response cannot be judged",
                )],
            );
            step.missing
                .push("CLASI activity at baseline (on or before start_date)".to_owned());
            return step;
        }
        if let Some(relapse) = &cycle.relapse {
            return self.after_relapse(relapse);
        }
        if cycle.complete_on.is_some() {
            return self.in_remission();
        }
        self.induction()
    }

    fn after_relapse(&self, relapse: &Relapse) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let threshold = settings.response.relapse_min_activity;
        let seen = format!(
            "CLASI activity {} on {} (>= {threshold}) after complete response, on {}",
            relapse.activity, relapse.date, relapse.level
        );
        let mut step = match (settings.maintenance.policy, self.replay.pending_maintenance) {
            (MaintenancePolicy::HoldImmediately, Some(target)) => self.step(
                Action::Maintain,
                target,
                Phase::Maintenance,
                vec![rule(
                    "relapse.maintenance",
                    format!("{seen}: relapse in cycle {} during taper; hold {}, the lowest level that held remission", relapse.cycle, self.id(target)),
                )],
            ),
            (_, pending) => {
                let mut step = self.step(
                    Action::Reintroduce,
                    algorithm.reintroduce,
                    Phase::Induction,
                    vec![rule(
                        "relapse.reintroduce",
                        format!("{seen}: relapse; reintroduce {} as cycle {}", self.id(algorithm.reintroduce), relapse.cycle + 1),
                    )],
                );
                if let Some(target) = pending {
                    step.rules.push(rule(
                        "maintenance.planned",
                        format!("relapse during taper in cycle {}: this cycle tapers only down to {}, the lowest level that held remission, and holds it", relapse.cycle, self.id(target)),
                    ));
                }
                step.cycle += 1;
                step.due = Some(add_days(self.course.as_of, settings.assessment_week * 7));
                step
            }
        };
        step.relapse = true;
        step
    }

    fn in_remission(&self) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let state = self.replay;
        let cycle = &state.cycle;
        let level = state.level;
        let as_of = self.course.as_of;
        if level == algorithm.off() {
            return self.step(
                Action::Continue,
                level,
                Phase::OffTreatment,
                vec![rule(
                    "off.observe",
                    format!(
                        "withdrawn since {} in remission; a CLASI activity >= {} would be a relapse",
                        state.level_since, settings.response.relapse_min_activity
                    ),
                )],
            );
        }
        if cycle.maintenance == Some(level) {
            return self.step(
                Action::Maintain,
                level,
                Phase::Maintenance,
                vec![rule(
                    "maintenance.hold",
                    format!(
                        "hold {}, the lowest level that held remission",
                        self.id(level)
                    ),
                )],
            );
        }
        let window = settings.window_days;
        let due = if cycle.tapering {
            add_days(state.level_since, settings.taper.interval_days)
        } else {
            let assessment = add_days(cycle.start, settings.assessment_week * 7);
            cycle
                .complete_on
                .map_or(assessment, |on| on.max(assessment))
        };
        let phase = if cycle.tapering {
            Phase::Taper
        } else {
            Phase::Induction
        };
        if as_of < due.saturating_sub(i64::from(window).days()) {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                vec![rule(
                    "taper.wait",
                    format!(
                        "in complete response on {}: next taper step due on {due}",
                        self.id(level)
                    ),
                )],
            );
            step.due = Some(due);
            return step;
        }
        let from = due.saturating_sub(i64::from(window).days());
        let Some(assessed) = self.cycle_clasi().filter(|r| r.date >= from).last() else {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                vec![rule(
                    "taper.missing_clasi",
                    format!("taper step due on {due} needs a CLASI activity from {from} on"),
                )],
            );
            step.missing.push(format!(
                "CLASI activity at the taper visit due {due} (from {from})"
            ));
            return step;
        };
        let activity = assessed.activity.get();
        if activity > settings.response.complete_max_activity
            && settings.taper.hold_without_complete_response
        {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                vec![rule(
                    "taper.hold",
                    format!(
                        "CLASI activity {activity} on {} is not a complete response (and not a relapse): hold {}",
                        assessed.date,
                        self.id(level)
                    ),
                )],
            );
            step.due = Some(add_days(as_of, settings.taper.interval_days));
            return step;
        }
        let next = level + 1;
        let seen = format!("CLASI activity {activity} on {}", assessed.date);
        if next == algorithm.off() {
            return self.step(
                Action::Withdraw,
                next,
                Phase::OffTreatment,
                vec![rule(
                    "taper.withdraw",
                    format!(
                        "{seen}, complete response at the last step {}: withdraw",
                        self.id(level)
                    ),
                )],
            );
        }
        let (id, phase) = if cycle.maintenance == Some(next) {
            ("taper.to_maintenance", Phase::Maintenance)
        } else {
            ("taper.step", Phase::Taper)
        };
        let mut step = self.step(
            Action::Taper,
            next,
            phase,
            vec![rule(
                id,
                format!(
                    "{seen}, complete response: taper one step, {} to {}",
                    self.id(level),
                    self.id(next)
                ),
            )],
        );
        step.due = Some(add_days(as_of, settings.taper.interval_days));
        step
    }

    fn induction(&self) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let state = self.replay;
        let cycle = &state.cycle;
        let level = state.level;
        let as_of = self.course.as_of;
        let window = i64::from(settings.window_days).days();
        let week = settings.assessment_week;
        let assessment_due = add_days(cycle.start, week * 7);
        if as_of < assessment_due.saturating_sub(window) {
            let mut step = self.step(
                Action::Continue,
                level,
                Phase::Induction,
                vec![rule(
                    "induction.before_assessment",
                    format!("cycle {} on {} since {}: the week-{week} assessment is due on {assessment_due}", cycle.number, self.id(level), cycle.start),
                )],
            );
            step.due = Some(assessment_due);
            return step;
        }
        let baseline = cycle.baseline.unwrap_or_default();
        let mut rules = Vec::new();
        if level == cycle.start_level {
            let from = assessment_due.saturating_sub(window);
            let Some(assessed) = self.cycle_clasi().find(|r| r.date >= from) else {
                let mut step = self.step(
                    Action::Continue,
                    level,
                    Phase::Induction,
                    vec![rule("week4.missing_clasi", format!("the week-{week} decision needs a CLASI activity from {from} on; none recorded"))],
                );
                step.missing.push(format!("CLASI activity at the week-{week} assessment (due {assessment_due}, from {from})"));
                return step;
            };
            let activity = assessed.activity.get();
            let seen = format!(
                "CLASI activity {activity} on {} vs baseline {baseline}",
                assessed.date
            );
            if !self.improved(baseline, activity) {
                return match algorithm.escalation.filter(|up| *up < level) {
                    Some(up) => self.step(
                        Action::Escalate,
                        up,
                        Phase::Induction,
                        vec![rule(
                            "week4.no_improvement",
                            format!(
                                "{seen}: no clinical improvement at week {week}; increase to {}",
                                self.id(up)
                            ),
                        )],
                    ),
                    None => {
                        let mut step = self.step(
                            Action::Continue,
                            level,
                            Phase::Induction,
                            vec![rule("week4.no_escalation", format!("{seen}: no clinical improvement, and the protocol has no higher level: the physician decides"))],
                        );
                        step.physician_review = true;
                        step
                    }
                };
            }
            rules.push(rule(
                "week4.improvement",
                format!(
                    "{seen}: clinical improvement at week {week}; stay at {}",
                    self.id(level)
                ),
            ));
        } else {
            rules.push(rule(
                "induction.escalated",
                format!("escalated to {} in cycle {}", self.id(level), cycle.number),
            ));
        }
        let by_week = settings.response.partial_by_week;
        let deadline = add_days(cycle.start, by_week * 7);
        if as_of < deadline.saturating_sub(window) {
            let mut step = self.step(Action::Continue, level, Phase::Induction, rules);
            step.due = Some(deadline);
            return step;
        }
        let latest = self
            .cycle_clasi()
            .last()
            .map(|r| (r.date, r.activity.get()));
        let described = latest.map_or(
            "no CLASI activity recorded".to_owned(),
            |(date, activity)| {
                format!("CLASI activity {activity} on {date} vs baseline {baseline}")
            },
        );
        if latest.and_then(|(_, activity)| self.classify(activity)) == Some(Response::Pr) {
            rules.push(rule(
                "week12.partial_response",
                format!(
                    "{described}: partial response by week {by_week}; continue {}",
                    self.id(level)
                ),
            ));
            return self.step(Action::Continue, level, Phase::Induction, rules);
        }
        let percent = settings.response.partial_min_improvement_percent;
        match settings.no_response_at_deadline {
            NoResponsePolicy::DeferToPhysician => {
                rules.push(rule(
                    "week12.no_response",
                    format!("{described}: no partial response (>= {percent}%) by week {by_week}; the protocol does not say what follows, so the physician decides"),
                ));
                let mut step = self.step(Action::Continue, level, Phase::Induction, rules);
                step.physician_review = true;
                step
            }
            NoResponsePolicy::Stop => {
                rules.push(rule(
                    "week12.no_response",
                    format!(
                        "{described}: no partial response (>= {percent}%) by week {by_week}: stop"
                    ),
                ));
                self.step(Action::Stop, algorithm.off(), Phase::Stopped, rules)
            }
        }
    }

    /// Worst CTCAE grade at or above the flag grade: the latest value of each monitored lab,
    /// and adverse events within the look-back window.
    fn toxicity(&self) -> Option<Toxicity> {
        let algorithm = self.algorithm;
        let flag = algorithm.toxicity_flag_grade;
        let mut findings: Vec<(CtcaeGrade, String)> = Vec::new();
        let monitored: &[LabTest] = &algorithm.toxicity_labs;
        for test in monitored {
            let Some(lab) = self.course.labs.iter().rev().find(|lab| lab.test == *test) else {
                continue;
            };
            if let Some(grade) = Self::lab_grade(lab).filter(|grade| *grade >= flag) {
                findings.push((
                    grade,
                    format!(
                        "{} {} {} on {}: {grade}",
                        test.id(),
                        lab.value,
                        lab.unit,
                        lab.date
                    ),
                ));
            }
        }
        let since = self
            .course
            .as_of
            .saturating_sub(i64::from(algorithm.settings.toxicity.lookback_days).days())
            .max(self.course.start);
        for event in self.history.events.iter().filter(|e| {
            e.kind == EventKind::AdverseEvent && e.date >= since && e.date <= self.course.as_of
        }) {
            let Some(grade) = event
                .grade
                .and_then(CtcaeGrade::from_number)
                .filter(|g| *g >= flag)
            else {
                continue;
            };
            let what = event.term.as_deref().unwrap_or("adverse event");
            findings.push((grade, format!("{what} on {}: {grade}", event.date)));
        }
        let worst = findings.iter().map(|(grade, _)| *grade).max()?;
        Some(Toxicity {
            grade: worst.number(),
            findings: findings.into_iter().map(|(_, text)| text).collect(),
        })
    }

    fn next_pregnancy_test(&self, protocol: &Protocol) -> Option<Date> {
        let patient = &self.history.patient;
        if patient.reproductive_potential != Some(true)
            || protocol.schedule().pregnancy_tests.is_empty()
        {
            return None;
        }
        let options = PregnancyOptions {
            policy: None,
            irregular_menses: patient.irregular_menses == Some(true),
        };
        let calendar =
            schedule::pregnancy_calendar(protocol.schedule(), self.history.start_date, &options)
                .ok()?;
        schedule::next_after(&calendar.tests, self.course.as_of)
    }
}
