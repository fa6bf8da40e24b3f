use super::*;

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(id, code)| ((*id).to_owned(), (*code).to_owned()))
        .collect()
}

fn skindex() -> Setup {
    Setup::Skindex {
        rules: SkindexRules::as_recalled(),
        lupus_items: true,
    }
}

fn cla_iga_r() -> Setup {
    Setup::ClaIgaR {
        scales: ClaIgaRScales {
            erythema: 4,
            other_morphology: 3,
            follicular_activity: 2,
        },
        responder: ClaIgaRResponder::default(),
    }
}

fn pga() -> Setup {
    Setup::PgaSkin(PgaScale::new(30, 5).expect("0-3 in halves"))
}

fn itch() -> Setup {
    Setup::Nrs {
        symptom: Symptom::WorstItch,
        responder: NrsResponder::default(),
    }
}

/// Each answer on both sides of its item's bounds: accepted as written canonically, or refused
/// with the message naming the item and what it allows.
#[test]
fn answers_are_checked_against_their_item() {
    fn check(setup: &Setup, item: &str, value: &str, expect: Result<&str, &str>) {
        let got = setup
            .check(&answers(&[(item, value)]))
            .map(|checked| checked[item].clone())
            .map_err(|error| error.to_string());
        assert_eq!(
            got,
            expect.map(str::to_owned).map_err(str::to_owned),
            "{item} = {value:?}"
        );
    }
    let dlqi = Setup::Dlqi(DlqiRules::default());
    check(&dlqi, "DLQI01", "very_much", Ok("very_much"));
    check(
        &dlqi,
        "DLQI01",
        "not_relevant",
        Err("DLQI01 cannot be 'not_relevant'; allowed: not_at_all, a_little, a_lot, very_much"),
    );
    check(&dlqi, "DLQI03", "not_relevant", Ok("not_relevant"));
    check(&dlqi, "DLQI07", "no_a_little", Ok("no_a_little"));
    check(&dlqi, "DLQI07", "no", Ok("no"));
    check(
        &dlqi,
        "DLQI11",
        "a_lot",
        Err("DLQI11 is not an item of DLQI; its items are DLQI01 to DLQI10"),
    );
    check(&dlqi, "DLQI04", " a_lot ", Ok("a_lot"));
    check(&skindex(), "S30", "all_the_time", Ok("all_the_time"));
    check(&skindex(), "L3", "never", Ok("never"));
    check(
        &skindex(),
        "S31",
        "never",
        Err("S31 is not an item of Skindex-29+3; its items are S01 to L3"),
    );
    let without_lupus = Setup::Skindex {
        rules: SkindexRules::as_recalled(),
        lupus_items: false,
    };
    check(
        &without_lupus,
        "L1",
        "never",
        Err("L1 is not an item of Skindex-29+3; its items are S01 to S30"),
    );
    check(&itch(), "ITCHNRS", "0", Ok("0"));
    check(&itch(), "ITCHNRS", "10", Ok("10"));
    check(&itch(), "ITCHNRS", "07", Ok("7"));
    check(
        &itch(),
        "ITCHNRS",
        "11",
        Err("ITCHNRS cannot be '11'; allowed: 0 to 10"),
    );
    check(
        &itch(),
        "ITCHNRS",
        "-1",
        Err("ITCHNRS cannot be '-1'; allowed: 0 to 10"),
    );
    check(
        &itch(),
        "ITCHNRS",
        "7.5",
        Err("ITCHNRS cannot be '7.5'; allowed: 0 to 10"),
    );
    check(
        &itch(),
        "PAINNRS",
        "3",
        Err("PAINNRS is not an item of Worst itch NRS; its items are ITCHNRS"),
    );
    check(&cla_iga_r(), "CLAERY", "4", Ok("4"));
    check(
        &cla_iga_r(),
        "CLAERY",
        "5",
        Err("CLAERY cannot be '5'; allowed: 0 to 4"),
    );
    check(&cla_iga_r(), "CLAFOLL", "2", Ok("2"));
    check(
        &cla_iga_r(),
        "CLAFOLL",
        "3",
        Err("CLAFOLL cannot be '3'; allowed: 0 to 2"),
    );
    check(&pga(), "PGASKIN", "3", Ok("3"));
    check(&pga(), "PGASKIN", "2.5", Ok("2.5"));
    check(&pga(), "PGASKIN", "3.0", Ok("3"));
    check(
        &pga(),
        "PGASKIN",
        "3.5",
        Err("PGASKIN cannot be '3.5'; allowed: 0 to 3 in steps of 0.5"),
    );
    check(
        &pga(),
        "PGASKIN",
        "2.3",
        Err("PGASKIN cannot be '2.3'; allowed: 0 to 3 in steps of 0.5"),
    );
    check(
        &pga(),
        "PGASKIN",
        "2.50",
        Err("PGASKIN cannot be '2.50'; allowed: 0 to 3 in steps of 0.5"),
    );
}

