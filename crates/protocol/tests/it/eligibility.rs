//! Eligibility: each criterion on both sides of its threshold, unknowns, and the overall rule.

use protocol::eligibility::{Candidate, EligibilityResult, Status, evaluate};
use serde_json::{Value, json};

use crate::support::shipped;

/// A candidate meeting every NCT01408199 criterion (shaped like Table 1's patient 6, SCLE).
fn eligible() -> Value {
    json!({
        "screening_date": "2009-03-02", "birth_date": "1965-06-10",
        "cle_histology_confirmed": true, "sle_diagnosis": false,
        "clasi_erythema": {"face": 2, "v_neck": 3, "back": 2},
        "prednisone_mg_per_day": 5, "regimen_stable_days": 60, "refractory_months": 12,
        "bsa_percent": 24, "thalidomide_severe_side_effects": false, "thalidomide_lack_of_efficacy": false,
        "thalidomide_hypersensitivity": false, "pregnant": false, "lactating": false,
        "reproductive_potential": true, "adequate_contraception": true,
        "sledai_2k": 2, "requires_systemic_immunosuppressants": false,
        "platelets": {"value": 210000, "unit": "/mm3"}, "leukocytes": {"value": 5600, "unit": "/mm3"},
        "neutrophils": {"value": 3100, "unit": "/uL"},
        "thrombosis_history": false, "antiphospholipid_antibodies": false,
        "gfr": 95, "progressive_renal_disease": false, "psychiatric_or_social_disorder": false,
        "hiv": false, "viral_hepatitis": false
    })
}

fn with(changes: Value) -> Candidate {
    let mut candidate = eligible();
    for (key, value) in changes.as_object().expect("object") {
        if value.is_null() {
            candidate.as_object_mut().expect("object").remove(key);
        } else {
            candidate[key] = value.clone();
        }
    }
    serde_json::from_value(candidate).expect("candidate parses")
}

fn run(protocol: &str, candidate: &Candidate) -> EligibilityResult {
    evaluate(shipped(protocol).eligibility(), candidate).expect("valid candidate")
}

#[track_caller]
fn check(changes: Value, id: &str, expect: Status) {
    let result = run("nct01408199", &with(changes.clone()));
    let criterion = result
        .criteria
        .iter()
        .find(|c| c.id == id)
        .expect("criterion exists");
    assert_eq!(criterion.status, expect, "{changes} -> {criterion:#?}");
}

#[test]
fn the_reference_candidate_is_eligible() {
    let result = run("nct01408199", &with(json!({})));
    assert_eq!(result.eligible, Some(true), "{result:#?}");
    assert_eq!(result.criteria.len(), 15);
    assert!(result.missing.is_empty());
    let age = &result.criteria[0];
    assert_eq!(
        age.reason,
        "met: age_years > 18 years? 43 years (born 1965-06-10, screened 2009-03-02)"
    );
}

#[test]
fn age_is_completed_years_strictly_over_18() {
    check(json!({"birth_date": "1990-03-03"}), "I1", Status::NotMet); // 18 the day before the 19th birthday
    check(json!({"birth_date": "1990-03-02"}), "I1", Status::Met); // 19th birthday
    check(json!({"birth_date": "1991-03-02"}), "I1", Status::NotMet); // exactly 18
    check(json!({"birth_date": null}), "I1", Status::Unknown);
    check(json!({"screening_date": null}), "I1", Status::Unknown);
}

#[test]
fn erythema_needs_some_area_at_2_or_more() {
    check(
        json!({"clasi_erythema": {"face": 1, "scalp": 1}}),
        "I3",
        Status::NotMet,
    );
    check(
        json!({"clasi_erythema": {"face": 1, "scalp": 2}}),
        "I3",
        Status::Met,
    );
    check(json!({"clasi_erythema": {}}), "I3", Status::Unknown);
    check(json!({"clasi_erythema": null}), "I3", Status::Unknown);
}

