//! `cletrial demo`: a populated study in one command. It creates (or reuses) a study record with
//! two sites and one user per role, enters a cohort through the store's commands, then serves the
//! web application. `--study` picks the study: the lenalidomide trial with the paper's 15
//! patients (each decision taken by the protocol engine), the thalidomide cohort (60 synthetic
//! patients from the simulator's calibrated model, through the same engine) or the paediatric
//! chart review (10 synthetic charts calibrated to the published means and SDs).

mod pediatric;
mod thalidomide;

use std::io::Write;
use std::net::SocketAddr;

use analysis::published::{Cohort as Published, Sex as PublishedSex};
use clap::{Args, ValueEnum};
use jiff::ToSpan;
use jiff::civil::Date;
use protocol::history::EventKind;
use protocol::{Action, Protocol};
use serde::Serialize;
use simulate::grid::clasi_with_totals;
use simulate::published::Course;
use store::{
    ActionTaken, Causality, DbUrl, DispositionStatus, NewStudy, NewUser, Outcome, Password,
    ProtocolDecision, Role, Sex, Store, SubjectData,
};

use crate::enter::{self, AdverseEventEntry, Entered, PatientCourse, VisitEntry};
use crate::help::examples;
use crate::io::{CliError, CmdResult};

const SITES: [(&str, &str); 2] = [
    ("S01", "Trial centre (demo)"),
    ("S02", "Second site (demo)"),
];

/// The studies the demo can populate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DemoStudy {
    /// The lenalidomide trial (NCT01408199) with the paper's 15 patients.
    #[value(name = "nct01408199")]
    Trial,
    /// The thalidomide cohort: 60 synthetic patients calibrated to the published figures.
    ThalidomideCohort,
    /// The paediatric chart review: 10 synthetic charts calibrated to the published figures.
    PediatricReview,
}

impl DemoStudy {
    fn code(self) -> &'static str {
        match self {
            // Each ends in outputs::export::DEMO_SUFFIX, which the report's header reads.
            DemoStudy::Trial => "nct01408199-demo",
            DemoStudy::ThalidomideCohort => "thalidomide-cohort-demo",
            DemoStudy::PediatricReview => "pediatric-review-demo",
        }
    }

    /// The title on every page: a synthetic cohort says so.
    fn title(self) -> &'static str {
        match self {
            DemoStudy::Trial => {
                "Lenalidomide in refractory CLE (NCT01408199), demo with the published cohort"
            }
            DemoStudy::ThalidomideCohort => {
                "Thalidomide 100 mg/day in refractory CLE, demo: 60 SYNTHETIC patients calibrated to the published figures (Br J Dermatol 2012;166:616)"
            }
            DemoStudy::PediatricReview => {
                "Lenalidomide in paediatric SLE skin disease, demo: 10 SYNTHETIC charts calibrated to the published means and SDs (Lupus 2017;26:646)"
            }
        }
    }

    fn protocol_text(self) -> &'static str {
        let [(_, trial), (_, cohort), (_, review)] = protocol::shipped::SHIPPED;
        match self {
            DemoStudy::Trial => trial,
            DemoStudy::ThalidomideCohort => cohort,
            DemoStudy::PediatricReview => review,
        }
    }

    fn default_db(self) -> &'static str {
        match self {
            DemoStudy::Trial => "sqlite://cletrial-demo.db",
            DemoStudy::ThalidomideCohort => "sqlite://cletrial-demo-thalidomide.db",
            DemoStudy::PediatricReview => "sqlite://cletrial-demo-pediatric.db",
        }
    }

    /// The cohort, checked before anything is written. Each course that no stop ended is
    /// completed at its last visit (a chart review completes at its 6-month chart).
    fn cohort(self, protocol: &Protocol) -> Result<Cohort, CliError> {
        let completed = |courses: Vec<PatientCourse>| {
            let details = "Follow-up ended at the last visit of the demo's course";
            Cohort::Courses(courses.into_iter().map(|c| c.completed(details)).collect())
        };
        match self {
            DemoStudy::Trial => cohort_courses(protocol).map(completed),
            DemoStudy::ThalidomideCohort => {
                thalidomide::courses(protocol, [SITES[0].0, SITES[1].0]).map(completed)
            }
            DemoStudy::PediatricReview => Ok(Cohort::Charts(pediatric::charts(SITES[0].0))),
        }
    }
}