fn value(scores: &[Score], code: &str) -> Result<String, NotScored> {
    scores
        .iter()
        .find(|score| score.code == code)
        .unwrap_or_else(|| panic!("no {code}"))
        .value
        .map(|value| value.to_string())
}

/// DLQI through the answers: one blank is scored 0, two leave the total and band uncomputed
/// with the reason, while a sub-scale whose questions all have points is still given [O1-O6].
#[test]
fn dlqi_is_scored_from_its_answers() {
    fn check(
        blank: &[&str],
        expect_total: Result<&str, NotScored>,
        expect_band: Result<&str, NotScored>,
    ) {
        let all = [
            ("DLQI01", "very_much"),
            ("DLQI02", "a_lot"),
            ("DLQI03", "not_relevant"),
            ("DLQI04", "a_little"),
            ("DLQI05", "a_little"),
            ("DLQI06", "not_at_all"),
            ("DLQI07", "yes"),
            ("DLQI08", "a_lot"),
            ("DLQI09", "a_little"),
            ("DLQI10", "very_much"),
        ];
        let given: Vec<_> = all
            .into_iter()
            .filter(|(id, _)| !blank.contains(id))
            .collect();
        let scores = Setup::Dlqi(DlqiRules::default()).score(&answers(&given));
        let owned = |expect: Result<&str, NotScored>| expect.map(str::to_owned);
        assert_eq!(value(&scores, DLQI_TOTAL), owned(expect_total), "{blank:?}");
        assert_eq!(value(&scores, DLQI_BAND), owned(expect_band), "{blank:?}");
    }
    // 3+2+0+1+1+0+3+2+1+3 = 16: very large effect (11-20).
    check(&[], Ok("16"), Ok("very_large_effect"));
    // Question 10 blank and scored 0: 13, still 11-20.
    check(&["DLQI10"], Ok("13"), Ok("very_large_effect"));
    let two = NotScored::TooManyUnanswered {
        unanswered: 2,
        allowed: 1,
    };
    check(&["DLQI09", "DLQI10"], Err(two), Err(two));
    let scores = Setup::Dlqi(DlqiRules::default()).score(&answers(&[
        ("DLQI01", "a_little"),
        ("DLQI02", "not_at_all"),
    ]));
    assert_eq!(value(&scores, "DLQISF"), Ok("1".to_owned()));
    assert!(value(&scores, "DLQIDA").is_err());
}

