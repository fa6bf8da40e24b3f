//! The lenalidomide cohort of examples/import/, imported, decides as the same records entered
//! one by one through the store's commands (the commands of the pages and the API): the
//! engine's history and decision of each subject are equal, and say what the protocol asks.

use std::collections::BTreeSet;

use ::store::{
    ActionTaken, AdverseEvent, Backend, BirthOrAge, Causality, ClasiAssessment, Decimal,
    Disposition, DispositionStatus, DoseChange, DosePeriod, Entry, EventType, Finding, LabResult,
    Missing, NerveConductionStudy, NewDose, Outcome, Password, ProtocolEvent, Sex,
    SledaiAssessment, Store, SubjectData, VisitData,
};
use instruments::ctcae::CtcaeGrade;
use instruments::input::read_clasi;
use instruments::medication::Drug;
use instruments::sledai::{Descriptor, Sledai2k, Window};
use jiff::civil::{Date, date};
use protocol::{Action, Decision, History, Phase};

use crate::store::{BOB_PASSWORD, Cli, both_backends};

both_backends!(the_cohort_imported_decides_as_entered_through_the_store);

/// A date as the examples write it (day, month, 2024).
fn d(day: i8, month: i8) -> Date {
    date(2024, month, day)
}

/// What the engine makes of each enrolled subject on `as_of`.
type Decided = Vec<(String, Result<History, String>, Result<Decision, String>)>;

async fn decide(store: &Store, as_of: &[(&str, Date)]) -> Decided {
    let protocol = store.protocol().await.expect("protocol");
    let mut decided = Vec::new();
    for (code, date) in as_of {
        let subject = store.subject_by_code(code).await.expect("subject");
        let record = store.clinical_record(subject.id).await.expect("record");
        decided.push((
            (*code).to_owned(),
            record.history(&protocol).map_err(|error| error.to_string()),
            record
                .decide(&protocol, *date)
                .map_err(|error| error.to_string()),
        ));
    }
    decided
}

/// The decision dates: each enrolled subject on its last visit.
const AS_OF: [(&str, (i8, i8)); 2] = [("S01-001", (16, 4)), ("S01-002", (8, 4))];

