//! The clinical pages on a real server: visit entry (CLASI, SLEDAI-2K, labs, dose), the
//! protocol decision panel, screening and enrolment, the adverse event log and its alert, data
//! queries, e-signature, record history, and the refusals (bad input, stale versions, CSRF,
//! roles and sites).

use reqwest::StatusCode;
use store::{Backend, NewUser, Role};

use crate::support::{App, Browser, Reply, password, spawn_app};

/// The test record of `support`, with an investigator at site A (`inv_a`) and the shipped
/// protocol of the lenalidomide trial as the study's protocol.
pub async fn clinical_app(backend: Backend) -> App {
    clinical_app_with(backend, web::Config::default()).await
}

/// [`clinical_app`] with `config` (a short idle time, say).
pub async fn clinical_app_with(backend: Backend, config: web::Config) -> App {
    let app = spawn_app(backend, config).await;
    let admin = app
        .store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let user = NewUser {
        login: "inv_a".into(),
        printed_name: "Ines Investigator".into(),
    };
    app.store
        .add_user(&admin, &user, &password())
        .await
        .expect("user");
    app.store
        .grant(&admin, "inv_a", "A", Role::Investigator)
        .await
        .expect("grant");
    let study = app.store.study().await.expect("study");
    app.store
        .amend_protocol(
            &admin,
            study.version,
            include_str!("../../../../protocols/nct01408199.toml"),
            "the trial's protocol",
        )
        .await
        .expect("protocol");
    app
}

/// A logged-in user with the session's form token.
pub struct User {
    pub browser: Browser,
    pub csrf: String,
}

impl User {
    pub async fn new(app: &App, login: &str) -> User {
        let mut browser = Browser::logged_in(app, login).await;
        let csrf = browser.get("/").await.form_token();
        User { browser, csrf }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.browser.get(path).await
    }

    /// Posts `fields` with the session's token, as the page's own form would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut form = fields.to_vec();
        form.push(("csrf", &self.csrf));
        self.browser.post(path, &form, &[]).await
    }
}

/// The id of the visit named `name` on the subject page (from its link).
pub fn visit_id(subject_page: &str, name: &str) -> i64 {
    let link = subject_page
        .split("/visits/")
        .skip(1)
        .find(|rest| {
            rest.split_once("\">")
                .is_some_and(|(_, text)| text.starts_with(name))
        })
        .unwrap_or_else(|| panic!("no visit {name}"));
    link.split('"').next().expect("id").parse().expect("number")
}

/// The text of the element after `marker` up to the next `<`.
fn after<'b>(body: &'b str, marker: &str) -> &'b str {
    let start = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in page"))
        + marker.len();
    let rest = &body[start..];
    let rest = &rest[rest.find('>').map_or(0, |i| i + 1)..];
    &rest[..rest.find('<').unwrap_or(rest.len())]
}

/// A CLASI grid posted as the page posts it: every item 0, except `items`.
pub(crate) fn clasi_form<'a>(
    assessed_on: &'a str,
    items: &[(&'a str, &'a str)],
) -> Vec<(String, String)> {
    let areas = [
        "scalp",
        "ears",
        "nose_malar",
        "rest_of_face",
        "v_neck",
        "posterior_neck_shoulders",
        "chest",
        "abdomen",
        "back_buttocks",
        "arms",
        "hands",
        "legs",
        "feet",
    ];
    let mut form = vec![("assessed_on".to_owned(), assessed_on.to_owned())];
    for area in areas {
        for item in ["erythema", "scale", "dyspigmentation", "scarring"] {
            if !(area == "scalp" && item == "scarring") {
                form.push((format!("{area}_{item}"), "0".into()));
            }
        }
    }
    for item in [
        "mucous_membrane",
        "recent_hair_loss",
        "nonscarring_alopecia",
        "scarring_alopecia",
    ] {
        form.push((item.into(), "0".into()));
    }
    form.push(("dyspigmentation_lasts_12_months".into(), "no".into()));
    for (name, value) in items {
        form.retain(|(key, _)| key != name);
        form.push(((*name).to_owned(), (*value).to_owned()));
    }
    form
}

pub(crate) async fn post_owned(user: &mut User, path: &str, form: &[(String, String)]) -> Reply {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    user.post(path, &borrowed).await
}

