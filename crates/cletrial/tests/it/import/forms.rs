//! Every form's example (examples/import/, imported in the README's order) into a fresh study:
//! imported, imported again without a write, a bad row of each form refused with its line,
//! column and reason while nothing is written, doses off the protocol refused with the store's
//! own message, and changed rows of each form corrected or marked entered in error.

use ::store::{Backend, DoseChange, DosePeriod, NewDose, Password, Store, StoreError};
use instruments::medication::Drug;
use jiff::civil::date;

use super::{REASON, example};
use crate::store::{BOB_PASSWORD, Cli, both_backends};

both_backends!(
    every_example_imports_into_a_fresh_study,
    importing_every_example_twice_adds_nothing,
    a_bad_row_of_each_form_is_refused_and_nothing_is_written,
    doses_off_the_protocol_are_refused_with_the_stores_message,
    dose_cells_are_refused_naming_their_column,
    dose_rows_apply_in_start_date_order,
    a_changed_row_of_each_form_is_an_audited_change,
    a_row_marks_its_record_entered_in_error_in_every_form,
);

/// The examples in the order the README imports them, with what a fresh import does:
/// rows, skipped (rows of other forms or incomplete forms), created, updated.
const EXAMPLES: [(&str, [i64; 4]); 11] = [
    ("subjects", [3, 0, 3, 0]),
    ("visits", [7, 1, 7, 0]),
    ("clasi", [7, 1, 7, 0]),
    ("sledai", [5, 1, 5, 0]),
    // S01-002's stop ends its running period: an update.
    ("doses", [5, 2, 4, 1]),
    ("labs", [6, 1, 6, 0]),
    ("adverse_events", [4, 2, 4, 0]),
    ("events", [2, 2, 2, 0]),
    ("disposition", [2, 1, 2, 0]),
    ("nerve_conduction", [3, 1, 3, 0]),
    ("conmeds", [5, 3, 5, 0]),
];

/// Every form the mapping's `form` takes, which is also the record's entity in the trail.
const FORMS: [&str; 11] = [
    "subject",
    "visit",
    "clasi",
    "sledai",
    "dose",
    "lab",
    "adverse_event",
    "protocol_event",
    "disposition",
    "nerve_conduction_study",
    "conmed",
];

/// Cells of a CSV row to change: (column, new value).
type Cells<'a> = &'a [(&'a str, &'a str)];

fn csv(name: &str) -> std::path::PathBuf {
    example(&format!("{name}.csv"))
}