fn as_of() -> Vec<(&'static str, Date)> {
    AS_OF
        .iter()
        .map(|(code, (day, month))| (*code, d(*day, *month)))
        .collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn the_cohort_imported_decides_as_entered_through_the_store(backend: Backend) {
    let imported = Cli::new(backend);
    imported.examples_before(None);
    let entered = Cli::new(backend);
    let runtime = runtime();
    let (by_import, by_hand) = runtime.block_on(async {
        let store = Store::open(imported.db.url()).await.expect("opens");
        let by_import = decide(&store, &as_of()).await;
        store.close().await;
        let store = Store::open(entered.db.url()).await.expect("opens");
        enter(&store).await;
        let by_hand = decide(&store, &as_of()).await;
        store.close().await;
        (by_import, by_hand)
    });
    assert_eq!(by_import, by_hand);
    // And what the protocol asks: S01-001 in complete response since week 8, tapered a step a
    // month (5 mg daily, alternate days, then three times weekly from week 12, held until the
    // next step is due), its concomitant change a deviation; S01-002 stopped for grade 3
    // neutropenia.
    let [(_, _, first), (_, _, second)] = &by_import[..] else {
        panic!("two subjects: {by_import:#?}")
    };
    let first = first.as_ref().expect("S01-001 decided");
    assert_eq!(
        (first.action, first.phase, first.dose.as_str()),
        (Action::Continue, Phase::Taper, "5mg_3x_weekly"),
        "{first:#?}"
    );
    assert_eq!(first.first_complete_response, Some(d(18, 3)), "{first:#?}");
    assert!(first.deviation, "the concomitant change: {first:#?}");
    let second = second.as_ref().expect("S01-002 decided");
    assert_eq!(
        (second.action, second.phase, second.dose.as_str()),
        (Action::Stop, Phase::Stopped, "off"),
        "{second:#?}"
    );
    assert!(
        second
            .rules
            .iter()
            .any(|rule| rule.id == "stop.myelosuppression"),
        "{second:#?}"
    );
}

/// The examples' records, entered one command at a time as the pages and the API do.
async fn enter(store: &Store) {
    let password = Password::typed(BOB_PASSWORD).expect("password");
    let actor = &store.authenticate("bob", &password).await.expect("bob");
    // Subjects: S01-003 failed screening and is not enrolled.
    let subjects = [
        (
            "S01-001",
            Sex::Female,
            48,
            "scle_annular",
            d(12, 1),
            d(15, 1),
            Some(d(22, 1)),
        ),
        (
            "S01-002",
            Sex::Female,
            35,
            "dle_localized",
            d(2, 2),
            d(5, 2),
            Some(d(12, 2)),
        ),
        (
            "S01-003",
            Sex::Male,
            61,
            "dle_generalized",
            d(20, 2),
            d(20, 2),
            None,
        ),
    ];
    let mut ids = Vec::new();
    for (code, sex, age, subtype, consent, screening, enrolment) in subjects {
        let data = SubjectData {
            site: "S01".to_owned(),
            code: code.to_owned(),
            sex,
            birth: BirthOrAge::AgeYears(age),
            subtype: Some(subtype.parse().expect("subtype")),
            screening_date: screening,
            consent_date: Some(consent),
            enrolment_date: None,
        };
        let candidate = ::store::testing::eligible_candidate();
        let (subject, _) = store
            .screen(actor, &data, &candidate)
            .await
            .expect("screen");
        if let Some(enrolment_date) = enrolment {
            let enrolment = ::store::Enrolment {
                subject_id: subject.id,
                based_on: subject.version,
                consent_date: consent,
                enrolment_date,
                waiver: None,
                reason: None,
                factors: Vec::new(),
            };
            store.enrol(actor, &enrolment).await.expect("enrol");
        }
        ids.push(subject.id);
    }
    let [first, second, third] = ids[..] else {
        panic!("three subjects")
    };
    // Visits: (subject, name, planned, actual).
    let visits = [
        (first, "week 0", d(22, 1), d(22, 1)),
        (first, "week 4", d(19, 2), d(19, 2)),
        (first, "week 8", d(18, 3), d(18, 3)),
        (first, "week 12", d(15, 4), d(16, 4)),
        (second, "week 0", d(12, 2), d(12, 2)),
        (second, "week 4", d(11, 3), d(11, 3)),
        (second, "week 8", d(8, 4), d(8, 4)),
    ];
    let mut visit_ids = Vec::new();
    for (subject, name, planned, actual) in visits {
        let data = VisitData {
            name: name.to_owned(),
            planned_date: Some(planned),
            actual_date: Some(actual),
        };
        let visit = store.add_visit(actor, subject, &data).await.expect("visit");
        visit_ids.push((subject, name, visit.id));
    }
    let visit = |subject: i64, name: &str| {
        visit_ids
            .iter()
            .find(|(s, n, _)| *s == subject && *n == name)
            .map(|(_, _, id)| *id)
            .expect("visit")
    };
    // CLASI, as the API reads it (an area left out is uninvolved).
    let no_once = r#""mucous_membrane": 0, "recent_hair_loss": 0, "nonscarring_alopecia": 0, "scarring_alopecia": 0"#;
    let clasi = [
        (first, "week 0", d(22, 1), format!(
            r#"{{"areas": {{"rest_of_face": {{"erythema": 2, "scale": 1}}, "v_neck": {{"erythema": 3, "scale": 1, "dyspigmentation": 1}}, "arms": {{"erythema": 1}}}}, {no_once}, "dyspigmentation_lasts_12_months": false}}"#
        )),
        (first, "week 4", d(19, 2), format!(
            r#"{{"areas": {{"rest_of_face": {{"erythema": 1}}, "v_neck": {{"erythema": 1, "dyspigmentation": 1}}}}, {no_once}, "dyspigmentation_lasts_12_months": false}}"#
        )),
        (first, "week 8", d(18, 3), format!(
            r#"{{"areas": {{"v_neck": {{"dyspigmentation": 1}}}}, {no_once}, "dyspigmentation_lasts_12_months": false}}"#
        )),
        (first, "week 12", d(16, 4), format!(
            r#"{{"areas": {{"v_neck": {{"dyspigmentation": 1}}}}, {no_once}, "dyspigmentation_lasts_12_months": false}}"#
        )),
        (second, "week 0", d(12, 2), format!(
            r#"{{"areas": {{"rest_of_face": {{"erythema": 2, "scale": 2, "dyspigmentation": 1, "scarring": 1}}, "ears": {{"erythema": 1, "scale": 1, "scarring": 1}}}}, {no_once}, "dyspigmentation_lasts_12_months": true}}"#
        )),
        (second, "week 4", d(11, 3), format!(
            r#"{{"areas": {{"rest_of_face": {{"erythema": 2, "scale": 1, "dyspigmentation": 1, "scarring": 1}}, "ears": {{"erythema": 1, "scarring": 1}}}}, {no_once}, "dyspigmentation_lasts_12_months": true}}"#
        )),
        (second, "week 8", d(8, 4), r#"{"areas": {"rest_of_face": {"erythema": 2, "scale": 1, "dyspigmentation": 1, "scarring": 1}, "ears": {"erythema": 1, "scale": 1, "scarring": 1}}, "mucous_membrane": 0, "recent_hair_loss": null, "nonscarring_alopecia": 0, "scarring_alopecia": 0, "dyspigmentation_lasts_12_months": true}"#.to_owned()),
    ];
    for (subject, name, assessed_on, json) in clasi {
        let record = ClasiAssessment {
            subject_id: subject,
            visit_id: visit(subject, name),
            assessed_on,
            clasi: read_clasi(&json).expect("a CLASI"),
        };
        store.add_record(actor, &record).await.expect("clasi");
    }
    // SLEDAI-2K.
    let sledai = [
        (
            first,
            "week 0",
            d(22, 1),
            Window::Days10,
            vec![Descriptor::LowComplement],
        ),
        (
            first,
            "week 4",
            d(19, 2),
            Window::Days10,
            vec![Descriptor::LowComplement],
        ),
        (first, "week 8", d(18, 3), Window::Days10, vec![]),
        (second, "week 0", d(12, 2), Window::Days10, vec![]),
        (second, "week 4", d(11, 3), Window::Days30, vec![]),
    ];
    for (subject, name, assessed_on, window, present) in sledai {
        let record = SledaiAssessment {
            subject_id: subject,
            visit_id: Some(visit(subject, name)),
            assessed_on,
            sledai: Sledai2k {
                descriptors: present.into_iter().collect::<BTreeSet<_>>(),
                window,
            },
        };
        store.add_record(actor, &record).await.expect("sledai");
    }
    // Doses: each a dose change, in date order; S01-002 stopped.
    let lenalidomide = Drug::find("lenalidomide").expect("drug");
    let doses = [
        (first, d(22, 1), Some("QD")),
        (first, d(18, 3), Some("QOD")),
        (first, d(16, 4), Some("3 TIMES PER WEEK")),
        (second, d(12, 2), Some("QD")),
        (second, d(11, 3), None),
    ];
    for (subject, from, frequency) in doses {
        let dose = match frequency {
            Some(frequency) => NewDose::Regimen(
                DosePeriod::regimen_named("lenalidomide", "5", "mg", frequency).expect("regimen"),
            ),
            None => NewDose::Stop(lenalidomide),
        };
        let change = DoseChange {
            subject_id: subject,
            from,
            dose,
            until: None,
        };
        store.change_dose(actor, &change).await.expect("dose");
    }
    // Labs: neutrophils and platelets, 10^9/L.
    let decimal = |text: &str| Decimal::parse("value", text).expect("decimal");
    let labs = [
        (
            first,
            "week 0",
            d(15, 1),
            "neutrophils",
            Entry::Value(decimal("3.1")),
            "1.8",
            "7.5",
        ),
        (
            first,
            "week 0",
            d(15, 1),
            "platelets",
            Entry::Value(decimal("251")),
            "150",
            "400",
        ),
        (
            first,
            "week 4",
            d(19, 2),
            "neutrophils",
            Entry::Value(decimal("1.4")),
            "1.8",
            "7.5",
        ),
        (
            first,
            "week 4",
            d(19, 2),
            "platelets",
            Entry::Missing(Missing::NotDone),
            "150",
            "400",
        ),
        (
            second,
            "week 0",
            d(5, 2),
            "neutrophils",
            Entry::Value(decimal("4.2")),
            "1.8",
            "7.5",
        ),
        (
            second,
            "week 4",
            d(11, 3),
            "neutrophils",
            Entry::Value(decimal("0.9")),
            "1.8",
            "7.5",
        ),
    ];
    for (subject, name, collected_on, test, value, lln, uln) in labs {
        let record = LabResult {
            subject_id: subject,
            visit_id: Some(visit(subject, name)),
            collected_on,
            test: test.to_owned(),
            value,
            unit: "10^9/L".to_owned(),
            lln: Some(decimal(lln)),
            uln: Some(decimal(uln)),
        };
        store.add_record(actor, &record).await.expect("lab");
    }
    // Adverse events.
    let term = |text: &str| AdverseEvent::term_named(text).expect("term");
    let grade = |number: u8| CtcaeGrade::from_number(number).expect("grade");
    let adverse_events = [
        AdverseEvent {
            subject_id: first,
            term: term("Fatigue"),
            verbatim: Some("tired in the afternoons".to_owned()),
            start_date: d(5, 2),
            end_date: None,
            grade: grade(1),
            serious: false,
            causality: Causality::Unlikely,
            action_taken: ActionTaken::DoseNotChanged,
            outcome: Outcome::NotRecovered,
        },
        AdverseEvent {
            subject_id: first,
            term: term("Neutrophil count decreased"),
            verbatim: None,
            start_date: d(19, 2),
            end_date: Some(d(18, 3)),
            grade: grade(2),
            serious: false,
            causality: Causality::Possible,
            action_taken: ActionTaken::DoseNotChanged,
            outcome: Outcome::Recovered,
        },
        AdverseEvent {
            subject_id: second,
            term: term("Neutrophil count decreased"),
            verbatim: None,
            start_date: d(11, 3),
            end_date: Some(d(8, 4)),
            grade: grade(3),
            serious: false,
            causality: Causality::Probable,
            action_taken: ActionTaken::DrugWithdrawn,
            outcome: Outcome::Recovered,
        },
        AdverseEvent {
            subject_id: second,
            term: term("Vertigo"),
            verbatim: Some("dizzy on standing".to_owned()),
            start_date: d(20, 2),
            end_date: Some(d(22, 2)),
            grade: grade(1),
            serious: false,
            causality: Causality::Unrelated,
            action_taken: ActionTaken::DoseNotChanged,
            outcome: Outcome::Unknown,
        },
    ];
    for record in adverse_events {
        store
            .add_record(actor, &record)
            .await
            .expect("adverse event");
    }
    // Protocol events and dispositions.
    let events = [
        (
            first,
            d(4, 3),
            EventType::ConcomitantChange,
            "hydroxychloroquine raised to 400 mg/day by the GP",
        ),
        (
            second,
            d(11, 3),
            EventType::PhysicianDecision,
            "lenalidomide stopped for grade 3 neutropenia",
        ),
    ];
    for (subject, occurred_on, event, note) in events {
        let record = ProtocolEvent {
            subject_id: subject,
            occurred_on,
            event,
            note: Some(note.to_owned()),
        };
        store.add_record(actor, &record).await.expect("event");
    }
    let dispositions = [
        (
            second,
            DispositionStatus::AdverseEvent,
            d(8, 4),
            "withdrawn after grade 3 neutropenia",
        ),
        (
            third,
            DispositionStatus::ScreenFailure,
            d(20, 2),
            "prednisone 15 mg/day at screening (criterion I4)",
        ),
    ];
    for (subject, status, disposition_date, details) in dispositions {
        let record = Disposition {
            subject_id: subject,
            status,
            disposition_date,
            details: Some(details.to_owned()),
        };
        store.add_record(actor, &record).await.expect("disposition");
    }
    // Nerve conduction studies.
    let studies = [
        (first, "week 0", d(19, 1), Finding::Normal, None),
        (first, "week 12", d(16, 4), Finding::Normal, None),
        (
            second,
            "week 0",
            d(12, 2),
            Finding::Other,
            Some("right median nerve entrapment at the wrist (carpal tunnel)"),
        ),
    ];
    for (subject, name, tested_on, finding, note) in studies {
        let record = NerveConductionStudy {
            subject_id: subject,
            visit_id: Some(visit(subject, name)),
            tested_on,
            finding,
            note: note.map(str::to_owned),
        };
        store
            .add_record(actor, &record)
            .await
            .expect("nerve conduction study");
    }
}
