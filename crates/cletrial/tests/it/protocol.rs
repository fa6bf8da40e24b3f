//! `eligibility`, `decide` and `schedule` as a user runs them: the examples, and the bad-input
//! contract (exit 2, one line naming the field or TOML path).

use serde_json::{Value, json};

use crate::support::{cletrial, cletrial_with_json};

#[test]
fn eligibility_of_the_example_candidate() {
    let out = cletrial(
        &[
            "eligibility",
            "--protocol",
            "nct01408199",
            "--input",
            "examples/protocol/candidate.json",
        ],
        None,
    )
    .ok_json();
    assert_eq!(out["protocol"], "NCT01408199");
    assert_eq!(out["eligible"], true, "{out:#}");
    let criteria = out["criteria"].as_array().expect("criteria");
    assert_eq!(criteria.len(), 15);
    let i6 = criteria.iter().find(|c| c["id"] == "I6").expect("I6");
    assert_eq!(i6["status"], "met");
    assert!(
        i6["reason"]
            .as_str()
            .expect("reason")
            .contains("27% by the rule of nines"),
        "{i6}"
    );
}

#[test]
fn eligibility_incomplete_and_not_eligible() {
    let out = cletrial(
        &[
            "eligibility",
            "--protocol",
            "nct01408199",
            "--input",
            "examples/protocol/candidate-incomplete.json",
        ],
        None,
    )
    .ok_json();
    assert_eq!(out["eligible"], serde_json::Value::Null);
    assert!(
        out["missing"]
            .as_array()
            .expect("missing")
            .iter()
            .any(|m| m == "hiv")
    );
    let out = cletrial_with_json(
        &["eligibility", "--protocol", "nct01408199"],
        &json!({"screening_date": "2010-01-01", "birth_date": "1995-01-01"}),
    )
    .ok_json();
    assert_eq!(out["eligible"], false);
    assert_eq!(out["criteria"][0]["status"], "not_met");
    // A shipped protocol's name in any case.
    let upper = cletrial_with_json(
        &["eligibility", "--protocol", "NCT01408199"],
        &json!({"screening_date": "2010-01-01", "birth_date": "1995-01-01"}),
    )
    .ok_json();
    assert_eq!(upper, out);
}

#[test]
fn eligibility_bad_input_names_the_field() {
    cletrial_with_json(
        &["eligibility", "--protocol", "nct01408199"],
        &json!({"clasi_erythema": {"face": 4}}),
    )
    .input_error("clasi_erythema.face: erythema must be 0 to 3");
    cletrial_with_json(
        &["eligibility", "--protocol", "nct01408199"],
        &json!({"age": 40}),
    )
    .input_error("unknown field `age`");
    cletrial_with_json(
        &["eligibility", "--protocol", "nct01408199"],
        &json!({"neutrophils": {"value": 900, "unit": "cells"}}),
    )
    .input_error("neutrophils.unit");
}

#[test]
fn decide_week4_without_improvement_escalates() {
    let out = cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "examples/protocol/history-week4-no-improvement.json",
        ],
        None,
    )
    .ok_json();
    assert_eq!(out["as_of"], "2010-02-01", "defaults to the latest record");
    assert_eq!(out["action"], "escalate");
    assert_eq!(out["dose"], "10mg_daily");
    assert_eq!(out["phase"], "induction");
    assert_eq!(out["response"], "nr");
    assert_eq!(out["relapse"], false);
    assert_eq!(out["flare"], serde_json::Value::Null);
    assert_eq!(out["next_visit"], "2010-03-01");
    assert_eq!(out["rules"][0]["id"], "week4.no_improvement");
}

#[test]
fn decide_says_what_is_missing() {
    let out = cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "examples/protocol/history-missing-week4.json",
        ],
        None,
    )
    .ok_json();
    assert_eq!(out["action"], "continue");
    assert_eq!(out["dose"], "5mg_daily");
    assert!(
        out["missing"][0]
            .as_str()
            .expect("missing")
            .contains("week-4"),
        "{out:#}"
    );
    assert_eq!(out["deviation"], true);
}

