//! SQLite: one file, WAL (readers never block the writer), synchronous=FULL (a commit is on
//! disk when it returns), foreign keys on; `BEGIN IMMEDIATE` is the writer lock.
//!
//! Write transactions have a connection of their own, which never checkpoints the WAL: with
//! SQLite's automatic checkpoint a commit that crosses 1,000 WAL pages copies them into the
//! database file and flushes it before it returns (12% of a save's CPU under load, all of it on
//! the single writer's path). Instead a commit starts a passive checkpoint on a reader
//! connection, at most every [`CHECKPOINT_EVERY`], which runs beside the next commits.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use std::io::Read;

use sqlx::Connection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteQueryResult, SqliteSynchronous,
};

use super::{Arg, Backend, DbUrl, Driver, MAX_CONNECTIONS, OpenMode, WRITE_WAIT, execute_on};
use crate::Refusal;
use crate::error::StoreError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Prepared statements kept per connection: more than the texts the store writes
/// (`SqliteDb::open`).
const STATEMENT_CACHE: usize = 1024;

/// The size of the WAL past which the next write transaction first copies it all into the
/// database and empties it ([`SqliteDb::restart_wal`]).
const WAL_LIMIT: u64 = 256 << 20;

/// How often at most a commit starts a checkpoint: the WAL then holds about this long's writes.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

#[derive(Clone, Debug)]
pub(crate) struct SqliteDb {
    /// Read transactions, plain statements and checkpoints.
    readers: SqlitePool,
    /// The one connection write transactions use (`BEGIN IMMEDIATE` would serialise them anyway).
    writer: SqlitePool,
    checkpoint: Arc<Checkpoint>,
    /// Read-only, and the file had no `-wal` or `-shm` beside it when opened: close removes
    /// those its connections left ([`remove_side_files`]).
    tidy: Option<Arc<str>>,
    /// The `-wal` file of a record opened to write, which [`SqliteDb::write`] keeps below
    /// [`WAL_LIMIT`].
    wal: Option<Arc<str>>,
}

/// When the last checkpoint started, and whether one is running.
#[derive(Debug)]
struct Checkpoint {
    running: AtomicBool,
    started: std::sync::Mutex<Instant>,
}

/// Marks the checkpoint finished when dropped, also when its task is cancelled.
struct Finished(Arc<Checkpoint>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::Release);
    }
}

impl Driver for sqlx::Sqlite {
    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }
}

fn path(url: &DbUrl) -> &str {
    debug_assert_eq!(url.backend(), Backend::Sqlite);
    url.sqlite_path().unwrap_or_default()
}

/// The first 16 bytes of every SQLite database file.
const HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Refuses a path that holds no SQLite database before SQLite opens it: SQLite takes an empty
/// file for an empty database (which migrations would then turn into a record) and says only
/// "file is not a database" of anything else. A new record may be a missing or empty file.
fn check_file(path: &str, mode: OpenMode) -> Result<(), StoreError> {
    let refuse = |id: &'static str| {
        Err(StoreError::invalid(
            "db",
            Refusal::of(id).with("path", path),
        ))
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return match mode {
                OpenMode::Create => Ok(()),
                _ => refuse("refusal-db-missing"),
            };
        }
        Err(error) => return unreadable(path, &error),
    };
    if metadata.is_dir() {
        return refuse("refusal-db-folder");
    }
    if metadata.len() == 0 {
        return match mode {
            OpenMode::Create => Ok(()),
            _ => refuse("refusal-db-empty"),
        };
    }
    let mut header = [0; HEADER.len()];
    match std::fs::File::open(path).and_then(|mut file| file.read_exact(&mut header)) {
        Ok(()) if header == *HEADER => Ok(()),
        Err(error) if error.kind() != std::io::ErrorKind::UnexpectedEof => unreadable(path, &error),
        _ => refuse("refusal-db-not-sqlite"),
    }
}

/// The refusal of a file the system would not read; its words are the system's, in English.
fn unreadable(path: &str, error: &std::io::Error) -> Result<(), StoreError> {
    Err(StoreError::invalid(
        "db",
        Refusal::of("refusal-db-unreadable")
            .with("path", path)
            .with("error", error),
    ))
}

