//! Patient links on every channel: staff issue one on the visit page (shown once, with its QR
//! code) or through the API; the patient opens it without an account, in English or Spanish,
//! on a page that names nothing of the record, answers once (the store's refusals next to each
//! question), and the link is spent; an expired, revoked, used or unknown link gets a plain
//! page saying so. The shipped studies collect no instrument, so they refuse to issue one.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::json;
use store::{Backend, BirthOrAge, Sex, SubjectData, VisitData};

use crate::authz::Study;
use crate::pages::User;
use crate::support::{App, Browser, Reply, amend, password};

/// The lenalidomide schedule's week 4: day 28, +/- 7 days.
const WEEK_4: i64 = 28;

pub fn days_ago(days: i64) -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_sub(jiff::Span::new().days(days))
        .expect("date")
}

/// Placeholder texts of the itch NRS, as a study's file supplies them.
pub fn item_texts() -> web::ItemTexts {
    let tables = BTreeMap::from([
        (
            "en".to_owned(),
            BTreeMap::from([(
                "ITCHNRS".to_owned(),
                "Placeholder: worst itch, 0 to 10".to_owned(),
            )]),
        ),
        (
            "es".to_owned(),
            BTreeMap::from([(
                "ITCHNRS".to_owned(),
                "Marcador: peor picor, 0 a 10".to_owned(),
            )]),
        ),
    ]);
    web::ItemTexts::new(tables).expect("texts")
}

/// Subject `code` of site A enrolled `enrolled` days ago by the coordinator, with a visit
/// planned for week 4; its id.
pub async fn week_4_visit(app: &App, code: &str, enrolled: i64) -> i64 {
    let coordinator = app
        .store
        .authenticate("coord_a", &password())
        .await
        .expect("coordinator");
    let data = SubjectData {
        site: "A".into(),
        code: code.into(),
        sex: Sex::Female,
        birth: BirthOrAge::BirthDate(jiff::civil::date(1980, 5, 17)),
        subtype: None,
        screening_date: days_ago(enrolled + 1),
        consent_date: Some(days_ago(enrolled + 2)),
        enrolment_date: None,
    };
    let (subject, _) = app
        .store
        .screen(&coordinator, &data, &store::testing::eligible_candidate())
        .await
        .expect("screened");
    app.store
        .enrol(
            &coordinator,
            &store::Enrolment {
                subject_id: subject.id,
                based_on: subject.version,
                consent_date: days_ago(enrolled + 2),
                enrolment_date: days_ago(enrolled),
                waiver: None,
                reason: None,
                factors: Vec::new(),
            },
        )
        .await
        .expect("enrolled");
    let visit = VisitData {
        name: "Week 4".into(),
        planned_date: Some(days_ago(enrolled - WEEK_4)),
        actual_date: None,
    };
    app.store
        .add_visit(&coordinator, subject.id, &visit)
        .await
        .expect("visit")
        .id
}

