//! `simulate`: a virtual cohort through the real protocol engine (model and engine in the
//! `simulate` and `protocol` crates). This module reads the options, streams the CSV files and
//! prints the JSON summary; the progress bar is on standard error, only on a terminal.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::civil::Date;
use protocol::Protocol;
use serde::Serialize;
use simulate::{
    CHUNK, Cohort, Encounter, Model, OperatingCharacteristics, PatientSummary, TimeToCrSource,
    TrialsCharacteristics, parallel_map, simulate_patient, simulate_trial,
};

mod tidy_out;

use crate::enter::{AdverseEventEntry, Entered, PatientCourse, VisitEntry, enter};
use crate::export_cmd::PROTOCOL_FILE;
use crate::help::examples;
use crate::io::{CliError, CmdResult, print_json};
use crate::protocol_cmd::load_protocol;

const HELP: &str = concat!(
    r#"Each virtual patient's traits (subtype, baseline CLASI, response, the dose that holds
remission, neutrophils, adverse events) are drawn from a documented model calibrated to the
published trial (lenalidomide, NCT01408199) or cohort (thalidomide); the protocol's own engine
decides the dose at every visit. The model follows the protocol's study.drug.

Output (stdout, JSON): {"protocol", "drug", "seed", "patients", "characteristics"} for one cohort,
or with --trials {"protocol", "drug", "seed", "patients", "trials", "characteristics"} with the same
characteristics, each as its spread across the trials: {"trials", "mean", "sd", "p2_5", "p97_5"}.
With --out DIR, also DIR/patients.csv (one row per patient) and DIR/visits.csv (one row per
encounter), written as the cohort runs; columns in examples/simulate/README.md. With --out DIR
--format tidy, instead the study's tidy CSV tables exactly as `cletrial export --format csv`
writes them (subject.csv, visit.csv, clasi.csv, decision.csv, dose.csv, lab.csv,
adverse_event.csv, disposition.csv, every other form's table with its header only, the
dictionary, the missing-value codes and the photograph manifest with its header only), holding the records --db would enter (site SIM); read
them with `cletrial report --csv DIR`. --omit decision leaves decision.csv empty: the engine's
full decision is about 1 kB a visit, some 30 GB for a million patients; --omit eligibility leaves
eligibility.csv empty (each subject's checklist is about 5 kB).
With --db, every virtual patient is also entered into a study record (created by `init` or
`demo`) as the user --as (password from CLETRIAL_PASSWORD), at site --site: subject
<site>-V<seed>-<number>, each visit with a CLASI form adding up to the simulated totals and the
engine's decision, dose periods, neutrophil counts, adverse events. The model has no age: every
virtual patient is recorded at the trial's median age (40).
The same seed gives the same output whatever the number of threads.
With --power ARM=RATE,... on a protocol with [randomisation] (two arms), instead the power of
the response rate: --trials trials of --patients subjects, each allocated by the protocol's own
method and responding with its arm's rate, each trial tested by Fisher's exact test (two-sided,
--alpha). Output: {"protocol", "seed", "patients", "arms", "power": {"power", "power_low",
"power_high" (its 95% Clopper-Pearson interval), "significant", "trials", "test", "allocation",
"largest_imbalance", ...}}.

"#,
    examples!(
        "cletrial simulate --protocol nct01408199 --patients 1000 --seed 1",
        "cletrial simulate --protocol nct01408199 --patients 200 --seed 1 --out cohort",
        "cletrial simulate --protocol nct01408199 --patients 200 --seed 1 --out study --format tidy",
        "CLETRIAL_PASSWORD=... cletrial simulate --protocol nct01408199 --patients 20 --seed 1 --db sqlite://cletrial-demo.db --as investigator --site S01",
        "cletrial simulate --protocol examples/simulate/slower-taper.toml --patients 500 --seed 1 --trials 20",
        "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial simulate --protocol randomised.toml --patients 60 --seed 1 --trials 200 --power LEN=0.6,PBO=0.2"
    )
);

