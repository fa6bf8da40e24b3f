//! The protocol's lab list (`[[labs]]`): a lab is found by its id or its text in any case and
//! spacing, anything else is refused naming the nearest labs; a unit must be one the lab lists.

use instruments::ctcae::LabTest;
use protocol::Protocol;

use crate::support::{protocol_text, shipped};

/// The shipped protocol `name` with its `[[labs]]` replaced by `labs` (TOML tables at the end
/// of the file), or removed.
#[track_caller]
fn with_labs(name: &str, labs: Option<&str>) -> Result<Protocol, protocol::LoadError> {
    let mut table: toml::Table = toml::from_str(&protocol_text(name)).expect("parses");
    table.remove("labs");
    let text = toml::to_string(&table).expect("serialises");
    Protocol::from_toml(&format!("{text}\n{}", labs.unwrap_or_default()))
}

fn ids(protocol: &Protocol) -> Vec<&str> {
    protocol.labs().iter().map(|lab| lab.id.as_str()).collect()
}

#[test]
fn each_shipped_protocol_lists_what_its_study_measured() {
    let counts = [
        "neutrophils",
        "leukocytes",
        "platelets",
        "lymphocytes",
        "hemoglobin",
    ];
    let cases: [(&str, Vec<&str>); 3] = [
        (
            "nct01408199",
            [&counts[..], &["anti_dsdna", "c3", "c4"]].concat(),
        ),
        ("thalidomide-cohort", counts.to_vec()),
        ("pediatric-review", vec!["esr"]),
    ];
    for (name, expect) in cases {
        assert_eq!(ids(&shipped(name)), expect, "{name}");
    }
    let trial = shipped("nct01408199");
    let graded: Vec<_> = trial.labs().iter().filter_map(|lab| lab.graded()).collect();
    assert_eq!(graded, LabTest::ALL);
}

#[test]
fn without_labs_the_list_is_the_ctcae_haematology_tests() {
    let protocol = with_labs("nct01408199", None).expect("loads");
    assert_eq!(
        ids(&protocol),
        [
            "neutrophils",
            "leukocytes",
            "platelets",
            "lymphocytes",
            "hemoglobin"
        ]
    );
    for lab in protocol.labs() {
        let test = lab.graded().expect("graded");
        let units: Vec<&str> = test.units().iter().map(|unit| unit.symbol()).collect();
        assert_eq!(lab.units, units, "{}", lab.id);
    }
    // The retrospective review without its list is refused: its analysis compares ESR, which
    // the default list does not hold.
    let refused = with_labs("pediatric-review", None).expect_err("esr is analysed");
    assert_eq!(refused.problems[0].path, "analysis.results[1].lab");
}

#[test]
fn a_lab_is_found_by_its_id_or_text_in_any_case_and_spacing() {
    let trial = shipped("nct01408199");
    let cases = [
        ("neutrophils", "neutrophils"),
        ("Neutrophils ", "neutrophils"),
        ("NEUTROPHILS", "neutrophils"),
        ("Neutrophils (absolute count)", "neutrophils"),
        ("  neutrophils ABSOLUTE-count ", "neutrophils"),
        ("hemoglobin", "hemoglobin"),
        ("C3", "c3"),
        ("complement   c3", "c3"),
        ("Anti-dsDNA antibodies", "anti_dsdna"),
        ("anti dsdna", "anti_dsdna"),
    ];
    for (typed, id) in cases {
        assert_eq!(
            trial.lab(typed).map(|lab| lab.id.as_str()),
            Ok(id),
            "{typed:?}"
        );
    }
}

#[test]
fn anything_else_is_refused_naming_the_nearest_labs_once_each() {
    let trial = shipped("nct01408199");
    let cases: [(&str, &[&str]); 4] = [
        ("neutrofils", &["neutrophils"]),
        ("complement", &["c3", "c4"]),
        ("esr", &[]),
        ("", &[]),
    ];
    for (typed, first) in cases {
        let unknown = trial.lab(typed).expect_err(typed);
        assert_eq!(unknown.text, typed);
        assert!(unknown.nearest.len() <= 3, "{unknown}");
        let mut seen = unknown.nearest.clone();
        seen.dedup();
        assert_eq!(seen, unknown.nearest, "each lab once: {unknown}");
        assert!(
            unknown
                .nearest
                .starts_with(&first.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>()),
            "{typed:?}: {unknown}"
        );
    }
    let unknown = trial.lab("neutrofils").expect_err("misspelt");
    assert!(
        unknown
            .to_string()
            .starts_with("unknown lab test 'neutrofils'; nearest: neutrophils, "),
        "{unknown}"
    );
    // The review lists ESR only: a blood count is not among its labs.
    let review = shipped("pediatric-review");
    assert_eq!(review.lab(" ESR ").map(|lab| lab.id.as_str()), Ok("esr"));
    assert!(review.lab("neutrophils").is_err());
}

#[test]
fn a_unit_is_one_the_lab_lists_in_any_ascii_case() {
    let trial = shipped("nct01408199");
    let review = shipped("pediatric-review");
    let cases: [(&Protocol, &str, &str, Result<&str, &str>); 8] = [
        (&trial, "neutrophils", "/mm3", Ok("/mm3")),
        (&trial, "neutrophils", " /UL ", Ok("/uL")),
        (&trial, "neutrophils", "10^9/l", Ok("10^9/L")),
        (&trial, "c3", "MG/DL", Ok("mg/dL")),
        (&review, "esr", "mm/H", Ok("mm/h")),
        (
            &trial,
            "neutrophils",
            "mm3",
            Err("unit 'mm3' is not listed for neutrophils; allowed: /mm3, /uL, 10^9/L"),
        ),
        (
            &trial,
            "hemoglobin",
            "10^9/L",
            Err("unit '10^9/L' is not listed for hemoglobin; allowed: g/dL, g/L, mmol/L"),
        ),
        (
            &review,
            "esr",
            "mm/hour",
            Err("unit 'mm/hour' is not listed for esr; allowed: mm/h"),
        ),
    ];
    for (protocol, lab, typed, expect) in cases {
        let lab = protocol.lab(lab).expect("listed");
        assert_eq!(
            lab.unit(typed).map_err(|error| error.to_string()),
            expect.map_err(str::to_owned),
            "{} {typed:?}",
            lab.id
        );
    }
}

#[test]
fn graded_units_are_written_as_ctcae_symbols_and_an_empty_list_is_refused() {
    let protocol = with_labs(
        "nct01408199",
        Some(
            r#"
[[labs]]
id = "neutrophils"
text = "ANC"
units = [" /UL", "10^9/l"]

[[labs]]
id = "leukocytes"
text = "WBC"
units = ["/mm3"]

[[labs]]
id = "platelets"
text = "Platelets"
units = ["/mm3"]
"#,
        ),
    )
    .expect("loads");
    assert_eq!(protocol.labs()[0].units, ["/uL", "10^9/L"]);
    assert_eq!(
        protocol.lab("wbc").map(|lab| lab.id.as_str()),
        Ok("leukocytes")
    );
    let mut table: toml::Table = toml::from_str(&protocol_text("nct01408199")).expect("parses");
    table.insert("labs".to_owned(), toml::Value::Array(Vec::new()));
    let empty =
        Protocol::from_toml(&toml::to_string(&table).expect("serialises")).expect_err("refused");
    assert!(
        empty.to_string().contains(
            "labs: must list at least one lab; leave [[labs]] out for the CTCAE haematology tests"
        ),
        "{empty}"
    );
}
