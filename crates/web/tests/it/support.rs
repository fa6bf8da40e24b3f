//! A real server on 127.0.0.1:0 over a fresh study record, and a small browser whose cookies the
//! tests can read, plant and replay.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::date;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use store::testing::TestDb;
use store::{
    Backend, BirthOrAge, ClasiAssessment, NewStudy, NewUser, Password, Role, Sex, Store,
    SubjectData, Throttle, VisitData,
};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery";
pub const SESSION: &str = "cletrial_session";
pub const DEVICE: &str = "cletrial_device";

/// A running server and the record behind it.
pub struct App {
    pub base: String,
    pub store: Store,
    pub db: TestDb,
    /// Where a PostgreSQL record's photographs are kept (a SQLite one keeps them beside its
    /// file), held for as long as the server runs.
    _files: Option<tempfile::TempDir>,
    /// Notified once, stops the server.
    pub stop: Arc<Notify>,
    /// Completes when the server has stopped.
    pub served: JoinHandle<()>,
}

impl App {
    /// The server's address (`127.0.0.1:PORT`).
    pub fn address(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

/// A server with the default bounds on connections; see [`spawn_app_with`].
pub async fn spawn_app(backend: Backend, config: web::Config) -> App {
    spawn_app_with(backend, config, web::Limits::default()).await
}

/// Users: `admin` (no site role), `coord_a` (coordinator at A), `monitor_a` (monitor at A),
/// `coord_b` (coordinator at B). Subjects: A-001 (with a visit and a clear CLASI) and B-001.
pub async fn spawn_app_with(backend: Backend, config: web::Config, limits: web::Limits) -> App {
    spawn(backend, config, limits, Throttle::default(), false).await
}

/// [`spawn_app`] whose store slows password guessing with `throttle`.
pub async fn spawn_throttled(backend: Backend, config: web::Config, throttle: Throttle) -> App {
    spawn(backend, config, web::Limits::default(), throttle, false).await
}

/// The stratification factors' levels A-001 and B-001 are randomised with in a
/// [`spawn_randomised`] study: discoid lupus, baseline CLASI-A 10 or more.
pub const FACTOR_LEVELS: &[(&str, &str)] =
    &[("subtype", "DLE"), ("baseline CLASI-A", "10 or more")];

/// [`spawn_app`] over a randomised study: made randomised before its first enrolment
/// ([`store::testing::make_randomised`] with `config`'s allocation secret, which the server
/// holds), so A-001 and B-001 are randomised, with [`FACTOR_LEVELS`].
pub async fn spawn_randomised(backend: Backend, config: web::Config) -> App {
    spawn(
        backend,
        config,
        web::Limits::default(),
        Throttle::default(),
        true,
    )
    .await
}

async fn spawn(
    backend: Backend,
    config: web::Config,
    limits: web::Limits,
    throttle: Throttle,
    randomised: bool,
) -> App {
    let db = TestDb::new(backend);
    let (store, admin) = Store::init(
        db.url(),
        &NewStudy {
            code: "LENA-CLE-01".into(),
            title: "Lenalidomide in refractory CLE".into(),
            protocol_text: store::testing::PROTOCOL.into(),
        },
        &NewUser {
            login: "admin".into(),
            printed_name: "Ada Admin".into(),
        },
        &password(),
    )
    .await
    .expect("init");
    for code in ["A", "B"] {
        store
            .add_site(&admin, code, &format!("Site {code}"))
            .await
            .expect("site");
    }
    for (login, site, role) in [
        ("coord_a", "A", Role::Coordinator),
        ("monitor_a", "A", Role::Monitor),
        ("coord_b", "B", Role::Coordinator),
    ] {
        let user = NewUser {
            login: login.into(),
            printed_name: login.into(),
        };
        store
            .add_user(&admin, &user, &password())
            .await
            .expect("user");
        store.grant(&admin, login, site, role).await.expect("grant");
    }
    let subject_at = |site: &str, code: &str| SubjectData {
        site: site.into(),
        code: code.into(),
        sex: Sex::Female,
        birth: BirthOrAge::AgeYears(44),
        subtype: None,
        screening_date: date(2025, 1, 10),
        consent_date: Some(date(2025, 1, 6)),
        enrolment_date: Some(date(2025, 1, 20)),
    };
    let factors = if randomised {
        let secret = config
            .allocation_secret
            .as_ref()
            .expect("a randomised study's server holds its allocation secret");
        store::testing::make_randomised(
            &store,
            &admin,
            secret,
            store::testing::RANDOMISED_PROTOCOL,
        )
        .await
        .expect("randomised");
        FACTOR_LEVELS
    } else {
        &[]
    };
    let coord_a = store.authenticate("coord_a", &password()).await.expect("a");
    let coord_b = store.authenticate("coord_b", &password()).await.expect("b");
    let a = store::testing::enrolled_with(&store, &coord_a, &subject_at("A", "A-001"), factors)
        .await
        .expect("subject A");
    store::testing::enrolled_with(&store, &coord_b, &subject_at("B", "B-001"), factors)
        .await
        .expect("subject B");
    let visit = store
        .add_visit(
            &coord_a,
            a.id,
            &VisitData {
                name: "Baseline".into(),
                planned_date: Some(date(2025, 1, 20)),
                actual_date: Some(date(2025, 1, 20)),
            },
        )
        .await
        .expect("visit");
    store
        .add_record(
            &coord_a,
            &ClasiAssessment {
                subject_id: a.id,
                visit_id: visit.id,
                assessed_on: date(2025, 1, 20),
                clasi: instruments::clasi::Clasi::clear(),
            },
        )
        .await
        .expect("clasi");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let store = store.with_throttle(throttle);
    let files = (backend == Backend::Postgres).then(|| tempfile::tempdir().expect("files dir"));
    let store = match &files {
        Some(dir) => store.with_files(dir.path()),
        None => store,
    };
    let app = web::router(store.clone(), config);
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let served = tokio::spawn(web::serve(listener, app, limits, async move {
        stopped.notified().await;
    }));
    App {
        base,
        store,
        db,
        _files: files,
        stop,
        served,
    }
}

/// Amends the study's protocol to `protocol` as the administrator (a test study that collects
/// more, or another shipped protocol).
pub async fn amend(app: &App, protocol: &str) {
    let admin = app
        .store
        .authenticate("admin", &password())
        .await
        .expect("admin");
    let version = app.store.study().await.expect("study").version;
    app.store
        .amend_protocol(&admin, version, protocol, "this study's protocol")
        .await
        .expect("amended");
}

pub fn password() -> Password {
    Password::new(PASSWORD).expect("test password")
}

/// The default throttle with `free` failures per login, device and signer before any wait.
pub fn throttle_after(free: i64) -> Throttle {
    Throttle {
        login_free_failures: free,
        signature_free_failures: free,
        ..Throttle::default()
    }
}

/// One reply, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
    /// The body as sent (a download's zip).
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
    }

