//! The authorisation matrix, generated: every endpoint of `web::endpoints()` x every role x
//! own site / other site, on a real server, answers exactly what the policy table says. One server
//! per backend, seeded once, over a randomised study whose server holds the allocation secret (so
//! the files by arm are made for the one role that reads arms); the expectation comes from
//! `web::policy::allows` and the site rules of issue 6 (a statistician reads every site; another
//! site's subject is 404). An allowed request is either accepted or refused for the input the
//! matrix left out (a 422 naming it); a 422 that names no missing input does not count as
//! allowed. Every forbidden reply to a user has one shape, whatever the action: a refusal to
//! show arms shows no arm and no count.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use store::{Backend, NewUser, Role, Store, VisitData};
use web::policy::{Action, Endpoint, Scope, Verb, allows};

use crate::support::{App, Browser, Reply, password, spawn_app, spawn_randomised};

/// The users of the matrix: one per role at site A, and the administrator (no site role).
pub const USERS: [(&str, Option<Role>); 8] = [
    ("inv_a", Some(Role::Investigator)),
    ("coord_a", Some(Role::Coordinator)),
    ("monitor_a", Some(Role::Monitor)),
    ("stat_a", Some(Role::Statistician)),
    ("unblinded_a", Some(Role::UnblindedStatistician)),
    ("reader_a", Some(Role::CentralReader)),
    ("sponsor_a", Some(Role::Sponsor)),
    ("admin", None),
];

/// What one site holds for the path parameters.
pub struct SiteRecord {
    pub site: &'static str,
    /// An enrolled subject, with a visit and a query.
    pub subject: &'static str,
    /// A screened subject, not enrolled: the one enrolment acts on (an enrolled subject's page
    /// has no enrolment form to mark the missing date on).
    pub screened: &'static str,
    pub visit: i64,
    pub query: i64,
    /// A lock on the visit record (which no request of the matrix changes), to unlock.
    pub lock: i64,
    /// A lesion photograph taken at the visit.
    pub photo: i64,
    /// A photograph's reading id in the central reader's queue (study-wide: which site's it
    /// is cannot be told, by design).
    pub reading: String,
}

/// A server over a record with both sites seeded, and an API token per user.
pub struct Study {
    pub app: App,
    pub tokens: BTreeMap<&'static str, String>,
    pub own: SiteRecord,
    pub other: SiteRecord,
}

async fn add_user(store: &Store, admin: &store::Actor, login: &str, site: &str, role: Role) {
    let user = NewUser {
        login: login.into(),
        printed_name: format!("Dr {login}"),
    };
    store
        .add_user(admin, &user, &password())
        .await
        .expect("user");
    store.grant(admin, login, site, role).await.expect("grant");
}

/// A visit, a query and a lock on the subject `code` of `site`, and the screened subject
/// `screened`.
async fn seed_site(
    store: &Store,
    site: &'static str,
    code: &'static str,
    screened: &'static str,
) -> SiteRecord {
    let subject = store.subject_by_code(code).await.expect("subject");
    let visits = store.visits_of(subject.id).await.expect("visits");
    let coordinator = store
        .authenticate(&format!("coord_{}", site.to_lowercase()), &password())
        .await
        .expect("coordinator");
    let not_enrolled = store::SubjectData {
        code: screened.into(),
        enrolment_date: None,
        ..subject.data.clone()
    };
    store
        .screen(
            &coordinator,
            &not_enrolled,
            &store::testing::eligible_candidate(),
        )
        .await
        .expect("screened");
    let visit = match visits.into_iter().next() {
        Some(visit) => visit,
        None => {
            let data = VisitData {
                name: "Baseline".into(),
                planned_date: Some(jiff::civil::date(2025, 1, 20)),
                actual_date: Some(jiff::civil::date(2025, 1, 20)),
            };
            store
                .add_visit(&coordinator, subject.id, &data)
                .await
                .expect("visit")
        }
    };
    let monitor = store
        .authenticate(&format!("monitor_{}", site.to_lowercase()), &password())
        .await
        .expect("monitor");
    let query = store
        .open_query(
            &monitor,
            subject.id,
            "subject",
            subject.id,
            "sex",
            "Please confirm against the source.",
        )
        .await
        .expect("query")
        .id;
    let photo = store::testing::photographed(
        store,
        &coordinator,
        &visit,
        "hands",
        store::testing::sample_jpeg(8, 8),
    )
    .await
    .expect("photo")
    .id;
    let covers = store::Locked::Record {
        entity: "visit".into(),
        record_id: visit.id,
    };
    let lock = store
        .lock(&monitor, subject.id, covers)
        .await
        .expect("lock")
        .id;
    SiteRecord {
        site,
        subject: code,
        screened,
        visit: visit.id,
        query,
        lock,
        photo,
        reading: String::new(),
    }
}