/// Baseline and week 4 of subject A-001, with the dose running from enrolment: returns the
/// investigator and the two visit ids.
pub(crate) async fn two_visits(app: &App) -> (User, i64, i64) {
    let mut inv = User::new(app, "inv_a").await;
    let subject = inv.get("/subjects/A-001").await;
    assert_eq!(subject.status, StatusCode::OK);
    let baseline = visit_id(&subject.body, "Baseline");
    let added = inv
        .post(
            "/subjects/A-001/visits",
            &[
                ("name", "Week 4"),
                ("planned_date", "2025-02-17"),
                ("actual_date", "2025-02-17"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let week4 = visit_id(&inv.get("/subjects/A-001").await.body, "Week 4");
    let dose = inv
        .post(
            &format!("/subjects/A-001/visits/{baseline}/dose"),
            &[("level", "5mg_daily"), ("start_date", "2025-01-20")],
        )
        .await;
    assert_eq!(dose.status, StatusCode::SEE_OTHER, "{}", dose.body);
    (inv, baseline, week4)
}

#[tokio::test]
async fn visit_entry_scores_clasi_and_the_panel_shows_the_protocol_decision() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = clinical_app(backend).await;
        let (mut inv, baseline, week4) = two_visits(&app).await;
        let base_path = format!("/subjects/A-001/visits/{baseline}/clasi");
        // The baseline CLASI exists (clear): changing it needs a reason.
        let active = clasi_form(
            "2025-01-20",
            &[
                ("nose_malar_erythema", "3"),
                ("nose_malar_scale", "2"),
                ("cheeks_unknown", "x"),
                ("arms_erythema", "2"),
            ],
        );
        let no_reason = post_owned(&mut inv, &base_path, &active).await;
        assert_eq!(
            no_reason.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(no_reason.body.contains("Give a reason for the change."));
        // Everything typed comes back: the grid still shows erythema 3 on the nose.
        assert!(
            no_reason
                .body
                .contains("name=\"nose_malar_erythema\" value=\"3\""),
            "typed values kept"
        );
        let mut with_reason = active.clone();
        with_reason.push((
            "reason".into(),
            "baseline scored from the photographs".into(),
        ));
        let saved = post_owned(&mut inv, &base_path, &with_reason).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = inv.get(&format!("/subjects/A-001/visits/{baseline}")).await;
        // 3 + 2 + 2: erythema and scale of the nose, erythema of the arms.
        assert_eq!(after(&page.body, "data-out=\"activity\""), "7");
        assert_eq!(after(&page.body, "data-out=\"damage\""), "0");

        // Week 4: activity 2 (> 0 and less than baseline: a partial response).
        let week4_path = format!("/subjects/A-001/visits/{week4}/clasi");
        let partial = clasi_form("2025-02-17", &[("nose_malar_erythema", "2")]);
        let saved = post_owned(&mut inv, &week4_path, &partial).await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
        let page = inv.get(&format!("/subjects/A-001/visits/{week4}")).await;
        assert_eq!(after(&page.body, "data-out=\"activity\""), "2");
        let panel = &page.body[page.body.find("id=\"decision\"").expect("panel")..];
        assert!(panel.contains("Protocol decision on 2025-02-17"), "{panel}");
        // The dose form starts from the protocol's decision (stay at 5 mg daily), and says so.
        let dose = &page.body[page.body.find("id=\"dose\"").expect("dose")..];
        let dose = &dose[..dose.find("</section>").expect("dose section")];
        assert!(
            dose.contains("<option value=\"5mg_daily\" selected>"),
            "the decided level preselected: {dose}"
        );
        assert!(
            dose.contains("decision for this visit, lenalidomide 5 mg once daily."),
            "{dose}"
        );
        assert!(panel.contains("class=\"action\""), "the action is shown");
        assert!(
            panel.contains("<dd>PR</dd>"),
            "partial response against baseline: {panel}"
        );
        assert!(
            panel.contains("<ol class=\"rules\"><li data-rule=\""),
            "rule sentences are shown"
        );

        // Not followed without a reason: refused next to the field; with one: recorded.
        let decision_path = format!("/subjects/A-001/visits/{week4}/decision");
        let refused = inv
            .post(
                &decision_path,
                &[("followed", "no"), ("not_followed_reason", "")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("id=\"not_followed_reason-error\""),
            "message next to the field"
        );
        let recorded = inv
            .post(
                &decision_path,
                &[
                    ("followed", "no"),
                    ("not_followed_reason", "patient asked to wait a month"),
                ],
            )
            .await;
        assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
        let page = inv.get(&format!("/subjects/A-001/visits/{week4}")).await;
        assert!(page.body.contains("not followed"));
        assert!(page.body.contains("patient asked to wait a month"));
        // The subject page's timeline has the chart, the dose band and the decision.
        let subject = inv.get("/subjects/A-001").await;
        for text in [
            "<svg",
            "class=\"dose\"",
            "class=\"activity\"",
            // The band says the regimen in words, not an id or an average.
            "Lenalidomide 5 mg once daily",
            "not followed",
        ] {
            assert!(subject.body.contains(text), "{text}");
        }
    }
}

#[tokio::test]
async fn sledai_labs_and_live_answers_use_the_instruments() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, baseline, _) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{baseline}");
    // SLEDAI-2K: arthritis 4 + rash 2 + fever 1.
    let saved = inv
        .post(
            &format!("{path}/sledai"),
            &[
                ("assessed_on", "2025-01-20"),
                ("arthritis", "on"),
                ("rash", "on"),
                ("fever", "on"),
                ("recall_window", "10d"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = inv.get(&path).await;
    assert_eq!(after(&page.body, "data-out=\"score\""), "7");
    // A lab below the CTCAE grade 3 cut-off for neutrophils (< 1.0 x 10^9/L).
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
    assert!(
        inv.get(&path)
            .await
            .body
            .contains("CTCAE grade 3 (Neutrophil count decreased)")
    );
    // A value that is not a number: the message sits next to the field, the rest is kept.
    let bad = [
        ("collected_on", "2025-01-20"),
        ("test", "platelets"),
        ("value", "lots"),
        ("unit", "10^9/L"),
    ];
    let refused = inv.post(&format!("{path}/labs"), &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"value-error\""));
    assert!(
        refused.body.contains("value=\"lots\""),
        "what was typed comes back"
    );
    // The test is a choice among the protocol's labs by their text, never free text; the
    // unit a choice among their units.
    let page = inv.get(&path).await;
    for text in [
        "<select id=\"test\" name=\"test\"",
        "<option value=\"neutrophils\">Neutrophils (absolute count)</option>",
        "<option value=\"c3\">Complement C3</option>",
        "<select id=\"unit\" name=\"unit\"",
        "<option value=\"mg/dL\">mg/dL</option>",
        "<th scope=\"row\">Neutrophils (absolute count)</th>",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    assert!(
        !page.body.contains("<input id=\"test\""),
        "no free text for the test"
    );
    // A test sent by hand that is no lab of the protocol, or a unit that does not fit the
    // test: refused next to its field naming the nearest labs or the units, what was sent kept.
    for (test, unit, field, needle) in [
        ("neutrofils", "/mm3", "test", "nearest: neutrophils"),
        ("c3", "10^9/L", "unit", "allowed: mg/dL, g/L"),
    ] {
        let sent = [
            ("collected_on", "2025-01-20"),
            ("test", test),
            ("value", "650"),
            ("unit", unit),
        ];
        let refused = inv.post(&format!("{path}/labs"), &sent).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{test}");
        let message = after(&refused.body, &format!("id=\"{field}-error\""));
        assert!(message.contains(needle), "{test} {unit}: {message}");
        assert!(
            refused
                .body
                .contains(&format!("<option value=\"{test}\" selected>")),
            "{test} is kept"
        );
    }
    // A number typed in another unit than the one chosen: refused next to its field, naming
    // the likely unit, everything typed kept.
    for (sent, field, needle) in [
        (
            [
                ("test", "neutrophils"),
                ("value", "1000"),
                ("unit", "/mm3"),
                ("lln", "1.8"),
            ],
            "lln",
            "1.8 /mm3 is not a plausible lower limit of normal for neutrophils (allowed \
             500-5000 /mm3); did you mean 1.8 10^9/L (= 1800 /mm3)?",
        ),
        (
            [
                ("test", "hemoglobin"),
                ("value", "75"),
                ("unit", "g/dL"),
                ("lln", "12"),
            ],
            "value",
            "hemoglobin 75 g/dL is not plausible (allowed 1-25 g/dL); did you mean 75 g/L \
             (= 7.5 g/dL)?",
        ),
    ] {
        let mut form = vec![("collected_on", "2025-01-20")];
        form.extend(sent);
        let refused = inv.post(&format!("{path}/labs"), &form).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let message = after(&refused.body, &format!("id=\"{field}-error\""));
        assert!(message.contains(needle), "{field}: {message}");
        for (name, typed) in &sent[1..] {
            let kept = if *name == "unit" {
                format!("<option value=\"{typed}\" selected>")
            } else {
                format!("value=\"{typed}\"")
            };
            assert!(refused.body.contains(&kept), "{name} {typed} is kept");
        }
    }
    // The live answers, each side of a boundary.
    #[track_caller]
    fn check(reply: &Reply, expect: &str) {
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.body.contains(expect), "{} lacks {expect}", reply.body);
    }
    // The live grade codes the test as the store will: any case and spacing of a lab's name.
    check(
        &inv.get("/live/lab?test=+Neutrophils+&value=650&unit=%2FMM3")
            .await,
        "CTCAE grade 3",
    );
    check(
        &inv.get("/live/lab?test=neutrofils&value=650&unit=%2Fmm3")
            .await,
        "nearest: neutrophils",
    );
    check(
        &inv.get("/live/lab?test=neutrophils&value=1.0&unit=10%5E9%2FL")
            .await,
        "CTCAE grade 2",
    );
    check(
        &inv.get("/live/lab?test=neutrophils&value=0.99&unit=10%5E9%2FL")
            .await,
        "CTCAE grade 3",
    );
    check(
        &inv.get("/live/sledai?seizure=on&recall_window=10d").await,
        "\"score\":\"8\"",
    );
    let query = |items: &[(&str, &str)]| {
        let pairs: Vec<String> = clasi_form("2025-01-20", items)
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("/live/clasi?{}", pairs.join("&"))
    };
    check(&inv.get(&query(&[])).await, "\"activity\":\"0\"");
    check(
        &inv.get(&query(&[("ears_erythema", "3"), ("hands_scale", "1")]))
            .await,
        "\"activity\":\"4\"",
    );
    // Not assessed is not zero: the total is incomplete.
    check(
        &inv.get(&query(&[("nose_malar_erythema", "nd")])).await,
        "\"activity\":\"incomplete\"",
    );
    // Dyspigmentation lasting 12 months doubles it (damage 2 x 1, plus scarring 2).
    let doubled = query(&[
        ("chest_dyspigmentation", "1"),
        ("chest_scarring", "2"),
        ("dyspigmentation_lasts_12_months", "yes"),
    ]);
    check(&inv.get(&doubled).await, "\"damage\":\"4\"");
    // A form with fields missing shows no total rather than a wrong one.
    check(
        &inv.get("/live/clasi?ears_erythema=3").await,
        "\"activity\":\"—\"",
    );
}

#[tokio::test]
async fn bad_and_stale_clasi_come_back_with_both_versions() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, baseline, _) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{baseline}/clasi");
    // A level the item does not have (scale is 0-2): named next to the field, never a 500.
    let refused = post_owned(
        &mut inv,
        &path,
        &clasi_form("2025-01-20", &[("chest_scale", "3"), ("reason", "x")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(
            "&#39;3&#39; is not a level of this item; allowed: 0, 1, 2, or n (not examined)"
        ) || refused
            .body
            .contains("'3' is not a level of this item; allowed: 0, 1, 2, or n (not examined)"),
        "{}",
        refused.body
    );
    // A blank cell is not yet entered: refused unless the form says blanks are clear.
    let blank = clasi_form("2025-01-20", &[("chest_scale", ""), ("reason", "x")]);
    let refused = post_owned(&mut inv, &path, &blank).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("1 item is blank: type a level, or n where not examined"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("id=\"blank_is_clear-error\""));
    // Someone else saves first: a change based on version 1 shows the saved version too.
    let mut first = clasi_form("2025-01-20", &[("legs_erythema", "1")]);
    first.push(("reason".into(), "first correction".into()));
    assert_eq!(
        post_owned(&mut inv, &path, &first).await.status,
        StatusCode::SEE_OTHER
    );
    let mut stale = clasi_form("2025-01-20", &[("legs_erythema", "2"), ("version", "1")]);
    stale.push(("reason".into(), "second correction".into()));
    let conflict = post_owned(&mut inv, &path, &stale).await;
    assert_eq!(conflict.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        conflict.body.contains("Someone else saved first"),
        "{}",
        conflict.body
    );
    assert!(
        conflict.body.contains("Saved version (version 2"),
        "both versions shown"
    );
    assert!(
        conflict.body.contains("name=\"legs_erythema\" value=\"2\""),
        "the typed version is kept"
    );
}

/// The grid's three states of a cell stay apart: a level, n (not examined: the total that
/// needs it is incomplete) and blank (refused, or 0 when the form says blanks are clear).
#[tokio::test]
async fn a_clasi_cell_is_a_level_not_examined_or_blank() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, _, week4) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{week4}");
    // A new CLASI starts blank, the totals counting blanks as clear and saying so.
    let page = inv.get(&path).await.body;
    assert!(
        page.contains("name=\"nose_malar_erythema\" value=\"\""),
        "{page}"
    );
    assert!(
        page.contains("55 items blank, counted as clear"),
        "51 cells and 4 once-only items"
    );
    let mut ticked = clasi_form(
        "2025-02-17",
        &[
            ("nose_malar_erythema", "2"),
            ("arms_scale", "N"),
            ("chest_erythema", ""),
        ],
    );
    let saved = post_owned(&mut inv, &format!("{path}/clasi"), &ticked).await;
    assert_eq!(saved.status, StatusCode::UNPROCESSABLE_ENTITY);
    ticked.push(("blank_is_clear".into(), "on".into()));
    let saved = post_owned(&mut inv, &format!("{path}/clasi"), &ticked).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let subject = app.store.subject_by_code("A-001").await.expect("subject");
    let stored = app
        .store
        .records_of::<store::ClasiAssessment>(subject.id)
        .await
        .expect("clasi")
        .into_iter()
        .find(|record| record.data.visit_id == week4)
        .expect("week-4 CLASI")
        .data
        .clasi;
    assert_eq!(stored.areas.chest.erythema.map(|e| e.value()), Some(0));
    assert_eq!(stored.areas.arms.scale, None, "n: not examined");
    assert_eq!(stored.activity(), None);
    assert_eq!(stored.damage(), Some(0));
    // The page shows n again, and each area's row.
    let page = inv.get(&path).await.body;
    assert!(page.contains("name=\"arms_scale\" value=\"n\""));
    assert!(page.contains("data-out=\"row-nose_malar-activity\">2<"));
    assert!(page.contains("data-out=\"row-arms-activity\">—<"));
}

/// Screening form values of an eligible candidate (the shipped protocol's criteria), with
/// `changes` applied.
pub fn candidate<'a>(code: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("site", "A"),
        ("code", code),
        ("sex", "F"),
        ("consent_date", "2025-03-01"),
        ("screening_date", "2025-03-01"),
        ("birth_date", "1980-05-01"),
        ("cle_histology_confirmed", "yes"),
        ("max_erythema", "2"),
        ("prednisone_mg_per_day", "5"),
        ("regimen_stable_days", "60"),
        ("refractory_months", "6"),
        ("bsa_percent", "25"),
        ("thalidomide_severe_side_effects", "unknown"),
        ("thalidomide_lack_of_efficacy", "unknown"),
        ("thalidomide_hypersensitivity", "no"),
        ("pregnant", "no"),
        ("lactating", "no"),
        ("reproductive_potential", "no"),
        ("adequate_contraception", "unknown"),
        ("sledai_2k", "2"),
        ("requires_systemic_immunosuppressants", "no"),
        ("platelets", "200000"),
        ("platelets_unit", "/mm3"),
        ("leukocytes", "5000"),
        ("leukocytes_unit", "/mm3"),
        ("neutrophils", "3000"),
        ("neutrophils_unit", "/uL"),
        ("thrombosis_history", "no"),
        ("antiphospholipid_antibodies", "no"),
        ("gfr", "90"),
        ("progressive_renal_disease", "no"),
        ("psychiatric_or_social_disorder", "no"),
        ("hiv", "no"),
        ("viral_hepatitis", "no"),
    ];
    for (name, value) in changes {
        form.retain(|(key, _)| key != name);
        form.push((name, value));
    }
    form
}

