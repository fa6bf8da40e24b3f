//! The worklists on the dashboard and their pages, for each role at its own sites: what is due,
//! incomplete, to decide, to sign, to answer and to close, and how a finished subject leaves them.

use jiff::ToSpan;
use reqwest::StatusCode;
use store::{
    Backend, BirthOrAge, Disposition, DispositionStatus, QueryStatus, Sex, SubjectData, VisitData,
};

use crate::pages::{User, clinical_app, visit_id};
use crate::support::password;

/// The count the dashboard shows for the list at `path`, if the user has that list.
fn count(dashboard: &str, path: &str) -> Option<usize> {
    let marker = format!("<td class=\"num\"><a href=\"{path}\">");
    let rest = dashboard.split_once(&marker)?.1;
    rest.split('<').next()?.parse().ok()
}

/// The rows of a list's page: (subject, what to do).
fn rows(page: &str) -> Vec<(String, String)> {
    let Some(body) = page.split_once("<tbody>") else {
        return Vec::new();
    };
    let body = body.1.split("</tbody>").next().unwrap_or_default();
    body.split("<tr")
        .skip(1)
        .map(|row| {
            // The texts between tags, after the row's own opening tag.
            let cells: Vec<&str> = row
                .split('>')
                .skip(1)
                .filter_map(|part| part.split('<').next())
                .filter(|text| !text.trim().is_empty())
                .collect();
            (cells[0].to_owned(), cells[cells.len() - 1].to_owned())
        })
        .collect()
}