impl Study {
    pub async fn new(backend: Backend) -> Study {
        Study::with_config(backend, web::Config::default()).await
    }

    /// As [`Study::new`], the server run with `config` (an allocation secret, say).
    pub async fn with_config(backend: Backend, config: web::Config) -> Study {
        Study::seeded(spawn_app(backend, config).await).await
    }

    /// As [`Study::new`], in a randomised study from its start (A-001 and B-001 randomised),
    /// the server holding its allocation secret: the matrix's study, where a file by arm is
    /// made for the one role that reads arms.
    pub async fn randomised(backend: Backend) -> Study {
        let config = web::Config {
            allocation_secret: Some(protocol::allocation::Secret::from_bytes([7; 32])),
            ..web::Config::default()
        };
        Study::seeded(spawn_randomised(backend, config).await).await
    }

    /// The matrix's users, each site's records and the tokens, over `app`.
    async fn seeded(app: App) -> Study {
        let store = &app.store;
        let admin = store
            .authenticate("admin", &password())
            .await
            .expect("admin");
        add_user(store, &admin, "inv_a", "A", Role::Investigator).await;
        add_user(store, &admin, "stat_a", "A", Role::Statistician).await;
        add_user(
            store,
            &admin,
            "unblinded_a",
            "A",
            Role::UnblindedStatistician,
        )
        .await;
        add_user(store, &admin, "monitor_b", "B", Role::Monitor).await;
        add_user(store, &admin, "reader_a", "A", Role::CentralReader).await;
        add_user(store, &admin, "sponsor_a", "A", Role::Sponsor).await;
        let mut own = seed_site(store, "A", "A-001", "A-099").await;
        let mut other = seed_site(store, "B", "B-001", "B-099").await;
        let reader = store
            .authenticate("reader_a", &password())
            .await
            .expect("reader");
        let queue = store.reading_queue(&reader).await.expect("queue");
        own.reading = queue[0].reading_id.clone();
        other.reading = queue[1].reading_id.clone();
        let mut tokens = BTreeMap::new();
        for (login, _) in USERS {
            let (_, token) = web::issue_token(
                store,
                &admin,
                login,
                "matrix",
                store::default_token_expiry(),
            )
            .await
            .expect("token");
            tokens.insert(login, token);
        }
        Study {
            app,
            tokens,
            own,
            other,
        }
    }

    pub fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }
}

/// What the policy says a request must get.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allow,
    Forbidden,
    NotFound,
}

/// What a request got, read from its status and body.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Got {
    /// Done: a 2xx, or a page's redirect other than to the login page.
    Accepted,
    /// Allowed, and refused for an input the matrix left out: a 422 that names it.
    InputRefused,
    Forbidden,
    NotFound,
    /// Anything else, described (a 422 naming no missing input among them).
    Other(String),
}

/// The expectation, from the role x action table and the site rules of issue 6.
fn expected(scope: Scope, role: Option<Role>, own_site: bool) -> Expect {
    let may = |action: Action| role.is_some_and(|role| allows(role, action));
    let at_site = |action: Action| {
        let Some(role) = role else {
            return Expect::NotFound;
        };
        // A statistician, blinded or not, reads (and does what they may) at every site; a
        // central reader reads no subject, at their own site neither.
        let reads =
            (own_site && allows(role, Action::ReadSubject)) || web::policy::reads_every_site(role);
        match (reads, allows(role, action)) {
            (true, true) => Expect::Allow,
            (true, false) => Expect::Forbidden,
            (false, _) => Expect::NotFound,
        }
    };
    match scope {
        Scope::Public | Scope::LoggedIn => Expect::Allow,
        Scope::Study(action) if action.is_administration() => {
            if role.is_none() {
                Expect::Allow
            } else {
                Expect::Forbidden
            }
        }
        Scope::Study(action) => {
            if may(action) {
                Expect::Allow
            } else {
                Expect::Forbidden
            }
        }
        Scope::Site(action) | Scope::Subject(action) => at_site(action),
    }
}