/// Removes the `-wal` and `-shm` files that SQLite leaves beside a WAL database when read-only
/// connections close: only a connection that may write checkpoints the WAL and removes them,
/// as the last one to close. Called when neither file was there at the open; a WAL still empty
/// means no one wrote since, so one such connection, which reads the schema and closes, lets
/// SQLite remove them while writing nothing to the database (an empty WAL has nothing to copy
/// back). With another connection still open SQLite leaves them to it; a failure leaves them,
/// which is harmless.
async fn remove_side_files(path: &str) {
    let wal = format!("{path}-wal");
    if !std::fs::metadata(wal).is_ok_and(|wal| wal.len() == 0) {
        return;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .pragma("query_only", "ON");
    if let Ok(mut connection) = SqliteConnection::connect_with(&options).await {
        let _ = sqlx::query("SELECT count(*) FROM sqlite_master")
            .fetch_one(&mut connection)
            .await;
        let _ = connection.close().await;
    }
}

impl SqliteDb {
    /// Opens the file with read-only connections and checks its schema for `mode`
    /// ([`super::check_schema`]); the pool also serves as the writer, whose writes the file
    /// refuses.
    async fn read_only(url: &DbUrl, mode: OpenMode) -> Result<SqliteDb, StoreError> {
        let path = path(url);
        let untouched = ["-wal", "-shm"]
            .iter()
            .all(|side| !std::path::Path::new(&format!("{path}{side}")).exists());
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .busy_timeout(WRITE_WAIT);
        let readers = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let mut db = SqliteDb::on(readers.clone(), readers);
        db.tidy = (mode == OpenMode::ReadOnly && untouched).then(|| Arc::from(path));
        let checked = async {
            let mut connection = db.readers.acquire().await?;
            let has_table: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)",
            )
            .bind(MIGRATIONS.table_name.as_ref())
            .fetch_one(&mut *connection)
            .await?;
            super::check_schema(&mut *connection, has_table, &url.shown(), &MIGRATIONS, mode).await
        }
        .await;
        if checked.is_err() {
            super::Database::close(&db).await;
        }
        checked.map(|()| db)
    }

    fn on(readers: SqlitePool, writer: SqlitePool) -> SqliteDb {
        SqliteDb {
            readers,
            writer,
            checkpoint: Arc::new(Checkpoint {
                running: AtomicBool::new(false),
                started: std::sync::Mutex::new(Instant::now()),
            }),
            tidy: None,
            wal: None,
        }
    }

    /// Copies the whole WAL into the database and empties it when it has grown past
    /// [`WAL_LIMIT`], on the writer's connection before its next transaction. The passive
    /// checkpoints after commits ([`SqliteDb::checkpoint_soon`]) keep up with the web's saves,
    /// but not with write transactions that follow one another without pause (a simulated
    /// cohort, an import): SQLite starts the WAL again only when a write transaction begins
    /// after a checkpoint has copied all of it, so the WAL grew as large as the database (5 GB
    /// at 10,000 simulated patients, the disk twice over), and every page read not in the cache
    /// looked through its index, slower as it grew. TRUNCATE waits for readers still on older
    /// data (the busy timeout) and leaves an empty file. Maintenance, as the passive checkpoint
    /// is: one that cannot run now (another checkpoint is running) is left to the next
    /// transaction, which is not refused for it.
    async fn restart_wal(&self) {
        if self.wal_over_limit() {
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.writer)
                .await;
        }
    }

    /// Whether the WAL of a record opened to write has grown past [`WAL_LIMIT`].
    fn wal_over_limit(&self) -> bool {
        self.wal
            .as_deref()
            .is_some_and(|wal| std::fs::metadata(wal).is_ok_and(|file| file.len() > WAL_LIMIT))
    }

    /// Starts a passive checkpoint on a reader connection when none is running and the last
    /// started at least [`CHECKPOINT_EVERY`] ago. Passive: it copies what no reader still needs
    /// and never waits for the writer, so commits go on meanwhile; a failure is left to the next.
    fn checkpoint_soon(&self) {
        // The next write transaction empties a WAL this large first (`restart_wal`), which a
        // passive checkpoint running then would keep it from doing.
        if self.wal_over_limit() {
            return;
        }
        {
            let mut started = self
                .checkpoint
                .started
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if started.elapsed() < CHECKPOINT_EVERY
                || self.checkpoint.running.swap(true, Ordering::AcqRel)
            {
                return;
            }
            *started = Instant::now();
        }
        let finished = Finished(Arc::clone(&self.checkpoint));
        let readers = self.readers.clone();
        tokio::spawn(async move {
            let _finished = finished;
            let _ = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&readers)
                .await;
        });
    }
}

impl super::Database for SqliteDb {
    type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

    async fn open(url: &DbUrl, mode: OpenMode) -> Result<SqliteDb, StoreError> {
        let path = path(url);
        check_file(path, mode)?;
        match mode {
            OpenMode::ReadOnly => return SqliteDb::read_only(url, mode).await,
            // Checked on connections that cannot write, before the options below set WAL mode
            // on the file and migrations add tables to it.
            OpenMode::Existing => {
                super::Database::close(&SqliteDb::read_only(url, mode).await?).await
            }
            OpenMode::Create => {}
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(mode == OpenMode::Create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(WRITE_WAIT)
            // A group of saves dirties more pages than the default 2 MB cache holds, which then
            // spills to the WAL before the commit; 32 MB keeps a group in memory until it commits.
            .pragma("cache_size", "-32768")
            // The savepoint journal of each command is needed only until the transaction ends
            // (crash recovery uses the WAL), so it need not be a file.
            .pragma("temp_store", "memory")
            // Every statement's text is built from the entity descriptors (a kind's select list,
            // an INSERT of as many events as a command writes), a few hundred texts in all;
            // sqlx's default cache of 100 prepared statements then evicts and prepares again
            // statements a batch runs for every patient.
            .statement_cache_capacity(STATEMENT_CACHE);
        // Migrations run on a connection of their own, closed afterwards: one of them turns
        // foreign keys off for a while, which no connection that serves the study may inherit.
        let migrator = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let migrated = MIGRATIONS.run(&migrator).await.map_err(StoreError::other);
        migrator.close().await;
        migrated?;
        // A local file does not go stale: testing it at every acquire costs a round trip to
        // the connection's thread for nothing.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone().pragma("wal_autocheckpoint", "0"))
            .await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let mut db = SqliteDb::on(readers, writer);
        db.wal = Some(Arc::from(format!("{path}-wal")));
        Ok(db)
    }

    async fn read(&self) -> Result<Self::Tx, StoreError> {
        Ok(self.readers.begin().await?)
    }

    async fn write(&self) -> Result<Self::Tx, StoreError> {
        self.restart_wal().await;
        // IMMEDIATE takes the write lock now, so two writers never both read the chain head.
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    fn committed(&self) {
        self.checkpoint_soon();
    }

    async fn execute_plain(&self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        execute_on(&self.readers, sql, args).await
    }

    async fn close(&self) {
        self.writer.close().await;
        self.readers.close().await;
        if let Some(path) = &self.tidy {
            remove_side_files(path).await;
        }
    }
}
