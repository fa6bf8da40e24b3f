//! The statistician's downloads (issue 16): the report as one HTML attachment and the exports as
//! zips, each download an event in the audit trail. Who else may not download is the
//! authorisation matrix's (`authz`), which walks these routes with every role.

use std::io::Read;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use store::{Backend, EventFilter};

use crate::authz::Study;
use crate::support::{Browser, Reply};

fn header(reply: &Reply, name: reqwest::header::HeaderName) -> &str {
    reply
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

/// The names of a zip's entries and the text of the one named `name`.
fn zip_entry(bytes: &[u8], name: &str) -> (Vec<String>, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let names = zip
        .file_names()
        .map(|name| name.expect("an entry name").into_owned())
        .collect();
    let mut text = String::new();
    zip.by_name(name)
        .expect("the entry")
        .read_to_string(&mut text)
        .expect("text");
    (names, text)
}

#[tokio::test]
async fn the_statistician_downloads_the_report_and_the_sdtm_csv_each_audited() {
    let study = Study::new(Backend::Sqlite).await;
    let mut browser = Browser::logged_in(&study.app, "stat_a").await;
    let dashboard = browser.get("/").await;
    assert!(
        dashboard.body.contains("href=\"/downloads\""),
        "{}",
        dashboard.body
    );
    let page = browser.get("/downloads").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for link in [
        "/downloads/report.html",
        "/downloads/tidy-csv.zip",
        "/downloads/sdtm-csv.zip",
        "/downloads/sdtm-xpt.zip",
        "/downloads/submission.zip",
    ] {
        assert!(page.body.contains(link), "{link}");
    }

    let report = browser.get("/downloads/report.html").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert_eq!(header(&report, CONTENT_TYPE), "text/html; charset=utf-8");
    let disposition = header(&report, CONTENT_DISPOSITION);
    assert!(
        disposition.starts_with("attachment; filename=\"LENA-CLE-01-report-")
            && disposition.ends_with(".html\""),
        "{disposition}"
    );
    assert!(report.body.contains("Lenalidomide in refractory CLE"));

    let sdtm = browser.get("/downloads/sdtm-csv.zip").await;
    assert_eq!(sdtm.status, StatusCode::OK, "{}", sdtm.body);
    assert_eq!(header(&sdtm, CONTENT_TYPE), "application/zip");
    assert!(header(&sdtm, CONTENT_DISPOSITION).contains("LENA-CLE-01-sdtm-csv-"));
    let (names, dm) = zip_entry(&sdtm.bytes, "dm.csv");
    assert!(names.contains(&"export.json".to_owned()), "{names:?}");
    assert!(dm.contains("A-001"), "{dm}");

    // The submission folder keeps its two folders in the zip, each with its define.xml.
    let submission = browser.get("/downloads/submission.zip").await;
    assert_eq!(submission.status, StatusCode::OK, "{}", submission.body);
    let (names, define) = zip_entry(&submission.bytes, "sdtm/define.xml");
    for name in [
        "export.json",
        "sdtm/dm.xpt",
        "sdtm/dm.json",
        "adam/adsl.xpt",
        "adam/adsl.json",
        "adam/define.xml",
    ] {
        assert!(names.contains(&name.to_owned()), "{name}: {names:?}");
    }
    assert!(define.contains("def:DefineVersion"), "{define}");
    // The audited download carries the photograph manifest: the fixture's photograph of each
    // subject's hands, unread, never the image itself.
    let (names, photos) = zip_entry(&submission.bytes, "photos.csv");
    assert!(names.contains(&"photos.csv".to_owned()), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|name| name.ends_with(".jpg") || name.ends_with(".jpeg")),
        "{names:?}"
    );
    let lines: Vec<&str> = photos.lines().collect();
    assert_eq!(
        lines[0],
        "subject,visit,visit_date,area,area_text,taken_on,sha256,media_type,byte_size,reading,central_erythema,central_scale,central_dyspigmentation,central_scarring,central_activity,central_damage"
    );
    assert_eq!(lines.len(), 3, "{photos}");
    for (line, subject) in lines[1..].iter().zip(["A-001", "B-001"]) {
        assert!(
            line.starts_with(&format!(
                "{subject},Baseline,2025-01-20,hands,Hands,2025-01-20,"
            )),
            "{line}"
        );
        // The file's type and size, and no central reading yet.
        assert!(line.contains(",image/jpeg,"), "{line}");
        assert!(line.ends_with(",,,,,,,"), "{line}");
    }

    let filter = EventFilter {
        entity: Some("download".to_owned()),
        field: Some("what".to_owned()),
        ..EventFilter::default()
    };
    let events = study
        .app
        .store
        .audit_page(&filter, 0, 100)
        .await
        .expect("trail");
    let taken: Vec<_> = events
        .iter()
        .map(|event| (event.actor.as_str(), event.new_value.as_deref()))
        .collect();
    assert_eq!(
        taken,
        [
            ("stat_a", Some("\"report\"")),
            ("stat_a", Some("\"sdtm_csv\"")),
            ("stat_a", Some("\"submission\""))
        ]
    );
    let verified = study.app.store.verify().await.expect("verify");
    assert!(verified.problem.is_none(), "{verified:?}");
}

#[tokio::test]
async fn others_may_not_open_the_downloads() {
    let study = Study::new(Backend::Sqlite).await;
    for login in ["inv_a", "coord_a", "monitor_a", "admin"] {
        let mut browser = Browser::logged_in(&study.app, login).await;
        let dashboard = browser.get("/").await;
        assert!(!dashboard.body.contains("href=\"/downloads\""), "{login}");
        for path in ["/downloads", "/downloads/sdtm-csv.zip"] {
            assert_eq!(
                browser.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{login} {path}"
            );
        }
    }
    let filter = EventFilter {
        entity: Some("download".to_owned()),
        ..EventFilter::default()
    };
    let events = study
        .app
        .store
        .audit_page(&filter, 0, 10)
        .await
        .expect("trail");
    assert!(events.is_empty(), "a refused download records nothing");
}
