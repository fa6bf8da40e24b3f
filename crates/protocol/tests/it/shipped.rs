//! The shipped protocol files load, and say what their sources say.

use protocol::Protocol;
use protocol::model::{Design, MaintenancePolicy, SledaiReference};

use crate::support::{protocol_text, repo_root, shipped};

#[test]
fn every_shipped_protocol_loads() {
    let dir = repo_root().join("protocols");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("protocols dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .map(|path| {
            path.file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["nct01408199", "pediatric-review", "thalidomide-cohort"]
    );
    for name in &names {
        if let Err(error) = Protocol::from_toml(&protocol_text(name)) {
            panic!("{name}: {error}");
        }
    }
}

#[test]
fn nct01408199_holds_the_papers_algorithm() {
    let protocol = shipped("nct01408199");
    let algorithm = protocol.algorithm().expect("has an algorithm");
    let ladder: Vec<&str> = algorithm
        .ladder
        .iter()
        .map(|level| level.id.as_str())
        .collect();
    assert_eq!(
        ladder,
        [
            "10mg_daily",
            "5mg_daily",
            "5mg_alternate_days",
            "5mg_3x_weekly",
            "5mg_2x_weekly",
            "off"
        ]
    );
    assert_eq!(algorithm.level_id(algorithm.start), "5mg_daily");
    assert_eq!(
        algorithm.escalation.map(|i| algorithm.level_id(i)),
        Some("10mg_daily")
    );
    let settings = &algorithm.settings;
    assert_eq!(settings.assessment_week, 4);
    assert_eq!(settings.response.complete_max_activity, 0);
    assert_eq!(settings.response.relapse_min_activity, 4);
    assert_eq!(settings.response.partial_min_improvement_percent, 50.0);
    assert_eq!(settings.response.partial_by_week, 12);
    assert_eq!(settings.taper.interval_days, 28);
    assert_eq!(
        settings.maintenance.policy,
        MaintenancePolicy::HoldImmediately
    );
    assert_eq!(
        settings.flare.rule,
        instruments::sledai::FlareRule::ChangeScore
    );
    assert_eq!(settings.flare.reference, SledaiReference::Previous);
    let stops: Vec<&str> = algorithm
        .stops
        .iter()
        .map(|stop| stop.id.as_str())
        .collect();
    assert_eq!(stops.len(), 6, "{stops:?}");
    let criteria = protocol.eligibility();
    let ids: Vec<&str> = criteria
        .inclusion
        .iter()
        .chain(&criteria.exclusion)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "I1", "I2", "I3", "I4", "I5", "I6", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8",
            "E9"
        ]
    );
}

#[test]
fn registry_and_paper_disagreements_are_recorded_not_resolved() {
    let protocol = shipped("nct01408199");
    let study = &protocol.file().study;
    let phase = study
        .discrepancies
        .iter()
        .find(|d| d.item == "phase")
        .expect("phase recorded");
    assert!(phase.values["paper"].contains("II"));
    assert!(phase.values["registry"].contains('4'));
    let start = study
        .discrepancies
        .iter()
        .find(|d| d.item == "enrolment start")
        .expect("start recorded");
    assert!(start.values["paper"].contains("January 2009"));
    assert!(start.values["registry"].contains("January 2010"));
}

#[test]
fn thalidomide_cohort_has_its_own_drug_ladder_and_neuropathy_stop() {
    let protocol = shipped("thalidomide-cohort");
    assert_eq!(protocol.file().study.design, Design::Observational);
    let algorithm = protocol.algorithm().expect("has an algorithm");
    assert_eq!(algorithm.level_id(algorithm.start), "100mg_daily");
    assert_eq!(algorithm.escalation, None);
    assert!(
        algorithm
            .stops
            .iter()
            .any(|stop| stop.id == "stop.neuropathy")
    );
    assert!(
        protocol
            .schedule()
            .monitoring
            .iter()
            .any(|m| m.id == "nerve_conduction")
    );
}

#[test]
fn pediatric_review_has_no_algorithm_and_no_adult_age_rule() {
    let protocol = shipped("pediatric-review");
    assert_eq!(protocol.file().study.design, Design::Retrospective);
    assert!(protocol.algorithm().is_none());
    let age = &protocol.eligibility().inclusion[0];
    assert_eq!(age.id, "I1");
    assert!(format!("{:?}", age.condition).contains("Lt"), "{age:?}");
}

#[test]
fn decide_refuses_a_study_without_algorithm() {
    let history: protocol::History =
        serde_json::from_value(serde_json::json!({"start_date": "2015-01-01"})).expect("history");
    let error = protocol::decide(
        &shipped("pediatric-review"),
        &history,
        crate::support::date("2015-02-01"),
    )
    .expect_err("no algorithm");
    assert_eq!(
        error.to_string(),
        "protocol: pediatric-sle-lenalidomide-2017 has no treatment algorithm (a retrospective study); decide does not apply"
    );
}