#[tokio::test]
async fn each_role_sees_its_worklists_at_its_own_sites() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = clinical_app(backend).await;
        let store = &app.store;
        let coord = store
            .authenticate("coord_a", &password())
            .await
            .expect("coordinator");
        let monitor = store
            .authenticate("monitor_a", &password())
            .await
            .expect("monitor");
        // A-001 (support): enrolled 2025-01-20, its baseline with a CLASI, nothing since.
        // enrolled 4 weeks ago, so its week-4 visit is due today; a visit with no form.
        let today = jiff::Zoned::now().date();
        let enrolled = today.saturating_sub(28.days());
        let a2 = store::testing::enrolled(
            store,
            &coord,
            &SubjectData {
                site: "A".into(),
                code: "A-002".into(),
                sex: Sex::Female,
                birth: BirthOrAge::AgeYears(50),
                subtype: None,
                screening_date: enrolled.saturating_sub(7.days()),
                consent_date: Some(enrolled.saturating_sub(7.days())),
                enrolment_date: Some(enrolled),
            },
        )
        .await
        .expect("A-002");
        store
            .add_visit(
                &coord,
                a2.id,
                &VisitData {
                    name: "baseline".into(),
                    planned_date: Some(enrolled),
                    actual_date: Some(enrolled),
                },
            )
            .await
            .expect("visit");
        let a1 = store.subject_by_code("A-001").await.expect("A-001");
        let clasi = store
            .records_of::<store::ClasiAssessment>(a1.id)
            .await
            .expect("clasi")[0]
            .id;
        let query = store
            .open_query(
                &monitor,
                a1.id,
                "clasi",
                clasi,
                "nose_malar_erythema",
                "Source says 2?",
            )
            .await
            .expect("query");

        // The coordinator: visits due or overdue, forms incomplete, queries to answer.
        let mut coordinator = User::new(&app, "coord_a").await;
        let dashboard = coordinator.get("/").await.body;
        let listed = rows(&coordinator.get("/worklists/visits-due").await.body);
        assert_eq!(
            count(&dashboard, "/worklists/visits-due"),
            Some(2),
            "{listed:?}"
        );
        assert_eq!(count(&dashboard, "/worklists/forms-incomplete"), Some(1));
        assert_eq!(count(&dashboard, "/worklists/queries-to-answer"), Some(1));
        for theirs in [
            "decisions-to-record",
            "visits-to-sign",
            "safety-signals",
            "queries-to-close",
        ] {
            assert_eq!(
                count(&dashboard, &format!("/worklists/{theirs}")),
                None,
                "{theirs}"
            );
        }
        let due = coordinator.get("/worklists/visits-due?sort=subject").await;
        assert_eq!(due.status, StatusCode::OK);
        let due = rows(&due.body);
        assert_eq!(due.len(), 2, "{due:?}");
        // One row per subject. A-001, not seen since its baseline on 2025-01-20: the visit
        // whose window is open now, with the visits passed counted, or between windows the
        // first passed (week 4, window 10 to 24 February 2025), with the later ones counted.
        assert_eq!(due[0].0, "A-001");
        assert!(
            due[0].1.contains("; no visit since 2025-01-20, ")
                || due[0]
                    .1
                    .starts_with("Week 4: overdue, the window closed on 2025-02-24; "),
            "{due:?}"
        );
        assert!(due[0].1.ends_with("passed") || due[0].1.ends_with("passed too"));
        // A-002's week 4, due today.
        assert_eq!(due[1].0, "A-002");
        assert!(due[1].1.starts_with("Week 4: due, window "), "{due:?}");
        // Sorted by subject, newest first; a refused order or page is named.
        let by_subject = coordinator
            .get("/worklists/visits-due?sort=subject&order=desc")
            .await;
        assert_eq!(rows(&by_subject.body)[0].0, "A-002");
        let refused = coordinator.get("/worklists/visits-due?sort=colour").await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused
                .body
                .contains("'colour' is not an order; allowed: date, subject, site")
        );
        assert!(refused.body.contains("Not shown."));
        let beyond = coordinator.get("/worklists/visits-due?page=2").await;
        assert_eq!(beyond.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(beyond.body.contains("there are 1 pages; allowed: 1 to 1"));
        let incomplete = rows(&coordinator.get("/worklists/forms-incomplete").await.body);
        assert_eq!(
            incomplete,
            [("A-002".to_owned(), "Baseline: no form recorded".to_owned())]
        );
        let to_answer = rows(&coordinator.get("/worklists/queries-to-answer").await.body);
        assert_eq!(
            to_answer,
            [(
                "A-001".to_owned(),
                "CLASI · Nose (incl. malar area): erythema: Source says 2?".to_owned()
            )]
        );
        // Lists another role works are refused by the policy.
        assert_eq!(
            coordinator.get("/worklists/visits-to-sign").await.status,
            StatusCode::FORBIDDEN
        );

        // The investigator: A-001's baseline awaits a decision and a signature; A-002's
        // baseline holds no form, so nothing to decide or sign there.
        let mut investigator = User::new(&app, "inv_a").await;
        let dashboard = investigator.get("/").await.body;
        assert_eq!(count(&dashboard, "/worklists/decisions-to-record"), Some(1));
        assert_eq!(count(&dashboard, "/worklists/visits-to-sign"), Some(1));
        assert_eq!(count(&dashboard, "/worklists/safety-signals"), Some(0));
        let to_sign = rows(&investigator.get("/worklists/visits-to-sign").await.body);
        assert_eq!(
            to_sign,
            [("A-001".to_owned(), "Baseline: not signed".to_owned())]
        );

        // The site answers; the monitor has it to close, the coordinator no longer to answer.
        store
            .answer_query(&coord, query.id, query.version, "Checked: 0 is right")
            .await
            .expect("answer");
        let mut monitor_page = User::new(&app, "monitor_a").await;
        let dashboard = monitor_page.get("/").await.body;
        assert_eq!(count(&dashboard, "/worklists/queries-to-close"), Some(1));
        assert_eq!(count(&dashboard, "/worklists/visits-due"), None);
        assert_eq!(
            count(
                &coordinator.get("/").await.body,
                "/worklists/queries-to-answer"
            ),
            Some(0)
        );
        assert_eq!(
            store
                .queries_at("A", QueryStatus::Answered)
                .await
                .expect("answered")
                .len(),
            1
        );

        // Site B's coordinator sees B-001 only (enrolled 2025-01-20, no visit).
        let mut coordinator_b = User::new(&app, "coord_b").await;
        let due_b = rows(&coordinator_b.get("/worklists/visits-due").await.body);
        assert_eq!(due_b.len(), 1, "{due_b:?}");
        assert_eq!(due_b[0].0, "B-001");

        // A-001 completes: nothing of theirs is due, incomplete or to decide; the signature
        // is still owed.
        store
            .add_record(
                &coord,
                &Disposition {
                    subject_id: a1.id,
                    status: DispositionStatus::Completed,
                    disposition_date: today,
                    details: None,
                },
            )
            .await
            .expect("completed");
        let dashboard = coordinator.get("/").await.body;
        assert_eq!(count(&dashboard, "/worklists/visits-due"), Some(1));
        let dashboard = investigator.get("/").await.body;
        assert_eq!(count(&dashboard, "/worklists/decisions-to-record"), Some(0));
        assert_eq!(count(&dashboard, "/worklists/visits-to-sign"), Some(1));
    }
}

