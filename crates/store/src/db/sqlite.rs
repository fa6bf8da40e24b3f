//! SQLite: one file, WAL (readers never block the writer), synchronous=FULL (a commit is on
//! disk when it returns), foreign keys on; `BEGIN IMMEDIATE` is the writer lock.

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};

use super::{Arg, Backend, DbUrl, Driver, MAX_CONNECTIONS, OpenMode, WRITE_WAIT, execute_on};
use crate::error::StoreError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Clone, Debug)]
pub(crate) struct SqliteDb(SqlitePool);

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
        Ok(SqliteDb(
            SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await?,
        ))
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
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        MIGRATIONS.run(&pool).await.map_err(StoreError::other)?;
        Ok(SqliteDb(pool))
    }

    async fn read(&self) -> Result<Self::Tx, StoreError> {
        Ok(self.0.begin().await?)
    }

    async fn write(&self) -> Result<Self::Tx, StoreError> {
        // IMMEDIATE takes the write lock now, so two writers never both read the chain head.
        Ok(self.0.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn execute_plain(&self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        execute_on(&self.0, sql, args).await
    }

    async fn close(&self) {
        self.0.close().await;
    }
}
