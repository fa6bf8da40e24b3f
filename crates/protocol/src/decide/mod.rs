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
//! The replay is a fold (`fold`): each record updates the state as it comes, so the same
//! state can be carried from visit to visit by a [`FollowUp`] instead of replayed at each call.
//! The rules (`rules`) give a [`Verdict`] whose reasons are values; their sentences are written
//! (`reason`) only for the whole [`Decision`].
//!
//! Deviations: a change of concomitant medication (an event type the protocol lists), dose
//! records that overlap, and any dose given that differs from what the protocol asked for on
//! the day it started (decided again from the record as it stood that day).
//!
//! The arm: only an open-label extension the arms enter differently reads it
//! (`crate::extension`), and only from the extension's first day; a history's arm is otherwise
//! listed in `ignored`. Without the arm such a decision goes to the physician.
//!
//! Dates: records after `as_of` are not used; CLASI and SLEDAI-2K on or before the start date
//! give the baseline (the latest one); labs, doses and events before the start are not used
//! for decisions. Each of these is listed in `ignored`.

mod fold;
mod follow;
mod reason;
mod rules;

use instruments::ctcae::{CtcaeGrade, grade_lab};
use instruments::sledai::Flare;
use jiff::civil::Date;
use serde::Serialize;

use crate::extension::{self, Entry};
use crate::history::{History, HistoryError, Patient};
use crate::load::{Algorithm, Protocol};
use crate::schedule;

use fold::Fold;
pub use follow::{FollowUp, Timetable};
use reason::{Missing, Reason, Reasons, UnaskedDose, Writer};
use rules::Engine;
use words::{Language, Words};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Induction,
    Taper,
    OffTreatment,
    Maintenance,
    Stopped,
}

/// Response of CLASI activity against the cycle's baseline (paper, Endpoints).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    Cr,
    Pr,
    Nr,
}

/// A rule that fired, with the sentence that explains it using the values it used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Rule {
    pub id: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Toxicity {
    /// The worst CTCAE grade found (at or above the protocol's flag grade).
    pub grade: u8,
    pub findings: Vec<String>,
}

/// A relapse seen in the record: CLASI activity at or above the threshold after a CR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Relapse {
    pub date: Date,
    pub activity: u8,
    /// The dose level being given when it happened.
    pub level: String,
    pub cycle: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    /// A follow-up decides on the record as it stands: not before its latest record.
    #[error(
        "as_of: {as_of} is before the latest record ({latest}); a follow-up decides on or after it"
    )]
    AsOfBeforeRecord { as_of: Date, latest: Date },
}

/// A decision without its sentences: what a caller that only follows the protocol reads at
/// each visit (the simulator). Everything in it is what the whole [`Decision`] says; the rules
/// that fired are kept as values, and [`FollowUp::decision`] writes them out.
#[derive(Clone, Debug)]
pub struct Verdict<'p> {
    algorithm: &'p Algorithm,
    pub as_of: Date,
    pub action: Action,
    /// The dose level for the next period, as a position on the taper ladder
    /// (`Algorithm::ladder`; [`Verdict::dose`] names it).
    pub level: usize,
    pub phase: Phase,
    pub response: Option<Response>,
    pub relapse: bool,
    pub flare: Option<Flare>,
    /// The worst CTCAE grade of the toxicity flag, if it is raised.
    pub toxicity: Option<u8>,
    pub deviation: bool,
    pub physician_review: bool,
    pub cycle: u32,
    pub first_complete_response: Option<Date>,
    /// How many relapses the record shows, and the date and ladder position of the first.
    pub relapses: usize,
    pub first_relapse: Option<(Date, usize)>,
    pub next_visit: Option<Date>,
    pub next_lab: Option<Date>,
    pub next_pregnancy_test: Option<Date>,
    reasons: Reasons,
    missing: Vec<Missing>,
}

impl<'p> Verdict<'p> {
    /// The dose level's id, as the protocol names it.
    pub fn dose(&self) -> &'p str {
        self.algorithm.level_id(self.level)
    }

    /// The ids of the rules that fired, in the order [`Decision::rules`] lists them.
    pub fn rule_ids(&self) -> impl Iterator<Item = &'p str> + '_ {
        let algorithm = self.algorithm;
        self.reasons.iter().map(move |reason| reason.id(algorithm))
    }
}

/// The protocol's open-label extension as one subject's record sees it: its first day, and how
/// the subject enters it (`None`: the arms enter differently and the arm was not given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Opening {
    on: Date,
    entry: Option<Entry>,
}