/// Simulate a virtual cohort through a protocol.
#[derive(Debug, Args)]
#[command(after_help = HELP)]
pub struct SimulateArgs {
    /// A protocol TOML file, or a shipped name: nct01408199, thalidomide-cohort.
    #[arg(long, value_name = "PROTOCOL")]
    protocol: String,
    /// Virtual patients per trial (at least 1).
    #[arg(long, value_name = "N")]
    patients: u64,
    /// The master seed: the same seed gives the same cohort.
    #[arg(long, value_name = "S")]
    seed: u64,
    /// Write patients.csv and visits.csv into this folder (created if missing).
    #[arg(long, value_name = "DIR", conflicts_with = "trials")]
    out: Option<PathBuf>,
    /// With --out: summary (patients.csv, visits.csv) or tidy (the export's tables).
    #[arg(long, value_enum, default_value = "summary", requires = "out")]
    format: FilesFormat,
    /// With --format tidy: leave these tables empty (header only).
    #[arg(long, value_enum, value_delimiter = ',', requires = "out")]
    omit: Vec<tidy_out::Omit>,
    /// Run K trials of N patients and report the spread of their operating characteristics.
    #[arg(long, value_name = "K")]
    trials: Option<u64>,
    /// Also enter every virtual patient into this study record (sqlite://PATH or postgres://...).
    #[arg(long, value_name = "URL", conflicts_with_all = ["trials", "out"], requires_all = ["as_login", "site"])]
    db: Option<String>,
    /// With --db: your login (investigator or coordinator at --site); password from CLETRIAL_PASSWORD.
    #[arg(long = "as", value_name = "LOGIN", requires = "db")]
    as_login: Option<String>,
    /// With --db: the site code the virtual patients are registered at.
    #[arg(long, value_name = "CODE", requires = "db")]
    site: Option<String>,
    /// Enrolment date of every virtual patient.
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2010-01-04")]
    start: String,
    /// Which of the trial paper's time-to-CR figures the lenalidomide model uses (its text and
    /// Table 2 disagree).
    #[arg(long, value_enum, default_value = "text")]
    time_to_cr: TimeToCr,
    /// Worker threads (default: all cores); the output does not depend on it.
    #[arg(long, value_name = "T")]
    threads: Option<usize>,
    /// The power of a randomised protocol's response rate instead of a cohort: each arm's
    /// chance of response, by arm code (LEN=0.6,PBO=0.2); runs --trials trials of --patients.
    #[arg(long, value_name = "ARM=RATE", value_delimiter = ',', requires = "trials", conflicts_with_all = ["out", "db"])]
    power: Vec<String>,
    /// With --power: the two-sided significance level.
    #[arg(long, value_name = "A", default_value_t = 0.05, requires = "power")]
    alpha: f64,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FilesFormat {
    Summary,
    Tidy,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TimeToCr {
    Text,
    Table2,
}

/// The shipped protocols with a treatment algorithm.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct CohortOutput<'a> {
    protocol: &'a str,
    drug: &'a str,
    seed: u64,
    patients: u64,
    characteristics: OperatingCharacteristics,
}

/// As [`CohortOutput`], each characteristic under the same name given as its spread across the
/// trials.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct TrialsOutput<'a> {
    protocol: &'a str,
    drug: &'a str,
    seed: u64,
    patients: u64,
    trials: u64,
    characteristics: TrialsCharacteristics,
}

/// `--power`: the simulated power of the protocol's arms.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct PowerOutput<'a> {
    protocol: &'a str,
    seed: u64,
    /// Subjects per trial.
    patients: u64,
    arms: Vec<ArmResponse<'a>>,
    power: simulate::power::Power,
}

/// An arm and the chance of response it was given.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct ArmResponse<'a> {
    code: &'a str,
    label: &'a str,
    response: f64,
}

