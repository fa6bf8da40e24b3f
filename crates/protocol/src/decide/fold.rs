//! The patient's state, learnt from the record one record at a time in date order (a CLASI
//! before a dose change on the same day: a visit assesses, then the new dose starts): which
//! cycle, whether complete response (CR) was reached, whether tapering began, a relapse not
//! yet acted on, a maintenance level; and what the stopping rules and flags read (flares,
//! graded laboratory values, events), each kept as it arrives so that no rule has to walk the
//! record again. [`super::decide`] folds the whole record at each call; a
//! [`super::FollowUp`] keeps its fold from visit to visit. Both fold through these methods.

use instruments::ctcae::CtcaeGrade;
use instruments::sledai::{Flare, classify_flare};
use jiff::civil::Date;

use super::{Opening, add_days, sub_days};
use crate::extension::Entry;
use crate::history::{EventKind, EventRecord, LabRecord, NerveFinding};
use crate::load::{Algorithm, StopTrigger};
use crate::model::{MaintenancePolicy, SledaiReference};

/// A relapse as the fold sees it: the dose level is a position on the taper ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RelapseAt {
    pub(super) date: Date,
    pub(super) activity: u8,
    pub(super) level: usize,
    pub(super) cycle: u32,
}

/// A CLASI activity and its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Scored {
    pub(super) date: Date,
    pub(super) activity: u8,
}

/// The state of the current cycle.
#[derive(Clone, Debug)]
pub(super) struct Cycle {
    pub(super) number: u32,
    pub(super) start: Date,
    /// The ladder position the cycle started at (escalation moves above it).
    pub(super) start_level: usize,
    pub(super) baseline: Option<u8>,
    pub(super) complete_on: Option<Date>,
    /// In CR since the last relapse: only then can a high score be a new relapse (a score
    /// that stays high after a relapse is the same relapse, not another).
    pub(super) in_remission: bool,
    pub(super) tapering: bool,
    pub(super) relapse: Option<RelapseAt>,
    /// Tapering stops at this ladder position and holds it.
    pub(super) maintenance: Option<usize>,
    /// The first-assessment week's due date, and the first day of its window.
    pub(super) assessment_due: Date,
    pub(super) assessment_from: Date,
    /// The week by which a partial response is judged: its date, and the first day of its
    /// window.
    pub(super) response_due: Date,
    pub(super) response_from: Date,
    /// The cycle's first CLASI inside that window or later (the one the first assessment reads).
    pub(super) assessed: Option<Scored>,
    /// The cycle's latest CLASI.
    pub(super) latest: Option<Scored>,
}

impl Cycle {
    fn new(algorithm: &Algorithm, number: u32, start: Date, level: usize) -> Cycle {
        let settings = &algorithm.settings;
        let assessment_due = add_days(start, settings.assessment_week * 7);
        let response_due = add_days(start, settings.response.partial_by_week * 7);
        Cycle {
            number,
            start,
            start_level: level,
            baseline: None,
            complete_on: None,
            in_remission: false,
            tapering: false,
            relapse: None,
            maintenance: None,
            assessment_due,
            assessment_from: sub_days(assessment_due, settings.window_days),
            response_due,
            response_from: sub_days(response_due, settings.window_days),
            assessed: None,
            latest: None,
        }
    }
}

/// What met a stopping rule first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Found {
    Event(EventKind),
    Lab(LabRecord, CtcaeGrade),
    /// A flare, with the SLEDAI-2K change that showed it.
    Flare(SledaiChange),
    /// An adverse event, by its index in the record's events (its term is read from there).
    AdverseEvent(usize),
    /// A nerve conduction study's finding.
    NerveConduction(NerveFinding),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Trigger {
    pub(super) date: Date,
    pub(super) found: Found,
}

/// Two dose records that overlap: the earlier level, its end, the later level and its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Overlap {
    pub(super) level: usize,
    pub(super) until: Date,
    pub(super) next: usize,
    pub(super) from: Date,
}

/// A SLEDAI-2K score after the start, classified against its reference (the score before it or
/// the baseline, as the protocol says): what a flare sentence quotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SledaiChange {
    pub(super) date: Date,
    pub(super) score: u8,
    /// The reference score and its date; `None` without one (no baseline SLEDAI-2K).
    pub(super) reference: Option<(u8, Date)>,
    pub(super) flare: Option<Flare>,
}

/// An adverse event at or above the toxicity flag grade, by its index in the record's events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Flagged {
    pub(super) date: Date,
    pub(super) grade: CtcaeGrade,
    pub(super) event: usize,
}

