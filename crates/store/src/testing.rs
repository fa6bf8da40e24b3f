//! Throwaway databases for tests: a PostgreSQL server started from the installed binaries, and
//! SQLite files in temporary directories. Hermetic: nothing outside the temporary directory is
//! touched, and the server listens on 127.0.0.1 only.
//!
//! The server is started once per test process and stopped, with its data directory removed,
//! when the process exits, however it exits: it runs under a small shell that waits for its
//! standard input to close (the test process's end of the pipe closes with the process).
//! Tests get a server without durability (no fsync: nothing survives a crash, and nothing needs
//! to); benchmarks of durable writes start a second one with PostgreSQL's durable defaults.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::db::{Backend, DbUrl};

/// The three shipped protocols by name, with their text: what a change is tested on.
pub use protocol::shipped::SHIPPED;

/// The lenalidomide trial's shipped protocol, for tests' studies: a study's protocol must load.
pub const PROTOCOL: &str = SHIPPED[0].1;

/// The lenalidomide trial made a hypothetical randomised one: its protocol with the example
/// `[randomisation]` section (two arms 1:1, permuted blocks within subtype and baseline CLASI-A).
pub const RANDOMISED_PROTOCOL: &str = concat!(
    include_str!("../../../protocols/nct01408199.toml"),
    "\n",
    include_str!("../../../examples/protocol/randomisation.toml")
);
/// [`RANDOMISED_PROTOCOL`] with the open-label extension of `examples/protocol/extension.toml`:
/// from day 84, LEN goes on with its course and PBO starts the drug anew.
pub const EXTENDED_PROTOCOL: &str = concat!(
    include_str!("../../../protocols/nct01408199.toml"),
    "\n",
    include_str!("../../../examples/protocol/randomisation.toml"),
    include_str!("../../../examples/protocol/extension.toml")
);
/// Amends a study's protocol to `protocol` (a randomised one: [`RANDOMISED_PROTOCOL`],
/// [`EXTENDED_PROTOCOL`]) before its first enrolment: a study that randomises, whose allocation
/// secret is not registered yet (nobody can be randomised).
pub async fn amend_randomised(
    store: &crate::Store,
    admin: &crate::Actor,
    protocol: &str,
) -> Result<(), crate::StoreError> {
    let version = store.study().await?.version;
    store
        .amend_protocol(admin, version, protocol, "placebo-controlled version")
        .await
        .map(drop)
}

/// Sets a study up as a randomised one under `protocol` before its first enrolment:
/// [`amend_randomised`], then registers the check of `secret` (`store::allocation_check`).
pub async fn make_randomised(
    store: &crate::Store,
    admin: &crate::Actor,
    secret: &protocol::allocation::Secret,
    protocol: &str,
) -> Result<(), crate::StoreError> {
    amend_randomised(store, admin, protocol).await?;
    store
        .register_allocation_check(admin, &secret.check())
        .await
}

/// The `[outcomes]` section of `examples/protocol/outcomes.toml`: appended to [`PROTOCOL`], a
/// test study that collects every outcome instrument.
pub const OUTCOMES: &str = include_str!("../../../examples/protocol/outcomes.toml");

/// [`PROTOCOL`] with [`OUTCOMES`]: the test study that collects every outcome instrument.
pub fn outcomes_protocol() -> String {
    format!("{PROTOCOL}\n{OUTCOMES}")
}

/// A screening record that meets every criterion of [`PROTOCOL`]
/// (`examples/protocol/candidate.json`), without dates: screening takes the subject's own.
pub fn eligible_candidate() -> protocol::eligibility::Candidate {
    let mut candidate: protocol::eligibility::Candidate =
        serde_json::from_str(include_str!("../../../examples/protocol/candidate.json"))
            .expect("the example candidate reads");
    candidate.screening_date = None;
    candidate.birth_date = None;
    candidate
}

/// A PostgreSQL server for this test process.
pub struct TestPostgres {
    port: u16,
    data: PathBuf,
    /// Holds the pipe whose closing stops the server.
    _guard: Mutex<Child>,
}

static SERVER: OnceLock<Result<TestPostgres, String>> = OnceLock::new();
static DURABLE_SERVER: OnceLock<Result<TestPostgres, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(1);

