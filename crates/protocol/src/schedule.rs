//! Calendars: visit, laboratory and pregnancy-test dates from a start date, each with its
//! window. A calendar is a chain of segments ("monthly 6 times, then every 3 months"): each
//! segment counts from the last date of the one before, and an open last segment repeats up
//! to the protocol's horizon. Months are added as calendar months from the segment's anchor
//! (31 January + 1 month = 28/29 February), never by chaining, so dates do not drift.

use jiff::civil::Date;
use jiff::{SignedDuration, ToSpan};
use serde::Serialize;

use crate::model::{PregnancyPolicy, ScheduleSpec, Segment, TimeUnit};

/// One scheduled date and the window in which doing it counts as on time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Slot {
    pub date: Date,
    /// Days from the start date (negative before it).
    pub day: i32,
    pub earliest: Date,
    pub latest: Date,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PregnancyCalendar {
    pub policy: String,
    pub text: String,
    pub menses: &'static str,
    pub tests: Vec<Slot>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Calendar {
    pub start: Date,
    pub horizon: Date,
    pub visits: Vec<Slot>,
    pub labs: Vec<Slot>,
    pub monitoring: Vec<MonitoringCalendar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pregnancy_tests: Option<PregnancyCalendar>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    let window = i64::from(window_days);
    Slot {
        date,
        day: days_between(start, date),
        earliest: add_days(date, -window),
        latest: add_days(date, window),
    }
}

/// Whole days from `from` to `to`.
pub fn days_between(from: Date, to: Date) -> i32 {
    // A civil day is 24 hours; the difference of two dates always fits an i32 of days.
    (to.duration_since(from).as_hours() / 24) as i32
}

/// `date` moved by `days` whole days (back when negative), saturating at the ends of the
/// calendar. Whole days as a duration, not a calendar span: the same date without the span's
/// bookkeeping (the engine moves dates at every decision).
pub fn add_days(date: Date, days: i64) -> Date {
    date.saturating_add(SignedDuration::from_secs(days.saturating_mul(86_400)))
}

/// The start date (the baseline) followed by each segment's dates up to `horizon`.
pub fn expand(segments: &[Segment], start: Date, horizon: Date) -> Vec<Slot> {
    Dates::new(segments, start, horizon)
        .map(|(date, window_days)| slot(start, date, window_days))
        .collect()
}

/// The dates of `expand(segments, start, horizon)` alone, in order (each later than the one
/// before), without their windows.
pub fn dates(segments: &[Segment], start: Date, horizon: Date) -> impl Iterator<Item = Date> {
    Dates::new(segments, start, horizon).map(|(date, _)| date)
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

/// The fewest days the horizon can be from a start date: calendar months differ in length, so
/// this is the shortest over every start in a four-year (leap) cycle. A day of the study that
/// must fall before the horizon for every subject is at most this.
pub fn shortest_horizon_days(spec: &ScheduleSpec) -> u32 {
    let first = jiff::civil::date(2023, 1, 1);
    (0..1461)
        .map(|offset| {
            let start = add_days(first, offset);
            let days = (horizon(spec, start) - start).get_days();
            u32::try_from(days).unwrap_or(0)
        })
        .min()
        .unwrap_or(0)
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
            let earliest = add_days(start, -i64::from(before.earliest_days));
            let latest = add_days(start, -i64::from(before.latest_days));
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
    use jiff::ToSpan;

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

    #[track_caller]
    fn check_days(from: &str, days: i64, expect: &str) {
        let from: Date = from.parse().expect("date");
        let expect: Date = expect.parse().expect("date");
        assert_eq!(add_days(from, days), expect, "{from} {days:+}");
        // As the calendar span of the same number of days gives it.
        assert_eq!(from.saturating_add(days.days()), expect, "{from} {days:+}");
    }

    #[test]
    fn whole_days_cross_month_and_year_ends_and_stop_at_the_calendar_ends() {
        check_days("2010-01-31", 1, "2010-02-01");
        check_days("2012-02-28", 1, "2012-02-29");
        check_days("2011-02-28", 1, "2011-03-01");
        check_days("2010-01-04", 0, "2010-01-04");
        check_days("2010-01-04", -30, "2009-12-05");
        check_days("2010-12-31", 1, "2011-01-01");
        check_days("9999-12-30", 1, "9999-12-31");
        check_days("9999-12-30", 2, "9999-12-31");
        check_days("-009999-01-02", -2, "-009999-01-01");
        assert_eq!(add_days(Date::MAX, i64::MAX), Date::MAX);
        assert_eq!(add_days(Date::MIN, i64::MIN), Date::MIN);
        let start: Date = "2010-01-04".parse().expect("date");
        for days in -1000..1000 {
            let date = add_days(start, days);
            assert_eq!(days_between(start, date), days as i32);
            assert_eq!(days_between(start, date), (date - start).get_days());
        }
    }

    #[test]
    fn the_dates_alone_are_the_calendars_in_strictly_increasing_order() {
        let start: Date = "2010-01-31".parse().expect("date");
        let horizon: Date = "2012-07-31".parse().expect("date");
        let dates: Vec<Date> = dates(&segments(), start, horizon).collect();
        let slots: Vec<Date> = expand(&segments(), start, horizon)
            .iter()
            .map(|slot| slot.date)
            .collect();
        assert_eq!(dates, slots);
        assert!(dates.windows(2).all(|pair| pair[0] < pair[1]), "{dates:?}");
        assert_eq!(dates.len(), 1 + 6 + 8);
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
