//! Calendars: dates, windows, the open last segment, month arithmetic, pregnancy policies.

use protocol::schedule::{PregnancyOptions, Slot, calendar, pregnancy_calendar};

use crate::support::{date, shipped};

fn days(slots: &[Slot]) -> Vec<i32> {
    slots.iter().map(|slot| slot.day).collect()
}

#[test]
fn nct01408199_visits_every_4_weeks_6_times_then_every_12() {
    let protocol = shipped("nct01408199");
    let calendar = calendar(protocol.schedule(), date("2010-01-04"));
    assert_eq!(calendar.horizon, date("2012-07-04"));
    let visits = days(&calendar.visits);
    assert_eq!(&visits[..9], [0, 28, 56, 84, 112, 140, 168, 252, 336]);
    assert!(
        visits
            .windows(2)
            .skip(6)
            .all(|pair| pair[1] - pair[0] == 84)
    );
    assert!(calendar.visits.last().expect("visits").date <= calendar.horizon);
    let month1 = &calendar.visits[1];
    assert_eq!(
        (month1.earliest, month1.date, month1.latest),
        (date("2010-01-25"), date("2010-02-01"), date("2010-02-08"))
    );
    assert_eq!(calendar.visits[7].latest, date("2010-09-27")); // +/- 14 days on 12-weekly visits
}

#[test]
fn nct01408199_labs_weekly_for_8_weeks_then_every_4() {
    let protocol = shipped("nct01408199");
    let labs = days(&calendar(protocol.schedule(), date("2010-01-04")).labs);
    assert_eq!(
        &labs[..12],
        [0, 7, 14, 21, 28, 35, 42, 49, 56, 84, 112, 140]
    );
}

#[test]
fn us_label_pregnancy_tests_regular_and_irregular() {
    let protocol = shipped("nct01408199");
    let start = date("2010-01-04");
    let regular = pregnancy_calendar(protocol.schedule(), start, &PregnancyOptions::default())
        .expect("policy");
    assert_eq!(regular.policy, "us_label");
    assert_eq!(
        &days(&regular.tests)[..9],
        [-10, 0, 7, 14, 21, 28, 56, 84, 112]
    );
    let first = &regular.tests[0];
    assert_eq!(
        (first.earliest, first.latest),
        (date("2009-12-21"), date("2009-12-25"))
    );
    let within_24h = &regular.tests[1];
    assert_eq!(
        (within_24h.earliest, within_24h.latest),
        (date("2010-01-03"), start)
    );
    let irregular = pregnancy_calendar(
        protocol.schedule(),
        start,
        &PregnancyOptions {
            policy: None,
            irregular_menses: true,
        },
    )
    .expect("policy");
    assert_eq!(irregular.menses, "irregular");
    assert_eq!(
        &days(&irregular.tests)[..8],
        [-10, 0, 7, 14, 21, 28, 42, 56]
    );
}

#[test]
fn eu_policy_is_every_4_weeks_and_unknown_policies_are_named() {
    let protocol = shipped("nct01408199");
    let options = PregnancyOptions {
        policy: Some("eu_ppp".to_owned()),
        irregular_menses: true,
    };
    let eu = pregnancy_calendar(protocol.schedule(), date("2010-01-04"), &options).expect("policy");
    assert_eq!(&days(&eu.tests)[..3], [28, 56, 84]);
    assert_eq!(
        eu.menses, "regular",
        "EU has one interval whatever the menses"
    );
    let options = PregnancyOptions {
        policy: Some("uk".to_owned()),
        irregular_menses: false,
    };
    let error =
        pregnancy_calendar(protocol.schedule(), date("2010-01-04"), &options).expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "pregnancy policy: unknown 'uk'; allowed: us_label, eu_ppp"
    );
    let none = pregnancy_calendar(
        shipped("pediatric-review").schedule(),
        date("2010-01-04"),
        &PregnancyOptions::default(),
    );
    assert!(none.is_err());
}

#[test]
fn pediatric_review_has_two_time_points() {
    let protocol = shipped("pediatric-review");
    let calendar = calendar(protocol.schedule(), date("2015-01-31"));
    let dates: Vec<_> = calendar.visits.iter().map(|slot| slot.date).collect();
    assert_eq!(dates, [date("2015-01-31"), date("2015-07-31")]);
    assert_eq!(calendar.visits[1].earliest, date("2015-07-01"));
}

#[test]
fn months_are_added_from_the_anchor_without_drift() {
    let protocol = shipped("thalidomide-cohort");
    let calendar = calendar(protocol.schedule(), date("2010-08-31"));
    let nerve = &calendar.monitoring[0];
    assert_eq!(nerve.id, "nerve_conduction");
    let dates: Vec<_> = nerve.dates.iter().take(4).map(|slot| slot.date).collect();
    assert_eq!(
        dates,
        [
            date("2010-08-31"),
            date("2011-02-28"),
            date("2011-08-31"),
            date("2012-02-29")
        ]
    );
}

#[test]
fn a_start_at_the_end_of_the_calendar_terminates() {
    let protocol = shipped("nct01408199");
    let calendar = calendar(protocol.schedule(), date("9999-12-01"));
    assert_eq!(calendar.horizon, date("9999-12-31"));
    assert!(calendar.visits.len() <= 2, "{:?}", calendar.visits);
}