/// The directory holding `initdb` and `postgres`: `$CLETRIAL_PG_BIN`, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian's layout, where they are not on PATH).
fn pg_bin() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("CLETRIAL_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|error| {
            format!(
                "PostgreSQL is not installed in /usr/lib/postgresql ({error}); set CLETRIAL_PG_BIN"
            )
        })?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin; set CLETRIAL_PG_BIN".to_owned())
}

/// Whether this process runs as root (PostgreSQL refuses to run as root).
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// The unprivileged account the server runs as when the tests run as root.
const SERVER_USER: &str = "postgres";

/// A command that runs `program` as [`SERVER_USER`] when we are root.
fn as_server_user(program: &str) -> Command {
    if running_as_root() {
        let mut command = Command::new("setpriv");
        command.args([
            &format!("--reuid={SERVER_USER}"),
            &format!("--regid={SERVER_USER}"),
            "--clear-groups",
            "--",
            program,
        ]);
        command
    } else {
        Command::new(program)
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| error.to_string())?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| error.to_string())
}

impl TestPostgres {
    /// The server of this test process, started on first use: fsync, synchronous_commit and
    /// full_page_writes off, which tests do not need and which cost them time.
    pub fn get() -> &'static TestPostgres {
        match SERVER.get_or_init(|| TestPostgres::start(Durability::Off)) {
            Ok(server) => server,
            Err(message) => panic!("cannot start the test PostgreSQL server: {message}"),
        }
    }

    /// A second server, started on first use, with PostgreSQL's durable defaults (fsync,
    /// synchronous_commit and full_page_writes on) and room for 300 connections: for benchmarks
    /// of durable commits, which open one connection per client beside the store's pool.
    pub fn durable() -> &'static TestPostgres {
        match DURABLE_SERVER.get_or_init(|| TestPostgres::start(Durability::Defaults)) {
            Ok(server) => server,
            Err(message) => panic!("cannot start the durable PostgreSQL server: {message}"),
        }
    }

    /// The server's data directory (for a benchmark: which disk, and `postmaster.pid`).
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    fn start(durability: Durability) -> Result<TestPostgres, String> {
        let bin = pg_bin()?;
        // As root the server runs as another user, who must reach the directory: /tmp is
        // reachable by all, whatever TMPDIR says.
        let parent = if running_as_root() {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = tempfile::Builder::new()
            .prefix("cletrial-pg-")
            .tempdir_in(parent)
            .map_err(|e| e.to_string())?
            .keep();
        if running_as_root() {
            let status = Command::new("chown")
                .arg(SERVER_USER)
                .arg(&dir)
                .status()
                .map_err(|e| e.to_string())?;
            if !status.success() {
                return Err(format!("chown {SERVER_USER} {} failed", dir.display()));
            }
        }
        let data = dir.join("data");
        let initdb = as_server_user(&bin.join("initdb").to_string_lossy())
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "--no-locale",
                "-E",
                "UTF8",
            ])
            .output()
            .map_err(|error| format!("initdb: {error}"))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }
        let port = free_port()?;
        let mut child = as_server_user("sh")
            .arg("-c")
            .arg(SUPERVISOR)
            .arg("supervisor")
            .arg(bin.join("postgres"))
            .arg(&data)
            .arg(port.to_string())
            .arg(&dir)
            .arg(match durability {
                Durability::Off => "-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
                Durability::Defaults => "-c max_connections=300",
            })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| format!("starting postgres: {error}"))?;
        wait_ready(&mut child, &dir)?;
        Ok(TestPostgres {
            port,
            data,
            _guard: Mutex::new(child),
        })
    }

    /// A fresh, empty database on the server.
    pub fn database(&self) -> DbUrl {
        let name = format!("t{}", NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
        let admin = format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        );
        let sql = format!("CREATE DATABASE {name}");
        // Runs on its own thread so it works inside and outside an async runtime.
        let created = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                use sqlx::Connection;
                let mut connection = sqlx::PgConnection::connect(&admin)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&mut connection)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok::<(), String>(())
            })
        })
        .join();
        match created {
            Ok(Ok(())) => {}
            Ok(Err(message)) => panic!("CREATE DATABASE failed: {message}"),
            Err(_) => panic!("CREATE DATABASE panicked"),
        }
        let url = format!(
            "postgres://postgres@127.0.0.1:{}/{name}?sslmode=disable",
            self.port
        );
        DbUrl::parse(&url).unwrap_or_else(|error| panic!("test URL {url}: {error}"))
    }
}

