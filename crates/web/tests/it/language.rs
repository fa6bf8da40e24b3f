//! The language of the pages: the user's setting, else the browser's `Accept-Language`, else
//! English; the setting is a cookie the account page and the footer's switch set.

use reqwest::StatusCode;
use store::Backend;

use crate::pages::{candidate, clinical_app};
use crate::support::{Browser, PASSWORD};

#[track_caller]
fn speaks(body: &str, lang: &str, heading: &str) {
    assert!(
        body.contains(&format!("<html lang=\"{lang}\">")),
        "not lang={lang}: {body}"
    );
    assert!(body.contains(heading), "no {heading:?}: {body}");
}

#[tokio::test]
async fn the_browser_s_language_is_spoken_and_the_setting_comes_first() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut browser = Browser::new(&app);
    browser.accept_language = Some("es-ES,es;q=0.9".to_owned());
    speaks(
        &browser.get("/login").await.body,
        "es",
        "<h1>Iniciar sesión</h1>",
    );
    let reply = browser.log_in("inv_a", PASSWORD).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let dashboard = browser.get("/").await;
    speaks(&dashboard.body, "es", "Inclusión en sus centros");
    assert!(dashboard.body.contains(">Cerrar sesión</button>"));

    browser.accept_language = Some("en-GB,en;q=0.9".to_owned());
    speaks(
        &browser.get("/").await.body,
        "en",
        "Enrolment at your sites",
    );

    // The setting, chosen on the account page, overrides the browser.
    let csrf = dashboard.form_token();
    let set = browser
        .post(
            "/account/language",
            &[("lang", "es"), ("csrf", &csrf)],
            &[("referer", &format!("{}/subjects", app.base))],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(set.location(), Some("/subjects"));
    let cookie = set
        .headers
        .get(reqwest::header::SET_COOKIE)
        .and_then(|value| value.to_str().ok())
        .expect("a language cookie");
    assert!(cookie.starts_with("lang=es;"), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    speaks(
        &browser.get("/subjects").await.body,
        "es",
        "<h1>Sujetos</h1>",
    );
    let account = browser.get("/account/password").await;
    speaks(&account.body, "es", "<h1>Su cuenta</h1>");
    assert!(
        account.body.contains("value=\"es\" checked"),
        "the setting is shown chosen"
    );

    // A value naming no language is no setting; "browser" forgets the setting.
    browser
        .cookies
        .insert("lang".to_owned(), "klingon".to_owned());
    speaks(
        &browser.get("/").await.body,
        "en",
        "Enrolment at your sites",
    );
    browser
        .post(
            "/account/language",
            &[("lang", "browser"), ("csrf", &csrf)],
            &[],
        )
        .await;
    assert!(!browser.cookies.contains_key("lang"));
    browser.accept_language = None;
    speaks(
        &browser.get("/").await.body,
        "en",
        "Enrolment at your sites",
    );
}

#[tokio::test]
async fn times_are_shown_in_the_browser_s_zone() {
    let app = clinical_app(Backend::Sqlite).await;
    let mut browser = Browser::logged_in(&app, "inv_a").await;
    let csrf = browser.get("/").await.form_token();
    let mut form = candidate("A-901", &[]);
    form.push(("csrf", &csrf));
    let reply = browser.post("/screening", &form, &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let history = browser.get("/subjects/A-901/history").await.body;
    assert!(history.contains(" UTC</td>"), "UTC said: {history}");
    browser
        .cookies
        .insert("tz".to_owned(), "Pacific/Kiritimati".to_owned());
    browser.cookies.insert("lang".to_owned(), "es".to_owned());
    let history = browser.get("/subjects/A-901/history").await.body;
    assert!(!history.contains(" UTC</td>"), "local time: {history}");
    // UTC+14: the day of the event in Kiritimati, with its month in Spanish.
    let there = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Pacific/Kiritimati").expect("zone"));
    let months = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ];
    let day = format!(
        "{} {} {}",
        there.day(),
        months[usize::from(there.month().unsigned_abs()) - 1],
        there.year()
    );
    assert!(history.contains(&day), "{day}: {history}");
}

/// A refusal of the record is said in the reader's language next to its field, the form kept.
#[tokio::test]
async fn the_record_s_refusal_is_said_in_the_reader_s_language() {
    let app = clinical_app(Backend::Sqlite).await;
    for (language, said) in [("en", "is in the future"), ("es", "es una fecha futura")] {
        let mut browser = Browser::logged_in(&app, "inv_a").await;
        browser
            .cookies
            .insert("lang".to_owned(), language.to_owned());
        let csrf = browser.get("/subjects/A-001").await.form_token();
        let reply = browser
            .post(
                "/subjects/A-001/visits",
                &[
                    ("name", "Week 8"),
                    ("planned_date", "2999-01-01"),
                    ("actual_date", "2999-01-01"),
                    ("csrf", &csrf),
                ],
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{language}");
        speaks(&reply.body, language, said);
        assert!(reply.body.contains("value=\"Week 8\""), "the form is kept");
    }
}