/// The endpoint's path with its parameters filled from `record`.
pub fn fill(endpoint: &Endpoint, record: &SiteRecord) -> String {
    let mut path = String::new();
    let enrols = endpoint.path.ends_with("/enrol") || endpoint.path.ends_with("/enrolment");
    for (index, part) in endpoint.path.split(['{', '}']).enumerate() {
        if index % 2 == 0 {
            path.push_str(part);
            continue;
        }
        let value = match part {
            "code" if enrols => record.screened.to_owned(),
            "code" => record.subject.to_owned(),
            "visit" => record.visit.to_string(),
            "query" => record.query.to_string(),
            "lock" => record.lock.to_string(),
            "photo" => record.photo.to_string(),
            "reading" => record.reading.clone(),
            // A patient link that need not exist: the policy is checked, then the reason
            // (absent: a 422), then the link.
            "link" => "1".to_owned(),
            // A lab that need not exist: the policy is checked, then the body (empty: a 422).
            "kind" => "lab".to_owned(),
            "record" => "1".to_owned(),
            // An instrument every route knows; whether the study collects it is the store's
            // refusal, after the policy's check.
            "instrument" => "dlqi".to_owned(),
            other => panic!(
                "{} has a parameter {{{other}}} the matrix cannot fill: add it to authz.rs",
                endpoint.path
            ),
        };
        path.push_str(&value);
    }
    path
}

fn is_api(endpoint: &Endpoint) -> bool {
    endpoint.path.starts_with("/api/")
}

/// A body for a request: the site for screening (with a fresh study id), else empty. The
/// policy is checked before the body is read, so an allowed request may still be a 422.
fn api_body(endpoint: &Endpoint, record: &SiteRecord, serial: usize) -> String {
    match endpoint.scope {
        Scope::Site(_) => serde_json::json!({
            "site": record.site,
            "code": format!("{}-M{serial:03}", record.site),
            "sex": "F",
            "age_years": 40,
            "screening_date": "2025-02-01",
            "consent_date": "2025-02-01",
            "candidate": {},
        })
        .to_string(),
        _ => "{}".to_owned(),
    }
}

/// The form that closes a query: its only inputs are the token and the site the matrix sends.
const CLOSE_QUERY_FORM: &str = "/subjects/{code}/queries/{query}/close";

/// What the request the matrix sends must get when `expect` holds. Allowed: accepted when the
/// matrix sends the whole input (a GET, the API's screening body, the query-closing form), else
/// refused for the input it leaves out (every other POST is an empty body or a form with only
/// its token and site).
fn wanted(endpoint: &Endpoint, expect: Expect) -> Got {
    let whole_input = match endpoint.verb {
        Verb::Get => true,
        Verb::Post if is_api(endpoint) => matches!(endpoint.scope, Scope::Site(_)),
        Verb::Post => endpoint.path == CLOSE_QUERY_FORM,
    };
    match expect {
        Expect::Allow if whole_input => Got::Accepted,
        Expect::Allow => Got::InputRefused,
        Expect::Forbidden => Got::Forbidden,
        Expect::NotFound => Got::NotFound,
    }
}

/// An API reply. A 422 is an input refusal only as `invalid` with a field the body lacks
/// (`is required`: the body sent is `{}`); an authorisation refusal is a 403 `forbidden`.
fn api_got(status: StatusCode, body: &str) -> Got {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let missing_field = json["error"] == "invalid"
        && json["message"] == "is required"
        && json["field"]
            .as_str()
            .is_some_and(|field| !field.is_empty());
    match status {
        _ if status.is_success() => Got::Accepted,
        StatusCode::UNPROCESSABLE_ENTITY if missing_field => Got::InputRefused,
        StatusCode::FORBIDDEN => Got::Forbidden,
        StatusCode::NOT_FOUND => Got::NotFound,
        _ => Got::Other(format!("{status} {body}")),
    }
}

/// The names of the form inputs a page marks invalid.
fn marked_inputs(body: &str) -> Vec<&str> {
    body.match_indices("aria-invalid=\"true\"")
        .filter_map(|(at, _)| {
            let tag = &body[body[..at].rfind('<')?..at];
            let name = &tag[tag.find(" name=\"")? + " name=\"".len()..];
            Some(&name[..name.find('"')?])
        })
        .collect()
}