/// What a server gives up for speed.
#[derive(Clone, Copy)]
enum Durability {
    Off,
    Defaults,
}

/// Starts postgres, reports "ready" once it accepts connections, and on end of input (the test
/// process exited) stops it and removes the data directory. Arguments: postgres, data, port, dir,
/// settings (`-c name=value` words).
const SUPERVISOR: &str = r#"
postgres="$1"; data="$2"; port="$3"; dir="$4"; settings="$5"
# $settings unquoted: one word per option.
"$postgres" -D "$data" -p "$port" -c listen_addresses=127.0.0.1 -c unix_socket_directories="$dir" \
    $settings >"$dir/log" 2>&1 &
pid=$!
i=0
while [ $i -lt 600 ]; do
    if grep -q "ready to accept connections" "$dir/log" 2>/dev/null; then echo ready; break; fi
    if ! kill -0 $pid 2>/dev/null; then echo failed; cat "$dir/log"; break; fi
    sleep 0.05; i=$((i + 1))
done
cat >/dev/null
kill -INT $pid 2>/dev/null
wait $pid
rm -rf "$dir"
"#;

fn wait_ready(child: &mut Child, dir: &Path) -> Result<(), String> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .map_err(|e| e.to_string())?;
    // On failure the caller drops `child`, which closes its input: the supervisor cleans up.
    if first.trim() == "ready" {
        Ok(())
    } else {
        Err(format!(
            "postgres did not start (log in {}): {first}",
            dir.display()
        ))
    }
}

/// A database for one test: a SQLite file in a temporary directory, or a fresh PostgreSQL
/// database on [`TestPostgres`].
pub struct TestDb {
    url: DbUrl,
    dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn new(backend: Backend) -> TestDb {
        TestDb::on(backend, TestPostgres::get)
    }

    /// A database whose commits are durable: SQLite as [`TestDb::new`] (the store's own
    /// settings, synchronous=FULL), PostgreSQL on [`TestPostgres::durable`].
    pub fn durable(backend: Backend) -> TestDb {
        TestDb::on(backend, TestPostgres::durable)
    }

    fn on(backend: Backend, server: fn() -> &'static TestPostgres) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("temp dir: {error}"));
                let path = dir.path().join("study.db");
                let url = DbUrl::parse(&format!("sqlite://{}", path.display()))
                    .unwrap_or_else(|error| panic!("sqlite url: {error}"));
                TestDb {
                    url,
                    dir: Some(dir),
                }
            }
            Backend::Postgres => TestDb {
                url: server().database(),
                dir: None,
            },
        }
    }

    pub fn url(&self) -> &DbUrl {
        &self.url
    }

    /// The URL as a `--db` argument (test databases have no password).
    pub fn url_text(&self) -> &str {
        self.url.as_str()
    }

    /// A directory that lives as long as this database (SQLite only), for backups and the like.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(tempfile::TempDir::path)
    }
}