fn toml(name: &str) -> std::path::PathBuf {
    example(&format!("{name}.toml"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(csv(name)).expect("example")
}

fn numbers(json: &serde_json::Value, keys: &[&str]) -> Vec<i64> {
    keys.iter()
        .map(|key| json[key].as_i64().unwrap_or(-1))
        .collect()
}

impl Cli {
    /// Imports the examples up to (without) `until`, each as the README shows it.
    pub(super) fn examples_before(&self, until: Option<&str>) {
        for (name, _) in EXAMPLES {
            if Some(name) == until {
                return;
            }
            self.import(&csv(name), &toml(name)).ok_json();
        }
    }
}

/// `text` (a CSV file) with `column` of data line `index` (1 = the first row) set to `value`.
fn with_cell(text: &str, index: usize, column: &str, value: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let at = header
        .iter()
        .position(|name| name == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    writer.write_record(&header).expect("header");
    for (i, record) in reader.records().enumerate() {
        let record = record.expect("row");
        let mut cells: Vec<String> = record.iter().map(str::to_owned).collect();
        if i + 1 == index {
            cells[at] = value.to_owned();
        }
        writer.write_record(&cells).expect("row");
    }
    String::from_utf8(writer.into_inner().expect("written")).expect("utf-8")
}

/// Data line `index` of `text` with the given cells changed, as a CSV line.
fn row_with(text: &str, index: usize, cells: Cells) -> String {
    let mut changed = text.to_owned();
    for (column, value) in cells {
        changed = with_cell(&changed, index, column, value);
    }
    changed
        .lines()
        .nth(index)
        .expect("the changed line")
        .to_owned()
}

/// `cletrial import --help` names every form the mapping's `form` takes.
#[test]
fn the_help_names_every_form() {
    let run = crate::support::cletrial(&["import", "--help"], None);
    assert_eq!(run.status, 0, "{run:#?}");
    for form in FORMS {
        assert!(run.stdout.contains(form), "{form}: {}", run.stdout);
    }
    assert!(run.stdout.contains("entered_in_error"), "{}", run.stdout);
}

fn every_example_imports_into_a_fresh_study(backend: Backend) {
    let cli = Cli::new(backend);
    for (name, expect) in EXAMPLES {
        let run = cli.import(&csv(name), &toml(name)).ok_json();
        assert_eq!(run["imported"], true, "{name}: {run}");
        assert_eq!(
            numbers(
                &run,
                &["rows", "skipped", "created", "updated", "unchanged"]
            ),
            [expect.as_slice(), &[0]].concat(),
            "{name}: {run}"
        );
    }
    // Every event carries the import's reason or a reason of its own (a dose change ending a
    // period names the change).
    let log = cli
        .run(&["audit", "log", "--subject", "S01-002"], &[])
        .ok_json();
    let entities: std::collections::BTreeSet<&str> = log
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["entity"].as_str())
        .collect();
    for entity in FORMS {
        assert!(entities.contains(entity), "{entity} in {entities:?}");
    }
}

fn importing_every_example_twice_adds_nothing(backend: Backend) {
    let cli = Cli::new(backend);
    cli.examples_before(None);
    let before = cli.events();
    for (name, [rows, skipped, ..]) in EXAMPLES {
        let again = cli.import(&csv(name), &toml(name)).ok_json();
        assert_eq!(
            numbers(
                &again,
                &[
                    "rows",
                    "skipped",
                    "created",
                    "updated",
                    "unchanged",
                    "voided"
                ]
            ),
            [rows, skipped, 0, 0, rows, 0],
            "{name}: {again}"
        );
    }
    assert_eq!(cli.events(), before, "no event, no duplicate");
}

/// For each form, in order: its example with one bad row added is refused, naming the bad
/// row's line, column and reason, and writes nothing (though its good rows would); then the
/// example alone is imported, for the forms after it.
fn a_bad_row_of_each_form_is_refused_and_nothing_is_written(backend: Backend) {
    let cli = Cli::new(backend);
    // (example, the bad row from an example row with cells changed, its column, the reason)
    let cases: [(&str, usize, Cells, &str, &str); 10] = [
        (
            "subjects",
            3,
            &[("record_id", "S01-004"), ("screening_date", "01/01/2099")],
            "screening_date",
            "2099-01-01 is in the future",
        ),
        (
            "visits",
            6,
            &[
                ("redcap_event_name", "week_12_arm_1"),
                ("visit_date", "01/02/2024"),
            ],
            "visit_date",
            "is before consent (2024-02-02)",
        ),
        (
            "clasi",
            7,
            &[
                ("redcap_event_name", "week_12_arm_1"),
                ("clasi_date", "2024-05-06"),
                ("face_ery", "4"),
            ],
            "face_ery",
            "expected one of 0, 1, 2, 3",
        ),
        (
            "sledai",
            3,
            &[
                ("redcap_event_name", "week_12_arm_1"),
                ("sledai_date", "16/04/2024"),
                ("sledai_desc___20", "2"),
            ],
            "sledai_desc___20",
            "'2' is not yes or no",
        ),
        (
            "doses",
            6,
            &[
                ("redcap_repeat_instance", "3"),
                ("ex_freq", "hourly"),
                ("ex_start", "06/05/2024"),
            ],
            "ex_freq",
            "unknown frequency 'hourly'",
        ),
        (
            "labs",
            7,
            &[("redcap_repeat_instance", "2"), ("lab_unit", "g/dL")],
            "lab_unit",
            "allowed: /mm3, /uL, 10^9/L",
        ),
        (
            "adverse_events",
            2,
            &[("redcap_repeat_instance", "3"), ("ae_grade", "4")],
            "ae_grade",
            "Fatigue has no grade 4 in CTCAE v5.0; allowed: 1, 2, 3",
        ),
        (
            "events",
            4,
            &[("redcap_repeat_instance", "2"), ("pe_date", "01/01/2099")],
            "pe_date",
            "2099-01-01 is in the future",
        ),
        (
            "disposition",
            2,
            &[
                ("record_id", "S01-001"),
                ("ds_status", "11"),
                ("ds_details", ""),
            ],
            "ds_details",
            "are required for 'other'",
        ),
        (
            "nerve_conduction",
            2,
            &[
                ("record_id", "S01-002"),
                ("ncs_date", "11/03/2024"),
                ("ncs_result", "3"),
                ("nerve_conduction_complete", "2"),
            ],
            "ncs_comment",
            "say what was found",
        ),
    ];
    for (name, index, cells, column, needle) in cases {
        let text = read(name);
        let bad = row_with(&text, index, cells);
        let line = text.lines().count() + 1;
        let file = cli.write(&format!("bad-{name}.csv"), &format!("{text}{bad}\n"));
        let before = cli.events();
        let run = cli.import(&file, &toml(name));
        assert_eq!(run.status, 1, "{name}: {run:?}");
        let report = run.json();
        let rejected = report["rejected"].as_array().expect("rejected rows");
        assert_eq!(rejected.len(), 1, "{name}: {report:#}");
        let rejection = &rejected[0];
        assert_eq!(
            (rejection["line"].as_u64(), rejection["column"].as_str()),
            (Some(line as u64), Some(column)),
            "{name}: {report:#}"
        );
        let reason = rejection["reason"].as_str().unwrap_or_default();
        assert!(reason.contains(needle), "{name}: {reason}");
        assert_eq!(cli.events(), before, "{name}: nothing was written");
        cli.import(&csv(name), &toml(name)).ok_json();
    }
}

/// A regimen that is no dose level of the protocol (lenalidomide 2.14 mg once daily) and a
/// drug that is not the study drug (prednisone) are refused by the store's dose-change
/// command: the import says what the store says to the pages and the API, naming the column.
fn doses_off_the_protocol_are_refused_with_the_stores_message(backend: Backend) {
    let cli = Cli::new(backend);
    cli.examples_before(Some("visits"));
    let header = read("doses").lines().next().expect("header").to_owned();
    let file = cli.write(
        "off-protocol.csv",
        &format!(
            "{header}\n\
             S01-001,study_drug,1,Lenalidomide,2.14,mg,QD,22/01/2024,,0\n\
             S01-002,study_drug,1,Prednisone,5,mg,QD,12/02/2024,,0\n"
        ),
    );
    let before = cli.events();
    let run = cli.import(&file, &toml("doses"));
    assert_eq!(run.status, 1, "{run:?}");
    let report = run.json();
    let got: Vec<(u64, String, String)> = report["rejected"]
        .as_array()
        .expect("rejected rows")
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap_or_default(),
                row["column"].as_str().unwrap_or_default().to_owned(),
                row["reason"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(cli.events(), before, "nothing was written");
    // The same changes through the store's command, on the same record.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let expected = runtime.block_on(async {
        let store = Store::open(cli.db.url()).await.expect("opens");
        let password = Password::typed(BOB_PASSWORD).expect("password");
        let actor = store.authenticate("bob", &password).await.expect("bob");
        let mut expected = Vec::new();
        for (line, code, drug, amount, start) in [
            (2, "S01-001", "lenalidomide", "2.14", date(2024, 1, 22)),
            (3, "S01-002", "prednisone", "5", date(2024, 2, 12)),
        ] {
            let subject = store.subject_by_code(code).await.expect("subject");
            let regimen =
                DosePeriod::regimen_named(drug, amount, "mg", "QD").expect("a regimen in words");
            assert_eq!(regimen.drug, Drug::find(drug).expect("drug"));
            let change = DoseChange {
                subject_id: subject.id,
                from: start,
                dose: NewDose::Regimen(regimen),
                until: None,
            };
            match store.change_dose(&actor, &change).await {
                Err(StoreError::Invalid { field, message }) => {
                    let column = if field == "drug" {
                        "ex_drug"
                    } else {
                        "ex_dose"
                    };
                    expected.push((line, column.to_owned(), message.to_string()));
                }
                other => panic!("the store should refuse {change:?}: {other:?}"),
            }
        }
        store.close().await;
        expected
    });
    assert_eq!(got, expected);
    assert!(
        got[0].2.contains("2.14") && got[1].2.contains("Prednisone"),
        "{got:#?}"
    );
}

/// A dose row's cells are read as the API reads a dose: each refusal names its column and what
/// is allowed, all in one report, and nothing is written.
fn dose_cells_are_refused_naming_their_column(backend: Backend) {
    let cli = Cli::new(backend);
    cli.examples_before(Some("visits"));
    let header = read("doses").lines().next().expect("header").to_owned();
    let file = cli.write(
        "bad-doses.csv",
        &format!(
            "{header}\n\
             S01-001,study_drug,1,Lenalidomid,5,mg,QD,22/01/2024,,0\n\
             S01-001,study_drug,2,Lenalidomide,5,mL,QOD,18/03/2024,,0\n\
             S01-002,study_drug,1,Lenalidomide,5,mg,,12/02/2024,,0\n\
             S01-002,study_drug,2,Lenalidomide,5,mg,,11/03/2024,,yes\n\
             S01-002,study_drug,3,Lenalidomide,,,,08/04/2024,,maybe\n"
        ),
    );
    let before = cli.events();
    let run = cli.import(&file, &toml("doses"));
    assert_eq!(run.status, 1, "{run:?}");
    // Rows are counted as rows, not as the problems listed (line 5 has two).
    assert!(
        run.stderr
            .contains("5 of 5 rows rejected (6 problems listed); nothing was imported"),
        "{}",
        run.stderr
    );
    let report = run.json();
    let got: Vec<(u64, &str, &str)> = report["rejected"]
        .as_array()
        .expect("rejected rows")
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap_or_default(),
                row["column"].as_str().unwrap_or_default(),
                row["reason"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        (
            2,
            "ex_drug",
            "unknown drug 'Lenalidomid'; nearest: Lenalidomide",
        ),
        (3, "ex_unit", "unknown dose unit 'mL'"),
        (4, "ex_freq", "is required"),
        (5, "ex_dose", "a stop takes no amount"),
        (5, "ex_unit", "a stop takes no amount, unit"),
        (6, "ex_stopped", "'maybe' is not yes or no"),
    ];
    assert_eq!(got.len(), expected.len(), "{report:#}");
    for ((line, column, needle), (got_line, got_column, reason)) in expected.iter().zip(&got) {
        assert_eq!((line, column), (got_line, got_column), "{reason}");
        assert!(reason.contains(needle), "line {line}: {reason}");
    }
    assert_eq!(cli.events(), before, "nothing was written");
}

/// A subject's dose rows are dose changes in start-date order whatever their order in the
/// file: reversed, the example imports to the same periods.
fn dose_rows_apply_in_start_date_order(backend: Backend) {
    let cli = Cli::new(backend);
    cli.examples_before(Some("doses"));
    let text = read("doses");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let file = cli.write("reversed.csv", &(lines.join("\n") + "\n"));
    let run = cli.import(&file, &toml("doses")).ok_json();
    assert_eq!(numbers(&run, &["created", "updated"]), [4, 1], "{run}");
    let again = cli.import(&csv("doses"), &toml("doses")).ok_json();
    assert_eq!(
        again["unchanged"], 5,
        "the file's order, found again: {again}"
    );
}

/// A row whose values differ from its stored record corrects it with the import's reason:
/// only the fields that differ.
fn a_changed_row_of_each_form_is_an_audited_change(backend: Backend) {
    let cli = Cli::new(backend);
    cli.examples_before(None);
    // (example, data line, cells, the fields the change writes)
    let cases: [(&str, usize, Cells, &[&str]); 9] = [
        ("visits", 4, &[("visit_planned", "")], &["planned_date"]),
        (
            "clasi",
            2,
            &[("face_ery", "2")],
            &["rest_of_face_erythema", "activity"],
        ),
        ("sledai", 3, &[("sledai_window", "2")], &["recall_window"]),
        // Three times weekly corrected to twice weekly: another level of the protocol.
        (
            "doses",
            4,
            &[("ex_freq", "2 TIMES PER WEEK")],
            &["frequency", "dose_level"],
        ),
        (
            "adverse_events",
            3,
            &[("ae_grade", "3"), ("ae_serious", "1")],
            &["grade", "serious"],
        ),
        (
            "events",
            4,
            &[("pe_note", "stopped: grade 3 neutropenia")],
            &["note"],
        ),
        (
            "disposition",
            2,
            &[("ds_date", "09/04/2024")],
            &["disposition_date"],
        ),
        ("nerve_conduction", 3, &[("ncs_result", "2")], &["finding"]),
        (
            "conmeds",
            5,
            &[("cm_dose", "300"), ("cm_freq", "QOD")],
            &["amount", "frequency"],
        ),
    ];
    for (name, index, cells, fields) in cases {
        let mut text = read(name);
        for (column, value) in cells {
            text = with_cell(&text, index, column, value);
        }
        let before = cli.events();
        let file = cli.write(&format!("changed-{name}.csv"), &text);
        let run = cli.import(&file, &toml(name)).ok_json();
        assert_eq!(run["updated"], 1, "{name}: {run}");
        assert_eq!(run["created"], 0, "{name}: {run}");
        let log = cli.run(&["audit", "log"], &[]).ok_json();
        let changes: Vec<&serde_json::Value> = log
            .as_array()
            .expect("events")
            .iter()
            .filter(|event| event["seq"].as_i64().unwrap_or_default() > before)
            .filter(|event| event["action"] == "update")
            .collect();
        let written: Vec<&str> = changes
            .iter()
            .map(|event| event["field"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(written, fields, "{name}: {changes:#?}");
        for event in changes {
            assert_eq!(event["reason"], REASON, "{name}: {event}");
        }
        let again = cli.import(&file, &toml(name)).ok_json();
        assert_eq!(again["updated"], 0, "{name}: {again}");
    }
}

/// A column mapped to `<form>.entered_in_error` marks the row's record entered in error, the
/// cell being the reason; a second import writes nothing more.
fn a_row_marks_its_record_entered_in_error_in_every_form(backend: Backend) {
    let cli = Cli::new(backend);
    cli.examples_before(None);
    // (example, form, data line to mark, the record's entity in the trail)
    let cases = [
        ("adverse_events", "adverse_event", 2, "adverse_event"),
        ("events", "protocol_event", 2, "protocol_event"),
        ("disposition", "disposition", 3, "disposition"),
        (
            "nerve_conduction",
            "nerve_conduction_study",
            3,
            "nerve_conduction_study",
        ),
        ("clasi", "clasi", 7, "clasi"),
        ("sledai", "sledai", 5, "sledai"),
        ("doses", "dose", 4, "dose"),
        ("conmeds", "conmed", 2, "conmed"),
        // The visit is empty once its records are: S01-002's week 8 held a CLASI (marked
        // above) and its visit date only.
        ("visits", "visit", 7, "visit"),
    ];
    for (name, form, index, entity) in cases {
        let mapping = std::fs::read_to_string(toml(name)).expect("mapping");
        let mapping = mapping.replace(
            "[columns]\n",
            &format!("[columns]\nin_error = \"{form}.entered_in_error\"\n"),
        );
        let mapping = cli.write(&format!("void-{name}.toml"), &mapping);
        let text = read(name);
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines[0].push_str(",in_error");
        for (i, line) in lines.iter_mut().enumerate().skip(1) {
            line.push_str(if i == index {
                ",entered for another patient"
            } else {
                ","
            });
        }
        let file = cli.write(&format!("void-{name}.csv"), &(lines.join("\n") + "\n"));
        let before = cli.events();
        let run = cli.import(&file, &mapping).ok_json();
        assert_eq!(
            numbers(&run, &["voided", "created", "updated"]),
            [1, 0, 0],
            "{name}: {run}"
        );
        let log = cli.run(&["audit", "log"], &[]).ok_json();
        let removed: Vec<&serde_json::Value> = log
            .as_array()
            .expect("events")
            .iter()
            .filter(|event| event["seq"].as_i64().unwrap_or_default() > before)
            .filter(|event| event["action"] == "remove")
            .collect();
        assert!(
            removed.iter().any(|event| event["entity"] == entity
                && event["reason"] == "entered for another patient"),
            "{name}: {removed:#?}"
        );
        let after = cli.events();
        let again = cli.import(&file, &mapping).ok_json();
        assert_eq!(again["voided"], 0, "{name}: {again}");
        assert_eq!(cli.events(), after, "{name}: nothing more");
    }
}