#[test]
fn stable_regimen_needs_both_parts() {
    check(json!({"prednisone_mg_per_day": 10}), "I4", Status::NotMet);
    check(json!({"prednisone_mg_per_day": 9.9}), "I4", Status::Met);
    check(json!({"regimen_stable_days": 29}), "I4", Status::NotMet);
    check(json!({"regimen_stable_days": 30}), "I4", Status::Met);
    check(
        json!({"prednisone_mg_per_day": null}),
        "I4",
        Status::Unknown,
    );
    check(
        json!({"prednisone_mg_per_day": null, "regimen_stable_days": 10}),
        "I4",
        Status::NotMet,
    );
}

#[test]
fn refractoriness_is_at_least_3_months() {
    check(json!({"refractory_months": 2.9}), "I5", Status::NotMet);
    check(json!({"refractory_months": 3}), "I5", Status::Met);
}

#[test]
fn i6_any_of_bsa_over_18_or_thalidomide_history() {
    check(json!({"bsa_percent": 18}), "I6", Status::NotMet);
    check(json!({"bsa_percent": 18.5}), "I6", Status::Met);
    check(
        json!({"bsa_percent": 10, "thalidomide_lack_of_efficacy": true}),
        "I6",
        Status::Met,
    );
    check(json!({"bsa_percent": null}), "I6", Status::Unknown);
    check(
        json!({"bsa_percent": null, "thalidomide_severe_side_effects": true}),
        "I6",
        Status::Met,
    );
    // Rule of nines through instruments::bsa: the front of the trunk is 18%, not over 18.
    check(
        json!({"bsa_percent": null, "bsa_involvement": [{"region": "trunk", "extent": "front"}]}),
        "I6",
        Status::NotMet,
    );
    check(
        json!({"bsa_percent": null, "bsa_involvement": [{"region": "trunk", "extent": "front"}, {"region": "head_neck"}]}),
        "I6",
        Status::Met,
    );
}

#[test]
fn e2_pregnancy_and_contraception() {
    check(json!({"pregnant": true}), "E2", Status::Met);
    check(json!({"lactating": true}), "E2", Status::Met);
    check(json!({"adequate_contraception": false}), "E2", Status::Met);
    check(
        json!({"reproductive_potential": false, "adequate_contraception": false}),
        "E2",
        Status::NotMet,
    );
    check(
        json!({"adequate_contraception": null}),
        "E2",
        Status::Unknown,
    );
    check(
        json!({"adequate_contraception": null, "pregnant": true}),
        "E2",
        Status::Met,
    );
}

#[test]
fn e3_sledai_6_or_more_is_active_sle() {
    check(json!({"sledai_2k": 6}), "E3", Status::Met);
    check(json!({"sledai_2k": 5}), "E3", Status::NotMet);
    check(
        json!({"sledai_2k": 2, "requires_systemic_immunosuppressants": true}),
        "E3",
        Status::Met,
    );
}

#[test]
fn e4_cytopenias_in_any_count_unit() {
    check(
        json!({"neutrophils": {"value": 999, "unit": "/uL"}}),
        "E4",
        Status::Met,
    );
    check(
        json!({"neutrophils": {"value": 1000, "unit": "/uL"}}),
        "E4",
        Status::NotMet,
    );
    check(
        json!({"neutrophils": {"value": 0.99, "unit": "10^9/L"}}),
        "E4",
        Status::Met,
    );
    check(
        json!({"neutrophils": {"value": 1.0, "unit": "10^9/L"}}),
        "E4",
        Status::NotMet,
    );
    check(
        json!({"platelets": {"value": 29999, "unit": "/mm3"}}),
        "E4",
        Status::Met,
    );
    check(
        json!({"platelets": {"value": 30000, "unit": "/mm3"}}),
        "E4",
        Status::NotMet,
    );
    check(
        json!({"leukocytes": {"value": 1999, "unit": "/mm3"}}),
        "E4",
        Status::Met,
    );
    check(
        json!({"leukocytes": {"value": 2000, "unit": "/mm3"}}),
        "E4",
        Status::NotMet,
    );
    check(json!({"leukocytes": null}), "E4", Status::Unknown);
}

