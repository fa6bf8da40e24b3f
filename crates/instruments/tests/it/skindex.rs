//! Skindex-29+3: item ids, the domain map's checks, the 0-100 transformation, the missing-item
//! share on both sides of its cut-off in every domain, and a worked example scored by hand.

use instruments::skindex::{
    Domain, DomainMap, DomainScore, Frequency, ItemId, Skindex, SkindexError, SkindexRules,
};

fn item(id: &str) -> ItemId {
    ItemId::parse(id).unwrap_or_else(|error| panic!("{id}: {error}"))
}

/// Every item of `domain` under the recalled map answered `answer`, but the first `blank`.
fn domain_answered(domain: Domain, answer: Frequency, blank: usize) -> Vec<(ItemId, Frequency)> {
    DomainMap::as_recalled()
        .items(domain)
        .into_iter()
        .skip(blank)
        .map(|id| (id, answer))
        .collect()
}

fn scores(skindex: &Skindex) -> Vec<(Domain, Option<f64>)> {
    skindex
        .score(&SkindexRules::as_recalled())
        .into_iter()
        .map(|DomainScore { domain, score, .. }| (domain, score))
        .collect()
}

#[test]
fn answers_transform_to_0_25_50_75_100() {
    #[track_caller]
    fn check(answer: Frequency, expect: u8) {
        assert_eq!(answer.points(), expect, "{answer:?}");
    }
    check(Frequency::Never, 0);
    check(Frequency::Rarely, 25);
    check(Frequency::Sometimes, 50);
    check(Frequency::Often, 75);
    check(Frequency::AllTheTime, 100);
}

#[test]
fn item_ids_are_s01_to_s30_and_l1_to_l3() {
    #[track_caller]
    fn check(text: &str, ok: bool) {
        match ItemId::parse(text) {
            Ok(id) => {
                assert!(ok, "{text} read");
                assert_eq!(id.to_string(), text);
            }
            Err(error) => {
                assert!(!ok, "{text}: {error}");
                assert_eq!(
                    error.to_string(),
                    format!(
                        "{text} is not a Skindex-29+3 item; the items are S01 to S30 and L1 to L3"
                    )
                );
            }
        }
    }
    check("S01", true);
    check("S02", true);
    check("S29", true);
    check("S30", true);
    check("S00", false);
    check("S31", false);
    check("L1", true);
    check("L3", true);
    check("L0", false);
    check("L4", false);
    check("S1", false);
    check("s01", false);
    check("S001", false);
    check("L01", false);
    check("", false);
    check("X01", false);
    assert_eq!(ItemId::all().count(), 33);
    let error = ItemId::skindex(31).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Skindex-29 question must be 1 to 30, got 31"
    );
    assert!(ItemId::lupus(0).is_err());
}

#[test]
fn the_recalled_map_has_the_published_domain_sizes() {
    let map = DomainMap::as_recalled();
    for (domain, size) in [
        (Domain::Symptoms, 7),
        (Domain::Emotions, 10),
        (Domain::Functioning, 12),
        (Domain::Lupus, 3),
    ] {
        assert_eq!(map.items(domain).len(), size, "{domain}");
    }
    // 29 scored Skindex items, question 18 not scored.
    let unscored: Vec<String> = ItemId::all()
        .filter(|id| map.domain(*id).is_none())
        .map(|id| id.to_string())
        .collect();
    assert_eq!(unscored, ["S18"]);
}