#[derive(Clone, Debug)]
pub(super) struct Fold {
    pub(super) start: Date,
    pub(super) clasi_baseline: Option<u8>,
    /// The baseline SLEDAI-2K score and its date.
    pub(super) sledai_baseline: Option<(u8, Date)>,
    /// The latest SLEDAI-2K score (baseline or not) and its date: the reference of the next
    /// change when flares are measured against the previous score.
    sledai_latest: Option<(u8, Date)>,
    /// The latest SLEDAI-2K after the start, with its change and the flare it shows.
    pub(super) sledai: Option<SledaiChange>,
    pub(super) cycle: Cycle,
    pub(super) level: usize,
    pub(super) level_since: Date,
    /// The end of the latest dose record, while nothing has followed it.
    dose_end: Option<Date>,
    pub(super) started: bool,
    pub(super) pending_maintenance: Option<usize>,
    pub(super) first_complete: Option<Date>,
    pub(super) relapses: Vec<RelapseAt>,
    pub(super) overlaps: Vec<Overlap>,
    /// The first record that met each stopping rule (as `Algorithm::stops`): a stop is sticky.
    pub(super) stops: Vec<Option<Trigger>>,
    /// The latest value of each monitored laboratory test (as `Algorithm::toxicity_labs`) with
    /// its CTCAE grade, graded once.
    pub(super) monitored: Vec<Option<(LabRecord, Option<CtcaeGrade>)>>,
    /// Adverse events at or above the flag grade, in date order (the look-back reads the end).
    pub(super) flagged: Vec<Flagged>,
    /// The events the protocol counts as deviations, by index into the history's events.
    pub(super) deviation_events: Vec<usize>,
    /// The protocol's open-label extension for this subject, if it has one.
    pub(super) extension: Option<Opening>,
    /// The extension has begun (the fold has reached its first day).
    pub(super) extension_begun: bool,
    /// Restarted at the extension, with no dose given since: the start level is asked for.
    pub(super) awaiting_open_label_dose: bool,
    /// The cycle the extension restarted the subject in, and its baseline CLASI activity.
    pub(super) restarted_as: Option<(u32, Option<u8>)>,
}

impl Fold {
    /// The flare the latest SLEDAI-2K after the start shows.
    pub(super) fn flare(&self) -> Option<Flare> {
        self.sledai.and_then(|change| change.flare)
    }

    /// Nothing recorded yet for a patient starting on `start`, under the protocol's open-label
    /// extension if it has one.
    pub(super) fn new(algorithm: &Algorithm, start: Date, extension: Option<Opening>) -> Fold {
        Fold {
            start,
            clasi_baseline: None,
            sledai_baseline: None,
            sledai_latest: None,
            sledai: None,
            cycle: Cycle::new(algorithm, 1, start, algorithm.start),
            level: algorithm.start,
            level_since: start,
            dose_end: None,
            started: false,
            pending_maintenance: None,
            first_complete: None,
            relapses: Vec::new(),
            overlaps: Vec::new(),
            stops: vec![None; algorithm.stops.len()],
            monitored: vec![None; algorithm.toxicity_labs.len()],
            flagged: Vec::new(),
            deviation_events: Vec::new(),
            extension,
            extension_begun: false,
            awaiting_open_label_dose: false,
            restarted_as: None,
        }
    }

    /// A record dated `date` comes next (`inclusive`: a dose, or the decision's own date). The
    /// extension begins first if it has started by then: a CLASI on its first day is read
    /// before it (the extension's baseline), a dose on that day after it (the first open-label
    /// dose).
    pub(super) fn reach(&mut self, algorithm: &Algorithm, date: Date, inclusive: bool) {
        let Some(opening) = self.extension else {
            return;
        };
        if self.extension_begun || date < opening.on || (date == opening.on && !inclusive) {
            return;
        }
        self.extension_begun = true;
        if opening.entry == Some(Entry::Restart) {
            // The latest CLASI activity so far: the cycle's latest, or its baseline when none
            // came since it started.
            let baseline = self
                .cycle
                .latest
                .map(|latest| latest.activity)
                .or(self.cycle.baseline);
            let mut cycle = Cycle::new(
                algorithm,
                self.cycle.number + 1,
                opening.on,
                algorithm.start,
            );
            cycle.baseline = baseline;
            self.restarted_as = Some((cycle.number, baseline));
            self.cycle = cycle;
            self.pending_maintenance = None;
            // A subject already on the start level goes on taking it: no new dose is needed.
            self.awaiting_open_label_dose =
                self.level_on(algorithm, opening.on).0 != algorithm.start;
        }
    }

    /// A dose record that ended with nothing after it leaves the patient off the drug from the
    /// day after its end. A record starting that next day is a change, not a gap; an
    /// assessment on that day still reflects the level just ended.
    fn close_gap(&mut self, algorithm: &Algorithm, date: Date) {
        if let Some((level, since)) = self.gap(algorithm, date) {
            self.level = level;
            self.level_since = since;
            self.dose_end = None;
        }
    }

