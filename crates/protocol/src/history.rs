//! A patient's dated record as the engine reads it (the `decide` input), and its normal form.
//!
//! The engine must not depend on the order of records, so [`History::normalise`] sorts every
//! list, drops exact duplicates (counted) and rejects records that contradict each other (two
//! CLASI scores for one day...). Values out of range cannot be read at all: CLASI activity is
//! 0-70, damage 0-56, SLEDAI-2K 0-105 (INSTRUMENTS.md §0, §2).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use instruments::ctcae::{CtcaeGrade, CtcaeTerm, LabTest, LabUnit};
use instruments::subtype::Subtype;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Declares a score newtype that can only hold `0..=MAX`.
macro_rules! bounded_score {
    ($name:ident, $max:expr, $what:literal) => {
        #[doc = concat!("A ", $what, " score, 0 to ", stringify!($max), ".")]
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(try_from = "u8", into = "u8")]
        pub struct $name(u8);

        impl $name {
            pub const MAX: u8 = $max;

            pub fn new(value: u8) -> Option<$name> {
                (value <= $max).then_some($name(value))
            }

            pub fn get(self) -> u8 {
                self.0
            }
        }

        impl TryFrom<u8> for $name {
            type Error = String;

            fn try_from(value: u8) -> Result<$name, String> {
                $name::new(value)
                    .ok_or_else(|| format!(concat!($what, " must be 0 to {}, got {}"), $max, value))
            }
        }

        impl From<$name> for u8 {
            fn from(score: $name) -> u8 {
                score.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

bounded_score!(ClasiActivity, 70, "CLASI activity");
bounded_score!(ClasiDamage, 56, "CLASI damage");
bounded_score!(SledaiScore, 105, "SLEDAI-2K");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    F,
    M,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub birth_date: Option<Date>,
    /// A woman of reproductive potential: pregnancy tests are scheduled.
    #[serde(default)]
    pub reproductive_potential: Option<bool>,
    /// Irregular menses switch the pregnancy-test policy to its `irregular` calendar.
    #[serde(default)]
    pub irregular_menses: Option<bool>,
    #[serde(default)]
    pub subtype: Option<Subtype>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClasiRecord {
    pub date: Date,
    pub activity: ClasiActivity,
    #[serde(default)]
    pub damage: Option<ClasiDamage>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SledaiRecord {
    pub date: Date,
    pub score: SledaiScore,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabRecord {
    pub date: Date,
    pub test: LabTest,
    pub value: f64,
    pub unit: LabUnit,
    /// The laboratory's lower limit of normal, in `unit` (needed to tell grade 0 from 1).
    #[serde(default)]
    pub lln: Option<f64>,
}

/// A dose level given from `from` to `to` (inclusive; open when `to` is null).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoseRecord {
    pub from: Date,
    #[serde(default)]
    pub to: Option<Date>,
    pub level: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Pregnancy,
    ConsentWithdrawn,
    PhysicianDecision,
    LifeThreatening,
    AdverseEvent,
    /// A change of concomitant baseline medication (not allowed by NCT01408199).
    ConcomitantChange,
}

impl EventKind {
    pub const ALL: [EventKind; 6] = [
        EventKind::Pregnancy,
        EventKind::ConsentWithdrawn,
        EventKind::PhysicianDecision,
        EventKind::LifeThreatening,
        EventKind::AdverseEvent,
        EventKind::ConcomitantChange,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::Pregnancy => "pregnancy",
            EventKind::ConsentWithdrawn => "consent_withdrawn",
            EventKind::PhysicianDecision => "physician_decision",
            EventKind::LifeThreatening => "life_threatening",
            EventKind::AdverseEvent => "adverse_event",
            EventKind::ConcomitantChange => "concomitant_change",
        }
    }

    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    pub fn names() -> String {
        EventKind::ALL.map(EventKind::name).join(", ")
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Ordered as the record's normal form orders events: by date, then type, grade, term, note
/// (the order of the fields).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    pub date: Date,
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// CTCAE grade 1-5; required for an adverse event.
    #[serde(default)]
    pub grade: Option<u8>,
    /// CTCAE v5.0 term of an adverse event: its id (`insomnia`), printed term (`Insomnia`) or
    /// MedDRA code, in any case and spacing; anything else is refused (a safety rule must not
    /// depend on how the term was typed).
    #[serde(default)]
    pub term: Option<CtcaeTerm>,
    #[serde(default)]
    pub note: Option<String>,
}

/// A nerve conduction study's conclusion (neuropathy monitoring on thalidomide-class drugs).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum NerveFinding {
    Normal,
    /// Sensory polyneuropathy (the thalidomide cohort: confirmed in 5 of 11 with paraesthesia).
    SensoryPolyneuropathy,
    Other,
}

impl NerveFinding {
    /// The finding's id, as the record and the catalogue name it.
    pub fn code(self) -> &'static str {
        match self {
            NerveFinding::Normal => "normal",
            NerveFinding::SensoryPolyneuropathy => "sensory_polyneuropathy",
            NerveFinding::Other => "other",
        }
    }
}

/// A nerve conduction study and its conclusion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NerveConductionRecord {
    pub date: Date,
    pub finding: NerveFinding,
}

/// Everything the engine knows about one patient.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    pub start_date: Date,
    #[serde(default)]
    pub patient: Patient,
    #[serde(default)]
    pub clasi: Vec<ClasiRecord>,
    #[serde(default)]
    pub sledai: Vec<SledaiRecord>,
    #[serde(default)]
    pub labs: Vec<LabRecord>,
    #[serde(default)]
    pub doses: Vec<DoseRecord>,
    #[serde(default)]
    pub events: Vec<EventRecord>,
    #[serde(default)]
    pub nerve_conduction: Vec<NerveConductionRecord>,
    /// The subject's arm code in a randomised study, given only by a caller that holds the
    /// allocation secret. The engine reads it only where the protocol says so (an open-label
    /// extension the arms enter differently: `crate::extension`), and says so when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
}

