//! Source data verification and locking as the monitor works them: the page, the worklist, the
//! JSON API, and a lock's refusal on every channel that changes the record (issue 16).

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::{Backend, ClasiAssessment};

use crate::pages::{User, clinical_app};
use crate::support::{App, password};

/// A script holding `login`'s API token.
struct Api {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Api {
    async fn new(app: &App, login: &str) -> Api {
        let admin = app
            .store
            .authenticate("admin", &password())
            .await
            .expect("admin");
        let (_, token) = web::issue_token(
            &app.store,
            &admin,
            login,
            "verification test",
            store::default_token_expiry(),
        )
        .await
        .expect("token");
        Api {
            base: format!("{}/api/v1", app.base),
            token,
            client: reqwest::Client::new(),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let reply = request
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = reply.status();
        let text = reply.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.client.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        self.send(request).await
    }
}

/// The baseline CLASI of A-001: its id and version.
async fn clasi(app: &App) -> (i64, i64) {
    let subject = app.store.subject_by_code("A-001").await.expect("A-001");
    let stored = app
        .store
        .records_of::<ClasiAssessment>(subject.id)
        .await
        .expect("clasi");
    (stored[0].id, stored[0].version)
}

/// The section of the verification page showing `anchor`.
fn section<'a>(page: &'a str, anchor: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{anchor}\""))
        .unwrap_or_else(|| panic!("no section {anchor}"));
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_monitor_verifies_fields_and_records_and_a_change_clears_them() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = clinical_app(backend).await;
        let (id, version) = clasi(&app).await;
        let anchor = format!("record-clasi-{id}");
        let mut monitor = User::new(&app, "monitor_a").await;
        let page = monitor.get("/subjects/A-001/verification").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(section(&page.body, &anchor).contains("data-verification=\"to-do\""));
        // The monitor's worklist counts the subject and links to this page.
        let dashboard = monitor.get("/").await.body;
        assert!(
            dashboard.contains("/worklists/verification-to-do"),
            "{dashboard}"
        );
        let list = monitor.get("/worklists/verification-to-do").await.body;
        assert!(list.contains("/subjects/A-001/verification"), "{list}");
        assert!(list.contains("records not verified"), "{list}");

        let (record, version_text) = (id.to_string(), version.to_string());
        let fields = [
            ("entity", "clasi"),
            ("record_id", record.as_str()),
            ("version", version_text.as_str()),
        ];
        let mut ticked = fields.to_vec();
        ticked.extend([
            ("field", "nose_malar_erythema"),
            ("field", "scalp_erythema"),
            ("scope", "fields"),
        ]);
        let saved = monitor.post("/subjects/A-001/verification", &ticked).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = monitor.get("/subjects/A-001/verification").await.body;
        let shown = section(&page, &anchor);
        assert_eq!(shown.matches("✓ by ").count(), 2, "{shown}");
        // Nothing ticked: said beside the record, nothing saved.
        let mut none = fields.to_vec();
        none.push(("scope", "fields"));
        let refused = monitor.post("/subjects/A-001/verification", &none).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            section(&refused.body, &anchor).contains("Tick the fields"),
            "{}",
            refused.body
        );
        // A field verified twice is refused with who verified it.
        let again = monitor.post("/subjects/A-001/verification", &ticked).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(again.body.contains("already verified by"), "{}", again.body);

        let mut whole = fields.to_vec();
        whole.push(("scope", "record"));
        let saved = monitor.post("/subjects/A-001/verification", &whole).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = monitor.get("/subjects/A-001/verification").await.body;
        assert!(section(&page, &anchor).contains("Verified as a whole"));

        // The investigator corrects the CLASI: the verification of what changed is cleared.
        let investigator = app
            .store
            .authenticate("inv_a", &password())
            .await
            .expect("inv");
        let stored = app
            .store
            .record::<ClasiAssessment>(id)
            .await
            .expect("clasi");
        let mut data = stored.data.clone();
        data.clasi = instruments::clasi::Clasi::clear();
        data.assessed_on = jiff::civil::date(2025, 1, 21);
        app.store
            .update_record(
                &investigator,
                id,
                stored.version,
                &data,
                "date copied wrongly",
            )
            .await
            .expect("corrected");
        let page = monitor.get("/subjects/A-001/verification").await.body;
        let shown = section(&page, &anchor);
        assert!(shown.contains("data-verification=\"cleared\""), "{shown}");
        assert!(
            shown.contains("verified data changed: date copied wrongly"),
            "{shown}"
        );
        // The erythema did not change: its verification holds.
        assert_eq!(shown.matches("✓ by ").count(), 2, "{shown}");

        // The coordinator has no verification page.
        let mut coordinator = User::new(&app, "coord_a").await;
        let refused = coordinator.get("/subjects/A-001/verification").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);

        // The API: the same verifications, and the same refusal.
        let api = Api::new(&app, "monitor_a").await;
        let (status, listed) = api.get("/subjects/A-001/verifications").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed.as_array().map(Vec::len), Some(3), "{listed}");
        let now = app
            .store
            .record::<ClasiAssessment>(id)
            .await
            .expect("clasi");
        let body = json!({"entity": "clasi", "record_id": id, "version": now.version, "fields": ["scalp_erythema"]});
        let (status, reply) = api.post("/subjects/A-001/verifications", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
        assert_eq!(reply["field"], "scalp_erythema", "{reply}");
        let body = json!({"entity": "clasi", "record_id": id, "version": now.version});
        let (status, reply) = api.post("/subjects/A-001/verifications", body).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        app.store.close().await;
    }
}

