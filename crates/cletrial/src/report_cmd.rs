//! `cletrial report`: the study report from the record (`--db`), from its tidy CSV tables (`--csv`,
//! as `cletrial export --format csv` and `cletrial simulate --format tidy` write them) or from the
//! published cohort (`--published`). This module reads each subject into an
//! `analysis::snapshot::SubjectSnapshot`, streams it into an `analysis::report::Builder` and writes
//! the files `analysis::render` produces; every number is computed in `analysis`.

mod tidy_in;

use std::io::IsTerminal;
use std::path::PathBuf;

use analysis::published::Cohort;
use analysis::report::{Report, ReportError, Settings, build};
use analysis::snapshot::{Snapshot, Source};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use outputs::OutputError;
use outputs::report::{builder, create_dir, definitions, finish, flush, open_input};
use store::{DbUrl, Store};

use crate::help::examples;
use crate::io::{CliError, CmdResult, block_on, read_text};
use crate::protocol_cmd::load_protocol;

/// Write the study report from a record, its tidy CSV tables or the published cohort.
///
/// The report is the protocol's [analysis]: its displays in order (participant flow, baseline,
/// results, listings, figures, safety), each result computed by the statistic the protocol names.
/// Files: index.html (self-contained: inline SVG, no script, no external resource), report.md,
/// results.json (every number, each statistic with its method and its input file),
/// tables/*.csv (each display's tables, and tables/input_<result>.csv: the rows each statistic
/// was computed from, to recompute it in R or SciPy) and figures/*.svg.
///
/// The protocol is the study's own with --db or --csv (the tables' protocol.toml), the
/// lenalidomide trial's (nct01408199) with --published, or --protocol.
///
/// With --csv, the tables are read in one pass, one thread per table, a subject at a time. The
/// listings keep the first --list subjects and the swimmer plot the first --lanes; the report says
/// so. Each table must list its subjects in subject.csv's order, as both writers do.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = examples!(
    "cletrial report --published --out report-published",
    "cletrial report --db cletrial-demo.db --out report",
    "cletrial report --db cletrial-demo.db --out report --protocol protocols/nct01408199.toml",
    "cletrial export --db cletrial-demo.db --format csv --out tables && cletrial report --csv tables --out report"
))]
#[command(group(clap::ArgGroup::new("source").required(true).args(["db", "published", "csv"])))]
pub struct ReportArgs {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Report on the paper's published cohort (data/published) instead of a study record.
    #[arg(long)]
    published: bool,
    /// A folder of tidy CSV tables (subject.csv, visit.csv, clasi.csv, ...); the protocol is the
    /// folder's protocol.toml (written by export and simulate --format tidy) unless --protocol
    /// names one, the study code the folder's name.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// The folder to write (created when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The protocol whose [analysis] and definitions apply (a TOML path or a shipped name);
    /// default: the study's own.
    #[arg(long, value_name = "PROTOCOL")]
    protocol: Option<String>,
    /// Subjects listed in the per-subject listings (every statistic counts all subjects).
    #[arg(long, value_name = "N", default_value_t = Settings::default().listed_subjects)]
    list: usize,
    /// Lanes of the swimmer plot (the first subjects).
    #[arg(long, value_name = "N", default_value_t = Settings::default().swimmer_lanes)]
    lanes: usize,
    /// Do not show a progress bar.
    #[arg(long)]
    quiet: bool,
    /// A randomised study's allocation secret (as `allocation secret` wrote it and `allocation
    /// register` registered it): the report is then the unblinded statistician's, with every
    /// result also within each arm (each arm's input files in arms/<code>/tables/) and each
    /// proportion compared between two arms by Fisher's exact test. Without it the report is
    /// blinded (arms pooled). Only with --db.
    #[arg(long, value_name = "FILE", requires = "db")]
    allocation_secret_file: Option<std::path::PathBuf>,
}

