//! `cletrial report`: the study report from the record (`--db`) or from the published cohort
//! (`--published`). This module reads the record into an `analysis::snapshot::Snapshot` and writes the
//! files `analysis::render` produces; every number is computed in `analysis`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use analysis::derive::Definitions;
use analysis::published::Cohort;
use analysis::render::render;
use analysis::report::{BaselineTest, CrPopulation, Settings, build};
use analysis::snapshot::{
    AdverseEventEntry, DecisionEntry, DispositionEntry, DoseSpan, LabGrade, Measure, Sex, Snapshot,
    Source, SubjectSnapshot, SubtypeGroup, VisitPoint,
};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::civil::Date;
use store::{
    AdverseEvent, ClasiAssessment, DbUrl, Disposition, DosePeriod, LabResult, ProtocolDecision,
    Store, StoreError,
};

use crate::io::{CliError, CmdResult, block_on};
use crate::protocol_cmd::load_protocol;

/// Write the study report: index.html (self-contained: inline SVG, no script, no external resource),
/// report.md, results.json (every number, each statistic with its method), tables/*.csv and
/// figures/*.svg.
///
/// Response and relapse follow the protocol's [treatment.response] definitions: the study's own
/// protocol with --db, the lenalidomide trial's (nct01408199) with --published, or --protocol.
///
/// Examples:
///   cletrial report --published --out report-published
///   cletrial report --db study.sqlite --out report
///   cletrial report --db study.sqlite --out report --baseline-test wilcoxon
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(
        long,
        value_name = "URL",
        required_unless_present = "published",
        conflicts_with = "published"
    )]
    db: Option<String>,
    /// Report on the paper's published cohort (data/published) instead of a study record.
    #[arg(long)]
    published: bool,
    /// The folder to write (created when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The protocol whose definitions apply (a TOML path or a shipped name); default: the study's own.
    #[arg(long, value_name = "PROTOCOL")]
    protocol: Option<String>,
    /// The test of each visit's CLASI against baseline in Figure 2 (paper: "t test").
    #[arg(long, value_enum, default_value_t = TestArg::PairedT)]
    baseline_test: TestArg,
    /// Who the complete-response rate counts (paper: the evaluable patients, 12 of 14).
    #[arg(long, value_enum, default_value_t = PopulationArg::Evaluable)]
    cr_population: PopulationArg,
    /// Do not show a progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TestArg {
    PairedT,
    Wilcoxon,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PopulationArg {
    Evaluable,
    All,
}

pub fn run(args: ReportArgs) -> CmdResult {
    let settings = Settings {
        baseline_test: match args.baseline_test {
            TestArg::PairedT => BaselineTest::PairedT,
            TestArg::Wilcoxon => BaselineTest::Wilcoxon,
        },
        cr_population: match args.cr_population {
            PopulationArg::Evaluable => CrPopulation::Evaluable,
            PopulationArg::All => CrPopulation::All,
        },
        ..Settings::default()
    };
    let (snapshot, protocol_text) = match &args.db {
        None => {
            let cohort = Cohort::shipped().map_err(|e| CliError::Other(e.into()))?;
            (Snapshot::from_published(&cohort), None)
        }
        Some(db) => {
            let url = DbUrl::parse(db)?;
            block_on(read_record(&url, args.quiet))?
        }
    };
    let protocol = match (&args.protocol, protocol_text) {
        (Some(spec), _) => load_protocol(spec)?,
        (None, Some(text)) => protocol::Protocol::from_toml(&text).map_err(|error| {
            CliError::input(format!(
                "--protocol: the study's own protocol cannot be used ({error}); name one with --protocol"
            ))
        })?,
        (None, None) => load_protocol("nct01408199")?,
    };
    let algorithm = protocol.algorithm().ok_or_else(|| {
        CliError::input(format!(
            "--protocol: {} has no [treatment] section, so response and relapse are not defined",
            protocol.id()
        ))
    })?;
    let report = build(&snapshot, &Definitions::from_protocol(algorithm), settings)
        .map_err(|error| CliError::input(error.to_string()))?;
    let rendered = render(&report);
    let results = serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?;
    let mut files = vec![
        ("index.html".to_owned(), rendered.html),
        ("report.md".to_owned(), rendered.markdown),
        ("results.json".to_owned(), results + "\n"),
    ];
    files.extend(rendered.tables);
    files.extend(rendered.figures);
    for sub in ["tables", "figures"] {
        create_dir(&args.out.join(sub))?;
    }
    for (name, text) in &files {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|error| {
            CliError::input(format!("--out: cannot write '{}': {error}", path.display()))
        })?;
    }
    eprintln!(
        "wrote {} files to {} ({} subjects)",
        files.len(),
        args.out.display(),
        snapshot.subjects.len()
    );
    Ok(())
}

