//! The two backends behind one small query surface.
//!
//! Everything above this module is written once: it sends SQL with `$N` placeholders (both
//! SQLite and PostgreSQL accept them) and typed arguments, and reads rows back as [`Value`]s of
//! the types it asks for. Only opening, migrating and taking the write lock differ per backend.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Postgres, Row, Sqlite, Transaction};

use crate::error::StoreError;
use crate::value::{Ty, Value};

/// Which database a `--db` URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A parsed `--db` value: `sqlite://path`, `sqlite:path`, a plain path (SQLite), or
/// `postgres://...` / `postgresql://...`.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    backend: Backend,
    url: String,
}

impl DbUrl {
    pub fn parse(text: &str) -> Result<DbUrl, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::invalid(
                "db",
                "is empty; give sqlite://PATH or postgres://...",
            ));
        }
        let backend = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Backend::Postgres
        } else if text.contains("://") && !text.starts_with("sqlite://") {
            return Err(StoreError::invalid(
                "db",
                "unknown scheme; allowed: sqlite://PATH, postgres://USER@HOST:PORT/DB",
            ));
        } else {
            Backend::Sqlite
        };
        Ok(DbUrl {
            backend,
            url: text.to_owned(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file path, for SQLite URLs.
    pub fn sqlite_path(&self) -> Option<&str> {
        (self.backend == Backend::Sqlite).then(|| {
            let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
            let path = path.strip_prefix("sqlite:").unwrap_or(path);
            path.split('?').next().unwrap_or(path)
        })
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.url
    }
}

/// The URL without its password, for messages.
impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = match (self.url.find("://"), self.url.find('@')) {
            (Some(scheme), Some(at)) if self.url[scheme + 3..at].contains(':') => {
                let user_end = scheme + 3 + self.url[scheme + 3..at].find(':').unwrap_or(0);
                format!("{}:***{}", &self.url[..user_end], &self.url[at..])
            }
            _ => self.url.clone(),
        };
        f.write_str(&shown)
    }
}

/// Whether opening may create a new, empty SQLite file (only `init` may).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    Create,
    Existing,
}

#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a writer waits for another writer before giving up with an error.
const WRITE_WAIT: Duration = Duration::from_secs(30);

