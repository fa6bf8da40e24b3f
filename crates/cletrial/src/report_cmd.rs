//! `cletrial report`: the study report from the record (`--db`), from its tidy CSV tables (`--csv`,
//! as `cletrial export --format csv` and `cletrial simulate --format tidy` write them) or from the
//! published cohort (`--published`). This module reads each subject into an
//! `analysis::snapshot::SubjectSnapshot`, streams it into an `analysis::report::Builder` and writes
//! the files `analysis::render` produces; every number is computed in `analysis`.

mod tidy_in;

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use analysis::derive::Definitions;
use analysis::published::Cohort;
use analysis::render::render;
use analysis::report::{Builder, Inputs, Report, ReportError, Settings, build};
use analysis::snapshot::{
    AdverseEventEntry, DecisionEntry, DispositionEntry, DoseSpan, LabGrade, Measure,
    MedicationSpan, Name, NerveStudy, Sex, Snapshot, Source, SubjectSnapshot, SubtypeGroup,
    VisitPoint,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use instruments::medication::Regimen;
use jiff::civil::Date;
use protocol::history::NerveFinding;
use store::{
    AdverseEvent, BirthOrAge, ClasiAssessment, ConcomitantMedication, DbUrl, Decimal, Disposition,
    DosePeriod, LabResult, NerveConductionStudy, ProtocolDecision, Store, StoreError,
};

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
    write_report(&report, &args.out)
}

/// A result's input file, written as the subjects stream through.
fn open_input(out: &Path, path: &str) -> std::io::Result<BufWriter<File>> {
    File::create(out.join(path)).map(BufWriter::new)
}

fn report_error(error: ReportError) -> CliError {
    match error {
        ReportError::Write { .. } => CliError::input(format!("--out: {error}")),
        other => CliError::input(other.to_string()),
    }
}

fn flush(inputs: Inputs<BufWriter<File>>) -> CmdResult {
    for (path, mut writer) in inputs {
        writer
            .flush()
            .map_err(|error| report_error(ReportError::Write { path, error }))?;
    }
    Ok(())
}

fn finish(builder: Builder<BufWriter<File>>) -> Result<Report, CliError> {
    let (report, inputs) = builder.finish().map_err(report_error)?;
    flush(inputs)?;
    Ok(report)
}

/// The protocol whose analysis applies: --protocol, else the study's own, else the lenalidomide
/// trial's.
fn protocol_of(args: &ReportArgs, own: Option<&str>) -> Result<protocol::Protocol, CliError> {
    match (&args.protocol, own) {
        (Some(spec), _) => load_protocol(spec),
        (None, Some(text)) => protocol::Protocol::from_toml(text).map_err(|error| {
            CliError::input(format!(
                "--protocol: the study's own protocol cannot be used ({error}); name one with --protocol"
            ))
        }),
        (None, None) => load_protocol("nct01408199"),
    }
}

/// The response and relapse definitions of a protocol with a treatment algorithm.
fn definitions(protocol: &protocol::Protocol) -> Option<Definitions> {
    protocol.algorithm().map(Definitions::from_protocol)
}

/// A report builder whose input files go to `out/tables/`.
fn builder(
    study: &str,
    title: &str,
    source: Source,
    protocol: &protocol::Protocol,
    settings: Settings,
    out: &Path,
) -> Result<Builder<BufWriter<File>>, CliError> {
    create_dir(&out.join("tables"))?;
    Builder::new(
        study,
        title,
        source,
        protocol.analysis(),
        definitions(protocol).as_ref(),
        settings,
        |path| open_input(out, path),
    )
    .map_err(report_error)
}

