//! The pages in a real browser: headless Debian Chromium driven through chromedriver
//! (`cargo xtask test` installs both), from login to a signed visit and its history. Each
//! main page is saved as a screenshot under `target/screenshots/`, and any error in the
//! browser's console fails the test.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};
use store::Backend;

use crate::pages::clinical_app;
use crate::support::{App, PASSWORD, password};

/// chromedriver on a free port, stopped (and its profile removed) when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("address").port()
}

fn start_driver() -> Driver {
    let port = free_port();
    let profile =
        std::env::temp_dir().join(format!("cletrial-chromium-{}-{port}", std::process::id()));
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver; `cargo xtask test` installs it)");
    Driver {
        child,
        port,
        profile,
    }
}

/// Connects to the driver once it listens (it starts in the background).
async fn connect(driver: &Driver) -> Client {
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,1600",
                format!("--user-data-dir={}", driver.profile.display()),
            ],
        },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let capabilities = match capabilities {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    };
    let url = format!("http://127.0.0.1:{}", driver.port);
    let mut last = None;
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(error) => last = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start: {last:?}");
}

/// chromedriver's browser log (console messages, script errors, CSP refusals, failed loads).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &reqwest::Url,
        session: Option<&str>,
    ) -> Result<reqwest::Url, url_error::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &reqwest::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(json!({ "type": "browser" }).to_string()),
        )
    }
}

/// `url::ParseError`, named through reqwest's re-export of `url`.
mod url_error {
    pub type ParseError = <reqwest::Url as std::str::FromStr>::Err;
}

/// A browser session on the application, failing on any console error.
struct Session {
    client: Client,
    base: String,
    shots: PathBuf,
}

impl Session {
    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
        self.no_console_errors(path).await;
    }

    async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("{css}: {error}"))
    }

    /// Types `text` into a field. A date picker takes keys in the locale's order, so a date
    /// is set as its ISO value with the events a picker fires.
    async fn fill(&self, name: &str, text: &str) {
        let field = self.find(&format!("[name=\"{name}\"]")).await;
        if field.attr("type").await.expect("type").as_deref() == Some("date") {
            let script = "const field = arguments[0]; field.value = arguments[1]; \
                          field.dispatchEvent(new Event('input', { bubbles: true })); \
                          field.dispatchEvent(new Event('change', { bubbles: true }));";
            let element = serde_json::to_value(&field).expect("element reference");
            self.client
                .execute(script, vec![element, json!(text)])
                .await
                .expect("set date");
        } else {
            field.clear().await.expect("clear");
            field.send_keys(text).await.expect("type");
        }
    }

    /// Checks that the field named `name` has the keyboard focus.
    async fn focused_is(&self, name: &str) {
        let focused = self.client.active_element().await.expect("focused element");
        assert_eq!(
            focused.attr("name").await.expect("name").as_deref(),
            Some(name)
        );
    }

    /// Sends keys to whatever has the focus.
    async fn type_focused(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("focused element")
            .send_keys(keys)
            .await
            .expect("keys");
    }

    async fn choose(&self, name: &str, value: &str) {
        self.find(&format!("select[name=\"{name}\"]"))
            .await
            .select_by_value(value)
            .await
            .expect("select");
    }

    /// Submits the form whose action ends with `action`, waits for the next page, then checks
    /// the console.
    async fn submit(&self, action: &str) {
        self.press(
            &format!("form[action$=\"{action}\"] button[type=\"submit\"]"),
            action,
        )
        .await;
    }

    /// Clicks the button `css` that sends a form (to `action`), waits for the next page, then
    /// checks the console.
    async fn press(&self, css: &str, action: &str) {
        let old = self.find("html").await;
        self.find(css).await.click().await.expect("submit");
        // The old page's root goes stale once the next page has replaced it.
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                self.find("main").await;
                self.no_console_errors(action).await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("posting {action} never loaded a page");
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// Waits until `css` shows `expect` (the live totals come from the server).
    async fn shows(&self, css: &str, expect: &str) {
        for _ in 0..100 {
            if self.text(css).await == expect {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{css} never showed {expect}; it shows {}",
            self.text(css).await
        );
    }

    /// Runs axe-core in the page and fails on any violation it finds (WCAG 2.x A and AA rules
    /// and best practices, as axe runs them by default).
    async fn accessible(&self, axe: &str) {
        self.client.execute(axe, vec![]).await.expect("load axe");
        let script = "const done = arguments[arguments.length - 1]; \
            axe.run(document, { resultTypes: ['violations'] }) \
              .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' \
                + v.nodes.map(n => n.target.join(' ')).join(', ')))) \
              .catch(e => done(['axe did not run: ' + e]));";
        let found = self
            .client
            .execute_async(script, vec![])
            .await
            .expect("axe");
        let at = self.client.current_url().await.expect("url");
        assert_eq!(found, json!([]), "accessibility violations at {at}");
    }

    /// Logs in as `login` on the login page the browser shows.
    async fn log_in(&self, login: &str) {
        self.fill("login", login).await;
        self.fill("password", PASSWORD).await;
        self.submit("/login").await;
    }

    async fn page(&self) -> String {
        self.client.source().await.expect("page source")
    }

    /// Saves the viewport with `css` scrolled to the top.
    async fn screenshot(&self, name: &str, css: &str) {
        let script = "document.querySelector(arguments[0]).scrollIntoView();";
        self.client
            .execute(script, vec![json!(css)])
            .await
            .expect("scroll");
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Opens `path`, which answers `status` with a page of its own (a patient link that cannot
    /// be answered): the console's report of that status is the answer, not a fault.
    async fn open_refused(&self, path: &str, status: u16) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
        self.console_errors_but(path, status).await;
    }

    /// Sizes the viewport as a phone's screen (CSS pixels) and checks the page sees that size.
    /// Headless Chromium's window keeps a frame of its own: the window is set, the viewport
    /// measured, and the window grown by the difference.
    async fn phone(&self, width: u32, height: u32) {
        let viewport = || async {
            let seen = self
                .client
                .execute("return [window.innerWidth, window.innerHeight];", vec![])
                .await
                .expect("viewport");
            let side = |i: usize| u32::try_from(seen[i].as_u64().expect("pixels")).expect("size");
            (side(0), side(1))
        };
        self.client
            .set_window_size(width, height)
            .await
            .expect("window size");
        let (seen_width, seen_height) = viewport().await;
        self.client
            .set_window_size(2 * width - seen_width, 2 * height - seen_height)
            .await
            .expect("window size");
        assert_eq!(viewport().await, (width, height), "the viewport");
    }

    /// Whether the page is wider than the viewport (a phone would scroll sideways).
    async fn scrolls_sideways(&self) -> bool {
        let wider = self
            .client
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth;",
                vec![],
            )
            .await
            .expect("width");
        wider == json!(true)
    }

    /// Fails on any console error but a form sent back to be corrected: the console reports
    /// that 422 page as a failed load, and it is the application's answer, not a fault.
    async fn no_console_errors(&self, at: &str) {
        self.console_errors_but(at, 422).await;
    }

    /// Fails on any console error but the failed load the console reports for an answer of
    /// `status`.
    async fn console_errors_but(&self, at: &str, status: u16) {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser log");
        let errors: Vec<&Value> = log
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .filter(|entry| {
                !(entry["source"] == "network"
                    && entry["message"].as_str().is_some_and(|message| {
                        message.contains("status of 422")
                            || message.contains(&format!("status of {status}"))
                    }))
            })
            .collect();
        assert!(
            errors.is_empty(),
            "browser console errors at {at}: {errors:?}"
        );
    }
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// axe-core's engine, which `cargo xtask test` installs under `target/axe`: a missing engine
/// fails the test instead of skipping the checks.
fn axe() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "{}: {error}; `cargo xtask test` installs axe-core",
            path.display()
        )
    })
}

