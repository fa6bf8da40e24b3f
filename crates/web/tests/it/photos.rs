//! Lesion photographs through both channels: the visit page's upload form (multipart) and the
//! API (base64 in JSON) call the store's one upload command and get its refusals; a photograph
//! is served only to those who read its subject, as its own type, never cached or sniffed.

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::Backend;
use store::testing::{jpeg_with_exif, sample_jpeg, sample_png};

use crate::authz::Study;
use crate::pages::{User, clinical_app, visit_id};
use crate::support::password;

const BOUNDARY: &str = "cletrial-test-boundary-7d1f";

/// A form as a browser sends it with a file input: the text fields, then the file.
fn multipart(fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lesion.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .into_bytes(),
    );
    body.extend(file);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
    body
}

async fn upload(
    user: &mut User,
    visit: i64,
    fields: &[(&str, &str)],
    file: &[u8],
) -> crate::support::Reply {
    let mut fields = fields.to_vec();
    let csrf = user.csrf.clone();
    fields.insert(0, ("csrf", &csrf));
    user.browser
        .post_raw(
            &format!("/subjects/A-001/visits/{visit}/photos"),
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart(&fields, file),
            &[],
        )
        .await
}

/// The path of the first photograph on a visit page.
fn photo_path(page: &str) -> String {
    let start = page.find("<img src=\"").expect("a photograph") + "<img src=\"".len();
    page[start..start + page[start..].find('"').expect("end")].to_owned()
}

#[tokio::test]
async fn a_photograph_is_uploaded_and_shown_on_the_visit_page() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let visit = visit_id(&coord.get("/subjects/A-001").await.body, "Baseline");
    let page = coord.get(&format!("/subjects/A-001/visits/{visit}")).await;
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    assert!(page.body.contains("No photographs of this visit yet."));

    // Refused: not a photograph. What was typed comes back, with the store's words.
    let typed = [
        ("area", "nose_malar"),
        ("taken_on", "2025-01-20"),
        ("caption", "butterfly rash, left"),
    ];
    let refused = upload(&mut coord, visit, &typed, b"%PDF-1.7 a scanned letter").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for shown in [
        "only JPEG and PNG are allowed",
        "value=\"butterfly rash, left\"",
        "<option value=\"nose_malar\" selected>",
    ] {
        assert!(refused.body.contains(shown), "{shown}: {}", refused.body);
    }
    // Refused: no area chosen, named next to its select.
    let no_area = upload(
        &mut coord,
        visit,
        &[("area", ""), ("taken_on", "2025-01-20")],
        &sample_jpeg(8, 8),
    )
    .await;
    assert_eq!(no_area.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_area.body.contains(
            "id=\"area\" name=\"area\" aria-label=\"Body area (CLASI)\" aria-invalid=\"true\""
        ),
        "{}",
        no_area.body
    );

    let sent = jpeg_with_exif(40, 30, b"Exif\0\0GPSLatitude 40.4168 N");
    let saved = upload(&mut coord, visit, &typed, &sent).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location(),
        Some(format!("/subjects/A-001/visits/{visit}#photos").as_str())
    );
    let page = coord.get(&format!("/subjects/A-001/visits/{visit}")).await;
    assert!(
        page.body.contains("<h3>Nose (incl. malar area)</h3>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("butterfly rash, left"));
    let path = photo_path(&page.body);
    let photo = coord.get(&path).await;
    assert_eq!(photo.status, StatusCode::OK);
    for (name, value) in [
        ("content-type", "image/jpeg"),
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
    ] {
        assert_eq!(photo.headers[name], value, "{name}");
    }
    assert!(!photo.bytes.windows(3).any(|w| w == b"GPS"), "EXIF removed");
    assert!(photo.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));

    // The monitor reads it, and has no upload form; another site's coordinator finds nothing.
    let mut monitor = User::new(&app, "monitor_a").await;
    assert_eq!(monitor.get(&path).await.status, StatusCode::OK);
    let seen = monitor
        .get(&format!("/subjects/A-001/visits/{visit}"))
        .await;
    assert!(!seen.body.contains("enctype=\"multipart/form-data\""));
    let mut other = User::new(&app, "coord_b").await;
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    // Nor is it found under another visit's path.
    let elsewhere = path.replace(&format!("/visits/{visit}/"), "/visits/999999/");
    assert_eq!(coord.get(&elsewhere).await.status, StatusCode::NOT_FOUND);
}

/// A script holding `login`'s token.
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

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let reply = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request");
        let status = reply.status();
        let text = reply.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
        )
    }
}

fn photo_body(area: &str, file: &[u8]) -> Value {
    json!({
        "area": area,
        "taken_on": "2025-01-20",
        "caption": "dorsum of the hand",
        "file": base64::engine::general_purpose::STANDARD.encode(file),
    })
}