#[test]
fn e7_renal() {
    check(json!({"gfr": 29.9}), "E7", Status::Met);
    check(json!({"gfr": 30}), "E7", Status::NotMet);
    check(
        json!({"gfr": 30, "progressive_renal_disease": true}),
        "E7",
        Status::Met,
    );
}

#[test]
fn each_yes_no_exclusion() {
    for (field, id) in [
        ("thalidomide_hypersensitivity", "E1"),
        ("thrombosis_history", "E5"),
        ("antiphospholipid_antibodies", "E6"),
        ("psychiatric_or_social_disorder", "E8"),
        ("hiv", "E9"),
        ("viral_hepatitis", "E9"),
    ] {
        check(json!({ field: true }), id, Status::Met);
        check(json!({ field: null }), id, Status::Unknown);
    }
    check(
        json!({"cle_histology_confirmed": false}),
        "I2",
        Status::NotMet,
    );
}

#[test]
fn overall_is_true_false_or_incomplete() {
    #[track_caller]
    fn overall(changes: Value, expect: Option<bool>) {
        let result = run("nct01408199", &with(changes.clone()));
        assert_eq!(result.eligible, expect, "{changes} -> {result:#?}");
    }
    overall(json!({}), Some(true));
    overall(json!({"refractory_months": 1}), Some(false));
    overall(json!({"hiv": true}), Some(false));
    overall(json!({"gfr": null}), None);
    // A definite "no" decides even when other data are missing.
    overall(json!({"gfr": null, "pregnant": true}), Some(false));
    let incomplete = run("nct01408199", &with(json!({"gfr": null, "hiv": null})));
    assert_eq!(incomplete.missing, ["gfr", "hiv"]);
}

#[test]
fn bad_candidate_values_name_their_field() {
    #[track_caller]
    fn rejected(changes: Value, field: &str) {
        let error = evaluate(shipped("nct01408199").eligibility(), &with(changes.clone()))
            .expect_err("rejected");
        assert_eq!(error.field, field, "{changes}: {error}");
    }
    rejected(
        json!({"clasi_erythema": {"face": 4}}),
        "clasi_erythema.face",
    );
    rejected(json!({"birth_date": "2010-01-01"}), "birth_date");
    rejected(
        json!({"neutrophils": {"value": 10, "unit": "g/dL"}}),
        "neutrophils.unit",
    );
    rejected(
        json!({"platelets": {"value": -1, "unit": "/mm3"}}),
        "platelets.value",
    );
    rejected(json!({"bsa_percent": 101}), "bsa_percent");
    rejected(
        json!({"bsa_involvement": [{"region": "trunk"}]}),
        "bsa_involvement",
    );
    rejected(json!({"sledai_2k": 106}), "sledai_2k");
}

#[test]
fn pediatric_review_takes_adolescents_not_adults() {
    #[track_caller]
    fn age(birth: &str, expect: Status) {
        let candidate: Candidate = serde_json::from_value(json!({
            "screening_date": "2015-06-01", "birth_date": birth, "sle_diagnosis": true, "drug_received": true
        }))
        .expect("parses");
        let result = run("pediatric-review", &candidate);
        assert_eq!(result.criteria[0].status, expect, "{result:#?}");
        assert_eq!(result.eligible, Some(expect == Status::Met));
    }
    age("1998-06-02", Status::Met); // 16, the day before turning 17
    age("1997-06-02", Status::Met); // 17
    age("1997-06-01", Status::NotMet); // 18th birthday
}

#[test]
fn completed_years_around_birthdays_and_leap_days() {
    #[track_caller]
    fn check(birth: &str, on: &str, expect: i16) {
        let years = protocol::eligibility::whole_years(
            crate::support::date(birth),
            crate::support::date(on),
        );
        assert_eq!(years, expect, "born {birth}, on {on}");
    }
    check("1990-06-15", "2008-06-14", 17);
    check("1990-06-15", "2008-06-15", 18);
    check("2000-02-29", "2018-02-28", 17);
    check("2000-02-29", "2018-03-01", 18);
    check("2000-02-29", "2020-02-29", 20);
    check("2010-01-01", "2010-01-01", 0);
}