fn today() -> Date {
    jiff::Zoned::now().date()
}

/// Runs `walk` in a fresh headless browser on `app`; the driver stops whatever happens, and a
/// failure of the walk fails the test with its own message.
async fn in_browser<Walk>(app: App, walk: impl FnOnce(Session, App) -> Walk)
where
    Walk: std::future::Future<Output = ()> + Send + 'static,
{
    let driver = start_driver();
    let client = connect(&driver).await;
    let session = Session {
        client,
        base: app.base.clone(),
        shots: screenshots_dir(),
    };
    let result = tokio::spawn(walk(session, app)).await;
    drop(driver);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic.into_panic());
    }
}

#[tokio::test]
async fn a_study_day_in_the_browser() {
    in_browser(clinical_app(Backend::Sqlite).await, study_day).await;
}

/// Before a session ends unused the page warns, and "Stay signed in" restarts its idle time.
#[tokio::test]
async fn the_page_warns_before_the_session_ends() {
    let config = web::Config {
        idle_timeout_seconds: 4,
        ..web::Config::default()
    };
    let app: App = crate::pages::clinical_app_with(Backend::Sqlite, config).await;
    in_browser(app, |s, app| async move {
        // The server lives as long as the walk.
        let _serving = app;
        s.open("/login").await;
        s.log_in("inv_a").await;
        // Warned half-way through the idle time (the lead is at most two minutes).
        s.shows(
            "#session-warning-text",
            "Your session ends in 2 seconds unless you continue.",
        )
        .await;
        s.screenshot("session-warning", "body").await;
        s.find("#stay-signed-in").await.click().await.expect("stay");
        let warning = s.find("#session-warning").await;
        for _ in 0..100 {
            if !warning.is_displayed().await.expect("displayed") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            !warning.is_displayed().await.expect("displayed"),
            "hidden again"
        );
        s.client.close().await.expect("close the browser");
    })
    .await;
}

/// A randomised study in the browser: the investigator enrols a subject, choosing each
/// stratification factor's level, and sees the randomisation number and no arm; then unblinds
/// the subject in an emergency (a reason, the study id typed again) and sees the arm once.
#[tokio::test]
async fn randomised_enrolment_and_emergency_unblinding_in_the_browser() {
    let secret = protocol::allocation::Secret::from_bytes([3; 32]);
    let config = web::Config {
        allocation_secret: Some(secret.clone()),
        ..web::Config::default()
    };
    let app: App = crate::pages::clinical_app_with(Backend::Sqlite, config).await;
    let admin = app
        .store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    store::testing::make_randomised(
        &app.store,
        &admin,
        &secret,
        store::testing::RANDOMISED_PROTOCOL,
    )
    .await
    .expect("randomised");
    let sponsor = store::NewUser {
        login: "sponsor_a".into(),
        printed_name: "Sam Sponsor".into(),
    };
    app.store
        .add_user(&admin, &sponsor, &password())
        .await
        .expect("sponsor");
    app.store
        .grant(&admin, "sponsor_a", "A", store::Role::Sponsor)
        .await
        .expect("grant");
    let investigator = app
        .store
        .authenticate("inv_a", &password())
        .await
        .expect("investigator");
    let screened = today().saturating_sub(10.days());
    app.store
        .screen(
            &investigator,
            &store::SubjectData {
                site: "A".into(),
                code: "A-301".into(),
                sex: store::Sex::Female,
                birth: store::BirthOrAge::AgeYears(51),
                subtype: None,
                screening_date: screened,
                consent_date: Some(screened),
                enrolment_date: None,
            },
            &store::testing::eligible_candidate(),
        )
        .await
        .expect("screened");
    in_browser(app, move |s, app| async move {
        let _serving = app;
        s.open("/login").await;
        s.log_in("inv_a").await;
        s.open("/subjects/A-301").await;
        s.fill("enrolment_date", &screened.to_string()).await;
        s.choose("factors.subtype", "SCLE").await;
        // A factor left at "choose": refused beside it, the other choice kept.
        s.submit("/subjects/A-301/enrol").await;
        assert!(s.page().await.contains("required in this randomised study"));
        s.accessible(&axe()).await;
        s.choose("factors.baseline CLASI-A", "10 or more").await;
        s.submit("/subjects/A-301/enrol").await;
        let randomisation = s.text("#randomisation").await;
        assert!(
            randomisation.starts_with("number 1, randomised on"),
            "{randomisation}"
        );
        let page = s.page().await;
        assert!(!page.contains("Placebo") && !page.contains("PBO"));
        s.accessible(&axe()).await;
        s.screenshot("randomised", "dl.facts").await;

        s.fill("reason", "suspected anaphylaxis in the emergency room")
            .await;
        s.fill("confirmation", "A-301").await;
        s.submit("/subjects/A-301/unblind").await;
        let shown = s.text("#unblinding").await;
        assert!(
            shown.contains("Arm: Lenalidomide (LEN)") || shown.contains("Arm: Placebo (PBO)"),
            "{shown}"
        );
        s.accessible(&axe()).await;
        s.screenshot("unblinded", "#unblinding").await;
        s.open("/subjects/A-301").await;
        let after = s.text("#unblinding").await;
        assert!(after.contains("suspected anaphylaxis"), "{after}");
        assert!(!after.contains("Arm:"), "{after}");

        // The sponsor is notified: the dashboard says so, the list says whom, when, by whom
        // and why, and no arm.
        s.press("form.logout button[type=\"submit\"]", "/logout")
            .await;
        s.open("/login").await;
        s.log_in("sponsor_a").await;
        s.open("/").await;
        let home = s.text("section.unblindings").await;
        assert!(home.contains("One emergency unblinding"), "{home}");
        s.open("/unblindings").await;
        let list = s.text("main").await;
        for shown in ["A-301", "inv_a", "suspected anaphylaxis"] {
            assert!(list.contains(shown), "{list}");
        }
        assert!(
            !list.contains("Placebo") && !list.contains("Lenalidomide"),
            "{list}"
        );
        s.accessible(&axe()).await;
        s.screenshot("unblindings", "main").await;
        s.client.close().await.expect("close the browser");
    })
    .await;
}

