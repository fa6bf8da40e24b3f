//! Roles per site: a user sees the subjects of the sites where they hold a role, and nothing of
//! any other site. Another site's subject answers 404, exactly like a subject that does not exist,
//! so the answer does not even confirm the study id.

use reqwest::StatusCode;
use store::Backend;

use crate::support::{Browser, spawn_app};

/// (login, subjects it must see, subjects it must not see)
const MATRIX: [(&str, &[&str], &[&str]); 4] = [
    ("coord_a", &["A-001"], &["B-001"]),
    ("monitor_a", &["A-001"], &["B-001"]),
    ("coord_b", &["B-001"], &["A-001"]),
    ("admin", &[], &["A-001", "B-001"]),
];

#[tokio::test]
async fn each_user_sees_only_the_subjects_of_their_sites() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    for (login, visible, hidden) in MATRIX {
        let mut browser = Browser::logged_in(&app, login).await;
        let list = browser.get("/subjects").await;
        assert_eq!(list.status, StatusCode::OK, "{login}");
        let dashboard = browser.get("/").await;
        let missing = browser.get("/subjects/Z-999").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        for code in visible {
            assert!(list.body.contains(code), "{login} lists {code}");
            let page = browser.get(&format!("/subjects/{code}")).await;
            assert_eq!(page.status, StatusCode::OK, "{login} opens {code}");
            assert!(page.body.contains(&format!("Subject {code}")));
        }
        for code in hidden {
            assert!(!list.body.contains(code), "{login} must not list {code}");
            let site = &code[..1];
            assert!(
                !dashboard.body.contains(&format!("Site {site}")),
                "{login} must not see site {site} on the dashboard"
            );
            let page = browser.get(&format!("/subjects/{code}")).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{login} opens {code}");
            assert_eq!(
                page.body, missing.body,
                "{login}: another site's subject and a missing one look alike"
            );
        }
    }
}

#[tokio::test]
async fn the_subject_page_shows_visits_and_clasi_totals() {
    let app = spawn_app(Backend::Sqlite, web::Config::default()).await;
    let mut browser = Browser::logged_in(&app, "coord_a").await;
    let page = browser.get("/subjects/A-001").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["Baseline", "2025-01-20", "CLASI activity", "Damage"] {
        assert!(page.body.contains(text), "{text}");
    }
    // A clear assessment: activity 0 and damage 0 in the visits table.
    let clasi = &page.body[page.body.find("<h2>Visits</h2>").expect("visits section")..];
    let clasi = &clasi[..clasi.find("</table>").expect("visits table")];
    assert_eq!(
        clasi.matches("<td class=\"num\">0</td>").count(),
        2,
        "{clasi}"
    );
    let dashboard = browser.get("/").await;
    assert!(dashboard.body.contains("Site A"));
    assert!(dashboard.body.contains("coordinator"));
}
