//! The 14 treated patients of the paper's Table 2, replayed visit by visit.
//!
//! Each `data/published/courses/patient_NN.json` holds a plausible course of CLASI activity
//! (by week of each episode: the start, then each relapse) and the dose level on which the next
//! relapse shows. `simulate::published::replay` is the clinic (shared with `cletrial demo`): at
//! every visit it records the CLASI the course gives for that day, calls the engine, and gives
//! the dose the decision names; the next visit is the decision's `next_visit` or an
//! unscheduled visit of the course, whichever is first. The published columns (outcome, time to CR, maximum dose, relapse, dose at relapse) must come
//! out of the engine's own doses; the paper's totals are checked across the 14.

use std::collections::BTreeMap;

use protocol::{Decision, Phase, Protocol};
use simulate::published::{Course, Published, replay as replay_course};

use crate::support::{date, shipped};

/// What one replay produced.
struct Outcome {
    published: Published,
    final_decision: Decision,
    decisions: Vec<Decision>,
}

fn replay(protocol: &Protocol, course: &Course) -> Outcome {
    let replayed = replay_course(
        protocol,
        course,
        date("2009-02-02"),
        |protocol, history, today| {
            let decision = protocol::decide(protocol, history, today)?;
            // Every dose given so far is the one the engine named, so the dose audit finds nothing
            // and the audit-free variant the simulator uses decides the same.
            assert!(decision.deviations.is_empty(), "{:?}", decision.deviations);
            assert_eq!(
                protocol::decide_following(protocol, history, today).expect("decides"),
                decision
            );
            Ok(decision)
        },
    )
    .unwrap_or_else(|error| panic!("patient {}: {error}", course.patient));
    Outcome {
        published: replayed.published(protocol),
        final_decision: replayed.last().clone(),
        decisions: replayed.decisions,
    }
}

/// The 14 treated patients' courses (`data/published/courses/`, shared with `cletrial demo`).
fn courses() -> Vec<Course> {
    let courses = Course::shipped().unwrap_or_else(|error| panic!("{error}"));
    courses.into_iter().filter(Course::treated).collect()
}

#[test]
fn each_table2_row_is_reproduced_by_stepping_the_engine() {
    let protocol = shipped("nct01408199");
    let courses = courses();
    let numbers: Vec<u32> = courses.iter().map(|c| c.patient).collect();
    assert_eq!(
        numbers,
        [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        "the 14 treated patients"
    );
    let mut failures = Vec::new();
    for course in &courses {
        let outcome = replay(&protocol, course);
        if outcome.published != course.published {
            failures.push(format!(
                "patient {} ({}): published {:?}\n  replayed {:?}\n  doses: {:?}",
                course.patient,
                course.note,
                course.published,
                outcome.published,
                outcome
                    .decisions
                    .iter()
                    .map(|d| format!("{} {:?} {}", d.as_of, d.action, d.dose))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_papers_totals_come_out_of_the_replays() {
    let protocol = shipped("nct01408199");
    let outcomes: BTreeMap<u32, Outcome> = courses()
        .iter()
        .map(|course| (course.patient, replay(&protocol, course)))
        .collect();
    let count = |test: &dyn Fn(&Outcome) -> bool| outcomes.values().filter(|o| test(o)).count();
    // "Twelve of those patients (86%) achieved a CR."
    assert_eq!(count(&|o| o.published.outcome == "CR"), 12);
    // "nine (75%) relapsed".
    assert_eq!(count(&|o| !o.final_decision.relapses.is_empty()), 9);
    // "Five patients had at least two relapses".
    assert_eq!(count(&|o| o.final_decision.relapses.len() >= 2), 5);
    // "Three of the fourteen treated patients (21%) required a long-term maintenance dose"
    // of 5 mg on alternate days or three times weekly.
    let maintained: Vec<(&u32, &str)> = outcomes
        .iter()
        .filter(|(_, o)| o.final_decision.phase == Phase::Maintenance)
        .map(|(patient, o)| (patient, o.final_decision.dose.as_str()))
        .collect();
    assert_eq!(
        maintained,
        [
            (&1, "5mg_3x_weekly"),
            (&11, "5mg_3x_weekly"),
            (&14, "5mg_alternate_days")
        ]
    );
    // "Only two patients, both with SCLE, obtained a sustained remission after withdrawing."
    let off: Vec<&u32> = outcomes
        .iter()
        .filter(|(_, o)| {
            o.final_decision.phase == Phase::OffTreatment && o.final_decision.relapses.is_empty()
        })
        .map(|(patient, _)| patient)
        .collect();
    assert_eq!(off, [&6, &7]);
    // The clinic gave what the engine asked for: re-deciding every dose change agrees.
    assert_eq!(count(&|o| o.final_decision.deviation), 0);
    // Patient 15: grade 2 neutropenia flagged at month 2, treatment not stopped.
    let p15 = &outcomes[&15];
    assert!(
        p15.decisions
            .iter()
            .any(|d| d.toxicity.as_ref().is_some_and(|t| t.grade == 2))
    );
    assert!(p15.decisions.iter().all(|d| d.phase != Phase::Stopped));
}

/// The demo's courses go through the engine's record checks: a lab typed in another unit than
/// its own is refused naming the field and the likely unit, as on every other channel.
#[test]
fn a_course_with_an_implausible_lab_is_refused() {
    let protocol = shipped("nct01408199");
    let (file, text) = simulate::published::COURSES[0];
    let mut course: serde_json::Value = serde_json::from_str(text).expect("JSON");
    course["labs"] =
        serde_json::json!([{"week": 2, "test": "hemoglobin", "value": 75, "unit": "g/dL"}]);
    let course = Course::parse(file, &course.to_string()).expect("parses");
    let Err(error) = replay_course(&protocol, &course, date("2009-02-02"), protocol::decide) else {
        panic!("an implausible lab is replayed");
    };
    assert_eq!(
        error.to_string(),
        "labs[0].value: hemoglobin 75 g/dL is not plausible (allowed 1-25 g/dL); did you mean \
         75 g/L (= 7.5 g/dL)?"
    );
}