/// The power of the protocol's two arms (`simulate::power`).
fn run_power(args: &SimulateArgs, protocol: &Protocol) -> CmdResult {
    let design = protocol.randomisation().ok_or_else(|| {
        CliError::input(format!(
            "--power: protocol {} declares no [randomisation] (no arms to compare)",
            protocol.id()
        ))
    })?;
    let mut response = vec![None; design.arms().len()];
    for pair in &args.power {
        let (code, rate) = pair.split_once('=').ok_or_else(|| {
            CliError::input(format!("--power: '{pair}' is not ARM=RATE (e.g. LEN=0.6)"))
        })?;
        let arm = design
            .arms()
            .iter()
            .position(|arm| arm.code == code.trim())
            .ok_or_else(|| {
                CliError::input(format!(
                    "--power: '{code}' is not an arm; the arms are {}",
                    design.arm_codes()
                ))
            })?;
        let rate: f64 = rate
            .trim()
            .parse()
            .ok()
            .filter(|rate| (0.0..=1.0).contains(rate))
            .ok_or_else(|| {
                CliError::input(format!(
                    "--power: {code}'s rate '{rate}' is not a number from 0 to 1"
                ))
            })?;
        if response[arm].replace(rate).is_some() {
            return Err(CliError::input(format!(
                "--power: arm {code} is given twice"
            )));
        }
    }
    let response = response
        .into_iter()
        .zip(design.arms())
        .map(|(rate, arm)| {
            rate.ok_or_else(|| {
                CliError::input(format!(
                    "--power: no rate for arm {}; give one for each of {}",
                    arm.code,
                    design.arm_codes()
                ))
            })
        })
        .collect::<Result<Vec<f64>, CliError>>()?;
    let trials = args.trials.unwrap_or(1);
    let plan = simulate::power::PowerPlan {
        design,
        subjects: args.patients,
        response: response.clone(),
        alpha: args.alpha,
        trials,
        seed: args.seed,
    };
    let bar = progress_bar(args.patients.saturating_mul(trials), args.quiet);
    let found = simulate::power::power(&plan, || bar.inc(args.patients));
    bar.finish_and_clear();
    let power = found.map_err(
        |simulate::power::PowerError::OutOfRange { field, allowed }| {
            let flag = match field {
                "alpha" => "--alpha",
                "subjects" => "--patients",
                "trials" => "--trials",
                _ => "--power",
            };
            CliError::input(format!("{flag}: {allowed}"))
        },
    )?;
    print_json(&PowerOutput {
        protocol: protocol.id(),
        seed: args.seed,
        patients: args.patients,
        arms: design
            .arms()
            .iter()
            .zip(response)
            .map(|(arm, response)| ArmResponse {
                code: &arm.code,
                label: &arm.label,
                response,
            })
            .collect(),
        power,
    })
}

/// Everything one run needs, checked.
struct Plan {
    protocol: Protocol,
    /// Its TOML text, written beside the tidy tables so that `report --csv` reads them by it.
    protocol_text: String,
    model: Model,
    seed: u64,
    patients: u64,
    start: Date,
    threads: usize,
}

pub fn run(args: SimulateArgs) -> CmdResult {
    if args.patients == 0 {
        return Err(CliError::input("--patients: must be at least 1"));
    }
    if args.trials == Some(0) {
        return Err(CliError::input("--trials: must be at least 1"));
    }
    if args.threads == Some(0) {
        return Err(CliError::input("--threads: must be at least 1"));
    }
    let start: Date = crate::io::parse_date("--start", &args.start)?;
    let protocol_text = crate::protocol_cmd::protocol_text(&args.protocol)?;
    let protocol = load_protocol(&args.protocol)?;
    if !args.power.is_empty() {
        return run_power(&args, &protocol);
    }
    if protocol.algorithm().is_none() {
        return Err(CliError::input(format!(
            "--protocol {}: {} has no treatment algorithm; simulate needs an interventional protocol",
            args.protocol,
            protocol.id()
        )));
    }
    let drug = protocol
        .file()
        .study
        .drug
        .map(instruments::medication::Drug::id)
        .unwrap_or_default();
    let source = match args.time_to_cr {
        TimeToCr::Text => TimeToCrSource::Text,
        TimeToCr::Table2 => TimeToCrSource::Table2,
    };
    let model = Model::for_drug(drug, source).ok_or_else(|| {
        CliError::input(format!(
            "--protocol {}: no simulation model for study.drug '{drug}'; models exist for: {}",
            args.protocol,
            Model::DRUGS
        ))
    })?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let plan = Plan {
        protocol,
        protocol_text,
        model,
        seed: args.seed,
        patients: args.patients,
        start,
        threads,
    };
    let trials = args.trials.unwrap_or(1);
    let bar = progress_bar(args.patients.saturating_mul(trials), args.quiet);
    let result = match (args.trials, &args.out, &args.db) {
        (Some(trials), _, _) => run_trials(&plan, trials, &bar),
        (None, Some(dir), _) if args.format == FilesFormat::Tidy => {
            run_to_tidy(&plan, dir, &args.omit, &bar)
        }
        (None, Some(dir), _) => run_to_files(&plan, dir, &bar),
        (None, None, Some(db)) => {
            let target = RecordTarget {
                db,
                login: args.as_login.as_deref().unwrap_or_default(),
                site: args.site.as_deref().unwrap_or_default(),
            };
            run_to_record(&plan, &target, &bar)
        }
        (None, None, None) => run_cohort(&plan, &bar),
    };
    bar.finish_and_clear();
    result
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} patients, {per_sec}, ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

fn drug(plan: &Plan) -> &'static str {
    plan.model.drug
}