/// A history that cannot be used, naming the JSON field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct HistoryError {
    pub field: String,
    pub message: String,
}

fn error(field: impl Into<String>, message: impl Into<String>) -> HistoryError {
    HistoryError {
        field: field.into(),
        message: message.into(),
    }
}

/// Dates the engine accepts: far enough from jiff's limits that date arithmetic over a
/// protocol's horizon cannot overflow.
const EARLIEST: Date = jiff::civil::date(1900, 1, 1);
const LATEST: Date = jiff::civil::date(2200, 12, 31);

/// `field` names the record only when the date is refused: the check runs at every decision,
/// so the name is not built for dates that pass.
fn check_date(field: impl FnOnce() -> String, date: Date) -> Result<(), HistoryError> {
    if (EARLIEST..=LATEST).contains(&date) {
        Ok(())
    } else {
        Err(error(
            field(),
            format!("{date} is outside 1900-01-01 to 2200-12-31"),
        ))
    }
}

impl History {
    /// Records that `level` is given from `from` on: the running dose period, if any, ends the day
    /// before. This is how a caller follows a decision's dose (the simulator, the Table 2 replays).
    pub fn give(&mut self, from: Date, level: &str) {
        if let Some(last) = self.doses.last_mut() {
            last.to = Some(from.saturating_sub(jiff::ToSpan::day(1)));
        }
        self.doses.push(DoseRecord {
            from,
            to: None,
            level: level.to_owned(),
        });
    }

    /// Every date in the record, for the default `as_of` (the latest of them).
    pub fn latest_date(&self) -> Date {
        let dates = self
            .clasi
            .iter()
            .map(|r| r.date)
            .chain(self.sledai.iter().map(|r| r.date))
            .chain(self.labs.iter().map(|r| r.date))
            .chain(
                self.doses
                    .iter()
                    .flat_map(|r| [Some(r.from), r.to])
                    .flatten(),
            )
            .chain(self.events.iter().map(|r| r.date))
            .chain(self.nerve_conduction.iter().map(|r| r.date));
        dates.fold(self.start_date, Date::max)
    }

    /// Checks each record in input order (so errors name `labs[3]`), then sorts and
    /// deduplicates. Returns the normal form and how many exact duplicates were dropped. A
    /// record already in normal form (what a caller appending dated records in order holds) is
    /// returned as it is, without a copy: the engine normalises at every decision.
    pub fn normalise(&self, level_ids: &[&str]) -> Result<(Cow<'_, History>, usize), HistoryError> {
        self.check(level_ids)?;
        if self.is_normal() {
            self.check_conflicts()?;
            return Ok((Cow::Borrowed(self), 0));
        }
        let mut history = self.clone();
        let mut dropped = 0;
        dropped += sort_dedup(&mut history.clasi, clasi_order);
        dropped += sort_dedup(&mut history.sledai, sledai_order);
        dropped += sort_dedup(&mut history.labs, lab_order);
        dropped += sort_dedup(&mut history.doses, dose_order);
        dropped += sort_dedup(&mut history.events, event_order);
        dropped += sort_dedup(&mut history.nerve_conduction, Ord::cmp);
        history.check_conflicts()?;
        Ok((Cow::Owned(history), dropped))
    }

