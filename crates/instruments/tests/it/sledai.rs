//! SLEDAI-2K: weights, maximum, duplicates, window, and both flare rules on both sides of
//! every boundary.

use instruments::sledai::{Descriptor, Flare, FlareRule, Sledai2k, Window, classify_flare};

fn assessment(ids: &[&str]) -> Sledai2k {
    let json = serde_json::json!({ "descriptors": ids });
    serde_json::from_value(json).unwrap()
}

#[test]
fn weights_follow_the_form() {
    #[track_caller]
    fn check(ids: &[&str], expect: u8) {
        assert_eq!(assessment(ids).score(), expect, "{ids:?}");
    }
    check(&[], 0);
    for id in [
        "seizure",
        "psychosis",
        "organic_brain_syndrome",
        "visual_disturbance",
        "cranial_nerve_disorder",
        "lupus_headache",
        "cva",
        "vasculitis",
    ] {
        check(&[id], 8);
    }
    for id in [
        "arthritis",
        "myositis",
        "urinary_casts",
        "hematuria",
        "proteinuria",
        "pyuria",
    ] {
        check(&[id], 4);
    }
    for id in [
        "rash",
        "alopecia",
        "mucosal_ulcers",
        "pleurisy",
        "pericarditis",
        "low_complement",
        "increased_dna_binding",
    ] {
        check(&[id], 2);
    }
    for id in ["fever", "thrombocytopenia", "leukopenia"] {
        check(&[id], 1);
    }
    check(&["arthritis", "rash", "low_complement"], 8);
    // A descriptor listed twice counts once.
    check(&["rash", "rash", "arthritis", "arthritis"], 6);
}

#[test]
fn all_24_descriptors_score_105() {
    assert_eq!(Descriptor::ALL.len(), 24);
    let all = Sledai2k {
        descriptors: Descriptor::ALL.into_iter().collect(),
        window: Window::Days10,
    };
    assert_eq!(all.score(), 105);
}

#[test]
fn window_defaults_to_10_days_and_is_kept() {
    assert_eq!(assessment(&["rash"]).window, Window::Days10);
    let json = serde_json::json!({ "descriptors": ["rash"], "window": "30d" });
    let thirty: Sledai2k = serde_json::from_value(json).unwrap();
    assert_eq!(thirty.window, Window::Days30);
    assert_eq!(serde_json::to_value(Window::Days10).unwrap(), "10d");
}

#[test]
fn flare_rules_on_both_sides_of_every_boundary() {
    #[track_caller]
    fn check(rule: FlareRule, previous: u8, current: u8, expect: Option<Flare>) {
        assert_eq!(
            classify_flare(rule, previous, current),
            expect,
            "{rule:?} {previous} -> {current}"
        );
    }
    use Flare::{Mild, Severe};
    use FlareRule::{ChangeScore, Selena};
    // The trial paper: increase > 3 mild, increase > 12 severe [S20, S17].
    check(ChangeScore, 2, 5, None);
    check(ChangeScore, 2, 6, Some(Mild));
    check(ChangeScore, 0, 12, Some(Mild));
    check(ChangeScore, 0, 13, Some(Severe));
    check(ChangeScore, 10, 22, Some(Mild));
    check(ChangeScore, 10, 23, Some(Severe));
    check(ChangeScore, 10, 2, None);
    check(ChangeScore, 20, 20, None);
    // SELENA flare index: increase >= 3 mild/moderate; new score > 12 severe [S16, S17].
    check(Selena, 2, 4, None);
    check(Selena, 2, 5, Some(Mild));
    check(Selena, 9, 12, Some(Mild));
    check(Selena, 10, 13, Some(Severe));
    check(Selena, 12, 13, Some(Severe));
    check(Selena, 12, 12, None);
    check(Selena, 14, 14, None);
    check(Selena, 16, 14, None);
    check(Selena, 14, 16, Some(Severe));
    // Where the rules disagree.
    check(ChangeScore, 4, 7, None);
    check(Selena, 4, 7, Some(Mild));
    check(ChangeScore, 8, 14, Some(Mild));
    check(Selena, 8, 14, Some(Severe));
    assert_eq!(FlareRule::default(), ChangeScore);
}

#[test]
fn json_input_refuses_unknown_ids_keys_and_windows() {
    use instruments::input::read_sledai;
    #[track_caller]
    fn check_refused(text: &str, path: &str, needle: &str) {
        let error = read_sledai(text).unwrap_err();
        assert_eq!(error.path, path, "{text}: {error}");
        assert!(error.message.contains(needle), "{text}: {error}");
    }
    check_refused(
        r#"{"descriptors": ["rash", "nephritis"]}"#,
        "descriptors[1]",
        "unknown variant `nephritis`",
    );
    check_refused(
        r#"{"descriptors": ["rash"], "window": "7d"}"#,
        "window",
        "`10d` or `30d`",
    );
    check_refused(
        r#"{"descriptors": ["rash"], "score": 2}"#,
        "score",
        "unknown field",
    );
    check_refused(r#"{"descriptors": "rash"}"#, "descriptors", "invalid type");
    check_refused(r#"{}"#, "input", "missing field `descriptors`");
    let ok =
        read_sledai(r#"{"descriptors": ["rash", "rash", "arthritis"], "window": "30d"}"#).unwrap();
    assert_eq!((ok.score(), ok.window), (6, Window::Days30));
}

#[test]
fn broken_json_is_refused_as_a_whole() {
    use instruments::input::read_sledai;
    for text in ["", "{not json", "[]", r#"{"descriptors": []} extra"#] {
        let error = read_sledai(text).unwrap_err();
        assert_eq!(error.path, "input", "{text:?}: {error}");
    }
}
