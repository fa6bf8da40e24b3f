//! A patient followed visit by visit: records are added as they come, in date order, and the
//! fold of the record is carried from one decision to the next instead of replayed at each
//! call (a course of n visits costs O(n) instead of O(n^2)). A decision is the one
//! [`super::decide_following`] gives on the same record: both fold through the same methods
//! and apply the same rules, and the tests compare them over many courses.
//!
//! Records must come in date order, each once, a CLASI before a dose change on the same day
//! (what a clinic or the simulator produces); anything else is refused with an error naming
//! the record, and the follow-up is left as it was. [`super::decide`] takes any record.

use std::borrow::Cow;

use instruments::ctcae::CtcaeGrade;
use jiff::civil::Date;
use words::Language;

use super::fold::Fold;
use super::{
    DecideError, Decision, Scheduled, Verdict, algorithm_of, assess, explain, opening,
    pregnancy_tests,
};
use crate::history::{
    ClasiRecord, EventRecord, History, HistoryError, LabRecord, NerveConductionRecord, Patient,
    SledaiRecord,
};
use crate::load::{Algorithm, Protocol};
use crate::schedule;

/// The protocol's visit and laboratory dates from one start date, expanded once: every
/// patient starting that day decides against the same dates (a simulated cohort shares one).
#[derive(Clone, Debug)]
pub struct Timetable<'p> {
    protocol: &'p Protocol,
    start: Date,
    horizon: Date,
    visits: Vec<Date>,
    labs: Vec<Date>,
}

impl<'p> Timetable<'p> {
    pub fn new(protocol: &'p Protocol, start: Date) -> Timetable<'p> {
        let spec = protocol.schedule();
        let horizon = schedule::horizon(spec, start);
        Timetable {
            protocol,
            start,
            horizon,
            visits: schedule::dates(&spec.visits, start, horizon).collect(),
            labs: schedule::dates(&spec.labs, start, horizon).collect(),
        }
    }

    pub fn protocol(&self) -> &'p Protocol {
        self.protocol
    }

    pub fn start(&self) -> Date {
        self.start
    }

    /// The last date of the protocol's calendars.
    pub fn horizon(&self) -> Date {
        self.horizon
    }

    /// The laboratory calendar's dates (the start first).
    pub fn lab_dates(&self) -> &[Date] {
        &self.labs
    }
}

#[derive(Clone, Debug)]
pub struct FollowUp<'p> {
    algorithm: &'p Algorithm,
    timetable: Cow<'p, Timetable<'p>>,
    history: History,
    fold: Fold,
    /// The pregnancy tests' dates (none unless a woman of reproductive potential).
    pregnancy_tests: Vec<Date>,
    /// The latest date of any record: a decision is taken on or after it.
    latest: Date,
}