    fn gap(&self, algorithm: &Algorithm, date: Date) -> Option<(usize, Date)> {
        let after = add_days(self.dose_end?, 1);
        (after < date).then_some((algorithm.off(), after))
    }

    /// The level given on `as_of` and since when (a dose record that ended before it is over).
    pub(super) fn level_on(&self, algorithm: &Algorithm, as_of: Date) -> (usize, Date) {
        self.gap(algorithm, add_days(as_of, 1))
            .unwrap_or((self.level, self.level_since))
    }

    /// A CLASI activity: on or before the start it is the baseline (the latest counts).
    pub(super) fn clasi(&mut self, algorithm: &Algorithm, date: Date, activity: u8) {
        if date <= self.start {
            self.clasi_baseline = Some(activity);
            if self.cycle.number == 1 {
                self.cycle.baseline = Some(activity);
            }
            return;
        }
        self.close_gap(algorithm, date);
        let settings = &algorithm.settings;
        let off = algorithm.off();
        let cycle = &mut self.cycle;
        if date > cycle.start {
            let scored = Scored { date, activity };
            cycle.latest = Some(scored);
            if cycle.assessed.is_none() && date >= cycle.assessment_from {
                cycle.assessed = Some(scored);
            }
        }
        if activity <= settings.response.complete_max_activity {
            cycle.complete_on.get_or_insert(date);
            cycle.in_remission = true;
            self.first_complete.get_or_insert(date);
        } else if cycle.in_remission
            && cycle.relapse.is_none()
            && activity >= settings.response.relapse_min_activity
            // A relapse is "while reducing medication or after its withdrawal" (paper,
            // Results): before the first taper step a high score is a lost response, which
            // holds the dose instead.
            && (cycle.tapering || self.level == off)
        {
            cycle.in_remission = false;
            let relapse = RelapseAt {
                date,
                activity,
                level: self.level,
                cycle: cycle.number,
            };
            let during_taper = cycle.tapering && self.level != off && self.level > 0;
            if settings.maintenance.policy != MaintenancePolicy::None
                && cycle.number >= settings.maintenance.from_cycle
                && during_taper
            {
                self.pending_maintenance = Some(self.level - 1);
            }
            self.relapses.push(relapse);
            cycle.relapse = Some(relapse);
        }
    }

    /// A dose record from `from` (to `to`, open when `None`) at ladder position `level` (`None`
    /// for a level not on the ladder, which is not used). Doses before the start are not used.
    pub(super) fn dose(
        &mut self,
        algorithm: &Algorithm,
        from: Date,
        to: Option<Date>,
        level: Option<usize>,
    ) {
        if from < self.start {
            return;
        }
        self.awaiting_open_label_dose = false;
        if !self.started {
            self.started = true;
            // The first cycle starts at the level given on the start date, if one was.
            if from == self.start
                && let Some(level) = level
            {
                self.level = level;
                self.cycle.start_level = level;
            }
        }
        self.close_gap(algorithm, from);
        let Some(level) = level else {
            return;
        };
        if let Some(until) = self.dose_end
            && until >= from
        {
            self.overlaps.push(Overlap {
                level: self.level,
                until,
                next: level,
                from,
            });
        }
        let settings = &algorithm.settings;
        let cycle = &mut self.cycle;
        if let Some(relapse) = cycle.relapse
            && level == algorithm.reintroduce
        {
            let maintenance = match settings.maintenance.policy {
                MaintenancePolicy::ReinduceThenHold => self.pending_maintenance.take(),
                _ => None,
            };
            let mut next = Cycle::new(algorithm, cycle.number + 1, from, level);
            next.baseline = Some(relapse.activity);
            next.maintenance = maintenance;
            *cycle = next;
        } else if cycle.relapse.is_some()
            && settings.maintenance.policy == MaintenancePolicy::HoldImmediately
            && self.pending_maintenance == Some(level)
        {
            cycle.maintenance = self.pending_maintenance.take();
            cycle.relapse = None;
        } else if cycle.complete_on.is_some() && level > self.level {
            cycle.tapering = true;
        }
        self.level = level;
        self.level_since = from;
        self.dose_end = to;
    }