#[test]
fn decide_taper_and_relapse_examples() {
    let taper = cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "examples/protocol/history-taper.json",
        ],
        None,
    )
    .ok_json();
    assert_eq!(
        (taper["action"].as_str(), taper["dose"].as_str()),
        (Some("taper"), Some("5mg_3x_weekly"))
    );
    assert_eq!(taper["toxicity"]["grade"], 2);
    let relapse = cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "examples/protocol/history-relapse.json",
        ],
        None,
    )
    .ok_json();
    assert_eq!(relapse["action"], "reintroduce");
    assert_eq!(relapse["relapse"], true);
    assert_eq!(relapse["cycle"], 2);
    let before = cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "examples/protocol/history-relapse.json",
            "--as-of",
            "2010-04-26",
        ],
        None,
    )
    .ok_json();
    // Withdrawn on 2010-04-26 (the record says so); the relapse of 2010-05-24 is not yet known.
    assert_eq!(before["action"], "continue");
    assert_eq!(before["phase"], "off_treatment");
    assert_eq!(before["relapse"], false);
    assert_eq!(
        before["ignored"].as_array().expect("ignored").len(),
        1,
        "{before:#}"
    );
}

#[test]
fn decide_bad_input_is_one_line_naming_the_field() {
    let history = json!({"start_date": "2010-01-04", "doses": [{"from": "2010-01-04", "level": "7mg_daily"}]});
    crate::support::cletrial(
        &["decide", "--protocol", "nct01408199", "--history", "-"],
        Some(&history.to_string()),
    )
    .input_error("doses[0].level: unknown dose level '7mg_daily'; allowed: 10mg_daily");
    let history =
        json!({"start_date": "2010-01-04", "clasi": [{"date": "2010-01-04", "activity": 71}]});
    cletrial(
        &["decide", "--protocol", "nct01408199", "--history", "-"],
        Some(&history.to_string()),
    )
    .input_error("clasi[0].activity");
    let history = json!({"start_date": "2010-01-04"});
    cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "-",
            "--as-of",
            "2009-12-01",
        ],
        Some(&history.to_string()),
    )
    .input_error("--as-of: 2009-12-01 is before the history's start_date 2010-01-04");
    cletrial(
        &[
            "decide",
            "--protocol",
            "nct01408199",
            "--history",
            "-",
            "--as-of",
            "01/02/2010",
        ],
        Some(&history.to_string()),
    )
    .input_error("--as-of: '01/02/2010' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-12");
    cletrial(
        &["decide", "--protocol", "pediatric-review", "--history", "-"],
        Some(&history.to_string()),
    )
    .input_error("has no treatment algorithm");
    // An adverse event term the engine does not know is refused, never skipped; a lab test
    // likewise, each with the nearest known names.
    let event = |term: &str| {
        json!({"start_date": "2010-01-04", "doses": [{"from": "2010-01-04", "level": "100mg_daily"}],
               "events": [{"date": "2010-02-01", "type": "adverse_event", "grade": 2, "term": term}]})
    };
    cletrial(
        &["decide", "--protocol", "thalidomide-cohort", "--history", "-"],
        Some(&event("neurophaty").to_string()),
    )
    .input_error("events[0].term: unknown CTCAE v5.0 term 'neurophaty'; nearest: Peripheral sensory neuropathy");
    let lab = json!({"start_date": "2010-01-04", "labs": [{"date": "2010-02-01", "test": "neutrofils", "value": 650, "unit": "/mm3"}]});
    cletrial(
        &["decide", "--protocol", "nct01408199", "--history", "-"],
        Some(&lab.to_string()),
    )
    .input_error("labs[0].test: unknown lab test 'neutrofils'; nearest: neutrophils");
    // A number typed in another unit than the record's: refused naming the likely unit.
    let lab = json!({"start_date": "2010-01-04", "labs": [{"date": "2010-02-01", "test": "neutrophils", "value": 1000, "unit": "/mm3", "lln": 1.8}]});
    cletrial(
        &["decide", "--protocol", "nct01408199", "--history", "-"],
        Some(&lab.to_string()),
    )
    .input_error(
        "labs[0].lln: 1.8 /mm3 is not a plausible lower limit of normal for neutrophils \
         (allowed 500-5000 /mm3); did you mean 1.8 10^9/L (= 1800 /mm3)?",
    );
}

/// The term as the adverse-event form prints it fires the thalidomide cohort's neuropathy stop
/// (it used to need the id `peripheral_sensory_neuropathy`).
#[test]
fn decide_reads_an_adverse_event_term_however_it_was_written() {
    for term in [
        "Peripheral sensory neuropathy",
        "peripheral_sensory_neuropathy",
        " PERIPHERAL sensory  neuropathy",
        "10034620",
    ] {
        let history = json!({"start_date": "2010-01-04",
            "doses": [{"from": "2010-01-04", "level": "100mg_daily"}],
            "events": [{"date": "2010-02-01", "type": "adverse_event", "grade": 2, "term": term}]});
        let decision = cletrial(
            &[
                "decide",
                "--protocol",
                "thalidomide-cohort",
                "--history",
                "-",
                "--as-of",
                "2010-02-01",
            ],
            Some(&history.to_string()),
        )
        .ok_json();
        assert_eq!(decision["action"], "stop", "{term}: {decision}");
        assert!(
            decision["rules"]
                .as_array()
                .expect("rules")
                .iter()
                .any(|rule| rule["id"] == "stop.neuropathy"),
            "{term}: {decision}"
        );
    }
}