fn json_of(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// The secret of the link a page or reply shows (`/p/<64 hex digits>`).
pub fn token_in(text: &str) -> String {
    let start = text.find("/p/").expect("a patient link") + 3;
    text[start..start + 64].to_owned()
}

/// The patient's browser: no account, its own cookies.
async fn open(app: &App, token: &str, lang: &str) -> (Browser, Reply) {
    let mut browser = Browser::new(app);
    let reply = browser.get(&format!("/p/{token}{lang}")).await;
    (browser, reply)
}

/// Sends the patient's answers with the page's token, as the page's own form does (the
/// browser sends `Origin: null` under `no-referrer`, and says the request is same-origin).
async fn send(browser: &mut Browser, token: &str, page: &Reply, answers: &[(&str, &str)]) -> Reply {
    let csrf = page.form_token();
    let mut form = answers.to_vec();
    form.push(("csrf", &csrf));
    browser
        .post(
            &format!("/p/{token}"),
            &form,
            &[("origin", "null"), ("sec-fetch-site", "same-origin")],
        )
        .await
}

#[tokio::test]
async fn a_patient_answers_once_through_the_link_staff_issued() {
    let config = web::Config {
        item_texts: item_texts(),
        ..web::Config::default()
    };
    let study = Study::with_config(Backend::Sqlite, config).await;
    amend(&study.app, &store::testing::outcomes_protocol()).await;
    let visit = week_4_visit(&study.app, "A-050", WEEK_4).await;
    let mut staff = User::new(&study.app, "coord_a").await;
    let base = format!("/subjects/A-050/visits/{visit}");
    let page = staff.get(&base).await;
    assert!(page.body.contains("id=\"patient-links\""), "{}", page.body);
    assert!(
        page.body
            .contains("<a href=\"#patient-links\">Patient links</a>")
    );
    assert!(
        page.body
            .contains("No patient link has been issued for this visit.")
    );
    // Clinician instruments get no button.
    assert!(page.body.contains("value=\"worst_itch_nrs\""));
    assert!(
        !page
            .body
            .contains("name=\"instrument\" value=\"cla_iga_r\"")
    );
    let issued = staff
        .post(
            &format!("{base}/patient-links"),
            &[("instrument", "worst_itch_nrs")],
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    assert!(issued.body.contains("<svg"), "a QR code");
    let token = token_in(&issued.body);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    let listed = staff.get(&base).await;
    assert!(listed.body.contains(">open<"), "{}", listed.body);
    assert!(
        !listed.body.contains(&token),
        "the secret is shown once only"
    );

    // The patient's page: no login, the study's text, nothing of the record, no referrer.
    let (mut patient, page) = open(&study.app, &token, "").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.headers["referrer-policy"], "no-referrer");
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.body.contains("Placeholder: worst itch, 0 to 10"));
    assert!(page.body.contains("Question 1"));
    for private in [
        "A-050",
        "Week 4",
        "coord_a",
        "cletrial_session",
        "/subjects",
    ] {
        assert!(
            !page.body.contains(private),
            "{private} shown to the patient"
        );
    }
    let (_, spanish) = open(&study.app, &token, "?lang=es").await;
    assert!(spanish.body.contains("<html lang=\"es\""));
    assert!(spanish.body.contains("Marcador: peor picor, 0 a 10"));
    assert!(spanish.body.contains("Pregunta 1"));
    assert!(spanish.body.contains("Enviar mis respuestas"));

    // A post without the page's token is refused; one out of range comes back per question.
    let forged = patient
        .post(&format!("/p/{token}"), &[("ITCHNRS", "6")], &[])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let refused = send(&mut patient, &token, &page, &[("ITCHNRS", "11")]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("id=\"m-ITCHNRS\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("&#39;11&#39; is not allowed; allowed: 0 to 10")
            || refused
                .body
                .contains("'11' is not allowed; allowed: 0 to 10"),
        "{}",
        refused.body
    );
    let thanks = send(&mut patient, &token, &page, &[("ITCHNRS", "6")]).await;
    assert_eq!(thanks.status, StatusCode::OK, "{}", thanks.body);
    assert!(thanks.body.contains("Thank you"));

    // Spent: the same link again is refused, in the patient's language.
    let (_, again) = open(&study.app, &token, "?lang=es").await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains(&format!(
        "Estas respuestas ya se enviaron el {}",
        days_ago(0)
    )));
    // Staff see the answers as the patient's, the trail names the patient by the link only.
    let after = staff.get(&base).await;
    assert!(
        after
            .body
            .contains("the patient, through a link (entered by the patient)")
    );
    assert!(after.body.contains(&format!("used ({})", days_ago(0))));
    let history = staff.get("/subjects/A-050/history").await;
    assert!(
        history.body.contains("the patient (link 1)"),
        "{}",
        history.body
    );
}