#[tokio::test]
async fn a_grade_3_lab_is_a_safety_signal_until_the_adverse_event_log_holds_it() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut inv = User::new(&app, "inv_a").await;
    let baseline = visit_id(&inv.get("/subjects/A-001").await.body, "Baseline");
    let path = format!("/subjects/A-001/visits/{baseline}");
    // Neutrophils below the CTCAE grade 3 cut-off (< 1.0 x 10^9/L).
    let lab = [
        ("collected_on", "2025-01-20"),
        ("test", "neutrophils"),
        ("value", "0.9"),
        ("unit", "10^9/L"),
    ];
    assert_eq!(
        inv.post(&format!("{path}/labs"), &lab).await.status,
        StatusCode::SEE_OTHER
    );
    // The visit page says so and offers the adverse event, filled in.
    let page = inv.get(&path).await.body;
    assert!(
        page.contains("<strong>Neutrophil count decreased, CTCAE grade 3</strong> on 2025-01-20")
    );
    let link = "/subjects/A-001/adverse-events?term=Neutrophil+count+decreased&amp;grade=3&amp;start_date=2025-01-20#record";
    assert!(page.contains(link), "{page}");
    let form = inv
        .get(&link.replace("&amp;", "&").replace("#record", ""))
        .await
        .body;
    assert!(form.contains("value=\"Neutrophil count decreased\""));
    assert!(form.contains("<option value=\"3\" selected>"));
    assert!(form.contains("name=\"start_date\" type=\"date\" value=\"2025-01-20\""));
    // The investigator's safety signals hold it, as does the dashboard.
    let dashboard = inv.get("/").await.body;
    assert_eq!(count(&dashboard, "/worklists/safety-signals"), Some(1));
    assert!(dashboard.contains(
        "Neutrophil count decreased, grade 3 (laboratory result): not in the adverse event log"
    ));
    // Logged: the lab's signal gives way to the adverse event's.
    let logged = inv
        .post(
            "/subjects/A-001/adverse-events",
            &[
                ("term", "Neutrophil count decreased"),
                ("start_date", "2025-01-20"),
                ("end_date", ""),
                ("grade", "3"),
                ("causality", "possible"),
                ("action_taken", "drug_interrupted"),
                ("outcome", "recovering"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    let signals = rows(&inv.get("/worklists/safety-signals").await.body);
    assert_eq!(
        signals,
        [(
            "A-001".to_owned(),
            "Neutrophil count decreased, grade 3".to_owned()
        )]
    );
    assert!(
        !inv.get(&path)
            .await
            .body
            .contains("the adverse event log does not hold it yet")
    );
}
