//! `cletrial demo`: the published cohort entered into a fresh record (twice: the second run
//! changes nothing), checked against the paper's tables and the audit trail; and the web
//! application it serves.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use ::store::testing::TestDb;
use ::store::{Backend, Password, Store};
use analysis::published::{Cohort, Outcome};

use crate::support::{Run, serving};

/// Runs `cletrial ARGS` without a terminal or password variables.
fn run(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cletrial"))
        .args(args)
        .env_remove("CLETRIAL_PASSWORD")
        .stdin(Stdio::null())
        .output()
        .expect("cletrial runs");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn verify(db: &str) -> serde_json::Value {
    let json = run(&["audit", "verify", "--db", db]).ok_json();
    assert_eq!(json["ok"], true, "{json}");
    json
}

/// The demo's password for `login`, as printed.
pub fn password_of(demo: &serde_json::Value, login: &str) -> String {
    demo["logins"]
        .as_array()
        .and_then(|logins| logins.iter().find(|l| l["login"] == login))
        .and_then(|l| l["password"].as_str())
        .unwrap_or_else(|| panic!("no password for {login}: {demo}"))
        .to_owned()
}

fn demo_twice_then_verify(backend: Backend) {
    let db = TestDb::new(backend);
    let url = db.url_text();
    let first = run(&["demo", "--no-serve", "--db", url]).ok_json();
    assert_eq!(first["created"], true, "{first}");
    let after_first = verify(url);

    // What the paper's tables say the record must hold.
    let cohort = Cohort::shipped().expect("published tables");
    let counts = &first["counts"];
    let count = |key: &str| {
        counts[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {counts}"))
    };
    let of = |outcome: Outcome| {
        cohort
            .response
            .iter()
            .filter(|r| r.clinical_outcome == outcome)
            .count() as u64
    };
    assert_eq!(count("subjects"), cohort.baseline.len() as u64);
    assert_eq!(count("complete_responses"), of(Outcome::CompleteResponse));
    assert_eq!(count("stopped"), of(Outcome::Withdrawn));
    let relapsed = cohort
        .response
        .iter()
        .filter(|r| r.relapse == Some(true))
        .count() as u64;
    assert_eq!(count("relapsed"), relapsed);
    assert_eq!(count("adverse_events"), cohort.adverse_events.len() as u64);
    // One decision per visit; the treated patients were seen for months.
    assert_eq!(count("decisions"), count("visits"));
    assert!(count("visits") > 15 * 8, "{counts}");
    assert!(count("dose_periods") >= 15, "{counts}");
    assert_eq!(count("labs"), 1, "patient 15's neutropenia: {counts}");

    // One login per role, each password printed once and good for logging in.
    let logins = first["logins"].as_array().expect("logins");
    assert_eq!(logins.len(), 1 + ::store::Role::ALL.len(), "{first}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = Store::open(db.url()).await.expect("opens");
        for login in logins {
            let name = login["login"].as_str().expect("login");
            let password = password_of(&first, name);
            assert!(password.len() >= Password::MIN_CHARS, "{password}");
            let typed = Password::typed(&password).expect("typed");
            store
                .authenticate(name, &typed)
                .await
                .expect("authenticates");
        }
        store.close().await;
    });

    // Again on the same record: reused, nothing written, no password printed.
    let second = run(&["demo", "--no-serve", "--db", url]).ok_json();
    assert_eq!(second["created"], false, "{second}");
    assert_eq!(second["counts"], first["counts"]);
    assert!(
        second["logins"]
            .as_array()
            .expect("logins")
            .iter()
            .all(|login| login.get("password").is_none()),
        "{second}"
    );
    assert_eq!(verify(url)["events"], after_first["events"]);
}

fn a_record_of_another_study_is_refused(backend: Backend) {
    let db = TestDb::new(backend);
    let dir = tempfile::tempdir().expect("temp dir");
    let protocol = dir.path().join("other.toml");
    std::fs::write(&protocol, store::testing::PROTOCOL).expect("protocol file");
    let output = Command::new(env!("CARGO_BIN_EXE_cletrial"))
        .args([
            "init",
            "--protocol",
            protocol.to_str().expect("utf-8"),
            "--db",
            db.url_text(),
        ])
        .env("CLETRIAL_PASSWORD", "correct horse battery")
        .output()
        .expect("init runs");
    assert!(output.status.success(), "{output:?}");
    let line = run(&["demo", "--no-serve", "--db", db.url_text()]).input_error("--db");
    assert!(line.contains("holds the study 'other'"), "{line}");
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(::store::Backend::Sqlite);
                }
                #[test]
                fn postgres() {
                    super::$name(::store::Backend::Postgres);
                }
            }
        )*
    };
}

