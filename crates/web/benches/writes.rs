//! Durable visit saves per second through the HTTP API (issue 8), beside the raw SQLite rate.
//!
//! A "visit save" is what a coordinator does when the visit's CLASI form is complete: one
//! `POST /api/v1/subjects/{code}/visits/{visit}/clasi` with the filled form (the visit itself was
//! scheduled beforehand). It is acknowledged with 201 only after the commit is on disk (SQLite
//! WAL, synchronous=FULL). The real server runs on 127.0.0.1:0 over a fresh SQLite file in a
//! temporary directory (on the disk `TMPDIR` names: it must not be tmpfs); K clients (1, 8, 64)
//! each send saves one after the other over a kept-alive connection, with one coordinator's
//! API token. Then, in the same directory, one-row durable transactions straight on SQLite with
//! the same pragmas, one after the other and from K tasks.
//!
//! Run with `cargo bench -p web --bench writes` (prints a Markdown table; `WRITES_SCALE=0.1`
//! runs a tenth of the saves, `WRITES_CLIENTS=64` one level).

use std::time::{Duration, Instant};

use jiff::civil::date;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use store::testing::TestDb;
use store::{
    Backend, BirthOrAge, NewStudy, NewUser, Password, Role, Sex, Store, SubjectData, VisitData,
};

const CLIENTS: [usize; 3] = [1, 8, 64];
/// Scheduled visits per subject; a client that saves more than this returns to its first visit
/// (a second CLASI at a visit is allowed and costs the same).
const VISITS: usize = 100;
const CLASI: &str = include_str!("../../../examples/clasi/patient-12-baseline.json");

/// Saves per level: enough for the rate to settle, at every level.
fn saves(clients: usize) -> usize {
    let scale: f64 = std::env::var("WRITES_SCALE")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1.0);
    ((400.max(100 * clients)) as f64 * scale).ceil() as usize
}

