//! `cletrial reproduce`: the trial paper's numbers recomputed from its own tables.

use std::path::PathBuf;

use analysis::published::Cohort;
use analysis::reproduce::{Item, Status, reproduce};
use clap::Args;
use serde::Serialize;

use crate::help::examples;
use crate::io::{CliError, CmdResult, print_json, read_text};

/// Recompute the trial paper's numbers from its own tables, beside the printed figures.
///
/// Recompute every number of the lenalidomide trial paper (Cortés-Hernández 2012, NCT01408199) that follows
/// from its Tables 1-3 and print it beside the published figure.
///
/// Each line says `agree` when the recomputed value, rounded as the paper printed it, equals the printed
/// figure, and `differs` otherwise, with the reason: the paper's rounding, or its text disagreeing with its
/// own table. The transcribed tables ship inside cletrial (see data/published/README.md); `--data` points at
/// another transcription with the same columns.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = examples!("cletrial reproduce", "cletrial reproduce --json"))]
pub struct ReproduceArgs {
    /// Print JSON: {"items": [{"id", "published", "computed", "status", "note", "source"}]}.
    #[arg(long)]
    json: bool,
    /// A folder holding table1_baseline.csv, table2_response.csv and table3_adverse_events.csv.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
}

/// What `reproduce --json` prints.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Output {
    items: Vec<Item>,
}

pub fn run(args: ReproduceArgs) -> CmdResult {
    let cohort = match &args.data {
        None => Cohort::shipped().map_err(|e| CliError::Other(e.into()))?,
        Some(dir) => {
            let read = |name: &str| read_text("--data", &dir.join(name));
            Cohort::parse(
                &read("table1_baseline.csv")?,
                &read("table2_response.csv")?,
                &read("table3_adverse_events.csv")?,
            )
            .map_err(|e| CliError::input(format!("--data: {e}")))?
        }
    };
    let items = reproduce(&cohort);
    if args.json {
        return print_json(&Output { items });
    }
    print_table(&items);
    Ok(())
}

fn print_table(items: &[Item]) {
    let id_width = items.iter().map(|i| i.id.len()).max().unwrap_or(0);
    let published_width = items
        .iter()
        .map(|i| i.published.chars().count().min(24))
        .max()
        .unwrap_or(0);
    for item in items {
        let computed = item
            .computed
            .map_or_else(|| "-".to_owned(), |value| format!("{value:.2}"));
        let status = match item.status {
            Status::Agree => "agree",
            Status::Differs => "DIFFERS",
        };
        let published: String = item.published.chars().take(24).collect();
        println!(
            "{:id_width$}  {published:published_width$}  {computed:>8}  {status:7}  {}",
            item.id, item.note
        );
    }
    let differing = items.iter().filter(|i| i.status == Status::Differs).count();
    println!(
        "\n{} figures: {} agree, {differing} differ.",
        items.len(),
        items.len() - differing
    );
}