#[test]
fn a_study_map_is_checked() {
    let recalled = || -> Vec<(ItemId, Domain)> {
        ItemId::all()
            .filter_map(|id| DomainMap::as_recalled().domain(id).map(|d| (id, d)))
            .collect()
    };
    assert_eq!(
        DomainMap::new(recalled()).expect("the recalled list"),
        DomainMap::as_recalled()
    );
    #[track_caller]
    fn refused(list: Vec<(ItemId, Domain)>, expect: SkindexError) {
        assert_eq!(DomainMap::new(list).unwrap_err(), expect);
    }
    // Question 18 moved into Symptoms: 8 items.
    let mut list = recalled();
    list.push((item("S18"), Domain::Symptoms));
    refused(
        list,
        SkindexError::DomainSize {
            domain: Domain::Symptoms,
            got: 8,
            expected: 7,
        },
    );
    let mut list = recalled();
    list.push((item("S01"), Domain::Emotions));
    refused(list, SkindexError::Twice { id: item("S01") });
    let mut list = recalled();
    list.retain(|(id, _)| *id != item("L2"));
    list.push((item("L2"), Domain::Symptoms));
    refused(
        list,
        SkindexError::WrongDomain {
            id: item("L2"),
            domain: Domain::Symptoms,
        },
    );
    let mut list = recalled();
    list.push((item("S18"), Domain::Lupus));
    refused(
        list,
        SkindexError::WrongDomain {
            id: item("S18"),
            domain: Domain::Lupus,
        },
    );
    assert_eq!(
        SkindexRules::new(DomainMap::as_recalled(), 101)
            .unwrap_err()
            .to_string(),
        "the share of a domain's items that may be missing (%) must be 0 to 100, got 101"
    );
    assert!(SkindexRules::new(DomainMap::as_recalled(), 100).is_ok());
}

#[test]
fn missing_items_on_both_sides_of_the_25_percent_cut_off() {
    // (domain, items left blank) -> scored? At 25%: symptoms 1 of 7 (14%) yes, 2 (29%) no;
    // emotions 2 of 10 yes, 3 no; functioning 3 of 12 (exactly 25%) yes, 4 no; lupus 0 of 3
    // yes, 1 (33%) no.
    #[track_caller]
    fn check(domain: Domain, blank: usize, expect: Option<f64>) {
        let skindex =
            Skindex::new(domain_answered(domain, Frequency::Often, blank), true).expect("answers");
        let got = skindex
            .score(&SkindexRules::as_recalled())
            .into_iter()
            .find(|score| score.domain == domain)
            .expect("scored");
        assert_eq!(got.missing, blank, "{domain}");
        assert_eq!(got.score, expect, "{domain} with {blank} blank");
    }
    check(Domain::Symptoms, 0, Some(75.0));
    check(Domain::Symptoms, 1, Some(75.0));
    check(Domain::Symptoms, 2, None);
    check(Domain::Emotions, 2, Some(75.0));
    check(Domain::Emotions, 3, None);
    check(Domain::Functioning, 3, Some(75.0));
    check(Domain::Functioning, 4, None);
    check(Domain::Lupus, 0, Some(75.0));
    check(Domain::Lupus, 1, None);
}

#[test]
fn the_cut_off_is_a_setting_but_no_answer_is_never_a_score() {
    let skindex = Skindex::new(
        domain_answered(Domain::Symptoms, Frequency::Rarely, 5),
        false,
    )
    .expect("answers");
    let symptoms = |percent: u8| {
        let rules = SkindexRules::new(DomainMap::as_recalled(), percent).expect("rules");
        skindex.score(&rules)[0].score
    };
    // 5 of 7 blank = 71.4%.
    assert_eq!(symptoms(71), None);
    assert_eq!(symptoms(72), Some(25.0));
    let nothing = Skindex::new([], false).expect("empty");
    let rules = SkindexRules::new(DomainMap::as_recalled(), 100).expect("rules");
    assert!(
        nothing
            .score(&rules)
            .iter()
            .all(|score| score.score.is_none())
    );
}