/// The client counts to run: `WRITES_CLIENTS=64` (comma-separated) runs only those, for a
/// profile of one level.
fn levels() -> Vec<usize> {
    std::env::var("WRITES_CLIENTS")
        .ok()
        .map(|text| {
            text.split(',')
                .map(|n| {
                    n.trim()
                        .parse()
                        .expect("WRITES_CLIENTS: numbers of clients")
                })
                .filter(|n| (1..=CLIENTS[CLIENTS.len() - 1]).contains(n))
                .collect()
        })
        .unwrap_or_else(|| CLIENTS.to_vec())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

/// The study: one site, a coordinator with a token, one subject per client with its visits
/// scheduled. Returns the store and the token.
async fn study(db: &TestDb) -> (Store, String) {
    let password = Password::new("correct horse battery").expect("password");
    let (store, admin) = Store::init(
        db.url(),
        &NewStudy {
            code: "BENCH".into(),
            title: "Write benchmark".into(),
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
    let coordinator = NewUser {
        login: "coord".into(),
        printed_name: "Coordinator".into(),
    };
    store
        .add_user(&admin, &coordinator, &password)
        .await
        .expect("user");
    store
        .grant(&admin, "coord", "A", Role::Coordinator)
        .await
        .expect("grant");
    let (_, token) = web::issue_token(
        &store,
        &admin,
        "coord",
        "bench",
        store::default_token_expiry(),
    )
    .await
    .expect("token");
    let actor = store.authenticate("coord", &password).await.expect("login");
    let mut batch = store.batch(&actor, None).await.expect("batch");
    for n in 0..CLIENTS[CLIENTS.len() - 1] {
        let subject = store::testing::enrolled_in(
            &mut batch,
            &SubjectData {
                site: "A".into(),
                code: format!("A-{n:03}"),
                sex: Sex::Female,
                birth: BirthOrAge::AgeYears(45),
                subtype: None,
                screening_date: date(2025, 1, 10),
                consent_date: Some(date(2025, 1, 6)),
                enrolment_date: Some(date(2025, 1, 20)),
            },
        )
        .await
        .expect("subject");
        for week in 0..VISITS {
            batch
                .add_visit(
                    subject.id,
                    &VisitData {
                        name: format!("week {week}"),
                        planned_date: None,
                        actual_date: None,
                    },
                )
                .await
                .expect("visit");
        }
    }
    batch.commit().await.expect("commit");
    (store, token)
}

/// The visit ids of subject `A-{n}`, read through the API as a script would.
async fn visits(client: &reqwest::Client, base: &str, token: &str, n: usize) -> Vec<i64> {
    let text = client
        .get(format!("{base}/api/v1/subjects/A-{n:03}/visits"))
        .bearer_auth(token)
        .send()
        .await
        .expect("visits")
        .text()
        .await
        .expect("visits body");
    let reply: serde_json::Value = serde_json::from_str(&text).expect("visits JSON");
    reply
        .as_array()
        .expect("visit list")
        .iter()
        .map(|visit| visit["id"].as_i64().expect("visit id"))
        .collect()
}

/// What one level measured.
struct Level {
    saves: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Level {
    fn rate(&self) -> f64 {
        self.saves as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q` quantile (nearest rank) of the latencies, in milliseconds.
    fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1].as_secs_f64() * 1e3
    }
}

/// `clients` clients, each saving CLASI forms at its own subject's visits one after another.
async fn api_level(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    visit_ids: &[Vec<i64>],
    clients: usize,
    total: usize,
) -> Level {
    let per_client = total.div_ceil(clients);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            let client = client.clone();
            let token = token.to_owned();
            let ids = visit_ids[n].clone();
            let base = base.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_client);
                for i in 0..per_client {
                    let body = format!(r#"{{"assessed_on": "2025-02-01", "clasi": {CLASI}}}"#);
                    let sent = Instant::now();
                    let reply = client
                        .post(format!(
                            "{base}/api/v1/subjects/A-{n:03}/visits/{}/clasi",
                            ids[i % ids.len()]
                        ))
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .expect("save");
                    let status = reply.status();
                    let text = reply.text().await.expect("reply");
                    assert_eq!(status, reqwest::StatusCode::CREATED, "{text}");
                    latencies.push(sent.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client"));
    }
    Level {
        saves: latencies.len(),
        elapsed: started.elapsed(),
        latencies,
    }
}

/// One-row durable transactions straight on SQLite (WAL, synchronous=FULL, BEGIN IMMEDIATE as
/// the store's writer does) from `clients` tasks; transactions per second.
async fn raw_sqlite(dir: &std::path::Path, clients: usize) -> f64 {
    let path = dir.join(format!("raw-{clients}.db"));
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(clients as u32)
        .connect_with(options)
        .await
        .expect("raw sqlite");
    sqlx::query("CREATE TABLE sample (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&pool)
        .await
        .expect("table");
    let per_client = saves(clients).div_ceil(clients);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                for _ in 0..per_client {
                    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
                    sqlx::query("INSERT INTO sample (body) VALUES ('one row')")
                        .execute(&mut *tx)
                        .await
                        .expect("insert");
                    tx.commit().await.expect("commit");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("raw client");
    }
    let rate = (per_client * clients) as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    rate
}

fn main() {
    // `cargo bench` passes `--bench`; this benchmark takes no arguments of its own.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let db = TestDb::new(Backend::Sqlite);
    let dir = db.dir().expect("SQLite directory").to_owned();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS[CLIENTS.len() - 1])
        .build()
        .expect("client");
    runtime.block_on(async {
        let (store, token) = study(&db).await;
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
        let mut visit_ids = Vec::new();
        for n in 0..CLIENTS[CLIENTS.len() - 1] {
            visit_ids.push(visits(&client, &base, &token, n).await);
        }
        println!("database: {}", dir.display());
        println!(
            "| clients | saves | saves/s | p50 ms | p99 ms | raw SQLite tx/s (same K) | load average |"
        );
        println!("|---|---|---|---|---|---|---|");
        // Warm-up: connections, statement caches, the page cache.
        api_level(&client, &base, &token, &visit_ids, 8, 200).await;
        for clients in levels() {
            let before = load_average();
            let level = api_level(&client, &base, &token, &visit_ids, clients, saves(clients)).await;
            let raw = raw_sqlite(&dir, clients).await;
            println!(
                "| {clients} | {} | {:.0} | {:.1} | {:.1} | {raw:.0} | {before} -> {} |",
                level.saves,
                level.rate(),
                level.quantile(0.50),
                level.quantile(0.99),
                load_average(),
            );
        }
    });
}
