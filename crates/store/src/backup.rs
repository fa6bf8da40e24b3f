//! Online backup of a SQLite record, verified after writing.

use std::path::Path;

use crate::Refusal;
use crate::Store;
use crate::db::{Arg, Backend, DbUrl, OpenMode, Pool};
use crate::error::StoreError;
use crate::verify::Verification;

impl Store {
    /// Writes a consistent copy of the record to `out` (SQLite `VACUUM INTO`, safe while others
    /// read and write), then opens the copy, verifies its chain and projections, and checks that
    /// its last event is an event of this record. `out` must not exist.
    pub async fn backup(&self, out: &Path) -> Result<Verification, StoreError> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::invalid(
                "db",
                Refusal::of("refusal-backup-postgres"),
            ));
        }
        if out.exists() {
            return Err(StoreError::invalid(
                "out",
                Refusal::of("refusal-file-exists").with("path", out.display()),
            ));
        }
        let text = out
            .to_str()
            .ok_or_else(|| StoreError::invalid("out", Refusal::of("refusal-path-not-utf8")))?
            .to_owned();
        self.pool
            .execute_plain("VACUUM INTO $1", &[Arg::Text(Some(text.clone()))])
            .await?;
        let copy = Store::on(Pool::open(&DbUrl::parse(&text)?, OpenMode::ReadOnly).await?);
        let verification = copy.verify().await;
        copy.close().await;
        let verification = verification?;
        if verification.problem.is_none() && verification.events > 0 {
            let mut tx = self.pool.read().await?;
            let found = tx
                .fetch_optional(
                    "SELECT hash FROM audit_event WHERE seq = $1",
                    &[verification.events.into()],
                    &[crate::value::Ty::Text],
                )
                .await?
                .and_then(|values| values.into_iter().next().flatten());
            if found.as_ref().and_then(|value| value.as_text())
                != Some(verification.head_hash.as_str())
            {
                return Err(StoreError::corrupt(
                    "the backup's last event is not an event of this record",
                ));
            }
        }
        Ok(verification)
    }
}
