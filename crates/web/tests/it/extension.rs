//! An open-label extension the arms enter differently, on the page and the API: a server holding
//! the allocation secret decides with the subject's arm from the extension's first day (the
//! protocol says its decisions depend on it); before it, and on a server without the secret,
//! nothing shows an arm, and without the secret the physician decides.

use reqwest::StatusCode;
use serde_json::Value;
use store::Backend;

use crate::authz::Study;
use crate::pages::{User, visit_id};
use crate::support::password;

fn secret() -> protocol::allocation::Secret {
    protocol::allocation::Secret::from_bytes([6; 32])
}

/// The extension begins on day 84 of subjects enrolled on 2025-03-10.
const DAY_83: &str = "2025-06-01";
const DAY_84: &str = "2025-06-02";

/// The `authz` study amended to the trial with the extension, four subjects enrolled at site A
/// on 2025-03-10; each subject's code with its arm code.
async fn extended_study(config: web::Config) -> (Study, Vec<(String, String)>) {
    let study = Study::with_config(Backend::Sqlite, config).await;
    let store = &study.app.store;
    let admin = store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    store::testing::make_randomised(store, &admin, &secret(), store::testing::EXTENDED_PROTOCOL)
        .await
        .expect("randomised");
    let inv = store.authenticate("inv_a", &password()).await.expect("inv");
    let mut codes = Vec::new();
    for n in 1..=4 {
        let code = format!("A-30{n}");
        let data = store::SubjectData {
            site: "A".into(),
            code: code.clone(),
            sex: store::Sex::Female,
            birth: store::BirthOrAge::AgeYears(44),
            subtype: None,
            screening_date: jiff::civil::date(2025, 3, 3),
            consent_date: Some(jiff::civil::date(2025, 3, 1)),
            enrolment_date: Some(jiff::civil::date(2025, 3, 10)),
        };
        let levels = [("subtype", "DLE"), ("baseline CLASI-A", "10 or more")];
        store::testing::enrolled_with(store, &inv, &data, &levels)
            .await
            .expect("enrolled");
        codes.push(code);
    }
    let protocol = store.protocol().await.expect("protocol");
    let design = protocol.randomisation().expect("design");
    let randomised = store.randomisations().await.expect("read");
    let arms = store::arms(design, secret(), &randomised).expect("arms");
    let arms = codes
        .into_iter()
        .zip(arms)
        .map(|(code, arm)| (code, design.arms()[arm].code.clone()))
        .collect();
    (study, arms)
}

/// The decision's rule ids and its physician review, from the API as the investigator.
async fn decided(study: &Study, code: &str, as_of: &str) -> (Vec<String>, bool, String) {
    let reply = Study::client()
        .get(format!(
            "{}/api/v1/subjects/{code}/decision?as_of={as_of}",
            study.app.base
        ))
        .bearer_auth(&study.tokens["inv_a"])
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), StatusCode::OK);
    let text = reply.text().await.expect("body");
    let body: Value = serde_json::from_str(&text).expect("json");
    let decision = &body["decision"];
    let rules = decision["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|rule| rule["id"].as_str().expect("id").to_owned())
        .collect();
    (
        rules,
        decision["physician_review"].as_bool().expect("flag"),
        text,
    )
}

#[tokio::test]
async fn the_api_and_the_page_decide_with_the_arm_from_the_extension_on() {
    let config = web::Config {
        allocation_secret: Some(secret()),
        ..web::Config::default()
    };
    let (study, arms) = extended_study(config).await;
    let mut inv = User::new(&study.app, "inv_a").await;
    for (code, arm) in &arms {
        let (rules, _, text) = decided(&study, code, DAY_83).await;
        assert!(
            rules.iter().all(|id| !id.starts_with("extension.")),
            "{rules:?}"
        );
        for word in ["\"arm ", "PBO", "Placebo", "\"LEN\""] {
            assert!(
                !text.contains(word),
                "{code} before the extension: '{word}' in {text}"
            );
        }
        let (rules, review, _) = decided(&study, code, DAY_84).await;
        let (wanted, sentence) = if arm == "PBO" {
            ("extension.restart", "starts the drug anew")
        } else {
            ("extension.continue", "goes on with its course")
        };
        assert_eq!(rules[0], wanted, "{code} ({arm})");
        assert!(!review, "{code}");

        // The page: a visit on the extension's first day shows the same rule in its panel.
        let subject = inv.get(&format!("/subjects/{code}")).await;
        assert_eq!(subject.status, StatusCode::OK);
        let added = inv
            .post(
                &format!("/subjects/{code}/visits"),
                &[
                    ("name", "Week 12"),
                    ("planned_date", DAY_84),
                    ("actual_date", DAY_84),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
        let visit = visit_id(&inv.get(&format!("/subjects/{code}")).await.body, "Week 12");
        let page = inv.get(&format!("/subjects/{code}/visits/{visit}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.body
                .contains(&format!("the open-label extension began on {DAY_84}"))
                && page.body.contains(sentence),
            "{code} ({arm}): {}",
            page.body
        );
    }
    let tried: std::collections::BTreeSet<&str> =
        arms.iter().map(|(_, arm)| arm.as_str()).collect();
    assert_eq!(tried.len(), 2, "both arms among the subjects: {arms:?}");
}

#[tokio::test]
async fn without_the_secret_no_arm_is_read_and_the_physician_decides() {
    let (study, arms) = extended_study(web::Config::default()).await;
    for (code, _) in &arms {
        let (rules, review, text) = decided(&study, code, DAY_84).await;
        assert_eq!(rules[0], "extension.arm_needed", "{code}");
        assert!(review, "{code}");
        for word in [
            "PBO",
            "Placebo",
            "\"LEN\"",
            "starts the drug anew",
            "goes on with",
        ] {
            assert!(!text.contains(word), "{code}: '{word}' in {text}");
        }
    }
}
