//! Outcome instruments at a visit: entered, read back and scored under the protocol's
//! settings, corrected with a reason (one audit event for the answers), removed with a reason;
//! an instrument the protocol does not collect, an unknown item and an answer out of its range
//! refused naming the field; one of each instrument per visit.

use std::collections::BTreeMap;

use instruments::questionnaire::{Instrument, ScoreValue};
use store::{AnswerSource, Backend, EventFilter, Questionnaire, StoreError};

use crate::fixture::{Fixture, days_ago, fixture, refused};

both_backends!(
    each_shipped_protocol_refuses_an_undeclared_instrument,
    every_instrument_is_entered_scored_corrected_and_removed,
    unknown_items_answers_out_of_range_and_wrong_sources_are_refused,
    one_of_each_instrument_per_visit,
);

async fn study(f: &Fixture, protocol: &str) {
    let study = f.store.study().await.expect("study");
    f.store
        .amend_protocol(&f.admin, study.version, protocol, "this study's protocol")
        .await
        .expect("amended");
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(id, code)| ((*id).to_owned(), (*code).to_owned()))
        .collect()
}

fn taken(visit: &store::Visit, instrument: Instrument, pairs: &[(&str, &str)]) -> Questionnaire {
    Questionnaire {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        instrument,
        completed_on: days_ago(2),
        source: AnswerSource::of(instrument),
        answers: answers(pairs),
        unanswered_reason: None,
    }
}

/// A complete DLQI: 3+2+0+1+1+0+3+2+1+3 = 16, a very large effect.
const DLQI: [(&str, &str); 10] = [
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

async fn each_shipped_protocol_refuses_an_undeclared_instrument(backend: Backend) {
    let f = fixture(backend).await;
    let visit = f.visit("S01-P001").await;
    for (name, protocol) in store::testing::SHIPPED {
        study(&f, protocol).await;
        let before = f.event_count().await;
        for instrument in Instrument::ALL {
            let message = refused(
                f.store
                    .add_record(&f.investigator, &taken(&visit, instrument, &[]))
                    .await,
                "instrument",
                "this study does not collect",
            );
            assert_eq!(
                message,
                format!("this study does not collect {}", instrument.name()),
                "{name}"
            );
        }
        assert_eq!(f.event_count().await, before, "{name}: nothing written");
    }
}

/// An instrument, its answers, and the scores it must show.
type Entered<'a> = (
    Instrument,
    &'a [(&'a str, &'a str)],
    &'a [(&'a str, Option<&'a str>)],
);

/// The score `code` of a stored questionnaire, as shown.
fn score(
    f: &store::Stored<Questionnaire>,
    protocol: &protocol::Protocol,
    code: &str,
) -> Option<String> {
    f.data
        .scores(protocol.outcomes())
        .expect("collected")
        .into_iter()
        .find(|score| score.code == code)
        .and_then(|score| score.value.ok())
        .map(|value: ScoreValue| value.to_string())
}

async fn every_instrument_is_entered_scored_corrected_and_removed(backend: Backend) {
    let f = fixture(backend).await;
    let text = store::testing::outcomes_protocol();
    study(&f, &text).await;
    let protocol = protocol::Protocol::from_toml(&text).expect("loads");
    let visit = f.visit("S01-P001").await;
    let skindex: Vec<(String, &str)> = (1..=30)
        .map(|number| (format!("S{number:02}"), "often"))
        .chain((1..=3).map(|number| (format!("L{number}"), "rarely")))
        .collect();
    let skindex: Vec<(&str, &str)> = skindex
        .iter()
        .map(|(id, code)| (id.as_str(), *code))
        .collect();
    let entries: [Entered; 6] = [
        (
            Instrument::Dlqi,
            &DLQI,
            &[
                ("DLQITOT", Some("16")),
                ("DLQIBAND", Some("very_large_effect")),
            ],
        ),
        (
            Instrument::Skindex,
            &skindex,
            &[("SKXSYM", Some("75.0")), ("SKXLUP", Some("25.0"))],
        ),
        (Instrument::WorstItchNrs, &[("ITCHNRS", "07")], &[]),
        (Instrument::WorstPainNrs, &[("PAINNRS", "0")], &[]),
        (
            Instrument::ClaIgaR,
            &[("CLAERY", "3"), ("CLAMORPH", "2"), ("CLAFOLL", "0")],
            &[],
        ),
        (Instrument::PgaSkin, &[("PGASKIN", "2")], &[]),
    ];
    for (instrument, pairs, scores) in entries {
        let stored = f
            .store
            .add_record(&f.investigator, &taken(&visit, instrument, pairs))
            .await
            .unwrap_or_else(|error| panic!("{instrument}: {error}"));
        let read = f
            .store
            .record::<Questionnaire>(stored.id)
            .await
            .expect("read");
        assert_eq!(read, stored);
        assert_eq!(read.data.answers.len(), pairs.len(), "{instrument}");
        for (code, expect) in scores {
            assert_eq!(score(&read, &protocol, code).as_deref(), *expect, "{code}");
        }
    }
    // Numbers are kept as written canonically.
    let itch = f
        .store
        .records_of::<Questionnaire>(visit.subject_id)
        .await
        .expect("list")
        .into_iter()
        .find(|record| record.data.instrument == Instrument::WorstItchNrs)
        .expect("itch");
    assert_eq!(itch.data.answers["ITCHNRS"], "7");

    // A correction: question 10 left blank (scored 0 by the rule: 13), then question 9 too
    // (the total is not computed).
    let dlqi = f
        .store
        .records_of::<Questionnaire>(visit.subject_id)
        .await
        .expect("list")
        .into_iter()
        .find(|record| record.data.instrument == Instrument::Dlqi)
        .expect("dlqi");
    let before = f.event_count().await;
    let mut corrected = taken(&visit, Instrument::Dlqi, &DLQI[..9]);
    corrected.unanswered_reason = Some("patient skipped the last question".into());
    let changed = f
        .store
        .update_record(
            &f.investigator,
            dlqi.id,
            dlqi.version,
            &corrected,
            "transcribed from the wrong page",
        )
        .await
        .expect("corrected");
    assert_eq!(score(&changed, &protocol, "DLQITOT").as_deref(), Some("13"));
    let events = f
        .store
        .audit_page(&EventFilter::default(), before, 100)
        .await
        .expect("log");
    let fields: Vec<_> = events
        .iter()
        .filter(|event| event.entity == "questionnaire")
        .map(|event| (event.field.as_deref(), event.reason.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            (Some("answers"), Some("transcribed from the wrong page")),
            (
                Some("unanswered_reason"),
                Some("transcribed from the wrong page")
            )
        ]
    );
    let changed = f
        .store
        .update_record(
            &f.investigator,
            changed.id,
            changed.version,
            &taken(&visit, Instrument::Dlqi, &DLQI[..8]),
            "question 9 was not answered either",
        )
        .await
        .expect("corrected");
    assert_eq!(score(&changed, &protocol, "DLQITOT"), None);
    assert!(matches!(
        f.store
            .update_record(
                &f.investigator,
                changed.id,
                changed.version,
                &taken(&visit, Instrument::Dlqi, &DLQI),
                ""
            )
            .await,
        Err(StoreError::ReasonRequired)
    ));
    f.store
        .remove_record::<Questionnaire>(
            &f.investigator,
            changed.id,
            changed.version,
            "wrong patient's form",
        )
        .await
        .expect("removed");
    assert_eq!(
        f.store
            .records_of::<Questionnaire>(visit.subject_id)
            .await
            .expect("list")
            .len(),
        5
    );
    Fixture::assert_verifies(&f.store.verify().await.expect("verify"));
}