fn run_cohort(plan: &Plan, bar: &ProgressBar) -> CmdResult {
    let characteristics = simulate_trial(
        &plan.protocol,
        &plan.model,
        (plan.seed, 0),
        plan.patients,
        plan.start,
        plan.threads,
        |done| bar.inc(done),
    )
    .map_err(anyhow::Error::from)?;
    print_json(&CohortOutput {
        protocol: plan.protocol.id(),
        drug: drug(plan),
        seed: plan.seed,
        patients: plan.patients,
        characteristics,
    })
}

fn run_trials(plan: &Plan, trials: u64, bar: &ProgressBar) -> CmdResult {
    let results = (0..trials)
        .map(|trial| {
            simulate_trial(
                &plan.protocol,
                &plan.model,
                (plan.seed, trial),
                plan.patients,
                plan.start,
                plan.threads,
                |done| bar.inc(done),
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::from)?;
    print_json(&TrialsOutput {
        protocol: plan.protocol.id(),
        drug: drug(plan),
        seed: plan.seed,
        patients: plan.patients,
        trials,
        characteristics: TrialsCharacteristics::of(&results),
    })
}

fn create(path: &Path) -> Result<BufWriter<File>, CliError> {
    File::create(path).map(BufWriter::new).map_err(|error| {
        CliError::input(format!("--out: cannot write '{}': {error}", path.display()))
    })
}

/// Runs the cohort a chunk at a time on all threads; `write` gets each patient's output in patient
/// order, so memory holds one chunk whatever N is.
fn stream_chunks<T: Send>(
    plan: &Plan,
    bar: &ProgressBar,
    work: impl Fn(u64) -> anyhow::Result<(PatientSummary, T)> + Sync,
    mut write: impl FnMut(T) -> CmdResult,
) -> Result<Cohort, CliError> {
    let mut cohort = Cohort::default();
    let mut from = 0;
    while from < plan.patients {
        let to = (from + CHUNK).min(plan.patients);
        for row in parallel_map(from..to, plan.threads, &work) {
            let (summary, output) = row?;
            write(output)?;
            cohort.add(&summary);
        }
        bar.inc(to - from);
        from = to;
    }
    Ok(cohort)
}

fn create_dir(dir: &Path) -> CmdResult {
    std::fs::create_dir_all(dir).map_err(|error| {
        CliError::input(format!("--out: cannot create '{}': {error}", dir.display()))
    })
}

fn write_error(error: std::io::Error) -> CliError {
    CliError::Other(anyhow::Error::from(error).context("writing --out"))
}

/// Streams the cohort to patients.csv and visits.csv.
fn run_to_files(plan: &Plan, dir: &Path, bar: &ProgressBar) -> CmdResult {
    create_dir(dir)?;
    let mut patients = create(&dir.join("patients.csv"))?;
    let mut visits = create(&dir.join("visits.csv"))?;
    let cohort = stream_chunks(
        plan,
        bar,
        |index| {
            let mut visit_rows = Vec::new();
            let summary = simulate_patient(
                &plan.protocol,
                &plan.model,
                (plan.seed, 0, index),
                plan.start,
                |encounter| visit_rows.push(VisitRow::of(index, encounter)),
            )?;
            let patient = csv_rows(index, [PatientRow::of(index, &summary)])?;
            let visit_rows = csv_rows(index, visit_rows)?;
            Ok((summary, (patient, visit_rows)))
        },
        |(patient, visit_rows)| {
            patients.write_all(&patient).map_err(write_error)?;
            visits.write_all(&visit_rows).map_err(write_error)
        },
    )?;
    patients.flush().map_err(write_error)?;
    visits.flush().map_err(write_error)?;
    print_cohort(plan, cohort)
}

fn print_cohort(plan: &Plan, cohort: Cohort) -> CmdResult {
    print_json(&CohortOutput {
        protocol: plan.protocol.id(),
        drug: drug(plan),
        seed: plan.seed,
        patients: plan.patients,
        characteristics: cohort.characteristics(),
    })
}

/// Streams the cohort to the tidy tables of `cletrial export --format csv`.
fn run_to_tidy(plan: &Plan, dir: &Path, omit: &[tidy_out::Omit], bar: &ProgressBar) -> CmdResult {
    create_dir(dir)?;
    let forms = crate::export_cmd::forms();
    let layout = export::tidy::Layout::new(&forms);
    let mut files = Vec::with_capacity(forms.0.len());
    for (index, form) in forms.0.iter().enumerate() {
        let mut file = create(&dir.join(export::tidy::file_name(form)))?;
        let mut header = csv::Writer::from_writer(Vec::new());
        header
            .write_record(layout.header(index))
            .map_err(anyhow::Error::from)?;
        let header = header
            .into_inner()
            .map_err(|e| anyhow::format_err!("{e}"))?;
        file.write_all(&header).map_err(write_error)?;
        files.push(file);
    }
    let cohort = stream_chunks(
        plan,
        bar,
        |index| {
            let mut encounters = Vec::new();
            let summary = simulate_patient(
                &plan.protocol,
                &plan.model,
                (plan.seed, 0, index),
                plan.start,
                |e| encounters.push(OwnedEncounter::of(e)),
            )?;
            let course = virtual_course(plan, tidy_out::SITE, index, &summary, encounters)
                .map_err(|error| anyhow::format_err!("{error:?}"))?;
            let tables = tidy_out::casebook_rows(&layout, &plan.protocol, &course, index, omit)?;
            Ok((summary, tables))
        },
        |tables| {
            for (file, rows) in files.iter_mut().zip(tables) {
                file.write_all(&rows).map_err(write_error)?;
            }
            Ok(())
        },
    )?;
    for file in &mut files {
        file.flush().map_err(write_error)?;
    }
    let dictionary = create(&dir.join("dictionary.csv"))?;
    export::tidy::write_dictionary(&forms, crate::version::WRITTEN_BY, dictionary)
        .map_err(anyhow::Error::from)?;
    let codes = create(&dir.join("missing_codes.csv"))?;
    export::tidy::write_missing_codes(codes).map_err(anyhow::Error::from)?;
    // Virtual patients have no photograph: the manifest's header alone, as the export writes it.
    let photos = create(&dir.join(export::photos::FILE))?;
    let photos = export::photos::PhotoManifest::new(&forms, photos)
        .and_then(export::photos::PhotoManifest::finish)
        .map_err(anyhow::Error::from)?;
    std::fs::write(dir.join(PROTOCOL_FILE), &plan.protocol_text).map_err(write_error)?;
    std::fs::write(dir.join(crate::export_cmd::COHORT_FILE), "synthetic\n").map_err(write_error)?;
    crate::export_cmd::write_manifest(
        dir,
        &crate::export_cmd::Summary {
            format: "csv".to_owned(),
            photos: Some(photos),
            source: Some("cletrial simulate --format tidy".to_owned()),
            study: plan.protocol.id().to_owned(),
            written_by: crate::version::WRITTEN_BY.to_owned(),
            ..crate::export_cmd::Summary::default()
        },
    )?;
    print_cohort(plan, cohort)
}

/// Where `--db` enters the virtual patients, and as whom.
struct RecordTarget<'a> {
    db: &'a str,
    login: &'a str,
    site: &'a str,
}

/// The trial's median age (paper, Results), for virtual patients, whom the model gives no age.
const VIRTUAL_AGE_YEARS: i64 = 40;

/// One virtual patient's record, from the encounters the simulator reported.
fn virtual_course(
    plan: &Plan,
    site: &str,
    index: u64,
    summary: &PatientSummary,
    encounters: Vec<OwnedEncounter>,
) -> Result<PatientCourse, CliError> {
    let code = store::subject_code(site, format_args!("V{}-{:06}", plan.seed, index + 1));
    let factors = spread_over_strata(&plan.protocol, index);
    course_of(&plan.model, plan.start, site, code, summary, encounters)
        .map(|course| PatientCourse { factors, ..course })
}

/// In a randomised protocol, the stratification factors' levels of virtual patient `index`: the
/// model gives patients no levels of its own, so they are spread over the strata in turn (every
/// stratum gets patients, and the allocation is exercised in each). None otherwise.
fn spread_over_strata(protocol: &Protocol, index: u64) -> Vec<(String, String)> {
    let Some(design) = protocol.randomisation() else {
        return Vec::new();
    };
    let strata = design.strata();
    let stratum = &strata[usize::try_from(index).unwrap_or_default() % strata.len()];
    design
        .factors()
        .iter()
        .zip(stratum.levels())
        .map(|(factor, level)| (factor.name.clone(), factor.levels[*level].clone()))
        .collect()
}

/// One virtual patient of `model` started on `start`, as the record keeps it (`cletrial demo`
/// enters a cohort of them, each with its own start date).
pub(crate) fn virtual_patient(
    protocol: &Protocol,
    model: &Model,
    (seed, index): (u64, u64),
    start: Date,
    site: &str,
    code: String,
) -> Result<PatientCourse, CliError> {
    let mut encounters = Vec::new();
    let summary = simulate_patient(protocol, model, (seed, 0, index), start, |e| {
        encounters.push(OwnedEncounter::of(e));
    })
    .map_err(anyhow::Error::from)?;
    course_of(model, start, site, code, &summary, encounters).map(|course| PatientCourse {
        factors: spread_over_strata(protocol, index),
        ..course
    })
}

fn course_of(
    model: &Model,
    start: Date,
    site: &str,
    code: String,
    summary: &PatientSummary,
    encounters: Vec<OwnedEncounter>,
) -> Result<PatientCourse, CliError> {
    let consent = start.saturating_sub(jiff::ToSpan::days(14));
    let areas = simulate::grid::typical_areas(summary.subtype);
    let mut course = PatientCourse {
        subject: store::SubjectData {
            site: site.to_owned(),
            code,
            sex: store::Sex::Female,
            birth: store::BirthOrAge::AgeYears(VIRTUAL_AGE_YEARS),
            subtype: Some(summary.subtype),
            screening_date: consent,
            consent_date: Some(consent),
            enrolment_date: Some(start),
        },
        // Filled from the baseline form below.
        candidate: protocol::eligibility::Candidate::default(),
        visits: Vec::new(),
        labs: Vec::new(),
        adverse_events: Vec::new(),
        disposition: None,
        events: Vec::new(),
        nerve_studies: Vec::new(),
        factors: Vec::new(),
    };
    // The physician's decision the model makes (early intolerance), with its note.
    let mut physician_decision = None;
    let mut stopped = None;
    for encounter in encounters {
        if let Some(study) = encounter.nerve_conduction {
            course
                .nerve_studies
                .push((study.date, store::Finding::of(study.finding)));
        }
        if let Some(value) = encounter.neutrophils {
            course.labs.push(protocol::history::LabRecord {
                date: encounter.date,
                test: instruments::ctcae::LabTest::Neutrophils,
                value,
                unit: instruments::ctcae::LabUnit::PerMm3,
                lln: Some(model.neutrophils_lln),
            });
        }
        for event in &encounter.events {
            match (event.kind, &event.term, event.grade) {
                (protocol::history::EventKind::AdverseEvent, Some(term), Some(grade)) => {
                    course.adverse_events.push(AdverseEventEntry {
                        term: *term,
                        verbatim: None,
                        grade,
                        start: event.date,
                        end: None,
                        causality: store::Causality::Possible,
                        action_taken: store::ActionTaken::Unknown,
                        outcome: store::Outcome::Unknown,
                    });
                }
                (protocol::history::EventKind::PhysicianDecision, _, _) => {
                    physician_decision = Some(event.note.clone().unwrap_or_default());
                }
                _ => {}
            }
        }
        if let Some(decision) = encounter
            .decision
            .as_ref()
            .filter(|decision| decision.action == protocol::Action::Stop)
        {
            let rules: Vec<&str> = decision
                .rules
                .iter()
                .map(|rule| rule.text.as_str())
                .collect();
            stopped = Some((encounter.date, rules.join("; ")));
        }
        if let (Some(decision), Some(record)) = (encounter.decision, encounter.clasi) {
            let damage = record.damage.map_or(0, |damage| damage.get());
            let clasi = simulate::grid::clasi_with_totals(record.activity.get(), damage, areas)
                .ok_or_else(|| {
                    CliError::Other(anyhow::format_err!(
                        "virtual patient {}: CLASI {} / {damage} does not fit the form",
                        course.subject.code,
                        record.activity
                    ))
                })?;
            course.visits.push(VisitEntry {
                date: encounter.date,
                clasi: Some(clasi),
                decision,
            });
        }
    }
    // A stop ends the virtual patient's follow-up, so the record ends its participation there:
    // by the physician's decision the model makes, else for the adverse event or toxicity that
    // stopped the drug (the other stops a model reaches). The simulator's own figures count the
    // same patients as withdrawn (`simulate::course`), so the report on this record agrees.
    course.disposition = stopped.map(|(date, rules)| match physician_decision {
        Some(note) => (store::DispositionStatus::PhysicianDecision, date, note),
        None => (store::DispositionStatus::AdverseEvent, date, rules),
    });
    // A virtual patient is eligible by construction: the record shows it as the trial's did.
    course.candidate = crate::enter::screening_record(
        areas,
        crate::enter::Inclusion {
            thalidomide_lack_of_efficacy: true,
            ..crate::enter::Inclusion::default()
        },
    );
    Ok(course)
}

/// What the record gets from one encounter (the simulator lends it only for the call).
struct OwnedEncounter {
    date: Date,
    clasi: Option<protocol::history::ClasiRecord>,
    neutrophils: Option<f64>,
    events: Vec<protocol::history::EventRecord>,
    nerve_conduction: Option<protocol::history::NerveConductionRecord>,
    decision: Option<protocol::Decision>,
}

impl OwnedEncounter {
    fn of(e: &Encounter<'_>) -> OwnedEncounter {
        OwnedEncounter {
            date: e.date,
            clasi: e.clasi,
            neutrophils: e.neutrophils,
            events: e.adverse_events.to_vec(),
            nerve_conduction: e.nerve_conduction,
            decision: e.decision.cloned(),
        }
    }
}

/// Runs the cohort a chunk at a time and enters each chunk into the study record, in patient
/// order (the simulation runs on all threads; the writes are one at a time).
fn run_to_record(plan: &Plan, target: &RecordTarget<'_>, bar: &ProgressBar) -> CmdResult {
    let password = std::env::var("CLETRIAL_PASSWORD")
        .map_err(|_| CliError::input("--as: set CLETRIAL_PASSWORD to the user's password"))?;
    crate::io::block_on(async {
        let url = store::DbUrl::parse(target.db)?;
        let store = store::Store::open(&url).await?;
        let result = async {
            let typed = store::Password::typed(&password)?;
            let actor = store
                .authenticate(target.login, &typed)
                .await?;
            let study = store.study().await?;
            let study_protocol = Protocol::from_toml(&study.protocol_text).map_err(|error| {
                CliError::input(format!("--db: the study's protocol does not load: {error}"))
            })?;
            if study_protocol.id() != plan.protocol.id() {
                return Err(CliError::input(format!(
                    "--protocol: {} is not the study's protocol ({}); simulate into a record with its own protocol",
                    plan.protocol.id(),
                    study_protocol.id()
                )));
            }
            let mut cohort = Cohort::default();
            let mut entered = Entered::default();
            let mut from = 0;
            while from < plan.patients {
                let to = (from + CHUNK).min(plan.patients);
                let results = parallel_map(from..to, plan.threads, |index| {
                    let mut encounters = Vec::new();
                    let summary = simulate_patient(
                        &plan.protocol,
                        &plan.model,
                        (plan.seed, 0, index),
                        plan.start,
                        |e| encounters.push(OwnedEncounter::of(e)),
                    )?;
                    Ok::<_, simulate::SimulateError>((summary, encounters))
                });
                // One chunk per transaction: a chunk is in the record whole or not at all (the
                // first refusal ends the run, so no command needs undoing alone).
                let mut batch = store
                    .batch_undone(&actor, None, store::Undo::Whole)
                    .await?;
                for (index, result) in (from..to).zip(results) {
                    let (summary, encounters) = result.map_err(anyhow::Error::from)?;
                    let course = virtual_course(plan, target.site, index, &summary, encounters)?;
                    entered += enter(&mut batch, &plan.protocol, study.protocol_version, &course)
                        .await?;
                    cohort.add(&summary);
                }
                batch.commit().await?;
                bar.inc(to - from);
                from = to;
            }
            print_json(&RecordOutput {
                protocol: plan.protocol.id(),
                drug: drug(plan),
                seed: plan.seed,
                patients: plan.patients,
                characteristics: cohort.characteristics(),
                entered,
            })
        }
        .await;
        store.close().await;
        result
    })
}

/// What `simulate --db` prints: the cohort's characteristics and what was entered.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct RecordOutput<'a> {
    protocol: &'a str,
    drug: &'a str,
    seed: u64,
    patients: u64,
    characteristics: OperatingCharacteristics,
    entered: Entered,
}

