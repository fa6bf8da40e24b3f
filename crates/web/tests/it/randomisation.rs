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
    randomised_study_with(backend, codes, web::Config::default()).await
}

/// The allocation secret the unblinding tests' server holds.
fn secret() -> protocol::allocation::Secret {
    protocol::allocation::Secret::from_bytes([5; 32])
}

async fn randomised_study_with(backend: Backend, codes: &[&str], config: web::Config) -> Study {
    let study = Study::with_config(backend, config).await;
    let store = &study.app.store;
    let admin = store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    store::testing::make_randomised(
        store,
        &admin,
        &secret(),
        store::testing::RANDOMISED_PROTOCOL,
    )
    .await
    .expect("randomised");
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
    api_as(study, "coord_a", method, path, body).await
}

/// As [`api`], with `login`'s token; the reply is checked for arms unless it is an emergency
/// unblinding's own answer.
async fn api_as(
    study: &Study,
    login: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let unblinds = path.ends_with("/unblinding");
    let mut request = Study::client()
        .request(method, format!("{}/api/v1{path}", study.app.base))
        .bearer_auth(&study.tokens[login]);
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let reply = request.send().await.expect("request");
    let status = reply.status();
    let text = reply.text().await.expect("body");
    if !(unblinds && status.is_success()) {
        no_arm(&text);
    }
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

/// Emergency unblinding on the page and through the API: the same command, so the same refusals
/// with nothing recorded; the arm the allocation gave, shown once to the investigator; afterwards
/// everyone reading the subject sees that it was unblinded, when and why, never the arm; the
/// unblinded statistician's page lists the arms, and nobody else may open it.
#[tokio::test]
async fn an_investigator_unblinds_in_an_emergency_on_the_page_and_the_api() {
    let config = web::Config {
        allocation_secret: Some(secret()),
        ..web::Config::default()
    };
    let study = randomised_study_with(Backend::Sqlite, &["A-201", "A-202"], config).await;
    let store = &study.app.store;
    let inv = store.authenticate("inv_a", &password()).await.expect("inv");
    for (code, subtype) in [("A-201", "DLE"), ("A-202", "DLE")] {
        let subject = store.subject_by_code(code).await.expect("subject");
        store
            .enrol(
                &inv,
                &store::Enrolment {
                    subject_id: subject.id,
                    based_on: subject.version,
                    consent_date: jiff::civil::date(2025, 3, 1),
                    enrolment_date: jiff::civil::date(2025, 3, 10),
                    waiver: None,
                    reason: None,
                    factors: vec![
                        ("subtype".into(), subtype.into()),
                        ("baseline CLASI-A".into(), "10 or more".into()),
                    ],
                },
            )
            .await
            .expect("enrolled");
    }
    let protocol =
        protocol::Protocol::from_toml(store::testing::RANDOMISED_PROTOCOL).expect("protocol");
    let design = protocol.randomisation().expect("design");
    let randomised = store.randomisations().await.expect("read");
    let arms: Vec<String> = store::arms(design, secret(), &randomised)
        .expect("arms")
        .into_iter()
        .map(|arm| format!("{} ({})", design.arms()[arm].label, design.arms()[arm].code))
        .collect();

    // The page: a coordinator sees no form; the investigator's refusals keep what was typed.
    let mut coordinator = User::new(&study.app, "coord_a").await;
    let page = coordinator.get("/subjects/A-201").await;
    assert!(page.body.contains("Emergency unblinding") && page.body.contains("Not unblinded."));
    assert!(!page.body.contains("name=\"confirmation\""));
    no_arm(&page.body);
    let mut investigator = User::new(&study.app, "inv_a").await;
    let before = store.verify().await.expect("verify").events;
    let refused = investigator
        .post(
            "/subjects/A-201/unblind",
            &[("reason", "anaphylaxis"), ("confirmation", "A-202")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("type the subject&#39;s study id, A-201")
            || refused.body.contains("type the subject's study id, A-201"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("value=\"anaphylaxis\""));
    no_arm(&refused.body);
    assert_eq!(
        store.verify().await.expect("verify").events,
        before,
        "nothing recorded"
    );
    let shown = investigator
        .post(
            "/subjects/A-201/unblind",
            &[("reason", "anaphylaxis"), ("confirmation", "A-201")],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(
        shown.body.contains(&format!("Arm: {}", arms[0])),
        "{}",
        shown.body
    );
    // Afterwards: the act, not the arm, for everyone reading the subject.
    for user in [&mut investigator, &mut coordinator] {
        let page = user.get("/subjects/A-201").await;
        assert!(page.body.contains("unblinded on "), "{}", page.body);
        assert!(page.body.contains(": anaphylaxis"));
        no_arm(&page.body);
    }

    // The API: the same refusals, then the arm once.
    let body =
        |reason: &str, confirmation: &str| json!({"reason": reason, "confirmation": confirmation});
    let (status, reply) = api_as(
        &study,
        "inv_a",
        reqwest::Method::POST,
        "/subjects/A-202/unblinding",
        Some(body(" ", "A-202")),
    )
    .await;
    assert_eq!(
        (status, reply["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")),
        "{reply}"
    );
    let (status, reply) = api_as(
        &study,
        "coord_a",
        reqwest::Method::POST,
        "/subjects/A-202/unblinding",
        Some(body("sepsis", "A-202")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{reply}");
    let (status, reply) = api_as(
        &study,
        "inv_a",
        reqwest::Method::POST,
        "/subjects/A-202/unblinding",
        Some(body("sepsis", "A-202")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(
        format!(
            "{} ({})",
            reply["arm_label"].as_str().unwrap_or_default(),
            reply["arm_code"].as_str().unwrap_or_default()
        ),
        arms[1]
    );
    assert_eq!(store.unblindings().await.expect("read").len(), 2);

    // The allocation page: the unblinded statistician's alone.
    let mut unblinded = User::new(&study.app, "unblinded_a").await;
    let page = unblinded.get("/allocation").await;
    assert_eq!(page.status, StatusCode::OK);
    for arm in &arms {
        assert!(page.body.contains(arm.as_str()), "{}", page.body);
    }
    assert!(page.body.contains("A-202") && page.body.contains("sepsis"));
    // Its downloads by arm, made with the server's secret and recorded like every download.
    let offers = unblinded.get("/downloads").await;
    assert!(
        offers
            .body
            .contains("href=\"/downloads/report-by-arm.html\"")
    );
    let before = store.verify().await.expect("verify").events;
    let by_arm = unblinded.get("/downloads/report-by-arm.html").await;
    assert_eq!(by_arm.status, StatusCode::OK);
    assert!(
        by_arm.body.contains("UNBLINDED") && by_arm.body.contains("Placebo (PBO)"),
        "{}",
        by_arm.body
    );
    assert!(
        store.verify().await.expect("verify").events > before,
        "the download is in the trail"
    );
    // The report a statistician downloads is blinded, and lists both unblindings.
    let mut statistician = User::new(&study.app, "stat_a").await;
    let report = statistician.get("/downloads/report.html").await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report.body.contains("2 emergency unblindings recorded"),
        "{}",
        report.body
    );
    assert!(report.body.contains("anaphylaxis") && report.body.contains("sepsis"));
    no_arm(&report.body);
    let offers = User::new(&study.app, "stat_a")
        .await
        .get("/downloads")
        .await;
    assert!(
        !offers.body.contains("by-arm"),
        "a blinded statistician is offered none"
    );
    for login in ["inv_a", "coord_a", "monitor_a", "stat_a", "sponsor_a"] {
        let mut user = User::new(&study.app, login).await;
        let by_arm = user.get("/downloads/report-by-arm.html").await;
        assert_eq!(by_arm.status, StatusCode::FORBIDDEN, "{login}");
        no_arm(&by_arm.body);
        let page = user.get("/allocation").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{login}");
        no_arm(&page.body);
        let page = user.get("/").await;
        assert!(!page.body.contains("href=\"/allocation\""), "{login}");
    }

    // The sponsor is notified of both, with no arm: on the dashboard, on its page of
    // unblindings (newest first) and through the API; it reads no casebook.
    let mut sponsor = User::new(&study.app, "sponsor_a").await;
    let home = sponsor.get("/").await;
    assert!(
        home.body.contains("2 emergency unblindings: see the list.")
            && home.body.contains("href=\"/unblindings\""),
        "{}",
        home.body
    );
    no_arm(&home.body);
    let page = sponsor.get("/unblindings").await;
    assert_eq!(page.status, StatusCode::OK);
    let (sepsis, anaphylaxis) = (
        page.body.find("sepsis").expect("sepsis"),
        page.body.find("anaphylaxis").expect("anaphylaxis"),
    );
    assert!(sepsis < anaphylaxis, "newest first");
    assert!(page.body.contains("A-202") && page.body.contains("inv_a"));
    no_arm(&page.body);
    let (status, reply) = api_as(
        &study,
        "sponsor_a",
        reqwest::Method::GET,
        "/unblindings",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply.as_array().map(Vec::len), Some(2), "{reply}");
    assert_eq!(
        (
            reply[0]["subject"].as_str(),
            reply[0]["site"].as_str(),
            reply[0]["by"].as_str()
        ),
        (Some("A-202"), Some("A"), Some("inv_a")),
        "{reply}"
    );
    no_arm(&reply.to_string());
    assert_eq!(
        sponsor.get("/subjects/A-202").await.status,
        StatusCode::NOT_FOUND
    );
    for login in ["inv_a", "coord_a", "monitor_a", "stat_a"] {
        let mut user = User::new(&study.app, login).await;
        assert_eq!(
            user.get("/unblindings").await.status,
            StatusCode::FORBIDDEN,
            "{login}"
        );
    }
}
