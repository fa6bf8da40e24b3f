//! `cletrial import` with the documented example (examples/import/) on both backends: a clean
//! file, bad rows (nothing imported, every bad row reported), a re-import (no duplicates) and a
//! changed value (an audited change carrying the import's reason). `forms` takes every form's
//! example through the same; `cohort` checks that the imported cohort decides as the same
//! records entered through the store's commands.

mod cohort;
mod forms;
mod outcomes;

use std::path::{Path, PathBuf};

use ::store::Backend;

use crate::store::{BOB_PASSWORD, Cli, both_backends, path};
use crate::support::{Run, workspace_root};

const AS_BOB: &[(&str, &str)] = &[("CLETRIAL_PASSWORD", BOB_PASSWORD)];
const REASON: &str = "CRFs of site S01 entered in REDCap";

both_backends!(
    a_clean_file_is_imported_with_its_reason,
    bad_rows_are_all_reported_and_nothing_is_imported,
    lab_tests_are_coded_by_the_protocols_list,
    importing_again_writes_nothing,
    a_changed_value_is_an_audited_change,
    enrolment_by_import_needs_an_eligible_checklist_or_a_waiver,
    a_row_marks_its_result_entered_in_error,
    free_text_with_a_control_character_is_refused,
    a_locked_casebook_refuses_the_import,
    a_randomised_study_takes_the_factors_from_their_columns,
);

fn example(name: &str) -> PathBuf {
    workspace_root().join("examples/import").join(name)
}

impl Cli {
    fn import(&self, input: &Path, mapping: &Path) -> Run {
        self.run(
            &[
                "import",
                "--as",
                "bob",
                "--input",
                &path(input),
                "--mapping",
                &path(mapping),
                "--reason",
                REASON,
            ],
            AS_BOB,
        )
    }

    pub(crate) fn events(&self) -> i64 {
        let verify = self.run(&["audit", "verify"], &[]).ok_json();
        assert_eq!(verify["ok"], true, "{verify}");
        verify["events"].as_i64().expect("events")
    }

    /// The examples' subjects and labs, imported.
    fn with_examples(backend: Backend) -> Cli {
        let cli = Cli::new(backend);
        let subjects = cli
            .import(&example("subjects.csv"), &example("subjects.toml"))
            .ok_json();
        assert_eq!(subjects["created"], 3, "{subjects}");
        cli
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let file = self.dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        file
    }
}

fn counts(json: &serde_json::Value) -> [i64; 5] {
    ["rows", "skipped", "created", "updated", "unchanged"]
        .map(|key| json[key].as_i64().unwrap_or(-1))
}