/// The extension for `history` under `protocol`, if the protocol has one, with the history's
/// arm checked (an arm the design does not have, or one given for a study that does not
/// randomise, is refused).
fn opening(protocol: &Protocol, history: &History) -> Result<Option<Opening>, DecideError> {
    let arm = extension::arm_of(protocol.randomisation(), history.arm.as_deref())?;
    Ok(protocol.extension().map(|extension| Opening {
        on: extension.starts_on(history.start_date),
        entry: extension.entry(arm),
    }))
}

/// Why a history's arm is not read on `as_of`, if it is not (see the module documentation).
fn arm_unused(protocol: &Protocol, history: &History, as_of: Date) -> Option<String> {
    let arm = history.arm.as_deref()?;
    let why = match protocol.extension() {
        None => {
            "the protocol has no open-label extension, the only rule that reads an arm".to_owned()
        }
        Some(extension) if !extension.depends_on_arm() => {
            "every arm enters the open-label extension the same way".to_owned()
        }
        Some(extension) if as_of < extension.starts_on(history.start_date) => format!(
            "the open-label extension begins on {}",
            extension.starts_on(history.start_date)
        ),
        Some(_) => return None,
    };
    Some(format!("arm {arm}: {why}; not used"))
}

/// The next date of each of the protocol's calendars after `as_of`.
#[derive(Clone, Copy, Debug, Default)]
struct Scheduled {
    visit: Option<Date>,
    lab: Option<Date>,
    pregnancy_test: Option<Date>,
}

/// `date` plus `days` whole days (a protocol's intervals and windows).
fn add_days(date: Date, days: u32) -> Date {
    schedule::add_days(date, i64::from(days))
}

/// `date` minus `days` whole days.
fn sub_days(date: Date, days: u32) -> Date {
    schedule::add_days(date, -i64::from(days))
}

/// Decides what the protocol asks for on `as_of`, and checks every dose given so far against what
/// the protocol asked for on the day it started (`deviations`).
pub fn decide(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
) -> Result<Decision, DecideError> {
    decide_in(protocol, history, as_of, Language::English)
}

/// As [`decide`], its sentences in `language` (the record keeps the English of [`decide`]; a
/// page shows its reader's).
pub fn decide_in(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
    language: Language,
) -> Result<Decision, DecideError> {
    decide_with(protocol, history, as_of, Audit::Doses, language)
}

/// As [`decide`], without checking the doses already given (`deviations` stays empty). For callers
/// that give exactly the dose each decision names, such as the simulator: there the check can only
/// agree, and it re-decides the whole record once per dose, which is most of `decide`'s cost.
pub fn decide_following(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
) -> Result<Decision, DecideError> {
    decide_with(protocol, history, as_of, Audit::None, Language::English)
}

/// Whether to compare each dose given with what the protocol asked for on that day.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Audit {
    Doses,
    None,
}

fn algorithm_of(protocol: &Protocol) -> Result<&Algorithm, DecideError> {
    protocol
        .algorithm()
        .ok_or_else(|| DecideError::NoAlgorithm(protocol.id().to_owned()))
}

fn decide_with(
    protocol: &Protocol,
    history: &History,
    as_of: Date,
    audit: Audit,
    language: Language,
) -> Result<Decision, DecideError> {
    let algorithm = algorithm_of(protocol)?;
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
    let opening = opening(protocol, &history)?;
    let audited = match audit {
        Audit::Doses => dose_deviations(algorithm, &history, opening, as_of),
        Audit::None => Vec::new(),
    };
    let fold = fold_record(algorithm, &history, opening, as_of);
    let scheduled = scheduled(protocol, &history, as_of);
    let verdict = assess(algorithm, &fold, as_of, scheduled, !audited.is_empty());
    let mut decision = explain(
        &verdict,
        &fold,
        &history,
        &audited,
        duplicates_removed,
        language,
    );
    decision
        .ignored
        .extend(arm_unused(protocol, &history, as_of));
    Ok(decision)
}

