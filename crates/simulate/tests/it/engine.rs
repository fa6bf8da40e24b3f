//! The simulator decides through `protocol::FollowUp`, which carries the engine's state from
//! visit to visit. On every simulated course each decision must be the one the engine gives
//! when it replays the whole record (`decide_following`), and a cohort run without anyone
//! reading the encounters (decisions without their sentences) must come out as the same
//! cohort run with every decision written out.

use instruments::ctcae::{LabTest, LabUnit};
use jiff::civil::{Date, date};
use protocol::history::{History, LabRecord, Patient};
use protocol::{Protocol, decide_following};
use simulate::{Cohort, Model, TimeToCrSource, simulate_patient, simulate_trial};

use crate::support::shipped;

const START: Date = date(2010, 1, 4);

/// Rebuilds each patient's record from its encounters and checks every decision against the
/// full replay of that record; returns how many decisions were compared.
fn check_course(protocol: &Protocol, model: &Model, seed: u64, patient: u64) -> usize {
    let mut history = History {
        start_date: START,
        patient: Patient::default(),
        clasi: Vec::new(),
        sledai: Vec::new(),
        labs: Vec::new(),
        doses: Vec::new(),
        events: Vec::new(),
        nerve_conduction: Vec::new(),
        arm: None,
    };
    let mut compared = 0;
    simulate_patient(protocol, model, (seed, 0, patient), START, |encounter| {
        history.clasi.extend(encounter.clasi);
        history
            .labs
            .extend(encounter.neutrophils.map(|value| LabRecord {
                date: encounter.date,
                test: LabTest::Neutrophils,
                value,
                unit: LabUnit::PerMm3,
                lln: Some(model.neutrophils_lln),
            }));
        history
            .events
            .extend(encounter.adverse_events.iter().cloned());
        history.nerve_conduction.extend(encounter.nerve_conduction);
        if let Some(decision) = encounter.decision {
            let replayed = decide_following(protocol, &history, encounter.date)
                .unwrap_or_else(|error| panic!("patient {patient}: {error}"));
            assert_eq!(decision, &replayed, "seed {seed}, patient {patient}");
            compared += 1;
            if history.doses.last().map(|dose| dose.level.as_str()) != Some(&decision.dose) {
                history.give(encounter.date, &decision.dose);
            }
        }
    })
    .unwrap_or_else(|error| panic!("patient {patient}: {error}"));
    compared
}

#[test]
fn each_simulated_decision_is_the_full_replays() {
    let cases = [
        (
            "nct01408199",
            Model::lenalidomide(TimeToCrSource::Text),
            300,
        ),
        (
            "nct01408199",
            Model::lenalidomide(TimeToCrSource::Table2),
            100,
        ),
        ("thalidomide-cohort", Model::thalidomide(), 60),
    ];
    for (name, model, patients) in cases {
        let protocol = shipped(name);
        for seed in [1, 7] {
            let compared: usize = (0..patients)
                .map(|patient| check_course(&protocol, &model, seed, patient))
                .sum();
            // About one decision per visit, every patient followed up for years.
            assert!(compared > patients as usize * 10, "{name}: {compared}");
        }
    }
}

#[test]
fn a_cohort_is_the_same_whether_or_not_its_decisions_are_written_out() {
    for (name, model) in [
        ("nct01408199", Model::lenalidomide(TimeToCrSource::Text)),
        ("thalidomide-cohort", Model::thalidomide()),
    ] {
        let protocol = shipped(name);
        let patients = 200;
        let quiet =
            simulate_trial(&protocol, &model, (3, 0), patients, START, 2, drop).expect("simulates");
        let mut cohort = Cohort::default();
        for patient in 0..patients {
            let mut decisions = 0;
            let summary = simulate_patient(&protocol, &model, (3, 0, patient), START, |e| {
                decisions += usize::from(e.decision.is_some());
            })
            .expect("simulates");
            assert_eq!(decisions, summary.decisions as usize, "{name} {patient}");
            cohort.add(&summary);
        }
        assert_eq!(cohort.characteristics(), quiet, "{name}");
    }
}

/// Nerve conduction studies follow the model: each on the day of a paraesthesia (normal) or of
/// the neuropathy it confirms (sensory polyneuropathy), and the share confirmed among those
/// studied is the cohort's 5 of 11 within three standard errors at the simulated size.
#[test]
fn nerve_conduction_studies_confirm_as_the_cohort_did() {
    use protocol::history::NerveFinding;
    let protocol = shipped("thalidomide-cohort");
    let model = Model::thalidomide();
    let (mut studied, mut confirmed) = (0usize, 0usize);
    for patient in 0..3000 {
        simulate_patient(&protocol, &model, (5, 0, patient), START, |encounter| {
            let Some(study) = encounter.nerve_conduction else {
                return;
            };
            let terms: Vec<&str> = encounter
                .adverse_events
                .iter()
                .filter_map(|e| e.term.map(|t| t.id()))
                .collect();
            assert_eq!(study.date, encounter.date);
            match study.finding {
                NerveFinding::SensoryPolyneuropathy => {
                    assert!(
                        terms.contains(&"peripheral_sensory_neuropathy"),
                        "{terms:?}"
                    );
                    confirmed += 1;
                }
                NerveFinding::Normal => assert!(terms.contains(&"paresthesia"), "{terms:?}"),
                NerveFinding::Other => panic!("the model finds no other abnormality"),
            }
            studied += 1;
        })
        .expect("simulates");
    }
    let share = confirmed as f64 / studied as f64;
    let expected = 5.0 / 11.0;
    let se = (expected * (1.0 - expected) / studied as f64).sqrt();
    assert!(studied > 200, "{studied} studied");
    assert!(
        (share - expected).abs() < 3.0 * se,
        "{confirmed} of {studied} confirmed; the cohort: 5 of 11"
    );
}

/// The simulator's counts go through the engine's record checks: a model whose lower limit of
/// normal is in another unit than its counts (10^9/L beside /mm3) is refused naming the field
/// and the likely unit, never graded.
#[test]
fn a_model_with_an_implausible_lab_is_refused() {
    let protocol = shipped("nct01408199");
    let mut model = Model::lenalidomide(TimeToCrSource::Text);
    model.neutrophils_lln = 2.0;
    let Err(error) = simulate_patient(&protocol, &model, (1, 0, 0), START, |_| {}) else {
        panic!("a model with an implausible LLN simulates");
    };
    assert_eq!(
        error.to_string(),
        "labs[0].lln: 2 /mm3 is not a plausible lower limit of normal for neutrophils (allowed \
         500-5000 /mm3); did you mean 2 10^9/L (= 2000 /mm3)?"
    );
}