/// A page reply. A 422 is an input refusal when the form marks inputs the matrix left out (not
/// the token or the site it sends), or on the "Not saved" page (`PageError::Refused`, which a
/// store's Forbidden never becomes: that is a 403).
fn page_got(reply: &Reply) -> Got {
    let marked = marked_inputs(&reply.body);
    let left_out = !marked.is_empty() && marked.iter().all(|name| !["csrf", "site"].contains(name));
    match reply.status {
        _ if reply.location().is_some_and(|to| to.starts_with("/login")) => {
            Got::Other("the login page".to_owned())
        }
        status if status.is_success() || status.is_redirection() => Got::Accepted,
        StatusCode::UNPROCESSABLE_ENTITY if reply.body.contains("<h1>Not saved</h1>") => {
            Got::InputRefused
        }
        StatusCode::UNPROCESSABLE_ENTITY if left_out => Got::InputRefused,
        StatusCode::FORBIDDEN => Got::Forbidden,
        StatusCode::NOT_FOUND => Got::NotFound,
        status => Got::Other(format!("{status} marking {marked:?}")),
    }
}

/// The action a route checks, if any.
fn action_of(scope: Scope) -> Option<Action> {
    match scope {
        Scope::Study(action) | Scope::Site(action) | Scope::Subject(action) => Some(action),
        Scope::Public | Scope::LoggedIn => None,
    }
}

/// A refusal's body with the words naming its action taken out: what every forbidden reply to
/// one user through one channel shares, whatever the action (a refusal to show arms among
/// them: no arm, no count).
fn refusal_shape(body: &str, action: Action) -> String {
    let said = web::policy::Denied::Forbidden { action }.to_string();
    body.replace(&said, "(the refusal)")
}

/// Words that would give an arm away: the randomised design's arm codes and labels (the
/// study's title names the drug, so its label alone proves nothing).
const ARM_WORDS: [&str; 3] = ["PBO", "Placebo", "\"LEN\""];