fn create_dir(dir: &Path) -> CmdResult {
    std::fs::create_dir_all(dir).map_err(|error| {
        CliError::input(format!("--out: cannot create '{}': {error}", dir.display()))
    })
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

/// The whole record as a snapshot, and the study's protocol text.
async fn read_record(url: &DbUrl, quiet: bool) -> Result<(Snapshot, Option<String>), CliError> {
    let store = Store::open(url).await?;
    let study = store.study().await?;
    let subjects = store.subjects().await?;
    let bar = progress_bar(subjects.len() as u64, quiet);
    let mut snapshots = Vec::with_capacity(subjects.len());
    for subject in &subjects {
        snapshots.push(read_subject(&store, subject).await?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    store.close().await;
    Ok((
        Snapshot {
            study: study.code,
            title: study.title,
            source: Source::Record,
            subjects: snapshots,
        },
        Some(study.protocol_text),
    ))
}

fn data<T>(stored: Vec<store::Stored<T>>) -> Vec<T> {
    stored.into_iter().map(|s| s.data).collect()
}

/// One subject. Day 0 is the first dose (else enrolment, else screening); the baseline CLASI is the
/// last assessment on or before day 0.
async fn read_subject(
    store: &Store,
    subject: &store::Subject,
) -> Result<SubjectSnapshot, StoreError> {
    let id = subject.id;
    let visits = store.visits_of(id).await?;
    let clasi: Vec<ClasiAssessment> = data(store.records_of(id).await?);
    let doses: Vec<DosePeriod> = data(store.records_of(id).await?);
    let events: Vec<AdverseEvent> = data(store.records_of(id).await?);
    let labs: Vec<LabResult> = data(store.records_of(id).await?);
    let decisions: Vec<ProtocolDecision> = data(store.records_of(id).await?);
    let disposition: Vec<Disposition> = data(store.records_of(id).await?);
    let first_dose = doses.iter().map(|d| d.start_date).min();
    let start = first_dose
        .or(subject.data.enrolment_date)
        .unwrap_or(subject.data.screening_date);
    let day = |date: Date| (date - start).get_days() as i64;
    let total =
        |score: Option<u8>| score.map_or(Measure::Unknown, |s| Measure::Value(f64::from(s)));
    let baseline = clasi
        .iter()
        .filter(|c| c.assessed_on <= start)
        .max_by_key(|c| c.assessed_on);
    let mut points: Vec<VisitPoint> = visits
        .iter()
        .filter_map(|visit| {
            let date = visit.data.actual_date?;
            if date <= start {
                return None;
            }
            let assessed = clasi.iter().find(|c| c.visit_id == visit.id);
            Some(VisitPoint {
                name: visit.data.name.clone(),
                day: day(date),
                activity: assessed.map_or(Measure::NotDone, |c| total(c.activity())),
                damage: assessed.map_or(Measure::NotDone, |c| total(c.damage())),
            })
        })
        .collect();
    points.sort_by_key(|p| p.day);
    let dates = visits
        .iter()
        .filter_map(|v| v.data.actual_date)
        .chain(doses.iter().map(|d| d.end_date.unwrap_or(d.start_date)))
        .chain(events.iter().map(|e| e.end_date.unwrap_or(e.start_date)))
        .chain(labs.iter().map(|l| l.collected_on))
        .chain(disposition.iter().map(|d| d.disposition_date));
    Ok(SubjectSnapshot {
        id: subject.data.code.clone(),
        sex: match subject.data.sex {
            store::Sex::Female => Some(Sex::F),
            store::Sex::Male => Some(Sex::M),
            store::Sex::Unknown => None,
        },
        subtype: subject.data.subtype.map(SubtypeGroup::of),
        enrolment_date: subject.data.enrolment_date.map(|d| d.to_string()),
        start_date: first_dose.map(|d| d.to_string()),
        baseline_activity: baseline.map_or(Measure::NotDone, |c| total(c.activity())),
        baseline_damage: baseline.map_or(Measure::NotDone, |c| total(c.damage())),
        visits: points,
        doses: doses
            .iter()
            .map(|d| DoseSpan {
                start_day: day(d.start_date),
                end_day: d.end_date.map(day),
                mg_per_day: d.daily_dose_mg.as_f64(),
            })
            .collect(),
        adverse_events: events
            .iter()
            .map(|e| AdverseEventEntry {
                term: e.term.clone(),
                start_day: Some(day(e.start_date)),
                grade: Some(e.grade.number()),
                serious: Some(e.serious),
                causality: e.causality.code().to_owned(),
            })
            .collect(),
        labs: labs
            .iter()
            .map(|l| LabGrade {
                test: l.test.clone(),
                day: day(l.collected_on),
                grade: l.ctcae_grade().ok().flatten().map(|g| g.number()),
            })
            .collect(),
        decisions: decisions
            .iter()
            .map(|d| DecisionEntry {
                day: day(d.decided_on),
                phase: d.phase.clone(),
            })
            .collect(),
        disposition: disposition.last().map(|d| DispositionEntry {
            day: day(d.disposition_date),
            status: d.status.code().to_owned(),
        }),
        last_day: dates.max().map(day),
        reported: None,
    })
}
