//! PostgreSQL: reads in REPEATABLE READ snapshots (MVCC, never blocking the writer); the writer
//! lock is an EXCLUSIVE lock on `audit_event`, which conflicts with other writers only.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgQueryResult};

use super::{Arg, DbUrl, Driver, MAX_CONNECTIONS, OpenMode, execute_on};
use crate::error::StoreError;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Clone, Debug)]
pub(crate) struct PostgresDb(PgPool);

impl Driver for sqlx::Postgres {
    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }
}

impl super::Database for PostgresDb {
    type Tx = sqlx::Transaction<'static, sqlx::Postgres>;

    /// The server and database must exist; `mode` matters to SQLite files only.
    async fn open(url: &DbUrl, _mode: OpenMode) -> Result<PostgresDb, StoreError> {
        let options = PgConnectOptions::from_str(url.as_str())
            .map_err(|error| StoreError::invalid("db", error.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        MIGRATIONS.run(&pool).await.map_err(StoreError::other)?;
        Ok(PostgresDb(pool))
    }

    async fn read(&self) -> Result<Self::Tx, StoreError> {
        Ok(self
            .0
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ")
            .await?)
    }

    async fn write(&self) -> Result<Self::Tx, StoreError> {
        let mut tx = self.0.begin().await?;
        // EXCLUSIVE conflicts with other writers' locks but not with plain reads.
        sqlx::query("LOCK TABLE audit_event IN EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn execute_plain(&self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        execute_on(&self.0, sql, args).await
    }

    async fn close(&self) {
        self.0.close().await;
    }
}
