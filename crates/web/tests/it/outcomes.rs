//! The outcome instruments on every channel: the visit page and the JSON API call the same
//! store command, so each refuses alike (an instrument the protocol does not collect, on all
//! three shipped protocols; an answer its item does not allow), and the page shows an item's
//! text the study supplied and the scores computed after saving.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::Backend;

use crate::authz::Study;
use crate::pages::{User, clinical_app_with, visit_id};
use crate::support::amend;

/// Posts `body` to the API as `login`.
async fn api_post(study: &Study, login: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let reply = Study::client()
        .post(format!("{}/api/v1{path}", study.app.base))
        .bearer_auth(&study.tokens[login])
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = reply.status();
    let text = reply.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, body)
}

/// The DLQI of the test study: 16 points, a very large effect.
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

#[tokio::test]
async fn the_page_and_the_api_refuse_alike() {
    let study = Study::new(Backend::Sqlite).await;
    let mut page = User::new(&study.app, "coord_a").await;
    let visit = visit_id(&page.get("/subjects/A-001").await.body, "Baseline");
    let base = format!("/subjects/A-001/visits/{visit}/outcomes");
    for (_, protocol) in store::testing::SHIPPED {
        amend(&study.app, protocol).await;
        let refused = page
            .post(&format!("{base}/dlqi"), &[("completed_on", "2025-01-20")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("this study does not collect DLQI"),
            "{}",
            refused.body
        );
        let (status, body) = api_post(
            &study,
            "coord_a",
            &format!("{base}/dlqi"),
            json!({"completed_on": "2025-01-20", "answers": {}}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["field"], "instrument");
        assert_eq!(body["message"], "this study does not collect DLQI");
    }
    amend(&study.app, &store::testing::outcomes_protocol()).await;
    // An answer its item does not allow: next to the item on the page, named by the API.
    let refused = page
        .post(
            &format!("{base}/dlqi"),
            &[
                ("completed_on", "2025-01-20"),
                ("DLQI01", "not_relevant"),
                ("DLQI02", "a_lot"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"dlqi-DLQI01-error\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(
            "'not_relevant' is not allowed; allowed: not_at_all, a_little, a_lot, very_much"
        ),
        "{}",
        refused.body
    );
    // Everything typed comes back.
    assert!(
        refused
            .body
            .contains("<option value=\"a_lot\" selected>a lot</option>"),
        "{}",
        refused.body
    );
    let (status, body) = api_post(
        &study,
        "coord_a",
        &format!("{base}/dlqi"),
        json!({"completed_on": "2025-01-20", "answers": {"DLQI01": "not_relevant"}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "DLQI01");
    assert_eq!(
        body["message"],
        "'not_relevant' is not allowed; allowed: not_at_all, a_little, a_lot, very_much"
    );
    // Entered through the API with its scores, then listed.
    let answers: BTreeMap<&str, &str> = DLQI.into_iter().collect();
    let (status, body) = api_post(
        &study,
        "coord_a",
        &format!("{base}/dlqi"),
        json!({"completed_on": "2025-01-20", "answers": answers}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["scores"][0],
        json!({"code": "DLQITOT", "value": "16", "not_scored": null})
    );
    let (status, body) = api_post(
        &study,
        "coord_a",
        &format!("{base}/worst_itch_nrs"),
        json!({"completed_on": "2025-01-20", "answers": {"ITCHNRS": "11"}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["message"], "'11' is not allowed; allowed: 0 to 10");
}

/// A DLQI entered on the visit page with the study's texts: the items by id and text, the
/// total and band after saving, a correction with its reason, and too many blanks said.
#[tokio::test]
async fn a_dlqi_is_entered_and_scored_on_the_visit_page() {
    let texts = toml::from_str(include_str!(
        "../../../../examples/outcomes/item-texts.toml"
    ))
    .expect("example texts");
    let config = web::Config {
        item_texts: web::ItemTexts::new(texts).expect("valid"),
        ..web::Config::default()
    };
    let app = clinical_app_with(Backend::Sqlite, config).await;
    amend(&app, &store::testing::outcomes_protocol()).await;
    let mut coord = User::new(&app, "coord_a").await;
    let visit = visit_id(&coord.get("/subjects/A-001").await.body, "Baseline");
    let page = coord.get(&format!("/subjects/A-001/visits/{visit}")).await;
    assert!(
        page.body
            .contains("DLQI01 — Placeholder text of item DLQI01"),
        "{}",
        page.body
    );
    assert!(page.body.contains("ITCHNRS — Placeholder: worst itch"));
    let path = format!("/subjects/A-001/visits/{visit}/outcomes/dlqi");
    let mut fields = vec![("completed_on", "2025-01-20")];
    fields.extend(DLQI);
    let saved = coord.post(&path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = coord.get(&format!("/subjects/A-001/visits/{visit}")).await;
    assert!(
        page.body
            .contains("<th scope=\"row\">DLQI total (0-30)</th><td>16</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<td>very large effect</td>"));
    // A correction needs its reason; with two answers blank the total is not computed.
    let blank_two: Vec<(&str, &str)> = fields[..9].to_vec();
    let refused = coord.post(&path, &blank_two).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"dlqi-reason-error\""),
        "{}",
        refused.body
    );
    let mut with_reason = blank_two.clone();
    with_reason.push(("reason", "two answers were transcribed from another form"));
    let corrected = coord.post(&path, &with_reason).await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    let page = coord.get(&format!("/subjects/A-001/visits/{visit}")).await;
    assert!(
        page.body
            .contains("not computed: 2 questions unanswered; at most 1 may be"),
        "{}",
        page.body
    );
}
