//! Downloads of the report and the exports (issue 16): each one an audited record, so the trail
//! says who took which data out of the application, as which file, and when.

use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::error::StoreError;
use crate::schema::DOWNLOAD;
use crate::value::Value;
use crate::writer::Writer;

/// What was downloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Download {
    /// The study report as one self-contained HTML page.
    Report,
    /// The tidy CSV tables, zipped.
    TidyCsv,
    /// The SDTM domains as CSV, zipped.
    SdtmCsv,
    /// The SDTM domains as SAS transport files, zipped.
    SdtmXpt,
    /// A submission folder (SDTM and ADaM, transport files and Dataset-JSON, each standard with
    /// its define.xml), zipped.
    Submission,
    /// The unblinded statistician's report of a randomised study: every result also within each
    /// arm (made with the server's allocation secret).
    ReportByArm,
    /// The submission folder with each subject's arm in DM and ADSL (made with the secret).
    SubmissionByArm,
}

impl Download {
    pub const ALL: &[Download] = &[
        Download::Report,
        Download::TidyCsv,
        Download::SdtmCsv,
        Download::SdtmXpt,
        Download::Submission,
        Download::ReportByArm,
        Download::SubmissionByArm,
    ];

    /// The code kept in the record (`value-what-<code>` in the words catalogue).
    pub fn code(self) -> &'static str {
        match self {
            Download::Report => "report",
            Download::TidyCsv => "tidy_csv",
            Download::SdtmCsv => "sdtm_csv",
            Download::SdtmXpt => "sdtm_xpt",
            Download::Submission => "submission",
            Download::ReportByArm => "report_by_arm",
            Download::SubmissionByArm => "submission_by_arm",
        }
    }
}

impl Store {
    /// Records that `actor` downloaded `what` as `file_name`, in the audit trail.
    pub async fn record_download(
        &self,
        actor: &Actor,
        what: Download,
        file_name: &str,
    ) -> Result<(), StoreError> {
        check::printable("file_name", file_name)?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        writer
            .create(
                &DOWNLOAD,
                vec![
                    ("user_id", Some(Value::Int(actor.user_id))),
                    ("what", Some(Value::Text(what.code().to_owned()))),
                    ("file_name", Some(Value::Text(file_name.to_owned()))),
                ],
            )
            .await?;
        writer.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use crate::{Backend, EventFilter};

    /// A download is an event in the chain (values as the trail keeps them: canonical JSON) naming who took what, and `verify` still passes, on
    /// both databases (the migration is written twice).
    #[tokio::test]
    async fn a_download_is_audited() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let db = TestDb::new(backend);
            let (store, admin) = crate::testing::new_study(&db, "Downloads").await;
            store
                .record_download(&admin, Download::SdtmCsv, "S-sdtm-csv-2026-12-06.zip")
                .await
                .expect("recorded");
            let filter = EventFilter {
                entity: Some("download".to_owned()),
                ..EventFilter::default()
            };
            let events = store.audit_page(&filter, 0, 10).await.expect("read");
            let fields: Vec<_> = events
                .iter()
                .map(|e| (e.actor.as_str(), e.field.as_deref(), e.new_value.as_deref()))
                .collect();
            for expect in [
                ("admin", Some("what"), Some("\"sdtm_csv\"")),
                (
                    "admin",
                    Some("file_name"),
                    Some("\"S-sdtm-csv-2026-12-06.zip\""),
                ),
            ] {
                assert!(fields.contains(&expect), "{backend:?}: {fields:?}");
            }
            let verified = store.verify().await.expect("verify");
            assert!(verified.problem.is_none(), "{backend:?}: {verified:?}");
            store.close().await;
        }
    }
}
