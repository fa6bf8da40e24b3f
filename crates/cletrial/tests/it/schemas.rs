//! Each command's real JSON output is valid against its checked-in schema (`docs/schemas/`,
//! generated from the output types and kept fresh by the binary's own test), and every schema
//! carries the version in its `$id`.

use serde_json::Value;

use crate::support::{cletrial, workspace_root};

/// The checked-in schema `docs/schemas/<name>.json`.
fn schema(name: &str) -> Value {
    let path = workspace_root().join(format!("docs/schemas/{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("a schema is JSON")
}

/// Runs `args` (with `stdin`) and validates its output against schema `name`.
#[track_caller]
fn check(name: &str, args: &[&str], stdin: Option<&str>) {
    let schema = schema(name);
    assert_eq!(
        schema["$id"],
        format!("urn:cletrial:schema:{name}:{}", env!("CARGO_PKG_VERSION")),
        "{name}"
    );
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let output = cletrial(args, stdin).ok_json();
    let errors: Vec<String> = validator
        .iter_errors(&output)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} {args:?}: {errors:#?}\n{output:#}"
    );
}

#[test]
fn every_documented_output_is_valid_against_its_schema() {
    check(
        "grade",
        &[
            "grade",
            "--test",
            "neutrophils",
            "--value",
            "1190",
            "--unit",
            "/mm3",
            "--lln",
            "1800",
        ],
        None,
    );
    check(
        "grade",
        &[
            "grade",
            "--test",
            "hemoglobin",
            "--value",
            "11",
            "--unit",
            "g/dL",
        ],
        None,
    );
    check(
        "score-clasi",
        &[
            "score",
            "clasi",
            "--input",
            "examples/clasi/patient-12-baseline.json",
        ],
        None,
    );
    check(
        "score-sledai",
        &["score", "sledai", "--input", "-"],
        Some(r#"{"descriptors": ["arthritis", "rash", "low_complement"]}"#),
    );
    let simulate = [
        "simulate",
        "--protocol",
        "nct01408199",
        "--patients",
        "30",
        "--seed",
        "1",
    ];
    check("simulate", &simulate, None);
    check(
        "simulate-trials",
        &[&simulate[..], &["--trials", "3"]].concat(),
        None,
    );
}

/// A schema refuses what the command never prints: a grade of 6, a rate given as text.
#[test]
fn the_schemas_refuse_what_the_commands_never_print() {
    let grade = jsonschema::validator_for(&schema("grade")).expect("schema");
    let good = serde_json::json!({"test": "neutrophils", "term": "Neutrophil count decreased",
        "value": 1190.0, "unit": "/mm3", "lln": 1800.0, "grade": 2});
    assert!(grade.is_valid(&good));
    for (field, bad) in [
        ("grade", Value::from(6)),
        ("unit", Value::from("cells")),
        ("test", Value::from("anc")),
    ] {
        let mut output = good.clone();
        output[field] = bad;
        assert!(!grade.is_valid(&output), "{field}");
    }
    let simulate = jsonschema::validator_for(&schema("simulate")).expect("schema");
    let mut output = cletrial(
        &[
            "simulate",
            "--protocol",
            "nct01408199",
            "--patients",
            "10",
            "--seed",
            "1",
        ],
        None,
    )
    .ok_json();
    assert!(simulate.is_valid(&output));
    output["characteristics"]["complete_response"]["rate"] = Value::from("high");
    assert!(!simulate.is_valid(&output));
}