#[test]
fn a_broken_protocol_file_is_rejected_with_its_toml_paths() {
    cletrial(
        &[
            "decide",
            "--protocol",
            "crates/protocol/tests/broken/ladder_without_off.toml",
            "--history",
            "examples/protocol/history-taper.json",
        ],
        None,
    )
    .input_error("treatment.taper.ladder: must end with an off step");
    cletrial(
        &["schedule", "--protocol", "nct0140", "--start", "2010-01-04"],
        None,
    )
    .input_error(
        "--protocol: unknown protocol 'nct0140'; nearest: nct01408199, thalidomide-cohort, pediatric-review; or give a protocol file's path (.toml)",
    );
    cletrial(
        &[
            "schedule",
            "--protocol",
            "protocols/missing.toml",
            "--start",
            "2010-01-04",
        ],
        None,
    )
    .input_error("--protocol: cannot read 'protocols/missing.toml'");
}

#[test]
fn schedule_with_pregnancy_tests() {
    let out = cletrial(
        &[
            "schedule",
            "--protocol",
            "protocols/nct01408199.toml",
            "--start",
            "2010-01-04",
            "--reproductive-potential",
        ],
        None,
    )
    .ok_json();
    assert_eq!(out["visits"][1]["date"], "2010-02-01");
    assert_eq!(out["labs"][1]["date"], "2010-01-11");
    assert_eq!(out["pregnancy_tests"]["policy"], "us_label");
    assert_eq!(out["pregnancy_tests"]["tests"][0]["earliest"], "2009-12-21");
    let plain = cletrial(
        &[
            "schedule",
            "--protocol",
            "pediatric-review",
            "--start",
            "2015-01-31",
        ],
        None,
    )
    .ok_json();
    assert_eq!(plain["visits"].as_array().expect("visits").len(), 2);
    assert!(plain.get("pregnancy_tests").is_none());
    cletrial(
        &[
            "schedule",
            "--protocol",
            "nct01408199",
            "--start",
            "2010-01-04",
            "--reproductive-potential",
            "--pregnancy-policy",
            "uk",
        ],
        None,
    )
    .input_error("--pregnancy-policy: unknown pregnancy-testing policy 'uk'; nearest: ");
    cletrial(
        &[
            "schedule",
            "--protocol",
            "nct01408199",
            "--start",
            "2010-01-04",
            "--reproductive-potential",
            "--pregnancy-policy",
            "eu_pp",
        ],
        None,
    )
    .input_error(
        "--pregnancy-policy: unknown pregnancy-testing policy 'eu_pp'; nearest: eu_ppp, us_label",
    );
    cletrial(
        &[
            "schedule",
            "--protocol",
            "nct01408199",
            "--start",
            "2010-13-01",
        ],
        None,
    )
    .input_error("--start");
}

#[test]
fn help_shows_examples() {
    for command in ["eligibility", "decide", "schedule"] {
        let run = cletrial(&[command, "--help"], None);
        assert_eq!(run.status, 0, "{run:#?}");
        assert!(run.stdout.contains("Example"), "{command}: {}", run.stdout);
        assert!(
            run.stdout.contains("--protocol nct01408199"),
            "{command}: {}",
            run.stdout
        );
    }
}

