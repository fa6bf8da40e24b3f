//! Implausible lab values and LLNs are refused by `grade_lab`, naming the unit they were likely
//! typed in: every bound of every test and unit on both sides (a check of the unit, not a
//! clinical range; `instruments::ctcae::LabTest::plausible`).

use instruments::ctcae::{LabError, LabField, LabTest, LabUnit, grade_lab};

/// Grades `value` (and `lln`) of `test` in `unit`: `Ok(())` when a grade (or null) comes back,
/// else the refusal's field and message, which must contain `expect`'s text.
#[track_caller]
fn check(input: (&str, f64, &str, Option<f64>), expect: Result<(), (LabField, &str)>) {
    let (test, value, unit, lln) = input;
    let test: LabTest = test.parse().unwrap();
    let unit: LabUnit = unit.parse().unwrap();
    let got = grade_lab(test, value, unit, lln)
        .map(drop)
        .map_err(|error| (error.field(), error.to_string()));
    match (&got, expect) {
        (Ok(()), Ok(())) => {}
        (Err((field, message)), Err((want_field, needle))) => {
            assert_eq!(*field, want_field, "{input:?}: {message}");
            assert!(message.contains(needle), "{input:?}: {message}");
        }
        _ => panic!("{input:?}: got {got:?}, expected {expect:?}"),
    }
}

/// One field's plausible span in one unit, with a number just outside each end.
struct Bounds {
    test: &'static str,
    units: &'static [&'static str],
    field: LabField,
    /// 0 is plausible (a count below the analyser's resolution).
    zero: bool,
    below: f64,
    low: f64,
    high: f64,
    above: f64,
}

const MM3: &[&str] = &["/mm3", "/uL"];
const SI: &[&str] = &["10^9/L"];

use LabField::{Lln, Value};

#[rustfmt::skip]
const BOUNDS: &[Bounds] = &[
    Bounds { test: "leukocytes", units: SI, field: Value, zero: true, below: 0.009, low: 0.01, high: 1000.0, above: 1000.1 },
    Bounds { test: "leukocytes", units: SI, field: Lln, zero: false, below: 0.99, low: 1.0, high: 10.0, above: 10.01 },
    Bounds { test: "leukocytes", units: MM3, field: Value, zero: true, below: 9.0, low: 10.0, high: 1_000_000.0, above: 1_000_001.0 },
    Bounds { test: "leukocytes", units: MM3, field: Lln, zero: false, below: 999.0, low: 1000.0, high: 10_000.0, above: 10_001.0 },
    Bounds { test: "neutrophils", units: SI, field: Value, zero: true, below: 0.009, low: 0.01, high: 1000.0, above: 1000.1 },
    Bounds { test: "neutrophils", units: SI, field: Lln, zero: false, below: 0.49, low: 0.5, high: 5.0, above: 5.01 },
    Bounds { test: "neutrophils", units: MM3, field: Value, zero: true, below: 9.0, low: 10.0, high: 1_000_000.0, above: 1_000_001.0 },
    Bounds { test: "neutrophils", units: MM3, field: Lln, zero: false, below: 499.0, low: 500.0, high: 5000.0, above: 5001.0 },
    Bounds { test: "lymphocytes", units: SI, field: Value, zero: true, below: 0.009, low: 0.01, high: 1000.0, above: 1000.1 },
    Bounds { test: "lymphocytes", units: SI, field: Lln, zero: false, below: 0.19, low: 0.2, high: 3.0, above: 3.01 },
    Bounds { test: "lymphocytes", units: MM3, field: Value, zero: true, below: 9.0, low: 10.0, high: 1_000_000.0, above: 1_000_001.0 },
    Bounds { test: "lymphocytes", units: MM3, field: Lln, zero: false, below: 199.0, low: 200.0, high: 3000.0, above: 3001.0 },
    Bounds { test: "platelets", units: SI, field: Value, zero: true, below: 0.9, low: 1.0, high: 5000.0, above: 5001.0 },
    Bounds { test: "platelets", units: SI, field: Lln, zero: false, below: 49.0, low: 50.0, high: 300.0, above: 301.0 },
    Bounds { test: "platelets", units: MM3, field: Value, zero: true, below: 999.0, low: 1000.0, high: 5_000_000.0, above: 5_000_001.0 },
    Bounds { test: "platelets", units: MM3, field: Lln, zero: false, below: 49_999.0, low: 50_000.0, high: 300_000.0, above: 300_001.0 },
    Bounds { test: "hemoglobin", units: &["g/dL"], field: Value, zero: false, below: 0.9, low: 1.0, high: 25.0, above: 25.1 },
    Bounds { test: "hemoglobin", units: &["g/dL"], field: Lln, zero: false, below: 7.9, low: 8.0, high: 18.0, above: 18.1 },
    Bounds { test: "hemoglobin", units: &["g/L"], field: Value, zero: false, below: 9.0, low: 10.0, high: 250.0, above: 251.0 },
    Bounds { test: "hemoglobin", units: &["g/L"], field: Lln, zero: false, below: 79.0, low: 80.0, high: 180.0, above: 181.0 },
    Bounds { test: "hemoglobin", units: &["mmol/L"], field: Value, zero: false, below: 0.5, low: 0.6, high: 15.6, above: 15.7 },
    Bounds { test: "hemoglobin", units: &["mmol/L"], field: Lln, zero: false, below: 4.8, low: 4.9, high: 11.2, above: 11.3 },
];