/// A chart review judges age at the drug start (the index date), not at the later review: a
/// child of 15 at the start is under 18 though 18 when the chart is read (the paediatric review).
#[test]
fn a_retrospective_review_judges_age_at_the_index_date() {
    let child = |index_date: Option<&str>| -> Candidate {
        serde_json::from_value(json!({
            "screening_date": "2026-11-02",
            "index_date": index_date,
            "birth_date": "2008-01-15",
            "sle_diagnosis": true,
            "drug_received": true,
        }))
        .expect("candidate")
    };
    let age = |candidate: &Candidate| {
        let result = run("pediatric-review", candidate);
        let i1 = result.criteria.iter().find(|c| c.id == "I1").expect("I1");
        (i1.status, i1.reason.clone())
    };
    for (index, expect, words) in [
        (
            Some("2023-06-01"),
            Status::Met,
            "15 years (born 2008-01-15, at the index date 2023-06-01)",
        ),
        // The day before the 18th birthday is still under 18; the birthday is not.
        (Some("2026-01-14"), Status::Met, "17 years"),
        (Some("2026-01-15"), Status::NotMet, "18 years"),
        (
            None,
            Status::NotMet,
            "18 years (born 2008-01-15, screened 2026-11-02)",
        ),
    ] {
        let (status, reason) = age(&child(index));
        assert_eq!(status, expect, "{index:?}: {reason}");
        assert!(reason.contains(words), "{index:?}: {reason}");
    }
    let error = child(Some("2026-12-01"))
        .check()
        .expect_err("after the review");
    assert_eq!(error.field, "index_date");
}

/// LAVENDER's entry criterion "erythema + scale >= 7" (FRONTIER.md) as a protocol writes it,
/// on both sides of 7; no sum is unknown, never 0; a sum out of range or not whole is refused
/// naming the field.
#[test]
fn erythema_plus_scale_is_a_field_criteria_test() {
    let text = format!(
        "{}\n{}",
        crate::support::protocol_text("nct01408199"),
        r#"
[[eligibility.inclusion]]
id = "I_ES"
text = "CLASI erythema + scale >= 7"
field = "clasi_erythema_scale"
op = ">="
value = 7
unit = "points"
"#
    );
    let protocol = protocol::Protocol::from_toml(&text).expect("the protocol loads");
    #[track_caller]
    fn check(protocol: &protocol::Protocol, sum: Value, expect: Result<Status, &str>) {
        let candidate = with(json!({ "clasi_erythema_scale": sum }));
        match (evaluate(protocol.eligibility(), &candidate), expect) {
            (Ok(result), Ok(status)) => {
                let criterion = result
                    .criteria
                    .iter()
                    .find(|c| c.id == "I_ES")
                    .expect("criterion");
                assert_eq!(criterion.status, status, "{sum}: {criterion:#?}");
            }
            (Err(error), Err(field)) => assert_eq!(error.field, field, "{sum}: {error}"),
            (got, expect) => panic!("{sum}: got {got:?}, expected {expect:?}"),
        }
    }
    check(&protocol, json!(6), Ok(Status::NotMet));
    check(&protocol, json!(7), Ok(Status::Met));
    check(&protocol, json!(8), Ok(Status::Met));
    check(&protocol, json!(0), Ok(Status::NotMet));
    check(&protocol, json!(65), Ok(Status::Met));
    check(&protocol, Value::Null, Ok(Status::Unknown));
    check(&protocol, json!(66), Err("clasi_erythema_scale"));
    check(&protocol, json!(-1), Err("clasi_erythema_scale"));
    check(&protocol, json!(7.5), Err("clasi_erythema_scale"));
    // The shipped trial keeps its criteria: without the sum its reference candidate is still
    // eligible, and the sum is not among what is missing.
    let result = run("nct01408199", &with(json!({})));
    assert_eq!(result.eligible, Some(true), "{result:#?}");
    assert_eq!(result.criteria.len(), 15);
    // With the criterion and no sum, the candidate's eligibility is unknown.
    let unknown = evaluate(protocol.eligibility(), &with(json!({}))).expect("evaluated");
    assert_eq!(unknown.eligible, None, "{unknown:#?}");
}
