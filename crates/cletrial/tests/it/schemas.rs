//! Each command's real JSON output is valid against its checked-in schema (`docs/schemas/`,
//! generated from the output types and kept fresh by the binary's own test), and every schema
//! carries the version in its `$id`.

use std::path::Path;

use serde_json::Value;

use ::store::Backend;
use ::store::testing::{TestDb, tamper};

use crate::store::{AS_ADMIN, BOB_PASSWORD, Cli, path};
use crate::support::{cletrial, workspace_root};

/// The checked-in schema `docs/schemas/<name>.json`.
fn schema(name: &str) -> Value {
    let path = workspace_root().join(format!("docs/schemas/{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("a schema is JSON")
}

/// Validates `output` (what `what` printed or wrote) against schema `name`, whose `$id` must
/// name it and the version.
#[track_caller]
fn validate(name: &str, output: &Value, what: &str) {
    let schema = schema(name);
    assert_eq!(
        schema["$id"],
        format!("urn:cletrial:schema:{name}:{}", env!("CARGO_PKG_VERSION")),
        "{name}"
    );
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(output)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name} {what}: {errors:#?}\n{output:#}");
}

/// Runs `args` (with `stdin`) and validates its output against schema `name`.
#[track_caller]
fn check(name: &str, args: &[&str], stdin: Option<&str>) {
    let output = cletrial(args, stdin).ok_json();
    validate(name, &output, &format!("{args:?}"));
}

/// Runs `cletrial report ARGS --out DIR` and validates the `results.json` it wrote.
#[track_caller]
fn check_report(args: &[&str], out: &Path) {
    let out_arg = out.to_str().expect("utf-8 path");
    let run = cletrial(&[&["report"], args, &["--out", out_arg]].concat(), None);
    assert_eq!(run.status, 0, "report failed: {run:#?}");
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    let results: Value = serde_json::from_str(&text).expect("results.json is JSON");
    validate("report-results", &results, &format!("report {args:?}"));
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
    let dir = tempfile::tempdir().expect("temp dir");
    let randomised = crate::allocation::randomised_protocol(dir.path(), 1);
    check(
        "simulate-power",
        &[
            "simulate",
            "--protocol",
            &randomised,
            "--patients",
            "40",
            "--seed",
            "1",
            "--trials",
            "20",
            "--power",
            "LEN=0.6,PBO=0.2",
        ],
        None,
    );
}

/// Every shipped protocol's eligibility, decisions and calendar, on every example input.
#[test]
fn protocol_outputs_are_valid_against_their_schemas() {
    let examples = workspace_root().join("examples/protocol");
    let mut inputs: Vec<String> = std::fs::read_dir(&examples)
        .expect("examples/protocol")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".json"))
        .map(|name| format!("examples/protocol/{name}"))
        .collect();
    inputs.sort();
    let (candidates, histories): (Vec<&String>, Vec<&String>) =
        inputs.iter().partition(|path| path.contains("/candidate"));
    assert!(
        !candidates.is_empty() && !histories.is_empty(),
        "{inputs:?}"
    );
    for path in candidates {
        check(
            "eligibility",
            &["eligibility", "--protocol", "nct01408199", "--input", path],
            None,
        );
    }
    for path in histories {
        check(
            "decide",
            &["decide", "--protocol", "nct01408199", "--history", path],
            None,
        );
    }
    for protocol in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        let schedule = ["schedule", "--protocol", protocol, "--start", "2010-01-04"];
        check("schedule", &schedule, None);
    }
    // With pregnancy tests: a key of its own, under the chosen policy.
    check(
        "schedule",
        &[
            "schedule",
            "--protocol",
            "nct01408199",
            "--start",
            "2010-01-04",
            "--reproductive-potential",
            "--pregnancy-policy",
            "eu_ppp",
        ],
        None,
    );
}