/// Runs SQL on the database directly, past the store (for tamper tests). On SQLite foreign keys
/// are off and the append-only triggers dropped; on PostgreSQL triggers and foreign keys are off for this session
/// (`session_replication_role = replica`), so the append-only guard of `audit_event` is bypassed
/// as an attacker with direct database access would.
pub async fn tamper(url: &DbUrl, sql: &str) -> Result<(), String> {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match url.backend() {
        Backend::Sqlite => {
            let path = url.sqlite_path().unwrap_or_default();
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .foreign_keys(false);
            let mut connection = sqlx::SqliteConnection::connect_with(&options)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(
                "DROP TRIGGER IF EXISTS audit_event_no_update; DROP TRIGGER IF EXISTS audit_event_no_delete;",
            )
            .execute(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
            sqlx::raw_sql(sql)
                .execute(&mut connection)
                .await
                .map_err(|e| e.to_string())?;
            connection.close().await.map_err(|e| e.to_string())
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(url.as_str())
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql("SET session_replication_role = replica")
                .execute(&mut connection)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(sql)
                .execute(&mut connection)
                .await
                .map_err(|e| e.to_string())?;
            connection.close().await.map_err(|e| e.to_string())
        }
    }
}

/// Runs SQL on the database directly with every guard in place (to show the guards hold).
pub async fn execute_guarded(url: &DbUrl, sql: &str) -> Result<(), String> {
    use sqlx::Connection;
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match url.backend() {
        Backend::Sqlite => {
            let path = url.sqlite_path().unwrap_or_default();
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
            let mut connection = sqlx::SqliteConnection::connect_with(&options)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(sql)
                .execute(&mut connection)
                .await
                .map_err(|e| e.to_string())?;
            connection.close().await.map_err(|e| e.to_string())
        }
        Backend::Postgres => {
            let mut connection = sqlx::PgConnection::connect(url.as_str())
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(sql)
                .execute(&mut connection)
                .await
                .map_err(|e| e.to_string())?;
            connection.close().await.map_err(|e| e.to_string())
        }
    }
}

/// A new study record on `db` with the test protocol and its administrator `admin` (password
/// "correct horse battery"), for the store's own unit tests.
pub async fn new_study(db: &TestDb, title: &str) -> (crate::Store, crate::Actor) {
    crate::Store::init(
        db.url(),
        &crate::NewStudy {
            code: "S".into(),
            title: title.into(),
            protocol_text: PROTOCOL.into(),
        },
        &crate::NewUser {
            login: "admin".into(),
            printed_name: "Admin".into(),
        },
        &crate::Password::new("correct horse battery").expect("password"),
    )
    .await
    .expect("init")
}

/// `data` registered as a screened candidate meeting every criterion ([`eligible_candidate`])
/// and, when it has an enrolment date, enrolled on it: a test's enrolled subject, through the
/// commands every channel uses.
pub async fn enrolled(
    store: &crate::Store,
    actor: &crate::Actor,
    data: &crate::SubjectData,
) -> Result<crate::Subject, crate::StoreError> {
    enrolled_with(store, actor, data, &[]).await
}

/// As [`enrolled`], giving `factors` (each stratification factor's level, by name) at the
/// enrolment: in a randomised study, the subject is randomised in their stratum.
pub async fn enrolled_with(
    store: &crate::Store,
    actor: &crate::Actor,
    data: &crate::SubjectData,
    factors: &[(&str, &str)],
) -> Result<crate::Subject, crate::StoreError> {
    let mut batch = store.batch(actor, None).await?;
    let subject = enrolled_in(&mut batch, data, factors).await?;
    batch.commit().await?;
    Ok(subject)
}

/// As [`enrolled_with`], in a batch.
pub async fn enrolled_in(
    batch: &mut crate::Batch,
    data: &crate::SubjectData,
    factors: &[(&str, &str)],
) -> Result<crate::Subject, crate::StoreError> {
    let screened = crate::SubjectData {
        enrolment_date: None,
        ..data.clone()
    };
    let (subject, _) = batch.screen(&screened, &eligible_candidate()).await?;
    match data.enrolment_date {
        None => Ok(subject),
        Some(enrolment_date) => {
            batch
                .enrol(&crate::Enrolment {
                    subject_id: subject.id,
                    based_on: subject.version,
                    consent_date: subject.data.consent_date.unwrap_or(enrolment_date),
                    enrolment_date,
                    waiver: None,
                    reason: None,
                    factors: factors
                        .iter()
                        .map(|(factor, level)| ((*factor).to_owned(), (*level).to_owned()))
                        .collect(),
                })
                .await
        }
    }
}

/// A lesion photograph of `area` at `visit`, taken on the visit's day (when it took place, else
/// when planned), without a caption, uploaded by `actor` through the one upload command the
/// page and the API call; `bytes` is the picture ([`sample_jpeg`], [`sample_png`]: a size of
/// its own makes a file of its own).
pub async fn photographed(
    store: &crate::Store,
    actor: &crate::Actor,
    visit: &crate::Visit,
    area: &str,
    bytes: Vec<u8>,
) -> Result<crate::Stored<crate::Photo>, crate::StoreError> {
    let taken_on = visit
        .data
        .actual_date
        .or(visit.data.planned_date)
        .expect("a photographed visit has a date");
    let upload = crate::NewPhoto {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        area: area.to_owned(),
        taken_on,
        caption: None,
        bytes,
    };
    store.add_photo(actor, &upload).await
}

/// A central reader `login` at `site`, added and granted by `admin` with `password`: logged in.
pub async fn central_reader(
    store: &crate::Store,
    admin: &crate::Actor,
    login: &str,
    site: &str,
    password: &crate::Password,
) -> Result<crate::Actor, crate::StoreError> {
    let user = crate::NewUser {
        login: login.to_owned(),
        printed_name: "Rita Reader".to_owned(),
    };
    store.add_user(admin, &user, password).await?;
    store
        .grant(admin, login, site, crate::Role::CentralReader)
        .await?;
    store.authenticate(login, password).await
}

/// Holds every password-check permit until dropped: tests show that logins and signatures
/// waiting for a check hold no connection or lock.
pub async fn hold_password_checks() -> tokio::sync::SemaphorePermit<'static> {
    let all = u32::try_from(crate::auth::hashing_permits()).unwrap_or(u32::MAX);
    crate::auth::hashing()
        .acquire_many(all)
        .await
        .expect("the password-check semaphore is never closed")
}