fn write_report(report: &Report, out: &Path) -> CmdResult {
    let rendered = render(report);
    let results = serde_json::to_string_pretty(report).map_err(anyhow::Error::from)?;
    let mut files = vec![
        ("index.html".to_owned(), rendered.html),
        ("report.md".to_owned(), rendered.markdown),
        ("results.json".to_owned(), results + "\n"),
    ];
    files.extend(rendered.tables);
    files.extend(rendered.figures);
    for sub in ["tables", "figures"] {
        create_dir(&out.join(sub))?;
    }
    for (name, text) in &files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|error| {
            CliError::input(format!("--out: cannot write '{}': {error}", path.display()))
        })?;
    }
    eprintln!(
        "wrote {} files to {} ({} subjects)",
        files.len() + report.results.len() + 2,
        out.display(),
        report.flow.enrolled
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

/// The report of the whole record, read a subject at a time.
async fn report_record(
    url: &DbUrl,
    args: &ReportArgs,
    settings: Settings,
) -> Result<Report, CliError> {
    let store = Store::open_read_only(url).await?;
    let result = async {
        let study = store.study().await?;
        let protocol = protocol_of(args, Some(&study.protocol_text))?;
        let source = if study.code.ends_with(crate::export_cmd::DEMO_SUFFIX) {
            Source::Demo
        } else {
            Source::Record
        };
        let mut builder = builder(
            &study.code,
            &study.title,
            source,
            &protocol,
            settings,
            &args.out,
        )?;
        let subjects = store.subjects().await?;
        let bar = progress_bar(subjects.len() as u64, args.quiet);
        for subject in &subjects {
            // Screened and never enrolled: counted, in no analysis.
            match subject.data.enrolment_date {
                Some(_) => builder
                    .add(&read_subject(&store, subject).await?)
                    .map_err(report_error)?,
                None => builder.add_not_enrolled(),
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        finish(builder)
    }
    .await;
    store.close().await;
    result
}

fn data<T>(stored: Vec<store::Stored<T>>) -> Vec<T> {
    stored.into_iter().map(|s| s.data).collect()
}

/// One subject's records as the report reads them, from the store or from the tidy tables.
struct SubjectRecords {
    code: String,
    sex: Option<Sex>,
    /// The birth date, or the age in years at screening.
    birth: Option<BirthOrAge>,
    subtype: Option<SubtypeGroup>,
    screening_date: Date,
    enrolment_date: Option<Date>,
    /// Visits: name and actual date.
    visits: Vec<(Name, Option<Date>)>,
    clasi: Vec<ClasiTotals>,
    /// (start, end, regimen).
    doses: Vec<(Date, Option<Date>, Regimen)>,
    events: Vec<EventRecord>,
    /// (test, collected on, value, CTCAE grade).
    labs: Vec<(Name, Date, Option<f64>, Option<u8>)>,
    medications: Vec<MedicationRecord>,
    /// (tested on, finding).
    nerve_studies: Vec<(Date, NerveFinding)>,
    /// (decided on, phase).
    decisions: Vec<(Date, String)>,
    /// (date, status code), in record order.
    dispositions: Vec<(Date, String)>,
}

/// A concomitant medication: the drug's id, its dates and mg a day (`None`: not in mg, or as
/// needed).
struct MedicationRecord {
    drug: Name,
    start: Option<Date>,
    end: Option<Date>,
    mg_per_day: Option<f64>,
}

/// A CLASI assessment's totals (`None`: an item was not assessed).
struct ClasiTotals {
    /// The position of its visit in `SubjectRecords::visits`.
    visit: Option<usize>,
    assessed_on: Date,
    activity: Option<u8>,
    damage: Option<u8>,
}

struct EventRecord {
    term: String,
    start: Date,
    end: Option<Date>,
    grade: u8,
    serious: bool,
    causality: String,
}

/// One subject from the store.
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
    let medications: Vec<ConcomitantMedication> = data(store.records_of(id).await?);
    let nerve_studies: Vec<NerveConductionStudy> = data(store.records_of(id).await?);
    let disposition: Vec<Disposition> = data(store.records_of(id).await?);
    Ok(snapshot_of(SubjectRecords {
        code: subject.data.code.clone(),
        sex: match subject.data.sex {
            store::Sex::Female => Some(Sex::F),
            store::Sex::Male => Some(Sex::M),
            store::Sex::Unknown => None,
        },
        birth: Some(subject.data.birth),
        subtype: subject.data.subtype.map(SubtypeGroup::of),
        screening_date: subject.data.screening_date,
        enrolment_date: subject.data.enrolment_date,
        clasi: clasi
            .iter()
            .map(|c| ClasiTotals {
                visit: visits.iter().position(|v| v.id == c.visit_id),
                assessed_on: c.assessed_on,
                activity: c.activity(),
                damage: c.damage(),
            })
            .collect(),
        visits: visits
            .into_iter()
            .map(|v| (Name::from(v.data.name), v.data.actual_date))
            .collect(),
        doses: doses
            .iter()
            .map(|d| (d.start_date, d.end_date, d.regimen))
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventRecord {
                grade: e.grade.number(),
                causality: e.causality.code().to_owned(),
                term: e.term.term().to_owned(),
                start: e.start_date,
                end: e.end_date,
                serious: e.serious,
            })
            .collect(),
        labs: labs
            .iter()
            .map(|l| {
                let grade = l.ctcae_grade().ok().flatten().map(|g| g.number());
                let value = l.value.value().map(Decimal::as_f64);
                (Name::from(l.test.as_str()), l.collected_on, value, grade)
            })
            .collect(),
        medications: medications
            .iter()
            .map(|m| MedicationRecord {
                drug: Name::lasting(m.drug.id()),
                start: m.start_date,
                end: m.end_date,
                mg_per_day: m.mg_per_day(),
            })
            .collect(),
        nerve_studies: nerve_studies
            .iter()
            .map(|n| (n.tested_on, n.finding.engine()))
            .collect(),
        decisions: decisions
            .into_iter()
            .map(|d| (d.decided_on, d.phase))
            .collect(),
        dispositions: disposition
            .into_iter()
            .map(|d| (d.disposition_date, d.status.code().to_owned()))
            .collect(),
    }))
}

/// The subject in study days. Day 0 is the first dose (else enrolment, else screening); the
/// baseline CLASI is the last assessment on or before day 0.
fn snapshot_of(r: SubjectRecords) -> SubjectSnapshot {
    let first_dose = r.doses.iter().map(|d| d.0).min();
    let start = first_dose.or(r.enrolment_date).unwrap_or(r.screening_date);
    let day = |date: Date| (date - start).get_days() as i64;
    let total =
        |score: Option<u8>| score.map_or(Measure::Unknown, |s| Measure::Value(f64::from(s)));
    let baseline = r
        .clasi
        .iter()
        .filter(|c| c.assessed_on <= start)
        .max_by_key(|c| c.assessed_on);
    let dates = r
        .visits
        .iter()
        .filter_map(|v| v.1)
        .chain(r.doses.iter().map(|d| d.1.unwrap_or(d.0)))
        .chain(r.events.iter().map(|e| e.end.unwrap_or(e.start)))
        .chain(r.labs.iter().map(|l| l.1))
        .chain(r.nerve_studies.iter().map(|n| n.0))
        .chain(r.dispositions.iter().map(|d| d.0));
    let last_day = dates.max().map(day);
    // The visits' names are moved into the points, not copied.
    let mut points: Vec<VisitPoint> = r
        .visits
        .into_iter()
        .enumerate()
        .filter_map(|(index, (name, date))| {
            let date = date?;
            if date <= start {
                return None;
            }
            let assessed = r.clasi.iter().find(|c| c.visit == Some(index));
            Some(VisitPoint {
                name,
                day: day(date),
                activity: assessed.map_or(Measure::NotDone, |c| total(c.activity)),
                damage: assessed.map_or(Measure::NotDone, |c| total(c.damage)),
            })
        })
        .collect();
    points.sort_by_key(|p| p.day);
    let age_years = r.birth.map(|birth| match birth {
        BirthOrAge::BirthDate(born) => {
            f64::from(protocol::eligibility::whole_years(born, start) as i32)
        }
        BirthOrAge::AgeYears(years) => years as f64,
    });
    SubjectSnapshot {
        id: r.code,
        sex: r.sex,
        age_years,
        subtype: r.subtype,
        enrolment_date: r.enrolment_date.map(|d| d.to_string()),
        start_date: first_dose.map(|d| d.to_string()),
        baseline_activity: baseline.map_or(Measure::NotDone, |c| total(c.activity)),
        baseline_damage: baseline.map_or(Measure::NotDone, |c| total(c.damage)),
        visits: points,
        doses: r
            .doses
            .iter()
            .map(|(start, end, regimen)| DoseSpan {
                start_day: day(*start),
                end_day: end.map(day),
                mg: regimen.amount.mg(),
                per_week: regimen.frequency.per_week().unwrap_or(0.0),
                regimen: regimen.dose_words(),
            })
            .collect(),
        adverse_events: r
            .events
            .into_iter()
            .map(|e| AdverseEventEntry {
                start_day: Some(day(e.start)),
                term: e.term,
                grade: Some(e.grade),
                serious: Some(e.serious),
                causality: e.causality,
            })
            .collect(),
        labs: r
            .labs
            .into_iter()
            .map(|(test, date, value, grade)| LabGrade {
                test,
                day: day(date),
                value,
                grade,
            })
            .collect(),
        medications: r
            .medications
            .into_iter()
            .map(|m| MedicationSpan {
                drug: m.drug,
                start_day: m.start.map(day),
                end_day: m.end.map(day),
                mg_per_day: m.mg_per_day,
            })
            .collect(),
        nerve_studies: r
            .nerve_studies
            .into_iter()
            .map(|(date, finding)| NerveStudy {
                day: day(date),
                finding,
            })
            .collect(),
        decisions: r
            .decisions
            .into_iter()
            .map(|(date, phase)| DecisionEntry {
                day: day(date),
                phase,
            })
            .collect(),
        disposition: r
            .dispositions
            .last()
            .map(|(date, status)| DispositionEntry {
                day: day(*date),
                status: status.clone(),
            }),
        last_day,
        reported: None,
    }
}