#[tokio::test]
async fn a_lock_refuses_the_change_on_every_channel_until_unlocked_with_a_reason() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = clinical_app(backend).await;
        let (id, version) = clasi(&app).await;
        let anchor = format!("record-clasi-{id}");
        let record = id.to_string();
        let mut monitor = User::new(&app, "monitor_a").await;
        let locked = monitor
            .post(
                "/subjects/A-001/locks",
                &[
                    ("covers", "record"),
                    ("entity", "clasi"),
                    ("record_id", &record),
                ],
            )
            .await;
        assert_eq!(locked.status, StatusCode::SEE_OTHER, "{}", locked.body);
        let page = monitor.get("/subjects/A-001/verification").await.body;
        assert!(section(&page, &anchor).contains("Locked"), "{page}");

        // Marking the CLASI entered in error: refused alike from the page and the API, and
        // nothing is written.
        let void = format!("/subjects/A-001/records/clasi/{id}/void");
        let mut investigator = User::new(&app, "inv_a").await;
        let api = Api::new(&app, "inv_a").await;
        let events = app.store.verify().await.expect("verify").events;
        let version_text = version.to_string();
        let refused = investigator
            .post(
                &void,
                &[("version", &version_text), ("reason", "duplicate")],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert!(refused.body.contains("locked by"), "{}", refused.body);
        let (status, reply) = api
            .post(&void, json!({"version": version, "reason": "duplicate"}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{reply}");
        assert_eq!(reply["field"], "locked", "{reply}");
        assert_eq!(app.store.verify().await.expect("verify").events, events);

        // Unlocking needs a reason: the form comes back with the field marked.
        let subject = app.store.subject_by_code("A-001").await.expect("A-001");
        let lock = app.store.locks_of(subject.id).await.expect("locks")[0].clone();
        let unlock = format!("/subjects/A-001/locks/{}/unlock", lock.id);
        let lock_version = lock.version.to_string();
        let refused = monitor
            .post(&unlock, &[("version", &lock_version), ("reason", "")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            section(&refused.body, &anchor).contains("aria-invalid=\"true\""),
            "{}",
            refused.body
        );
        let unlocked = monitor
            .post(
                &unlock,
                &[
                    ("version", &lock_version),
                    ("reason", "site found a duplicate"),
                ],
            )
            .await;
        assert_eq!(unlocked.status, StatusCode::SEE_OTHER, "{}", unlocked.body);
        assert!(
            app.store
                .locks_of(subject.id)
                .await
                .expect("locks")
                .is_empty()
        );

        // The casebook, locked through the API, refuses the page's change too.
        let monitor_api = Api::new(&app, "monitor_a").await;
        let (status, reply) = monitor_api
            .post("/subjects/A-001/locks", json!({"covers": "casebook"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        let (status, reply) = monitor_api.get("/subjects/A-001/locks").await;
        assert_eq!(
            (status, reply[0]["entity"].clone()),
            (StatusCode::OK, Value::Null),
            "{reply}"
        );
        let refused = investigator
            .post(
                &void,
                &[("version", &version_text), ("reason", "duplicate")],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.body
        );
        assert!(refused.body.contains("casebook"), "{}", refused.body);
        let (status, reply) = api
            .post("/subjects/A-001/locks", json!({"covers": "casebook"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{reply}");
        app.store.close().await;
    }
}
