//! `score clasi`, `score sledai` and `grade`, run as a user would: JSON shapes, exit codes,
//! one-line errors that name the field, and the shipped examples.

use serde_json::{Value, json};

use crate::support::{cletrial, cletrial_with_json};

fn clasi_input(areas: Value) -> Value {
    json!({
        "areas": areas,
        "mucous_membrane": 0,
        "recent_hair_loss": 0,
        "nonscarring_alopecia": 0,
        "scarring_alopecia": 0,
        "dyspigmentation_lasts_12_months": false,
    })
}

#[track_caller]
fn check_clasi(input: &Value, activity: Value, damage: Value, severity: Value) {
    let out = cletrial_with_json(&["score", "clasi"], input).ok_json();
    assert_eq!(out["activity"], activity, "{out}");
    assert_eq!(out["damage"], damage, "{out}");
    assert_eq!(out["severity"], severity, "{out}");
}

#[test]
fn clasi_prints_totals_severity_and_parts() {
    check_clasi(&clasi_input(json!({})), json!(0), json!(0), json!("mild"));
    let moderate = clasi_input(json!({
        "arms": {"erythema": 3, "scale": 2},
        "legs": {"erythema": 3, "scale": 2},
    }));
    check_clasi(&moderate, json!(10), json!(0), json!("moderate"));
    let not_assessed = clasi_input(json!({"arms": {"erythema": null}}));
    check_clasi(&not_assessed, Value::Null, json!(0), Value::Null);

    let out = cletrial_with_json(&["score", "clasi"], &moderate).ok_json();
    assert_eq!(out["activity_parts"]["erythema"], 6);
    assert_eq!(out["activity_parts"]["scale"], 4);
    assert_eq!(out["damage_parts"]["dyspigmentation_factor"], 1);
}

#[test]
fn clasi_examples_run() {
    #[track_caller]
    fn check(file: &str, activity: Value, damage: Value, severity: Value) {
        let path = format!("examples/clasi/{file}");
        let out = cletrial(&["score", "clasi", "--input", &path], None).ok_json();
        assert_eq!(
            (&out["activity"], &out["damage"]),
            (&activity, &damage),
            "{file}: {out}"
        );
        assert_eq!(out["severity"], severity, "{file}: {out}");
    }
    // The trial's patient 12 at baseline: activity 17, damage 8 (paper Table 1).
    check(
        "patient-12-baseline.json",
        json!(17),
        json!(8),
        json!("moderate"),
    );
    check("patient-12-week-2.json", json!(3), json!(8), json!("mild"));
    check("not-assessed.json", Value::Null, json!(0), Value::Null);
}

#[test]
fn clasi_bad_input_exits_2_naming_the_field() {
    #[track_caller]
    fn check(input: Value, needle: &str) {
        cletrial_with_json(&["score", "clasi"], &input).input_error(needle);
    }
    check(
        clasi_input(json!({"scalp": {"scarring": 1}})),
        "areas.scalp.scarring: not scored on the scalp",
    );
    check(
        clasi_input(json!({"nose": {"erythema": 1}})),
        "areas.nose: unknown field `nose`",
    );
    check(
        clasi_input(json!({"ears": {"erythema": 4}})),
        "areas.ears.erythema: invalid value: integer `4`, expected one of 0, 1, 2, 3",
    );
    check(
        clasi_input(json!({"ears": {"scale": -1}})),
        "areas.ears.scale",
    );
    check(
        clasi_input(json!({"ears": {"scale": 1.5}})),
        "areas.ears.scale",
    );
    let mut alopecia = clasi_input(json!({}));
    alopecia["scarring_alopecia"] = json!(2);
    check(
        alopecia,
        "scarring_alopecia: invalid value: integer `2`, expected one of 0, 3, 4, 5, 6",
    );
    let mut missing = clasi_input(json!({}));
    missing.as_object_mut().unwrap().remove("recent_hair_loss");
    check(missing, "missing field `recent_hair_loss`");
    // Not JSON at all, and a file that does not exist.
    cletrial(&["score", "clasi", "--input", "-"], Some("{not json")).input_error("input");
    cletrial(&["score", "clasi", "--input", "no/such/file.json"], None).input_error("--input");
}

#[test]
fn sledai_prints_score_window_and_descriptors() {
    let input = json!({"descriptors": ["rash", "arthritis", "rash"]});
    let out = cletrial_with_json(&["score", "sledai"], &input).ok_json();
    assert_eq!(
        out,
        json!({"score": 6, "window": "10d", "descriptors": ["arthritis", "rash"]})
    );
    let out = cletrial(
        &["score", "sledai", "--input", "examples/sledai/visit.json"],
        None,
    )
    .ok_json();
    assert_eq!(out["score"], 10);
    let out = cletrial(
        &["score", "sledai", "--input", "examples/sledai/none.json"],
        None,
    )
    .ok_json();
    assert_eq!((&out["score"], &out["window"]), (&json!(0), &json!("30d")));
}

#[test]
fn sledai_bad_input_exits_2_naming_the_field() {
    #[track_caller]
    fn check(input: Value, needle: &str) {
        cletrial_with_json(&["score", "sledai"], &input).input_error(needle);
    }
    check(
        json!({"descriptors": ["nephritis"]}),
        "descriptors[0]: unknown variant `nephritis`",
    );
    check(
        json!({"descriptors": [], "window": "7d"}),
        "window: unknown variant `7d`",
    );
    check(
        json!({"descriptors": [], "score": 3}),
        "unknown field `score`",
    );
    check(json!({"descriptors": [4]}), "descriptors[0]");
}

