//! DLQI: each answer's points, question 7's form states, the meaning bands at every bound, the
//! missing-answer rule on both sides of its cut-off, and a worked example scored by hand.

use instruments::dlqi::{
    Answer, Band, Dlqi, DlqiRules, Impact, NoWithoutDegree, Question, Subscale, Work, band,
};
use serde_json::{Value, json};

/// Every question answered "not at all" (question 7: "no", then "not at all").
fn unaffected() -> Dlqi {
    Dlqi {
        q1: Some(Impact::NotAtAll),
        q2: Some(Impact::NotAtAll),
        q3: Some(Answer::NotAtAll),
        q4: Some(Answer::NotAtAll),
        q5: Some(Answer::NotAtAll),
        q6: Some(Answer::NotAtAll),
        q7: Some(Work::NoNotAtAll),
        q8: Some(Answer::NotAtAll),
        q9: Some(Answer::NotAtAll),
        q10: Some(Answer::NotAtAll),
    }
}

fn total(dlqi: &Dlqi) -> Option<u8> {
    dlqi.score(&DlqiRules::default()).total
}

#[test]
fn each_answer_scores_its_points() {
    #[track_caller]
    fn check(answer: Answer, expect: u8) {
        assert_eq!(answer.points(), expect, "{answer:?}");
    }
    check(Answer::NotAtAll, 0);
    check(Answer::ALittle, 1);
    check(Answer::ALot, 2);
    check(Answer::VeryMuch, 3);
    // "Not relevant" scores as "not at all" but stays a distinct answer.
    check(Answer::NotRelevant, 0);
    for (impact, expect) in [
        (Impact::NotAtAll, 0),
        (Impact::ALittle, 1),
        (Impact::ALot, 2),
        (Impact::VeryMuch, 3),
    ] {
        assert_eq!(impact.points(), expect, "{impact:?}");
        assert_eq!(Answer::from(impact).points(), expect, "{impact:?}");
    }
}

#[test]
fn question_7_scores_each_form_state() {
    #[track_caller]
    fn check(work: Work, rules: DlqiRules, expect: Option<u8>) {
        let dlqi = Dlqi {
            q7: Some(work),
            ..unaffected()
        };
        assert_eq!(dlqi.answered_points(&rules)[6], expect, "{work:?}");
    }
    let default = DlqiRules::default();
    check(Work::Prevented, default, Some(3));
    check(Work::NoALot, default, Some(2));
    check(Work::NoALittle, default, Some(1));
    check(Work::NoNotAtAll, default, Some(0));
    check(Work::NotRelevant, default, Some(0));
    check(Work::NoWithoutDegree, default, Some(0));
    let blank_is_unanswered = DlqiRules {
        work_no_without_degree: NoWithoutDegree::Unanswered,
        ..default
    };
    check(Work::NoWithoutDegree, blank_is_unanswered, None);
    check(Work::NoALittle, blank_is_unanswered, Some(1));
}

#[test]
fn bands_at_every_bound() {
    #[track_caller]
    fn check(total: u8, expect: Band) {
        assert_eq!(band(total), expect, "{total}");
    }
    check(0, Band::NoEffect);
    check(1, Band::NoEffect);
    check(2, Band::SmallEffect);
    check(5, Band::SmallEffect);
    check(6, Band::ModerateEffect);
    check(10, Band::ModerateEffect);
    check(11, Band::VeryLargeEffect);
    check(20, Band::VeryLargeEffect);
    check(21, Band::ExtremelyLargeEffect);
    check(30, Band::ExtremelyLargeEffect);
}

#[test]
fn lowest_and_highest_totals() {
    assert_eq!(total(&unaffected()), Some(0));
    let not_relevant = Dlqi {
        q3: Some(Answer::NotRelevant),
        q4: Some(Answer::NotRelevant),
        q5: Some(Answer::NotRelevant),
        q6: Some(Answer::NotRelevant),
        q7: Some(Work::NotRelevant),
        q8: Some(Answer::NotRelevant),
        q9: Some(Answer::NotRelevant),
        q10: Some(Answer::NotRelevant),
        ..unaffected()
    };
    assert_eq!(total(&not_relevant), Some(0));
    // 9 questions x 3 + question 7 "yes" 3 = 30.
    let worst = Dlqi {
        q1: Some(Impact::VeryMuch),
        q2: Some(Impact::VeryMuch),
        q3: Some(Answer::VeryMuch),
        q4: Some(Answer::VeryMuch),
        q5: Some(Answer::VeryMuch),
        q6: Some(Answer::VeryMuch),
        q7: Some(Work::Prevented),
        q8: Some(Answer::VeryMuch),
        q9: Some(Answer::VeryMuch),
        q10: Some(Answer::VeryMuch),
    };
    let score = worst.score(&DlqiRules::default());
    assert_eq!(score.total, Some(30));
    assert_eq!(score.band, Some(Band::ExtremelyLargeEffect));
    let subscales: Vec<Option<u8>> = score.subscales.iter().map(|(_, sum)| *sum).collect();
    assert_eq!(
        subscales,
        [Some(6), Some(6), Some(6), Some(3), Some(6), Some(3)]
    );
}

