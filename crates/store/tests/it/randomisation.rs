//! Randomisation at enrolment in a randomised study: eligible subjects only, every factor's level
//! given, numbered in one sequence and placed in their stratum, no arm in the record; the arm is
//! recomputed only with the secret, and agrees with the statistician's list.

use protocol::Protocol;
use protocol::allocation::{Allocator, Secret, blocks};
use store::{Backend, Enrolment, EventFilter, Randomisation, SubjectData, Unblinding};

use crate::fixture::{Fixture, days_ago, fixture, refused, subject_data};

both_backends!(
    a_randomised_study_randomises_eligible_subjects_at_enrolment,
    a_randomised_subject_stays_randomised,
    studies_that_do_not_randomise_take_no_factors,
    an_investigator_unblinds_one_subject_in_an_emergency,
    the_allocation_secret_is_registered_before_anyone_is_randomised,
);

/// The study's allocation secret in these tests (its check is registered by [`randomised`]).
fn secret() -> Secret {
    Secret::from_bytes([9; 32])
}

const DLE_HIGH: &[(&str, &str)] = &[("subtype", "DLE"), ("baseline CLASI-A", "10 or more")];
const SCLE_LOW: &[(&str, &str)] = &[("subtype", "SCLE"), ("baseline CLASI-A", "below 10")];

fn factors(levels: &[(&str, &str)]) -> Vec<(String, String)> {
    levels
        .iter()
        .map(|(factor, level)| ((*factor).to_owned(), (*level).to_owned()))
        .collect()
}

async fn randomised(backend: Backend) -> Fixture {
    let f = fixture(backend).await;
    store::testing::make_randomised(
        &f.store,
        &f.admin,
        &secret(),
        store::testing::RANDOMISED_PROTOCOL,
    )
    .await
    .expect("randomised");
    f
}

/// The study amended to randomise, its allocation secret not registered yet.
async fn amended(backend: Backend) -> Fixture {
    let f = fixture(backend).await;
    store::testing::amend_randomised(&f.store, &f.admin, store::testing::RANDOMISED_PROTOCOL)
        .await
        .expect("amended");
    f
}

/// Subject `code` screened on the example candidate (eligible unless `candidate` says otherwise).
async fn screened(
    f: &Fixture,
    code: &str,
    candidate: &protocol::eligibility::Candidate,
) -> store::Subject {
    f.store
        .screen(&f.investigator, &subject_data(code), candidate)
        .await
        .expect("screened")
        .0
}

fn enrolment(subject: &store::Subject, levels: &[(&str, &str)]) -> Enrolment {
    Enrolment {
        subject_id: subject.id,
        based_on: subject.version,
        consent_date: subject.data.consent_date.expect("consented"),
        enrolment_date: days_ago(20),
        waiver: None,
        reason: None,
        factors: factors(levels),
    }
}

async fn enrol(f: &Fixture, code: &str, levels: &[(&str, &str)]) -> Randomisation {
    let subject = screened(f, code, &store::testing::eligible_candidate()).await;
    f.store
        .enrol(&f.investigator, &enrolment(&subject, levels))
        .await
        .expect("enrolled");
    f.store
        .randomisation(subject.id)
        .await
        .expect("read")
        .expect("randomised")
}