/// A date in the JSON input that does not parse is refused in words naming its field and the
/// form a date takes (jiff's own message named its parser's steps: "failed to parse four digit
/// integer as year"); so is one on the command line.
#[test]
fn dates_are_refused_in_words() {
    let history = |date: Value| {
        json!({"start_date": "2026-01-05", "clasi": [
            {"date": "2026-01-05", "activity": 12},
            {"date": "2026-01-19", "activity": 10},
            {"date": date, "activity": 8},
        ]})
    };
    for (date, needle) in [
        (
            json!("12/03/2026"),
            "clasi[2].date: '12/03/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-12",
        ),
        (
            json!("2026-02-30"),
            "clasi[2].date: '2026-02-30' is not a date: 2026-02 has days 01 to 28, not 30",
        ),
        (
            json!("2026-13-01"),
            "clasi[2].date: '2026-13-01' is not a date: month 13 (months are 01 to 12)",
        ),
        (
            json!(20260302),
            "clasi[2].date: 20260302 is not a date; write it as \"YYYY-MM-DD\", e.g. \"2026-03-12\"",
        ),
    ] {
        cletrial(
            &["decide", "--protocol", "nct01408199", "--history", "-"],
            Some(&history(date).to_string()),
        )
        .input_error(needle);
    }
    cletrial_with_json(
        &["eligibility", "--protocol", "nct01408199"],
        &json!({"birth_date": "3 March 1970"}),
    )
    .input_error("birth_date: '3 March 1970' is not a date; write it as YYYY-MM-DD");
    cletrial(
        &[
            "schedule",
            "--protocol",
            "nct01408199",
            "--start",
            "2010-1-4",
        ],
        None,
    )
    .input_error("--start: '2010-1-4' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-12");
}

/// A shipped protocol's name is taken in any case by every command that takes one (a file's
/// path is taken as it is).
#[test]
fn protocol_names_are_taken_in_any_case() {
    let out = tempfile::tempdir().expect("temp dir");
    let report = out.path().join("report");
    let db = format!("sqlite://{}", out.path().join("demo.db").display());
    let report = report.to_str().expect("utf-8 path");
    for args in [
        &[
            "schedule",
            "--protocol",
            "NCT01408199",
            "--start",
            "2010-01-04",
        ][..],
        &[
            "simulate",
            "--protocol",
            "Thalidomide-Cohort",
            "--patients",
            "2",
            "--seed",
            "1",
        ],
        &[
            "report",
            "--published",
            "--protocol",
            "NCT01408199",
            "--out",
            report,
        ],
        &[
            "demo",
            "--study",
            "Pediatric-Review",
            "--no-serve",
            "--db",
            &db,
        ],
    ] {
        let run = cletrial(args, None);
        assert_eq!(run.status, 0, "{args:?}: {run:#?}");
    }
}

/// `decide` with a history's `arm`, under the trial made randomised with the example open-label
/// extension (`examples/protocol/`): the same rule the store's decisions follow.
#[test]
fn decide_reads_the_arm_only_where_an_extension_says_so() {
    let root = crate::support::workspace_root();
    let text: String = [
        "protocols/nct01408199.toml",
        "examples/protocol/randomisation.toml",
        "examples/protocol/extension.toml",
    ]
    .iter()
    .map(|path| std::fs::read_to_string(root.join(path)).expect("protocol part"))
    .collect::<Vec<_>>()
    .join("\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let protocol = dir.path().join("extended.toml");
    std::fs::write(&protocol, text).expect("written");
    let protocol = protocol.to_str().expect("utf-8 path");
    let history: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("examples/protocol/history-week4-no-improvement.json"))
            .expect("history"),
    )
    .expect("json");
    let decide = |arm: Option<&str>, as_of: &str| {
        let mut history = history.clone();
        if let Some(arm) = arm {
            history["arm"] = json!(arm);
        }
        cletrial(
            &[
                "decide",
                "--protocol",
                protocol,
                "--history",
                "-",
                "--as-of",
                as_of,
            ],
            Some(&history.to_string()),
        )
    };
    let first_rule = |arm, as_of| decide(arm, as_of).ok_json()["rules"][0]["id"].clone();
    assert_eq!(first_rule(Some("PBO"), "2010-03-29"), "extension.restart");
    assert_eq!(first_rule(Some("LEN"), "2010-03-29"), "extension.continue");
    assert_eq!(first_rule(None, "2010-03-29"), "extension.arm_needed");
    let before = decide(Some("PBO"), "2010-03-28").ok_json();
    assert_eq!(before["rules"][0]["id"], "week4.no_improvement");
    assert!(
        before["ignored"]
            .as_array()
            .expect("ignored")
            .contains(&json!(
                "arm PBO: the open-label extension begins on 2010-03-29; not used"
            )),
        "{before:#}"
    );
    decide(Some("XYZ"), "2010-03-29")
        .input_error("arm: 'XYZ' is not an arm of the protocol (LEN, PBO)");
    // The shipped trial does not randomise.
    let mut shipped = history.clone();
    shipped["arm"] = json!("LEN");
    cletrial(
        &["decide", "--protocol", "nct01408199", "--history", "-"],
        Some(&shipped.to_string()),
    )
    .input_error("arm: 'LEN' given, but the protocol does not randomise: leave arm out");
}