/// The API takes the same fields and gets the store's refusals, under each shipped protocol
/// (none of them declines photographs: a lesion photograph is a record of the visit whatever
/// the design).
async fn the_api_uploads_through_the_same_command(backend: Backend) {
    let study = Study::new(backend).await;
    let store = &study.app.store;
    let admin = store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let coordinator = Script::new(&study, "coord_a");
    let path = format!("/subjects/A-001/visits/{}/photos", study.own.visit);
    let (status, refused) = coordinator
        .post(&path, &photo_body("hands", b"GIF89a not a photograph"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "file");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("only JPEG and PNG are allowed")),
        "{refused}"
    );
    let (status, refused) = coordinator
        .post(&path, &photo_body("elbow", &sample_png(4, 4)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "area");
    let (status, refused) = coordinator
        .post(
            &path,
            &json!({"area": "hands", "taken_on": "2025-01-20", "file": "not base64!"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "file");
    // Another site's subject looks missing.
    let elsewhere = format!(
        "/subjects/{}/visits/{}/photos",
        study.other.subject, study.other.visit
    );
    let (status, _) = coordinator
        .post(&elsewhere, &photo_body("hands", &sample_png(4, 4)))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    for (width, (name, text)) in (10..).zip(store::testing::SHIPPED) {
        let version = store.study().await.expect("study").version;
        store
            .amend_protocol(&admin, version, text, name)
            .await
            .expect("amended");
        // A picture of its own per protocol, so each is a new file.
        let sent = sample_jpeg(width, 12);
        let (status, kept) = coordinator.post(&path, &photo_body("hands", &sent)).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {kept}");
        assert_eq!(kept["media_type"], "image/jpeg");
        let id = kept["id"].as_i64().expect("id");
        let photo: store::Stored<store::Photo> = store.record(id).await.expect("record");
        let bytes = store.photo_bytes(&photo.data).await.expect("file");
        assert_eq!(
            kept["sha256"],
            hex::encode(Sha256::digest(&bytes)),
            "{name}"
        );
    }
    let verification = store.verify().await.expect("verify");
    assert_eq!(verification.problem, None);
}

#[tokio::test]
async fn the_api_uploads_through_the_same_command_sqlite() {
    the_api_uploads_through_the_same_command(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_api_uploads_through_the_same_command_postgres() {
    the_api_uploads_through_the_same_command(Backend::Postgres).await;
}

/// The central reader's pages: an item left blank is refused (never taken for 0), a score is
/// kept once, and the reader reaches no subject; nobody else reaches the queue.
#[tokio::test]
async fn a_central_reader_scores_each_item_and_sees_no_subject() {
    let app = clinical_app(Backend::Sqlite).await;
    let admin = app
        .store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    store::testing::central_reader(&app.store, &admin, "reader_a", "A", &password())
        .await
        .expect("reader");
    let mut coord = User::new(&app, "coord_a").await;
    let visit = visit_id(&coord.get("/subjects/A-001").await.body, "Baseline");
    let fields = [("area", "scalp"), ("taken_on", "2025-01-20")];
    let saved = upload(&mut coord, visit, &fields, &sample_png(16, 16)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(coord.get("/reading").await.status, StatusCode::FORBIDDEN);

    let mut reader = User::new(&app, "reader_a").await;
    assert_eq!(
        reader.get("/subjects/A-001").await.status,
        StatusCode::NOT_FOUND
    );
    let queue = reader.get("/reading").await;
    assert!(!queue.body.contains("A-001"), "{}", queue.body);
    let start = queue.body.find("href=\"/reading/").expect("a reading") + "href=\"".len();
    let path = &queue.body[start..start + queue.body[start..].find('"').expect("end")];
    let page = reader.get(path).await;
    // The scalp has no scarring item.
    assert!(!page.body.contains("name=\"scarring\""), "{}", page.body);
    let blank = reader
        .post(
            path,
            &[("erythema", "2"), ("scale", ""), ("dyspigmentation", "0")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("id=\"scale-error\""), "{}", blank.body);
    let scored = reader
        .post(
            path,
            &[("erythema", "2"), ("scale", "1"), ("dyspigmentation", "0")],
        )
        .await;
    assert_eq!(scored.status, StatusCode::SEE_OTHER, "{}", scored.body);
    assert!(
        reader
            .get(path)
            .await
            .body
            .contains("You have scored this photograph.")
    );
    let photo = reader.get(&format!("{path}/photo")).await;
    assert_eq!(photo.headers["content-type"], "image/png");
    assert_eq!(photo.headers["cache-control"], "no-store");
}