#[test]
fn missing_answers_on_both_sides_of_the_cut_off() {
    // (questions left unanswered, questions scored 0 by the rule) -> total
    #[track_caller]
    fn check(unanswered: &[usize], scored_zero: u8, expect: Option<u8>) {
        // Every question "a little" (1 point each, question 7 "no, a little"), then blanks.
        let mut dlqi = Dlqi {
            q1: Some(Impact::ALittle),
            q2: Some(Impact::ALittle),
            q3: Some(Answer::ALittle),
            q4: Some(Answer::ALittle),
            q5: Some(Answer::ALittle),
            q6: Some(Answer::ALittle),
            q7: Some(Work::NoALittle),
            q8: Some(Answer::ALittle),
            q9: Some(Answer::ALittle),
            q10: Some(Answer::ALittle),
        };
        for question in unanswered {
            match question {
                1 => dlqi.q1 = None,
                2 => dlqi.q2 = None,
                7 => dlqi.q7 = None,
                10 => dlqi.q10 = None,
                _ => unreachable!("the table blanks 1, 2, 7 and 10"),
            }
        }
        let rules = DlqiRules {
            unanswered_scored_zero: scored_zero,
            ..DlqiRules::default()
        };
        let score = dlqi.score(&rules);
        assert_eq!(score.total, expect, "{unanswered:?} with {scored_zero}");
        assert_eq!(score.unanswered.len(), unanswered.len());
        assert_eq!(score.band, expect.map(band));
    }
    check(&[], 1, Some(10));
    // One blank scores 0 (the default rule): 9 points, "moderate".
    check(&[7], 1, Some(9));
    check(&[1], 1, Some(9));
    // Two blanks: not calculated.
    check(&[1, 2], 1, None);
    check(&[7, 10], 1, None);
    // The cut-off is a setting: none scored 0, or two.
    check(&[10], 0, None);
    check(&[], 0, Some(10));
    check(&[1, 2], 2, Some(8));
    check(&[1, 2, 7], 2, None);
}

#[test]
fn sub_scales_outlive_a_total_that_is_not_calculated() {
    let dlqi = Dlqi {
        q1: None,
        q10: None,
        q5: Some(Answer::ALot),
        ..unaffected()
    };
    let score = dlqi.score(&DlqiRules::default());
    assert_eq!(score.total, None);
    assert_eq!(score.unanswered, [Question::Q1, Question::Q10]);
    assert_eq!(
        score.subscales,
        [
            (Subscale::SymptomsAndFeelings, None),
            (Subscale::DailyActivities, Some(0)),
            (Subscale::Leisure, Some(2)),
            (Subscale::WorkAndSchool, Some(0)),
            (Subscale::PersonalRelationships, Some(0)),
            (Subscale::Treatment, None),
        ]
    );
}

#[test]
fn worked_example_scored_by_hand() {
    // Q1 a lot 2, Q2 a little 1, Q3 not relevant 0, Q4 not at all 0, Q5 very much 3,
    // Q6 blank (the one blank: 0), Q7 "no" then a little 1, Q8 not at all 0,
    // Q9 not relevant 0, Q10 a little 1.
    // Total 2+1+0+0+3+0+1+0+0+1 = 8: "moderate effect" (6-10).
    // Sub-scales: symptoms 2+1 = 3, daily 0+0 = 0, leisure 3+0 = 3, work 1,
    // relationships 0+0 = 0, treatment 1; they add up to 8.
    let dlqi: Dlqi = serde_json::from_value(json!({
        "q1": "a_lot", "q2": "a_little", "q3": "not_relevant", "q4": "not_at_all",
        "q5": "very_much", "q6": null, "q7": "no_a_little", "q8": "not_at_all",
        "q9": "not_relevant", "q10": "a_little"
    }))
    .expect("reads");
    let score = dlqi.score(&DlqiRules::default());
    assert_eq!(score.total, Some(8));
    assert_eq!(score.band, Some(Band::ModerateEffect));
    assert_eq!(score.unanswered, [Question::Q6]);
    let subscales: Vec<Option<u8>> = score.subscales.iter().map(|(_, sum)| *sum).collect();
    assert_eq!(
        subscales,
        [Some(3), Some(0), Some(3), Some(1), Some(0), Some(1)]
    );
}

#[test]
fn json_refuses_what_the_form_cannot_say() {
    #[track_caller]
    fn refused(change: (&str, Value), needle: &str) {
        let mut doc = serde_json::to_value(unaffected()).expect("writes");
        match change.0.strip_prefix('-') {
            Some(key) => {
                doc.as_object_mut().unwrap().remove(key);
            }
            None => doc[change.0] = change.1.clone(),
        }
        let error = serde_json::from_value::<Dlqi>(doc).expect_err("refused");
        assert!(error.to_string().contains(needle), "{change:?}: {error}");
    }
    // Questions 1 and 2 have no "not relevant" box.
    refused(
        ("q1", json!("not_relevant")),
        "unknown variant `not_relevant`",
    );
    refused(
        ("q2", json!("not_relevant")),
        "unknown variant `not_relevant`",
    );
    refused(("q3", json!("sometimes")), "unknown variant `sometimes`");
    refused(("q7", json!("a_lot")), "unknown variant `a_lot`");
    refused(("q7", json!(3)), "expected");
    // Leaving a key out is an error, not a blank; `null` is the blank.
    refused(("-q10", Value::Null), "missing field `q10`");
    refused(("q11", json!("a_lot")), "unknown field `q11`");
    let mut blank = serde_json::to_value(unaffected()).unwrap();
    blank["q10"] = Value::Null;
    let read: Dlqi = serde_json::from_value(blank).expect("null is a blank");
    assert_eq!(read.q10, None);
}

#[test]
fn question_ids_are_stable() {
    let ids: Vec<&str> = Question::ALL.iter().map(|q| q.id()).collect();
    assert_eq!(
        ids,
        [
            "DLQI01", "DLQI02", "DLQI03", "DLQI04", "DLQI05", "DLQI06", "DLQI07", "DLQI08",
            "DLQI09", "DLQI10"
        ]
    );
}
