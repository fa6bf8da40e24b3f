//! Calendars: visit, laboratory and pregnancy-test dates from a start date, each with its
//! window. A calendar is a chain of segments ("monthly 6 times, then every 3 months"): each
//! segment counts from the last date of the one before, and an open last segment repeats up
//! to the protocol's horizon. Months are added as calendar months from the segment's anchor
//! (31 January + 1 month = 28/29 February), never by chaining, so dates do not drift.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::model::{PregnancyPolicy, ScheduleSpec, Segment, TimeUnit};

/// One scheduled date and the window in which doing it counts as on time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub date: Date,
    /// Days from the start date (negative before it).
    pub day: i32,
    pub earliest: Date,
    pub latest: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PregnancyCalendar {
    pub policy: String,
    pub text: String,
    pub menses: &'static str,
    pub tests: Vec<Slot>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Calendar {
    pub start: Date,
    pub horizon: Date,
    pub visits: Vec<Slot>,
    pub labs: Vec<Slot>,
    pub monitoring: Vec<MonitoringCalendar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pregnancy_tests: Option<PregnancyCalendar>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonitoringCalendar {
    pub id: String,
    pub text: String,
    pub dates: Vec<Slot>,
}

/// Which pregnancy-testing calendar to add for a woman of reproductive potential.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PregnancyOptions {
    /// A policy id of the protocol; the first listed when `None`.
    pub policy: Option<String>,
    pub irregular_menses: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("pregnancy policy: unknown '{wanted}'; allowed: {allowed}")]
    UnknownPolicy { wanted: String, allowed: String },
    #[error("pregnancy policy: this protocol defines no pregnancy-testing policy")]
    NoPolicy,
}

fn step(unit: TimeUnit, count: i64) -> jiff::Span {
    match unit {
        TimeUnit::Days => count.days(),
        TimeUnit::Weeks => (count * 7).days(),
        TimeUnit::Months => count.months(),
    }
}

fn slot(start: Date, date: Date, window_days: u32) -> Slot {
    let window = i64::from(window_days).days();
    Slot {
        date,
        day: days_between(start, date),
        earliest: date.saturating_sub(window),
        latest: date.saturating_add(window),
    }
}

/// Whole days from `from` to `to`.
pub fn days_between(from: Date, to: Date) -> i32 {
    (to - from).get_days()
}

/// The start date (the baseline) followed by each segment's dates up to `horizon`.
pub fn expand(segments: &[Segment], start: Date, horizon: Date) -> Vec<Slot> {
    Dates::new(segments, start, horizon)
        .map(|(date, window_days)| slot(start, date, window_days))
        .collect()
}

/// The first date of `expand(segments, start, horizon)` after `after`, without building the
/// calendar (the engine asks this at every decision).
pub fn next_date_after(
    segments: &[Segment],
    start: Date,
    horizon: Date,
    after: Date,
) -> Option<Date> {
    Dates::new(segments, start, horizon)
        .map(|(date, _)| date)
        .find(|&date| date > after)
}

/// The dates of a calendar, in order, each with its window in days: the start, then each
/// segment counted from the last date of the one before, up to `horizon`.
struct Dates<'a> {
    segments: &'a [Segment],
    start: Date,
    horizon: Date,
    started: bool,
    /// The segment being counted, its anchor, its latest date, and the next count.
    index: usize,
    anchor: Date,
    last: Date,
    k: i64,
}

impl<'a> Dates<'a> {
    fn new(segments: &'a [Segment], start: Date, horizon: Date) -> Dates<'a> {
        Dates {
            segments,
            start,
            horizon,
            started: false,
            index: 0,
            anchor: start,
            last: start,
            k: 1,
        }
    }
}

impl Iterator for Dates<'_> {
    type Item = (Date, u32);

    fn next(&mut self) -> Option<(Date, u32)> {
        if !self.started {
            self.started = true;
            return Some((self.start, 0));
        }
        loop {
            let segment = self.segments.get(self.index)?;
            let limit = segment.times.map_or(i64::MAX, i64::from);
            if self.k <= limit
                // Past the end of the calendar (year 9999) there are no more dates.
                && let Ok(date) = self
                    .anchor
                    .checked_add(step(segment.unit, self.k * i64::from(segment.every)))
                && date <= self.horizon
            {
                self.last = date;
                self.k += 1;
                return Some((date, segment.window_days));
            }
            self.anchor = self.last;
            self.index += 1;
            self.k = 1;
        }
    }
}