/// The sister studies' demos: each a synthetic cohort that says so, entered through the same
/// commands (the thalidomide cohort's decisions come back from its record; the paediatric charts
/// are enrolled by chart review with consent waived and prednisone at the published mean).
fn each_sister_study_has_its_demo(backend: Backend) {
    for (study, subjects) in [("thalidomide-cohort", 60), ("pediatric-review", 10)] {
        let db = TestDb::new(backend);
        let url = db.url_text();
        let first = run(&["demo", "--study", study, "--no-serve", "--db", url]).ok_json();
        assert_eq!(first["created"], true, "{first}");
        assert_eq!(first["counts"]["subjects"], subjects, "{first}");
        assert!(
            first["title"]
                .as_str()
                .unwrap_or_default()
                .contains("SYNTHETIC"),
            "{first}"
        );
        let events = verify(url)["events"].clone();
        let second = run(&["demo", "--study", study, "--no-serve", "--db", url]).ok_json();
        assert_eq!(second["created"], false, "{second}");
        assert_eq!(verify(url)["events"], events);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let store = Store::open(db.url()).await.expect("opens");
            let protocol = store.protocol().await.expect("protocol");
            let mut prednisone_at_start = Vec::new();
            for subject in store.subjects().await.expect("subjects") {
                let record = store.clinical_record(subject.id).await.expect("record");
                if study == "pediatric-review" {
                    assert!(subject.consent_waived, "{subject:?}");
                    let index = subject
                        .data
                        .enrolment_date
                        .expect("enrolled by chart review");
                    let conmeds: Vec<_> = record.conmeds.iter().map(|c| c.data.clone()).collect();
                    let drug = instruments::medication::Drug::find("prednisone").expect("drug");
                    match ::store::daily_dose(&conmeds, drug, index) {
                        ::store::DailyDose::Mg(mg) => prednisone_at_start.push(mg),
                        other => panic!("{other:?}"),
                    }
                    continue;
                }
                // The record gives back the engine's last stored decision.
                let stored = store
                    .records_of::<::store::ProtocolDecision>(subject.id)
                    .await
                    .expect("decisions");
                let last = stored
                    .iter()
                    .max_by_key(|d| (d.data.decided_on, d.id))
                    .expect("a decision");
                let decided = record
                    .decide(&protocol, last.data.decided_on)
                    .unwrap_or_else(|why| panic!("{}: {why}", subject.data.code));
                let kept: serde_json::Value =
                    serde_json::from_str(&last.data.explanation).expect("explanation");
                // The dose it asked for; its action ("taper", "withdraw") was taken before the
                // dose change the same visit recorded, which the record now holds.
                assert_eq!(kept["dose"], decided.dose, "{}", subject.data.code);
            }
            if study == "pediatric-review" {
                let mean = prednisone_at_start.iter().sum::<f64>() / 10.0;
                assert!((mean - 23.5).abs() < 1e-9, "{prednisone_at_start:?}");
            }
            store.close().await;
        });
    }
}

both_backends!(
    demo_twice_then_verify,
    a_record_of_another_study_is_refused,
    each_sister_study_has_its_demo,
);

#[test]
fn the_demo_serves_its_login_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    let (_served, address) = serving(&[
        "demo",
        "--db",
        db.to_str().expect("utf-8"),
        "--bind",
        "127.0.0.1:0",
    ]);
    let mut stream = TcpStream::connect(&address).expect("connects");
    write!(
        stream,
        "GET /login HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("request sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("<form"), "{response}");
}
