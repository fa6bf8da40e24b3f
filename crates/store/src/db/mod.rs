//! One storage trait, two backends.
//!
//! [`Database`] is what a backend does: open (connect and apply its own migrations), hand out
//! read and write transactions, run a statement outside a transaction, close. [`Transaction`] is
//! what the rest of the crate does with a transaction: execute, fetch typed rows, commit. Each
//! backend (`sqlite`, `postgres`) implements [`Database`]; [`Transaction`] is implemented once
//! for every sqlx driver here. [`Pool`] and [`Tx`] are thin enums that pick the backend a `--db`
//! URL names at run time.
//!
//! Everything above this module is written once: it sends SQL with `$N` placeholders (both
//! SQLite and PostgreSQL accept them) and typed arguments, and reads rows back as [`Value`]s of
//! the types it asks for.

mod postgres;
mod sqlite;

use std::time::Duration;

use sqlx::{AssertSqlSafe, Executor, Row};

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

/// How long a writer waits for another writer before giving up with an error.
const WRITE_WAIT: Duration = Duration::from_secs(30);

/// Connections per pool: a few readers beside the one writer.
const MAX_CONNECTIONS: u32 = 8;

/// One storage backend.
pub(crate) trait Database: Sized {
    type Tx: Transaction;

    /// Connects and applies the backend's own migrations.
    async fn open(url: &DbUrl, mode: OpenMode) -> Result<Self, StoreError>;

    /// A read transaction: one consistent snapshot, which never blocks the writer.
    async fn read(&self) -> Result<Self::Tx, StoreError>;

    /// A write transaction holding the single writer lock: writers queue, readers go on.
    async fn write(&self) -> Result<Self::Tx, StoreError>;

    /// Told after each write transaction has committed (SQLite checkpoints its WAL then).
    fn committed(&self) {}

    /// Runs one statement outside any transaction (backup and maintenance).
    async fn execute_plain(&self, sql: &str, args: &[Arg]) -> Result<u64, StoreError>;

    async fn close(&self);
}

/// One open transaction. Dropping it without [`Transaction::commit`] rolls it back.
pub(crate) trait Transaction {
    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError>;

    /// Runs a query and reads every row, column `i` as type `types[i]`.
    async fn fetch(
        &mut self,
        sql: &str,
        args: &[Arg],
        types: &[Ty],
    ) -> Result<Vec<Values>, StoreError>;

    async fn commit(self) -> Result<(), StoreError>;
}

/// What the shared code needs from a sqlx driver that sqlx has no trait for.
pub(crate) trait Driver: sqlx::Database {
    fn rows_affected(result: &Self::QueryResult) -> u64;
}

/// The backend a URL names, open.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(sqlite::SqliteDb),
    Postgres(postgres::PostgresDb),
}

/// A transaction on the backend of its [`Pool`].
pub(crate) enum Tx {
    Sqlite(<sqlite::SqliteDb as Database>::Tx),
    Postgres(<postgres::PostgresDb as Database>::Tx),
}

impl Pool {
    pub(crate) async fn open(url: &DbUrl, mode: OpenMode) -> Result<Pool, StoreError> {
        Ok(match url.backend() {
            Backend::Sqlite => Pool::Sqlite(sqlite::SqliteDb::open(url, mode).await?),
            Backend::Postgres => Pool::Postgres(postgres::PostgresDb::open(url, mode).await?),
        })
    }

    /// Opens a SQLite file read-only, without migrating it (for checking a backup).
    pub(crate) async fn open_read_only(url: &DbUrl) -> Result<Pool, StoreError> {
        Ok(Pool::Sqlite(sqlite::SqliteDb::open_read_only(url).await?))
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(db) => Tx::Sqlite(db.read().await?),
            Pool::Postgres(db) => Tx::Postgres(db.read().await?),
        })
    }

    pub(crate) async fn write(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(db) => Tx::Sqlite(db.write().await?),
            Pool::Postgres(db) => Tx::Postgres(db.write().await?),
        })
    }

    /// Tells the backend that a write transaction has committed.
    pub(crate) fn committed(&self) {
        match self {
            Pool::Sqlite(db) => db.committed(),
            Pool::Postgres(db) => db.committed(),
        }
    }

    pub(crate) async fn execute_plain(&self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        match self {
            Pool::Sqlite(db) => db.execute_plain(sql, args).await,
            Pool::Postgres(db) => db.execute_plain(sql, args).await,
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(db) => db.close().await,
            Pool::Postgres(db) => db.close().await,
        }
    }
}