    /// Every list strictly in order: sorting changes nothing and there is no duplicate to drop.
    fn is_normal(&self) -> bool {
        strictly_ordered(&self.clasi, clasi_order)
            && strictly_ordered(&self.sledai, sledai_order)
            && strictly_ordered(&self.labs, lab_order)
            && strictly_ordered(&self.doses, dose_order)
            && strictly_ordered(&self.events, event_order)
            && strictly_ordered(&self.nerve_conduction, Ord::cmp)
    }

    fn check(&self, level_ids: &[&str]) -> Result<(), HistoryError> {
        self.check_dates()?;
        for (index, record) in self.clasi.iter().enumerate() {
            record.check(index)?;
        }
        for (index, record) in self.sledai.iter().enumerate() {
            record.check(index)?;
        }
        for (index, record) in self.labs.iter().enumerate() {
            record.check(index)?;
        }
        for (index, record) in self.doses.iter().enumerate() {
            record.check(index)?;
            if !level_ids.contains(&record.level.as_str()) {
                return Err(error(
                    format!("doses[{index}].level"),
                    format!(
                        "unknown dose level '{}'; allowed: {}",
                        record.level,
                        level_ids.join(", ")
                    ),
                ));
            }
        }
        for (index, record) in self.events.iter().enumerate() {
            record.check(index)?;
        }
        for (index, record) in self.nerve_conduction.iter().enumerate() {
            check_date(|| format!("nerve_conduction[{index}].date"), record.date)?;
        }
        Ok(())
    }

    /// The start date and the patient's birth date.
    pub(crate) fn check_dates(&self) -> Result<(), HistoryError> {
        check_date(|| "start_date".to_owned(), self.start_date)?;
        if let Some(birth) = self.patient.birth_date {
            check_date(|| "patient.birth_date".to_owned(), birth)?;
        }
        Ok(())
    }

    /// Same-day records that disagree cannot both be true: the user must fix one.
    fn check_conflicts(&self) -> Result<(), HistoryError> {
        no_clash(&self.clasi, "clasi", clasi_clash)?;
        no_clash(&self.sledai, "sledai", sledai_clash)?;
        no_clash(&self.labs, "labs", lab_clash)?;
        no_clash(&self.doses, "doses", dose_clash)?;
        no_clash(&self.nerve_conduction, "nerve_conduction", |a, b| {
            (a.date == b.date).then(|| format!("a nerve conduction study on {}", a.date))
        })
    }

    /// Appends a CLASI record to a history in normal form, which stays in normal form: the
    /// record is checked as `normalise` checks it and must come after the last one and after
    /// the last dose change (a follow-up takes records in date order, each once, and the
    /// engine reads a CLASI before a dose change on the same day).
    pub(crate) fn append_clasi(&mut self, record: ClasiRecord) -> Result<(), HistoryError> {
        let index = self.clasi.len();
        record.check(index)?;
        if let Some(dose) = self.doses.last()
            && record.date <= dose.from
        {
            return Err(error(
                format!("clasi[{index}].date"),
                format!(
                    "{} is not after the last dose change ({}); a follow-up takes records in date order, a CLASI before a dose change on the same day",
                    record.date, dose.from
                ),
            ));
        }
        append(&mut self.clasi, "clasi", record, clasi_order, clasi_clash)
    }

    /// As [`History::append_clasi`], for a SLEDAI-2K score.
    pub(crate) fn append_sledai(&mut self, record: SledaiRecord) -> Result<(), HistoryError> {
        record.check(self.sledai.len())?;
        append(
            &mut self.sledai,
            "sledai",
            record,
            sledai_order,
            sledai_clash,
        )
    }

    /// As [`History::append_clasi`], for a laboratory value; gives its CTCAE grade.
    pub(crate) fn append_lab(
        &mut self,
        record: LabRecord,
    ) -> Result<Option<CtcaeGrade>, HistoryError> {
        let grade = record.check(self.labs.len())?;
        append(&mut self.labs, "labs", record, lab_order, lab_clash)?;
        Ok(grade)
    }

    /// As [`History::append_clasi`], for an event.
    pub(crate) fn append_event(&mut self, record: EventRecord) -> Result<(), HistoryError> {
        record.check(self.events.len())?;
        append(&mut self.events, "events", record, event_order, |_, _| None)
    }

    /// As [`History::append_clasi`], for a nerve conduction study.
    pub(crate) fn append_nerve_conduction(
        &mut self,
        record: NerveConductionRecord,
    ) -> Result<(), HistoryError> {
        let index = self.nerve_conduction.len();
        check_date(|| format!("nerve_conduction[{index}].date"), record.date)?;
        append(
            &mut self.nerve_conduction,
            "nerve_conduction",
            record,
            Ord::cmp,
            |a, b| (a.date == b.date).then(|| format!("a nerve conduction study on {}", a.date)),
        )
    }