/// Each stats method on its shipped example (examples/stats/<method>.json), and the edge cases
/// that print "Infinity" or null.
#[test]
fn stats_outputs_are_valid_against_their_schemas() {
    for method in [
        "describe",
        "proportion-ci",
        "ttest",
        "mann-whitney",
        "wilcoxon",
        "fisher",
        "odds-ratio",
        "kaplan-meier",
        "logistic",
    ] {
        let input = format!("examples/stats/{method}.json");
        check(
            &format!("stats-{method}"),
            &["stats", method, "--input", &input],
            None,
        );
    }
    // A zero cell: the conditional MLE and its upper bound are infinite.
    let infinite = cletrial(
        &["stats", "fisher", "--input", "-"],
        Some(r#"{"table": [[7, 0], [3, 2]]}"#),
    )
    .ok_json();
    assert_eq!(infinite["odds_ratio"], "Infinity", "{infinite}");
    validate("stats-fisher", &infinite, "a zero cell");
    check(
        "stats-describe",
        &["stats", "describe", "--input", "-"],
        Some(r#"{"x": [4]}"#),
    );
    check(
        "stats-wilcoxon",
        &["stats", "wilcoxon", "--input", "-"],
        Some(r#"{"x": [1.5, -2, 3, 4, 0], "mu": 0}"#),
    );
    check(
        "stats-kaplan-meier",
        &["stats", "kaplan-meier", "--input", "-"],
        Some(r#"{"time": [1, 2, 3], "event": [1, 0, 1]}"#),
    );
}

/// `reproduce --json`, and the report's results.json of the demo record and of the paper.
#[test]
fn reproduce_and_report_results_are_valid_against_their_schemas() {
    check("reproduce", &["reproduce", "--json"], None);
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("demo.db");
    let db_arg = db.to_str().expect("utf-8 path");
    cletrial(&["demo", "--no-serve", "--db", db_arg], None).ok_json();
    check_report(&["--db", db_arg], &dir.path().join("record"));
    check_report(&["--published"], &dir.path().join("published"));
}

/// A schema refuses what the command never prints: a grade of 6, a rate given as text, an odds
/// ratio given as text other than "Infinity".
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
    let fisher = jsonschema::validator_for(&schema("stats-fisher")).expect("schema");
    let mut output = cletrial(
        &["stats", "fisher", "--input", "examples/stats/fisher.json"],
        None,
    )
    .ok_json();
    for (odds_ratio, valid) in [("Infinity", true), ("-Infinity", true), ("large", false)] {
        output["odds_ratio"] = Value::from(odds_ratio);
        assert_eq!(fisher.is_valid(&output), valid, "{odds_ratio}");
    }
}

/// Runs `args` on `cli`'s record (with `env`) and validates its output against schema `name`;
/// returns the output.
#[track_caller]
fn check_on(cli: &Cli, name: &str, args: &[&str], env: &[(&str, &str)]) -> Value {
    let output = cli.run(args, env).ok_json();
    validate(name, &output, &format!("{args:?}"));
    output
}

/// `init`, `user`, `site`, `audit`, `backup`, `token` and `import` on a record made through
/// the command line, each output against its schema.
#[test]
fn record_outputs_are_valid_against_their_schemas() {
    let cli = Cli {
        db: TestDb::new(Backend::Sqlite),
        dir: tempfile::tempdir().expect("temp dir"),
    };
    // The protocol of the import tests, whose mappings the import below uses.
    let protocol = cli.dir.path().join("lena-cle.toml");
    std::fs::write(&protocol, ::store::testing::PROTOCOL).expect("protocol file");
    let init = ["init", "--protocol", &path(&protocol), "--admin", "admin"];
    check_on(&cli, "init", &init, AS_ADMIN);
    let site = [
        "site", "add", "--as", "admin", "--code", "S01", "--name", "First",
    ];
    check_on(&cli, "site-add", &site, AS_ADMIN);
    let add = [
        "user",
        "add",
        "--as",
        "admin",
        "--login",
        "bob",
        "--name",
        "Bob Stone",
    ];
    let admin_adds = [AS_ADMIN[0], ("CLETRIAL_NEW_PASSWORD", BOB_PASSWORD)];
    check_on(&cli, "user-add", &add, &admin_adds);
    let grant = [
        "user",
        "grant",
        "--as",
        "admin",
        "--login",
        "bob",
        "--site",
        "S01",
        "--role",
        "investigator",
    ];
    check_on(&cli, "user-grant", &grant, AS_ADMIN);
    // Bob has a role; admin has none: both shapes of an entry.
    check_on(&cli, "user-list", &["user", "list"], &[]);
    let as_bob = [("CLETRIAL_PASSWORD", BOB_PASSWORD)];
    let create = ["token", "create", "--as", "bob", "--label", "nightly"];
    let token = check_on(&cli, "token-create", &create, &as_bob);
    let id = token["id"].to_string();
    let revoke = [
        "token", "revoke", "--as", "bob", "--id", &id, "--reason", "retired",
    ];
    check_on(&cli, "token-revoke", &revoke, &as_bob);
    let examples = workspace_root().join("examples/import");
    let import = |input: &Path, mapping: &str| {
        let input = path(input);
        let mapping = path(&examples.join(mapping));
        let args = [
            "import",
            "--as",
            "bob",
            "--input",
            &input,
            "--mapping",
            &mapping,
            "--reason",
            "from REDCap",
        ];
        cli.run(&args, &as_bob)
    };
    let imported = import(&examples.join("subjects.csv"), "subjects.toml").ok_json();
    validate("import", &imported, "import subjects.csv");
    // Subject S01-009 is not in the record: the row is refused, nothing imported (exit 1).
    let bad = cli.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,visit_date,\
         lab_date,lab_test,lab_value,lab_unit,lab_lln,lab_uln\n\
         S01-009,baseline_arm_1,labs,1,05/02/2024,05/02/2024,1,4.0,10^9/L,1.8,7.5\n",
    )
    .expect("bad.csv");
    let rejected = import(&bad, "labs.toml");
    assert_eq!(rejected.status, 1, "{rejected:?}");
    validate("import-rejected", &rejected.json(), "import bad.csv");
    let new_password = "violet harbour kettle drum";
    let change = [
        ("CLETRIAL_PASSWORD", BOB_PASSWORD),
        ("CLETRIAL_NEW_PASSWORD", new_password),
    ];
    let password = ["user", "password", "--as", "bob"];
    check_on(&cli, "user-password", &password, &change);
    let reset = [
        "user",
        "reset-password",
        "--as",
        "admin",
        "--login",
        "bob",
        "--reason",
        "forgot it",
    ];
    let temporary = [
        AS_ADMIN[0],
        ("CLETRIAL_NEW_PASSWORD", "amber tractor lullaby"),
    ];
    check_on(&cli, "user-reset-password", &reset, &temporary);
    let disable = [
        "user", "disable", "--as", "admin", "--login", "bob", "--reason", "left",
    ];
    check_on(&cli, "user-disable", &disable, AS_ADMIN);
    check_on(&cli, "audit-log", &["audit", "log"], &[]);
    let out = path(&cli.dir.path().join("backup.db"));
    check_on(&cli, "backup", &["backup", "--out", &out], &[]);
    check_on(&cli, "audit-verify", &["audit", "verify"], &[]);
    // A tampered trail: verify prints the problem (and exits 1).
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(tamper(
            cli.db.url(),
            "UPDATE audit_event SET actor = 'mallory' WHERE seq = 4",
        ))
        .expect("tamper");
    let verify = cli.run(&["audit", "verify"], &[]);
    assert_eq!(verify.status, 1, "{verify:?}");
    let verify = verify.json();
    assert!(verify["problem"].is_object(), "{verify}");
    validate("audit-verify", &verify, "audit verify (tampered)");
}

/// `demo` made and reused, then `export` of its record in each format: what is printed and the
/// export.json written; and the export.json of `simulate --format tidy`.
#[test]
fn demo_and_export_outputs_are_valid_against_their_schemas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = path(&dir.path().join("demo.db"));
    let demo = ["demo", "--no-serve", "--db", &db];
    let made = cletrial(&demo, None).ok_json();
    assert_eq!(made["created"], true, "{made}");
    validate("demo", &made, "demo (made)");
    // Reused: no passwords, a note instead.
    let reused = cletrial(&demo, None).ok_json();
    assert!(reused["passwords_note"].is_string(), "{reused}");
    validate("demo", &reused, "demo (reused)");
    // Virtual patients entered into the demo record (`simulate --db`).
    let password = crate::demo::password_of(&made, "investigator");
    let simulate = [
        "simulate",
        "--protocol",
        "nct01408199",
        "--patients",
        "3",
        "--seed",
        "1",
        "--db",
        &db,
        "--as",
        "investigator",
        "--site",
        "S02",
    ];
    let entered = crate::store::run(&simulate, &[("CLETRIAL_PASSWORD", &password)]).ok_json();
    validate("simulate-record", &entered, "simulate --db");
    for format in ["csv", "sdtm", "xpt", "define", "odm", "audit"] {
        let out = dir.path().join(format);
        let out_arg = path(&out);
        let args = ["export", "--db", &db, "--format", format, "--out", &out_arg];
        check("export", &args, None);
        let manifest = std::fs::read_to_string(out.join("export.json")).expect("export.json");
        let manifest: Value = serde_json::from_str(&manifest).expect("export.json is JSON");
        validate("export-manifest", &manifest, &format!("export {format}"));
    }
    let tables = dir.path().join("tables");
    let tables_arg = path(&tables);
    let simulate = [
        "simulate",
        "--protocol",
        "nct01408199",
        "--patients",
        "10",
        "--seed",
        "1",
        "--out",
        &tables_arg,
        "--format",
        "tidy",
        "--quiet",
    ];
    cletrial(&simulate, None).ok_json();
    let manifest = std::fs::read_to_string(tables.join("export.json")).expect("export.json");
    let manifest: Value = serde_json::from_str(&manifest).expect("export.json is JSON");
    validate("export-manifest", &manifest, "simulate --format tidy");
}
