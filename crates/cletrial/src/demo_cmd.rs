//! `cletrial demo`: a populated study in one command. It creates (or reuses) a study record of
//! the lenalidomide trial with two sites, one user per role and the paper's 15 patients
//! entered visit by visit, each decision taken by the protocol engine, then serves the web
//! application.

use std::io::Write;
use std::net::SocketAddr;

use analysis::published::{Cohort, Sex as PublishedSex};
use clap::Args;
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
use crate::io::{CliError, CmdResult};

const PROTOCOL_TEXT: &str = include_str!("../../../protocols/nct01408199.toml");
const STUDY_CODE: &str = "nct01408199-demo";
const SITES: [(&str, &str); 2] = [
    ("S01", "Trial centre (demo)"),
    ("S02", "Second site (demo)"),
];

/// Create (or reuse) a demo study of the lenalidomide trial and serve the web application.
///
/// The study holds the trial paper's 15 patients (Cortés-Hernández et al. 2012, NCT01408199):
/// Table 1's baseline, dated visits whose CLASI forms add up to a course reproducing Table 2
/// (time to CR, relapses and the dose at relapse), Table 3's adverse events and the patient
/// withdrawn in week 1, every decision taken by the protocol engine and stored. Two sites, one
/// user per role; their passwords are random and printed once, when the study is created.
/// Run again with the same --db, it reuses the study and changes nothing. Example:
///
///   cletrial demo --db sqlite://cletrial-demo.db --bind 127.0.0.1:8080
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL", default_value = "sqlite://cletrial-demo.db")]
    db: String,
    /// The address and port the web application listens on (port 0: any free port).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Create or check the study and exit without serving.
    #[arg(long)]
    no_serve: bool,
}

/// One login of the demo study; the password only when it was just set.
#[derive(Serialize)]
struct Login {
    login: String,
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// What the record holds, counted from the store.
#[derive(Serialize, Default)]
struct Counts {
    subjects: usize,
    #[serde(flatten)]
    records: Entered,
    /// From the stored decisions: patients whose engine found a complete response, who relapsed,
    /// and whose treatment was stopped.
    complete_responses: usize,
    relapsed: usize,
    stopped: usize,
}

#[derive(Serialize)]
struct Output<'a> {
    db: &'a str,
    study: &'static str,
    created: bool,
    counts: Counts,
    logins: Vec<Login>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passwords_note: Option<&'static str>,
}

/// Patient `n` (1-15) is enrolled on a Monday between January 2009 and December 2010, the
/// paper's recruitment period, seven weeks after the previous one (the dates are not printed).
fn enrolment(patient: u32) -> Date {
    jiff::civil::date(2009, 1, 12).saturating_add((i64::from(patient - 1) * 49).days())
}

fn study_code(patient: u32) -> String {
    format!("P{patient:02}")
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
    cohort: &Cohort,
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
    })
}

/// The 15 patients' records, checked against the paper's tables before anything is written.
fn cohort_courses(protocol: &Protocol) -> Result<Vec<PatientCourse>, CliError> {
    let cohort = Cohort::shipped().map_err(|error| demo_error(error.to_string()))?;
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
async fn create(url: &DbUrl, protocol: &Protocol) -> Result<(Store, Vec<Login>), CliError> {
    let courses = cohort_courses(protocol)?;
    let admin_password = random_password()?;
    let (store, admin) = Store::init(
        url,
        &NewStudy {
            code: STUDY_CODE.to_owned(),
            title: "Lenalidomide in refractory CLE (NCT01408199), demo with the published cohort"
                .to_owned(),
            protocol_text: PROTOCOL_TEXT.to_owned(),
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
        let login = role.as_str().to_owned();
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
    // The whole cohort in one transaction: a record holds all 15 patients or none.
    let mut batch = store.batch(&investigator, None).await?;
    for course in &courses {
        enter::enter(&mut batch, protocol, version, course).await?;
    }
    batch.commit().await?;
    Ok((store, logins))
}

/// Checks that the record at `--db` is a complete demo study (an interrupted first run is not).
async fn check_reused(store: &Store, protocol: &Protocol, db: &str) -> Result<(), CliError> {
    let study = store.study().await?;
    if study.code != STUDY_CODE {
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
    for course in cohort_courses(protocol)? {
        let subject = store
            .subject_by_code(&course.subject.code)
            .await
            .map_err(|_| incomplete())?;
        let decisions = store.records_of::<ProtocolDecision>(subject.id).await?;
        if decisions.len() != course.visits.len() {
            return Err(incomplete());
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
        login: role.as_str().to_owned(),
        role: role.as_str(),
        password: None,
    }))
    .collect()
}

pub fn run(args: DemoArgs) -> CmdResult {
    let protocol = Protocol::from_toml(PROTOCOL_TEXT)
        .map_err(|error| demo_error(format!("the shipped protocol: {error}")))?;
    crate::io::block_on(async move {
        let url = DbUrl::parse(&args.db)?;
        let (store, logins, created) = match Store::open(&url).await {
            Ok(store) => {
                check_reused(&store, &protocol, &args.db).await?;
                (store, known_logins(), false)
            }
            Err(_) => {
                let (store, logins) = create(&url, &protocol).await?;
                (store, logins, true)
            }
        };
        let output = Output {
            db: &args.db,
            study: STUDY_CODE,
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
        crate::serve_cmd::serve(store, args.bind, web::Config::default()).await
    })
}