fn a_clean_file_is_imported_with_its_reason(backend: Backend) {
    let cli = Cli::with_examples(backend);
    let labs = cli
        .import(&example("labs.csv"), &example("labs.toml"))
        .ok_json();
    assert_eq!(labs["imported"], true, "{labs}");
    assert_eq!(counts(&labs), [6, 1, 6, 0, 0], "{labs}");
    let log = cli
        .run(&["audit", "log", "--subject", "S01-001"], &[])
        .ok_json();
    let log = log.as_array().expect("events");
    assert!(!log.is_empty());
    for event in log {
        assert_eq!(event["subject"], "S01-001", "{event}");
        assert_eq!(event["reason"], REASON, "{event}");
    }
    // Two visits were created with their REDCap event's name and date; the missing platelet
    // count of week 4 stays "not done".
    let visits: Vec<_> = log
        .iter()
        .filter(|event| event["entity"] == "visit" && event["field"] == "name")
        .map(|event| event["record"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(visits, ["week 0", "week 4"]);
    assert!(
        log.iter().any(|event| event["entity"] == "lab"
            && event["field"] == "value"
            && event["new_value"] == r#"{"missing":"not_done"}"#),
        "the not-done platelet count"
    );
}

fn bad_rows_are_all_reported_and_nothing_is_imported(backend: Backend) {
    let cli = Cli::with_examples(backend);
    let before = cli.events();
    let text = "\
record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,visit_date,lab_date,lab_test,lab_value,lab_unit,lab_lln,lab_uln
S01-001,baseline_arm_1,labs,1,15/01/2024,15/01/2024,1,3.1,10^9/L,1.8,7.5
S01-001,baseline_arm_1,labs,2,15/01/2024,2024-01-15,2,251,10^9/L,150,400
S01-001,week_9_arm_1,labs,1,19/02/2024,19/02/2024,1,1.4,10^9/L,1.8,7.5
S01-002,baseline_arm_1,labs,1,05/02/2024,05/02/2024,1,\"4,2\",10^9/L,1.8,7.5
S01-002,baseline_arm_1,labs,2,05/02/2024,01/01/2024,2,300,10^9/L,150,400
S01-009,baseline_arm_1,labs,1,05/02/2024,05/02/2024,1,4.0,10^9/L,1.8,7.5
S01-001,baseline_arm_1,labs,1,15/01/2024,15/01/2024,1,3.2,10^9/L,1.8,7.5
S01-003,baseline_arm_1,labs,1,21/02/2024,21/02/2024,1,2.0,g/dL,,
S01-003,baseline_arm_1,labs,2,21/02/2024,21/02/2099,2,200,10^9/L,150,400
S01-002,baseline_arm_1,labs,3,05/02/2024,05/02/2024,1,1000,/mm3,1.8,7500
S01-002,baseline_arm_1,labs,4,05/02/2024,05/02/2024,2,150,/mm3,150000,400000
";
    let run = cli.import(&cli.write("bad.csv", text), &example("labs.toml"));
    assert_eq!(run.status, 1, "{run:?}");
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );
    let report = run.json();
    assert_eq!(report["imported"], false);
    let rejected: Vec<(i64, String, String)> = report["rejected"]
        .as_array()
        .expect("rejected rows")
        .iter()
        .map(|row| {
            (
                row["line"].as_i64().unwrap_or_default(),
                row["column"].as_str().unwrap_or_default().to_owned(),
                row["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let lines: Vec<i64> = rejected.iter().map(|(line, ..)| *line).collect();
    // Line 2 is good; every other line is refused (line 8 repeats line 2's key).
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12], "{report:#}");
    let expect = [
        (3, "lab_date", "not a date"),
        (4, "redcap_event_name", "not in the code list"),
        (5, "lab_value", "not a decimal"),
        (6, "lab_date", "before consent"),
        (7, "", "no subject 'S01-009'"),
        (8, "", "same key as line 2"),
        (9, "lab_unit", "g/dL"),
        (10, "lab_date", "in the future"),
        // Numbers typed in another unit than the row's: refused naming the likely unit.
        (
            11,
            "lab_lln",
            "1.8 /mm3 is not a plausible lower limit of normal for neutrophils (allowed \
             500-5000 /mm3); did you mean 1.8 10^9/L (= 1800 /mm3)?",
        ),
        (
            12,
            "lab_value",
            "platelets 150 /mm3 is not plausible (allowed 0 or 1000-5000000 /mm3); did you \
             mean 150 10^9/L (= 150000 /mm3)?",
        ),
    ];
    assert_eq!(expect.len(), rejected.len(), "{report:#}");
    for ((line, column, needle), (got_line, got_column, reason)) in expect.iter().zip(&rejected) {
        assert_eq!((line, *column), (got_line, got_column.as_str()), "{reason}");
        assert!(reason.contains(needle), "line {line}: {reason}");
    }
    assert_eq!(cli.events(), before, "nothing was written");
}

/// The lab's rows name their tests in words (no code list): any case and spacing of a lab's id
/// or text is that lab, and matches its stored result again; anything else is refused naming
/// the column, with the nearest labs.
fn lab_tests_are_coded_by_the_protocols_list(backend: Backend) {
    let cli = Cli::with_examples(backend);
    let mapping = std::fs::read_to_string(example("labs.toml")).expect("example");
    let without_codes = mapping.replace(
        "[codes.lab_test]\n1 = \"neutrophils\"\n2 = \"platelets\"\n",
        "",
    );
    assert_ne!(without_codes, mapping);
    let mapping = cli.write("labs-by-name.toml", &without_codes);
    let header = "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,visit_date,lab_date,lab_test,lab_value,lab_unit,lab_lln,lab_uln\n";
    let before = cli.events();
    let bad = format!(
        "{header}\
S01-001,baseline_arm_1,labs,1,15/01/2024,15/01/2024,Neutrophils (absolute count),3.1,10^9/L,1.8,7.5
S01-001,baseline_arm_1,labs,2,15/01/2024,15/01/2024,neutrofils,2.9,10^9/L,1.8,7.5
S01-001,baseline_arm_1,labs,1,15/01/2024,15/01/2024,c3,90,10^9/L,,
"
    );
    let run = cli.import(&cli.write("bad-names.csv", &bad), &mapping);
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    let rejected: Vec<(i64, &str, &str)> = report["rejected"]
        .as_array()
        .expect("rejected rows")
        .iter()
        .map(|row| {
            (
                row["line"].as_i64().unwrap_or_default(),
                row["column"].as_str().unwrap_or_default(),
                row["reason"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(rejected.len(), 2, "{report:#}");
    let (line, column, reason) = rejected[0];
    assert_eq!((line, column), (3, "lab_test"), "{reason}");
    assert!(
        reason.contains("unknown lab test 'neutrofils'; nearest: neutrophils"),
        "{reason}"
    );
    let (line, column, reason) = rejected[1];
    assert_eq!((line, column), (4, "lab_unit"), "{reason}");
    assert!(reason.contains("allowed: mg/dL, g/L"), "{reason}");
    assert_eq!(cli.events(), before, "nothing was written");
    // Spelt one way, then another: the same two results, found again.
    for (csv, expect) in [
        (
            "NEUTROPHILS ,3.1,10^9/l,1.8,7.5\ncomplement  C3,90,MG/DL,,\n",
            [2, 2, 0, 0],
        ),
        (
            "neutrophils,3.1,10^9/L,1.8,7.5\nc3,90,mg/dL,,\n",
            [2, 0, 0, 2],
        ),
    ] {
        let rows: String = csv
            .lines()
            .map(|rest| format!("S01-001,baseline_arm_1,labs,1,15/01/2024,15/01/2024,{rest}\n"))
            .collect();
        let run = cli
            .import(
                &cli.write("names.csv", &format!("{header}{rows}")),
                &mapping,
            )
            .ok_json();
        assert_eq!(
            ["rows", "created", "updated", "unchanged"].map(|key| run[key].as_i64().unwrap_or(-1)),
            expect,
            "{run}"
        );
    }
    let log = cli
        .run(&["audit", "log", "--subject", "S01-001"], &[])
        .ok_json();
    // One result per test, each kept under its lab's id (rows apply in the file's order).
    let tests: Vec<&str> = log
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["entity"] == "lab" && event["field"] == "test")
        .map(|event| event["new_value"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(tests, ["\"neutrophils\"", "\"c3\""]);
}

fn importing_again_writes_nothing(backend: Backend) {
    let cli = Cli::with_examples(backend);
    cli.import(&example("labs.csv"), &example("labs.toml"))
        .ok_json();
    let before = cli.events();
    for (csv, toml, rows) in [
        ("labs.csv", "labs.toml", 6),
        ("subjects.csv", "subjects.toml", 3),
    ] {
        let again = cli.import(&example(csv), &example(toml)).ok_json();
        assert_eq!(
            [
                again["created"].as_i64(),
                again["updated"].as_i64(),
                again["unchanged"].as_i64()
            ],
            [Some(0), Some(0), Some(rows)],
            "{again}"
        );
    }
    assert_eq!(cli.events(), before, "no event, no duplicate");
}

fn a_changed_value_is_an_audited_change(backend: Backend) {
    let cli = Cli::with_examples(backend);
    cli.import(&example("labs.csv"), &example("labs.toml"))
        .ok_json();
    let before = cli.events();
    // The week 4 neutrophil count of S01-001 was corrected from 1.4 to 1.6.
    let original = std::fs::read_to_string(example("labs.csv")).expect("example");
    let corrected = original.replace(",1,1.4,", ",1,1.6,");
    assert_ne!(corrected, original);
    let run = cli
        .import(
            &cli.write("corrected.csv", &corrected),
            &example("labs.toml"),
        )
        .ok_json();
    assert_eq!(counts(&run), [6, 1, 0, 1, 5], "{run}");
    let log = cli
        .run(&["audit", "log", "--subject", "S01-001"], &[])
        .ok_json();
    let changes: Vec<_> = log
        .as_array()
        .expect("events")
        .iter()
        .filter(|event| event["seq"].as_i64().unwrap_or_default() > before)
        .collect();
    // The value and the CTCAE grade derived from it (grade 2 at 1.4, grade 1 at 1.6 x 10^9/L).
    let fields: Vec<&str> = changes
        .iter()
        .map(|event| event["field"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(fields, ["value", "ctcae_grade"], "{changes:#?}");
    for event in &changes {
        assert_eq!(event["reason"], REASON, "{event}");
    }
    let change = changes[0];
    assert_eq!(
        (
            &change["action"],
            &change["field"],
            &change["old_value"],
            &change["new_value"],
            &change["reason"],
            &change["record"],
        ),
        (
            &"update".into(),
            &"value".into(),
            &"\"1.4\"".into(),
            &"\"1.6\"".into(),
            &REASON.into(),
            &"neutrophils".into(),
        )
    );
}

/// A locked casebook refuses an import's change as it refuses the page's and the API's: the
/// same store command, the same words, and nothing written.
fn a_locked_casebook_refuses_the_import(backend: Backend) {
    const MONA_PASSWORD: &str = "quiet river lantern";
    let cli = Cli::with_examples(backend);
    cli.import(&example("labs.csv"), &example("labs.toml"))
        .ok_json();
    let add = [
        "user",
        "add",
        "--as",
        "admin",
        "--login",
        "mona",
        "--name",
        "Mona Monitor",
    ];
    let env = [
        ("CLETRIAL_PASSWORD", crate::store::ADMIN_PASSWORD),
        ("CLETRIAL_NEW_PASSWORD", MONA_PASSWORD),
    ];
    cli.run(&add, &env).ok_json();
    let grant = [
        "user", "grant", "--as", "admin", "--login", "mona", "--site", "S01", "--role", "monitor",
    ];
    cli.run(&grant, crate::store::AS_ADMIN).ok_json();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = ::store::Store::open(cli.db.url()).await.expect("opens");
        let password = ::store::Password::new(MONA_PASSWORD).expect("password");
        let mona = store.authenticate("mona", &password).await.expect("mona");
        let subject = store.subject_by_code("S01-001").await.expect("S01-001");
        store
            .lock(&mona, subject.id, ::store::Locked::Casebook)
            .await
            .expect("locked");
        store.close().await;
    });
    let before = cli.events();
    let original = std::fs::read_to_string(example("labs.csv")).expect("example");
    let corrected = original.replace(",1,1.4,", ",1,1.6,");
    let run = cli.import(
        &cli.write("corrected.csv", &corrected),
        &example("labs.toml"),
    );
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    let reason = report["rejected"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("the subject's casebook was locked by Mona Monitor"),
        "{report:#}"
    );
    assert_eq!(cli.events(), before, "nothing was written");
}

/// An imported subject is enrolled only as on the page and the API: its checklist (from its
/// `candidate.` columns) must say eligible, or the investigator importing gives a waiver.
fn enrolment_by_import_needs_an_eligible_checklist_or_a_waiver(backend: Backend) {
    let cli = Cli::with_examples(backend);
    let before = cli.events();
    let mapping = std::fs::read_to_string(example("subjects.toml")).expect("mapping");
    let header = std::fs::read_to_string(example("subjects.csv")).expect("csv");
    let header = header.lines().next().expect("header");
    // S01-001's eligibility form with pregnant = yes, enrolled on 22/01/2024.
    let pregnant = "S01-010,s01,2,30,3,12/01/2024,15/01/2024,22/01/2024,yes,\"{\"\"rest_of_face\"\": 2}\",5,90,24,22,yes,no,no,yes,no,yes,yes,2,no,231000 /mm3,4800 /mm3,2.9 10^9/L,no,no,98,no,no,no,no";
    let file = cli.write("pregnant.csv", &format!("{header}\n{pregnant}\n"));
    let run = cli.import(&file, &example("subjects.toml"));
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    let rejected = &report["rejected"][0];
    assert_eq!(rejected["column"], "enrolment_date", "{report:#}");
    let reason = rejected["reason"].as_str().expect("reason");
    assert!(reason.contains("E2 applies"), "{reason}");
    assert_eq!(cli.events(), before, "nothing was written");
    // With the investigator's reason in the waiver column, enrolled, the waiver recorded.
    let with_waiver = mapping.replace(
        "enrolment_date = \"subject.enrolment_date\"",
        "enrolment_date = \"subject.enrolment_date\"\nwaiver = \"subject.waiver\"",
    );
    let mapping = cli.write("waiver.toml", &with_waiver);
    let file = cli.write(
        "waived.csv",
        &format!("{header},waiver\n{pregnant},pregnancy test negative on repeat\n"),
    );
    let imported = cli.import(&file, &mapping).ok_json();
    assert_eq!(imported["created"], 1, "{imported}");
    let log = cli
        .run(&["audit", "log", "--subject", "S01-010"], &[])
        .ok_json();
    let log = log.as_array().expect("events");
    assert!(
        log.iter().any(|event| event["entity"] == "deviation"
            && event["field"] == "category"
            && event["new_value"] == "\"eligibility_waiver\""),
        "{log:#?}"
    );
}

/// A column mapped to `lab.entered_in_error` marks the row's result entered in error with the
/// cell as the reason; a second import writes nothing more.
fn a_row_marks_its_result_entered_in_error(backend: Backend) {
    let cli = Cli::with_examples(backend);
    cli.import(&example("labs.csv"), &example("labs.toml"))
        .ok_json();
    let mapping = std::fs::read_to_string(example("labs.toml"))
        .expect("mapping")
        .replace(
            "lab_uln = \"lab.uln\"",
            "lab_uln = \"lab.uln\"\nerror = \"lab.entered_in_error\"",
        );
    let mapping = cli.write("void.toml", &mapping);
    let csv = std::fs::read_to_string(example("labs.csv")).expect("csv");
    let mut lines: Vec<String> = csv.lines().map(str::to_owned).collect();
    lines[0].push_str(",error");
    for line in lines.iter_mut().skip(1) {
        let mark = line.starts_with("S01-001,baseline_arm_1,labs,1,");
        line.push_str(if mark {
            ",sample of another patient"
        } else {
            ","
        });
    }
    let file = cli.write("void.csv", &(lines.join("\n") + "\n"));
    let before = cli.events();
    let voided = cli.import(&file, &mapping).ok_json();
    assert_eq!(voided["voided"], 1, "{voided}");
    assert!(cli.events() > before);
    let log = cli
        .run(&["audit", "log", "--subject", "S01-001"], &[])
        .ok_json();
    assert!(
        log.as_array()
            .expect("events")
            .iter()
            .any(|event| event["action"] == "remove"
                && event["reason"] == "sample of another patient"),
        "{log:#}"
    );
    let after = cli.events();
    let again = cli.import(&file, &mapping).ok_json();
    assert_eq!(again["voided"], 0, "{again}");
    assert_eq!(cli.events(), after, "nothing more");
}

/// A free-text cell with a control character (an ESC from a terminal) is refused naming its
/// line and column with the store's message, as the pages and the API refuse it, and nothing
/// is imported; so is an import reason with one.
fn free_text_with_a_control_character_is_refused(backend: Backend) {
    let cli = Cli::with_examples(backend);
    let before = cli.events();
    let text = std::fs::read_to_string(example("adverse_events.csv")).expect("example");
    let text = text.replace(
        "tired in the afternoons",
        "tired\u{1b}[0m in the afternoons",
    );
    let run = cli.import(
        &cli.write("escaped.csv", &text),
        &example("adverse_events.toml"),
    );
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    let rejected = report["rejected"].as_array().expect("rejected rows");
    assert_eq!(rejected.len(), 1, "{report:#}");
    assert_eq!(
        (
            &rejected[0]["line"],
            &rejected[0]["column"],
            &rejected[0]["reason"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!("ae_verbatim"),
            &serde_json::json!("contains a control character (U+001B at position 6); remove it")
        ),
        "{report:#}"
    );
    assert_eq!(cli.events(), before, "nothing was written");
    let run = cli.run(
        &[
            "import",
            "--as",
            "bob",
            "--input",
            &path(&example("adverse_events.csv")),
            "--mapping",
            &path(&example("adverse_events.toml")),
            "--reason",
            "REDCap\u{1b}[2J export",
        ],
        AS_BOB,
    );
    assert_eq!(run.status, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("reason: contains a control character (U+001B at position 7); remove it"),
        "{}",
        run.stderr
    );
    assert_eq!(cli.events(), before, "nothing was written");
}

/// In a randomised study, an enrolled subject's row gives each stratification factor's level in
/// a column mapped to `factors.<name>`: the same enrolment command as the page and the API
/// randomises the subject, refuses a missing factor alike, and a later import may repeat the
/// levels but never change them.
fn a_randomised_study_takes_the_factors_from_their_columns(backend: Backend) {
    let cli = Cli::with_protocol(backend, ::store::testing::RANDOMISED_PROTOCOL);
    crate::allocation::registered_secret(&cli);
    let csv = std::fs::read_to_string(example("subjects.csv")).expect("csv");
    let run = cli.import(&example("subjects.csv"), &example("subjects.toml"));
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    // No column gives the factor: the field is named, on each enrolled row.
    assert_eq!(
        report["rejected"][0]["field"], "factors.subtype",
        "{report:#}"
    );
    let reason = report["rejected"][0]["reason"].as_str().expect("reason");
    assert!(
        reason.contains("required in this randomised study"),
        "{reason}"
    );
    let empty = cli.events();
    // Two enrolled subjects with their levels; the screen failure S01-003 has none.
    let levels = ["DLE,10 or more", "SCLE,below 10", ","];
    let mut lines = csv.lines();
    let mut with_levels = format!(
        "{},strat_subtype,strat_clasi\n",
        lines.next().expect("header")
    );
    for (line, levels) in lines.zip(levels) {
        with_levels.push_str(&format!("{line},{levels}\n"));
    }
    let mapping = std::fs::read_to_string(example("subjects.toml"))
        .expect("mapping")
        .replace(
            "enrolment_date = \"subject.enrolment_date\"",
            "enrolment_date = \"subject.enrolment_date\"\nstrat_subtype = \"factors.subtype\"\nstrat_clasi = \"factors.baseline CLASI-A\"",
        );
    let mapping = cli.write("randomised.toml", &mapping);
    let file = cli.write("randomised.csv", &with_levels);
    let imported = cli.import(&file, &mapping).ok_json();
    assert_eq!(imported["created"], 3, "{imported}");
    assert!(cli.events() > empty);
    let numbers: Vec<(String, String)> = ["S01-001", "S01-002", "S01-003"]
        .iter()
        .flat_map(|code| {
            let log = cli.run(&["audit", "log", "--subject", code], &[]).ok_json();
            log.as_array()
                .expect("events")
                .iter()
                .filter(|event| event["entity"] == "randomisation" && event["field"] == "number")
                .map(|event| ((*code).to_owned(), event["new_value"].to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        numbers,
        vec![
            ("S01-001".to_owned(), "\"1\"".to_owned()),
            ("S01-002".to_owned(), "\"2\"".to_owned())
        ]
    );
    // Again as it was: nothing changes. A level changed: refused, naming the column's factor.
    let before = cli.events();
    let again = cli.import(&file, &mapping).ok_json();
    assert_eq!(again["unchanged"], 3, "{again}");
    let changed = cli.write(
        "changed.csv",
        &with_levels.replacen("DLE,10 or more", "ACLE,10 or more", 1),
    );
    let run = cli.import(&changed, &mapping);
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    let reason = report["rejected"][0]["reason"].as_str().expect("reason");
    assert!(
        reason.contains("randomised with subtype=DLE; baseline CLASI-A=10 or more"),
        "{report:#}"
    );
    assert_eq!(cli.events(), before, "nothing was written");
}