async fn unknown_items_answers_out_of_range_and_wrong_sources_are_refused(backend: Backend) {
    let f = fixture(backend).await;
    study(&f, &store::testing::outcomes_protocol()).await;
    let visit = f.visit("S01-P001").await;
    let before = f.event_count().await;
    let add = |data: Questionnaire| {
        let store = f.store.clone();
        let actor = f.investigator.clone();
        async move { store.add_record(&actor, &data).await }
    };
    refused(
        add(taken(&visit, Instrument::Dlqi, &[("DLQI11", "a_lot")])).await,
        "answers",
        "DLQI11 is not an item of DLQI; its items are DLQI01 to DLQI10",
    );
    refused(
        add(taken(
            &visit,
            Instrument::Dlqi,
            &[("DLQI01", "not_relevant")],
        ))
        .await,
        "DLQI01",
        "'not_relevant' is not allowed; allowed: not_at_all, a_little, a_lot, very_much",
    );
    refused(
        add(taken(
            &visit,
            Instrument::WorstItchNrs,
            &[("ITCHNRS", "11")],
        ))
        .await,
        "ITCHNRS",
        "'11' is not allowed; allowed: 0 to 10",
    );
    refused(
        add(taken(&visit, Instrument::ClaIgaR, &[("CLAERY", "5")])).await,
        "CLAERY",
        "'5' is not allowed; allowed: 0 to 4",
    );
    refused(
        add(taken(&visit, Instrument::PgaSkin, &[("PGASKIN", "2.5")])).await,
        "PGASKIN",
        "'2.5' is not allowed; allowed: 0 to 4 in steps of 1",
    );
    let mut by_clinician = taken(&visit, Instrument::Dlqi, &DLQI);
    by_clinician.source = AnswerSource::Clinician;
    refused(
        add(by_clinician).await,
        "source",
        "'clinician' is not allowed; allowed: paper",
    );
    let mut tomorrow = taken(&visit, Instrument::Dlqi, &DLQI);
    tomorrow.completed_on = days_ago(-1);
    refused(add(tomorrow).await, "completed_on", "future");
    assert_eq!(f.event_count().await, before, "nothing written");
}

async fn one_of_each_instrument_per_visit(backend: Backend) {
    let f = fixture(backend).await;
    study(&f, &store::testing::outcomes_protocol()).await;
    let visit = f.visit("S01-P001").await;
    let first = f
        .store
        .add_record(&f.investigator, &taken(&visit, Instrument::Dlqi, &DLQI))
        .await
        .expect("first");
    match f
        .store
        .add_record(&f.investigator, &taken(&visit, Instrument::Dlqi, &DLQI))
        .await
    {
        Err(StoreError::Exists { entity, id }) => {
            assert_eq!((entity, id), ("questionnaire", first.id));
        }
        other => panic!("expected the first DLQI named, got {other:?}"),
    }
    f.store
        .add_record(
            &f.investigator,
            &taken(&visit, Instrument::WorstItchNrs, &[("ITCHNRS", "3")]),
        )
        .await
        .expect("another instrument at the same visit");
    let later = f.visit_on(visit.subject_id, "week 8", days_ago(1)).await;
    f.store
        .add_record(&f.investigator, &taken(&later, Instrument::Dlqi, &DLQI))
        .await
        .expect("the same instrument at another visit");
}
