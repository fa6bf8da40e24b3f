//! What the study record gives its readers: the report (`report`: the record read a subject at a
//! time into `analysis`, its files written into a folder) and the data exports (`export`: tidy
//! CSV, SDTM as CSV or SAS transport, ODM, the audit trail, streamed from `store::stream`). The
//! `cletrial` commands and the web's downloads both call these, so a download is the file the
//! command writes.

mod arms;
pub mod export;
pub mod report;

/// What the export writers refuse, for callers that tell the user (data a format cannot hold).
pub use ::export::ExportError;

use std::path::PathBuf;

/// Why a report or an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The record refused or failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Report(#[from] analysis::report::ReportError),
    #[error(transparent)]
    Export(#[from] ::export::ExportError),
    /// The output folder could not be created or written.
    #[error("cannot {action} '{}': {error}", path.display())]
    Folder {
        action: &'static str,
        path: PathBuf,
        error: std::io::Error,
    },
    /// The protocol stored with the study cannot define the analysis.
    #[error("the study's own protocol cannot be used ({0})")]
    OwnProtocol(String),
    /// An allocation secret given where it cannot serve (its reason).
    #[error("the allocation secret: {0}")]
    Allocation(String),
    /// The record holds no study (or no protocol): not initialised.
    #[error("holds no {0}")]
    Empty(&'static str),
    #[error("cannot write '{}': {error}", path.display())]
    Manifest {
        path: PathBuf,
        error: std::io::Error,
    },
}

/// `cletrial 0.9.0 (abc1234 2026-12-06)`: what a report or export says wrote it, from the version.
pub fn written_by(version: &str) -> String {
    format!("cletrial {version}")
}
