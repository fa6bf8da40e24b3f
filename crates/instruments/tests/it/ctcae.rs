//! CTCAE v5.0: every lab cut-off on both sides in every unit, the LLN edge cases, the non-lab
//! catalogue and its computable parts.

use instruments::ctcae::{
    AeTerm, CtcaeGrade, LabError, LabTest, LabUnit, diarrhea_grade, grade_lab, weight_loss_grade,
};

use CtcaeGrade::{G0, G1, G2, G3, G4};

#[track_caller]
fn check(test: &str, value: f64, unit: &str, lln: Option<f64>, expect: Option<CtcaeGrade>) {
    let test: LabTest = test.parse().unwrap();
    let unit: LabUnit = unit.parse().unwrap();
    assert_eq!(
        grade_lab(test, value, unit, lln),
        Ok(expect),
        "{test} {value} {unit} LLN {lln:?}"
    );
}

/// One row per published cut-off: the value at the cut-off has the lower grade, a value just
/// below it the higher one.
struct CutOff {
    test: &'static str,
    units: &'static [&'static str],
    at: f64,
    just_below: f64,
    above_cut: CtcaeGrade,
    below_cut: CtcaeGrade,
}

const COUNTS_MM3: &[&str] = &["/mm3", "/uL"];
const COUNTS_SI: &[&str] = &["10^9/L"];

#[rustfmt::skip]
const CUT_OFFS: &[CutOff] = &[
    // Neutrophil count decreased [S10]
    CutOff { test: "neutrophils", units: COUNTS_MM3, at: 1500.0, just_below: 1499.0, above_cut: G1, below_cut: G2 },
    CutOff { test: "neutrophils", units: COUNTS_MM3, at: 1000.0, just_below: 999.0, above_cut: G2, below_cut: G3 },
    CutOff { test: "neutrophils", units: COUNTS_MM3, at: 500.0, just_below: 499.0, above_cut: G3, below_cut: G4 },
    CutOff { test: "neutrophils", units: COUNTS_SI, at: 1.5, just_below: 1.49, above_cut: G1, below_cut: G2 },
    CutOff { test: "neutrophils", units: COUNTS_SI, at: 1.0, just_below: 0.99, above_cut: G2, below_cut: G3 },
    CutOff { test: "neutrophils", units: COUNTS_SI, at: 0.5, just_below: 0.49, above_cut: G3, below_cut: G4 },
    // White blood cell decreased
    CutOff { test: "leukocytes", units: COUNTS_MM3, at: 3000.0, just_below: 2999.0, above_cut: G1, below_cut: G2 },
    CutOff { test: "leukocytes", units: COUNTS_MM3, at: 2000.0, just_below: 1999.0, above_cut: G2, below_cut: G3 },
    CutOff { test: "leukocytes", units: COUNTS_MM3, at: 1000.0, just_below: 999.0, above_cut: G3, below_cut: G4 },
    CutOff { test: "leukocytes", units: COUNTS_SI, at: 3.0, just_below: 2.99, above_cut: G1, below_cut: G2 },
    CutOff { test: "leukocytes", units: COUNTS_SI, at: 2.0, just_below: 1.99, above_cut: G2, below_cut: G3 },
    CutOff { test: "leukocytes", units: COUNTS_SI, at: 1.0, just_below: 0.99, above_cut: G3, below_cut: G4 },
    // Platelet count decreased
    CutOff { test: "platelets", units: COUNTS_MM3, at: 75_000.0, just_below: 74_999.0, above_cut: G1, below_cut: G2 },
    CutOff { test: "platelets", units: COUNTS_MM3, at: 50_000.0, just_below: 49_999.0, above_cut: G2, below_cut: G3 },
    CutOff { test: "platelets", units: COUNTS_MM3, at: 25_000.0, just_below: 24_999.0, above_cut: G3, below_cut: G4 },
    CutOff { test: "platelets", units: COUNTS_SI, at: 75.0, just_below: 74.9, above_cut: G1, below_cut: G2 },
    CutOff { test: "platelets", units: COUNTS_SI, at: 50.0, just_below: 49.9, above_cut: G2, below_cut: G3 },
    CutOff { test: "platelets", units: COUNTS_SI, at: 25.0, just_below: 24.9, above_cut: G3, below_cut: G4 },
    // Lymphocyte count decreased
    CutOff { test: "lymphocytes", units: COUNTS_MM3, at: 800.0, just_below: 799.0, above_cut: G1, below_cut: G2 },
    CutOff { test: "lymphocytes", units: COUNTS_MM3, at: 500.0, just_below: 499.0, above_cut: G2, below_cut: G3 },
    CutOff { test: "lymphocytes", units: COUNTS_MM3, at: 200.0, just_below: 199.0, above_cut: G3, below_cut: G4 },
    CutOff { test: "lymphocytes", units: COUNTS_SI, at: 0.8, just_below: 0.79, above_cut: G1, below_cut: G2 },
    CutOff { test: "lymphocytes", units: COUNTS_SI, at: 0.5, just_below: 0.49, above_cut: G2, below_cut: G3 },
    CutOff { test: "lymphocytes", units: COUNTS_SI, at: 0.2, just_below: 0.19, above_cut: G3, below_cut: G4 },
    // Anemia: each unit has its own published figures; mmol/L 6.2 and 4.9 are not conversions.
    CutOff { test: "hemoglobin", units: &["g/dL"], at: 10.0, just_below: 9.9, above_cut: G1, below_cut: G2 },
    CutOff { test: "hemoglobin", units: &["g/dL"], at: 8.0, just_below: 7.9, above_cut: G2, below_cut: G3 },
    CutOff { test: "hemoglobin", units: &["g/L"], at: 100.0, just_below: 99.0, above_cut: G1, below_cut: G2 },
    CutOff { test: "hemoglobin", units: &["g/L"], at: 80.0, just_below: 79.0, above_cut: G2, below_cut: G3 },
    CutOff { test: "hemoglobin", units: &["mmol/L"], at: 6.2, just_below: 6.1, above_cut: G1, below_cut: G2 },
    CutOff { test: "hemoglobin", units: &["mmol/L"], at: 4.9, just_below: 4.8, above_cut: G2, below_cut: G3 },
];

