//! `cletrial import`: a CSV file (for example a REDCap export) into the study record, through a
//! TOML mapping file, all or nothing.
//!
//! Codemap: `mapping` reads the mapping file and the CSV rows, `form` says what each form
//! takes, `apply` keys the rows and runs them in one batch, `reader` reads a row's typed
//! cells, `outcome` counts and reports. Each form has one module: `subject` (screening and
//! enrolment), `visit`, `dose` (dose changes), and `records`, the one generic path of every
//! form whose rows are subject records (`clinical`: labs, adverse events, protocol events,
//! dispositions, nerve conduction studies; `scores`: CLASI and SLEDAI-2K).
//!
//! Every row becomes one command of one [`store::Batch`], the command the pages and the API
//! call for the same act, so it is checked by the same rules as a form. Rows are tried one by one and every refusal is collected with its line, column and
//! reason; when any row is refused nothing is written and the command exits 1 with the report.
//! A row's record is found by its key (subject, visit, the form's own key field, repeat), so
//! importing the same file again writes nothing, and a changed value becomes an audited change
//! carrying the import's reason. The mapping format is `mapping`'s documentation and
//! `examples/import/`.

mod apply;
mod clinical;
mod dose;
mod form;
mod mapping;
pub(crate) mod outcome;
mod reader;
mod records;
mod scores;
mod subject;
mod visit;

use std::path::PathBuf;

use clap::Args;

use crate::help::examples;
use crate::io::block_on;
use crate::io::{CliError, CmdResult, print_json, read_text};
use crate::store_cmd::{ActorArgs, open_as};

/// Import a CSV file (for example a REDCap export) through a mapping file, all or nothing.
///
/// One file holds one form: subject, visit, clasi, sledai, dose, lab, adverse_event,
/// protocol_event, disposition, nerve_conduction_study, conmed or questionnaire (the mapping's
/// `form`; fields in examples/import/README.md). Every row is checked by the same rules as the
/// forms; when any row is refused, nothing is written and the rejected rows are listed with
/// line, column and reason (exit 1). Importing the same file again writes nothing; a changed value is an
/// audited change with --reason; a cell mapped to `<form>.entered_in_error` marks the row's
/// record entered in error, with the cell as the reason. Import subjects first; a record at a
/// visit creates the visit when missing. Your password is read from CLETRIAL_PASSWORD or typed
/// at a prompt.
#[derive(Debug, Args)]
#[command(after_help = examples!(
    r#"cletrial import --db cletrial-demo.db --as investigator --input examples/import/subjects.csv --mapping examples/import/subjects.toml --reason "paper CRFs of site S01 entered in REDCap""#,
    r#"cletrial import --db cletrial-demo.db --as investigator --input examples/import/labs.csv --mapping examples/import/labs.toml --reason "paper CRFs of site S01 entered in REDCap""#
))]
pub struct ImportArgs {
    #[command(flatten)]
    actor: ActorArgs,
    /// The CSV file (first line: column names).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// The mapping file (TOML): form, keys, columns, code lists, missing codes, date format
    /// (examples/import/*.toml).
    #[arg(long, value_name = "FILE")]
    mapping: PathBuf,
    /// Why the data are imported; recorded on every event the import writes.
    #[arg(long)]
    reason: String,
}

pub fn import(args: ImportArgs) -> CmdResult {
    let mapping = mapping::Mapping::parse(&read_text("--mapping", &args.mapping)?)?;
    let text = read_text("--input", &args.input)?;
    let rows = mapping.read(&text)?;
    store::Reason::new(&args.reason)?;
    block_on(async move {
        let (store, actor) = open_as(&args.actor).await?;
        let outcome = apply::apply(&store, &actor, &mapping, &rows, &args.reason).await;
        store.close().await;
        match outcome? {
            outcome::Outcome::Imported(counts) => print_json(&counts),
            outcome::Outcome::Rejected(report) => {
                print_json(&report)?;
                // A row may be refused for several reasons: count the rows.
                let lines: std::collections::BTreeSet<u64> = report
                    .rejected
                    .iter()
                    .map(|rejection| rejection.line)
                    .collect();
                Err(anyhow::format_err!(
                    "{} of {} rows rejected ({} problems listed); nothing was imported",
                    lines.len(),
                    report.rows,
                    report.rejected.len()
                )
                .into())
            }
        }
    })
}

/// Why the input cannot be read at all (exit 2), naming the place.
fn input_error(place: &str, message: impl std::fmt::Display) -> CliError {
    CliError::input(format!("{place}: {message}"))
}