/// A protocol whose inclusion tests "erythema + scale >= 7" (`clasi_erythema_scale`): the
/// screening form asks for the sum, and the checklist judges it on both sides of 7; a sum
/// that is not whole is refused next to its field, never ignored.
#[tokio::test]
async fn screening_asks_for_erythema_plus_scale_when_a_criterion_tests_it() {
    let app = clinical_app(Backend::Sqlite).await;
    let admin = app
        .store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let study = app.store.study().await.expect("study");
    let protocol = format!(
        "{}\n{}",
        include_str!("../../../../protocols/nct01408199.toml"),
        r#"
[[eligibility.inclusion]]
id = "I_ES"
text = "CLASI erythema + scale >= 7"
field = "clasi_erythema_scale"
op = ">="
value = 7
unit = "points"
"#
    );
    app.store
        .amend_protocol(
            &admin,
            study.version,
            &protocol,
            "LAVENDER-style entry criterion",
        )
        .await
        .expect("protocol");
    let mut coord = User::new(&app, "coord_a").await;
    let form = coord.get("/screening").await;
    assert!(
        form.body.contains("name=\"clasi_erythema_scale\""),
        "{}",
        form.body
    );
    assert!(form.body.contains("CLASI erythema + scale, all areas"));
    for (code, sum, status) in [("A-201", "6", "not met"), ("A-202", "7", "met")] {
        let posted = coord
            .post(
                "/screening",
                &candidate(code, &[("clasi_erythema_scale", sum)]),
            )
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
        let page = coord.get(&format!("/subjects/{code}")).await;
        let row = &page.body[page.body.find("I_ES: ").expect("I_ES")..];
        assert_eq!(after(row, "class=\"status\""), status, "{sum}");
    }
    let refused = coord
        .post(
            "/screening",
            &candidate("A-203", &[("clasi_erythema_scale", "7.5")]),
        )
        .await;
    assert!(
        refused.body.contains("id=\"clasi_erythema_scale-error\""),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn screening_shows_each_criterion_and_only_an_eligible_candidate_is_enrolled() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let form = coord.get("/screening").await;
    assert_eq!(form.status, StatusCode::OK);
    for field in [
        "name=\"max_erythema\"",
        "name=\"neutrophils_unit\"",
        "name=\"birth_date\"",
        "data-live=\"/live/eligibility\"",
    ] {
        assert!(
            form.body.contains(field),
            "the form asks what the criteria use: {field}"
        );
    }
    // Erythema 1: criterion I3 not met, the candidate is not eligible.
    let failing = coord
        .post("/screening", &candidate("A-101", &[("max_erythema", "1")]))
        .await;
    assert_eq!(failing.status, StatusCode::SEE_OTHER, "{}", failing.body);
    let page = coord.get("/subjects/A-101").await;
    let row = &page.body[page.body.find("I3: ").expect("I3")..];
    assert_eq!(after(row, "class=\"status\""), "not met");
    assert!(page.body.contains("<strong>not eligible</strong>"));
    let refused = coord
        .post("/subjects/A-101/enrol", &[("enrolment_date", "2025-03-02")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"enrolment_date-error\""));
    // Every criterion met: eligible, and enrolment is recorded.
    let eligible = coord.post("/screening", &candidate("A-102", &[])).await;
    assert_eq!(eligible.status, StatusCode::SEE_OTHER, "{}", eligible.body);
    assert!(
        coord
            .get("/subjects/A-102")
            .await
            .body
            .contains("<strong>eligible</strong>")
    );
    let enrolled = coord
        .post("/subjects/A-102/enrol", &[("enrolment_date", "2025-03-02")])
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER, "{}", enrolled.body);
    assert!(
        coord
            .get("/subjects/A-102")
            .await
            .body
            .contains("2025-03-02")
    );
    // The live checklist: an unknown answer leaves its criterion unknown.
    let live = coord
        .get("/live/eligibility?screening_date=2025-03-01&max_erythema=3")
        .await;
    assert!(live.body.contains("\"I3.status\":\"met\""), "{}", live.body);
    assert!(
        live.body.contains("\"I2.status\":\"unknown\""),
        "{}",
        live.body
    );
    // Bad input: a study id already used, a number that is not one; nothing registered.
    let again = coord
        .post("/screening", &candidate("A-102", &[("gfr", "ninety")]))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("id=\"gfr-error\""), "{}", again.body);
    assert!(again.body.contains("value=\"ninety\""));
    // Screening at a site where the user holds no role is refused.
    let elsewhere = coord
        .post("/screening", &candidate("B-102", &[("site", "B")]))
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    // At site A, site B's codes are refused alike, held there (B-001) or not (B-777), and the
    // form comes back with the code as typed.
    let form = coord.get("/screening").await;
    assert!(
        form.body
            .contains("Study id (site code-number, e.g. A-007; never a name)"),
        "{}",
        form.body
    );
    let mut answers = Vec::new();
    for code in ["B-001", "B-777"] {
        let refused = coord.post("/screening", &candidate(code, &[])).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        assert!(
            refused.body.contains(&format!("value=\"{code}\"")),
            "{code}"
        );
        let message = refused
            .body
            .split("id=\"code-error\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or_else(|| panic!("{code}: no message at the code field"))
            .replace(code, "<code>");
        answers.push(message);
    }
    assert_eq!(answers[0], answers[1], "site B's subject shows through");
    assert!(answers[0].contains("starts with 'A-'"), "{}", answers[0]);
    let used = coord.post("/screening", &candidate("A-102", &[])).await;
    assert_eq!(used.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        used.body.contains("'A-102' is already used"),
        "{}",
        used.body
    );
}