#[test]
fn every_cut_off_on_both_sides_in_every_unit() {
    for row in CUT_OFFS {
        for unit in row.units {
            // An LLN far above every cut-off, so "above the cut" lands in grade 1 at worst.
            let lln = Some(1e9);
            check(row.test, row.at, unit, lln, Some(row.above_cut));
            check(row.test, row.just_below, unit, lln, Some(row.below_cut));
        }
    }
}

#[test]
fn lowest_values_take_the_highest_lab_grade() {
    for (test, unit, top) in [
        ("neutrophils", "/mm3", G4),
        ("leukocytes", "10^9/L", G4),
        ("platelets", "/uL", G4),
        ("lymphocytes", "/mm3", G4),
        // Anaemia by lab value caps at grade 3 [S24].
        ("hemoglobin", "g/dL", G3),
        ("hemoglobin", "g/L", G3),
        ("hemoglobin", "mmol/L", G3),
    ] {
        check(test, 0.0, unit, None, Some(top));
    }
}

#[test]
fn the_lln_decides_between_grade_0_and_1() {
    // Value at the LLN is normal; just below it is grade 1.
    check("neutrophils", 1800.0, "/mm3", Some(1800.0), Some(G0));
    check("neutrophils", 1799.0, "/mm3", Some(1800.0), Some(G1));
    check("hemoglobin", 12.0, "g/dL", Some(12.0), Some(G0));
    check("hemoglobin", 11.9, "g/dL", Some(12.0), Some(G1));
    check("hemoglobin", 7.4, "mmol/L", Some(7.5), Some(G1));
    check("platelets", 140.0, "10^9/L", Some(150.0), Some(G1));
}

#[test]
fn without_lln_only_grade_0_or_1_is_undecidable() {
    check("neutrophils", 1500.0, "/mm3", None, None);
    check("neutrophils", 4000.0, "/mm3", None, None);
    check("neutrophils", 1499.0, "/mm3", None, Some(G2));
    check("hemoglobin", 10.0, "g/dL", None, None);
    check("hemoglobin", 9.9, "g/dL", None, Some(G2));
}

#[test]
fn lln_edge_cases_follow_admiral() {
    // LLN at or above the grade 1 upper bound: grade 1 [S10].
    check("neutrophils", 1600.0, "/mm3", Some(1800.0), Some(G1));
    check("neutrophils", 1500.0, "/mm3", Some(1500.0), Some(G0));
    // LLN below the grade 1/2 cut: "< 1500" fires first, grade 2 [S10].
    check("neutrophils", 1450.0, "/mm3", Some(1400.0), Some(G2));
    check("lymphocytes", 0.75, "10^9/L", Some(0.7), Some(G2));
    // The trial's grade 2 neutropenia (1,190/mm3) [S20].
    check("neutrophils", 1190.0, "/mm3", Some(1800.0), Some(G2));
}

#[test]
fn a_unit_that_does_not_fit_the_test_is_refused() {
    for (test, unit) in [
        (LabTest::Hemoglobin, LabUnit::PerMm3),
        (LabTest::Hemoglobin, LabUnit::E9PerL),
        (LabTest::Neutrophils, LabUnit::GPerDl),
        (LabTest::Platelets, LabUnit::MmolPerL),
        (LabTest::Lymphocytes, LabUnit::GPerL),
    ] {
        let error = grade_lab(test, 1.0, unit, None).unwrap_err();
        assert_eq!(error, LabError::UnitDoesNotFit { test, unit });
    }
    let message = grade_lab(LabTest::Hemoglobin, 1.0, LabUnit::PerUl, None)
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "unit '/uL' does not fit hemoglobin; allowed: g/dL, g/L, mmol/L"
    );
}

