//! Page render time with 1,000 subjects in the study (issue 6: under 50 ms server time).
//!
//! One SQLite study (two sites, 500 subjects each, every one enrolled with a baseline visit and a
//! CLASI), served on 127.0.0.1; each iteration is one logged-in GET over loopback, so the time is
//! the server's work plus a local round trip. Run with `cargo bench -p web --bench pages`.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use store::testing::TestDb;
use store::{
    Backend, BirthOrAge, ClasiAssessment, NewStudy, NewUser, Password, Role, Sex, Store,
    SubjectData, VisitData,
};

const SUBJECTS: usize = 1_000;
const PASSWORD: &str = "correct horse battery";

/// The study, seeded in one batch per site.
async fn study(db: &TestDb) -> Store {
    let password = Password::new(PASSWORD).expect("password");
    let (store, admin) = Store::init(
        db.url(),
        &NewStudy {
            code: "BENCH".into(),
            title: "Page benchmark".into(),
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
    for site in ["A", "B"] {
        store.add_site(&admin, site, site).await.expect("site");
        let login = format!("inv_{site}");
        let user = NewUser {
            login: login.clone(),
            printed_name: login.clone(),
        };
        store
            .add_user(&admin, &user, &password)
            .await
            .expect("user");
        store
            .grant(&admin, &login, site, Role::Investigator)
            .await
            .expect("grant");
        let investigator = store.authenticate(&login, &password).await.expect("login");
        let mut batch = store.batch(&investigator, None).await.expect("batch");
        for n in 0..SUBJECTS / 2 {
            let subject = store::testing::enrolled_in(
                &mut batch,
                &SubjectData {
                    site: site.into(),
                    code: format!("{site}-{n:04}"),
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
                    &VisitData {
                        name: "Baseline".into(),
                        planned_date: Some(date(2025, 1, 20)),
                        actual_date: Some(date(2025, 1, 20)),
                    },
                )
                .await
                .expect("visit");
            batch
                .add_record(&ClasiAssessment {
                    subject_id: subject.id,
                    visit_id: visit.id,
                    assessed_on: date(2025, 1, 20),
                    clasi: instruments::clasi::Clasi::clear(),
                })
                .await
                .expect("clasi");
        }
        batch.commit().await.expect("commit");
    }
    store
}

/// Logs `login` in through the form and returns the session cookie line.
async fn session(client: &reqwest::Client, base: &str, login: &str) -> String {
    let (cookie, token) = support::login_form(client, base).await;
    let reply = client
        .post(format!("{base}/login"))
        .header(COOKIE, cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "login={login}&password={}&csrf={token}",
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .expect("login");
    assert_eq!(
        reply.headers().get(LOCATION).map(|v| v.as_bytes()),
        Some(&b"/"[..])
    );
    reply
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("cletrial_session="))
        .and_then(|value| value.split(';').next())
        .expect("session cookie")
        .to_owned()
}

fn pages(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let db = TestDb::new(Backend::Sqlite);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let (base, cookie) = runtime.block_on(async {
        let store = study(&db).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let app = web::router(store, web::Config::default());
        tokio::spawn(web::serve(
            listener,
            app,
            web::Limits::default(),
            std::future::pending(),
        ));
        let cookie = session(&client, &base, "inv_A").await;
        (base, cookie)
    });
    let mut group = c.benchmark_group("page with 1,000 subjects");
    for (name, path) in [
        ("dashboard", "/"),
        ("subject list", "/subjects"),
        ("subject page", "/subjects/A-0250"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let reply = client
                        .get(format!("{base}{path}"))
                        .header(COOKIE, &cookie)
                        .send()
                        .await
                        .expect("page");
                    assert_eq!(reply.status(), reqwest::StatusCode::OK, "{path}");
                    reply.bytes().await.expect("body")
                })
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = pages
}
criterion_main!(benches);