/// A `width` x `height` JPEG (a smooth gradient) with no metadata, for photograph tests.
pub fn sample_jpeg(width: u16, height: u16) -> Vec<u8> {
    jpeg_made(width, height, None)
}

/// As [`sample_jpeg`], with `exif` (its bytes from `Exif\0\0` on) as an APP1 segment, the way a
/// phone camera writes where and when it took the picture.
pub fn jpeg_with_exif(width: u16, height: u16, exif: &[u8]) -> Vec<u8> {
    jpeg_made(width, height, Some(exif))
}

fn jpeg_made(width: u16, height: u16, exif: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    if let Some(exif) = exif {
        encoder
            .add_app_segment(1, exif)
            .unwrap_or_else(|error| panic!("exif segment: {error}"));
    }
    encoder
        .encode(
            &gradient(width, height),
            width,
            height,
            jpeg_encoder::ColorType::Rgb,
        )
        .unwrap_or_else(|error| panic!("jpeg: {error}"));
    out
}

/// A `width` x `height` RGB PNG (a smooth gradient) with no text chunks.
pub fn sample_png(width: u16, height: u16) -> Vec<u8> {
    png_made(width, height, None)
}

/// As [`sample_png`], with a `tEXt` chunk `keyword`: `text` (where PNG keeps an author or a
/// place).
pub fn png_with_text(width: u16, height: u16, keyword: &str, text: &str) -> Vec<u8> {
    png_made(width, height, Some((keyword, text)))
}

fn png_made(width: u16, height: u16, text: Option<(&str, &str)>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, u32::from(width), u32::from(height));
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    if let Some((keyword, text)) = text {
        encoder
            .add_text_chunk(keyword.to_owned(), text.to_owned())
            .unwrap_or_else(|error| panic!("text chunk: {error}"));
    }
    let mut writer = encoder
        .write_header()
        .unwrap_or_else(|error| panic!("png header: {error}"));
    writer
        .write_image_data(&gradient(width, height))
        .unwrap_or_else(|error| panic!("png: {error}"));
    writer
        .finish()
        .unwrap_or_else(|error| panic!("png end: {error}"));
    out
}

/// RGB pixels shading from dark red to light pink, a little like skin.
fn gradient(width: u16, height: u16) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for y in 0..height {
        for x in 0..width {
            let shade = u8::try_from(
                (u32::from(x) + u32::from(y)) * 100 / (u32::from(width) + u32::from(height)),
            )
            .unwrap_or(u8::MAX);
            pixels.extend([155 + shade, 60 + shade, 70 + shade]);
        }
    }
    pixels
}
