//! Online backup of a SQLite record with its photographs' files, verified after writing.

use std::path::Path;

use crate::Refusal;
use crate::Store;
use crate::db::{Arg, Backend, DbUrl, OpenMode, Pool};
use crate::error::StoreError;
use crate::verify::Verification;

impl Store {
    /// Writes a consistent copy of the record to `out` (SQLite `VACUUM INTO`, safe while others
    /// read and write), then opens the copy, verifies its chain and projections, and checks that
    /// its last event is an event of this record. `out` must not exist. The photographs' files
    /// the copy's records name are copied beside it (`<out>.files`, the directory a record
    /// there has by default), so the verification checks them too: a restore is the two
    /// together, put back side by side.
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
        let url = DbUrl::parse(&text)?;
        let copy = Store::on(Pool::open(&url, OpenMode::ReadOnly).await?).beside(&url);
        let copied = self.copy_photo_files(&copy).await;
        let verification = match copied {
            Ok(()) => copy.verify().await,
            Err(error) => Err(error),
        };
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

impl Store {
    /// Copies the file of every photograph `copy` records (removed ones too) from this record's
    /// directory to `copy`'s, keeping the layout and the read-only files; `copy`'s directory
    /// must not exist yet unless nothing is copied.
    async fn copy_photo_files(&self, copy: &Store) -> Result<(), StoreError> {
        let mut tx = copy.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT DISTINCT sha256 FROM photo ORDER BY sha256",
                &[],
                &[crate::value::Ty::Text],
            )
            .await?;
        drop(tx);
        let hashes: Vec<String> = rows
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .filter_map(|value| value.as_text().map(str::to_owned))
            .collect();
        if hashes.is_empty() {
            return Ok(());
        }
        let (Some(from), Some(to)) = (self.photos.as_ref(), copy.photos.as_ref()) else {
            return Err(StoreError::invalid(
                "file",
                Refusal::of("refusal-photo-no-directory"),
            ));
        };
        if to.root().exists() {
            return Err(StoreError::invalid(
                "out",
                Refusal::of("refusal-file-exists").with("path", to.root().display()),
            ));
        }
        for sha256 in hashes {
            let bytes = from.read(&sha256).map_err(|fault| {
                StoreError::corrupt(format!(
                    "photo file {} {}",
                    from.path_of(&sha256).display(),
                    fault.said()
                ))
            })?;
            to.stage(&bytes, &sha256)?.place()?;
        }
        Ok(())
    }
}