pub fn run(args: ReportArgs) -> CmdResult {
    let settings = Settings {
        listed_subjects: args.list,
        swimmer_lanes: args.lanes,
        ..Settings::default()
    };
    let report = match (&args.db, &args.csv) {
        (Some(db), _) => {
            let url = DbUrl::parse(db)?;
            block_on(report_record(&url, &args, settings))?
        }
        (None, Some(dir)) => {
            // The tables say which protocol they were recorded under; --protocol overrides.
            let own = dir.join(crate::export_cmd::PROTOCOL_FILE);
            let own = match (&args.protocol, own.exists()) {
                (None, false) => {
                    return Err(CliError::input(format!(
                        "--csv: {} has no {} (the export and simulate --format tidy write it), so the tables do not say which protocol defines the analysis; name it with --protocol",
                        dir.display(),
                        crate::export_cmd::PROTOCOL_FILE
                    )));
                }
                (None, true) => Some(read_text("--csv", &own)?),
                (Some(_), _) => None,
            };
            let protocol = protocol_of(&args, own.as_deref())?;
            let study = dir
                .canonicalize()
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "study".to_owned());
            let cohort = dir.join(crate::export_cmd::COHORT_FILE);
            let source = match std::fs::read_to_string(&cohort).unwrap_or_default().trim() {
                "demo" => Source::Demo,
                "synthetic" => Source::Synthetic,
                _ => Source::Record,
            };
            let title = format!(
                "{}: the study's tidy CSV tables ({study})",
                protocol.file().study.title
            );
            let mut builder = builder(&study, &title, source, &protocol, settings, &args.out)?;
            tidy_in::read(dir, |subject| {
                match subject.enrolment_date {
                    Some(_) => builder.add(&subject).map_err(report_error)?,
                    None => builder.add_not_enrolled(),
                }
                Ok(())
            })?;
            finish(builder)?
        }
        (None, None) => {
            let cohort = Cohort::shipped().map_err(|e| CliError::Other(e.into()))?;
            let snapshot = Snapshot::from_published(&cohort);
            let protocol = protocol_of(&args, None)?;
            create_dir(&args.out.join("tables"))?;
            let (report, inputs) = build(
                &snapshot,
                protocol.analysis(),
                definitions(&protocol).as_ref(),
                settings,
                |path| open_input(&args.out, path),
            )
            .map_err(report_error)?;
            flush(inputs)?;
            report
        }
    };
    let report = Report {
        written_by: crate::version::WRITTEN_BY.to_owned(),
        ..report
    };
    let files = outputs::report::write(&report, &args.out)?;
    eprintln!(
        "wrote {files} files to {} ({} subjects)",
        args.out.display(),
        report.flow.enrolled
    );
    Ok(())
}

fn report_error(error: ReportError) -> CliError {
    OutputError::from(error).into()
}

/// The protocol whose analysis applies: --protocol, else the study's own, else the lenalidomide
/// trial's.
fn protocol_of(args: &ReportArgs, own: Option<&str>) -> Result<protocol::Protocol, CliError> {
    match (&args.protocol, own) {
        (Some(spec), _) => load_protocol(spec),
        (None, Some(text)) => protocol::Protocol::from_toml(text)
            .map_err(|error| OutputError::OwnProtocol(error.to_string()).into()),
        (None, None) => load_protocol("nct01408199"),
    }
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} subjects read, ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The report of the whole record, read a subject at a time.
async fn report_record(
    url: &DbUrl,
    args: &ReportArgs,
    settings: Settings,
) -> Result<Report, CliError> {
    let secret = args
        .allocation_secret_file
        .as_deref()
        .map(|file| crate::allocation_cmd::read_secret("--allocation-secret-file", file))
        .transpose()?;
    let store = Store::open_read_only(url).await?;
    let result = async {
        let protocol = match &args.protocol {
            Some(spec) => Some(load_protocol(spec)?),
            None => None,
        };
        let mut bar = None;
        let report = outputs::report::from_record(
            &store,
            protocol,
            settings,
            &args.out,
            crate::version::VERSION,
            secret.as_ref(),
            |read, total| {
                bar.get_or_insert_with(|| progress_bar(total, args.quiet))
                    .set_position(read);
            },
        )
        .await?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        Ok(report)
    }
    .await;
    store.close().await;
    result
}
