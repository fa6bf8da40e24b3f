//! Strict input on the API (issue 15, item 9): every POST route refuses a body of the wrong
//! shape, an unknown field and text after the body with a 422 naming the field in words (never
//! a Rust type), and writes nothing; free text with a control character is refused naming the
//! field; moving the consent date recorded at screening needs a reason, as any change does.

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::Backend;
use web::policy::{Scope, Verb, allows};

use super::{Script, created, example, example_candidate, with_trial_protocol};
use crate::authz::{Study, USERS, fill};

/// A user of the study allowed on a route of `scope` at their own site.
fn permitted(scope: Scope) -> &'static str {
    let action = match scope {
        Scope::Study(action) | Scope::Site(action) | Scope::Subject(action) => action,
        Scope::Public | Scope::LoggedIn => return "coord_a",
    };
    USERS
        .iter()
        .find(|(_, role)| role.is_some_and(|role| allows(role, action)))
        .map(|(login, _)| *login)
        .unwrap_or_else(|| panic!("no user may {action:?}"))
}

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

/// Every POST route of the API, each with a user it allows: a body that is no object, an
/// unknown field, and each field it allows sent as a list, an object and a fraction is a 422
/// in words; nothing is written.
#[tokio::test]
async fn every_post_route_refuses_wrong_shapes_in_words() {
    let study = Study::new(Backend::Sqlite).await;
    let events = || async { study.app.store.verify().await.expect("verify").events };
    let before = events().await;
    let mut routes = 0;
    for endpoint in web::endpoints()
        .iter()
        .filter(|endpoint| endpoint.verb == Verb::Post && endpoint.path.starts_with("/api/v1/"))
    {
        routes += 1;
        let script = Script::new(&study, permitted(endpoint.scope));
        let path = fill(endpoint, &study.own);
        let path = path.trim_start_matches("/api/v1");
        let what = |body: &str| format!("POST {} {body}", endpoint.path);
        let body = r#"{"zzz_unknown": 1}"#;
        let (field, message) = refused_in_words(&what(body), &script.post_text(path, body).await);
        assert_eq!(field, "zzz_unknown", "{}", what(body));
        let allowed = message
            .strip_prefix("unknown field; allowed: ")
            .unwrap_or_else(|| panic!("{}: {message}", what(body)));
        for body in ["\"not an object\"", "[1]", "42", "null", "true"] {
            let (field, message) =
                refused_in_words(&what(body), &script.post_text(path, body).await);
            assert_eq!(field, "body", "{}", what(body));
            assert!(
                message.starts_with(&format!("expected an object with fields {allowed}, not ")),
                "{}: {message}",
                what(body)
            );
        }
        for field in allowed.split(", ") {
            for value in ["[1]", r#"{"zzz": 1}"#, "-1.5"] {
                let body = format!(r#"{{"{field}": {value}}}"#);
                refused_in_words(&what(&body), &script.post_text(path, &body).await);
            }
        }
    }
    assert_eq!(routes, 26, "every POST route of the API was tried");
    assert_eq!(events().await, before, "no refused body wrote anything");
}

/// Unknown fields, at the top and inside a nested document, are refused naming them and the
/// fields allowed; text after the body is refused; nothing is saved. White space after the
/// body is no text.
async fn unknown_fields_and_trailing_text_are_refused(backend: Backend) {
    let study = Study::new(backend).await;
    let coordinator = Script::new(&study, "coord_a");
    let store = &study.app.store;
    let subject = store.subject_by_code("A-001").await.expect("subject").id;
    let visits = || async { store.visits_of(subject).await.expect("visits").len() };
    let before = visits().await;
    let visit = study.own.visit;
    let mut clasi = example("examples/clasi/patient-12-baseline.json");
    clasi["areas"]["scalp"]["glitter"] = json!(1);
    for (path, body, field, message) in [
        (
            "/subjects/A-001/visits".to_owned(),
            json!({"name": "Week 9", "actual_date": "2025-02-01", "notes": "fasting"}),
            "notes",
            "unknown field; allowed: name, planned_date, actual_date",
        ),
        (
            format!("/subjects/A-001/visits/{visit}/clasi"),
            json!({"assessed_on": "2025-01-20", "clasi": clasi}),
            "clasi.areas.scalp.glitter",
            "unknown field; allowed: ",
        ),
        (
            "/subjects/A-001/conmeds".to_owned(),
            json!({"drug": "other", "verbatum": "fish oil", "ongoing": true}),
            "verbatum",
            "unknown field; allowed: id, version, reason, drug, verbatim, amount, unit, \
             frequency, route, indication, start_date, end_date, ongoing",
        ),
    ] {
        let reply = coordinator.post(&path, body.clone()).await;
        let (named, said) = refused_in_words(&format!("{path} {body}"), &reply);
        assert_eq!(named, field, "{}", reply.1);
        assert!(said.starts_with(message), "{}", reply.1);
    }
    let week9 = r#"{"name": "Week 9", "actual_date": "2025-02-01"}"#;
    for trailing in [
        format!("{week9} xyz"),
        format!("{week9}{{\"name\": \"Week 10\"}}"),
    ] {
        let reply = coordinator
            .post_text("/subjects/A-001/visits", &trailing)
            .await;
        let (field, message) = refused_in_words(&trailing, &reply);
        assert_eq!(field, "body");
        assert!(
            message.starts_with("has more after the JSON value (line 1, column 4")
                && message.ends_with("); send one JSON object"),
            "{message}"
        );
    }
    assert_eq!(visits().await, before, "nothing was saved");
    created(
        &coordinator
            .post_text("/subjects/A-001/visits", &format!("{week9}\n  \n"))
            .await,
    );
}

/// Free text with a control character is refused naming the field, the character and where
/// it is, as the store says it on every channel; nothing is saved.
async fn control_characters_in_free_text_are_refused(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let investigator = Script::new(&study, "inv_a");
    let store = &study.app.store;
    let query = study.own.query;
    let mut unfit = example_candidate();
    unfit["pregnant"] = json!(true);
    let screened = created(
        &coordinator
            .post(
                "/subjects",
                json!({"site": "A", "code": "A-041", "sex": "F", "age_years": 40,
                       "screening_date": "2025-03-03", "consent_date": "2025-03-01",
                       "candidate": unfit}),
            )
            .await,
    )
    .clone();
    let before = store.verify().await.expect("verify").events;
    for (script, path, body, field, code, position) in [
        (
            &coordinator,
            "/subjects/A-001/adverse-events".to_owned(),
            json!({"term": "Pruritus", "verbatim": "itchy\u{1b}[31m rash",
                   "start_date": "2025-02-01", "grade": 1, "serious": false,
                   "causality": "possible", "action_taken": "dose_not_changed",
                   "outcome": "recovering"}),
            "verbatim",
            "U+001B",
            6,
        ),
        (
            &coordinator,
            "/subjects/A-001/events".to_owned(),
            json!({"event": "physician_decision", "occurred_on": "2025-02-01",
                   "note": "stop\u{0}"}),
            "note",
            "U+0000",
            5,
        ),
        (
            &coordinator,
            format!("/subjects/A-001/queries/{query}/answer"),
            json!({"version": 1, "answer": "confirmed\u{7f}"}),
            "answer",
            "U+007F",
            10,
        ),
        (
            &coordinator,
            "/subjects/A-001/records/visit/1/void".to_owned(),
            json!({"version": 1, "reason": "\u{9b}2J wrong patient"}),
            "reason",
            "U+009B",
            1,
        ),
        (
            &investigator,
            "/subjects/A-041/enrolment".to_owned(),
            json!({"version": screened["version"], "consent_date": "2025-03-01",
                   "enrolment_date": "2025-03-10", "waiver": "labs lost\u{0}"}),
            "waiver",
            "U+0000",
            10,
        ),
    ] {
        let reply = script.post(&path, body.clone()).await;
        let (named, message) = refused_in_words(&format!("{path} {body}"), &reply);
        assert_eq!(named, field, "{}", reply.1);
        assert_eq!(
            message,
            format!("contains a control character ({code} at position {position}); remove it")
        );
    }
    assert_eq!(
        store.verify().await.expect("verify").events,
        before,
        "nothing was saved"
    );
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
async fn unknown_fields_and_trailing_text_are_refused_sqlite() {
    unknown_fields_and_trailing_text_are_refused(Backend::Sqlite).await;
}

#[tokio::test]
async fn unknown_fields_and_trailing_text_are_refused_postgres() {
    unknown_fields_and_trailing_text_are_refused(Backend::Postgres).await;
}

#[tokio::test]
async fn control_characters_in_free_text_are_refused_sqlite() {
    control_characters_in_free_text_are_refused(Backend::Sqlite).await;
}

#[tokio::test]
async fn control_characters_in_free_text_are_refused_postgres() {
    control_characters_in_free_text_are_refused(Backend::Postgres).await;
}

#[tokio::test]
async fn moving_the_consent_date_needs_a_reason_sqlite() {
    moving_the_consent_date_needs_a_reason(Backend::Sqlite).await;
}

#[tokio::test]
async fn moving_the_consent_date_needs_a_reason_postgres() {
    moving_the_consent_date_needs_a_reason(Backend::Postgres).await;
}