/// A lesion photograph uploaded on the visit page beside the CLASI grid, shown there as a
/// thumbnail of its area (the picture decoded by the browser), the section accessible; then a
/// central reader scores it blind: the reading page names no subject, visit or date.
#[tokio::test]
async fn a_photograph_is_uploaded_shown_and_read_blind_in_the_browser() {
    let app = clinical_app(Backend::Sqlite).await;
    let admin = app
        .store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    store::testing::central_reader(&app.store, &admin, "reader_a", "A", &password())
        .await
        .expect("reader");
    let subject = app.store.subject_by_code("A-001").await.expect("A-001");
    let visit = app.store.visits_of(subject.id).await.expect("visits")[0].id;
    let folder = tempfile::tempdir().expect("temp dir");
    let picture = folder.path().join("cheek.jpg");
    std::fs::write(&picture, store::testing::sample_jpeg(320, 240)).expect("picture");
    in_browser(app, move |s, app| async move {
        let _serving = app;
        let _folder = folder;
        s.open("/login").await;
        s.log_in("coord_a").await;
        s.open(&format!("/subjects/A-001/visits/{visit}")).await;
        s.choose("area", "nose_malar").await;
        s.fill("caption", "malar rash, left cheek").await;
        s.find("input[type=\"file\"]")
            .await
            .send_keys(&picture.display().to_string())
            .await
            .expect("file chosen");
        s.submit("/photos").await;
        assert!(s.page().await.contains("malar rash, left cheek"));
        let img = s.find("#photos figure.photo img").await;
        let element = serde_json::to_value(&img).expect("element reference");
        let mut width = json!(0);
        for _ in 0..100 {
            width = s
                .client
                .execute("return arguments[0].naturalWidth;", vec![element.clone()])
                .await
                .expect("width");
            if width == json!(320) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(width, json!(320), "the browser decoded the photograph");
        s.accessible(&axe()).await;
        s.screenshot("visit-photos", "#photos").await;

        s.press("form.logout button[type=\"submit\"]", "/logout")
            .await;
        s.open("/login").await;
        s.log_in("reader_a").await;
        s.open("/reading").await;
        s.find("main table a")
            .await
            .click()
            .await
            .expect("open the reading");
        s.find("form[action^=\"/reading/\"]").await;
        let page = s.page().await;
        for hidden in ["A-001", "Baseline", "2025-01-20", "malar rash", "Site A"] {
            assert!(!page.contains(hidden), "the reading page shows {hidden}");
        }
        assert!(page.contains("Nose (incl. malar area)"));
        for (item, level) in [
            ("erythema", "2"),
            ("scale", "1"),
            ("dyspigmentation", "0"),
            ("scarring", "1"),
        ] {
            s.choose(item, level).await;
        }
        s.accessible(&axe()).await;
        s.screenshot("central-reading", "main").await;
        s.press(
            "form[action^=\"/reading/\"] button[type=\"submit\"]",
            "/reading",
        )
        .await;
        assert!(s.page().await.contains("scored"));
        s.client.close().await.expect("close the browser");
    })
    .await;
}

async fn study_day(s: Session, app: App) {
    // Dates in the past, as the record requires: enrolment eight weeks ago, week 4 after it.
    let enrolled = today().saturating_sub(56.days());
    let week4 = enrolled.saturating_add(28.days());

    s.open("/login").await;
    s.accessible(&axe()).await;
    s.log_in("inv_a").await;
    assert!(s.page().await.contains("Enrolment at your sites"));
    s.screenshot("dashboard", "body").await;

    // Screening: one criterion fails live, then the corrected answer makes them all met.
    s.open("/screening").await;
    s.fill("code", "A-201").await;
    s.fill(
        "consent_date",
        &enrolled.saturating_sub(2.days()).to_string(),
    )
    .await;
    s.fill(
        "screening_date",
        &enrolled.saturating_sub(1.days()).to_string(),
    )
    .await;
    s.fill("birth_date", "1979-03-14").await;
    for (name, value) in [
        ("cle_histology_confirmed", "yes"),
        ("thalidomide_hypersensitivity", "no"),
        ("pregnant", "no"),
        ("lactating", "no"),
        ("reproductive_potential", "no"),
        ("requires_systemic_immunosuppressants", "no"),
        ("thrombosis_history", "no"),
        ("antiphospholipid_antibodies", "no"),
        ("progressive_renal_disease", "no"),
        ("psychiatric_or_social_disorder", "no"),
        ("hiv", "no"),
        ("viral_hepatitis", "no"),
    ] {
        s.choose(name, value).await;
    }
    for (name, value) in [
        ("prednisone_mg_per_day", "5"),
        ("regimen_stable_days", "90"),
        ("refractory_months", "12"),
        ("bsa_percent", "22"),
        ("sledai_2k", "2"),
        ("platelets", "210000"),
        ("leukocytes", "6000"),
        ("neutrophils", "3500"),
        ("gfr", "95"),
        ("max_erythema", "1"),
    ] {
        s.fill(name, value).await;
    }
    s.choose("neutrophils_unit", "/uL").await;
    s.shows("output[data-out=\"I3.status\"]", "not met").await;
    s.shows("output[data-out=\"eligible\"]", "not eligible")
        .await;
    s.screenshot("screening", "table.checklist").await;
    s.fill("max_erythema", "2").await;
    s.shows("output[data-out=\"I3.status\"]", "met").await;
    s.shows("output[data-out=\"eligible\"]", "eligible").await;
    s.submit("/screening").await;

    // Enrolment, then the baseline visit the calendar proposes.
    s.fill("enrolment_date", &enrolled.to_string()).await;
    s.submit("/subjects/A-201/enrol").await;
    s.submit("/subjects/A-201/visits").await;
    assert!(s.page().await.contains("Baseline"));
    // The CLASI typed as on paper: a digit in a cell, the arrow keys moving between cells
    // without changing what was typed (ArrowRight once turned an erythema 2 into 3).
    let cell = s.find("input[name=\"nose_malar_erythema\"]").await;
    cell.click().await.expect("focus");
    cell.send_keys("3").await.expect("type");
    cell.send_keys(&Key::Right.to_string())
        .await
        .expect("right");
    s.focused_is("nose_malar_scale").await;
    s.type_focused("2").await;
    s.type_focused(&Key::Down.to_string()).await;
    s.focused_is("rest_of_face_scale").await;
    s.type_focused(&Key::Up.to_string()).await;
    s.type_focused(&Key::Left.to_string()).await;
    s.focused_is("nose_malar_erythema").await;
    s.shows("output[data-out=\"row-nose_malar-activity\"]", "5")
        .await;
    s.fill("arms_erythema", "2").await;
    s.shows("output[data-out=\"activity\"]", "7").await;
    for (name, value) in [("nose_malar_erythema", "3"), ("nose_malar_scale", "2")] {
        let typed = s.find(&format!("input[name=\"{name}\"]")).await;
        assert_eq!(
            typed.prop("value").await.expect("value").as_deref(),
            Some(value)
        );
    }
    s.find("input[name=\"blank_is_clear\"]")
        .await
        .click()
        .await
        .expect("tick");
    s.screenshot("visit-entry", "#clasi").await;
    s.submit("/clasi").await;
    s.choose("level", "5mg_daily").await;
    s.submit("/dose").await;

    // Week 4: a partial response, and the protocol's decision beside it.
    s.open("/subjects/A-201").await;
    s.fill("name", "Week 4").await;
    s.fill("planned_date", &week4.to_string()).await;
    s.fill("actual_date", &week4.to_string()).await;
    s.submit("/subjects/A-201/visits").await;
    s.fill("nose_malar_erythema", "2").await;
    s.find("input[name=\"blank_is_clear\"]")
        .await
        .click()
        .await
        .expect("tick");
    s.shows("output[data-out=\"activity\"]", "2").await;
    s.submit("/clasi").await;
    let action = s.text("#decision dd.action").await;
    assert!(!action.is_empty(), "the decision panel names an action");
    assert!(s.page().await.contains("<dd>PR</dd>"));
    s.screenshot("decision", "#decision").await;
    s.choose("followed", "yes").await;
    s.submit("/decision").await;
    assert!(s.text("#decision p.recorded").await.contains("followed"));
    // A laboratory result: the test and unit chosen from the protocol's list, graded live.
    s.fill("collected_on", &week4.to_string()).await;
    s.choose("test", "neutrophils").await;
    s.fill("value", "1190").await;
    s.choose("unit", "/mm3").await;
    s.shows(
        "#labs output[data-out=\"grade\"]",
        "CTCAE grade 2 (Neutrophil count decreased)",
    )
    .await;
    s.screenshot("labs", "#labs").await;
    s.submit("/labs").await;
    assert!(s.text("#labs table").await.contains("grade 2"));
    // A nerve conduction study with its conclusion.
    s.fill("tested_on", &week4.to_string()).await;
    s.choose("finding", "normal").await;
    s.submit("/nerve-conduction").await;
    assert!(s.text("#nerve").await.contains("normal"));
    // A dose change to an intermittent regimen: the running period ends the day before.
    s.choose("level", "5mg_3x_weekly").await;
    s.fill("start_date", &week4.to_string()).await;
    s.submit("/dose").await;
    let dose = s.text("#dose").await;
    assert!(
        dose.contains(&format!(
            "Lenalidomide 5 mg three times weekly since {week4}"
        )),
        "{dose}"
    );
    s.screenshot("dose-change", "#dose").await;
    let week4_url = s.client.current_url().await.expect("url").to_string();

    // A coded adverse event chosen by typing part of its name: the form comes back with the
    // nearest CTCAE terms to pick from, everything typed kept.
    s.open("/subjects/A-201/adverse-events").await;
    s.fill("term", "sensory neuro").await;
    s.fill("verbatim", "tingling in both feet").await;
    s.fill("start_date", &week4.to_string()).await;
    s.choose("grade", "1").await;
    s.submit("/adverse-events").await;
    assert!(
        s.page()
            .await
            .contains("unknown CTCAE v5.0 term 'sensory neuro'")
    );
    s.screenshot("adverse-event-pick", "fieldset.pick").await;
    s.find("input[name=\"term_pick\"][value=\"Peripheral sensory neuropathy\"]")
        .await
        .click()
        .await
        .expect("pick the term");
    s.submit("/adverse-events").await;
    let log = s.text("table").await;
    assert!(log.contains("Peripheral sensory neuropathy"), "{log}");
    assert!(log.contains("tingling in both feet"), "{log}");
    // Entered for the wrong patient: marked entered in error with a reason, and gone.
    s.find("details.void summary")
        .await
        .click()
        .await
        .expect("open");
    s.fill("reason", "entered for the wrong patient").await;
    s.submit("/void").await;
    assert!(s.page().await.contains("No adverse events recorded."));

    // A grade 3 adverse event: the alert shows at once.
    s.open("/subjects/A-201/adverse-events").await;
    s.fill("term", "Neutrophil count decreased").await;
    s.fill("start_date", &week4.to_string()).await;
    s.choose("grade", "3").await;
    s.submit("/adverse-events").await;
    assert!(
        s.text("div.alert.safety")
            .await
            .contains("Neutrophil count decreased, CTCAE grade 3")
    );
    s.screenshot("adverse-events", "body").await;

    // The monitor's query on the week-4 CLASI, answered by the investigator.
    let monitor = app
        .store
        .authenticate("monitor_a", &password())
        .await
        .expect("monitor");
    let subject = app.store.subject_by_code("A-201").await.expect("subject");
    let clasi = app
        .store
        .records_of::<store::ClasiAssessment>(subject.id)
        .await
        .expect("clasi");
    let week4_clasi = clasi
        .iter()
        .find(|c| c.data.assessed_on == week4)
        .expect("week-4 CLASI");
    app.store
        .open_query(
            &monitor,
            subject.id,
            "clasi",
            week4_clasi.id,
            "nose_malar_erythema",
            "Photograph shows grade 1?",
        )
        .await
        .expect("query");
    s.open("/subjects/A-201").await;
    s.fill("answer", "Re-examined: grade 2 is right").await;
    s.submit("/answer").await;
    assert!(s.page().await.contains("Re-examined: grade 2 is right"));
    s.screenshot("subject", "#timeline").await;

    // A concomitant medication, coded, with its dose as prescribed.
    s.choose("drug", "hydroxychloroquine").await;
    s.fill("verbatim", "Dolquine").await;
    s.fill("amount", "200").await;
    s.choose("frequency", "BID").await;
    s.choose("route", "ORAL").await;
    s.fill("start_date", "2023-05-02").await;
    s.find("input[name=\"ongoing\"]")
        .await
        .click()
        .await
        .expect("tick ongoing");
    s.submit("/conmeds").await;
    let conmeds = s.text("#conmeds").await;
    assert!(conmeds.contains("Dolquine 200 mg twice daily"), "{conmeds}");
    assert!(conmeds.contains("2023-05-02, ongoing"), "{conmeds}");
    s.screenshot("conmeds", "#conmeds").await;

    // A candidate whose checklist is not eligible (refractory 2 months only), enrolled by the
    // investigator under a waiver with a reason: a major deviation on the subject page.
    let investigator = app
        .store
        .authenticate("inv_a", &password())
        .await
        .expect("investigator");
    let mut short = store::testing::eligible_candidate();
    short.refractory_months = Some(2.0);
    app.store
        .screen(
            &investigator,
            &store::SubjectData {
                code: "A-202".into(),
                enrolment_date: None,
                ..subject.data.clone()
            },
            &short,
        )
        .await
        .expect("screened");
    s.open("/subjects/A-202").await;
    s.fill("enrolment_date", &enrolled.to_string()).await;
    s.submit("/subjects/A-202/enrol").await;
    assert!(
        s.page()
            .await
            .contains("cannot be enrolled unless an investigator waives it")
    );
    s.fill(
        "waiver",
        "refractory to 10 weeks of hydroxychloroquine; sponsor agreed",
    )
    .await;
    s.submit("/subjects/A-202/enrol").await;
    let deviations = s.text("#deviations").await;
    assert!(deviations.contains("eligibility waiver"), "{deviations}");
    assert!(deviations.contains("sponsor agreed"), "{deviations}");
    s.screenshot("waiver", "#deviations").await;

    // The session ends while a laboratory result is being typed: sending it leads to the login
    // page, and after logging in again the visit page comes back with what was typed.
    s.client.goto(&week4_url).await.expect("week 4");
    s.fill("collected_on", &week4.to_string()).await;
    s.choose("test", "platelets").await;
    s.fill("value", "140").await;
    s.choose("unit", "10^9/L").await;
    s.client
        .delete_cookie("cletrial_session")
        .await
        .expect("end the session");
    s.submit("/labs").await;
    assert!(s.page().await.contains("the form was not saved"));
    s.log_in("inv_a").await;
    let back = s.client.current_url().await.expect("url");
    assert_eq!(back.query(), Some("restore=1"), "{back}");
    assert!(
        s.text("#labs p.restored")
            .await
            .contains("What you typed is back")
    );
    let value = s.find("#labs input[name=\"value\"]").await;
    assert_eq!(
        value.prop("value").await.expect("value").as_deref(),
        Some("140")
    );
    s.screenshot("session-restored", "#labs").await;
    s.submit("/labs").await;
    assert!(s.text("#labs table").await.contains("Platelet"));

    // The week-4 visit signed with the password typed again.
    s.client.goto(&week4_url).await.expect("week 4");
    s.fill("password", PASSWORD).await;
    s.submit("/sign").await;
    assert!(
        s.text("#sign p.signature")
            .await
            .contains("Ines Investigator")
    );

    // Withdrawn for an adverse event, with the reason in words.
    s.open("/subjects/A-201").await;
    s.choose("status", "adverse_event").await;
    s.fill("disposition_date", &week4.to_string()).await;
    s.fill("details", "persistent grade 3 neutropenia").await;
    s.submit("/disposition").await;
    let course = s.text("#course").await;
    assert!(course.contains("Withdrawn: adverse event"), "{course}");
    assert!(
        course.contains("persistent grade 3 neutropenia"),
        "{course}"
    );
    s.screenshot("withdrawal", "#course").await;

    // The history shows every change with its reason, narrowed to a kind of record.
    for (query, text) in [
        ("", "first entry"),
        ("?form=subject", "enrolment after an eligible screening"),
        ("?form=query", "query answered"),
        ("?form=signature", "<td class=\"record\">signature "),
    ] {
        s.open(&format!("/subjects/A-201/history{query}")).await;
        let history = s.page().await;
        assert!(history.contains(text), "{query}: {text}");
    }
    s.open("/subjects/A-201/history").await;
    s.screenshot("history", "body").await;

    // Every page an investigator opens, checked by axe-core.
    let axe = axe();
    let visit = week4_url.trim_start_matches(&s.base).to_owned();
    for path in [
        "/",
        "/subjects",
        "/subjects/A-201",
        visit.as_str(),
        "/subjects/A-201/adverse-events",
        "/subjects/A-201/history",
        "/screening",
        "/account/password",
        "/worklists/visits-to-sign",
        "/worklists/safety-signals",
    ] {
        s.open(path).await;
        s.accessible(&axe).await;
    }
    in_spanish(&s, &axe, &visit).await;

    // A retrospective chart review (the paediatric study's protocol): the screening page asks
    // for the review and index dates instead of consent, and an eligible chart is enrolled from
    // the drug start, consent waived.
    crate::support::amend(
        &app,
        include_str!("../../../../protocols/pediatric-review.toml"),
    )
    .await;
    s.open("/screening").await;
    s.fill("code", "A-301").await;
    s.fill("screening_date", &enrolled.to_string()).await;
    s.fill("index_date", "2023-06-01").await;
    s.fill("birth_date", "2008-01-15").await;
    s.choose("sle_diagnosis", "yes").await;
    s.choose("drug_received", "yes").await;
    s.shows("output[data-out=\"eligible\"]", "eligible").await;
    s.screenshot("chart-review", "form").await;
    s.submit("/screening").await;
    let facts = s.text("dl.facts").await;
    assert!(
        facts.contains("waived (retrospective chart review)"),
        "{facts}"
    );
    assert!(facts.contains("2023-06-01"), "{facts}");
    s.screenshot("chart-review-subject", "body").await;
    let chart_review = [
        (
            "/screening",
            "chart-review".to_owned(),
            "Selección".to_owned(),
        ),
        (
            "/subjects/A-301",
            "chart-review-subject".to_owned(),
            "Sujeto A-301".to_owned(),
        ),
    ];
    spanish(&s, &axe, &chart_review).await;

    // The pages as a monitor and a coordinator see them (other forms, other worklists), each
    // checked by axe-core too.
    for (login, pages) in [
        (
            "monitor_a",
            [
                "/",
                "/subjects/A-201",
                visit.as_str(),
                "/subjects/A-201/history",
                "/worklists/queries-to-close",
            ],
        ),
        (
            "coord_a",
            [
                "/",
                "/subjects/A-201",
                visit.as_str(),
                "/worklists/visits-due",
                "/worklists/forms-incomplete",
            ],
        ),
    ] {
        s.submit("/logout").await;
        s.log_in(login).await;
        for path in pages {
            s.open(path).await;
            s.accessible(&axe).await;
            if path == "/" {
                s.screenshot(&format!("dashboard-{login}"), "body").await;
            }
        }
    }
    s.client.close().await.expect("close the browser");
}

/// The investigator's pages in Spanish, and the visit page's sections below the grid each on
/// its own.
async fn in_spanish(s: &Session, axe: &str, visit: &str) {
    let visit_sections = ["labs", "decision", "dose", "sign"]
        .map(|section| (visit, format!("visit-{section}"), format!("#{section}")));
    let subject_sections = ["eligibility", "timeline", "conmeds", "course"].map(|section| {
        (
            "/subjects/A-201",
            format!("subject-{section}"),
            format!("#{section}"),
        )
    });
    let mut pages: Vec<(&str, String, String)> = [
        ("/", "dashboard", "Inclusión en sus centros"),
        ("/subjects", "subjects", "Sujetos"),
        ("/subjects/A-201", "subject", "Sujeto A-201"),
        (visit, "visit", "Guardar CLASI"),
        (
            "/subjects/A-201/adverse-events",
            "adverse-events",
            "Acontecimientos adversos · A-201",
        ),
        (
            "/subjects/A-201/history",
            "history",
            "Historial del registro · A-201",
        ),
        ("/screening", "screening", "Selección"),
        ("/account/password", "account", "Su cuenta"),
        (
            "/worklists/visits-to-sign",
            "worklist",
            "Visitas por firmar",
        ),
    ]
    .map(|(path, shot, heading)| (path, shot.to_owned(), heading.to_owned()))
    .into();
    pages.extend(visit_sections);
    pages.extend(subject_sections);
    spanish(s, axe, &pages).await;
}

/// Pages in Spanish, chosen with the footer's switch: each says so (`<html lang="es">`), shows
/// its Spanish `expect` (text, or a `#section` whose picture alone is taken), shows no
/// catalogue id, passes axe-core and is saved as `<shot>-es.png`; then back to English.
async fn spanish(s: &Session, axe: &str, pages: &[(&str, String, String)]) {
    s.open("/").await;
    s.submit("/account/language").await;
    assert_eq!(language(s).await, "es", "the switch chose Spanish");
    for (path, shot, expect) in pages {
        s.open(path).await;
        assert_eq!(language(s).await, "es", "{path}");
        let page = s.page().await;
        let picture = if expect.starts_with('#') {
            expect.as_str()
        } else {
            assert!(page.contains(expect.as_str()), "{path}: no {expect:?}");
            "body"
        };
        // A message the catalogue lacks shows as its id.
        for id in [
            "rule-",
            "visit-",
            "clasi-",
            "lab-",
            "sdv-",
            "refusal-",
            "worklist-",
        ] {
            assert!(
                !page.contains(&format!(">{id}")),
                "{path}: an id {id}... shows"
            );
        }
        s.accessible(axe).await;
        s.screenshot(&format!("{shot}-es"), picture).await;
    }
    s.open("/").await;
    s.submit("/account/language").await;
    assert_eq!(language(s).await, "en", "English again");
}

/// The page's `<html lang>`.
async fn language(s: &Session) -> String {
    s.find("html")
        .await
        .attr("lang")
        .await
        .expect("lang")
        .unwrap_or_default()
}

/// The statistician opens the downloads from the dashboard, and every link on that page answers
/// its file (fetched in the page, with the page's session).
#[tokio::test]
async fn the_statistician_downloads_the_report_and_exports() {
    let study = crate::authz::Study::new(Backend::Sqlite).await;
    let driver = start_driver();
    let client = connect(&driver).await;
    let session = Session {
        client,
        base: study.app.base.clone(),
        shots: screenshots_dir(),
    };
    let result = tokio::spawn(async move {
        let s = session;
        s.open("/login").await;
        s.fill("login", "stat_a").await;
        s.fill("password", PASSWORD).await;
        s.submit("/login").await;
        s.find("a[href=\"/downloads\"]")
            .await
            .click()
            .await
            .expect("open the downloads");
        s.shows("h1", "Report and exports").await;
        s.no_console_errors("/downloads").await;
        s.screenshot("downloads", "body").await;
        let script = "const done = arguments[arguments.length - 1];
            const links = Array.from(document.querySelectorAll('ul.downloads a'));
            Promise.all(links.map(a => fetch(a.href).then(r =>
                [a.getAttribute('href'), r.status, r.headers.get('content-type')])))
            .then(done, error => done(String(error)));";
        let got = s
            .client
            .execute_async(script, Vec::new())
            .await
            .expect("fetch the links");
        assert_eq!(
            got,
            json!([
                ["/downloads/report.html", 200, "text/html; charset=utf-8"],
                ["/downloads/tidy-csv.zip", 200, "application/zip"],
                ["/downloads/sdtm-csv.zip", 200, "application/zip"],
                ["/downloads/sdtm-xpt.zip", 200, "application/zip"],
                ["/downloads/submission.zip", 200, "application/zip"],
            ])
        );
        let downloads = [(
            "/downloads",
            "downloads".to_owned(),
            "Informe y exportaciones".to_owned(),
        )];
        spanish(&s, &axe(), &downloads).await;
        s.client.close().await.expect("close the browser");
    })
    .await;
    drop(driver);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic.into_panic());
    }
}