#[test]
fn negative_or_non_finite_values_and_llns_are_refused() {
    for bad in [-1.0, -0.0001, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let value = grade_lab(LabTest::Neutrophils, bad, LabUnit::PerMm3, Some(1800.0));
        assert!(
            matches!(value, Err(LabError::OutOfRange { what: "value", .. })),
            "{bad}: {value:?}"
        );
        let lln = grade_lab(LabTest::Neutrophils, 1000.0, LabUnit::PerMm3, Some(bad));
        assert!(
            matches!(lln, Err(LabError::OutOfRange { what: "LLN", .. })),
            "{bad}: {lln:?}"
        );
    }
    // Zero is a value a lab can report.
    assert_eq!(
        grade_lab(LabTest::Neutrophils, 0.0, LabUnit::PerMm3, Some(0.0)),
        Ok(Some(G4))
    );
}

#[test]
fn ids_and_units_round_trip_and_unknown_ones_list_what_is_allowed() {
    for test in LabTest::ALL {
        assert_eq!(test.id().parse::<LabTest>(), Ok(test));
        let json = serde_json::to_string(&test).unwrap();
        assert_eq!(json, format!("\"{}\"", test.id()));
    }
    for unit in LabUnit::ALL {
        assert_eq!(unit.to_string().parse::<LabUnit>(), Ok(unit));
        let json = serde_json::to_string(&unit).unwrap();
        assert_eq!(json, format!("\"{unit}\""));
        assert_eq!(serde_json::from_str::<LabUnit>(&json).unwrap(), unit);
    }
    let error = "anc".parse::<LabTest>().unwrap_err().to_string();
    assert!(
        error.contains("'anc'") && error.contains("neutrophils, leukocytes"),
        "{error}"
    );
    let error = "cells/L".parse::<LabUnit>().unwrap_err().to_string();
    assert!(
        error.contains("'cells/L'") && error.contains("/mm3, /uL, 10^9/L"),
        "{error}"
    );
}

#[test]
fn grades_serialize_as_numbers() {
    for grade in CtcaeGrade::ALL {
        let json = serde_json::to_string(&grade).unwrap();
        assert_eq!(json, grade.number().to_string());
        assert_eq!(serde_json::from_str::<CtcaeGrade>(&json).unwrap(), grade);
        assert_eq!(CtcaeGrade::from_number(grade.number()), Some(grade));
    }
    assert_eq!(CtcaeGrade::from_number(6), None);
    assert!(serde_json::from_str::<CtcaeGrade>("6").is_err());
    assert!(serde_json::from_str::<CtcaeGrade>("-1").is_err());
}

#[test]
fn non_lab_terms_offer_the_grades_ctcae_prints() {
    #[track_caller]
    fn check(term: AeTerm, max: CtcaeGrade) {
        assert_eq!(term.max_grade(), max, "{term:?}");
        assert_eq!(term.grade_text(CtcaeGrade::G0), None);
        for grade in &CtcaeGrade::ALL[1..] {
            assert_eq!(
                term.grade_text(*grade).is_some(),
                *grade <= max,
                "{term:?} {grade}"
            );
        }
    }
    check(AeTerm::Vomiting, CtcaeGrade::G5);
    check(AeTerm::Diarrhea, CtcaeGrade::G5);
    check(AeTerm::WeightLoss, CtcaeGrade::G3);
    check(AeTerm::Fatigue, CtcaeGrade::G3);
    check(AeTerm::Insomnia, CtcaeGrade::G3);
    check(AeTerm::PeripheralSensoryNeuropathy, CtcaeGrade::G5);
    check(AeTerm::ThromboembolicEvent, CtcaeGrade::G5);
    // v5.0 vomiting is graded by intervention, not by episode counts (those are v4.x).
    let vomiting = AeTerm::Vomiting.grade_text(CtcaeGrade::G1).unwrap();
    assert!(!vomiting.contains("episode"), "{vomiting}");
}

#[test]
fn weight_loss_bands_on_both_sides() {
    #[track_caller]
    fn check(baseline: f64, current: f64, expect: CtcaeGrade) {
        assert_eq!(
            weight_loss_grade(baseline, current),
            Ok(expect),
            "{baseline} -> {current}"
        );
    }
    check(100.0, 95.01, G0);
    check(100.0, 95.0, G1);
    check(100.0, 90.01, G1);
    check(100.0, 90.0, G2);
    check(100.0, 80.01, G2);
    check(100.0, 80.0, G3);
    check(70.0, 66.5, G1);
    check(70.0, 75.0, G0);
    check(70.0, 0.0, G3);
    for (baseline, current) in [(0.0, 60.0), (-70.0, 60.0), (70.0, -1.0), (f64::NAN, 60.0)] {
        assert!(
            weight_loss_grade(baseline, current).is_err(),
            "{baseline} {current}"
        );
    }
}

#[test]
fn diarrhea_stool_increase_bands_on_both_sides() {
    #[track_caller]
    fn check(baseline: u32, now: u32, expect: CtcaeGrade) {
        assert_eq!(diarrhea_grade(baseline, now), expect, "{baseline} -> {now}");
    }
    check(2, 2, G0);
    check(2, 1, G0);
    check(2, 3, G1);
    check(2, 5, G1);
    check(2, 6, G2);
    check(2, 8, G2);
    check(2, 9, G3);
    check(0, 30, G3);
}