#[test]
fn every_bound_of_every_test_and_unit_on_both_sides() {
    for row in BOUNDS {
        for unit in row.units {
            // An LLN row grades its number as the value too: every LLN bound is a plausible value.
            let input = |number: f64| match row.field {
                Value => (row.test, number, *unit, None),
                _ => (row.test, number, *unit, Some(number)),
            };
            let refused = Err((row.field, "not"));
            check(input(row.below), refused);
            check(input(row.low), Ok(()));
            check(input(row.high), Ok(()));
            check(input(row.above), refused);
            if row.field == Value {
                check(input(0.0), if row.zero { Ok(()) } else { refused });
            }
            // The table here and the crate's agree.
            let test: LabTest = row.test.parse().unwrap();
            let plausible = test.plausible(unit.parse().unwrap()).unwrap();
            let span = if row.field == Value {
                plausible.value
            } else {
                plausible.lln
            };
            assert_eq!(
                (span.zero, span.low, span.high),
                (row.zero, row.low, row.high),
                "{} {unit} {:?}",
                row.test,
                row.field
            );
        }
    }
}

#[test]
fn a_refusal_names_the_field_what_is_allowed_and_the_likely_unit() {
    // An LLN typed in 10^9/L beside a value in /mm3 (it graded 0 silently).
    check(
        ("neutrophils", 1000.0, "/mm3", Some(1.8)),
        Err((
            Lln,
            "1.8 /mm3 is not a plausible lower limit of normal for neutrophils (allowed \
             500-5000 /mm3); did you mean 1.8 10^9/L (= 1800 /mm3)?",
        )),
    );
    // Haemoglobin in g/L typed as g/dL (it graded null silently).
    check(
        ("hemoglobin", 75.0, "g/dL", None),
        Err((
            Value,
            "hemoglobin 75 g/dL is not plausible (allowed 1-25 g/dL); did you mean 75 g/L \
             (= 7.5 g/dL)?",
        )),
    );
    // A count in 10^9/L typed as /mm3 (it graded 4 silently).
    check(
        ("platelets", 150.0, "/mm3", None),
        Err((
            Value,
            "platelets 150 /mm3 is not plausible (allowed 0 or 1000-5000000 /mm3); did you \
             mean 150 10^9/L (= 150000 /mm3)?",
        )),
    );
    // A count in /mm3 typed as 10^9/L.
    check(
        ("leukocytes", 4200.0, "10^9/L", Some(4.0)),
        Err((
            Value,
            "leukocytes 4200 10^9/L is not plausible (allowed 0 or 0.01-1000 10^9/L); did you \
             mean 4200 /mm3 (= 4.2 10^9/L)?",
        )),
    );
    // mmol/L: the conversion is not a power of ten.
    check(
        ("hemoglobin", 120.0, "mmol/L", None),
        Err((Value, "did you mean 120 g/L (= 7.447 mmol/L)?")),
    );
    // No unit of the test makes it plausible: no suggestion.
    let error = grade_lab(LabTest::Hemoglobin, 900.0, LabUnit::GPerL, None).unwrap_err();
    assert_eq!(
        error.to_string(),
        "hemoglobin 900 g/L is not plausible (allowed 10-250 g/L)"
    );
    assert!(matches!(error, LabError::Implausible(_)));
}