/// The investigator applies the protocol's decided dose with one click; the monitor then
/// verifies the visit's CLASI field by field and locks it, each page checked by axe-core.
#[tokio::test]
async fn the_decision_is_applied_then_the_monitor_verifies_and_locks() {
    let app = clinical_app(Backend::Sqlite).await;
    let (mut inv, _, week4) = crate::pages::two_visits(&app).await;
    let visit = format!("/subjects/A-001/visits/{week4}");
    // Clear at week 4: a complete response, after which the protocol tapers the dose.
    let form = crate::pages::clasi_form("2025-02-17", &[]);
    let saved = crate::pages::post_owned(&mut inv, &format!("{visit}/clasi"), &form).await;
    assert_eq!(saved.status.as_u16(), 303, "{}", saved.body);
    in_browser(app, move |s, app| async move {
        // The whole app, its database's folder with it, lives as long as the walk (the block
        // would otherwise keep only the fields it names).
        let app = app;
        s.open("/login").await;
        s.log_in("inv_a").await;
        s.open(&visit).await;
        s.screenshot("apply-decision", "#decision").await;
        s.press("form.apply button", "/dose").await;
        let dose = s.text("#dose").await;
        assert!(dose.contains("since 2025-02-17"), "{dose}");
        assert!(!s.page().await.contains("class=\"apply\""), "applied once");

        s.submit("/logout").await;
        s.log_in("monitor_a").await;
        let subject = app.store.subject_by_code("A-001").await.expect("A-001");
        let clasi = app
            .store
            .records_of::<store::ClasiAssessment>(subject.id)
            .await
            .expect("clasi")
            .into_iter()
            .find(|clasi| clasi.data.visit_id == week4)
            .expect("week 4 CLASI")
            .id;
        let section = format!("#record-clasi-{clasi}");
        s.open("/subjects/A-001").await;
        s.find("a[href=\"/subjects/A-001/verification\"]")
            .await
            .click()
            .await
            .expect("open the verification page");
        s.accessible(&axe()).await;
        for field in ["nose_malar_erythema", "activity"] {
            s.find(&format!("{section} input[value=\"{field}\"]"))
                .await
                .click()
                .await
                .expect("tick");
        }
        s.press(&format!("{section} button[value=\"fields\"]"), "verify")
            .await;
        let shown = s.text(&section).await;
        assert_eq!(shown.matches("✓ by ").count(), 2, "{shown}");
        s.press(&format!("{section} form.inline button"), "lock")
            .await;
        assert!(s.text(&section).await.contains("Locked by"));
        s.accessible(&axe()).await;
        s.screenshot("verification", &section).await;
        let monitor = [
            (
                "/",
                "dashboard-monitor".to_owned(),
                "Verificación pendiente".to_owned(),
            ),
            (
                "/subjects/A-001/verification",
                "verification".to_owned(),
                "Verificación de datos fuente · A-001".to_owned(),
            ),
            (
                "/worklists/verification-to-do",
                "worklist-verification".to_owned(),
                "Verificación pendiente".to_owned(),
            ),
        ];
        spanish(&s, &axe(), &monitor).await;
        s.client.close().await.expect("close the browser");
    })
    .await;
}

