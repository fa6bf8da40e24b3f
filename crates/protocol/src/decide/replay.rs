//! Replaying the record: the patient's state on `as_of` (cycle, complete response, taper,
//! pending relapse, maintenance level), learnt from the dated records in order.

use jiff::civil::Date;

use super::{Relapse, add_days};
use crate::history::{ClasiRecord, History, LabRecord};
use crate::load::Algorithm;
use crate::model::MaintenancePolicy;

/// The state of the current cycle, learnt by replaying the record.
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
    pub(super) relapse: Option<Relapse>,
    /// Tapering stops at this ladder position and holds it.
    pub(super) maintenance: Option<usize>,
}

pub(super) struct Replay {
    pub(super) cycle: Cycle,
    pub(super) level: usize,
    pub(super) level_since: Date,
    pub(super) started: bool,
    pub(super) pending_maintenance: Option<usize>,
    pub(super) first_complete: Option<Date>,
    pub(super) relapses: Vec<Relapse>,
    pub(super) deviations: Vec<String>,
}

/// The records that count for a decision on `as_of`, in date order.
pub(super) struct Course<'a> {
    pub(super) start: Date,
    pub(super) as_of: Date,
    pub(super) clasi_baseline: Option<u8>,
    pub(super) clasi: Vec<&'a ClasiRecord>,
    pub(super) sledai_baseline: Option<u8>,
    pub(super) sledai: Vec<(Date, u8)>,
    pub(super) labs: Vec<&'a LabRecord>,
    pub(super) ignored: Vec<String>,
}

impl<'a> Course<'a> {
    pub(super) fn new(history: &'a History, as_of: Date) -> Course<'a> {
        let start = history.start_date;
        let mut ignored = Vec::new();
        // `what` is formatted only for a record left out (this runs at every decision).
        let mut later = |what: std::fmt::Arguments<'_>, date: Date| {
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
            .filter(|r| later(format_args!("clasi"), r.date))
            .collect();
        let sledai: Vec<_> = history
            .sledai
            .iter()
            .filter(|r| later(format_args!("sledai"), r.date))
            .map(|r| (r.date, r.score.get()))
            .collect();
        let labs: Vec<_> = history
            .labs
            .iter()
            .filter(|r| later(format_args!("labs {}", r.test.id()), r.date))
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

/// Replays the records of `course` in date order (CLASI before a dose change on the same day).
pub(super) fn replay(algorithm: &Algorithm, history: &History, course: &Course) -> Replay {
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