/// Skindex domains through the answers: a mean of the answered items while at most 25% are
/// blank (3 of 12 Functioning items scored, 4 not) [O7].
#[test]
fn skindex_domains_are_scored_from_their_answers() {
    let functioning = [2, 4, 5, 8, 11, 14, 17, 20, 22, 24, 25, 29];
    let check = |blank: usize, expect: Result<&str, NotScored>| {
        let given: Vec<(String, String)> = functioning[blank..]
            .iter()
            .map(|number| (format!("S{number:02}"), "often".to_owned()))
            .collect();
        let scores = skindex().score(&given.into_iter().collect());
        assert_eq!(
            value(&scores, "SKXFUN"),
            expect.map(str::to_owned),
            "{blank} blank"
        );
    };
    check(0, Ok("75.0"));
    check(3, Ok("75.0"));
    check(
        4,
        Err(NotScored::TooManyMissing {
            missing: 4,
            items: 12,
            max_percent: 25,
        }),
    );
    let scores = skindex().score(&answers(&[
        ("L1", "never"),
        ("L2", "rarely"),
        ("L3", "sometimes"),
    ]));
    assert_eq!(value(&scores, "SKXLUP"), Ok("25.0".to_owned()));
}

/// The single-item and three-item instruments have no derived score.
#[test]
fn only_dlqi_and_skindex_derive_scores() {
    for setup in [itch(), cla_iga_r(), pga()] {
        assert!(setup.score(&Answers::new()).is_empty(), "{setup:?}");
    }
    assert_eq!(
        Setup::Dlqi(DlqiRules::default())
            .score(&Answers::new())
            .len(),
        8
    );
    assert_eq!(skindex().score(&Answers::new()).len(), 4);
}

#[test]
fn instrument_codes_read_back() {
    for instrument in Instrument::ALL {
        assert_eq!(Instrument::parse(instrument.code()), Some(instrument));
    }
    assert_eq!(Instrument::parse("DLQI"), None);
}

/// Each answer's own points on both sides of its scale, and what has none.
#[test]
fn answers_score_their_points() {
    let check = |setup: &Setup, item: &str, answer: &str, expect: Option<f64>| {
        assert_eq!(
            setup.answer_points(item, answer),
            expect,
            "{item} = {answer}"
        );
    };
    let dlqi = Setup::Dlqi(DlqiRules::default());
    check(&dlqi, "DLQI01", "not_at_all", Some(0.0));
    check(&dlqi, "DLQI01", "very_much", Some(3.0));
    check(&dlqi, "DLQI03", "not_relevant", Some(0.0));
    check(&dlqi, "DLQI07", "yes", Some(3.0));
    check(&dlqi, "DLQI07", "no", Some(0.0));
    let unanswered_no = Setup::Dlqi(DlqiRules {
        work_no_without_degree: crate::dlqi::NoWithoutDegree::Unanswered,
        ..DlqiRules::default()
    });
    check(&unanswered_no, "DLQI07", "no", None);
    check(&dlqi, "DLQI11", "a_lot", None);
    check(&skindex(), "S01", "never", Some(0.0));
    check(&skindex(), "L3", "all_the_time", Some(100.0));
    check(&itch(), "ITCHNRS", "10", Some(10.0));
    check(&cla_iga_r(), "CLAERY", "0", Some(0.0));
    check(&pga(), "PGASKIN", "2.5", Some(2.5));
}

/// Every item and score has a QSTEST name of at most 40 characters.
#[test]
fn every_code_has_a_test_name() {
    let setups = [
        Setup::Dlqi(DlqiRules::default()),
        skindex(),
        itch(),
        cla_iga_r(),
        pga(),
    ];
    let codes = every_item_id()
        .into_iter()
        .chain(setups.iter().flat_map(score_codes).map(str::to_owned));
    for code in codes {
        let name = test_name(&code).unwrap_or_else(|| panic!("{code} has no name"));
        assert!(name.len() <= 40, "{code}: {name}");
    }
    assert_eq!(test_name("S07").as_deref(), Some("Skindex-29 question 7"));
    assert_eq!(test_name("S30").as_deref(), Some("Skindex-29 question 30"));
    assert_eq!(
        test_name("L2").as_deref(),
        Some("Skindex-29+3 lupus question 2")
    );
    assert_eq!(test_name("DLQI11"), None);
}
