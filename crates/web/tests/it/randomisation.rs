//! Randomisation at enrolment through the page and the JSON API: both call the one enrolment
//! command, so both ask for every stratification factor, refuse alike, and show the number and
//! stratum, never an arm.

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::Backend;

use crate::authz::Study;
use crate::pages::User;
use crate::support::password;

/// Words that would give an arm away on any page or response: the example design's arm codes
/// and labels (the study's title names the drug, so its label alone proves nothing).
const ARM_WORDS: [&str; 3] = ["PBO", "Placebo", "\"LEN\""];

/// The study of `authz` made randomised, with `codes` screened eligible at site A.
async fn randomised_study(backend: Backend, codes: &[&str]) -> Study {
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
            store::testing::RANDOMISED_PROTOCOL,
            "placebo-controlled version",
        )
        .await
        .expect("amended");
    let coordinator = store
        .authenticate("coord_a", &password())
        .await
        .expect("coordinator");
    for code in codes {
        let data = store::SubjectData {
            site: "A".into(),
            code: (*code).into(),
            sex: store::Sex::Female,
            birth: store::BirthOrAge::AgeYears(44),
            subtype: None,
            screening_date: jiff::civil::date(2025, 3, 3),
            consent_date: Some(jiff::civil::date(2025, 3, 1)),
            enrolment_date: None,
        };
        store
            .screen(&coordinator, &data, &store::testing::eligible_candidate())
            .await
            .expect("screened");
    }
    study
}

fn no_arm(text: &str) {
    for word in ARM_WORDS {
        assert!(!text.contains(word), "'{word}' shown: {text}");
    }
}

async fn api(
    study: &Study,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Study::client()
        .request(method, format!("{}/api/v1{path}", study.app.base))
        .bearer_auth(&study.tokens["coord_a"]);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let reply = request.send().await.expect("request");
    let status = reply.status();
    let text = reply.text().await.expect("body");
    no_arm(&text);
    (status, serde_json::from_str(&text).expect("json"))
}

#[tokio::test]
async fn the_page_randomises_at_enrolment() {
    let study = randomised_study(Backend::Sqlite, &["A-201"]).await;
    let mut coordinator = User::new(&study.app, "coord_a").await;
    let page = coordinator.get("/subjects/A-201").await;
    for asked in [
        "name=\"factors.subtype\"",
        "name=\"factors.baseline CLASI-A\"",
        "the arm is not shown",
    ] {
        assert!(page.body.contains(asked), "{asked}");
    }
    // A factor left at "choose": refused next to it, the date as typed kept, nothing enrolled.
    let refused = coordinator
        .post(
            "/subjects/A-201/enrol",
            &[
                ("enrolment_date", "2025-03-10"),
                ("factors.subtype", "SCLE"),
                ("factors.baseline CLASI-A", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("required in this randomised study: choose the subject"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"2025-03-10\""));
    assert!(refused.body.contains("<option value=\"SCLE\" selected>"));
    let subject = study
        .app
        .store
        .subject_by_code("A-201")
        .await
        .expect("subject");
    assert_eq!(subject.data.enrolment_date, None);
    let enrolled = coordinator
        .post(
            "/subjects/A-201/enrol",
            &[
                ("enrolment_date", "2025-03-10"),
                ("factors.subtype", "SCLE"),
                ("factors.baseline CLASI-A", "below 10"),
            ],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER, "{}", enrolled.body);
    let page = coordinator.get("/subjects/A-201").await;
    assert!(
        page.body.contains(
            "number 1, randomised on 2025-03-10 (subtype: SCLE; baseline CLASI-A: below 10; place 1 in its stratum)"
        ),
        "{}",
        page.body
    );
    no_arm(&page.body);
}

#[tokio::test]
async fn the_api_randomises_at_enrolment_with_the_page_s_refusals() {
    let study = randomised_study(Backend::Sqlite, &["A-201", "A-202"]).await;
    let subject = api(&study, reqwest::Method::GET, "/subjects/A-201", None)
        .await
        .1;
    let enrol = |factors: Value| {
        json!({"version": subject["version"], "consent_date": "2025-03-01",
               "enrolment_date": "2025-03-10", "factors": factors})
    };
    for (factors, field, words) in [
        (
            json!({"subtype": "SCLE"}),
            "factors.baseline CLASI-A",
            "required in this randomised study",
        ),
        (
            json!({"subtype": "lupus", "baseline CLASI-A": "below 10"}),
            "factors.subtype",
            "choose one of DLE, SCLE, ACLE",
        ),
        (
            json!({"subtype": "SCLE", "baseline CLASI-A": "below 10", "site": "A"}),
            "factors.site",
            "the protocol has no such stratification factor",
        ),
    ] {
        let (status, reply) = api(
            &study,
            reqwest::Method::POST,
            "/subjects/A-201/enrolment",
            Some(enrol(factors)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
        assert_eq!(reply["field"], field, "{reply}");
        assert!(
            reply["message"].as_str().is_some_and(|m| m.contains(words)),
            "{reply}"
        );
    }
    let (status, enrolled) = api(
        &study,
        reqwest::Method::POST,
        "/subjects/A-201/enrolment",
        Some(enrol(
            json!({"subtype": "SCLE", "baseline CLASI-A": "below 10"}),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    assert_eq!(
        enrolled["randomisation"],
        json!({"number": 1, "stratum": "subtype=SCLE;baseline CLASI-A=below 10", "place": 1,
               "randomised_on": "2025-03-10",
               "factors": {"subtype": "SCLE", "baseline CLASI-A": "below 10"}})
    );
    // The subject as read, and in the list; a subject not yet enrolled has no randomisation.
    let read = api(&study, reqwest::Method::GET, "/subjects/A-201", None)
        .await
        .1;
    assert_eq!(read["randomisation"]["number"], 1);
    let list = api(&study, reqwest::Method::GET, "/subjects", None).await.1;
    let listed = |code: &str| {
        list.as_array()
            .and_then(|all| all.iter().find(|subject| subject["code"] == code))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(listed("A-201")["randomisation"]["number"], 1);
    assert_eq!(listed("A-202").get("randomisation"), None);
}