#[test]
fn grade_prints_the_ctcae_grade() {
    #[track_caller]
    fn check(args: &[&str], expect: Value) {
        let mut all = vec!["grade"];
        all.extend_from_slice(args);
        let out = cletrial(&all, None).ok_json();
        assert_eq!(out["grade"], expect, "{args:?}: {out}");
    }
    let neutrophils = ["--test", "neutrophils", "--unit", "/mm3", "--value"];
    check(
        &[&neutrophils[..], &["1190", "--lln", "1800"]].concat(),
        json!(2),
    );
    check(
        &[&neutrophils[..], &["1500", "--lln", "1800"]].concat(),
        json!(1),
    );
    check(&[&neutrophils[..], &["1499"]].concat(), json!(2));
    check(&[&neutrophils[..], &["1500"]].concat(), Value::Null);
    check(
        &[&neutrophils[..], &["1800", "--lln", "1800"]].concat(),
        json!(0),
    );
    check(
        &["--test", "platelets", "--value", "24.9", "--unit", "10^9/L"],
        json!(4),
    );
    check(
        &["--test", "leukocytes", "--value", "2000", "--unit", "/uL"],
        json!(2),
    );
    check(
        &[
            "--test",
            "lymphocytes",
            "--value",
            "0.19",
            "--unit",
            "10^9/L",
        ],
        json!(4),
    );
    check(
        &[
            "--test",
            "hemoglobin",
            "--value",
            "6.2",
            "--unit",
            "mmol/L",
            "--lln",
            "7.4",
        ],
        json!(1),
    );
    check(
        &["--test", "hemoglobin", "--value", "6.1", "--unit", "mmol/L"],
        json!(2),
    );
    check(
        &["--test", "hemoglobin", "--value", "79", "--unit", "g/L"],
        json!(3),
    );

    let out = cletrial(
        &[
            "grade",
            "--test",
            "hemoglobin",
            "--value",
            "9.5",
            "--unit",
            "g/dL",
        ],
        None,
    )
    .ok_json();
    assert_eq!(
        out,
        json!({"test": "hemoglobin", "term": "Anemia", "value": 9.5, "unit": "g/dL",
               "lln": null, "grade": 2})
    );
}

#[test]
fn grade_bad_input_exits_2_naming_the_option() {
    #[track_caller]
    fn check(args: &[&str], needle: &str) {
        let mut all = vec!["grade"];
        all.extend_from_slice(args);
        cletrial(&all, None).input_error(needle);
    }
    check(
        &["--test", "hemoglobin", "--value", "9", "--unit", "/mm3"],
        "--unit: unit '/mm3' does not fit hemoglobin; allowed: g/dL, g/L, mmol/L",
    );
    check(
        &["--test", "neutrophils", "--value", "9", "--unit", "g/dL"],
        "allowed: /mm3, /uL, 10^9/L",
    );
    check(
        &["--test", "neutrophils", "--value", "9", "--unit", "cells"],
        "--unit: unknown unit",
    );
    check(
        &["--test", "anc", "--value", "9", "--unit", "/mm3"],
        "--test: unknown lab test 'anc'",
    );
    check(
        &["--test", "neutrophils", "--value", "-1", "--unit", "/mm3"],
        "--value: value must be",
    );
    check(
        &["--test", "neutrophils", "--value", "NaN", "--unit", "/mm3"],
        "--value",
    );
    check(
        &["--test", "neutrophils", "--value", "inf", "--unit", "/mm3"],
        "--value",
    );
    check(
        &["--test", "neutrophils", "--value", "lots", "--unit", "/mm3"],
        "'lots' is not a number",
    );
    check(
        &[
            "--test",
            "neutrophils",
            "--value",
            "900",
            "--unit",
            "/mm3",
            "--lln",
            "-5",
        ],
        "--lln",
    );
    // A number typed in another unit than --unit: refused naming the likely unit.
    check(
        &[
            "--test",
            "neutrophils",
            "--value",
            "1000",
            "--unit",
            "/mm3",
            "--lln",
            "1.8",
        ],
        "--lln: 1.8 /mm3 is not a plausible lower limit of normal for neutrophils (allowed \
         500-5000 /mm3); did you mean 1.8 10^9/L (= 1800 /mm3)?",
    );
    check(
        &["--test", "hemoglobin", "--value", "75", "--unit", "g/dL"],
        "--value: hemoglobin 75 g/dL is not plausible (allowed 1-25 g/dL); did you mean 75 \
         g/L (= 7.5 g/dL)?",
    );
}

#[test]
fn help_explains_the_input_with_an_example() {
    for (command, needle) in [
        (
            &["score", "clasi", "--help"][..],
            "patient-12-baseline.json",
        ),
        (
            &["score", "sledai", "--help"][..],
            "examples/sledai/visit.json",
        ),
        (
            &["grade", "--help"][..],
            "cletrial grade --test neutrophils",
        ),
    ] {
        let run = cletrial(command, None);
        assert_eq!(run.status, 0, "{run:#?}");
        assert!(run.stdout.contains(needle), "{command:?}: {}", run.stdout);
    }
}
