//! CLA-IGA-R: each item's grades on a study-set scale, refused above it naming the item, and
//! the erythema responder on both sides of its grade and of an optional improvement.

use instruments::cla_iga_r::{ClaIgaR, ClaIgaRResponder, ClaIgaRScales, Component};

/// The 0-4 scale an IGA commonly has, as a study would set it.
const ZERO_TO_FOUR: ClaIgaRScales = ClaIgaRScales {
    erythema: 4,
    other_morphology: 4,
    follicular_activity: 4,
};

fn erythema(grade: Option<u8>) -> ClaIgaR {
    ZERO_TO_FOUR
        .assess(grade, Some(0), Some(0))
        .expect("on the scale")
}

#[test]
fn grades_up_to_each_items_maximum() {
    for component in Component::ALL {
        for grade in 0..=4 {
            assert_eq!(
                ZERO_TO_FOUR.grade(component, grade).map(|g| g.value()),
                Ok(grade)
            );
        }
        assert!(ZERO_TO_FOUR.grade(component, 5).is_err());
    }
    #[track_caller]
    fn refused(component: Component, message: &str) {
        assert_eq!(
            ZERO_TO_FOUR.grade(component, 5).unwrap_err().to_string(),
            message
        );
    }
    refused(
        Component::Erythema,
        "CLA-IGA-R erythema must be 0 to 4, got 5",
    );
    refused(
        Component::OtherMorphology,
        "CLA-IGA-R other morphologic characteristics must be 0 to 4, got 5",
    );
    refused(
        Component::FollicularActivity,
        "CLA-IGA-R follicular activity must be 0 to 4, got 5",
    );
    // Each item has its own scale.
    let mixed = ClaIgaRScales {
        follicular_activity: 1,
        ..ZERO_TO_FOUR
    };
    assert!(mixed.grade(Component::FollicularActivity, 1).is_ok());
    assert!(mixed.grade(Component::FollicularActivity, 2).is_err());
    assert!(mixed.assess(Some(4), Some(4), Some(2)).is_err());
    let unassessed = mixed.assess(None, None, None).expect("nothing assessed");
    assert_eq!(unassessed.erythema, None);
}

#[test]
fn erythema_0_or_1_responds() {
    // (baseline erythema, current erythema) -> responder under the default (<= 1)
    #[track_caller]
    fn check(baseline: Option<u8>, current: Option<u8>, expect: Option<bool>) {
        let got = ClaIgaRResponder::default().judge(&erythema(baseline), &erythema(current));
        assert_eq!(got, expect, "{baseline:?} -> {current:?}");
    }
    check(Some(3), Some(0), Some(true));
    check(Some(3), Some(1), Some(true));
    check(Some(3), Some(2), Some(false));
    check(Some(4), Some(4), Some(false));
    // No improvement is asked by default: a baseline of 1 that stays 1 responds.
    check(Some(1), Some(1), Some(true));
    check(None, Some(1), Some(true));
    check(Some(3), None, None);
}

#[test]
fn an_improvement_can_be_asked() {
    let two_grades = ClaIgaRResponder {
        min_improvement: Some(2),
        ..ClaIgaRResponder::default()
    };
    #[track_caller]
    fn check(rule: ClaIgaRResponder, baseline: Option<u8>, current: u8, expect: Option<bool>) {
        let got = rule.judge(&erythema(baseline), &erythema(Some(current)));
        assert_eq!(got, expect, "{baseline:?} -> {current}");
    }
    check(two_grades, Some(3), 1, Some(true));
    check(two_grades, Some(2), 0, Some(true));
    check(two_grades, Some(2), 1, Some(false));
    check(two_grades, Some(4), 2, Some(false));
    check(two_grades, None, 0, None);
    let clear = ClaIgaRResponder {
        max_erythema: 0,
        min_improvement: None,
    };
    check(clear, Some(2), 0, Some(true));
    check(clear, Some(2), 1, Some(false));
}

#[test]
fn worked_example_scored_by_hand() {
    // Baseline erythema 3 (other 2, follicular 1); week 16 erythema 1 (other 1, follicular
    // 0). Erythema 1 <= 1: responder; with a 2-grade improvement asked, 3 - 1 = 2 >= 2: still.
    let baseline = ZERO_TO_FOUR
        .assess(Some(3), Some(2), Some(1))
        .expect("scale");
    let week_16 = ZERO_TO_FOUR
        .assess(Some(1), Some(1), Some(0))
        .expect("scale");
    assert_eq!(
        ClaIgaRResponder::default().judge(&baseline, &week_16),
        Some(true)
    );
    let two_grades = ClaIgaRResponder {
        min_improvement: Some(2),
        ..ClaIgaRResponder::default()
    };
    assert_eq!(two_grades.judge(&baseline, &week_16), Some(true));
}