/// A waiver with a control character (an ESC pasted from a terminal) comes back next to the
/// waiver, as typed, with the store's message, and nothing is enrolled. The enrolment form
/// keeps the consent date recorded at screening, so it never asks a reason for moving it.
#[tokio::test]
async fn a_control_character_comes_back_next_to_its_field() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let failing = coord
        .post("/screening", &candidate("A-103", &[("max_erythema", "1")]))
        .await;
    assert_eq!(failing.status, StatusCode::SEE_OTHER, "{}", failing.body);
    let mut inv = User::new(&app, "inv_a").await;
    let typed = "labs lost\u{1b}[2J, repeated at baseline";
    let refused = inv
        .post(
            "/subjects/A-103/enrol",
            &[("enrolment_date", "2025-03-02"), ("waiver", typed)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains(
            "id=\"waiver-error\">contains a control character (U+001B at position 10); remove it<"
        ),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(&format!("value=\"{typed}\"")));
    let subject = app.store.subject_by_code("A-103").await.expect("subject");
    assert_eq!(subject.data.enrolment_date, None, "nothing enrolled");
    let enrolled = inv
        .post(
            "/subjects/A-103/enrol",
            &[
                ("enrolment_date", "2025-03-02"),
                ("waiver", "labs lost, repeated at baseline"),
            ],
        )
        .await;
    assert_eq!(enrolled.status, StatusCode::SEE_OTHER, "{}", enrolled.body);
    let subject = app.store.subject_by_code("A-103").await.expect("subject");
    assert_eq!(
        (subject.data.consent_date, subject.data.enrolment_date),
        (
            Some(jiff::civil::date(2025, 3, 1)),
            Some(jiff::civil::date(2025, 3, 2))
        )
    );
}