/// Patient `index`'s rows as CSV, serialised on the patient's thread (the files are written in
/// patient order). The first patient's rows start the file, so they carry the header: the row
/// type's field names.
fn csv_rows<T: Serialize>(
    index: u64,
    rows: impl IntoIterator<Item = T>,
) -> anyhow::Result<Vec<u8>> {
    let mut out = csv::WriterBuilder::new()
        .has_headers(index == 0)
        .from_writer(Vec::new());
    for row in rows {
        out.serialize(row)?;
    }
    out.into_inner()
        .map_err(|error| anyhow::format_err!("{error}"))
}

/// A cell written as the value displays (`4903`, `2.5`, where serde would write `4903.0`).
struct Shown<T>(T);

impl<T: std::fmt::Display> Serialize for Shown<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// A number written with `PLACES` decimal places.
struct Fixed<const PLACES: usize>(f64);

impl<const PLACES: usize> Serialize for Fixed<PLACES> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{:.*}", PLACES, self.0))
    }
}

/// One row of patients.csv (its columns are described in examples/simulate/README.md).
#[derive(Serialize)]
struct PatientRow<'a> {
    patient: u64,
    subtype: &'static str,
    group: &'static str,
    baseline_activity: u8,
    baseline_damage: u8,
    outcome: &'static str,
    evaluable: bool,
    time_to_cr_weeks: Option<Fixed<2>>,
    relapses: u32,
    first_relapse_level: Option<&'a str>,
    relapse_weeks_after_reduction: Option<Fixed<2>>,
    sustained_remission: bool,
    stop_rule: Option<&'a str>,
    final_phase: protocol::Phase,
    final_dose: &'a str,
    cycles: u32,
    exposure_mg: Fixed<1>,
    weeks_on_treatment: Fixed<2>,
    max_dose_mg: Shown<f64>,
    adverse_events: u32,
    toxicity_flags: u32,
    encounters: u32,
    decisions: u32,
    follow_up_weeks: Fixed<2>,
}