#[test]
fn lowest_and_highest_scores_and_the_unscored_question() {
    let all = |answer: Frequency| {
        Skindex::new(ItemId::all().map(|id| (id, answer)), true).expect("answers")
    };
    for (answer, expect) in [(Frequency::Never, 0.0), (Frequency::AllTheTime, 100.0)] {
        for (domain, score) in scores(&all(answer)) {
            assert_eq!(score, Some(expect), "{domain}");
        }
    }
    // Question 18 moves no domain.
    let with_18 = |answer| {
        let mut answers = domain_answered(Domain::Symptoms, Frequency::Sometimes, 0);
        answers.push((item("S18"), answer));
        scores(&Skindex::new(answers, false).expect("answers"))
    };
    assert_eq!(with_18(Frequency::Never), with_18(Frequency::AllTheTime));
}

#[test]
fn the_lupus_items_only_when_administered() {
    let plain = Skindex::new([(item("S01"), Frequency::Often)], false).expect("answers");
    let domains: Vec<Domain> = scores(&plain)
        .into_iter()
        .map(|(domain, _)| domain)
        .collect();
    assert_eq!(
        domains,
        [Domain::Symptoms, Domain::Emotions, Domain::Functioning]
    );
    assert_eq!(
        Skindex::new([(item("L1"), Frequency::Often)], false).unwrap_err(),
        SkindexError::LupusNotAdministered { id: item("L1") }
    );
    assert_eq!(
        Skindex::new(
            [
                (item("S05"), Frequency::Often),
                (item("S05"), Frequency::Never)
            ],
            true
        )
        .unwrap_err(),
        SkindexError::Twice { id: item("S05") }
    );
    assert_eq!(
        Skindex::from_ids([("S31", Frequency::Never)], true)
            .unwrap_err()
            .to_string(),
        "S31 is not a Skindex-29+3 item; the items are S01 to S30 and L1 to L3"
    );
    // Administered but unanswered: the lupus sub-scale is there, not scored.
    let unanswered = Skindex::new([], true).expect("empty");
    assert_eq!(scores(&unanswered).last(), Some(&(Domain::Lupus, None)));
}

#[test]
fn worked_example_scored_by_hand() {
    // Symptoms (S01 S07 S10 S16 S19 S23 S27): never 0, rarely 25, sometimes 50, often 75,
    // all the time 100, sometimes 50, S27 blank (1 of 7 missing: scored):
    // (0 + 25 + 50 + 75 + 100 + 50) / 6 = 300 / 6 = 50.
    // Emotions: all ten "often": 75.
    // Functioning: nine "rarely", three blank (exactly 25%: scored): 225 / 9 = 25.
    // Lupus: all the time 100, often 75, never 0: 175 / 3 = 58.33...
    let mut answers = vec![
        ("S01", Frequency::Never),
        ("S07", Frequency::Rarely),
        ("S10", Frequency::Sometimes),
        ("S16", Frequency::Often),
        ("S19", Frequency::AllTheTime),
        ("S23", Frequency::Sometimes),
        ("L1", Frequency::AllTheTime),
        ("L2", Frequency::Often),
        ("L3", Frequency::Never),
    ];
    for id in [
        "S03", "S06", "S09", "S12", "S13", "S15", "S21", "S26", "S28", "S30",
    ] {
        answers.push((id, Frequency::Often));
    }
    for id in [
        "S08", "S11", "S14", "S17", "S20", "S22", "S24", "S25", "S29",
    ] {
        answers.push((id, Frequency::Rarely));
    }
    let skindex = Skindex::from_ids(answers, true).expect("answers");
    let got = scores(&skindex);
    let expect = [
        (Domain::Symptoms, 50.0),
        (Domain::Emotions, 75.0),
        (Domain::Functioning, 25.0),
        (Domain::Lupus, 175.0 / 3.0),
    ];
    assert_eq!(got.len(), expect.len());
    for ((domain, score), (expect_domain, expect_score)) in got.into_iter().zip(expect) {
        assert_eq!(domain, expect_domain);
        let score = score.expect("scored");
        assert!((score - expect_score).abs() < 1e-9, "{domain}: {score}");
    }
}