/// A DLQI entered on the visit page of the outcomes test study, with the study's placeholder
/// texts: the items chosen by their answers, saved, the total and band shown; the page passes
/// axe and its screenshot is `target/screenshots/outcome-dlqi.png`.
#[tokio::test]
async fn a_dlqi_entered_in_the_browser() {
    let texts = toml::from_str(include_str!(
        "../../../../examples/outcomes/item-texts.toml"
    ))
    .expect("example texts");
    let config = web::Config {
        item_texts: web::ItemTexts::new(texts).expect("valid"),
        ..web::Config::default()
    };
    let app = crate::pages::clinical_app_with(Backend::Sqlite, config).await;
    crate::support::amend(&app, &store::testing::outcomes_protocol()).await;
    let subject = app.store.subject_by_code("A-001").await.expect("subject");
    let visit = app.store.visits_of(subject.id).await.expect("visits")[0].id;
    in_browser(app, move |s, app| async move {
        let _serving = app;
        s.open("/login").await;
        s.log_in("inv_a").await;
        s.open(&format!("/subjects/A-001/visits/{visit}")).await;
        for (item, answer) in [
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
        ] {
            s.choose(item, answer).await;
        }
        s.submit("/outcomes/dlqi").await;
        let page = s.page().await;
        assert!(
            page.contains("<th scope=\"row\">DLQI total (0-30)</th><td>16</td>"),
            "{page}"
        );
        assert!(page.contains("very large effect"), "{page}");
        assert!(page.contains("DLQI01 — Placeholder text of item DLQI01"));
        s.accessible(&axe()).await;
        s.screenshot("outcome-dlqi", "#outcome-dlqi").await;
        s.client.close().await.expect("close the browser");
    })
    .await;
}