impl Pool {
    /// Connects and applies the backend's migrations.
    pub(crate) async fn open(url: &DbUrl, mode: OpenMode) -> Result<Pool, StoreError> {
        match url.backend() {
            Backend::Sqlite => {
                let path = url.sqlite_path().unwrap_or_default();
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
                    .busy_timeout(WRITE_WAIT);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                SQLITE_MIGRATIONS
                    .run(&pool)
                    .await
                    .map_err(StoreError::other)?;
                Ok(Pool::Sqlite(pool))
            }
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(url.as_str())
                    .map_err(|error| StoreError::invalid("db", error.to_string()))?;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                POSTGRES_MIGRATIONS
                    .run(&pool)
                    .await
                    .map_err(StoreError::other)?;
                Ok(Pool::Postgres(pool))
            }
        }
    }

    /// Opens a SQLite file read-only, without migrating it (for checking a backup).
    pub(crate) async fn open_read_only(url: &DbUrl) -> Result<Pool, StoreError> {
        let path = url.sqlite_path().unwrap_or_default();
        let options = SqliteConnectOptions::new().filename(path).read_only(true);
        Ok(Pool::Sqlite(
            SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(options)
                .await?,
        ))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// A read transaction: one consistent snapshot, which never blocks the writer (WAL in SQLite,
    /// MVCC in PostgreSQL).
    pub(crate) async fn read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Tx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ")
                    .await?,
            ),
        })
    }

    /// A write transaction holding the single writer lock: writers queue, readers go on.
    pub(crate) async fn write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            // IMMEDIATE takes the write lock now, so two writers never both read the chain head.
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                // EXCLUSIVE conflicts with other writers' locks but not with plain reads.
                sqlx::query("LOCK TABLE audit_event IN EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// Runs one statement outside any transaction (backup and maintenance).
    pub(crate) async fn execute_plain(&self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        let sql = AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Pool::Sqlite(pool) => bind_sqlite(sqlx::query(sql), args)
                .execute(pool)
                .await?
                .rows_affected(),
            Pool::Postgres(pool) => bind_pg(sqlx::query(sql), args)
                .execute(pool)
                .await?
                .rows_affected(),
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A typed SQL argument; `None` is SQL NULL of that type.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
}

impl Arg {
    /// The argument for a field of type `ty`.
    pub(crate) fn field(ty: Ty, value: Option<&Value>) -> Arg {
        match ty {
            Ty::Text | Ty::Date => Arg::Text(value.map(|value| match value {
                Value::Text(text) => text.clone(),
                Value::Date(date) => date.to_string(),
                Value::Int(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
            })),
            Ty::Int => Arg::Int(value.and_then(Value::as_int)),
            Ty::Bool => Arg::Bool(value.and_then(Value::as_bool)),
        }
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Arg {
        Arg::Int(Some(value))
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Text(Some(value.to_owned()))
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(Some(value))
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Arg {
        Arg::Text(value)
    }
}

impl From<Option<i64>> for Arg {
    fn from(value: Option<i64>) -> Arg {
        Arg::Int(value)
    }
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, <Sqlite as sqlx::Database>::Arguments>;
type PgQuery<'q> = sqlx::query::Query<'q, Postgres, <Postgres as sqlx::Database>::Arguments>;

fn bind_sqlite<'q>(mut query: SqliteQuery<'q>, args: &[Arg]) -> SqliteQuery<'q> {
    for arg in args {
        query = match arg.clone() {
            Arg::Text(value) => query.bind(value),
            Arg::Int(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
        };
    }
    query
}

fn bind_pg<'q>(mut query: PgQuery<'q>, args: &[Arg]) -> PgQuery<'q> {
    for arg in args {
        query = match arg.clone() {
            Arg::Text(value) => query.bind(value),
            Arg::Int(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
        };
    }
    query
}

/// One open transaction on either backend. Dropping it without [`Tx::commit`] rolls it back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A row as values of the requested column types; `None` is SQL NULL.
pub(crate) type Values = Vec<Option<Value>>;

impl Tx {
    pub(crate) async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        let sql = AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Tx::Sqlite(tx) => bind_sqlite(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
            Tx::Postgres(tx) => bind_pg(sqlx::query(sql), args)
                .execute(&mut **tx)
                .await?
                .rows_affected(),
        })
    }

    /// Runs a query and reads every row, column `i` as type `types[i]`.
    pub(crate) async fn fetch(
        &mut self,
        sql: &str,
        args: &[Arg],
        types: &[Ty],
    ) -> Result<Vec<Values>, StoreError> {
        let sql = AssertSqlSafe(sql.to_owned());
        match self {
            Tx::Sqlite(tx) => {
                let rows = bind_sqlite(sqlx::query(sql), args)
                    .fetch_all(&mut **tx)
                    .await?;
                rows.iter()
                    .map(|row| decode(types, |i, ty| decode_column(row, i, ty)))
                    .collect()
            }
            Tx::Postgres(tx) => {
                let rows = bind_pg(sqlx::query(sql), args).fetch_all(&mut **tx).await?;
                rows.iter()
                    .map(|row| decode(types, |i, ty| decode_column(row, i, ty)))
                    .collect()
            }
        }
    }

    /// Like [`Tx::fetch`] for a query that returns at most one row.
    pub(crate) async fn fetch_optional(
        &mut self,
        sql: &str,
        args: &[Arg],
        types: &[Ty],
    ) -> Result<Option<Values>, StoreError> {
        Ok(self.fetch(sql, args, types).await?.into_iter().next())
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

fn decode(
    types: &[Ty],
    mut column: impl FnMut(usize, Ty) -> Result<Option<Value>, StoreError>,
) -> Result<Values, StoreError> {
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| column(i, *ty))
        .collect()
}

fn decode_column<R>(row: &R, i: usize, ty: Ty) -> Result<Option<Value>, StoreError>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(match ty {
        Ty::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
        Ty::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
        Ty::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
        Ty::Date => match row.try_get::<Option<String>, _>(i)? {
            None => None,
            Some(text) => Some(Value::Date(text.parse().map_err(|_| {
                StoreError::corrupt(format!("column {i} holds '{text}', which is not a date"))
            })?)),
        },
    })
}
