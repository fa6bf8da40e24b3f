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
    let mut built_in: Vec<&str> = protocol::shipped::names().collect();
    built_in.sort();
    assert_eq!(
        names, built_in,
        "protocols/ and the built-in list name the same studies"
    );
    for name in &names {
        // Built in as the file reads, and found by its name in any case.
        let text = protocol::shipped::text(&name.to_uppercase()).expect("built in");
        assert_eq!(text, protocol_text(name), "{name}");
        if let Err(error) = Protocol::from_toml(text) {
            panic!("{name}: {error}");
        }
    }
    assert_eq!(protocol::shipped::text("nct0140819"), None);
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

/// A regimen is a dose level only when drug, amount (to the microgram) and frequency are the
/// level's: 5 mg three times weekly is `5mg_3x_weekly`; its average (2.14 mg/day) is no level.
#[test]
fn a_regimen_is_a_level_exactly_or_refused_by_name() {
    use instruments::medication::{Amount, DoseUnit, Drug, Regimen};
    /// (drug, amount, unit, frequency, the level's id or words of the refusal).
    type Case<'a> = (&'a str, &'a str, &'a str, &'a str, Result<&'a str, &'a str>);
    fn check(study: &str, cases: &[Case]) {
        let protocol = shipped(study);
        for (drug, amount, unit, frequency, expect) in cases {
            let unit: DoseUnit = unit.parse().expect("unit");
            let regimen = Regimen {
                drug: Drug::find(drug).expect("drug"),
                amount: Amount::parse(amount, unit).expect("amount"),
                unit,
                frequency: frequency.parse().expect("frequency"),
            };
            let got = protocol
                .level_of(&regimen)
                .map(|level| level.id.as_str())
                .map_err(|refusal| refusal.to_string());
            match (got, expect) {
                (Ok(id), Ok(want)) => assert_eq!(id, *want, "{study}: {regimen}"),
                (Err(message), Err(want)) => {
                    assert!(message.contains(want), "{study}: {regimen}: {message}");
                }
                (got, _) => panic!("{study}: {regimen}: got {got:?}, expected {expect:?}"),
            }
        }
    }
    check(
        "nct01408199",
        &[
            ("lenalidomide", "10", "mg", "QD", Ok("10mg_daily")),
            ("lenalidomide", "5", "mg", "once daily", Ok("5mg_daily")),
            ("lenalidomide", "5.000", "mg", "QD", Ok("5mg_daily")),
            ("lenalidomide", "5000", "ug", "QD", Ok("5mg_daily")),
            ("lenalidomide", "5", "mg", "QOD", Ok("5mg_alternate_days")),
            (
                "lenalidomide",
                "5",
                "mg",
                "3 TIMES PER WEEK",
                Ok("5mg_3x_weekly"),
            ),
            (
                "lenalidomide",
                "5",
                "mg",
                "twice weekly",
                Ok("5mg_2x_weekly"),
            ),
            (
                "lenalidomide",
                "2.143",
                "mg",
                "QD",
                Err(
                    "Lenalidomide 2.143 mg once daily is no dose level of the protocol; its levels: lenalidomide 10 mg once daily;",
                ),
            ),
            ("lenalidomide", "2.14", "mg", "QD", Err("is no dose level")),
            ("lenalidomide", "3", "mg", "QD", Err("is no dose level")),
            ("lenalidomide", "5.001", "mg", "QD", Err("is no dose level")),
            (
                "lenalidomide",
                "5",
                "mg",
                "4 TIMES PER WEEK",
                Err("is no dose level"),
            ),
            ("lenalidomide", "5", "mg", "BID", Err("is no dose level")),
            (
                "prednisone",
                "10",
                "mg",
                "QD",
                Err(
                    "Prednisone is not this study's drug (Lenalidomide); record it as a concomitant medication",
                ),
            ),
            (
                "thalidomide",
                "100",
                "mg",
                "QD",
                Err("not this study's drug"),
            ),
        ],
    );
    check(
        "thalidomide-cohort",
        &[
            ("thalidomide", "100", "mg", "QD", Ok("100mg_daily")),
            ("thalidomide", "0.1", "g", "QD", Ok("100mg_daily")),
            ("thalidomide", "50", "mg", "QOD", Ok("50mg_alternate_days")),
            ("thalidomide", "50", "mg", "QD", Ok("50mg_daily")),
            ("thalidomide", "25", "mg", "QD", Err("is no dose level")),
            (
                "lenalidomide",
                "5",
                "mg",
                "QD",
                Err("not this study's drug (Thalidomide)"),
            ),
        ],
    );
    check(
        "pediatric-review",
        &[
            ("lenalidomide", "5", "mg", "QD", Err("is no dose level")),
            ("prednisone", "20", "mg", "QD", Err("not this study's drug")),
        ],
    );
}

#[test]
fn a_study_drug_outside_the_vocabulary_is_refused() {
    let text =
        protocol_text("nct01408199").replace("drug = \"lenalidomide\"", "drug = \"revlimid\"");
    let error = Protocol::from_toml(&text)
        .expect_err("unknown drug")
        .to_string();
    assert!(error.contains("unknown drug 'revlimid'"), "{error}");
}