/// The horizon: the last date any calendar of the protocol runs to.
pub fn horizon(spec: &ScheduleSpec, start: Date) -> Date {
    start.saturating_add(i64::from(spec.horizon_months).months())
}

/// The visit and lab calendar of a protocol from `start` (no pregnancy tests).
pub fn calendar(spec: &ScheduleSpec, start: Date) -> Calendar {
    let horizon = horizon(spec, start);
    Calendar {
        start,
        horizon,
        visits: expand(&spec.visits, start, horizon),
        labs: if spec.labs.is_empty() {
            Vec::new()
        } else {
            expand(&spec.labs, start, horizon)
        },
        monitoring: spec
            .monitoring
            .iter()
            .map(|monitoring| MonitoringCalendar {
                id: monitoring.id.clone(),
                text: monitoring.text.clone(),
                dates: expand(&monitoring.segments, start, horizon),
            })
            .collect(),
        pregnancy_tests: None,
    }
}

fn choose_policy<'a>(
    spec: &'a ScheduleSpec,
    options: &PregnancyOptions,
) -> Result<&'a PregnancyPolicy, ScheduleError> {
    match &options.policy {
        None => spec.pregnancy_tests.first().ok_or(ScheduleError::NoPolicy),
        Some(wanted) => spec
            .pregnancy_tests
            .iter()
            .find(|policy| &policy.id == wanted)
            .ok_or_else(|| ScheduleError::UnknownPolicy {
                wanted: wanted.clone(),
                allowed: spec
                    .pregnancy_tests
                    .iter()
                    .map(|policy| policy.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}

/// The pregnancy tests of a woman of reproductive potential, by the chosen policy.
pub fn pregnancy_calendar(
    spec: &ScheduleSpec,
    start: Date,
    options: &PregnancyOptions,
) -> Result<PregnancyCalendar, ScheduleError> {
    let horizon = horizon(spec, start);
    let policy = choose_policy(spec, options)?;
    let irregular = options.irregular_menses && !policy.irregular.is_empty();
    let segments = if irregular {
        &policy.irregular
    } else {
        &policy.regular
    };
    let mut tests: Vec<Slot> = policy
        .before_start
        .iter()
        .map(|before| {
            let earliest = start.saturating_sub(i64::from(before.earliest_days).days());
            let latest = start.saturating_sub(i64::from(before.latest_days).days());
            Slot {
                date: latest,
                day: days_between(start, latest),
                earliest,
                latest,
            }
        })
        .collect();
    // `expand` puts the start itself first; a test on day 0 is only due if a policy says so.
    tests.extend(expand(segments, start, horizon).into_iter().skip(1));
    tests.sort_by_key(|slot| slot.date);
    Ok(PregnancyCalendar {
        policy: policy.id.clone(),
        text: policy.text.clone(),
        menses: if irregular { "irregular" } else { "regular" },
        tests,
    })
}

/// The first slot strictly after `date`.
pub fn next_after(slots: &[Slot], date: Date) -> Option<Date> {
    slots.iter().map(|slot| slot.date).find(|&slot| slot > date)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Monthly 6 times, then every 3 months: the paper's visits.
    fn segments() -> Vec<Segment> {
        vec![
            Segment {
                every: 1,
                unit: TimeUnit::Months,
                times: Some(6),
                window_days: 7,
            },
            Segment {
                every: 3,
                unit: TimeUnit::Months,
                times: None,
                window_days: 14,
            },
        ]
    }

    #[track_caller]
    fn check(after: &str, expect: Option<&str>) {
        let start: Date = "2010-01-31".parse().expect("date");
        let horizon: Date = "2012-07-31".parse().expect("date");
        let after: Date = after.parse().expect("date");
        let expanded = next_after(&expand(&segments(), start, horizon), after);
        let walked = next_date_after(&segments(), start, horizon, after);
        assert_eq!(walked, expanded, "{after}");
        assert_eq!(
            walked,
            expect.map(|text| text.parse().expect("date")),
            "{after}"
        );
    }

    #[test]
    fn the_next_date_is_the_one_the_expanded_calendar_gives() {
        check("2010-01-31", Some("2010-02-28"));
        check("2010-02-27", Some("2010-02-28"));
        check("2010-02-28", Some("2010-03-31"));
        // The sixth monthly visit, then the three-monthly segment counts from it.
        check("2010-07-30", Some("2010-07-31"));
        check("2010-07-31", Some("2010-10-31"));
        check("2012-04-30", Some("2012-07-31"));
        check("2012-07-31", None);
    }
}