/// Folds the records of a history in normal form dated on or before `as_of`, in date order
/// (a CLASI before a dose change on the same day, the extension's first day between them).
fn fold_record(
    algorithm: &Algorithm,
    history: &History,
    opening: Option<Opening>,
    as_of: Date,
) -> Fold {
    let mut fold = Fold::new(algorithm, history.start_date, opening);
    let mut clasi = history
        .clasi
        .iter()
        .take_while(|r| r.date <= as_of)
        .peekable();
    let mut doses = history
        .doses
        .iter()
        .take_while(|d| d.from <= as_of)
        .peekable();
    loop {
        match (clasi.peek(), doses.peek()) {
            (Some(c), Some(d)) if c.date <= d.from => {}
            (Some(_), None) => {}
            (_, Some(dose)) => {
                fold.reach(algorithm, dose.from, true);
                fold.dose(
                    algorithm,
                    dose.from,
                    dose.to,
                    algorithm.position(&dose.level),
                );
                doses.next();
                continue;
            }
            (None, None) => break,
        }
        if let Some(record) = clasi.next() {
            fold.reach(algorithm, record.date, false);
            fold.clasi(algorithm, record.date, record.activity.get());
        }
    }
    fold.reach(algorithm, as_of, true);
    for record in history.sledai.iter().take_while(|r| r.date <= as_of) {
        fold.sledai(algorithm, record.date, record.score.get());
    }
    for lab in history.labs.iter().take_while(|r| r.date <= as_of) {
        let grade = grade_lab(lab.test, lab.value, lab.unit, lab.lln)
            .ok()
            .flatten();
        fold.lab(algorithm, lab, grade);
    }
    for (index, event) in history.events.iter().enumerate() {
        if event.date > as_of {
            break;
        }
        fold.event(algorithm, index, event);
    }
    for study in history
        .nerve_conduction
        .iter()
        .take_while(|r| r.date <= as_of)
    {
        fold.nerve_conduction(algorithm, study.date, study.finding);
    }
    fold
}

/// The next visit, laboratory and pregnancy-test dates after `as_of`, found by walking the
/// calendars (without building them).
fn scheduled(protocol: &Protocol, history: &History, as_of: Date) -> Scheduled {
    let spec = protocol.schedule();
    let start = history.start_date;
    let horizon = schedule::horizon(spec, start);
    Scheduled {
        visit: schedule::next_date_after(&spec.visits, start, horizon, as_of),
        lab: schedule::next_date_after(&spec.labs, start, horizon, as_of),
        pregnancy_test: pregnancy_tests(protocol, &history.patient, start)
            .and_then(|tests| schedule::next_after(&tests.tests, as_of)),
    }
}

/// The pregnancy tests of a woman of reproductive potential (none for anyone else).
fn pregnancy_tests(
    protocol: &Protocol,
    patient: &Patient,
    start: Date,
) -> Option<schedule::PregnancyCalendar> {
    if patient.reproductive_potential != Some(true)
        || protocol.schedule().pregnancy_tests.is_empty()
    {
        return None;
    }
    let options = schedule::PregnancyOptions {
        policy: None,
        irregular_menses: patient.irregular_menses == Some(true),
    };
    schedule::pregnancy_calendar(protocol.schedule(), start, &options).ok()
}

