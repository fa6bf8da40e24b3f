//! Durable visit saves per second through the HTTP API (issues 8 and 21), on SQLite and on
//! PostgreSQL, beside the raw one-row commit rate of the same database.
//!
//! A "visit save" is what a coordinator does when the visit's CLASI form is complete: one
//! `POST /api/v1/subjects/{code}/visits/{visit}/clasi` with the filled form (the visit itself was
//! scheduled beforehand). It is acknowledged with 201 only after the commit is on disk (SQLite
//! WAL, synchronous=FULL; PostgreSQL with its durable defaults, fsync and synchronous_commit on,
//! on a server of its own from `store::testing`). The real server runs on 127.0.0.1:0 over a
//! fresh database; K clients (1, 8, 64, 256) each send saves one after the other over a
//! kept-alive connection, with one coordinator's API token. Then, on the same database server
//! (SQLite: a file in the same directory, same pragmas), one-row durable transactions from K
//! tasks, each with a connection of its own.
//!
//! CPU per save: user + system time from `/proc/PID/stat` read before and after each level's
//! saves, over the saves. "process" is this process: the server and its clients (HTTP, JSON) and,
//! on SQLite, the database. "postgres" is the PostgreSQL server: its postmaster, the processes it
//! runs (backends, WAL writer, checkpointer) and those it has reaped.
//!
//! Run with `cargo bench -p web --bench writes` (prints a Markdown table per backend).
//! `WRITES_BACKEND=sqlite|postgres|both` (default both), `WRITES_CLIENTS=64` (comma-separated)
//! runs only those levels, `WRITES_SCALE=0.1` a tenth of the saves.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::civil::date;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use store::testing::{TestDb, TestPostgres};
use store::{
    Backend, BirthOrAge, NewStudy, NewUser, Password, Role, Sex, Store, SubjectData, VisitData,
};

const CLIENTS: [usize; 4] = [1, 8, 64, 256];
const MOST_CLIENTS: usize = CLIENTS[CLIENTS.len() - 1];
/// The warm-up's clients and saves.
const WARM_UP: (usize, usize) = (8, 200);
const CLASI: &str = include_str!("../../../examples/clasi/patient-12-baseline.json");
/// The unit of the times in `/proc/PID/stat` (USER_HZ, 100 on Linux whatever the kernel's HZ).
const TICKS_PER_SECOND: f64 = 100.0;

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
                .filter(|n| (1..=MOST_CLIENTS).contains(n))
                .collect()
        })
        .unwrap_or_else(|| CLIENTS.to_vec())
}

/// Visits subject `A-{n}` needs: one per save of the run (client `n` of the warm-up and of every
/// level with more than `n` clients), since the store refuses a second CLASI at a visit.
fn visits_needed(n: usize) -> usize {
    let (warm_clients, warm_saves) = WARM_UP;
    let warm_up = if n < warm_clients {
        warm_saves.div_ceil(warm_clients)
    } else {
        0
    };
    warm_up
        + levels()
            .into_iter()
            .filter(|&clients| clients > n)
            .map(|clients| saves(clients).div_ceil(clients))
            .sum::<usize>()
}

/// The backends to run: `WRITES_BACKEND=sqlite`, `postgres` or `both` (the default).
fn backends() -> Vec<Backend> {
    match std::env::var("WRITES_BACKEND").as_deref() {
        Ok("sqlite") => vec![Backend::Sqlite],
        Ok("postgres") => vec![Backend::Postgres],
        Ok("both") | Err(_) => vec![Backend::Sqlite, Backend::Postgres],
        Ok(other) => panic!("WRITES_BACKEND: sqlite, postgres or both, not {other:?}"),
    }
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

/// Fields of `/proc/PID/stat` after the command name, which may hold spaces: `[1]` is the
/// parent's PID, `[11]` and `[12]` the process's user and system ticks, `[13]` and `[14]` those
/// of its reaped children.
fn stat_fields(pid: &str) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = text.rsplit_once(')')?;
    Some(
        rest.split_whitespace()
            .map(|field| field.parse().unwrap_or(0))
            .collect(),
    )
}