async fn a_randomised_study_randomises_eligible_subjects_at_enrolment(backend: Backend) {
    let f = randomised(backend).await;
    let eligible = screened(&f, "S01-P001", &store::testing::eligible_candidate()).await;
    let before = f.event_count().await;
    // Every factor is needed, with one of its levels, and nothing else.
    let check = |levels: &'static [(&str, &str)], field: &'static str, words: &'static str| {
        let enrolment = enrolment(&eligible, levels);
        let store = &f.store;
        let investigator = &f.investigator;
        async move {
            refused(store.enrol(investigator, &enrolment).await, field, words);
        }
    };
    check(&[], "factors.subtype", "required in this randomised study").await;
    check(
        &[("subtype", "DLE")],
        "factors.baseline CLASI-A",
        "required in this randomised study",
    )
    .await;
    check(
        &[("subtype", "discoid"), ("baseline CLASI-A", "10 or more")],
        "factors.subtype",
        "choose one of DLE, SCLE, ACLE",
    )
    .await;
    check(
        &[
            ("subtype", "DLE"),
            ("baseline CLASI-A", "10 or more"),
            ("site", "S01"),
        ],
        "factors.site",
        "its factors are subtype, baseline CLASI-A",
    )
    .await;
    check(
        &[
            ("subtype", "DLE"),
            ("subtype", "SCLE"),
            ("baseline CLASI-A", "10 or more"),
        ],
        "factors.subtype",
        "given twice",
    )
    .await;
    // Not eligible: no waiver enrols the subject of a randomised study.
    let mut candidate = store::testing::eligible_candidate();
    candidate.pregnant = Some(true);
    let ineligible = screened(&f, "S01-P002", &candidate).await;
    let after_screening = f.event_count().await;
    let mut waived = enrolment(&ineligible, DLE_HIGH);
    refused(
        f.store.enrol(&f.investigator, &waived).await,
        "enrolment_date",
        "randomises eligible subjects only",
    );
    waived.waiver = Some("the investigator judges the risk acceptable".into());
    refused(
        f.store.enrol(&f.investigator, &waived).await,
        "waiver",
        "randomises eligible subjects only",
    );
    // Nothing of the refused enrolments was kept.
    assert_eq!(f.event_count().await, after_screening);
    assert!(before < after_screening);
    assert!(f.store.randomisations().await.expect("read").is_empty());

    // Eligible, every factor given: enrolled and randomised in the same command.
    f.store
        .enrol(&f.investigator, &enrolment(&eligible, DLE_HIGH))
        .await
        .expect("enrolled");
    let first = f
        .store
        .randomisation(eligible.id)
        .await
        .expect("read")
        .expect("randomised");
    assert_eq!(
        first,
        Randomisation {
            subject_id: eligible.id,
            number: 1,
            levels: factors(DLE_HIGH),
            stratum: "subtype=DLE;baseline CLASI-A=10 or more".into(),
            place: 1,
            randomised_on: days_ago(20),
            protocol_version: 2,
        }
    );
    // One sequence for the study, one place per stratum.
    let second = enrol(&f, "S01-P003", SCLE_LOW).await;
    let third = enrol(&f, "S01-P004", DLE_HIGH).await;
    assert_eq!((second.number, second.place), (2, 1));
    assert_eq!((third.number, third.place), (3, 2));
    assert_eq!(third.stratum, first.stratum);
    let all = f.store.randomisations().await.expect("read");
    assert_eq!(
        all.iter().map(|r| r.number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );

    // The trail holds no arm: the randomisation's events carry its fields only.
    let events = f
        .store
        .audit_page(
            &EventFilter {
                entity: Some("randomisation".into()),
                ..EventFilter::default()
            },
            0,
            1000,
        )
        .await
        .expect("events");
    let fields: std::collections::BTreeSet<&str> =
        events.iter().filter_map(|e| e.field.as_deref()).collect();
    assert_eq!(
        fields,
        [
            "levels",
            "number",
            "place",
            "protocol_version",
            "randomised_on",
            "stratum",
            "subject_id"
        ]
        .into_iter()
        .collect()
    );

    // With the secret, the arms replay as the allocator assigns them, and match the list.
    let protocol = Protocol::from_toml(store::testing::RANDOMISED_PROTOCOL).expect("protocol");
    let design = protocol.randomisation().expect("randomised");
    let secret = secret();
    let arms = store::arms(design, secret.clone(), &all).expect("arms");
    let mut allocator = Allocator::new(design, secret.clone());
    for (randomisation, arm) in all.iter().zip(&arms) {
        let levels: Vec<(&str, &str)> = randomisation
            .levels
            .iter()
            .map(|(factor, level)| (factor.as_str(), level.as_str()))
            .collect();
        let profile = design.profile(&levels).expect("profile");
        assert_eq!(allocator.assign(&profile).arm, *arm);
        let list = blocks::schedule(design, &secret, &randomisation.stratum, 3).expect("list");
        let place = usize::try_from(randomisation.place - 1).expect("place");
        let listed = list.iter().flat_map(|block| &block.arms).nth(place);
        assert_eq!(listed, Some(arm), "number {}", randomisation.number);
    }
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn a_randomised_subject_stays_randomised(backend: Backend) {
    let f = randomised(backend).await;
    let randomisation = enrol(&f, "S01-P001", DLE_HIGH).await;
    let subject = f
        .store
        .subject(randomisation.subject_id)
        .await
        .expect("subject");
    let reason = "entered in error";
    refused(
        f.store
            .remove_subject(&f.investigator, subject.id, subject.version, reason)
            .await,
        "subject",
        "randomisation number 1: a randomised subject stays in the study",
    );
    let unenrolled = SubjectData {
        enrolment_date: None,
        ..subject.data.clone()
    };
    refused(
        f.store
            .update_subject(
                &f.investigator,
                subject.id,
                subject.version,
                &unenrolled,
                reason,
            )
            .await,
        "enrolment_date",
        "can be corrected but not removed",
    );
    // An amendment keeps the design the subjects were randomised under.
    let study = f.store.study().await.expect("study");
    let changed = store::testing::RANDOMISED_PROTOCOL.replace("[1, 2, 3]", "[1, 2]");
    refused(
        f.store
            .amend_protocol(&f.admin, study.version, &changed, "smaller blocks")
            .await,
        "protocol",
        "1 subjects are randomised under the current [randomisation] section",
    );
    refused(
        f.store
            .amend_protocol(
                &f.admin,
                study.version,
                store::testing::PROTOCOL,
                "no longer randomised",
            )
            .await,
        "protocol",
        "an amendment must leave it unchanged",
    );
    // Other amendments stand.
    let retitled = format!("# amendment 2\n{}", store::testing::RANDOMISED_PROTOCOL);
    f.store
        .amend_protocol(&f.admin, study.version, &retitled, "a comment")
        .await
        .expect("amended");
    assert_eq!(
        f.store.randomisations().await.expect("read"),
        vec![randomisation]
    );
}

async fn studies_that_do_not_randomise_take_no_factors(backend: Backend) {
    let f = fixture(backend).await;
    // The lenalidomide trial, then the thalidomide cohort; the paediatric chart review enrols
    // by its screening and cannot declare [randomisation] (protocol::load refuses it).
    let cohort = include_str!("../../../../protocols/thalidomide-cohort.toml");
    for (code, amendment) in [("S01-P001", None), ("S01-P002", Some(cohort))] {
        if let Some(text) = amendment {
            let study = f.store.study().await.expect("study");
            f.store
                .amend_protocol(&f.admin, study.version, text, "the cohort")
                .await
                .expect("amended");
        }
        let subject = screened(&f, code, &store::testing::eligible_candidate()).await;
        refused(
            f.store
                .enrol(&f.investigator, &enrolment(&subject, DLE_HIGH))
                .await,
            "factors.subtype",
            "this study does not randomise",
        );
        let enrolled = f
            .store
            .enrol(&f.investigator, &enrolment(&subject, &[]))
            .await;
        assert!(enrolled.is_ok(), "{code}: {enrolled:?}");
        assert_eq!(f.store.randomisation(subject.id).await.expect("read"), None);
    }
}

/// An investigator of the subject's site unblinds one randomised subject with a reason and the
/// study id typed again; the arm is the allocation's, computed with the server's secret; the
/// trail records who, when and why, never the arm; every refusal records nothing.
async fn an_investigator_unblinds_one_subject_in_an_emergency(backend: Backend) {
    let f = randomised(backend).await;
    let first = enrol(&f, "S01-P001", DLE_HIGH).await;
    let second = enrol(&f, "S01-P002", DLE_HIGH).await;
    let not_randomised = screened(&f, "S01-P003", &store::testing::eligible_candidate()).await;
    let coordinator = f.coordinator().await;
    let secret = secret();
    let another = Secret::from_bytes([8; 32]);
    let request = |subject_id: i64, reason: &str, confirmation: &str| Unblinding {
        subject_id,
        reason: reason.into(),
        confirmation: confirmation.into(),
    };
    let emergency = "anaphylaxis: the treating physician must know the drug";
    let before = f.event_count().await;
    let inv = &f.investigator;
    let cases: [(&store::Actor, Unblinding, Option<&Secret>, &str, &str); 6] = [
        (
            inv,
            request(second.subject_id, "  ", "S01-P002"),
            Some(&secret),
            "reason",
            "give the emergency",
        ),
        (
            inv,
            request(second.subject_id, emergency, "S01-P001"),
            Some(&secret),
            "confirmation",
            "type the subject's study id, S01-P002",
        ),
        (
            inv,
            request(not_randomised.id, emergency, "S01-P003"),
            Some(&secret),
            "subject",
            "was not randomised",
        ),
        (
            inv,
            request(second.subject_id, emergency, "S01-P002"),
            None,
            "form",
            "holds no allocation secret",
        ),
        // A secret file that is not the study's would show a wrong arm.
        (
            inv,
            request(second.subject_id, emergency, "S01-P002"),
            Some(&another),
            "allocation secret",
            "is not the study's",
        ),
        (
            &coordinator,
            request(second.subject_id, emergency, "S01-P002"),
            Some(&secret),
            "",
            "",
        ),
    ];
    for (actor, request, secret, field, words) in cases {
        let result = f.store.unblind(actor, &request, secret).await;
        if field.is_empty() {
            assert!(
                matches!(result, Err(store::StoreError::Forbidden(_))),
                "a coordinator cannot unblind: {result:?}"
            );
        } else {
            refused(result, field, words);
        }
    }
    assert_eq!(f.event_count().await, before, "nothing recorded");
    assert!(f.store.unblindings().await.expect("read").is_empty());
    assert_eq!(f.store.unblinding_count().await.expect("count"), 0);

    let (shown, arm) = f
        .store
        .unblind(
            inv,
            &request(second.subject_id, emergency, " S01-P002 "),
            Some(&secret),
        )
        .await
        .expect("unblinded");
    assert_eq!(shown, second);
    let protocol = Protocol::from_toml(store::testing::RANDOMISED_PROTOCOL).expect("protocol");
    let design = protocol.randomisation().expect("randomised");
    let replayed = store::arms(design, secret, &[first, second.clone()]).expect("arms");
    assert_eq!(arm, design.arms()[replayed[1]]);
    let unblindings = f.store.unblindings().await.expect("read");
    assert_eq!(unblindings.len(), 1);
    assert_eq!(f.store.unblinding_count().await.expect("count"), 1);
    assert_eq!(
        (
            unblindings[0].subject_id,
            unblindings[0].reason.as_str(),
            unblindings[0].by.as_str()
        ),
        (second.subject_id, emergency, "inv")
    );
    let events = f
        .store
        .audit_page(
            &EventFilter {
                entity: Some("unblinding".into()),
                ..EventFilter::default()
            },
            0,
            100,
        )
        .await
        .expect("events");
    let fields: Vec<&str> = events.iter().filter_map(|e| e.field.as_deref()).collect();
    assert_eq!(fields, ["subject_id", "unblinded_on", "reason"]);
    for event in &events {
        let shown = format!("{event:?}");
        assert!(!shown.contains("LEN") && !shown.contains("PBO"), "{shown}");
    }
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn the_allocation_secret_is_registered_before_anyone_is_randomised(backend: Backend) {
    let f = amended(backend).await;
    let subject = screened(&f, "S01-P001", &store::testing::eligible_candidate()).await;
    let before = f.event_count().await;
    refused(
        f.store
            .enrol(&f.investigator, &enrolment(&subject, DLE_HIGH))
            .await,
        "randomisation",
        "not registered",
    );
    assert_eq!(
        f.event_count().await,
        before,
        "nobody enrolled or randomised"
    );
    assert!(f.store.allocation_check().await.expect("read").is_none());

    // An administrator registers the check; nobody else, and nothing but 64 hex digits.
    let check = secret().check();
    let investigator = f
        .store
        .register_allocation_check(&f.investigator, &check)
        .await;
    assert!(
        matches!(investigator, Err(store::StoreError::Forbidden(_))),
        "{investigator:?}"
    );
    for bad in ["", "abc", &check[..63], &format!("{}g", &check[..63])] {
        refused(
            f.store.register_allocation_check(&f.admin, bad).await,
            "check",
            "64 hexadecimal digits",
        );
    }
    assert_eq!(f.event_count().await, before, "nothing recorded");
    f.store
        .register_allocation_check(&f.admin, &check.to_uppercase())
        .await
        .expect("registered");
    let registered = f
        .store
        .allocation_check()
        .await
        .expect("read")
        .expect("there");
    assert_eq!(registered.check, check);
    let events = f.event_count().await;
    assert!(events > before, "the registration is in the trail");
    // The same secret again changes nothing; another is refused: a study's secret never changes.
    f.store
        .register_allocation_check(&f.admin, &check)
        .await
        .expect("the same check again");
    assert_eq!(f.event_count().await, events);
    let another = Secret::from_bytes([8; 32]);
    refused(
        f.store
            .register_allocation_check(&f.admin, &another.check())
            .await,
        "check",
        "never changes",
    );
    f.store
        .check_allocation_secret(&secret())
        .await
        .expect("the study's secret");
    refused(
        f.store.check_allocation_secret(&another).await,
        "allocation secret",
        "is not the study's",
    );
    f.store
        .enrol(&f.investigator, &enrolment(&subject, DLE_HIGH))
        .await
        .expect("enrolled and randomised once registered");

    // A study that does not randomise has no secret to register.
    let plain = fixture(backend).await;
    refused(
        plain
            .store
            .register_allocation_check(&plain.admin, &check)
            .await,
        "check",
        "declares no [randomisation]",
    );
}