/// Applies the rules to the folded record: the stopping rules (once triggered, stopped for
/// good), else the treatment algorithm; then the flags (flare, toxicity, deviations).
/// `audited`: the dose audit found a deviation the fold does not hold.
fn assess<'p>(
    algorithm: &'p Algorithm,
    fold: &Fold,
    as_of: Date,
    scheduled: Scheduled,
    audited: bool,
) -> Verdict<'p> {
    let (level, level_since) = fold.level_on(algorithm, as_of);
    let engine = Engine {
        algorithm,
        fold,
        as_of,
        level,
        level_since,
    };
    let stopped = engine.stops();
    let stays_stopped = stopped.is_some();
    let mut step = stopped.unwrap_or_else(|| engine.algorithm_step());
    // A stop is for good: the extension does not bring a stopped subject back.
    if let Some(opening) = fold
        .extension
        .filter(|_| fold.extension_begun && !stays_stopped)
    {
        let reason = match opening.entry {
            Some(Entry::Restart) => {
                let (cycle, baseline) = fold.restarted_as.unwrap_or((fold.cycle.number, None));
                Reason::ExtensionRestart {
                    on: opening.on,
                    cycle,
                    baseline,
                }
            }
            Some(Entry::Continue) => Reason::ExtensionContinue { on: opening.on },
            None => {
                step.physician_review = true;
                step.missing.push(Missing::Arm { on: opening.on });
                Reason::ExtensionArmNeeded { on: opening.on }
            }
        };
        step.reasons.insert(0, reason);
    }
    if let Some(change) = fold.sledai {
        step.reasons.push(Reason::Sledai(change));
        if change.reference.is_none() {
            step.missing.push(Missing::SledaiBaseline);
        }
    }
    let toxicity: Option<CtcaeGrade> = fold.worst_toxicity(algorithm, as_of);
    if let Some(grade) = toxicity {
        step.reasons.push(Reason::Toxicity(grade));
    }
    let deviation = audited || !fold.overlaps.is_empty() || !fold.deviation_events.is_empty();
    if deviation {
        step.reasons.push(Reason::Deviation);
    }
    let next_visit = match (scheduled.visit, step.due.filter(|due| *due > as_of)) {
        (Some(visit), Some(due)) => Some(visit.min(due)),
        (visit, due) => visit.or(due),
    };
    Verdict {
        algorithm,
        as_of,
        action: step.action,
        level: step.level,
        phase: step.phase,
        response: engine.response(),
        relapse: step.relapse,
        flare: fold.flare(),
        toxicity: toxicity.map(CtcaeGrade::number),
        deviation,
        physician_review: step.physician_review,
        cycle: step.cycle,
        first_complete_response: fold.first_complete,
        relapses: fold.relapses.len(),
        first_relapse: fold.relapses.first().map(|r| (r.date, r.level)),
        next_visit,
        next_lab: scheduled.lab,
        next_pregnancy_test: scheduled.pregnancy_test,
        reasons: step.reasons,
        missing: step.missing,
    }
}

/// The whole decision, its sentences written, from the verdict and the fold and record it was
/// taken on. `audited`: the dose audit's deviations.
fn explain(
    verdict: &Verdict<'_>,
    fold: &Fold,
    history: &History,
    audited: &[UnaskedDose],
    duplicates_removed: usize,
    language: Language,
) -> Decision {
    let algorithm = verdict.algorithm;
    let writer = Writer {
        algorithm,
        fold,
        history,
        as_of: verdict.as_of,
        words: Words::of(language),
    };
    let mut deviations = writer.deviations();
    deviations.extend(audited.iter().map(|unasked| writer.unasked(unasked)));
    let findings = match verdict.toxicity {
        Some(_) => writer.findings(),
        None => Vec::new(),
    };
    let rules = verdict
        .reasons
        .iter()
        .map(|reason| writer.rule(*reason, &deviations, &findings))
        .collect();
    Decision {
        as_of: verdict.as_of,
        action: verdict.action,
        dose: verdict.dose().to_owned(),
        phase: verdict.phase,
        response: verdict.response,
        relapse: verdict.relapse,
        flare: verdict.flare,
        toxicity: verdict.toxicity.map(|grade| Toxicity { grade, findings }),
        deviation: verdict.deviation,
        deviations,
        physician_review: verdict.physician_review,
        cycle: verdict.cycle,
        first_complete_response: verdict.first_complete_response,
        relapses: fold
            .relapses
            .iter()
            .map(|relapse| Relapse {
                date: relapse.date,
                activity: relapse.activity,
                level: algorithm.level_id(relapse.level).to_owned(),
                cycle: relapse.cycle,
            })
            .collect(),
        next_visit: verdict.next_visit,
        next_lab: verdict.next_lab,
        next_pregnancy_test: verdict.next_pregnancy_test,
        missing: verdict
            .missing
            .iter()
            .map(|missing| writer.missing(*missing))
            .collect(),
        rules,
        ignored: ignored(history, verdict.as_of),
        duplicates_removed,
    }
}

