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

use sqlx::migrate::{AppliedMigration, Migrate, Migrator};
use sqlx::{AssertSqlSafe, Executor, Row};

use crate::Refusal;
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
                Refusal::of("refusal-db-url-empty"),
            ));
        }
        let backend = if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Backend::Postgres
        } else if text.contains("://") && !text.starts_with("sqlite://") {
            return Err(StoreError::invalid(
                "db",
                Refusal::of("refusal-db-url-scheme"),
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

    /// The record as messages name it, quoted: the SQLite file's path, or the PostgreSQL URL
    /// without its password.
    pub(crate) fn shown(&self) -> String {
        match self.sqlite_path() {
            Some(path) => format!("'{path}'"),
            None => format!("'{self:?}'"),
        }
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

/// How a record is opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// A new record: may create the SQLite file (only `init` does).
    Create,
    /// An existing record, migrated to this build's schema.
    Existing,
    /// An existing record, to read only: nothing migrated, nothing written.
    ReadOnly,
}

/// How long a writer waits for another writer before giving up with an error.
const WRITE_WAIT: Duration = Duration::from_secs(30);

/// Connections per pool: a few readers beside the one writer.
const MAX_CONNECTIONS: u32 = 8;

/// One storage backend.
pub(crate) trait Database: Sized {
    type Tx: Transaction;

    /// Connects and applies the backend's own migrations, or in [`OpenMode::ReadOnly`] checks
    /// that the record is already at this build's schema ([`check_schema`]).
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

/// A database without cletrial's migrations table, named as `shown`.
fn not_a_record(shown: &str) -> StoreError {
    StoreError::invalid(
        "db",
        Refusal::of("refusal-db-not-a-record").with("db", shown),
    )
}

/// Checks, before anything is migrated, that the database named `shown` holds a cletrial study
/// record whose schema this build can use: `has_table` says whether it has cletrial's
/// migrations table, `connection` reads that table.
///
/// Every open but [`OpenMode::Create`] refuses a database without the table: migrating it would
/// add a study record's tables to another application's database. A read-only open cannot
/// migrate, so it also refuses a record another build migrated: an older one is upgraded by
/// the next command that writes to it, a newer one is read by the version that wrote it.
async fn check_schema<C: Migrate>(
    connection: &mut C,
    has_table: bool,
    shown: &str,
    migrator: &Migrator,
    mode: OpenMode,
) -> Result<(), StoreError> {
    if !has_table {
        return Err(not_a_record(shown));
    }
    if mode != OpenMode::ReadOnly {
        // The migrator checks and applies the rest.
        return Ok(());
    }
    let table = &migrator.table_name;
    if let Some(version) = connection
        .dirty_version(table)
        .await
        .map_err(StoreError::other)?
    {
        return Err(StoreError::corrupt(format!(
            "{shown}: migration {version} failed part-way; restore the record from a backup"
        )));
    }
    let applied = connection
        .list_applied_migrations(table)
        .await
        .map_err(StoreError::other)?;
    same_migrations(shown, migrator, &applied)
}

/// Whether `applied` are exactly this build's migrations (see [`check_schema`]).
fn same_migrations(
    shown: &str,
    migrator: &Migrator,
    applied: &[AppliedMigration],
) -> Result<(), StoreError> {
    let ours = || {
        migrator
            .iter()
            .filter(|migration| !migration.migration_type.is_down_migration())
    };
    let Some(reached) = applied.iter().map(|migration| migration.version).max() else {
        return Err(not_a_record(shown));
    };
    for migration in applied {
        match ours().find(|ours| ours.version == migration.version) {
            None => {
                return Err(StoreError::invalid(
                    "db",
                    Refusal::of("refusal-db-newer")
                        .with("db", shown)
                        .with("migration", migration.version),
                ));
            }
            Some(ours) if ours.checksum != migration.checksum => {
                return Err(StoreError::corrupt(format!(
                    "{shown}: migration {} as applied differs from this cletrial's",
                    migration.version
                )));
            }
            Some(_) => {}
        }
    }
    let latest = ours().map(|migration| migration.version).max().unwrap_or(0);
    if ours().any(|ours| {
        !applied
            .iter()
            .any(|migration| migration.version == ours.version)
    }) {
        return Err(StoreError::invalid(
            "db",
            Refusal::of("refusal-db-older")
                .with("db", shown)
                .with("reached", reached)
                .with("latest", latest),
        ));
    }
    Ok(())
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

    /// The number a `SELECT COUNT(*) ...` gives.
    pub(crate) async fn count(&mut self, sql: &str, args: &[Arg]) -> Result<i64, StoreError> {
        Ok(self
            .fetch_optional(sql, args, &[Ty::Int])
            .await?
            .and_then(|row| row.into_iter().next().flatten())
            .and_then(|value| value.as_int())
            .unwrap_or_default())
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

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::Text(Some(value.clone()))
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
