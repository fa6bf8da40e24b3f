//! `cletrial export`: the study record as tidy CSV, SDTM (CSV, SAS transport or Dataset-JSON,
//! or SAS transport with its Define-XML 2.1), ADaM (SAS transport), a submission folder of both,
//! CDISC ODM 1.3.2 or the audit trail as CSV. One read transaction, subjects a page at a time: a study of any size streams
//! through (`store::stream` reads, `export` writes).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use store::{DbUrl, Store};

use crate::help::examples;
use crate::io::{CliError, CmdResult, print_json};

pub(crate) use outputs::export::{
    COHORT_FILE, PROTOCOL_FILE, Summary, entry, forms, write_manifest,
};

/// Write the study's data in a format statisticians and regulators read.
///
/// Formats (files written into --out):
///   csv    one tidy table per form (subject.csv, visit.csv, clasi.csv, lab.csv, ...) keyed by
///          subject, visit and repeat; dictionary.csv describes every column, missing_codes.csv
///          the codes NOT DONE, NOT APPLICABLE and UNKNOWN (an empty cell: nothing recorded),
///          protocol.toml the protocol in force (report --csv reads its definitions from it)
///   sdtm   SDTM domains DM, SV, EX, AE, LB, RS, DS, IE, DV, CM, QS and their SUPP-- qualifiers
///          (SUPPDM: the CLE subtype; SUPPQS: the DLQI score's band) as CSV (dm.csv, ...) and
///          variables.csv
///   xpt    the same domains as SAS transport v5 files (dm.xpt, ...) and variables.csv
///   dataset-json
///          the same domains as CDISC Dataset-JSON v1.1 (dm.json, ...) and variables.csv: the
///          values of the transport files, every missing value null (why is in --STAT/--ORRES)
///   dataset-ndjson
///          the same as dataset-json in its newline-delimited form for large datasets (dm.ndjson:
///          a line of metadata, then one line per row)
///   define the xpt files with define.xml: Define-XML 2.1 describing each dataset and its file,
///          variables with origins and derivations, CDISC codelists with NCI codes, and the
///          CLASI and SLEDAI-2K results test by test
///   adam   ADaM datasets derived from those domains under the study's protocol, as SAS
///          transport v5 files: adsl.xpt (one row per subject: populations, treatment,
///          subtype, baseline, best response), adrs.xpt (CLASI activity and response per visit, best
///          response), adtte.xpt (time to complete response, time to relapse, with censoring),
///          adae.xpt; variables.csv gives each variable's origin and method, and define.xml
///          (Define-XML 2.1, ADaMIG 1.3) each dataset's class, structure, keys and file, the
///          derivations and the codelists. Dates are SAS dates (days since 1960-01-01) with the
///          format DATE9. A protocol without response definitions gets ADSL and ADAE only;
///          export.json's not_written says which datasets and why
///   submission
///          a submission folder written in one pass: sdtm/ (the SDTM domains as xpt and
///          Dataset-JSON side by side, variables.csv, define.xml) and adam/ (the ADaM datasets
///          the same way), each folder with its own define.xml as the FDA's Study Data
///          Technical Conformance Guide lays them out
///   odm    odm.xml: CDISC ODM 1.3.2, metadata and every subject's data with audit records and
///          signatures (a transactional archive)
///   audit  audit_trail.csv: every audit event as stored, with subject and site codes
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = examples!(
    "cletrial export --db cletrial-demo.db --format xpt --out export/xpt",
    "cletrial export --db cletrial-demo.db --format submission --out export/submission",
    "cletrial export --db cletrial-demo.db --format define --out export/define",
    "cletrial export --db cletrial-demo.db --format dataset-json --out export/json",
    "cletrial export --db cletrial-demo.db --format csv --out export/csv"
))]
pub struct ExportArgs {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    db: String,
    /// What to write.
    #[arg(long, value_enum)]
    format: Format,
    /// The folder to write into (created when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Subjects read at a time: memory use grows with it, database round trips shrink.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    page_subjects: i64,
    /// A randomised study's allocation secret (as `allocation secret` wrote it and `allocation
    /// register` registered it): SDTM DM and ADaM ADSL then give each randomised subject's arm.
    /// Without it they say BLINDED, and export.json says which (`allocation`). Only the SDTM and
    /// ADaM formats take it.
    #[arg(long, value_name = "FILE")]
    allocation_secret_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Csv,
    Sdtm,
    Xpt,
    DatasetJson,
    DatasetNdjson,
    Define,
    Adam,
    Submission,
    Odm,
    Audit,
}

impl From<Format> for outputs::export::Format {
    fn from(format: Format) -> outputs::export::Format {
        use outputs::export::Format as F;
        match format {
            Format::Csv => F::Csv,
            Format::Sdtm => F::Sdtm,
            Format::Xpt => F::Xpt,
            Format::DatasetJson => F::DatasetJson,
            Format::DatasetNdjson => F::DatasetNdjson,
            Format::Define => F::Define,
            Format::Adam => F::Adam,
            Format::Submission => F::Submission,
            Format::Odm => F::Odm,
            Format::Audit => F::Audit,
        }
    }
}

pub fn run(args: ExportArgs) -> CmdResult {
    let url = DbUrl::parse(&args.db)?;
    std::fs::create_dir_all(&args.out).map_err(|error| {
        CliError::input(format!(
            "out: cannot create '{}' ({error})",
            args.out.display()
        ))
    })?;
    let secret = args
        .allocation_secret_file
        .as_deref()
        .map(|file| crate::allocation_cmd::read_secret("--allocation-secret-file", file))
        .transpose()?;
    let summary = crate::io::block_on(async {
        let store = Store::open_read_only(&url).await?;
        let result = outputs::export::write(
            &store,
            args.format.into(),
            &args.out,
            args.page_subjects,
            crate::version::VERSION,
            secret.as_ref(),
        )
        .await;
        store.close().await;
        Ok(result?)
    })?;
    print_json(&summary)
}