    /// A SLEDAI-2K score: on or before the start it is the baseline (the latest counts); after
    /// it, it is classified against its reference and may trigger a flare stop.
    pub(super) fn sledai(&mut self, algorithm: &Algorithm, date: Date, score: u8) {
        if date <= self.start {
            self.sledai_baseline = Some((score, date));
            self.sledai_latest = Some((score, date));
            return;
        }
        let settings = &algorithm.settings.flare;
        let reference = match settings.reference {
            SledaiReference::Previous => self.sledai_latest,
            SledaiReference::Baseline => self.sledai_baseline,
        };
        self.sledai_latest = Some((score, date));
        let flare =
            reference.and_then(|(reference, _)| classify_flare(settings.rule, reference, score));
        let change = SledaiChange {
            date,
            score,
            reference,
            flare,
        };
        self.sledai = Some(change);
        if let Some(flare) = flare {
            self.first(algorithm, date, |trigger| match trigger {
                StopTrigger::Flare(level) => (flare >= *level).then_some(Found::Flare(change)),
                _ => None,
            });
        }
    }

    /// A laboratory value after the start with its CTCAE grade (one on or before the start is
    /// a screening value: eligibility, not toxicity).
    pub(super) fn lab(
        &mut self,
        algorithm: &Algorithm,
        lab: &LabRecord,
        grade: Option<CtcaeGrade>,
    ) {
        if lab.date <= self.start {
            return;
        }
        self.first(algorithm, lab.date, |trigger| match trigger {
            StopTrigger::LabGrade { tests, min_grade } if tests.contains(&lab.test) => grade
                .filter(|grade| grade >= min_grade)
                .map(|grade| Found::Lab(*lab, grade)),
            _ => None,
        });
        for (latest, test) in self.monitored.iter_mut().zip(&algorithm.toxicity_labs) {
            if *test == lab.test {
                *latest = Some((*lab, grade));
            }
        }
    }

    /// An event from the start on; `index` is its place in the record's events.
    pub(super) fn event(&mut self, algorithm: &Algorithm, index: usize, event: &EventRecord) {
        if event.date < self.start {
            return;
        }
        self.first(algorithm, event.date, |trigger| match trigger {
            StopTrigger::Event(kind) => (event.kind == *kind).then_some(Found::Event(*kind)),
            StopTrigger::AdverseEvent { term, min_grade } => (event.kind
                == EventKind::AdverseEvent
                && (term.is_none() || event.term == *term)
                && event.grade.is_some_and(|grade| grade >= min_grade.number()))
            .then_some(Found::AdverseEvent(index)),
            _ => None,
        });
        if event.kind == EventKind::AdverseEvent
            && let Some(grade) = event
                .grade
                .and_then(CtcaeGrade::from_number)
                .filter(|grade| *grade >= algorithm.toxicity_flag_grade)
        {
            self.flagged.push(Flagged {
                date: event.date,
                grade,
                event: index,
            });
        }
        if algorithm.deviation_events.contains(&event.kind) {
            self.deviation_events.push(index);
        }
    }

    /// A nerve conduction study from the start on (one before it is the baseline study).
    pub(super) fn nerve_conduction(
        &mut self,
        algorithm: &Algorithm,
        date: Date,
        finding: NerveFinding,
    ) {
        if date <= self.start {
            return;
        }
        self.first(algorithm, date, |trigger| match trigger {
            StopTrigger::NerveConduction(wanted) => {
                (*wanted == finding).then_some(Found::NerveConduction(finding))
            }
            _ => None,
        });
    }

    /// Notes `date` for each stopping rule not met before whose trigger `meets`.
    fn first(
        &mut self,
        algorithm: &Algorithm,
        date: Date,
        meets: impl Fn(&StopTrigger) -> Option<Found>,
    ) {
        for (first, stop) in self.stops.iter_mut().zip(&algorithm.stops) {
            if first.is_none()
                && let Some(found) = meets(&stop.trigger)
            {
                *first = Some(Trigger { date, found });
            }
        }
    }

    /// The flagged adverse events of the toxicity look-back window before `as_of` (from the
    /// start on; the fold holds nothing after `as_of`).
    pub(super) fn in_lookback(&self, algorithm: &Algorithm, as_of: Date) -> &[Flagged] {
        let since = sub_days(as_of, algorithm.settings.toxicity.lookback_days).max(self.start);
        &self.flagged[self.flagged.partition_point(|flagged| flagged.date < since)..]
    }

    /// The worst CTCAE grade at or above the flag grade: the latest value of each monitored
    /// test, and the adverse events of the look-back window.
    pub(super) fn worst_toxicity(&self, algorithm: &Algorithm, as_of: Date) -> Option<CtcaeGrade> {
        let flag = algorithm.toxicity_flag_grade;
        let labs = self
            .monitored
            .iter()
            .flatten()
            .filter_map(|(_, grade)| grade.filter(|grade| *grade >= flag));
        let events = self
            .in_lookback(algorithm, as_of)
            .iter()
            .map(|flagged| flagged.grade);
        labs.chain(events).max()
    }
}
