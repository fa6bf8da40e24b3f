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

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};

use super::{Arg, Backend, DbUrl, Driver, MAX_CONNECTIONS, OpenMode, WRITE_WAIT, execute_on};
use crate::error::StoreError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// How often at most a commit starts a checkpoint: the WAL then holds about this long's writes.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

#[derive(Clone, Debug)]
pub(crate) struct SqliteDb {
    /// Read transactions, plain statements and checkpoints.
    readers: SqlitePool,
    /// The one connection write transactions use (`BEGIN IMMEDIATE` would serialise them anyway).
    writer: SqlitePool,
    checkpoint: Arc<Checkpoint>,
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

impl SqliteDb {
    /// Opens a file read-only, without migrating it (for checking a backup).
    pub(crate) async fn open_read_only(url: &DbUrl) -> Result<SqliteDb, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path(url))
            .read_only(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(SqliteDb::on(pool.clone(), pool))
    }

    fn on(readers: SqlitePool, writer: SqlitePool) -> SqliteDb {
        SqliteDb {
            readers,
            writer,
            checkpoint: Arc::new(Checkpoint {
                running: AtomicBool::new(false),
                started: std::sync::Mutex::new(Instant::now()),
            }),
        }
    }

    /// Starts a passive checkpoint on a reader connection when none is running and the last
    /// started at least [`CHECKPOINT_EVERY`] ago. Passive: it copies what no reader still needs
    /// and never waits for the writer, so commits go on meanwhile; a failure is left to the next.
    fn checkpoint_soon(&self) {
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
        if mode == OpenMode::Existing && !std::path::Path::new(path).exists() {
            return Err(StoreError::invalid(
                "db",
                format!("no database at '{path}' (create one with `cletrial init`)"),
            ));
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
            .pragma("temp_store", "memory");
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
        Ok(SqliteDb::on(readers, writer))
    }

    async fn read(&self) -> Result<Self::Tx, StoreError> {
        Ok(self.readers.begin().await?)
    }

    async fn write(&self) -> Result<Self::Tx, StoreError> {
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
    }
}