impl PatientRow<'_> {
    fn of(index: u64, p: &PatientSummary) -> PatientRow<'_> {
        PatientRow {
            patient: index,
            subtype: p.subtype.id(),
            group: p.group.name(),
            baseline_activity: p.baseline_activity,
            baseline_damage: p.baseline_damage,
            outcome: p.outcome.id(),
            evaluable: p.outcome.evaluable(),
            time_to_cr_weeks: p.time_to_cr_weeks.map(Fixed),
            relapses: p.relapses,
            first_relapse_level: p.first_relapse_level.as_deref(),
            relapse_weeks_after_reduction: p.relapse_weeks_after_reduction.map(Fixed),
            sustained_remission: p.sustained_remission,
            stop_rule: p.stop_rule.as_deref(),
            final_phase: p.final_phase,
            final_dose: &p.final_dose,
            cycles: p.cycles,
            exposure_mg: Fixed(p.exposure_mg),
            weeks_on_treatment: Fixed(p.weeks_on_treatment),
            max_dose_mg: Shown(p.max_dose_mg),
            adverse_events: p.adverse_events,
            toxicity_flags: p.toxicity_flags,
            encounters: p.encounters,
            decisions: p.decisions,
            follow_up_weeks: Fixed(p.follow_up_weeks),
        }
    }
}