    /// As [`History::give`] on a history in normal form: the new dose starts after the last
    /// one started and not before the last CLASI (the level is the caller's to check).
    pub(crate) fn append_dose(&mut self, from: Date, level: &str) -> Result<(), HistoryError> {
        let index = self.doses.len();
        check_date(|| format!("doses[{index}].from"), from)?;
        if let Some(clasi) = self.clasi.last()
            && from < clasi.date
        {
            return Err(error(
                format!("doses[{index}].from"),
                format!(
                    "{from} is before the last CLASI ({}); a follow-up takes records in date order",
                    clasi.date
                ),
            ));
        }
        if let Some(last) = self.doses.last() {
            if from == last.from {
                return Err(clash("doses", dose_starting(from)));
            }
            if from < last.from {
                return Err(out_of_order("doses", index));
            }
        }
        self.give(from, level);
        Ok(())
    }
}

impl ClasiRecord {
    fn check(&self, index: usize) -> Result<(), HistoryError> {
        check_date(|| format!("clasi[{index}].date"), self.date)
    }
}

impl SledaiRecord {
    fn check(&self, index: usize) -> Result<(), HistoryError> {
        check_date(|| format!("sledai[{index}].date"), self.date)
    }
}

impl LabRecord {
    /// Checks the value (unit, range) by grading it, and gives the grade.
    fn check(&self, index: usize) -> Result<Option<CtcaeGrade>, HistoryError> {
        check_date(|| format!("labs[{index}].date"), self.date)?;
        instruments::ctcae::grade_lab(self.test, self.value, self.unit, self.lln).map_err(
            |problem| {
                let field = problem.field().name();
                error(format!("labs[{index}].{field}"), problem.to_string())
            },
        )
    }
}

impl DoseRecord {
    /// The dates (the level is checked against the protocol's ladder by the caller).
    fn check(&self, index: usize) -> Result<(), HistoryError> {
        check_date(|| format!("doses[{index}].from"), self.from)?;
        if let Some(to) = self.to {
            check_date(|| format!("doses[{index}].to"), to)?;
            if to < self.from {
                return Err(error(
                    format!("doses[{index}].to"),
                    format!("{to} is before from {}", self.from),
                ));
            }
        }
        Ok(())
    }
}

impl EventRecord {
    fn check(&self, index: usize) -> Result<(), HistoryError> {
        check_date(|| format!("events[{index}].date"), self.date)?;
        match (self.kind, self.grade) {
            (_, Some(grade)) if !(1..=5).contains(&grade) => Err(error(
                format!("events[{index}].grade"),
                format!("CTCAE grade must be 1 to 5, got {grade}"),
            )),
            (EventKind::AdverseEvent, None) => Err(error(
                format!("events[{index}].grade"),
                "required for an adverse_event: CTCAE grade 1 to 5",
            )),
            _ => Ok(()),
        }?;
        // A grade the term does not have (peripheral sensory neuropathy has no grade 5).
        if let (Some(term), Some(grade)) = (self.term, self.grade.and_then(CtcaeGrade::from_number))
            && !term.offers(grade)
        {
            return Err(error(
                format!("events[{index}].grade"),
                format!(
                    "{term} has no grade {} in CTCAE v5.0 (it goes up to {})",
                    grade.number(),
                    term.max_grade().number()
                ),
            ));
        }
        Ok(())
    }
}

// Same-day contradictions, named as the error names them.
fn clasi_clash(a: &ClasiRecord, b: &ClasiRecord) -> Option<String> {
    (a.date == b.date).then(|| a.date.to_string())
}

fn sledai_clash(a: &SledaiRecord, b: &SledaiRecord) -> Option<String> {
    (a.date == b.date).then(|| a.date.to_string())
}

fn lab_clash(a: &LabRecord, b: &LabRecord) -> Option<String> {
    (a.date == b.date && a.test == b.test).then(|| format!("{} on {}", a.test.id(), a.date))
}

fn dose_clash(a: &DoseRecord, b: &DoseRecord) -> Option<String> {
    (a.from == b.from).then(|| dose_starting(a.from))
}

fn dose_starting(from: Date) -> String {
    format!("a dose starting {from}")
}

fn clash(list: &str, what: String) -> HistoryError {
    error(
        list,
        format!("two different records for {what}; correct or remove one"),
    )
}