/// What the demo enters: courses the engine decided visit by visit, or charts read after the
/// fact (a retrospective review has no decisions).
enum Cohort {
    Courses(Vec<PatientCourse>),
    Charts(Vec<pediatric::Chart>),
}

impl Cohort {
    fn codes(&self) -> Vec<&str> {
        match self {
            Cohort::Courses(courses) => courses.iter().map(|c| c.subject.code.as_str()).collect(),
            Cohort::Charts(charts) => charts.iter().map(|c| c.subject.code.as_str()).collect(),
        }
    }
}

/// Create (or reuse) a demo study and serve the web application.
///
/// nct01408199 (the default) holds the trial paper's 15 patients (Cortés-Hernández et al. 2012):
/// Table 1's baseline, dated visits whose CLASI forms add up to a course reproducing Table 2
/// (time to CR, relapses and the dose at relapse), Table 3's adverse events and the patient
/// withdrawn in week 1, every decision taken by the protocol engine and stored.
/// thalidomide-cohort holds 60 SYNTHETIC patients of the simulator's thalidomide model (response,
/// CR, relapse, odds ratios and neuropathy calibrated to the cohort summary), each decided by the
/// engine. pediatric-review holds 10 SYNTHETIC charts whose prednisone and ESR at the drug start
/// and at 6 months have the published means and SDs; consent waived, enrolled by chart review.
/// Two sites, one user per role; their passwords are random and printed once, when the study is
/// created. Run again with the same --db, it reuses the study and changes nothing.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = examples!(
    "cletrial demo --no-serve",
    "cletrial demo --study pediatric-review --no-serve",
    "cletrial demo --db sqlite://cletrial-demo.db --bind 127.0.0.1:8080"
))]
pub struct DemoArgs {
    /// Which study: nct01408199 (the lenalidomide trial), thalidomide-cohort or
    /// pediatric-review, in any case.
    #[arg(long, value_enum, ignore_case = true, default_value = "nct01408199")]
    study: DemoStudy,
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    /// Default: sqlite://cletrial-demo.db for the trial, cletrial-demo-thalidomide.db and
    /// cletrial-demo-pediatric.db for the others.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// The address and port the web application listens on (port 0: any free port).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Create or check the study and exit without serving.
    #[arg(long)]
    no_serve: bool,
}

/// One login of the demo study; the password only when it was just set.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Login {
    login: String,
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// What the record holds, counted from the store.
#[derive(Serialize, Default, schemars::JsonSchema)]
pub(crate) struct Counts {
    subjects: usize,
    #[serde(flatten)]
    records: Entered,
    /// From the stored decisions: patients whose engine found a complete response, who relapsed,
    /// and whose treatment was stopped.
    complete_responses: usize,
    relapsed: usize,
    stopped: usize,
}

/// What `demo` prints: the record made or reused, what it holds, and how to log in.
#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Output<'a> {
    /// The record, as given to `--db` (or the demo's default).
    db: &'a str,
    study: &'static str,
    title: &'static str,
    /// True when this run created the record; false when it reused one.
    created: bool,
    counts: Counts,
    /// One login per role; passwords only when the record was just created.
    logins: Vec<Login>,
    /// On a reused record: why no password is printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    passwords_note: Option<&'static str>,
}

/// Patient `n` (1-15) is enrolled on a Monday between January 2009 and December 2010, the
/// paper's recruitment period, seven weeks after the previous one (the dates are not printed).
fn enrolment(patient: u32) -> Date {
    jiff::civil::date(2009, 1, 12).saturating_add((i64::from(patient - 1) * 49).days())
}

/// `S01-P03` for the paper's patient 3, so that its number reads as in the paper's tables.
fn study_code(patient: u32) -> String {
    store::subject_code(site_of(patient), format_args!("P{patient:02}"))
}

/// Patients 1-8 at the first site, 9-15 at the second (the trial had one centre; the demo shows
/// two to show site-scoped access).
fn site_of(patient: u32) -> &'static str {
    if patient <= 8 { SITES[0].0 } else { SITES[1].0 }
}