/// CPU ticks (user + system) of this process and, given the postmaster's PID, of the
/// PostgreSQL server.
fn cpu_ticks(postmaster: Option<u64>) -> (u64, Option<u64>) {
    let own = stat_fields("self").map_or(0, |fields| fields[11] + fields[12]);
    let server = postmaster.map(|postmaster| {
        // The postmaster first: a backend that exits after this read is counted with the
        // running ones (it was running), not twice.
        let reaped = stat_fields(&postmaster.to_string()).map_or(0, |fields| {
            fields[11] + fields[12] + fields[13] + fields[14]
        });
        let running: u64 = server_processes(postmaster)
            .iter()
            .map(|fields| fields[11] + fields[12])
            .sum();
        reaped + running
    });
    (own, server)
}

/// The `/proc/PID/stat` fields of the processes the postmaster runs.
fn server_processes(postmaster: u64) -> Vec<Vec<u64>> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|entry| stat_fields(entry.ok()?.file_name().to_str()?))
        .filter(|fields| fields[1] == postmaster)
        .collect()
}

/// Waits (at most 5 s) until the server runs no more processes than `settled`: the backends of
/// closed connections, once reaped, must not count in the next level's CPU.
async fn wait_for_backends(postmaster: Option<u64>, settled: usize) {
    let Some(postmaster) = postmaster else { return };
    for _ in 0..100 {
        if server_processes(postmaster).len() <= settled {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
    for n in 0..MOST_CLIENTS {
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
            &[],
        )
        .await
        .expect("subject");
        for week in 0..visits_needed(n) {
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
    done: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Level {
    fn rate(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q` quantile (nearest rank) of the latencies, in milliseconds.
    fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1].as_secs_f64() * 1e3
    }
}

/// `clients` tasks, each running `total / clients` operations one after another; `operation`
/// is given the client's number.
async fn run_clients<F, Fut>(clients: usize, total: usize, operation: F) -> Level
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let per_client = total.div_ceil(clients);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|n| {
            let operation = operation.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let sent = Instant::now();
                    operation(n).await;
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
        done: latencies.len(),
        elapsed: started.elapsed(),
        latencies,
    }
}

/// Where the clients save: the server, the token, each subject's visits and how many of them
/// have their CLASI.
struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
    visit_ids: Vec<Vec<i64>>,
    saved: Vec<AtomicUsize>,
}

/// `clients` clients, each saving CLASI forms at its own subject's visits one after another.
async fn api_level(api: &Arc<Api>, clients: usize, total: usize) -> Level {
    let api = Arc::clone(api);
    run_clients(clients, total, move |n| {
        let api = Arc::clone(&api);
        async move {
            let visit = api.visit_ids[n][api.saved[n].fetch_add(1, Ordering::Relaxed)];
            let reply = api
                .client
                .post(format!(
                    "{}/api/v1/subjects/A-{n:03}/visits/{visit}/clasi",
                    api.base,
                ))
                .bearer_auth(&api.token)
                .header("content-type", "application/json")
                .body(format!(
                    r#"{{"assessed_on": "2025-02-01", "clasi": {CLASI}}}"#
                ))
                .send()
                .await
                .expect("save");
            let status = reply.status();
            let text = reply.text().await.expect("reply");
            assert_eq!(status, reqwest::StatusCode::CREATED, "{text}");
        }
    })
    .await
}

/// A database for one-row durable transactions beside the store's, one connection per client.
#[derive(Clone)]
enum Raw {
    /// WAL, synchronous=FULL, `BEGIN IMMEDIATE` as the store's writer does.
    Sqlite(SqlitePool),
    /// The server's defaults: READ COMMITTED, synchronous_commit=on.
    Postgres(PgPool),
}

impl Raw {
    async fn open(backend: Backend, dir: &Path, clients: usize) -> Raw {
        let connections = u32::try_from(clients).expect("clients");
        match backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::new()
                    .filename(dir.join(format!("raw-{clients}.db")))
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    // 256 connections waiting in SQLite's busy handler, which sleeps and retries
                    // (unfair: a connection can wait its turn for more than 30 s).
                    .busy_timeout(Duration::from_secs(600));
                let pool = SqlitePoolOptions::new()
                    .max_connections(connections)
                    .connect_with(options)
                    .await
                    .expect("raw sqlite");
                sqlx::query("CREATE TABLE sample (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
                    .execute(&pool)
                    .await
                    .expect("table");
                Raw::Sqlite(pool)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(connections)
                    .connect(TestDb::durable(Backend::Postgres).url_text())
                    .await
                    .expect("raw postgres");
                sqlx::query("CREATE TABLE sample (id bigserial PRIMARY KEY, body text NOT NULL)")
                    .execute(&pool)
                    .await
                    .expect("table");
                Raw::Postgres(pool)
            }
        }
    }

    /// One transaction inserting one row, returned once committed.
    async fn commit_one(&self) {
        const INSERT: &str = "INSERT INTO sample (body) VALUES ('one row')";
        match self {
            Raw::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.expect("begin");
                sqlx::query(INSERT).execute(&mut *tx).await.expect("insert");
                tx.commit().await.expect("commit");
            }
            Raw::Postgres(pool) => {
                let mut tx = pool.begin().await.expect("begin");
                sqlx::query(INSERT).execute(&mut *tx).await.expect("insert");
                tx.commit().await.expect("commit");
            }
        }
    }

    async fn close(self) {
        match self {
            Raw::Sqlite(pool) => pool.close().await,
            Raw::Postgres(pool) => pool.close().await,
        }
    }
}

/// Raw one-row durable transactions from `clients` tasks, as many as the level's saves;
/// transactions per second.
async fn raw_level(backend: Backend, dir: &Path, clients: usize) -> f64 {
    let raw = Raw::open(backend, dir, clients).await;
    let level = {
        let raw = raw.clone();
        run_clients(clients, saves(clients), move |_| {
            let raw = raw.clone();
            async move { raw.commit_one().await }
        })
        .await
    };
    raw.close().await;
    level.rate()
}

/// CPU milliseconds per save between two readings of ticks.
fn per_save(before: u64, after: u64, saves: usize) -> f64 {
    (after - before) as f64 / TICKS_PER_SECOND * 1e3 / saves as f64
}

/// Every level on one backend: a Markdown table.
async fn run(backend: Backend, client: &reqwest::Client) {
    let db = TestDb::durable(backend);
    let (dir, postmaster) = match db.dir() {
        Some(dir) => (dir.to_owned(), None),
        None => {
            let data = TestPostgres::durable().data_dir();
            let pid = std::fs::read_to_string(data.join("postmaster.pid")).expect("postmaster.pid");
            let pid = pid.lines().next().and_then(|line| line.parse().ok());
            (data.to_owned(), Some(pid.expect("postmaster PID")))
        }
    };
    let (store, token) = study(&db).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(web::serve(
        listener,
        web::router(store, web::Config::default()),
        web::Limits::default(),
        async {
            stopped.await.ok();
        },
    ));
    let mut visit_ids = Vec::new();
    for n in 0..MOST_CLIENTS {
        visit_ids.push(visits(client, &base, &token, n).await);
    }
    let api = Arc::new(Api {
        client: client.clone(),
        base,
        token,
        saved: visit_ids.iter().map(|_| AtomicUsize::new(0)).collect(),
        visit_ids,
    });
    println!(
        "\n{backend:?}, database files in {}, from {}",
        dir.display(),
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .expect("time")
    );
    println!(
        "| clients | saves | saves/s | p50 ms | p99 ms | CPU ms/save: process | postgres | raw tx/s (same K) | load average before -> after |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    // Warm-up: connections, statement caches, the page cache.
    api_level(&api, WARM_UP.0, WARM_UP.1).await;
    for clients in levels() {
        let load_before = load_average();
        let (own_before, server_before) = cpu_ticks(postmaster);
        let level = api_level(&api, clients, saves(clients)).await;
        let (own_after, server_after) = cpu_ticks(postmaster);
        let settled = postmaster.map_or(0, |pid| server_processes(pid).len());
        let raw = raw_level(backend, &dir, clients).await;
        wait_for_backends(postmaster, settled).await;
        let server = match (server_before, server_after) {
            (Some(before), Some(after)) => format!("{:.2}", per_save(before, after, level.done)),
            _ => "-".into(),
        };
        println!(
            "| {clients} | {} | {:.0} | {:.1} | {:.1} | {:.2} | {server} | {raw:.0} | {load_before} -> {} |",
            level.done,
            level.rate(),
            level.quantile(0.50),
            level.quantile(0.99),
            per_save(own_before, own_after, level.done),
            load_average(),
        );
    }
    println!(
        "until {}",
        jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .expect("time")
    );
    stop.send(()).ok();
}

fn main() {
    // `cargo bench` passes `--bench`; this benchmark takes no arguments of its own.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(MOST_CLIENTS)
        .build()
        .expect("client");
    for backend in backends() {
        runtime.block_on(run(backend, &client));
    }
}