async fn walk(backend: Backend) {
    let study = Study::randomised(backend).await;
    let client = Study::client();
    let mut browsers = BTreeMap::new();
    for (login, _) in USERS {
        let mut browser = Browser::logged_in(&study.app, login).await;
        let token = browser.get("/").await.form_token();
        browsers.insert(login, (browser, token));
    }
    let mut failures = Vec::new();
    let mut requests = 0;
    // Each user's forbidden replies by channel (API or page), as shapes.
    let mut refusals: BTreeMap<(&str, bool), BTreeMap<String, String>> = BTreeMap::new();
    for endpoint in &web::endpoints() {
        // Public routes need no check; logging out would end the session the walk uses.
        if endpoint.scope == Scope::Public || endpoint.path == "/logout" {
            continue;
        }
        for (login, role) in USERS {
            for (own_site, record) in [(true, &study.own), (false, &study.other)] {
                if endpoint.scope == Scope::LoggedIn && !own_site {
                    continue;
                }
                let path = fill(endpoint, record);
                let want = wanted(endpoint, expected(endpoint.scope, role, own_site));
                requests += 1;
                let (got, body) = if is_api(endpoint) {
                    let url = format!("{}{path}", study.app.base);
                    let request = match endpoint.verb {
                        Verb::Get => client.get(url),
                        Verb::Post => client
                            .post(url)
                            .header("content-type", "application/json")
                            .body(api_body(endpoint, record, requests)),
                    };
                    let reply = request
                        .bearer_auth(&study.tokens[login])
                        .send()
                        .await
                        .expect("request");
                    let status = reply.status();
                    let body = reply.text().await.expect("body");
                    (api_got(status, &body), body)
                } else {
                    let (browser, token) = browsers.get_mut(login).expect("browser");
                    let reply = match endpoint.verb {
                        Verb::Get => browser.get(&path).await,
                        Verb::Post => {
                            let token = token.clone();
                            browser
                                .post(&path, &[("csrf", &token), ("site", record.site)], &[])
                                .await
                        }
                    };
                    (page_got(&reply), reply.body)
                };
                if let (Got::Forbidden, Some(action)) = (&got, action_of(endpoint.scope)) {
                    let shape = refusal_shape(&body, action);
                    if let Some(word) = ARM_WORDS.iter().find(|word| shape.contains(**word)) {
                        failures.push(format!("{path} as {login}: the refusal shows {word}"));
                    }
                    refusals
                        .entry((login, is_api(endpoint)))
                        .or_default()
                        .entry(shape)
                        .or_insert(path.clone());
                }
                if got != want {
                    failures.push(format!(
                        "{:?} {path} as {login} ({} site): got {got:?}, expected {want:?}",
                        endpoint.verb,
                        if own_site { "own" } else { "other" }
                    ));
                }
            }
        }
    }
    for ((login, api), shapes) in &refusals {
        if shapes.len() > 1 {
            failures.push(format!(
                "{login}'s forbidden {} replies differ beyond the action's words: {:?}",
                if *api { "API" } else { "page" },
                shapes.values().collect::<Vec<_>>()
            ));
        }
    }
    assert!(requests > 100, "the matrix walked only {requests} requests");
    assert!(
        failures.is_empty(),
        "{} of {requests} requests disagree with the policy:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_endpoint_x_role_x_site_follows_the_policy_sqlite() {
    walk(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_endpoint_x_role_x_site_follows_the_policy_postgres() {
    walk(Backend::Postgres).await;
}

/// Without credentials, or with the other kind: a token never opens a page and a session cookie
/// never authenticates the API.
#[tokio::test]
async fn each_kind_of_credential_opens_only_its_own_door() {
    let study = Study::new(Backend::Sqlite).await;
    let client = Study::client();
    let mut browser = Browser::logged_in(&study.app, "inv_a").await;
    let session = browser.session().expect("session").to_owned();
    let token = &study.tokens["inv_a"];
    for endpoint in &web::endpoints() {
        if matches!(endpoint.scope, Scope::Public) {
            continue;
        }
        let url = format!("{}{}", study.app.base, fill(endpoint, &study.own));
        let method = endpoint.verb.method();
        let cookie = format!("{}={session}", crate::support::SESSION);
        let attempts = [
            ("nothing", client.request(method.clone(), &url)),
            (
                "the other credential",
                if is_api(endpoint) {
                    client
                        .request(method.clone(), &url)
                        .header("cookie", &cookie)
                } else {
                    client.request(method.clone(), &url).bearer_auth(token)
                },
            ),
        ];
        for (what, request) in attempts {
            let reply = request.body("{}").send().await.expect("request");
            let refused = if is_api(endpoint) {
                reply.status() == StatusCode::UNAUTHORIZED
            } else {
                // A page without a session goes to the login page (a POST may be refused as a
                // form without its token first).
                let location = reply.headers().get("location").map(|v| v.as_bytes());
                location.is_some_and(|location| location.starts_with(b"/login?next="))
                    || reply.status() == StatusCode::FORBIDDEN
            };
            assert!(
                refused,
                "{:?} {} with {what}: {}",
                endpoint.verb,
                endpoint.path,
                reply.status()
            );
        }
    }
    // The browser's own session still opens its pages.
    assert_eq!(browser.get("/subjects/A-001").await.status, StatusCode::OK);
}

/// A 422 counts as allowed only when it names an input the matrix left out.
#[test]
fn a_422_is_allowed_only_when_it_names_the_missing_input() {
    let api = |body: &str| api_got(StatusCode::UNPROCESSABLE_ENTITY, body);
    assert_eq!(
        api(r#"{"error":"invalid","field":"version","message":"is required"}"#),
        Got::InputRefused
    );
    for refusal in [
        r#"{"error":"invalid","field":"waiver","message":"only an investigator may waive"}"#,
        r#"{"error":"invalid","field":"","message":"is required"}"#,
        r#"{"error":"forbidden","message":"is required"}"#,
    ] {
        assert!(matches!(api(refusal), Got::Other(_)), "{refusal}");
    }
    let page = |body: &str| {
        page_got(&Reply {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            headers: reqwest::header::HeaderMap::new(),
            body: body.to_owned(),
            bytes: body.as_bytes().to_vec(),
        })
    };
    for refused in [
        r#"<input id="name" name="name" type="text" value="" aria-invalid="true">"#,
        "<main><h1>Not saved</h1><p>Query 1: enter the answer before sending it.</p></main>",
    ] {
        assert_eq!(page(refused), Got::InputRefused, "{refused}");
    }
    for unexplained in [
        r#"<select id="site" name="site" aria-invalid="true">"#,
        r#"<input name="date" aria-invalid="true"><input name="csrf" aria-invalid="true">"#,
        "<main><h1>Subject A-001</h1></main>",
    ] {
        assert!(matches!(page(unexplained), Got::Other(_)), "{unexplained}");
    }
}

#[track_caller]
fn check(scope: Scope, role: Option<Role>, own_site: bool, expect: Expect) {
    assert_eq!(
        expected(scope, role, own_site),
        expect,
        "{scope:?} {role:?} own={own_site}"
    );
}

/// The expectation itself, on both sides of each rule.
#[test]
fn the_expectation_follows_the_site_rules() {
    use Expect::*;
    let read = Scope::Subject(Action::ReadSubject);
    let sign = Scope::Subject(Action::Sign);
    check(read, Some(Role::Coordinator), true, Allow);
    check(read, Some(Role::Coordinator), false, NotFound);
    check(read, Some(Role::Statistician), false, Allow);
    check(read, None, true, NotFound);
    check(sign, Some(Role::Investigator), true, Allow);
    check(sign, Some(Role::Investigator), false, NotFound);
    check(sign, Some(Role::Coordinator), true, Forbidden);
    check(sign, Some(Role::Statistician), false, Forbidden);
    let screen = Scope::Site(Action::Screen);
    check(screen, Some(Role::Coordinator), false, NotFound);
    check(screen, Some(Role::Monitor), true, Forbidden);
    check(screen, None, true, NotFound);
    check(Scope::Study(Action::ManageUsers), None, true, Allow);
    check(
        Scope::Study(Action::ManageUsers),
        Some(Role::Investigator),
        true,
        Forbidden,
    );
    check(Scope::LoggedIn, None, true, Allow);
}

/// The minimum necessary (issue 15, item 11): a statistician sees the age at screening, not the
/// birth date, and no staff names, on the pages and in the API; the other roles see both.
#[tokio::test]
async fn a_statistician_sees_the_age_not_the_birth_date_nor_staff_names() {
    let study = Study::new(Backend::Sqlite).await;
    let store = &study.app.store;
    let coordinator = store
        .authenticate("coord_a", &password())
        .await
        .expect("coordinator");
    let data = store::SubjectData {
        site: "A".into(),
        code: "A-002".into(),
        sex: store::Sex::Female,
        birth: store::BirthOrAge::BirthDate(jiff::civil::date(1980, 5, 17)),
        subtype: None,
        screening_date: jiff::civil::date(2025, 1, 10),
        consent_date: Some(jiff::civil::date(2025, 1, 6)),
        enrolment_date: Some(jiff::civil::date(2025, 1, 20)),
    };
    let subject = store::testing::enrolled(store, &coordinator, &data)
        .await
        .expect("subject");
    let visit = store
        .add_visit(
            &coordinator,
            subject.id,
            &VisitData {
                name: "Baseline".into(),
                planned_date: None,
                actual_date: Some(jiff::civil::date(2025, 1, 20)),
            },
        )
        .await
        .expect("visit");
    let investigator = store
        .authenticate("inv_a", &password())
        .await
        .expect("investigator");
    store
        .sign_visit(
            &investigator,
            visit.id,
            visit.version,
            &password(),
            store::Meaning::Review,
        )
        .await
        .expect("signed");
    let client = Study::client();
    for (login, sees) in [("stat_a", false), ("coord_a", true), ("monitor_a", true)] {
        let text = client
            .get(format!("{}/api/v1/subjects/A-002", study.app.base))
            .bearer_auth(&study.tokens[login])
            .send()
            .await
            .expect("read")
            .text()
            .await
            .expect("body");
        let reply: serde_json::Value = serde_json::from_str(&text).expect("json");
        let expect = if sees {
            (serde_json::json!("1980-05-17"), serde_json::Value::Null)
        } else {
            (serde_json::Value::Null, serde_json::json!(44))
        };
        assert_eq!(
            (reply["birth_date"].clone(), reply["age_years"].clone()),
            expect,
            "{login}"
        );
        let mut browser = Browser::logged_in(&study.app, login).await;
        let page = browser.get("/subjects/A-002").await;
        assert_eq!(page.status, StatusCode::OK, "{login}");
        assert_eq!(page.body.contains("1980-05-17"), sees, "{login}");
        assert!(
            page.body.contains("Age above 18 years: 44 years"),
            "{login}: the checklist's age reason"
        );
        assert_eq!(
            page.body.contains("(born 1980-05-17, at screening on"),
            sees,
            "{login}: the birth date in the age reason"
        );
        assert!(page.body.contains("44"), "{login}: the age is shown");
        assert_eq!(page.body.contains("Record history"), sees, "{login}");
        let visit_page = browser
            .get(&format!("/subjects/A-002/visits/{}", visit.id))
            .await;
        assert_eq!(visit_page.body.contains("Dr inv_a"), sees, "{login}");
        assert!(visit_page.body.contains("Signed by"), "{login}");
    }
}