fn demo_error(message: impl Into<String>) -> CliError {
    CliError::Other(anyhow::format_err!("demo data: {}", message.into()))
}

/// One published patient's record: the course replayed through the engine (which must give
/// back the patient's Table 2 row), with Table 1's baseline and Table 3's events.
fn patient_course(
    protocol: &Protocol,
    cohort: &Published,
    course: &Course,
) -> Result<PatientCourse, CliError> {
    let patient = course.patient;
    let baseline = u8::try_from(patient)
        .ok()
        .and_then(|number| cohort.baseline_of(number))
        .ok_or_else(|| demo_error(format!("patient {patient} is not in Table 1")))?;
    if baseline.clasi_activity != course.baseline {
        return Err(demo_error(format!(
            "patient {patient}: the course starts at CLASI {} but Table 1 prints {}",
            course.baseline, baseline.clasi_activity
        )));
    }
    let start = enrolment(patient);
    let replay = simulate::published::replay(protocol, course, start, protocol::decide)
        .map_err(|error| demo_error(format!("patient {patient}: {error}")))?;
    let replayed = replay.published(protocol);
    if replayed != course.published {
        return Err(demo_error(format!(
            "patient {patient}: the replay gives {replayed:?}, Table 2 prints {:?}",
            course.published
        )));
    }
    let visits = replay
        .history
        .clasi
        .iter()
        .zip(&replay.decisions)
        .map(|(record, decision)| {
            let clasi =
                clasi_with_totals(record.activity.get(), baseline.clasi_damage, &course.areas)
                    .ok_or_else(|| demo_error(format!("patient {patient}: CLASI totals")))?;
            Ok(VisitEntry {
                date: record.date,
                clasi: Some(clasi),
                decision: decision.clone(),
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    let week = |week: u32| start.saturating_add((i64::from(week) * 7).days());
    let adverse_events = course
        .events
        .iter()
        .filter(|event| event.kind == EventKind::AdverseEvent)
        .map(|event| {
            let field = |name: &str, value: Option<&String>| {
                value
                    .cloned()
                    .ok_or_else(|| demo_error(format!("patient {patient}: event without {name}")))
            };
            Ok(AdverseEventEntry {
                term: event
                    .term
                    .ok_or_else(|| demo_error(format!("patient {patient}: event without term")))?,
                verbatim: event.verbatim.clone(),
                grade: event.grade.unwrap_or_default(),
                start: week(event.week),
                end: event.resolved_week.map(week),
                causality: Causality::parse(&field("causality", event.causality.as_ref())?)?,
                action_taken: ActionTaken::parse(&field(
                    "action_taken",
                    event.action_taken.as_ref(),
                )?)?,
                outcome: if event.resolved_week.is_some() {
                    Outcome::Recovered
                } else {
                    Outcome::Unknown
                },
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    let last = replay.last();
    let disposition = (last.action == Action::Stop).then(|| {
        let status = if adverse_events.is_empty() {
            DispositionStatus::PhysicianDecision
        } else {
            DispositionStatus::AdverseEvent
        };
        let rules: Vec<&str> = last.rules.iter().map(|rule| rule.text.as_str()).collect();
        (status, last.as_of, rules.join("; "))
    });
    // The other events of the paper's course (patient 3: the physician stopped the drug).
    let events = course
        .events
        .iter()
        .filter_map(|event| {
            let kind = match event.kind {
                EventKind::Pregnancy => store::EventType::Pregnancy,
                EventKind::ConsentWithdrawn => store::EventType::ConsentWithdrawn,
                EventKind::PhysicianDecision => store::EventType::PhysicianDecision,
                EventKind::LifeThreatening => store::EventType::LifeThreatening,
                EventKind::ConcomitantChange => store::EventType::ConcomitantChange,
                EventKind::AdverseEvent => return None,
            };
            Some((week(event.week), kind, event.note.clone()))
        })
        .collect();
    let consent = start.saturating_sub(14.days());
    let candidate = enter::screening_record(
        &course.areas,
        enter::Inclusion {
            thalidomide_side_effects: baseline.included_for("T side effects"),
            thalidomide_lack_of_efficacy: baseline.included_for("T lack of efficacy"),
            bsa_over_18_percent: baseline.included_for("> 18% body surface"),
        },
    );
    Ok(PatientCourse {
        candidate,
        events,
        subject: SubjectData {
            site: site_of(patient).to_owned(),
            code: study_code(patient),
            sex: match baseline.sex {
                PublishedSex::F => Sex::Female,
                PublishedSex::M => Sex::Male,
            },
            birth: store::BirthOrAge::AgeYears(i64::from(course.age_years)),
            subtype: Some(course.subtype),
            screening_date: consent,
            consent_date: Some(consent),
            enrolment_date: Some(start),
        },
        visits,
        labs: replay.history.labs.clone(),
        adverse_events,
        disposition,
        // The trial observed no polyneuropathy and reports no nerve conduction study.
        nerve_studies: Vec::new(),
        // The published trial was single-arm: nobody was randomised.
        factors: Vec::new(),
    })
}

/// The 15 patients' records, checked against the paper's tables before anything is written.
fn cohort_courses(protocol: &Protocol) -> Result<Vec<PatientCourse>, CliError> {
    let cohort = Published::shipped().map_err(|error| demo_error(error.to_string()))?;
    let courses = Course::shipped().map_err(|error| demo_error(error.to_string()))?;
    courses
        .iter()
        .map(|course| patient_course(protocol, &cohort, course))
        .collect()
}

/// A random password of 24 lowercase letters and digits (about 124 bits).
fn random_password() -> Result<String, CliError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|error| CliError::Other(anyhow::format_err!("random password: {error}")))?;
    Ok(bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect())
}

/// Creates the study, its sites and users, and enters every patient.
async fn create(
    url: &DbUrl,
    study: DemoStudy,
    protocol: &Protocol,
) -> Result<(Store, Vec<Login>), CliError> {
    let cohort = study.cohort(protocol)?;
    let admin_password = random_password()?;
    let (store, admin) = Store::init(
        url,
        &NewStudy {
            code: study.code().to_owned(),
            title: study.title().to_owned(),
            protocol_text: study.protocol_text().to_owned(),
        },
        &NewUser {
            login: "admin".to_owned(),
            printed_name: "Demo Administrator".to_owned(),
        },
        &Password::new(&admin_password)?,
    )
    .await?;
    for (code, name) in SITES {
        store.add_site(&admin, code, name).await?;
    }
    let mut logins = vec![Login {
        login: "admin".to_owned(),
        role: "administrator",
        password: Some(admin_password),
    }];
    let mut investigator = None;
    for role in Role::ALL {
        let password = random_password()?;
        let login = demo_login(role);
        let printed_name = format!("Demo {}", role.as_str().replace('_', " "));
        store
            .add_user(
                &admin,
                &NewUser {
                    login: login.clone(),
                    printed_name,
                },
                &Password::new(&password)?,
            )
            .await?;
        for (site, _) in SITES {
            store.grant(&admin, &login, site, role).await?;
        }
        if role == Role::Investigator {
            investigator = Some(
                store
                    .authenticate(&login, &Password::typed(&password)?)
                    .await?,
            );
        }
        logins.push(Login {
            login,
            role: role.as_str(),
            password: Some(password),
        });
    }
    let investigator =
        investigator.ok_or_else(|| demo_error("the store has no investigator role"))?;
    let version = store.study().await?.protocol_version;
    // The whole cohort in one transaction: a record holds every patient or none (the first
    // refusal ends it, so no command needs undoing alone).
    let mut batch = store
        .batch_undone(&investigator, None, store::Undo::Whole)
        .await?;
    match &cohort {
        Cohort::Courses(courses) => {
            for course in courses {
                enter::enter(&mut batch, protocol, version, course).await?;
            }
        }
        Cohort::Charts(charts) => {
            for chart in charts {
                pediatric::enter(&mut batch, chart).await?;
            }
        }
    }
    batch.commit().await?;
    Ok((store, logins))
}

/// Checks that the record at `--db` is a complete demo study (an interrupted first run is not).
async fn check_reused(
    store: &Store,
    demo: DemoStudy,
    protocol: &Protocol,
    db: &str,
) -> Result<(), CliError> {
    let study = store.study().await?;
    if study.code != demo.code() {
        return Err(CliError::input(format!(
            "--db: {db} holds the study '{}', not the demo; give another path",
            study.code
        )));
    }
    let incomplete = || {
        CliError::input(format!(
            "--db: the demo study in {db} is incomplete (an earlier run was interrupted); remove it and run demo again"
        ))
    };
    let cohort = demo.cohort(protocol)?;
    for code in cohort.codes() {
        let subject = store
            .subject_by_code(code)
            .await
            .map_err(|_| incomplete())?;
        if subject.data.enrolment_date.is_none() {
            return Err(incomplete());
        }
    }
    if let Cohort::Courses(courses) = &cohort {
        for course in courses {
            let subject = store.subject_by_code(&course.subject.code).await?;
            let decisions = store.records_of::<ProtocolDecision>(subject.id).await?;
            if decisions.len() != course.visits.len() {
                return Err(incomplete());
            }
        }
    }
    Ok(())
}

/// Counts what the record holds, and reads each subject's last stored decision.
async fn count(store: &Store) -> Result<Counts, CliError> {
    let mut counts = Counts::default();
    for subject in store.subjects().await? {
        counts.subjects += 1;
        counts.records += enter::count(store, subject.id).await?;
        let decisions = store.records_of::<ProtocolDecision>(subject.id).await?;
        let last = decisions
            .iter()
            .max_by_key(|stored| (stored.data.decided_on, stored.id))
            .map(|stored| serde_json::from_str::<serde_json::Value>(&stored.data.explanation))
            .transpose()
            .map_err(|error| {
                demo_error(format!("a stored decision does not read back: {error}"))
            })?;
        if let Some(last) = last {
            counts.complete_responses += usize::from(!last["first_complete_response"].is_null());
            counts.relapsed += usize::from(
                last["relapses"]
                    .as_array()
                    .is_some_and(|relapses| !relapses.is_empty()),
            );
            counts.stopped += usize::from(last["action"] == "stop");
        }
    }
    Ok(counts)
}

/// The users of a reused study (their passwords were printed when it was created).
fn known_logins() -> Vec<Login> {
    std::iter::once(Login {
        login: "admin".to_owned(),
        role: "administrator",
        password: None,
    })
    .chain(Role::ALL.into_iter().map(|role| Login {
        login: demo_login(role),
        role: role.as_str(),
        password: None,
    }))
    .collect()
}

pub fn run(args: DemoArgs) -> CmdResult {
    let demo = args.study;
    let protocol = Protocol::from_toml(demo.protocol_text())
        .map_err(|error| demo_error(format!("the shipped protocol: {error}")))?;
    let db = args.db.unwrap_or_else(|| demo.default_db().to_owned());
    crate::io::block_on(async move {
        let url = DbUrl::parse(&db)?;
        let (store, logins, created) = match Store::open(&url).await {
            Ok(store) => {
                check_reused(&store, demo, &protocol, &db).await?;
                (store, known_logins(), false)
            }
            Err(_) => {
                let (store, logins) = create(&url, demo, &protocol).await?;
                (store, logins, true)
            }
        };
        let output = Output {
            db: &db,
            study: demo.code(),
            title: demo.title(),
            created,
            counts: count(&store).await?,
            logins,
            passwords_note: (!created).then_some(
                "passwords were printed when this demo study was created; remove the database and run demo again for new ones",
            ),
        };
        let text = serde_json::to_string_pretty(&output).map_err(anyhow::Error::from)?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}")
            .and_then(|()| stdout.flush())
            .map_err(anyhow::Error::from)?;
        drop(stdout);
        if args.no_serve {
            store.close().await;
            return Ok(());
        }
        crate::serve_cmd::serve(
            store,
            args.bind,
            web::Config::default(),
            web::Limits::default(),
        )
        .await
    })
}

/// The demo's login of the user holding `role`: the role's name, in words joined by hyphens
/// (`unblinded-statistician`), which users type and read more easily than an id.
fn demo_login(role: Role) -> String {
    role.as_str().replace('_', "-")
}