#[tokio::test]
async fn closed_and_unknown_links_get_a_plain_page_saying_so() {
    let study = Study::new(Backend::Sqlite).await;
    amend(&study.app, &store::testing::outcomes_protocol()).await;
    let mut staff = User::new(&study.app, "inv_a").await;
    // Revoked with a reason.
    let visit = week_4_visit(&study.app, "A-051", WEEK_4).await;
    let base = format!("/subjects/A-051/visits/{visit}");
    let token = token_in(
        &staff
            .post(&format!("{base}/patient-links"), &[("instrument", "dlqi")])
            .await
            .body,
    );
    let no_reason = staff
        .post(
            &format!("{base}/patient-links/1/revoke"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let revoked = staff
        .post(
            &format!("{base}/patient-links/1/revoke"),
            &[("reason", "given to the wrong person")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let (_, page) = open(&study.app, &token, "").await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(
        page.body
            .contains("The study team has withdrawn this link.")
    );
    // Expired: the visit's date corrected to a week whose window has closed.
    let visit = week_4_visit(&study.app, "A-052", 2 * WEEK_4).await;
    let base = format!("/subjects/A-052/visits/{visit}");
    let admin = study
        .app
        .store
        .authenticate("inv_a", &password())
        .await
        .expect("inv");
    let stored = study.app.store.visit(visit).await.expect("visit");
    let week_8 = VisitData {
        planned_date: Some(days_ago(0)),
        ..stored.data.clone()
    };
    let stored = study
        .app
        .store
        .update_visit(&admin, visit, stored.version, &week_8, "planned for week 8")
        .await
        .expect("moved");
    let token = token_in(
        &staff
            .post(
                &format!("{base}/patient-links"),
                &[("instrument", "skindex")],
            )
            .await
            .body,
    );
    let week_4 = VisitData {
        planned_date: Some(days_ago(WEEK_4)),
        ..stored.data.clone()
    };
    study
        .app
        .store
        .update_visit(
            &admin,
            visit,
            stored.version,
            &week_4,
            "planned date corrected",
        )
        .await
        .expect("moved back");
    let (_, page) = open(&study.app, &token, "").await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(
        page.body
            .contains(&format!("This link expired on {}.", days_ago(WEEK_4 - 7))),
        "{}",
        page.body
    );
    // Unknown, or not a link at all: 404.
    for token in ["0".repeat(64), "not-a-link".to_owned()] {
        let (_, page) = open(&study.app, &token, "").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.body.contains("This link is not valid."));
    }
}

#[tokio::test]
async fn the_page_and_the_api_issue_list_revoke_and_refuse_alike() {
    let study = Study::new(Backend::Sqlite).await;
    let visit = week_4_visit(&study.app, "A-053", WEEK_4).await;
    let mut staff = User::new(&study.app, "coord_a").await;
    let page_path = format!("/subjects/A-053/visits/{visit}/patient-links");
    let api = |path: &str| format!("{}/api/v1{path}", study.app.base);
    let client = Study::client();
    let post = |path: String, body: serde_json::Value| {
        client
            .post(api(&path))
            .bearer_auth(&study.tokens["coord_a"])
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    for (_, protocol) in store::testing::SHIPPED {
        amend(&study.app, protocol).await;
        let refused = staff.post(&page_path, &[("instrument", "dlqi")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("this study does not collect DLQI"),
            "{}",
            refused.body
        );
        let reply = post(page_path.clone(), json!({"instrument": "dlqi"}))
            .await
            .expect("api");
        assert_eq!(reply.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = reply.text().await.map(json_of).expect("body");
        assert_eq!(body["field"], "instrument");
        assert_eq!(body["message"], "this study does not collect DLQI");
    }
    amend(&study.app, &store::testing::outcomes_protocol()).await;
    // A clinician's instrument: refused on both channels in the same words.
    let refused = staff.post(&page_path, &[("instrument", "pga_skin")]).await;
    assert!(
        refused
            .body
            .contains("PGA-skin is the investigator&#39;s assessment")
            || refused
                .body
                .contains("PGA-skin is the investigator's assessment"),
        "{}",
        refused.body
    );
    let reply = post(page_path.clone(), json!({"instrument": "pga_skin"}))
        .await
        .expect("api");
    let body: serde_json::Value = reply.text().await.map(json_of).expect("body");
    assert_eq!(
        body["message"],
        "PGA-skin is the investigator's assessment: the patient does not answer it"
    );
    // Issued through the API: the secret once, then listed without it; revoked with a reason.
    let reply = post(page_path.clone(), json!({"instrument": "worst_pain_nrs"}))
        .await
        .expect("api");
    assert_eq!(reply.status(), StatusCode::CREATED);
    let issued: serde_json::Value = reply.text().await.map(json_of).expect("body");
    let token = issued["token"].as_str().expect("token").to_owned();
    assert!(
        issued["url"]
            .as_str()
            .expect("url")
            .ends_with(&format!("/p/{token}"))
    );
    assert_eq!(issued["link"]["state"], "open");
    let id = issued["link"]["id"].as_i64().expect("id");
    let listed: serde_json::Value = client
        .get(api(&page_path))
        .bearer_auth(&study.tokens["monitor_a"])
        .send()
        .await
        .expect("list")
        .text()
        .await
        .map(json_of)
        .expect("body");
    assert_eq!(listed[0]["id"], id);
    assert!(!listed.to_string().contains(&token));
    let reply = post(
        format!("{page_path}/{id}/revoke"),
        json!({"reason": "lost"}),
    )
    .await
    .expect("api");
    assert_eq!(reply.status(), StatusCode::OK);
    let revoked: serde_json::Value = reply.text().await.map(json_of).expect("body");
    assert_eq!(revoked["state"], "revoked");
    let reply = post(
        format!("{page_path}/{id}/revoke"),
        json!({"reason": "again"}),
    )
    .await
    .expect("api");
    assert_eq!(reply.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = reply.text().await.map(json_of).expect("body");
    assert_eq!(body["message"], "the link was revoked");
    // A monitor may list but not issue.
    let reply = client
        .post(api(&page_path))
        .bearer_auth(&study.tokens["monitor_a"])
        .header("content-type", "application/json")
        .body(json!({"instrument": "dlqi"}).to_string())
        .send()
        .await
        .expect("api");
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);
}

/// A client opening unknown links waits once past the free ones: 429 with `Retry-After` and a
/// plain page in the patient's words, for every link it opens, a good one too.
#[tokio::test]
async fn a_client_opening_unknown_links_is_slowed() {
    let throttle = store::Throttle {
        client_free_failures: 2,
        ..store::Throttle::default()
    };
    let app =
        crate::support::spawn_throttled(Backend::Sqlite, web::Config::default(), throttle).await;
    let guess = "0".repeat(64);
    for n in 0..2 {
        let (_, page) = open(&app, &guess, "").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "guess {n}");
    }
    let (_, page) = open(&app, &"1".repeat(64), "?lang=es").await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.contains_key("retry-after"));
    assert!(
        page.body
            .contains("Demasiados intentos desde este dispositivo."),
        "{}",
        page.body
    );
}