    /// The value of the first hidden `csrf` field on the page.
    pub fn form_token(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker).expect("a csrf field") + marker.len();
        let end = self.body[start..].find('"').expect("end of value") + start;
        self.body[start..end].to_owned()
    }
}

/// A browser: keeps cookies by hand (so tests can plant and replay them), follows no redirects.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    /// The browser's `Accept-Language`, sent with every request when set.
    pub accept_language: Option<String>,
}

impl Browser {
    pub fn new(app: &App) -> Browser {
        Browser {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
            accept_language: None,
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    /// Posts a form; `extra` headers (Origin, Sec-Fetch-Site) as given.
    pub async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> Reply {
        let body: String = form
            .iter()
            .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
            .collect::<Vec<_>>()
            .join("&");
        self.post_raw(path, "application/x-www-form-urlencoded", body, extra)
            .await
    }

    pub async fn post_raw(
        &mut self,
        path: &str,
        content_type: &str,
        body: impl Into<Vec<u8>>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body.into());
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder) -> Reply {
        if !self.cookies.is_empty() {
            let line = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header(COOKIE, line);
        }
        if let Some(languages) = &self.accept_language {
            request = request.header(reqwest::header::ACCEPT_LANGUAGE, languages);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(SET_COOKIE) {
            let text = set.to_str().expect("ascii cookie");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let bytes = response.bytes().await.expect("body").to_vec();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// Opens the login page and posts `login` / `password` with the page's token.
    pub async fn log_in(&mut self, login: &str, password: &str) -> Reply {
        let page = self.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let token = page.form_token();
        self.post(
            "/login",
            &[("login", login), ("password", password), ("csrf", &token)],
            &[],
        )
        .await
    }

    /// Logs in with the test password and checks it worked.
    pub async fn logged_in(app: &App, login: &str) -> Browser {
        let mut browser = Browser::new(app);
        let reply = browser.log_in(login, PASSWORD).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        assert_eq!(reply.location(), Some("/"));
        browser
    }

    pub fn session(&self) -> Option<&str> {
        self.cookies.get(SESSION).map(String::as_str)
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
