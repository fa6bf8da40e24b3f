//! Strict input on the API (issue 15, item 9): moving the consent date recorded at screening
//! needs a reason, as any change of an entered value does.

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::Backend;

use super::{Script, created, example_candidate, with_trial_protocol};
use crate::authz::Study;

/// A 422 naming a field, its message in words: no Rust type, none of serde's notation, no
/// position in a document the script did not write.
#[track_caller]
fn refused_in_words(what: &str, (status, reply): &(StatusCode, Value)) -> (String, String) {
    assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {reply}");
    let field = reply["field"].as_str().unwrap_or_default();
    let message = reply["message"].as_str().unwrap_or_default();
    assert!(!field.is_empty() && !message.is_empty(), "{what}: {reply}");
    for rust in [
        "struct ",
        "enum ",
        "Option<",
        "Vec<",
        "String",
        "i64",
        "u8",
        "u16",
        "u32",
        "u64",
        "f64",
        "usize",
        "`",
        "sequence",
        "serde",
        "line 1 column",
    ] {
        assert!(!message.contains(rust), "{what}: {rust:?} in {reply}");
    }
    // A Rust type name is one word in camel case (`VisitIn`, `LabUnit`).
    let camel = message.split(|c: char| !c.is_alphanumeric()).find(|word| {
        word.chars()
            .zip(word.chars().skip(1))
            .any(|(a, b)| a.is_lowercase() && b.is_uppercase())
    });
    assert_eq!(camel, None, "{what}: {reply}");
    (field.to_owned(), message.to_owned())
}

/// Enrolment that moves the consent date recorded at screening changes an entered value: a 422
/// on `reason` without one, the reason recorded on the change with it; a reason for no change
/// is refused too.
async fn moving_the_consent_date_needs_a_reason(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let screened = created(
        &coordinator
            .post(
                "/subjects",
                json!({"site": "A", "code": "A-040", "sex": "F", "age_years": 51,
                       "screening_date": "2025-03-03", "consent_date": "2025-03-01",
                       "candidate": example_candidate()}),
            )
            .await,
    )
    .clone();
    let enrol = |consent: &str, reason: Option<&str>| {
        let mut body = json!({"version": screened["version"], "consent_date": consent,
                              "enrolment_date": "2025-03-10"});
        if let Some(reason) = reason {
            body["reason"] = json!(reason);
        }
        body
    };
    for (body, message) in [
        (
            enrol("2025-02-27", None),
            "a reason for change is required when changing a record",
        ),
        (
            enrol("2025-02-27", Some(" ")),
            "a reason for change is required when changing a record",
        ),
        (
            enrol("2025-03-01", Some("signed earlier")),
            "the consent date stays 2025-03-01: there is no change to give a reason for",
        ),
    ] {
        let reply = coordinator.post("/subjects/A-040/enrolment", body).await;
        let (field, said) = refused_in_words("enrolment", &reply);
        assert_eq!((field.as_str(), said.as_str()), ("reason", message));
    }
    let store = &study.app.store;
    let subject = store.subject_by_code("A-040").await.expect("subject");
    assert_eq!(subject.version, screened["version"], "nothing changed");
    let why = "the consent form is dated 27 February";
    let (status, enrolled) = coordinator
        .post("/subjects/A-040/enrolment", enrol("2025-02-27", Some(why)))
        .await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    assert_eq!(enrolled["consent_date"], "2025-02-27");
    assert_eq!(enrolled["enrolment_date"], "2025-03-10");
    let (_, history) = coordinator.get("/subjects/A-040/history").await;
    let changes: Vec<(&str, &str)> = history
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["action"] == "update")
        .map(|event| {
            (
                event["field"].as_str().unwrap_or_default(),
                event["reason"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("consent_date", why),
            ("enrolment_date", "enrolment after an eligible screening")
        ]
    );
}

#[tokio::test]
async fn moving_the_consent_date_needs_a_reason_sqlite() {
    moving_the_consent_date_needs_a_reason(Backend::Sqlite).await;
}

#[tokio::test]
async fn moving_the_consent_date_needs_a_reason_postgres() {
    moving_the_consent_date_needs_a_reason(Backend::Postgres).await;
}