/// One row of visits.csv: an encounter, with the engine's decision when it made one.
#[derive(Serialize)]
struct VisitRow {
    patient: u64,
    date: Date,
    day: i32,
    clasi_activity: Option<u8>,
    clasi_damage: Option<u8>,
    neutrophils_per_mm3: Option<Shown<f64>>,
    /// The CTCAE terms, separated by `;`.
    adverse_events: String,
    action: Option<protocol::Action>,
    dose: Option<String>,
    phase: Option<protocol::Phase>,
    cycle: Option<u32>,
    response: Option<protocol::Response>,
    relapse: Option<bool>,
    toxicity_grade: Option<u8>,
}

impl VisitRow {
    fn of(index: u64, e: &Encounter<'_>) -> VisitRow {
        let terms: Vec<&str> = e
            .adverse_events
            .iter()
            .filter_map(|event| event.term.map(instruments::ctcae::CtcaeTerm::term))
            .collect();
        let decision = e.decision;
        VisitRow {
            patient: index,
            date: e.date,
            day: e.day,
            clasi_activity: e.clasi.map(|c| c.activity.into()),
            clasi_damage: e.clasi.and_then(|c| c.damage).map(u8::from),
            neutrophils_per_mm3: e.neutrophils.map(Shown),
            adverse_events: terms.join(";"),
            action: decision.map(|d| d.action),
            dose: decision.map(|d| d.dose.clone()),
            phase: decision.map(|d| d.phase),
            cycle: decision.map(|d| d.cycle),
            response: decision.and_then(|d| d.response),
            relapse: decision.map(|d| d.relapse),
            toxicity_grade: decision.and_then(|d| d.toxicity.as_ref()).map(|t| t.grade),
        }
    }
}
