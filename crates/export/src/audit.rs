//! The audit trail as CSV: every event in order, each column as stored (values in their
//! canonical text, so the SHA-256 chain can be recomputed from the file), with the subject's
//! study id and the site's code beside the numeric ids.

use std::io::Write;

use crate::ExportError;
use crate::source::AuditEvent;

const COLUMNS: [&str; 15] = [
    "seq",
    "recorded_at",
    "actor",
    "site",
    "subject",
    "entity",
    "entity_id",
    "action",
    "field",
    "old_value",
    "new_value",
    "reason",
    "version",
    "prev_hash",
    "hash",
];

/// Writes audit events as they arrive.
pub struct AuditCsv<W: Write> {
    table: csv::Writer<W>,
    rows: u64,
}

impl<W: Write> AuditCsv<W> {
    pub fn new(out: W) -> Result<AuditCsv<W>, ExportError> {
        let mut table = csv::Writer::from_writer(out);
        table.write_record(COLUMNS)?;
        Ok(AuditCsv { table, rows: 0 })
    }

    pub fn event(&mut self, event: &AuditEvent) -> Result<(), ExportError> {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        self.table.write_record([
            event.seq.to_string(),
            event.recorded_at.clone(),
            event.actor.clone(),
            text(&event.site),
            text(&event.subject),
            event.entity.clone(),
            event.entity_id.to_string(),
            event.action.clone(),
            text(&event.field),
            text(&event.old_value),
            text(&event.new_value),
            text(&event.reason),
            event.version.to_string(),
            event.prev_hash.clone(),
            event.hash.clone(),
        ])?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes; returns the number of events written.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        self.table.flush()?;
        Ok(self.rows)
    }
}