#[tokio::test]
async fn a_grade_3_adverse_event_raises_the_alert_everywhere() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let event = |grade: &'static str, term: &'static str| {
        vec![
            ("term", term),
            ("start_date", "2025-02-01"),
            ("end_date", ""),
            ("grade", grade),
            ("causality", "possible"),
            ("action_taken", "dose_not_changed"),
            ("outcome", "recovering"),
        ]
    };
    assert_eq!(
        coord
            .post("/subjects/A-001/adverse-events", &event("2", "Insomnia"))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let log = coord.get("/subjects/A-001/adverse-events").await;
    assert!(
        !log.body.contains("Safety alert"),
        "grade 2, not serious: no alert"
    );
    assert_eq!(
        coord
            .post(
                "/subjects/A-001/adverse-events",
                &event("3", "Neutrophil count decreased")
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for path in ["/subjects/A-001/adverse-events", "/subjects/A-001"] {
        let page = coord.get(path).await;
        assert!(page.body.contains("Safety alert"), "{path}");
        assert!(
            page.body
                .contains("Neutrophil count decreased, CTCAE grade 3"),
            "{path}"
        );
    }
    assert!(
        coord
            .get("/")
            .await
            .body
            .contains("Safety signals: serious or CTCAE grade")
    );
    // A grade the scale does not have: the message is next to the field and nothing is saved.
    let refused = coord
        .post("/subjects/A-001/adverse-events", &event("6", "Rash"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"grade-error\""));
    // Another site's coordinator cannot see or add to it.
    let mut other = User::new(&app, "coord_b").await;
    assert_eq!(
        other.get("/subjects/A-001/adverse-events").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .post("/subjects/A-001/adverse-events", &event("1", "Rash"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_query_is_opened_answered_and_closed_with_its_history() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = clinical_app(backend).await;
        let mut monitor = User::new(&app, "monitor_a").await;
        let page = monitor.get("/subjects/A-001").await;
        let clasi_target = page
            .body
            .split("value=\"clasi:")
            .nth(1)
            .expect("a CLASI record to query");
        let target = format!("clasi:{}", clasi_target.split('"').next().expect("id"));
        // A field the record does not have is named next to the field.
        let wrong = monitor
            .post(
                "/subjects/A-001/queries",
                &[("target", &target), ("field", "elbow"), ("question", "?")],
            )
            .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}"
        );
        assert!(wrong.body.contains("id=\"field-error\""));
        let opened = monitor
            .post(
                "/subjects/A-001/queries",
                &[
                    ("target", &target),
                    ("field", "nose_malar_erythema"),
                    ("question", "Source says 2?"),
                ],
            )
            .await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        // The visit page shows it on its form and marks the field.
        let baseline = visit_id(&monitor.get("/subjects/A-001").await.body, "Baseline");
        let visit = monitor
            .get(&format!("/subjects/A-001/visits/{baseline}"))
            .await
            .body;
        assert!(
            visit.contains("Open data queries on this form"),
            "{backend:?}"
        );
        assert!(visit.contains("Nose (incl. malar area): erythema: “Source says 2?” — open"));
        assert!(
            visit.contains(
                "class=\"cell queried\" title=\"Data query: Source says 2?\" type=\"text\""
            )
        );
        assert!(
            monitor
                .get("/")
                .await
                .body
                .contains("<td class=\"num queries\">1</td>"),
            "one open query on the dashboard"
        );
        // A coordinator may not open one; they answer it.
        let mut coord = User::new(&app, "coord_a").await;
        let refused = coord
            .post(
                "/subjects/A-001/queries",
                &[
                    ("target", &target),
                    ("field", "activity"),
                    ("question", "?"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let page = coord.get("/subjects/A-001").await;
        let id = page
            .body
            .split("/queries/")
            .nth(1)
            .expect("query form")
            .split('/')
            .next()
            .expect("id")
            .to_owned();
        // An empty answer comes back next to its query, on the subject page.
        let empty = coord
            .post(
                &format!("/subjects/A-001/queries/{id}/answer"),
                &[("answer", "  "), ("version", "1")],
            )
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            empty.body.contains(&format!("id=\"answer-{id}-error\"")),
            "{}",
            empty.body
        );
        let answered = coord
            .post(
                &format!("/subjects/A-001/queries/{id}/answer"),
                &[("answer", "Checked: 0 is right"), ("version", "1")],
            )
            .await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        // The monitor closes it; closing twice is refused, never a 500.
        assert_eq!(
            monitor
                .post(
                    &format!("/subjects/A-001/queries/{id}/close"),
                    &[("version", "2")]
                )
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let twice = monitor
            .post(
                &format!("/subjects/A-001/queries/{id}/close"),
                &[("version", "3")],
            )
            .await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            monitor
                .get("/")
                .await
                .body
                .contains("<td class=\"num queries\">0</td>")
        );
        let history = monitor.get("/subjects/A-001/history").await;
        assert_eq!(history.status, StatusCode::OK);
        for text in [
            "query answered",
            "query closed",
            "Checked: 0 is right",
            "Nose (incl. malar area): erythema",
        ] {
            assert!(history.body.contains(text), "{text}");
        }
    }
}

#[tokio::test]
async fn signing_needs_an_investigator_and_their_password() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, baseline, _) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{baseline}/sign");
    let mut coord = User::new(&app, "coord_a").await;
    assert_eq!(
        coord
            .post(
                &path,
                &[
                    ("meaning", "responsibility"),
                    ("password", crate::support::PASSWORD)
                ]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let wrong = inv
        .post(
            &path,
            &[
                ("meaning", "responsibility"),
                ("password", "not my password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("id=\"password-error\""));
    assert!(
        !wrong.body.contains("not my password"),
        "a password is never echoed"
    );
    let signed = inv
        .post(
            &path,
            &[
                ("meaning", "responsibility"),
                ("password", crate::support::PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let page = inv.get(&format!("/subjects/A-001/visits/{baseline}")).await;
    assert!(
        page.body
            .contains("Signed by <strong>Ines Investigator</strong>")
    );
    let history = inv.get("/subjects/A-001/history").await;
    assert!(history.body.contains("signature"));
}

/// Wrong signature passwords count like wrong login passwords (21 CFR 11.300(d)): after three
/// in a row the right one is refused unchecked, and the administrator's dashboard shows it.
#[tokio::test]
async fn wrong_signature_passwords_are_slowed_and_reported() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, baseline, _) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{baseline}/sign");
    let sign = |password| [("meaning", "responsibility"), ("password", password)];
    for _ in 0..3 {
        let wrong = inv.post(&path, &sign("not my password")).await;
        assert!(wrong.body.contains("The password is not right."));
    }
    let slowed = inv.post(&path, &sign(crate::support::PASSWORD)).await;
    assert_eq!(slowed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        slowed.body.contains("Too many wrong passwords"),
        "{}",
        slowed.body
    );
    let page = inv.get(&format!("/subjects/A-001/visits/{baseline}")).await;
    assert!(!page.body.contains("Signed by"), "nothing was signed");
    let mut admin = User::new(&app, "admin").await;
    let dashboard = admin.get("/").await;
    assert!(
        dashboard
            .body
            .contains("Security events: repeated wrong passwords")
    );
    assert!(
        dashboard
            .body
            .contains("3 failed signature password attempts in a row"),
        "{}",
        dashboard.body
    );
    assert!(!inv.get("/").await.body.contains("Security events"));
}

#[tokio::test]
async fn forged_cross_site_and_other_site_requests_are_refused() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, baseline, _) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{baseline}/labs");
    let lab = [
        ("collected_on", "2025-01-20"),
        ("test", "platelets"),
        ("value", "150"),
        ("unit", "10^9/L"),
    ];
    // No token, a wrong token, and a post from another origin.
    let mut no_token = lab.to_vec();
    assert_eq!(
        inv.browser.post(&path, &no_token, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    no_token.push(("csrf", "0000"));
    assert_eq!(
        inv.browser.post(&path, &no_token, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut with_token = lab.to_vec();
    with_token.push(("csrf", &inv.csrf));
    let cross = inv
        .browser
        .post(
            &path,
            &with_token,
            &[
                ("Origin", "http://evil.example"),
                ("Sec-Fetch-Site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    // Another site's user: the subject looks missing, even with their own valid token.
    let mut other = User::new(&app, "coord_b").await;
    assert_eq!(other.post(&path, &lab).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .get(&format!("/subjects/A-001/visits/{baseline}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get("/subjects/A-001/history").await.status,
        StatusCode::NOT_FOUND
    );
    // A visit of another subject under this subject's path is not found either.
    assert_eq!(
        other
            .get(&format!("/subjects/B-001/visits/{baseline}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A monitor reads but does not enter data or record decisions.
    let mut monitor = User::new(&app, "monitor_a").await;
    assert_eq!(
        monitor.post(&path, &lab).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        monitor
            .post(
                &format!("/subjects/A-001/visits/{baseline}/decision"),
                &[("followed", "yes")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A session token planted before login is not the one the login issues.
    let mut planted = Browser::new(&app);
    planted
        .cookies
        .insert(crate::support::SESSION.into(), "f".repeat(64));
    let login = planted.log_in("inv_a", crate::support::PASSWORD).await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    assert_ne!(planted.session(), Some("f".repeat(64).as_str()));
    // Nothing of the refused posts reached the record.
    assert!(
        inv.get(&format!("/subjects/A-001/visits/{baseline}"))
            .await
            .body
            .contains("No results at this visit yet.")
    );
}

/// The value of the hidden field `name` in the form posting to `action`.
fn hidden_in_form(page: &str, action: &str, name: &str) -> String {
    let form = page
        .split("<form ")
        .find(|form| form.contains(&format!("action=\"{action}\"")))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let marker = format!("name=\"{name}\" value=\"");
    let start = form.find(&marker).expect("field") + marker.len();
    form[start..start + form[start..].find('"').expect("end")].to_owned()
}

/// A record entered in error is marked so with a reason from its page, and leaves it; an
/// adverse event form sent twice (Back and send again) is saved once.
#[tokio::test]
async fn records_are_voided_with_a_reason_and_a_form_is_saved_once() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let log = coord.get("/subjects/A-001/adverse-events").await;
    let once = hidden_in_form(&log.body, "/subjects/A-001/adverse-events", "once");
    let event = [
        ("term", "insomnia"),
        ("verbatim", "cannot sleep"),
        ("start_date", "2025-02-01"),
        ("end_date", ""),
        ("grade", "2"),
        ("causality", "possible"),
        ("action_taken", "dose_not_changed"),
        ("outcome", "recovering"),
        ("once", once.as_str()),
    ];
    let first = coord.post("/subjects/A-001/adverse-events", &event).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let again = coord.post("/subjects/A-001/adverse-events", &event).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already sent"), "{}", again.body);
    let store = &app.store;
    let subject = store.subject_by_code("A-001").await.expect("subject");
    let events = store
        .records_of::<store::AdverseEvent>(subject.id)
        .await
        .expect("events");
    assert_eq!(events.len(), 1, "saved once");
    assert_eq!(
        events[0].data.term.id(),
        "insomnia",
        "coded from any spelling"
    );
    // Marked entered in error from the log, with a reason.
    let log = coord.get("/subjects/A-001/adverse-events").await;
    let action = format!(
        "/subjects/A-001/records/adverse_event/{}/void",
        events[0].id
    );
    let version = hidden_in_form(&log.body, &action, "version");
    let without = coord
        .post(&action, &[("version", version.as_str()), ("reason", " ")])
        .await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    let voided = coord
        .post(
            &action,
            &[
                ("version", version.as_str()),
                ("reason", "entered for the wrong patient"),
                ("back", "/subjects/A-001/adverse-events"),
            ],
        )
        .await;
    assert_eq!(voided.status, StatusCode::SEE_OTHER);
    assert_eq!(voided.location(), Some("/subjects/A-001/adverse-events"));
    let log = coord.get("/subjects/A-001/adverse-events").await;
    assert!(log.body.contains("No adverse events recorded."));
    let history = coord.get("/subjects/A-001/history").await;
    assert!(history.body.contains("entered for the wrong patient"));
}

/// Each role sees the visit's forms it may send; one that may not enter visit data sees the
/// CLASI and SLEDAI-2K read-only and no empty entry form, and the decision and signature say
/// who acts.
#[tokio::test]
async fn each_role_sees_the_forms_it_may_send() {
    let app = clinical_app(Backend::Sqlite).await;
    let (_, baseline, _) = two_visits(&app).await;
    let base = format!("/subjects/A-001/visits/{baseline}");
    let form = |what: &str| format!("action=\"{base}/{what}\"");
    // (login, forms present, forms absent, read-only fieldsets)
    let cases: [(&str, &[&str], &[&str], usize); 3] = [
        (
            "inv_a",
            &["clasi", "sledai", "labs", "dose", "decision", "sign"],
            &[],
            0,
        ),
        (
            "coord_a",
            &["clasi", "sledai", "labs", "dose"],
            &["decision", "sign"],
            0,
        ),
        (
            "monitor_a",
            &["clasi", "sledai"],
            &["labs", "dose", "decision", "sign"],
            2,
        ),
    ];
    for (login, present, absent, read_only) in cases {
        let mut user = User::new(&app, login).await;
        let page = user.get(&base).await;
        assert_eq!(page.status, StatusCode::OK, "{login}");
        for what in present {
            assert!(
                page.body.contains(&form(what)),
                "{login} sees the {what} form"
            );
        }
        for what in absent {
            assert!(
                !page.body.contains(&form(what)),
                "{login} sees no {what} form"
            );
        }
        assert_eq!(
            page.body
                .matches("<fieldset class=\"entry\" disabled>")
                .count(),
            read_only,
            "{login}"
        );
        assert_eq!(
            page.body.contains("Read-only for your role"),
            read_only > 0,
            "{login}"
        );
        let says = [
            (
                "decision",
                "The site's investigator records whether the decision was followed.",
            ),
            ("sign", "An investigator of the site signs visits."),
        ];
        for (what, hint) in says {
            assert_eq!(
                page.body.contains(hint),
                absent.contains(&what),
                "{login}: {hint}"
            );
        }
    }
}

/// Enrolling a subject who is already enrolled (a second tab, a double send) comes back with the
/// reason, not a bare page.
#[tokio::test]
async fn enrolling_an_enrolled_subject_says_why() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut inv = User::new(&app, "inv_a").await;
    let refused = inv
        .post("/subjects/A-001/enrol", &[("enrolment_date", "2025-03-02")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Not saved."), "{}", refused.body);
    assert!(
        refused.body.contains(
            "the subject was enrolled on 2025-01-20; correct the date on the subject instead"
        ),
        "{}",
        refused.body
    );
}

/// The history narrows to a kind of record, a field, a user and days, a page of 100 events at a
/// time; a filter it cannot read comes back next to its input, as typed, with nothing listed.
#[tokio::test]
async fn the_history_is_filtered_and_paged() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, _, week4) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{week4}/clasi");
    let clasi = post_owned(&mut inv, &path, &clasi_form("2025-02-17", &[])).await;
    assert_eq!(clasi.status, StatusCode::SEE_OTHER, "{}", clasi.body);
    let mut coord = User::new(&app, "coord_a").await;
    let all = app
        .store
        .audit_page(
            &store::EventFilter {
                subject: Some("A-001".into()),
                ..store::EventFilter::default()
            },
            0,
            10_000,
        )
        .await
        .expect("trail");
    assert!(
        all.len() > 100,
        "the fixture fills more than a page: {}",
        all.len()
    );
    let rows = |body: &str| -> Vec<i64> {
        body.split("<td class=\"num\">")
            .skip(1)
            .filter_map(|cell| cell.split('<').next()?.parse().ok())
            .collect()
    };
    let first = coord.get("/subjects/A-001/history").await;
    assert_eq!(first.status, StatusCode::OK);
    let seqs: Vec<i64> = all.iter().map(|event| event.seq).collect();
    assert_eq!(rows(&first.body), seqs[..100]);
    let next = format!("/subjects/A-001/history?after={}", seqs[99]);
    assert!(
        first.body.contains(&format!("href=\"{next}\"")),
        "a next page"
    );
    let second = coord.get(&next).await;
    assert_eq!(rows(&second.body), seqs[100..seqs.len().min(200)]);
    assert!(second.body.contains("First page"));

    // A kind of record and a user: exactly their events, in words.
    let clasi = coord
        .get("/subjects/A-001/history?form=clasi&field=&user=inv_a")
        .await;
    let expected: Vec<i64> = all
        .iter()
        .filter(|event| event.entity == "clasi" && event.actor == "inv_a")
        .map(|event| event.seq)
        .collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    assert_eq!(rows(&clasi.body), expected[..expected.len().min(100)]);
    assert!(
        clasi
            .body
            .contains("<option value=\"clasi\" selected>CLASI</option>")
    );
    let today = jiff::Zoned::now().date();
    let days = coord
        .get(&format!(
            "/subjects/A-001/history?from=2000-01-01&to={}",
            today.yesterday().expect("a day")
        ))
        .await;
    assert!(
        days.body.contains("No events match."),
        "the fixture writes today only"
    );

    for (query, field, message) in [
        (
            "form=clasy",
            "form",
            "'clasy' is no kind of record; choose one from the list",
        ),
        (
            "form=visit&field=sex",
            "field",
            "'sex' is no field of visit",
        ),
        (
            "from=2025-13-01",
            "from",
            "'2025-13-01' is not a date; use YYYY-MM-DD",
        ),
        (
            "from=2025-02-02&to=2025-02-01",
            "to",
            "is before the start (2025-02-02)",
        ),
    ] {
        let refused = coord.get(&format!("/subjects/A-001/history?{query}")).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(
            refused
                .body
                .contains(&format!("id=\"{field}-error\">{message}<")),
            "{query}: {}",
            refused.body
        );
        assert!(rows(&refused.body).is_empty(), "{query}: nothing listed");
    }
    let typed = coord.get("/subjects/A-001/history?from=1+Dec").await;
    assert!(typed.body.contains("value=\"1 Dec\""), "the date as typed");
    let unknown = coord.get("/subjects/A-001/history?sort=newest").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .body
            .contains("sort: is not a filter; filters: form, field, user, from, to, after"),
        "{}",
        unknown.body
    );
}

/// A withdrawal entered on the subject page is shown there and stops the protocol's decision.
#[tokio::test]
async fn a_withdrawal_on_the_subject_page_stops_the_decision() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let page = coord.get("/subjects/A-001").await;
    assert!(
        page.body
            .contains("No event recorded; participation goes on.")
    );
    let refused = coord
        .post(
            "/subjects/A-001/disposition",
            &[
                ("status", "other"),
                ("disposition_date", "2025-02-03"),
                ("details", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"details-error\""),
        "{}",
        refused.body
    );
    let saved = coord
        .post(
            "/subjects/A-001/disposition",
            &[
                ("status", "withdrawal_by_subject"),
                ("disposition_date", "2025-02-03"),
                ("details", "moving abroad"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = coord.get("/subjects/A-001").await;
    assert!(page.body.contains("Withdrawn: consent withdrawn"));
    let store = &app.store;
    let subject = store.subject_by_code("A-001").await.expect("subject");
    let protocol = store.protocol().await.expect("protocol");
    let decision = store
        .clinical_record(subject.id)
        .await
        .expect("record")
        .decide(&protocol, jiff::civil::date(2025, 2, 10))
        .expect("decision");
    assert!(
        decision
            .rules
            .iter()
            .any(|rule| rule.id == "stop.consent_withdrawn"),
        "{:?}",
        decision.rules
    );
}

/// A nerve conduction study's conclusion is entered on the visit page, once per visit.
#[tokio::test]
async fn a_nerve_conduction_study_is_entered_once_on_the_visit_page() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut coord = User::new(&app, "coord_a").await;
    let subject_page = coord.get("/subjects/A-001").await;
    let visit = visit_id(&subject_page.body, "Baseline");
    let path = format!("/subjects/A-001/visits/{visit}/nerve-conduction");
    let refused = coord
        .post(
            &path,
            &[
                ("tested_on", "2025-01-20"),
                ("finding", "other"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("id=\"note-error\""),
        "{}",
        refused.body
    );
    let saved = coord
        .post(&path, &[("tested_on", "2025-01-20"), ("finding", "normal")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = coord.get(&format!("/subjects/A-001/visits/{visit}")).await;
    assert!(
        page.body
            .contains("Tested on 2025-01-20: <strong>normal</strong>"),
        "{}",
        page.body
    );
    let again = coord
        .post(&path, &[("tested_on", "2025-01-20"), ("finding", "normal")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already recorded at this visit"));
}

/// The visit page changes the dose through the store's one command, as the API does: an
/// intermittent level ends the running period the day before, the off level stops the drug,
/// and the subject page shows each regimen in words.
#[tokio::test]
async fn a_dose_change_on_the_page_is_the_stores_one_command() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, baseline, week4) = two_visits(&app).await;
    let refused = inv
        .post(
            &format!("/subjects/A-001/visits/{week4}/dose"),
            &[("level", "2.14mg_daily"), ("start_date", "2025-02-17")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("choose one of the protocol"),
        "{}",
        refused.body
    );
    // A change on the running period's first day is refused with the store's words.
    let same_day = inv
        .post(
            &format!("/subjects/A-001/visits/{baseline}/dose"),
            &[
                ("level", "5mg_alternate_days"),
                ("start_date", "2025-01-20"),
            ],
        )
        .await;
    assert_eq!(same_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        same_day.body.contains("a change must come after its start"),
        "{}",
        same_day.body
    );
    for (level, from) in [("5mg_3x_weekly", "2025-02-17"), ("off", "2025-03-17")] {
        let changed = inv
            .post(
                &format!("/subjects/A-001/visits/{week4}/dose"),
                &[("level", level), ("start_date", from)],
            )
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    }
    let subject = app.store.subject_by_code("A-001").await.expect("subject");
    let periods: Vec<_> = app
        .store
        .records_of::<store::DosePeriod>(subject.id)
        .await
        .expect("doses")
        .into_iter()
        .map(|period| {
            (
                period.data.level.unwrap_or_default(),
                period.data.start_date.to_string(),
                period.data.end_date.map(|end| end.to_string()),
            )
        })
        .collect();
    assert_eq!(
        periods,
        [
            (
                "5mg_daily".into(),
                "2025-01-20".into(),
                Some("2025-02-16".into())
            ),
            (
                "5mg_3x_weekly".into(),
                "2025-02-17".into(),
                Some("2025-03-16".into())
            ),
        ]
    );
    let page = inv.get("/subjects/A-001").await;
    assert!(page.body.contains("Lenalidomide 5 mg three times weekly"));
}

/// The subject page records a con-med through the same store record as the API: another
/// medication without its words comes back with what was typed and the message; a coded one is
/// listed in words.
#[tokio::test]
async fn a_con_med_on_the_subject_page_is_coded() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut inv = User::new(&app, "inv_a").await;
    let refused = inv
        .post(
            "/subjects/A-001/conmeds",
            &[
                ("drug", "other"),
                ("amount", "800"),
                ("unit", "ug"),
                ("indication", "bone health"),
                ("start_date", "2025-01-02"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("another medication needs its name in words")
    );
    assert!(
        refused.body.contains("bone health"),
        "the form keeps what was typed"
    );
    let saved = inv
        .post(
            "/subjects/A-001/conmeds",
            &[
                ("drug", "prednisone"),
                ("amount", "7.5"),
                ("unit", "mg"),
                ("frequency", "QD"),
                ("route", "ORAL"),
                ("start_date", "2024-10-01"),
                ("ongoing", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = inv.get("/subjects/A-001").await;
    assert!(
        page.body.contains("Prednisone 7.5 mg once daily"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2024-10-01, ongoing"));
}

/// The decision leads: when the protocol decided another dose than the one running, one click
/// gives it from the visit's day, through the dose form's own command.
#[tokio::test]
async fn the_decided_dose_is_applied_in_one_click() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, _, week4) = two_visits(&app).await;
    let path = format!("/subjects/A-001/visits/{week4}");
    // Clear at week 4: a complete response, after which the protocol tapers the dose.
    let saved = post_owned(
        &mut inv,
        &format!("{path}/clasi"),
        &clasi_form("2025-02-17", &[]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = inv.get(&path).await.body;
    let decision = page.find("id=\"decision\"").expect("decision panel");
    let apply = page.find("class=\"apply\"").expect("the apply form");
    assert!(decision < apply, "the decision comes before the dose");
    let level = hidden_in_form(&page, &format!("{path}/dose"), "level");
    let button = page[apply..].split("<button").nth(1).expect("button");
    assert_ne!(level, "5mg_daily", "a taper, not what runs");
    assert!(
        button.contains("Apply the protocol's decision: lenalidomide 5 mg ")
            && button.contains(" from 2025-02-17"),
        "{button}"
    );
    let applied = inv
        .post(
            &format!("{path}/dose"),
            &[("level", &level), ("start_date", "2025-02-17")],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    let subject = app.store.subject_by_code("A-001").await.expect("subject");
    let running = app
        .store
        .records_of::<store::DosePeriod>(subject.id)
        .await
        .expect("doses")
        .into_iter()
        .find(|period| period.data.end_date.is_none())
        .map(|period| (period.data.level, period.data.start_date.to_string()));
    assert_eq!(
        running,
        Some((Some(level.clone()), "2025-02-17".to_owned()))
    );
    // Applied: the page offers it no more.
    assert!(!inv.get(&path).await.body.contains("class=\"apply\""));
}

/// "Add visit" proposes the next scheduled visit; one planned for a later day has no date of
/// its own yet (a date in the future would be refused).
#[tokio::test]
async fn a_visit_planned_for_later_is_proposed_without_a_date() {
    let app = clinical_app(Backend::Sqlite).await;
    let coord = app
        .store
        .authenticate("coord_a", &password())
        .await
        .expect("coordinator");
    let today = jiff::Zoned::now().date();
    let subject = store::testing::enrolled(
        &app.store,
        &coord,
        &store::SubjectData {
            site: "A".into(),
            code: "A-003".into(),
            sex: store::Sex::Female,
            birth: store::BirthOrAge::AgeYears(40),
            subtype: None,
            screening_date: today,
            consent_date: Some(today),
            enrolment_date: Some(today),
        },
    )
    .await
    .expect("enrolled");
    let mut inv = User::new(&app, "inv_a").await;
    let page = inv.get("/subjects/A-003").await.body;
    assert!(page.contains(&format!(
        "name=\"actual_date\" type=\"date\" value=\"{today}\""
    )));
    app.store
        .add_visit(
            &coord,
            subject.id,
            &store::VisitData {
                name: "Baseline".into(),
                planned_date: Some(today),
                actual_date: Some(today),
            },
        )
        .await
        .expect("baseline");
    let page = inv.get("/subjects/A-003").await.body;
    let week4 = today.saturating_add(jiff::ToSpan::days(28));
    assert!(page.contains(&format!(
        "name=\"planned_date\" type=\"date\" value=\"{week4}\""
    )));
    assert!(page.contains("name=\"actual_date\" type=\"date\" value=\"\""));
}
