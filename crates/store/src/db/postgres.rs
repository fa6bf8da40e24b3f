//! PostgreSQL: reads in REPEATABLE READ snapshots (MVCC, never blocking the writer); the writer
//! lock is an EXCLUSIVE lock on `audit_event`, which conflicts with other writers only. Opened
//! read-only, the sessions make every transaction read-only (`default_transaction_read_only`),
//! so the server refuses any write, and nothing is migrated.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgQueryResult};

use super::{Arg, DbUrl, Driver, MAX_CONNECTIONS, OpenMode, execute_on};
use crate::Refusal;
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

    /// The server and database must exist (creating a record creates neither).
    async fn open(url: &DbUrl, mode: OpenMode) -> Result<PostgresDb, StoreError> {
        let mut options = PgConnectOptions::from_str(url.as_str())
            .map_err(|error| StoreError::invalid("db", Refusal::untranslated(error)))?;
        if mode == OpenMode::ReadOnly {
            options = options.options([("default_transaction_read_only", "on")]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?;
        let checked = async {
            if mode != OpenMode::Create {
                let mut connection = pool.acquire().await?;
                let has_table: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                    .bind(MIGRATIONS.table_name.as_ref())
                    .fetch_one(&mut *connection)
                    .await?;
                super::check_schema(&mut *connection, has_table, &url.shown(), &MIGRATIONS, mode)
                    .await?;
            }
            if mode != OpenMode::ReadOnly {
                MIGRATIONS.run(&pool).await.map_err(StoreError::other)?;
            }
            Ok(())
        }
        .await;
        if checked.is_err() {
            pool.close().await;
        }
        checked.map(|()| PostgresDb(pool))
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