fn out_of_order(list: &str, index: usize) -> HistoryError {
    error(
        format!("{list}[{index}]"),
        "dated before the record ahead of it; a follow-up takes records in date order",
    )
}

/// The first same-day contradiction between neighbours of a sorted list.
fn no_clash<T>(
    list: &[T],
    name: &str,
    clashes: impl Fn(&T, &T) -> Option<String>,
) -> Result<(), HistoryError> {
    match list.windows(2).find_map(|pair| clashes(&pair[0], &pair[1])) {
        Some(what) => Err(clash(name, what)),
        None => Ok(()),
    }
}

/// Pushes `record` onto a list in normal form if it stays so: after the last record in
/// `order`, not the same record again, and not a same-day contradiction.
fn append<T>(
    list: &mut Vec<T>,
    name: &str,
    record: T,
    order: impl Fn(&T, &T) -> Ordering,
    clashes: impl Fn(&T, &T) -> Option<String>,
) -> Result<(), HistoryError> {
    let index = list.len();
    if let Some(last) = list.last() {
        let order = order(last, &record);
        if order == Ordering::Equal {
            return Err(error(
                format!("{name}[{index}]"),
                format!(
                    "the same record as {name}[{}]; a follow-up takes each record once",
                    index - 1
                ),
            ));
        }
        if let Some(what) = clashes(last, &record) {
            return Err(clash(name, what));
        }
        if order == Ordering::Greater {
            return Err(out_of_order(name, index));
        }
    }
    list.push(record);
    Ok(())
}

/// Sorts by `order` and removes exact duplicates; returns how many were removed.
// The normal order of each list. Each compares every field, so exact duplicates sort together.
fn clasi_order(a: &ClasiRecord, b: &ClasiRecord) -> Ordering {
    a.date
        .cmp(&b.date)
        .then(a.activity.cmp(&b.activity))
        .then(a.damage.cmp(&b.damage))
}

fn sledai_order(a: &SledaiRecord, b: &SledaiRecord) -> Ordering {
    a.date.cmp(&b.date).then(a.score.cmp(&b.score))
}

fn lab_order(a: &LabRecord, b: &LabRecord) -> Ordering {
    a.date
        .cmp(&b.date)
        .then(a.test.id().cmp(b.test.id()))
        .then(a.value.total_cmp(&b.value))
        .then(a.unit.symbol().cmp(b.unit.symbol()))
        .then(a.lln.unwrap_or(-1.0).total_cmp(&b.lln.unwrap_or(-1.0)))
}

fn dose_order(a: &DoseRecord, b: &DoseRecord) -> Ordering {
    a.from
        .cmp(&b.from)
        .then(a.to.cmp(&b.to))
        .then(a.level.cmp(&b.level))
}

fn event_order(a: &EventRecord, b: &EventRecord) -> Ordering {
    a.cmp(b)
}

fn strictly_ordered<T>(list: &[T], order: impl Fn(&T, &T) -> Ordering) -> bool {
    list.windows(2)
        .all(|pair| order(&pair[0], &pair[1]) == Ordering::Less)
}

fn sort_dedup<T: PartialEq>(list: &mut Vec<T>, order: impl Fn(&T, &T) -> Ordering) -> usize {
    list.sort_by(&order);
    let before = list.len();
    list.dedup();
    before - list.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit(date: &str, activity: u8) -> ClasiRecord {
        ClasiRecord {
            date: date.parse().expect("date"),
            activity: ClasiActivity::new(activity).expect("activity"),
            damage: None,
        }
    }

    #[track_caller]
    fn check(clasi: &[ClasiRecord], borrowed: bool, dropped: usize) {
        let history = History {
            start_date: "2010-01-04".parse().expect("date"),
            patient: Patient::default(),
            clasi: clasi.to_vec(),
            sledai: Vec::new(),
            labs: Vec::new(),
            doses: Vec::new(),
            events: Vec::new(),
            nerve_conduction: Vec::new(),
            arm: None,
        };
        let (normal, count) = history.normalise(&[]).expect("valid");
        assert_eq!(matches!(normal, Cow::Borrowed(_)), borrowed, "{clasi:?}");
        assert_eq!(count, dropped, "{clasi:?}");
        let mut sorted = clasi.to_vec();
        sorted.sort_by(clasi_order);
        sorted.dedup();
        assert_eq!(normal.clasi, sorted);
    }

    #[test]
    fn a_record_in_normal_form_is_not_copied() {
        let a = visit("2010-01-04", 12);
        let b = visit("2010-02-01", 6);
        check(&[], true, 0);
        check(&[a, b], true, 0);
        check(&[b, a], false, 0);
        check(&[a, a, b], false, 1);
    }
}