impl<'p> FollowUp<'p> {
    /// A patient starting treatment on `start_date`, with nothing recorded yet.
    pub fn new(
        protocol: &'p Protocol,
        start_date: Date,
        patient: Patient,
    ) -> Result<FollowUp<'p>, DecideError> {
        FollowUp::with(Cow::Owned(Timetable::new(protocol, start_date)), patient)
    }

    /// As [`FollowUp::new`], for a patient starting on the timetable's start date.
    pub fn on(timetable: &'p Timetable<'p>, patient: Patient) -> Result<FollowUp<'p>, DecideError> {
        FollowUp::with(Cow::Borrowed(timetable), patient)
    }

    fn with(
        timetable: Cow<'p, Timetable<'p>>,
        patient: Patient,
    ) -> Result<FollowUp<'p>, DecideError> {
        let protocol = timetable.protocol;
        let algorithm = algorithm_of(protocol)?;
        let start_date = timetable.start;
        let mut history = History {
            start_date,
            patient,
            clasi: Vec::new(),
            sledai: Vec::new(),
            labs: Vec::new(),
            doses: Vec::new(),
            events: Vec::new(),
            nerve_conduction: Vec::new(),
            arm: None,
        };
        history.check_dates()?;
        let opening = opening(protocol, &history)?;
        // Room for a record per scheduled visit and laboratory date.
        history.clasi.reserve(timetable.visits.len());
        history.labs.reserve(timetable.labs.len());
        let pregnancy_tests = pregnancy_tests(protocol, &history.patient, start_date)
            .map_or_else(Vec::new, |calendar| {
                calendar.tests.iter().map(|slot| slot.date).collect()
            });
        Ok(FollowUp {
            algorithm,
            timetable,
            history,
            fold: Fold::new(algorithm, start_date, opening),
            pregnancy_tests,
            latest: start_date,
        })
    }

    /// The record so far, in normal form: [`super::decide`] on it gives the same decision.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The protocol's dates for this patient (visits, laboratory values).
    pub fn timetable(&self) -> &Timetable<'p> {
        &self.timetable
    }

    fn note(&mut self, date: Date) {
        self.latest = self.latest.max(date);
    }

    /// A CLASI assessment. It must be later than the last one and than the last dose change.
    pub fn add_clasi(&mut self, record: ClasiRecord) -> Result<(), HistoryError> {
        self.history.append_clasi(record)?;
        self.fold.reach(self.algorithm, record.date, false);
        self.fold
            .clasi(self.algorithm, record.date, record.activity.get());
        self.note(record.date);
        Ok(())
    }

    /// A SLEDAI-2K score, later than the last one.
    pub fn add_sledai(&mut self, record: SledaiRecord) -> Result<(), HistoryError> {
        self.history.append_sledai(record)?;
        self.fold
            .sledai(self.algorithm, record.date, record.score.get());
        self.note(record.date);
        Ok(())
    }

    /// A laboratory value, after the last one in the normal order (date, then test); gives
    /// its CTCAE grade (`None`: grade 0 or 1, which only the laboratory's LLN tells apart).
    pub fn add_lab(&mut self, record: LabRecord) -> Result<Option<CtcaeGrade>, HistoryError> {
        let grade = self.history.append_lab(record)?;
        self.fold.lab(self.algorithm, &record, grade);
        self.note(record.date);
        Ok(grade)
    }

    /// An event, after the last one in the normal order (date, then type, grade, term, note).
    pub fn add_event(&mut self, record: EventRecord) -> Result<(), HistoryError> {
        let date = record.date;
        self.history.append_event(record)?;
        let index = self.history.events.len() - 1;
        self.fold
            .event(self.algorithm, index, &self.history.events[index]);
        self.note(date);
        Ok(())
    }

    /// A nerve conduction study's conclusion, after the last study.
    pub fn add_nerve_conduction(
        &mut self,
        record: NerveConductionRecord,
    ) -> Result<(), HistoryError> {
        self.history.append_nerve_conduction(record)?;
        self.fold
            .nerve_conduction(self.algorithm, record.date, record.finding);
        self.note(record.date);
        Ok(())
    }

    /// Gives ladder position `level` from `from` on; the running dose period ends the day
    /// before (as [`History::give`]). `from` is after the last dose change and not before the
    /// last CLASI.
    pub fn give(&mut self, from: Date, level: usize) -> Result<(), HistoryError> {
        let index = self.history.doses.len();
        let Some(dose) = self.algorithm.ladder.get(level) else {
            return Err(HistoryError {
                field: format!("doses[{index}].level"),
                message: format!(
                    "no dose level at ladder position {level}; the ladder has {}",
                    self.algorithm.ladder.len()
                ),
            });
        };
        self.history.append_dose(from, &dose.id)?;
        // The period before ends the day before this one: a change, not a gap, so the fold,
        // which took it as open, reads it as the full record now does.
        self.fold.reach(self.algorithm, from, true);
        self.fold.dose(self.algorithm, from, None, Some(level));
        self.note(from);
        Ok(())
    }

    fn check(&self, as_of: Date) -> Result<(), DecideError> {
        if as_of < self.history.start_date {
            return Err(DecideError::AsOfBeforeStart {
                as_of,
                start: self.history.start_date,
            });
        }
        if as_of < self.latest {
            return Err(DecideError::AsOfBeforeRecord {
                as_of,
                latest: self.latest,
            });
        }
        Ok(())
    }

    /// The fold as a decision on `as_of` reads it: with the extension begun if it has started
    /// by then (the fold itself reaches it only when a record does).
    fn fold_on(&self, as_of: Date) -> Cow<'_, Fold> {
        let mut fold = Cow::Borrowed(&self.fold);
        if fold.extension.is_some_and(|opening| opening.on <= as_of) && !fold.extension_begun {
            fold.to_mut().reach(self.algorithm, as_of, true);
        }
        fold
    }

    /// The decision on `as_of` without its sentences.
    pub fn verdict(&self, as_of: Date) -> Result<Verdict<'p>, DecideError> {
        self.check(as_of)?;
        Ok(self.verdict_on(&self.fold_on(as_of), as_of))
    }

    fn verdict_on(&self, fold: &Fold, as_of: Date) -> Verdict<'p> {
        let next = |dates: &[Date]| {
            dates
                .get(dates.partition_point(|date| *date <= as_of))
                .copied()
        };
        let scheduled = Scheduled {
            visit: next(&self.timetable.visits),
            lab: next(&self.timetable.labs),
            pregnancy_test: next(&self.pregnancy_tests),
        };
        assess(self.algorithm, fold, as_of, scheduled, false)
    }

    /// The whole decision on `as_of`, as [`super::decide_following`] gives it on
    /// [`FollowUp::history`].
    pub fn decision(&self, as_of: Date) -> Result<Decision, DecideError> {
        self.check(as_of)?;
        let fold = self.fold_on(as_of);
        let verdict = self.verdict_on(&fold, as_of);
        Ok(explain(
            &verdict,
            &fold,
            &self.history,
            &[],
            0,
            Language::English,
        ))
    }
}
