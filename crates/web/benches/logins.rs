//! Another user's requests while passwords are checked (issue 15, item 4: 100 concurrent logins
//! and 40 signature attempts while another user's reads and writes stay under 100 ms p99).
//!
//! A real server on 127.0.0.1 over a fresh study, on SQLite and on PostgreSQL. The load: 100
//! logins with the right password (100 accounts, all posted at once) and 40 signature attempts
//! through the API (40 investigators, a wrong password each, so each is checked and none is
//! throttled). Meanwhile a coordinator's script reads the subject and adds a lab result, one
//! request after the other, until the load is done; its latencies are reported. Run with
//! `cargo bench -p web --bench logins`.

mod support;

use std::time::{Duration, Instant};

use jiff::civil::date;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;
use store::testing::TestDb;
use store::{Backend, BirthOrAge, NewStudy, NewUser, Password, Role, Sex, Store, SubjectData};

const PASSWORD: &str = "correct horse battery";
const LOGINS: usize = 100;
const ACCOUNTS: usize = 100;
const SIGNERS: usize = 40;

struct Study {
    base: String,
    coordinator: String,
    signers: Vec<String>,
    visit: i64,
    version: i64,
}

async fn study(db: &TestDb) -> Study {
    let password = Password::new(PASSWORD).expect("password");
    let (store, admin) = Store::init(
        db.url(),
        &NewStudy {
            code: "BENCH".into(),
            title: "Login benchmark".into(),
            protocol_text: include_str!("../../../protocols/nct01408199.toml").into(),
        },
        &NewUser {
            login: "admin".into(),
            printed_name: "Admin".into(),
        },
        &password,
    )
    .await
    .expect("init");
    store.add_site(&admin, "A", "Site A").await.expect("site");
    let add = async |login: String, role: Role| {
        let user = NewUser {
            login: login.clone(),
            printed_name: login.clone(),
        };
        store
            .add_user(&admin, &user, &password)
            .await
            .expect("user");
        store.grant(&admin, &login, "A", role).await.expect("grant");
        let (_, token) = web::issue_token(
            &store,
            &admin,
            &login,
            "bench",
            store::default_token_expiry(),
        )
        .await
        .expect("token");
        token
    };
    let coordinator = add("coord".into(), Role::Coordinator).await;
    for n in 0..ACCOUNTS {
        add(format!("user_{n}"), Role::Coordinator).await;
    }
    let mut signers = Vec::new();
    for n in 0..SIGNERS {
        signers.push(add(format!("inv_{n}"), Role::Investigator).await);
    }
    let investigator = store.authenticate("inv_0", &password).await.expect("inv");
    let mut batch = store.batch(&investigator, None).await.expect("batch");
    let subject = store::testing::enrolled_in(
        &mut batch,
        &SubjectData {
            site: "A".into(),
            code: "A-001".into(),
            sex: Sex::Female,
            birth: BirthOrAge::AgeYears(45),
            subtype: None,
            screening_date: date(2025, 1, 10),
            consent_date: Some(date(2025, 1, 6)),
            enrolment_date: Some(date(2025, 1, 20)),
        },
        &[],
    )
    .await
    .expect("subject");
    let visit = batch
        .add_visit(
            subject.id,
            &store::VisitData {
                name: "Baseline".into(),
                planned_date: Some(date(2025, 1, 20)),
                actual_date: Some(date(2025, 1, 20)),
            },
        )
        .await
        .expect("visit");
    batch.commit().await.expect("commit");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(web::serve(
        listener,
        web::router(store, web::Config::default()),
        web::Limits::default(),
        std::future::pending(),
    ));
    Study {
        base,
        coordinator,
        signers,
        visit: visit.id,
        version: visit.version,
    }
}

/// The load, all posted at once; returns when every login and signature attempt has been
/// answered. `forms` are the login forms, fetched before.
async fn load(client: &reqwest::Client, study: &Study, forms: Vec<(String, String)>) {
    let mut tasks = Vec::new();
    for (n, (cookie, token)) in forms.into_iter().enumerate() {
        let (client, base) = (client.clone(), study.base.clone());
        tasks.push(tokio::spawn(async move {
            let reply = client
                .post(format!("{base}/login"))
                .header(COOKIE, cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!(
                    "login=user_{}&password={}&csrf={token}",
                    n % ACCOUNTS,
                    PASSWORD.replace(' ', "+")
                ))
                .send()
                .await
                .expect("login");
            assert!(reply.status().is_redirection(), "{}", reply.status());
        }));
    }
    for token in &study.signers {
        let (client, token) = (client.clone(), token.clone());
        let path = format!(
            "{}/api/v1/subjects/A-001/visits/{}/signatures",
            study.base, study.visit
        );
        let body = json!({"version": study.version, "meaning": "review", "password": "not it"});
        tasks.push(tokio::spawn(async move {
            let reply = client
                .post(path)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await
                .expect("sign");
            assert_eq!(reply.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
}

/// The coordinator's requests, one after the other, until `done`: (reads, writes) latencies.
async fn other_user(
    client: &reqwest::Client,
    study: &Study,
    done: &tokio::sync::watch::Receiver<bool>,
) -> (Vec<Duration>, Vec<Duration>) {
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    let api = format!("{}/api/v1/subjects/A-001", study.base);
    let lab = json!({"collected_on": "2025-01-20", "test": "platelets", "value": "250", "unit": "10^9/L"})
        .to_string();
    while !*done.borrow() {
        let started = Instant::now();
        let reply = client
            .get(&api)
            .bearer_auth(&study.coordinator)
            .send()
            .await
            .expect("read");
        assert_eq!(reply.status(), StatusCode::OK);
        reads.push(started.elapsed());
        let started = Instant::now();
        let reply = client
            .post(format!("{api}/visits/{}/labs", study.visit))
            .bearer_auth(&study.coordinator)
            .header("content-type", "application/json")
            .body(lab.clone())
            .send()
            .await
            .expect("write");
        assert_eq!(reply.status(), StatusCode::CREATED);
        writes.push(started.elapsed());
    }
    (reads, writes)
}

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let index = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
    times[index].as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "backend     round  load s  reads  p50 ms  p99 ms  max ms  writes  p50 ms  p99 ms  max ms"
    );
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend);
        runtime.block_on(async {
            let study = study(&db).await;
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            for round in 1..=3 {
                let mut forms = Vec::new();
                for _ in 0..LOGINS {
                    forms.push(support::login_form(&client, &study.base).await);
                }
                let (tell, done) = tokio::sync::watch::channel(false);
                let started = Instant::now();
                let (_, (mut reads, mut writes)) = tokio::join!(
                    async {
                        load(&client, &study, forms).await;
                        tell.send(true).expect("watch");
                    },
                    other_user(&client, &study, &done)
                );
                println!(
                    "{:<10}  {round:>5}  {:>6.2}  {:>5}  {:>6.1}  {:>6.1}  {:>6.1}  {:>6}  {:>6.1}  {:>6.1}  {:>6.1}",
                    format!("{backend:?}"),
                    started.elapsed().as_secs_f64(),
                    reads.len(),
                    percentile(&mut reads, 0.5),
                    percentile(&mut reads, 0.99),
                    percentile(&mut reads, 1.0),
                    writes.len(),
                    percentile(&mut writes, 0.5),
                    percentile(&mut writes, 0.99),
                    percentile(&mut writes, 1.0),
                );
            }
        });
    }
}
