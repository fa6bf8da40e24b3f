//! Worst itch and pain NRS: the 0-10 bounds, and the 4-point responder on both sides of its
//! fall and of an optional minimum baseline.

use instruments::nrs::{Nrs, NrsResponder, Symptom};

fn nrs(value: u8) -> Nrs {
    Nrs::new(Symptom::WorstItch, value).expect("0 to 10")
}

#[test]
fn ratings_are_whole_numbers_0_to_10() {
    for symptom in [Symptom::WorstItch, Symptom::WorstPain] {
        assert_eq!(Nrs::new(symptom, 0).map(Nrs::value), Ok(0));
        assert_eq!(Nrs::new(symptom, 1).map(Nrs::value), Ok(1));
        assert_eq!(Nrs::new(symptom, 9).map(Nrs::value), Ok(9));
        assert_eq!(Nrs::new(symptom, 10).map(Nrs::value), Ok(10));
        assert!(Nrs::new(symptom, 11).is_err());
    }
    assert_eq!(
        Nrs::new(Symptom::WorstPain, 11).unwrap_err().to_string(),
        "worst pain NRS must be 0 to 10, got 11"
    );
    assert_eq!(
        Nrs::new(Symptom::WorstItch, 255).unwrap_err().to_string(),
        "worst itch NRS must be 0 to 10, got 255"
    );
}

#[test]
fn a_fall_of_4_points_responds() {
    // (baseline, current) -> responder under the default (fall >= 4, any baseline)
    #[track_caller]
    fn check(baseline: u8, current: u8, expect: Option<bool>) {
        let got = NrsResponder::default().judge(nrs(baseline), nrs(current));
        assert_eq!(got, expect, "{baseline} -> {current}");
    }
    check(8, 4, Some(true));
    check(8, 5, Some(false));
    check(10, 0, Some(true));
    check(10, 6, Some(true));
    check(10, 7, Some(false));
    check(4, 0, Some(true));
    // A baseline of 3 cannot fall 4 points: a non-responder by default.
    check(3, 0, Some(false));
    check(5, 9, Some(false));
    check(0, 0, Some(false));
}

#[test]
fn the_fall_and_the_minimum_baseline_are_settings() {
    let three = NrsResponder::new(3, None).expect("3 points");
    assert_eq!(three.judge(nrs(3), nrs(0)), Some(true));
    assert_eq!(three.judge(nrs(3), nrs(1)), Some(false));
    // Only baselines of 4 or more evaluable.
    let evaluable = NrsResponder::new(4, Some(4)).expect("setting");
    assert_eq!(evaluable.judge(nrs(3), nrs(0)), None);
    assert_eq!(evaluable.judge(nrs(4), nrs(0)), Some(true));
    assert_eq!(evaluable.judge(nrs(4), nrs(1)), Some(false));
    assert_eq!(NrsResponder::new(4, None), Ok(NrsResponder::default()));
    #[track_caller]
    fn refused(fall: u8, min_baseline: Option<u8>, message: &str) {
        assert_eq!(
            NrsResponder::new(fall, min_baseline)
                .unwrap_err()
                .to_string(),
            message
        );
    }
    refused(0, None, "the NRS responder fall must be 1 to 10, got 0");
    refused(11, None, "the NRS responder fall must be 1 to 10, got 11");
    refused(
        4,
        Some(11),
        "the NRS responder minimum baseline must be 0 to 10, got 11",
    );
    assert!(NrsResponder::new(10, Some(10)).is_ok());
    assert!(NrsResponder::new(1, Some(0)).is_ok());
}

#[test]
fn worked_example_scored_by_hand() {
    // Worst itch 7 at baseline, 3 at week 16: a fall of 7 - 3 = 4 points, >= 4: responder.
    // Worst pain 6 then 3: a fall of 3, < 4: not a responder.
    let responder = NrsResponder::default();
    assert_eq!(responder.judge(nrs(7), nrs(3)), Some(true));
    let pain = |value| Nrs::new(Symptom::WorstPain, value).expect("0 to 10");
    assert_eq!(responder.judge(pain(6), pain(3)), Some(false));
}