/// Issue 19's patient entry: a coordinator issues a link for the itch NRS on the visit page;
/// the patient opens it on a phone-sized screen (390 x 844), without an account, answers and is
/// thanked; the same link opened again is refused, and so is a link whose visit window has
/// closed. Every page passes axe; the screenshots are `patient-link-issued.png`,
/// `patient-link-phone.png`, `patient-link-thanks.png` and `patient-link-expired.png`.
#[tokio::test]
async fn a_patient_answers_on_a_phone_through_a_one_time_link() {
    use crate::patient_links::{days_ago, item_texts, week_4_visit};
    use crate::support::amend;
    let config = web::Config {
        item_texts: item_texts(),
        ..web::Config::default()
    };
    let study = crate::authz::Study::with_config(Backend::Sqlite, config).await;
    let app = study.app;
    amend(&app, &store::testing::outcomes_protocol()).await;
    let visit = week_4_visit(&app, "A-060", 28).await;
    // A second subject whose week-4 window closed 14 days ago: the link was issued while the
    // visit was planned for today (week 8), then its date corrected back to week 4.
    let closed_visit = week_4_visit(&app, "A-061", 49).await;
    let coordinator = app
        .store
        .authenticate("coord_a", &password())
        .await
        .expect("coordinator");
    let planned = app.store.visit(closed_visit).await.expect("visit");
    let moved = |date| store::VisitData {
        planned_date: Some(date),
        ..planned.data.clone()
    };
    let planned = app
        .store
        .update_visit(
            &coordinator,
            closed_visit,
            planned.version,
            &moved(days_ago(0)),
            "week 8",
        )
        .await
        .expect("moved");
    let expired = app
        .store
        .issue_patient_link(
            &coordinator,
            closed_visit,
            instruments::questionnaire::Instrument::Dlqi,
        )
        .await
        .expect("issued");
    app.store
        .update_visit(
            &coordinator,
            closed_visit,
            planned.version,
            &moved(days_ago(21)),
            "week 4 after all",
        )
        .await
        .expect("moved back");
    let expired = expired.token;
    in_browser(app, move |s, app| async move {
        let _serving = app;
        let axe = axe();
        s.open("/login").await;
        s.log_in("coord_a").await;
        s.open(&format!("/subjects/A-060/visits/{visit}")).await;
        s.press(
            "form[action$=\"/patient-links\"]:has(input[value=\"worst_itch_nrs\"]) button",
            "/patient-links",
        )
        .await;
        let url = s.text(".link-url a").await;
        assert!(url.contains("/p/"), "{url}");
        s.find("figure.qr svg").await;
        s.accessible(&axe).await;
        s.screenshot("patient-link-issued", "main").await;
        s.press("form.logout button", "/logout").await;

        let path = &url[url.find("/p/").expect("path")..];
        s.phone(390, 844).await;
        s.open(path).await;
        assert!(!s.scrolls_sideways().await, "the page fits a phone's width");
        assert!(s.page().await.contains("Placeholder: worst itch, 0 to 10"));
        s.accessible(&axe).await;
        s.find("input[name=\"ITCHNRS\"][value=\"6\"]")
            .await
            .click()
            .await
            .expect("choose 6");
        s.screenshot("patient-link-phone", "main").await;
        s.press("button.send", path).await;
        assert_eq!(s.text("h1").await, "Thank you");
        s.accessible(&axe).await;
        s.screenshot("patient-link-thanks", "main").await;

        s.open_refused(path, 410).await;
        assert_eq!(s.text("h1").await, "This link cannot be used");
        assert!(
            s.text(".patient-message")
                .await
                .contains(&format!("already sent on {}", days_ago(0)))
        );
        s.open_refused(&format!("/p/{expired}?lang=es"), 410).await;
        assert_eq!(s.text("h1").await, "Este enlace no se puede usar");
        let closed_on = days_ago(21 - 7);
        assert!(
            s.text(".patient-message")
                .await
                .contains(&format!("caducó el {closed_on}")),
            "{}",
            s.page().await
        );
        assert!(!s.scrolls_sideways().await);
        s.accessible(&axe).await;
        s.screenshot("patient-link-expired", "main").await;
        s.client.close().await.expect("close the browser");
    })
    .await;
}
