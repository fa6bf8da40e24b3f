//! Study data in the formats statisticians and regulators read. The writers are pure: they take
//! any `std::io::Write` and rows one at a time, so a study of any size streams through them. The
//! one reader, `tidy::read`, reads a folder of tidy tables from disk, on threads of its own.
//!
//! Codemap:
//! - `dataset`: variables (with a SAS date's display format), cells, a dataset's keys, and the
//!   four kinds of missing (blank, not done, not applicable, unknown) every format keeps apart.
//! - `xpt`: SAS XPORT version 5 transport files (IBM floating point, 80-byte records).
//! - `dataset_json`: CDISC Dataset-JSON v1.1, `.json` or `.ndjson`, of any dataset (SDTM or
//!   ADaM), rows streamed and `records` filled in at the end.
//! - `source`: what the writers read (forms, a subject's casebook, audit events).
//! - `arms`: the arm DM gives each subject: the single arm, or a randomised study's arms written
//!   blinded (`BLINDED`) or unblinded (with the allocation secret).
//! - `sdtm`: the SDTM domains (DM, SV, EX, AE, LB, RS, DS, IE, DV, CM, QS and SUPP--, the CLE
//!   subtype in SUPPDM; `sdtm::qs` the outcome instruments, scored under the protocol's
//!   `[outcomes]`, DLQI under CDISC's test codes with its band in SUPPQS; `sdtm::lb` LB's test code and name of each of the protocol's `[[labs]]`,
//!   CDISC's where CDISC has the test) built per subject, with their variable metadata; `sdtm::SdtmFiles`
//!   writes any list of datasets (SDTM or ADaM) as CSV, XPT or Dataset-JSON, one file each.
//! - `define`: Define-XML 2.1 for the SDTM (and ADaM) datasets: datasets with their files,
//!   variables with origins and methods, CDISC and sponsor codelists with NCI codes, and the
//!   value-level metadata of the CLASI and SLEDAI-2K results in RS (`define::sdtm` describes the
//!   SDTM domains, `define::adam` the ADaM datasets, `define::ct` holds the codelists;
//!   `define::published`, for tests only, checks every CDISC code against the NCI EVS release
//!   vendored in `scripts/peers/ct`).
//! - `adam`: the ADaM datasets ADSL, ADRS, ADTTE and ADAE (ADaMIG v1.3), derived a subject at a
//!   time from that subject's SDTM rows under the protocol's response definitions
//!   (`protocol::endpoint`, as the report), ADRS with the CLASI-50/70 responders of a study
//!   with `[outcomes]`; `adam::course` is what they share, one module per dataset, every
//!   variable with its origin for Define-XML.
//! - `odm`: CDISC ODM 1.3.2, transactional archive of every subject's data with audit records
//!   and signatures.
//! - `audit`: the audit trail as CSV.
//! - `photos`: the lesion photograph manifest (subject, visit, CLASI area, SHA-256, media type,
//!   size, date taken, the central readings' scores), never the image bytes.
//! - `tidy`: one CSV table per form keyed by subject, visit and repeat, and the data dictionary;
//!   `tidy::read` reads a folder of them back, a subject at a time.

pub mod adam;
pub mod arms;
pub mod audit;
pub mod dataset;
pub mod dataset_json;
pub mod define;
pub mod odm;
pub mod photos;
pub mod sdtm;
pub mod source;
pub mod tidy;
pub mod xpt;

pub use dataset::{Cell, Dataset, Missing, Origin, VarType, Variable};
pub use xpt::XptWriter;

/// What can go wrong while exporting.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A value or definition the format cannot hold, naming where it is.
    #[error("{what}: {problem}")]
    Invalid { what: String, problem: String },
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
}

impl ExportError {
    pub fn invalid(what: impl Into<String>, problem: impl Into<String>) -> ExportError {
        ExportError::Invalid {
            what: what.into(),
            problem: problem.into(),
        }
    }

    /// The same problem, placed more precisely (`number` becomes `DM.AGE (row 3)`).
    pub fn at(self, what: impl Into<String>) -> ExportError {
        match self {
            ExportError::Invalid { problem, .. } => ExportError::Invalid {
                what: what.into(),
                problem,
            },
            other => other,
        }
    }
}