impl Tx {
    pub(crate) async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.execute(sql, args).await,
            Tx::Postgres(tx) => tx.execute(sql, args).await,
        }
    }

    pub(crate) async fn fetch(
        &mut self,
        sql: &str,
        args: &[Arg],
        types: &[Ty],
    ) -> Result<Vec<Values>, StoreError> {
        match self {
            Tx::Sqlite(tx) => tx.fetch(sql, args, types).await,
            Tx::Postgres(tx) => tx.fetch(sql, args, types).await,
        }
    }

    /// The placeholder of argument `n` (from 1) in a statement with hundreds of arguments: SQLite
    /// finds a numbered `$N` by a linear scan at every bind (quadratic in the arguments), so
    /// such statements use anonymous `?`, bound in order, there.
    pub(crate) fn placeholder(&self, n: usize) -> String {
        match self {
            Tx::Sqlite(_) => "?".to_owned(),
            Tx::Postgres(_) => format!("${n}"),
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
            Tx::Sqlite(tx) => Transaction::commit(tx).await,
            Tx::Postgres(tx) => Transaction::commit(tx).await,
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
                Value::Missing(missing) => missing.code().to_owned(),
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

/// A row as values of the requested column types; `None` is SQL NULL.
pub(crate) type Values = Vec<Option<Value>>;

type Query<'q, DB> = sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments>;

/// The typed arguments bound in order to `$1`, `$2`, ...
fn query<'q, DB>(sql: &str, args: &[Arg]) -> Query<'q, DB>
where
    DB: sqlx::Database,
    for<'t> Option<String>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<i64>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<bool>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::query(AssertSqlSafe(sql.to_owned()));
    for arg in args {
        query = match arg.clone() {
            Arg::Text(value) => query.bind(value),
            Arg::Int(value) => query.bind(value),
            Arg::Bool(value) => query.bind(value),
        };
    }
    query
}

/// Runs one statement on a pool or a connection; the number of rows it changed.
async fn execute_on<'c, DB, E>(executor: E, sql: &str, args: &[Arg]) -> Result<u64, StoreError>
where
    DB: Driver,
    DB::Arguments: sqlx::IntoArguments<DB>,
    E: Executor<'c, Database = DB>,
    for<'t> Option<String>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<i64>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<bool>: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let result = query::<DB>(sql, args).execute(executor).await?;
    Ok(DB::rows_affected(&result))
}

impl<DB> Transaction for sqlx::Transaction<'static, DB>
where
    DB: Driver,
    DB::Arguments: sqlx::IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> Option<String>: sqlx::Encode<'t, DB> + sqlx::Decode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<i64>: sqlx::Encode<'t, DB> + sqlx::Decode<'t, DB> + sqlx::Type<DB>,
    for<'t> Option<bool>: sqlx::Encode<'t, DB> + sqlx::Decode<'t, DB> + sqlx::Type<DB>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        execute_on(&mut **self, sql, args).await
    }

    async fn fetch(
        &mut self,
        sql: &str,
        args: &[Arg],
        types: &[Ty],
    ) -> Result<Vec<Values>, StoreError> {
        let rows = query::<DB>(sql, args).fetch_all(&mut **self).await?;
        rows.iter().map(|row| decode(row, types)).collect()
    }

    async fn commit(self) -> Result<(), StoreError> {
        Ok(sqlx::Transaction::commit(self).await?)
    }
}

/// Reads column `i` of `row` as type `types[i]`.
fn decode<R>(row: &R, types: &[Ty]) -> Result<Values, StoreError>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            Ok(match ty {
                Ty::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                Ty::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Ty::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
                Ty::Date => match row.try_get::<Option<String>, _>(i)? {
                    None => None,
                    Some(text) => Some(Value::Date(text.parse().map_err(|_| {
                        StoreError::corrupt(format!(
                            "column {i} holds '{text}', which is not a date"
                        ))
                    })?)),
                },
            })
        })
        .collect()
}