/// The records a decision on `as_of` does not use, each with why: those after `as_of`, then
/// laboratory values, doses and events before the start. The lists are in normal form (date
/// order), so each group is the end or the beginning of its list.
fn ignored(history: &History, as_of: Date) -> Vec<String> {
    fn after<T>(list: &[T], date: impl Fn(&T) -> Date, as_of: Date) -> &[T] {
        &list[list.partition_point(|record| date(record) <= as_of)..]
    }
    fn before<T>(list: &[T], date: impl Fn(&T) -> Date, keep: impl Fn(Date) -> bool) -> &[T] {
        &list[..list.partition_point(|record| keep(date(record)))]
    }
    let start = history.start_date;
    let late = |what: std::fmt::Arguments<'_>, date: Date| {
        format!("{what} dated {date}: after as_of {as_of}, not used")
    };
    let mut ignored = Vec::new();
    for r in after(&history.clasi, |r| r.date, as_of) {
        ignored.push(late(format_args!("clasi"), r.date));
    }
    for r in after(&history.sledai, |r| r.date, as_of) {
        ignored.push(late(format_args!("sledai"), r.date));
    }
    for r in after(&history.labs, |r| r.date, as_of) {
        ignored.push(late(format_args!("labs {}", r.test.id()), r.date));
    }
    for dose in after(&history.doses, |d| d.from, as_of) {
        ignored.push(format!(
            "doses {} from {}: after as_of {as_of}, not used",
            dose.level, dose.from
        ));
    }
    for event in after(&history.events, |e| e.date, as_of) {
        ignored.push(format!(
            "events {} dated {}: after as_of {as_of}, not used",
            event.kind, event.date
        ));
    }
    for study in after(&history.nerve_conduction, |r| r.date, as_of) {
        ignored.push(late(format_args!("nerve_conduction"), study.date));
    }
    for study in before(&history.nerve_conduction, |r| r.date, |date| date <= start) {
        ignored.push(format!(
            "nerve_conduction dated {}: on or before the start date, the baseline study",
            study.date
        ));
    }
    for lab in before(&history.labs, |r| r.date, |date| date <= start) {
        ignored.push(format!(
            "labs {} dated {}: on or before the start date, a screening value (eligibility), not treatment toxicity",
            lab.test.id(),
            lab.date
        ));
    }
    for dose in before(&history.doses, |d| d.from, |date| date < start) {
        ignored.push(format!(
            "doses {} from {}: before the start date, not used",
            dose.level, dose.from
        ));
    }
    for event in before(&history.events, |e| e.date, |date| date < start) {
        ignored.push(format!(
            "events {} dated {}: before the start date, not used",
            event.kind, event.date
        ));
    }
    ignored
}

/// The doses given that differ from what the protocol asked for, on any day they cover: the day
/// each started, and every later day on which a record could change what the protocol asks (a
/// CLASI, SLEDAI-2K, laboratory value or event) and after which the dose went on (a change
/// asked at a visit starts that day or the next; one asked on `as_of` is today's to make). What
/// the protocol asked on a day is decided again from the record as it stood that day. One
/// finding per dose record: the first day it differs.
fn dose_deviations(
    algorithm: &Algorithm,
    history: &History,
    opening: Option<Opening>,
    as_of: Date,
) -> Vec<UnaskedDose> {
    let mut dates: Vec<Date> = history
        .clasi
        .iter()
        .map(|r| r.date)
        .chain(history.sledai.iter().map(|r| r.date))
        .chain(history.labs.iter().map(|r| r.date))
        .chain(history.events.iter().map(|r| r.date))
        .chain(history.nerve_conduction.iter().map(|r| r.date))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    history
        .doses
        .iter()
        .enumerate()
        .filter(|(_, dose)| dose.from >= history.start_date && dose.from <= as_of)
        .filter_map(|(index, dose)| {
            let end = dose.to.unwrap_or(as_of).min(as_of);
            let later = dates
                .iter()
                .copied()
                .filter(|day| *day > dose.from && *day < end);
            std::iter::once(dose.from).chain(later).find_map(|day| {
                let asked = asked_on(algorithm, history, opening, index, day);
                (asked.dose() != dose.level).then(|| UnaskedDose {
                    given: dose.level.clone(),
                    from: dose.from,
                    to: dose.to,
                    day,
                    asked: asked.dose().to_owned(),
                })
            })
        })
        .collect()
}

/// What the protocol asked for on `day` of the dose record at `index`: on its first day, the
/// decision before it started; on a later day, the decision with it running.
fn asked_on<'a>(
    algorithm: &'a Algorithm,
    history: &History,
    opening: Option<Opening>,
    index: usize,
    day: Date,
) -> Verdict<'a> {
    let dose = &history.doses[index];
    let mut before = history.clone();
    if day == dose.from {
        before.doses.retain(|earlier| earlier.from < dose.from);
        // The dose before ran until this change: its end is the change, not a stop.
        if let Some(last) = before.doses.last_mut()
            && last.to.is_some_and(|to| add_days(to, 1) >= dose.from)
        {
            last.to = None;
        }
    } else {
        before.doses.truncate(index + 1);
        before.doses[index].to = None;
    }
    let fold = fold_record(algorithm, &before, opening, day);
    assess(algorithm, &fold, day, Scheduled::default(), false)
}
