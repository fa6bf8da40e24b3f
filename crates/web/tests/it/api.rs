//! The JSON API end to end on a real server: a subject from screening to a signed visit, the
//! errors a script gets (field named, 422, 409 with both versions, never a 5xx), and the OpenAPI
//! document covering every API route.

mod strict;

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::Backend;
use web::policy::Verb;

use crate::authz::Study;
use crate::support::{PASSWORD, password};

/// A script holding one user's token.
struct Script {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Script {
    fn new(study: &Study, login: &str) -> Script {
        Script {
            base: format!("{}/api/v1", study.app.base),
            token: study.tokens[login].clone(),
            client: Study::client(),
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.post_text(path, &body.to_string()).await
    }

    /// Posts `body` as it is, JSON or not.
    async fn post_text(&self, path: &str, body: &str) -> (StatusCode, Value) {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned());
        self.send(request).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let reply = request
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = reply.status();
        let text = reply.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, body)
    }
}

fn example(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("example");
    serde_json::from_str(&text).expect("example JSON")
}

#[track_caller]
fn created(reply: &(StatusCode, Value)) -> &Value {
    assert_eq!(reply.0, StatusCode::CREATED, "{}", reply.1);
    &reply.1
}

/// Puts the lenalidomide trial's protocol (NCT01408199) in force.
async fn with_trial_protocol(study: &Study) {
    let store = &study.app.store;
    let admin = store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let protocol = std::fs::read_to_string(format!(
        "{}/../../protocols/nct01408199.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("protocol");
    store
        .amend_protocol(&admin, 1, &protocol, "the trial's protocol")
        .await
        .expect("protocol");
}

async fn from_screening_to_a_signed_visit(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let store = &study.app.store;
    let coordinator = Script::new(&study, "coord_a");
    let investigator = Script::new(&study, "inv_a");
    let monitor = Script::new(&study, "monitor_a");

    let subject = created(
        &coordinator
            .post(
                "/subjects",
                json!({"site": "A", "code": "A-010", "sex": "F", "age_years": 51,
                       "screening_date": "2025-03-03", "consent_date": "2025-03-01",
                       "candidate": example_candidate()}),
            )
            .await,
    )
    .clone();
    assert_eq!(subject["code"], "A-010");
    // The age entered as a number is what the checklist reads (I1: aged over 18).
    assert_eq!(subject["eligibility"]["eligible"], true, "{subject}");
    let version = subject["version"].as_i64().expect("version");
    let enrolled = coordinator
        .post(
            "/subjects/A-010/enrolment",
            json!({"version": version, "consent_date": "2025-03-01", "enrolment_date": "2025-03-10"}),
        )
        .await;
    assert_eq!(enrolled.0, StatusCode::OK, "{}", enrolled.1);
    // The same change again is based on a stale version: 409 with both versions.
    let stale = coordinator
        .post(
            "/subjects/A-010/enrolment",
            json!({"version": version, "consent_date": "2025-03-01", "enrolment_date": "2025-03-11",
                   "reason": "typo"}),
        )
        .await;
    assert_eq!(stale.0, StatusCode::CONFLICT, "{}", stale.1);
    let conflict = &stale.1["conflict"];
    assert_eq!(conflict["your_version"], version);
    assert_eq!(conflict["current"]["enrolment_date"], "2025-03-10");
    assert_eq!(conflict["yours"]["enrolment_date"], "2025-03-11");

    let visit = created(
        &coordinator
            .post(
                "/subjects/A-010/visits",
                json!({"name": "Baseline", "planned_date": "2025-03-10", "actual_date": "2025-03-10"}),
            )
            .await,
    )
    .clone();
    let visit_id = visit["id"].as_i64().expect("visit id");
    let clasi = coordinator
        .post(
            &format!("/subjects/A-010/visits/{visit_id}/clasi"),
            json!({"assessed_on": "2025-03-10",
                   "clasi": example("examples/clasi/patient-12-baseline.json")}),
        )
        .await;
    let totals = &created(&clasi)["clasi"];
    assert!(totals["activity"].as_u64().is_some(), "{totals}");
    let lab = coordinator
        .post(
            &format!("/subjects/A-010/visits/{visit_id}/labs"),
            json!({"collected_on": "2025-03-10", "test": "neutrophils", "value": "0.8",
                   "unit": "10^9/L", "lln": "1.5"}),
        )
        .await;
    // ANC 0.8 x 10^9/L is CTCAE v5.0 grade 3 (<1.0 - 0.5).
    assert_eq!(created(&lab)["ctcae_grade"], 3, "{}", lab.1);
    let dose = coordinator
        .post(
            "/subjects/A-010/doses",
            json!({"drug": "lenalidomide", "amount": "5", "frequency": "QD",
                   "start_date": "2025-03-10"}),
        )
        .await;
    created(&dose);
    let event = coordinator
        .post(
            "/subjects/A-010/adverse-events",
            json!({"term": "Neutrophil count decreased", "start_date": "2025-03-10", "grade": 3,
                   "serious": false, "causality": "possible", "action_taken": "drug_interrupted",
                   "outcome": "recovering"}),
        )
        .await;
    assert_eq!(created(&event)["alert"], true);

    let (status, decision) = investigator.get("/subjects/A-010/decision").await;
    assert_eq!(status, StatusCode::OK);
    assert!(decision["decision"].is_object(), "{decision}");
    // A decision on a past date reads the record as it stood then.
    let (status, then) = investigator
        .get("/subjects/A-010/decision?as_of=2025-03-12")
        .await;
    assert_eq!(status, StatusCode::OK, "{then}");
    assert_eq!(then["as_of"], "2025-03-12");
    assert_eq!(then["decision"]["as_of"], "2025-03-12");
    let (status, refused) = investigator
        .get("/subjects/A-010/decision?as_of=last%20tuesday")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "as_of");
    let not_followed = investigator
        .post("/subjects/A-010/decisions", json!({"followed": false}))
        .await;
    assert_eq!(not_followed.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(not_followed.1["field"], "not_followed_reason");
    let recorded = investigator
        .post(
            "/subjects/A-010/decisions",
            json!({"as_of": "2025-03-10", "followed": false,
                   "not_followed_reason": "patient preference"}),
        )
        .await;
    // Recording returns the decision the server took, with the answer.
    let recorded = created(&recorded);
    assert_eq!(recorded["as_of"], "2025-03-10");
    assert_eq!(recorded["followed"], false);
    assert_eq!(recorded["not_followed_reason"], "patient preference");
    assert!(recorded["decision"]["dose"].is_string(), "{recorded}");
    assert!(recorded["decision"]["rules"].is_array(), "{recorded}");

    let subject_id = store.subject_by_code("A-010").await.expect("subject").id;
    let query = created(
        &monitor
            .post(
                "/subjects/A-010/queries",
                json!({"entity": "subject", "record_id": subject_id, "field": "sex",
                       "question": "Please confirm"}),
            )
            .await,
    )
    .clone();
    let query_id = query["id"].as_i64().expect("query id");
    let answered = coordinator
        .post(
            &format!("/subjects/A-010/queries/{query_id}/answer"),
            json!({"version": query["version"], "answer": "Confirmed in the source"}),
        )
        .await;
    assert_eq!(answered.0, StatusCode::OK, "{}", answered.1);
    // Closing as read before the answer is stale: 409 with the query as it stands and the change.
    let stale_close = monitor
        .post(
            &format!("/subjects/A-010/queries/{query_id}/close"),
            json!({"version": query["version"]}),
        )
        .await;
    assert_eq!(stale_close.0, StatusCode::CONFLICT, "{}", stale_close.1);
    let conflict = &stale_close.1["conflict"];
    assert_eq!(conflict["current"]["answer"], "Confirmed in the source");
    assert_eq!(conflict["yours"]["version"], query["version"]);
    let closed = monitor
        .post(
            &format!("/subjects/A-010/queries/{query_id}/close"),
            json!({"version": answered.1["version"]}),
        )
        .await;
    assert_eq!(closed.1["status"], "closed", "{}", closed.1);

    let (_, visits) = investigator.get("/subjects/A-010/visits").await;
    let version = visits[0]["version"].clone();
    let path = format!("/subjects/A-010/visits/{visit_id}/signatures");
    let wrong = investigator
        .post(
            &path,
            json!({"version": version, "meaning": "approval", "password": "not it"}),
        )
        .await;
    assert_eq!(wrong.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.1["field"], "password");
    let signed = investigator
        .post(
            &path,
            json!({"version": version, "meaning": "approval", "password": PASSWORD}),
        )
        .await;
    assert_eq!(created(&signed)["signer"], "inv_a");
    // Wrong signature passwords are slowed like logins (21 CFR 11.300(d)): after three in a
    // row the right one is refused unchecked.
    for _ in 0..3 {
        let wrong = investigator
            .post(
                &path,
                json!({"version": version, "meaning": "review", "password": "not it"}),
            )
            .await;
        assert_eq!(wrong.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong.1);
    }
    let slowed = investigator
        .post(
            &path,
            json!({"version": version, "meaning": "review", "password": PASSWORD}),
        )
        .await;
    assert_eq!(slowed.0, StatusCode::TOO_MANY_REQUESTS, "{}", slowed.1);
    assert_eq!(
        (&slowed.1["error"], &slowed.1["field"]),
        (&json!("too_many_attempts"), &json!("password"))
    );

    let (status, history) = investigator.get("/subjects/A-010/history").await;
    assert_eq!(status, StatusCode::OK);
    let events = history.as_array().expect("events");
    assert!(
        events
            .iter()
            .any(|event| event["reason"] == "enrolment after an eligible screening"),
        "the enrolment and its reason are in the history"
    );
    // The page's filters, read by the same parser: exactly the matching events, or a 422 naming
    // the parameter.
    let (status, subject_events) = investigator
        .get("/subjects/A-010/history?form=subject&user=coord_a&from=2000-01-01")
        .await;
    assert_eq!(status, StatusCode::OK, "{subject_events}");
    let expected: Vec<&Value> = events
        .iter()
        .filter(|event| event["entity"] == "subject" && event["actor"] == "coord_a")
        .collect();
    assert!(!expected.is_empty() && expected.len() < events.len());
    assert_eq!(
        subject_events
            .as_array()
            .expect("events")
            .iter()
            .collect::<Vec<_>>(),
        expected
    );
    for (query, field, words) in [
        (
            "form=clasy",
            "form",
            "'clasy' is no kind of record; known: study",
        ),
        ("to=2025-02-30", "to", "'2025-02-30' is not a date"),
        (
            "when=today",
            "when",
            "is not a filter; filters: form, field",
        ),
    ] {
        let (status, reply) = investigator
            .get(&format!("/subjects/A-010/history?{query}"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {reply}");
        assert_eq!(reply["field"], field, "{query}: {reply}");
        assert!(
            reply["message"]
                .as_str()
                .unwrap_or_default()
                .contains(words),
            "{query}: {reply}"
        );
    }
}

/// The screening record of examples/protocol/candidate.json, an eligible candidate, with its
/// dates left to the subject's.
fn example_candidate() -> Value {
    let text = std::fs::read_to_string(format!(
        "{}/../../examples/protocol/candidate.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example candidate");
    let mut candidate: Value = serde_json::from_str(&text).expect("json");
    let fields = candidate.as_object_mut().expect("object");
    fields.remove("screening_date");
    fields.remove("birth_date");
    candidate
}

/// Screening through the API evaluates the candidate with the study's protocol and keeps the
/// checklist with the subject, as the screening page does.
async fn screening_keeps_the_checklist(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let screen = |code: &str, candidate: Value| {
        json!({"site": "A", "code": code, "sex": "F", "birth_date": "1969-04-12",
               "screening_date": "2025-03-03", "consent_date": "2025-03-01",
               "candidate": candidate})
    };
    let eligible = created(
        &coordinator
            .post("/subjects", screen("A-030", example_candidate()))
            .await,
    )
    .clone();
    assert_eq!(eligible["code"], "A-030");
    assert_eq!(eligible["eligibility"]["eligible"], true, "{eligible}");

    // Refractory for 2 months fails inclusion I5 (>= 3 months) and nothing else.
    let mut short = example_candidate();
    short["refractory_months"] = json!(2);
    let refused = created(&coordinator.post("/subjects", screen("A-031", short)).await).clone();
    assert_eq!(refused["eligibility"]["eligible"], false, "{refused}");
    for (reply, failing) in [(&eligible, None), (&refused, Some("I5"))] {
        let criteria = reply["eligibility"]["criteria"]
            .as_array()
            .expect("criteria");
        assert!(!criteria.is_empty(), "{reply}");
        for criterion in criteria {
            // An inclusion criterion must be met; an exclusion criterion must not be.
            let expect = match criterion["kind"].as_str() {
                _ if criterion["id"].as_str() == failing => "not_met",
                Some("inclusion") => "met",
                _ => "not_met",
            };
            assert_eq!(criterion["status"], expect, "{criterion}");
        }
    }
    // The reason in words, as the page shows it; the protocol's terms and the structure beside.
    let i5 = refused["eligibility"]["criteria"]
        .as_array()
        .and_then(|criteria| criteria.iter().find(|c| c["id"] == "I5"))
        .expect("I5");
    let reason = i5["reason"].as_str().expect("reason");
    assert!(reason.ends_with(": 2 months"), "{i5}");
    assert!(!reason.contains("refractory_months"), "{i5}");
    assert!(
        i5["rule"]
            .as_str()
            .expect("rule")
            .contains("refractory_months"),
        "{i5}"
    );
    assert_eq!(i5["why"]["field"], "refractory_months", "{i5}");

    let store = &study.app.store;
    let subject = store
        .subject_by_code("A-031")
        .await
        .expect("A-031 registered");
    let records = store
        .records_of::<store::EligibilityRecord>(subject.id)
        .await
        .expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].data.eligible, Some(false));
    assert_eq!(records[0].data.evaluated_on.to_string(), "2025-03-03");
}

/// Enrolment through the API keeps the checklist's rule: not eligible or incomplete is a 422
/// naming the criteria, unless an investigator gives a waiver with a reason (a major
/// deviation); a coordinator cannot waive.
async fn enrolment_needs_an_eligible_checklist_or_a_waiver(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let investigator = Script::new(&study, "inv_a");
    let screen = |code: &str, candidate: Value| {
        let born = if code == "A-020" {
            "2015-03-01"
        } else {
            "1980-03-01"
        };
        json!({"site": "A", "code": code, "sex": "F", "birth_date": born,
               "screening_date": "2025-03-03", "consent_date": "2025-03-01",
               "candidate": candidate})
    };
    // Born 2015, pregnant, HIV.
    let mut unfit = example_candidate();
    unfit["pregnant"] = json!(true);
    unfit["hiv"] = json!(true);
    let child = created(&coordinator.post("/subjects", screen("A-020", unfit)).await).clone();
    assert_eq!(child["eligibility"]["eligible"], false);
    let incomplete = created(
        &coordinator
            .post("/subjects", screen("A-021", json!({})))
            .await,
    )
    .clone();
    assert_eq!(incomplete["eligibility"]["eligible"], Value::Null);
    let enrol = |subject: &Value, waiver: Option<&str>| {
        let mut body = json!({"version": subject["version"], "consent_date": "2025-03-01",
                              "enrolment_date": "2025-03-10"});
        if let Some(waiver) = waiver {
            body["waiver"] = json!(waiver);
        }
        body
    };
    let (status, reply) = coordinator
        .post("/subjects/A-020/enrolment", enrol(&child, None))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    assert_eq!(reply["field"], "enrolment_date");
    let message = reply["message"].as_str().expect("message");
    for criterion in ["not eligible", "I1 not met", "E2 applies", "E9 applies"] {
        assert!(message.contains(criterion), "{criterion}: {message}");
    }
    let (status, reply) = coordinator
        .post("/subjects/A-021/enrolment", enrol(&incomplete, None))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    assert!(
        reply["message"]
            .as_str()
            .is_some_and(|m| m.contains("incomplete"))
    );
    let (status, reply) = coordinator
        .post(
            "/subjects/A-021/enrolment",
            enrol(&incomplete, Some("labs pending, urgent")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{reply}");
    let store = &study.app.store;
    let a021 = store.subject_by_code("A-021").await.expect("subject");
    assert_eq!(a021.data.enrolment_date, None, "nothing changed");
    let (status, reply) = investigator
        .post(
            "/subjects/A-021/enrolment",
            enrol(
                &incomplete,
                Some("screening labs lost; repeated at baseline"),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["enrolment_date"], "2025-03-10");
    let deviations = store
        .records_of::<store::ProtocolDeviation>(a021.id)
        .await
        .expect("deviations");
    assert_eq!(deviations.len(), 1);
    assert!(
        deviations[0]
            .data
            .description
            .contains("screening labs lost; repeated at baseline"),
        "{deviations:?}"
    );
}

/// A second CLASI at a visit is a 409 naming the first (a script's retry, a Back-resubmit);
/// records are corrected by id with the version and a reason, and marked entered in error with
/// a reason, after which they leave the decision.
async fn forms_are_corrected_or_voided_never_doubled(backend: Backend) {
    let study = Study::new(backend).await;
    let coordinator = Script::new(&study, "coord_a");
    let (_, visits) = coordinator.get("/subjects/A-001/visits").await;
    let visit = visits[0]["id"].as_i64().expect("visit");
    let clasi = json!({"assessed_on": "2025-01-20",
                       "clasi": example("examples/clasi/patient-12-baseline.json")});
    let path = format!("/subjects/A-001/visits/{visit}/clasi");
    let (status, second) = coordinator.post(&path, clasi.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{second}");
    assert_eq!(second["error"], "exists");
    assert_eq!(second["existing"]["entity"], "clasi");
    let existing = second["existing"]["id"].as_i64().expect("id");
    // Corrected in place: its id, the version as read and a reason.
    let mut correction = clasi.clone();
    correction["id"] = json!(existing);
    correction["version"] = json!(1);
    let (status, refused) = coordinator.post(&path, correction.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "reason");
    correction["reason"] = json!("transcription error");
    correction["assessed_on"] = json!("2025-01-21");
    let (status, corrected) = coordinator.post(&path, correction).await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["id"], existing);
    // A grade-3 adverse event entered for the wrong patient, then marked entered in error.
    let event = created(
        &coordinator
            .post(
                "/subjects/A-001/adverse-events",
                json!({"term": "neutrophil count decreased", "start_date": "2025-01-22",
                       "grade": 3, "serious": false, "causality": "possible",
                       "action_taken": "dose_not_changed", "outcome": "recovering"}),
            )
            .await,
    )
    .clone();
    let void = format!("/subjects/A-001/records/adverse_event/{}/void", event["id"]);
    let (status, refused) = coordinator
        .post(&void, json!({"version": 1, "reason": " "}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (status, voided) = coordinator
        .post(
            &void,
            json!({"version": 1, "reason": "entered for the wrong patient"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{voided}");
    assert_eq!(voided["voided"], true);
    let (_, events) = coordinator.get("/subjects/A-001/adverse-events").await;
    assert_eq!(events.as_array().map(Vec::len), Some(0), "{events}");
    // The record through another subject (of a site the user does not enter), or an unknown
    // kind, is not touched.
    let through_b = void.replace("A-001", "B-001");
    let (status, _) = coordinator
        .post(&through_b, json!({"version": 2, "reason": "x"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, unknown) = coordinator
        .post(
            "/subjects/A-001/records/potion/1/void",
            json!({"version": 1, "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unknown}");
    assert_eq!(unknown["field"], "kind");
    let (_, history) = coordinator.get("/subjects/A-001/history").await;
    assert!(
        history
            .as_array()
            .expect("events")
            .iter()
            .any(|event| event["reason"] == "entered for the wrong patient"),
        "the void and its reason are in the history"
    );
}

/// A protocol event or a disposition entered through the API is what the decision reads: the
/// stopping rule it names fires.
async fn events_and_disposition_reach_the_decision(backend: Backend) {
    let study = Study::new(backend).await;
    let coordinator = Script::new(&study, "coord_a");
    let stops = |decision: &Value| -> Vec<String> {
        decision["decision"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|rule| rule["id"].as_str().map(str::to_owned))
            .filter(|id| id.starts_with("stop."))
            .collect()
    };
    let (_, before) = coordinator.get("/subjects/A-001/decision").await;
    assert!(stops(&before).is_empty(), "{before}");
    let (status, refused) = coordinator
        .post(
            "/subjects/A-001/events",
            json!({"event": "relapse", "occurred_on": "2025-02-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "event");
    created(
        &coordinator
            .post(
                "/subjects/A-001/events",
                json!({"event": "consent_withdrawn", "occurred_on": "2025-02-01",
                       "note": "moving abroad"}),
            )
            .await,
    );
    created(
        &coordinator
            .post(
                "/subjects/A-001/disposition",
                json!({"status": "withdrawal_by_subject", "disposition_date": "2025-02-01"}),
            )
            .await,
    );
    let (_, after) = coordinator.get("/subjects/A-001/decision").await;
    assert_eq!(stops(&after), ["stop.consent_withdrawn"], "{after}");
    assert_eq!(after["decision"]["action"], "stop");
}

/// A nerve conduction study entered through the API is one per visit and, on the thalidomide
/// cohort's protocol, confirmed polyneuropathy stops the drug.
async fn a_nerve_conduction_study_reaches_the_decision(backend: Backend) {
    let study = Study::new(backend).await;
    let store = &study.app.store;
    let admin = store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let version = store.study().await.expect("study").version;
    store
        .amend_protocol(
            &admin,
            version,
            include_str!("../../../../protocols/thalidomide-cohort.toml"),
            "the thalidomide cohort",
        )
        .await
        .expect("amended");
    let coordinator = Script::new(&study, "coord_a");
    // A study after the start (one on the start date is the baseline study).
    let visit = created(
        &coordinator
            .post(
                "/subjects/A-001/visits",
                json!({"name": "Month 1", "actual_date": "2025-02-10"}),
            )
            .await,
    )["id"]
        .as_i64()
        .expect("visit");
    let path = format!("/subjects/A-001/visits/{visit}/nerve-conduction");
    let (status, refused) = coordinator
        .post(
            &path,
            json!({"tested_on": "2025-02-10", "finding": "other"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "note");
    created(
        &coordinator
            .post(
                &path,
                json!({"tested_on": "2025-02-10", "finding": "sensory_polyneuropathy"}),
            )
            .await,
    );
    let (status, second) = coordinator
        .post(
            &path,
            json!({"tested_on": "2025-02-10", "finding": "normal"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{second}");
    assert_eq!(second["existing"]["entity"], "nerve_conduction_study");
    let (_, decision) = coordinator
        .get("/subjects/A-001/decision?as_of=2025-02-15")
        .await;
    let fired: Vec<&str> = decision["decision"]["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rule| rule["id"].as_str())
        .collect();
    assert!(fired.contains(&"stop.polyneuropathy"), "{decision}");
}

/// Doses through the API are regimens changed by the store's one dose-change command: the
/// issue's examples (an average mg/day, another drug) are refused naming the field, 5 mg three
/// times weekly is its level, a change ends the running period, and a stop stops it.
async fn doses_are_regimens_changed_by_one_command(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let post = |body: Value| coordinator.post("/subjects/A-001/doses", body);
    for (body, field, words) in [
        (
            json!({"drug": "lenalidomide", "amount": "2.14", "frequency": "QD",
                   "start_date": "2025-01-20"}),
            "amount",
            "Lenalidomide 2.14 mg once daily is no dose level of the protocol",
        ),
        (
            json!({"drug": "lenalidomide", "amount": "3", "start_date": "2025-01-20"}),
            "frequency",
            "required unless stop is true",
        ),
        (
            json!({"drug": "prednisone", "amount": "10", "frequency": "QD",
                   "start_date": "2025-01-20"}),
            "drug",
            "record it as a concomitant medication",
        ),
        (
            json!({"drug": "lenalidomide", "amount": "5", "frequency": "3x weekly",
                   "start_date": "2025-01-20"}),
            "frequency",
            "unknown frequency '3x weekly'",
        ),
        (
            json!({"drug": "lenalidomide", "stop": true, "start_date": "2025-01-20"}),
            "start_date",
            "no period of Lenalidomide is running to stop",
        ),
    ] {
        let (status, refused) = post(body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["field"], field, "{refused}");
        assert!(
            refused["message"]
                .as_str()
                .unwrap_or_default()
                .contains(words),
            "{refused}"
        );
    }
    let started = post(json!({"drug": "Lenalidomide", "amount": "5", "unit": "mg",
                              "frequency": "once daily", "start_date": "2025-01-20"}))
    .await;
    assert_eq!(created(&started)["period"]["dose_level"], "5mg_daily");
    let tapered = post(json!({"drug": "lenalidomide", "amount": "5",
                              "frequency": "3 TIMES PER WEEK", "start_date": "2025-02-17"}))
    .await;
    let tapered = created(&tapered);
    assert_eq!(
        tapered["period"]["dose_level"], "5mg_3x_weekly",
        "{tapered}"
    );
    assert_eq!(
        tapered["period"]["regimen"],
        "Lenalidomide 5 mg three times weekly"
    );
    assert_eq!(tapered["ended"]["end_date"], "2025-02-16", "{tapered}");
    let (_, decision) = coordinator
        .get("/subjects/A-001/decision?as_of=2025-02-20")
        .await;
    // The engine reads the period as its level: given without a week-4 CLASI, it is a deviation
    // naming that level.
    assert_eq!(
        decision["decision"]["deviations"][0],
        "lenalidomide 5 mg three times weekly given from 2025-02-17: the protocol asked for lenalidomide 5 mg once daily",
        "{decision}"
    );
    let stopped =
        post(json!({"drug": "lenalidomide", "stop": true, "start_date": "2025-03-01"})).await;
    let stopped = created(&stopped);
    assert!(stopped["period"].is_null(), "{stopped}");
    assert_eq!(stopped["ended"]["end_date"], "2025-02-28");
    // A period entered in error is corrected with a reason, checked as an entry is.
    let id = tapered["period"]["id"].as_i64().expect("id");
    let (status, refused) = post(json!({"id": id, "version": 2, "reason": "typo",
        "drug": "lenalidomide", "amount": "4", "frequency": "3 TIMES PER WEEK",
        "start_date": "2025-02-17", "end_date": "2025-02-28"}))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "amount");
    let (status, corrected) = post(json!({"id": id, "version": 2,
        "reason": "chart says twice weekly", "drug": "lenalidomide", "amount": "5",
        "frequency": "twice weekly", "start_date": "2025-02-17", "end_date": "2025-02-28"}))
    .await;
    assert_eq!(status, StatusCode::OK, "{corrected}");
    assert_eq!(corrected["period"]["dose_level"], "5mg_2x_weekly");
}

/// Con-meds through the API are coded: a misspelt drug is refused naming the nearest, another
/// medication needs its words, and prednisone started after the start is the change of
/// concomitant medication the trial forbade (the decision's deviation).
async fn con_meds_are_coded_and_reach_the_decision(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let post = |body: Value| coordinator.post("/subjects/A-001/conmeds", body);
    for (body, field, words) in [
        (
            json!({"drug": "predisone", "amount": "10", "frequency": "QD"}),
            "drug",
            "unknown drug 'predisone'; nearest: Prednisone",
        ),
        (
            json!({"drug": "other", "ongoing": true}),
            "verbatim",
            "its name in words",
        ),
        (
            json!({"drug": "prednisone", "amount": "10", "frequency": "3x daily"}),
            "frequency",
            "unknown frequency",
        ),
        (
            json!({"drug": "prednisone", "route": "nasal"}),
            "route",
            "unknown route",
        ),
        (
            json!({"drug": "prednisone", "frequency": "QD"}),
            "amount",
            "needs the amount",
        ),
    ] {
        let (status, refused) = post(body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["field"], field, "{refused}");
        assert!(
            refused["message"]
                .as_str()
                .unwrap_or_default()
                .contains(words),
            "{refused}"
        );
    }
    created(
        &post(
            json!({"drug": "Hydroxychloroquine", "amount": "200", "frequency": "BID",
                     "route": "by mouth", "start_date": "2024-06-01", "ongoing": true}),
        )
        .await,
    );
    let (_, before) = coordinator
        .get("/subjects/A-001/decision?as_of=2025-03-01")
        .await;
    assert_eq!(before["decision"]["deviation"], false, "{before}");
    created(
        &post(
            json!({"drug": "prednisone", "amount": "10", "frequency": "once daily",
                     "route": "PO", "indication": "arthritis", "start_date": "2025-02-10",
                     "ongoing": true}),
        )
        .await,
    );
    let (_, after) = coordinator
        .get("/subjects/A-001/decision?as_of=2025-03-01")
        .await;
    assert_eq!(after["decision"]["deviation"], true, "{after}");
    assert!(
        after
            .to_string()
            .contains("Prednisone 10 mg once daily started"),
        "{after}"
    );
}

#[tokio::test]
async fn con_meds_are_coded_and_reach_the_decision_sqlite() {
    con_meds_are_coded_and_reach_the_decision(Backend::Sqlite).await;
}

#[tokio::test]
async fn con_meds_are_coded_and_reach_the_decision_postgres() {
    con_meds_are_coded_and_reach_the_decision(Backend::Postgres).await;
}

#[tokio::test]
async fn doses_are_regimens_changed_by_one_command_sqlite() {
    doses_are_regimens_changed_by_one_command(Backend::Sqlite).await;
}

#[tokio::test]
async fn doses_are_regimens_changed_by_one_command_postgres() {
    doses_are_regimens_changed_by_one_command(Backend::Postgres).await;
}

#[tokio::test]
async fn a_nerve_conduction_study_reaches_the_decision_sqlite() {
    a_nerve_conduction_study_reaches_the_decision(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_nerve_conduction_study_reaches_the_decision_postgres() {
    a_nerve_conduction_study_reaches_the_decision(Backend::Postgres).await;
}

#[tokio::test]
async fn events_and_disposition_reach_the_decision_sqlite() {
    events_and_disposition_reach_the_decision(Backend::Sqlite).await;
}

#[tokio::test]
async fn events_and_disposition_reach_the_decision_postgres() {
    events_and_disposition_reach_the_decision(Backend::Postgres).await;
}

#[tokio::test]
async fn forms_are_corrected_or_voided_never_doubled_sqlite() {
    forms_are_corrected_or_voided_never_doubled(Backend::Sqlite).await;
}

#[tokio::test]
async fn forms_are_corrected_or_voided_never_doubled_postgres() {
    forms_are_corrected_or_voided_never_doubled(Backend::Postgres).await;
}

#[tokio::test]
async fn enrolment_needs_an_eligible_checklist_or_a_waiver_sqlite() {
    enrolment_needs_an_eligible_checklist_or_a_waiver(Backend::Sqlite).await;
}

#[tokio::test]
async fn enrolment_needs_an_eligible_checklist_or_a_waiver_postgres() {
    enrolment_needs_an_eligible_checklist_or_a_waiver(Backend::Postgres).await;
}

/// A retrospective chart review through the API: consent waived, the criteria judged at the
/// index date, an eligible chart enrolled from it by the screening itself; the same refusals
/// as the store's.
async fn a_chart_review_is_screened_at_the_index_date(backend: Backend) {
    let study = Study::new(backend).await;
    let store = &study.app.store;
    let admin = store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let version = store.study().await.expect("study").version;
    store
        .amend_protocol(
            &admin,
            version,
            include_str!("../../../../protocols/pediatric-review.toml"),
            "the paediatric chart review",
        )
        .await
        .expect("amended");
    let coordinator = Script::new(&study, "coord_a");
    let chart = |code: &str, candidate: Value| {
        json!({"site": "A", "code": code, "sex": "F", "birth_date": "2008-01-15",
               "screening_date": "2025-03-03", "candidate": candidate})
    };
    let (status, refused) = coordinator
        .post(
            "/subjects",
            chart(
                "A-W01",
                json!({"sle_diagnosis": true, "drug_received": true}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "candidate.index_date");
    let reviewed = created(
        &coordinator
            .post(
                "/subjects",
                chart(
                    "A-W01",
                    json!({"sle_diagnosis": true, "drug_received": true,
                           "index_date": "2023-06-01"}),
                ),
            )
            .await,
    )
    .clone();
    assert_eq!(reviewed["eligibility"]["eligible"], true, "{reviewed}");
    assert_eq!(reviewed["consent_waived"], true, "{reviewed}");
    assert_eq!(reviewed["enrolment_date"], "2023-06-01", "{reviewed}");
    assert!(reviewed["consent_date"].is_null());
}

#[tokio::test]
async fn a_chart_review_is_screened_at_the_index_date_sqlite() {
    a_chart_review_is_screened_at_the_index_date(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_chart_review_is_screened_at_the_index_date_postgres() {
    a_chart_review_is_screened_at_the_index_date(Backend::Postgres).await;
}

/// A site registers codes of its own only (`A-…`), so screening another site's code is refused
/// for its form whether that site holds the subject (B-001) or not (B-777): the answer never
/// tells site A what site B holds. A code already used at A is named as used, as A sees it.
async fn another_sites_code_is_refused_alike(backend: Backend) {
    let study = Study::new(backend).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let screening = |code: &str| {
        json!({"site": "A", "code": code, "sex": "F", "age_years": 40,
               "screening_date": "2025-03-03", "consent_date": "2025-03-01",
               "candidate": example_candidate()})
    };
    let before = study.app.store.subjects().await.expect("subjects").len();
    let mut answers = Vec::new();
    for code in ["B-001", "B-777"] {
        let (status, reply) = coordinator.post("/subjects", screening(code)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {reply}");
        assert_eq!(reply["field"], "code", "{reply}");
        answers.push(reply.to_string().replace(code, "<code>"));
    }
    assert_eq!(answers[0], answers[1], "site B's subject shows through");
    assert!(
        answers[0].contains("a subject code at site A starts with 'A-'"),
        "{}",
        answers[0]
    );
    let (status, reply) = coordinator.post("/subjects", screening("A-001")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
    assert_eq!(reply["message"], "'A-001' is already used", "{reply}");
    assert_eq!(
        study.app.store.subjects().await.expect("subjects").len(),
        before
    );
}

#[tokio::test]
async fn another_sites_code_is_refused_alike_sqlite() {
    another_sites_code_is_refused_alike(Backend::Sqlite).await;
}

#[tokio::test]
async fn another_sites_code_is_refused_alike_postgres() {
    another_sites_code_is_refused_alike(Backend::Postgres).await;
}

#[tokio::test]
async fn screening_keeps_the_checklist_sqlite() {
    screening_keeps_the_checklist(Backend::Sqlite).await;
}

#[tokio::test]
async fn screening_keeps_the_checklist_postgres() {
    screening_keeps_the_checklist(Backend::Postgres).await;
}

#[tokio::test]
async fn a_script_takes_a_subject_from_screening_to_a_signed_visit_sqlite() {
    from_screening_to_a_signed_visit(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_script_takes_a_subject_from_screening_to_a_signed_visit_postgres() {
    from_screening_to_a_signed_visit(Backend::Postgres).await;
}

/// Bad input: 422 naming the field, nothing saved, never a 5xx.
#[tokio::test]
async fn bad_input_names_the_field() {
    let study = Study::new(Backend::Sqlite).await;
    with_trial_protocol(&study).await;
    let coordinator = Script::new(&study, "coord_a");
    let visit = study.own.visit;
    let screening = json!({"site": "A", "code": "A-020", "sex": "F", "age_years": 40,
                           "screening_date": "2025-03-03", "consent_date": "2025-03-01",
                           "candidate": {}});
    let with = |field: &str, value: Value| {
        let mut body = screening.clone();
        body[field] = value;
        body
    };
    let cases = [
        ("/subjects", json!("not an object"), "body"),
        ("/subjects", with("sex", json!("X")), "sex"),
        (
            "/subjects",
            with("screening_date", json!("2025-02-30")),
            "screening_date",
        ),
        ("/subjects", with("age_years", json!(121)), "age_years"),
        ("/subjects", with("code", json!("A-001")), "code"),
        (
            "/subjects",
            with("consent_date", json!("2025-03-04")),
            "screening_date",
        ),
        // Without consent the subject alone is valid but its checklist is not: the whole
        // registration is refused, the subject too (the count below).
        (
            "/subjects",
            with("consent_date", Value::Null),
            "screening_date",
        ),
        (
            "/subjects",
            with("candidate", json!({"sledai_2k": "two"})),
            "candidate.sledai_2k",
        ),
        (
            "/subjects",
            with("candidate", json!({"clasi_erythema": {"scalp": 4}})),
            "candidate.clasi_erythema.scalp",
        ),
        // The erythema + scale sum is taken and checked, never ignored (0-65, whole).
        (
            "/subjects",
            with("candidate", json!({"clasi_erythema_scale": 66})),
            "candidate.clasi_erythema_scale",
        ),
        (
            "/subjects",
            with("candidate", json!({"clasi_erythema_scale": 7.5})),
            "candidate.clasi_erythema_scale",
        ),
        (
            "/subjects",
            with("candidate", json!({"screening_date": "2025-03-04"})),
            "candidate.screening_date",
        ),
        (
            "/subjects",
            with(
                "candidate",
                json!({"platelets": {"value": 150, "unit": "g/dL"}}),
            ),
            "candidate.platelets.unit",
        ),
        (
            "/subjects/A-001/adverse-events",
            json!({"term": "Rash maculo-papular", "start_date": "2025-03-01", "grade": 6,
                   "serious": false, "causality": "possible",
                   "action_taken": "dose_not_changed", "outcome": "recovered"}),
            "grade",
        ),
        // Free text is no CTCAE term: refused with the nearest terms.
        (
            "/subjects/A-001/adverse-events",
            json!({"term": "Rash", "start_date": "2025-03-01", "grade": 2, "serious": false,
                   "causality": "possible", "action_taken": "dose_not_changed",
                   "outcome": "recovered"}),
            "term",
        ),
        (
            &format!("/subjects/A-001/visits/{visit}/labs"),
            json!({"collected_on": "2025-03-01", "test": "neutrophils", "value": "1,2",
                   "unit": "10^9/L"}),
            "value",
        ),
        // A lab test is one of the protocol's labs, never free text ...
        (
            &format!("/subjects/A-001/visits/{visit}/labs"),
            json!({"collected_on": "2025-03-01", "test": "neutrofils", "value": "650",
                   "unit": "/mm3"}),
            "test",
        ),
        // ... in one of the units the protocol lists for it.
        (
            &format!("/subjects/A-001/visits/{visit}/labs"),
            json!({"collected_on": "2025-03-01", "test": "c3", "value": "90",
                   "unit": "/mm3"}),
            "unit",
        ),
        // A number typed in another unit than the one sent: refused naming the likely unit.
        (
            &format!("/subjects/A-001/visits/{visit}/labs"),
            json!({"collected_on": "2025-03-01", "test": "neutrophils", "value": "1000",
                   "unit": "/mm3", "lln": "1.8"}),
            "lln",
        ),
        (
            &format!("/subjects/A-001/visits/{visit}/labs"),
            json!({"collected_on": "2025-03-01", "test": "hemoglobin", "value": "75",
                   "unit": "g/dL"}),
            "value",
        ),
        (
            &format!("/subjects/A-001/visits/{visit}/clasi"),
            json!({"assessed_on": "2025-03-01", "clasi": {"areas": {"scalp": {"scarring": 1}}}}),
            "clasi.areas.scalp.scarring",
        ),
    ];
    let before = study.app.store.subjects().await.expect("subjects").len();
    let own = study
        .app
        .store
        .subject_by_code(study.own.subject)
        .await
        .expect("own subject")
        .id;
    let labs_before = study
        .app
        .store
        .records_of::<store::LabResult>(own)
        .await
        .expect("labs")
        .len();
    let mut messages = Vec::new();
    for (path, body, field) in cases {
        let (status, reply) = coordinator.post(path, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {reply}");
        assert_eq!(reply["field"], field, "{path}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default().to_owned();
        assert!(!message.is_empty(), "{path}: {reply}");
        messages.push(message);
    }
    assert_eq!(
        study.app.store.subjects().await.expect("subjects").len(),
        before
    );
    // The refused labs name the nearest test and the units allowed, and wrote nothing.
    for needle in [
        "unknown lab test 'neutrofils'; nearest: neutrophils",
        "allowed: mg/dL, g/L",
        "1.8 /mm3 is not a plausible lower limit of normal for neutrophils (allowed 500-5000 \
         /mm3); did you mean 1.8 10^9/L (= 1800 /mm3)?",
        "hemoglobin 75 g/dL is not plausible (allowed 1-25 g/dL); did you mean 75 g/L (= 7.5 \
         g/dL)?",
    ] {
        assert!(
            messages.iter().any(|message| message.contains(needle)),
            "{needle}: {messages:#?}"
        );
    }
    // The printed name in another case and spacing is the test: graded, and kept as its id.
    let (status, reply) = coordinator
        .post(
            &format!("/subjects/A-001/visits/{visit}/labs"),
            json!({"collected_on": "2025-03-01", "test": " Neutrophils", "value": "650",
                   "unit": "/MM3"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert_eq!(reply["ctcae_grade"], 3, "{reply}");
    let labs = study
        .app
        .store
        .records_of::<store::LabResult>(own)
        .await
        .expect("labs");
    assert_eq!(labs.len(), labs_before + 1);
    let saved = &labs.last().expect("saved").data;
    assert_eq!(
        (saved.test.as_str(), saved.unit.as_str()),
        ("neutrophils", "/mm3")
    );
    let (status, _) = coordinator.get("/subjects/Z-404").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = coordinator
        .post("/subjects/A-001/visits/x/clasi", json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The OpenAPI document is public, is OpenAPI 3, and describes every API route of the policy.
#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let study = Study::new(Backend::Sqlite).await;
    let reply = Study::client()
        .get(format!("{}/api/v1/openapi.json", study.app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), StatusCode::OK);
    let document: Value = serde_json::from_str(&reply.text().await.expect("body")).expect("JSON");
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for endpoint in &web::endpoints() {
        let path = endpoint.path;
        if !path.starts_with("/api/v1/") || path.ends_with("openapi.json") {
            continue;
        }
        let method = match endpoint.verb {
            Verb::Get => "get",
            Verb::Post => "post",
        };
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not in the OpenAPI document"
        );
    }
}
