//! Matching typed text against a coded vocabulary: the normal form, the id form, the ranking of
//! nearest entries and the message that names them.

use instruments::ctcae::{CtcaeTerm, LabTest};
use instruments::vocabulary::{Unknown, find, id_of, nearest, normalise};

#[test]
fn normalise_lowercases_and_makes_each_run_of_punctuation_one_space() {
    #[track_caller]
    fn check(input: &str, expect: &str) {
        assert_eq!(normalise(input), expect, "{input:?}");
    }
    check(
        "Peripheral sensory neuropathy",
        "peripheral sensory neuropathy",
    );
    check(
        "peripheral_sensory_neuropathy",
        "peripheral sensory neuropathy",
    );
    check(
        "  PERIPHERAL  sensory-neuropathy ",
        "peripheral sensory neuropathy",
    );
    check(
        "\tPeripheral\u{a0}sensory\nneuropathy",
        "peripheral sensory neuropathy",
    );
    check(
        "Blood and lymphatic system disorders - Other, specify",
        "blood and lymphatic system disorders other specify",
    );
    check(
        "Radiation recall reaction (dermatologic)",
        "radiation recall reaction dermatologic",
    );
    check(
        "Mobitz (type) II atrioventricular block",
        "mobitz type ii atrioventricular block",
    );
    check("CD4 lymphocytes decreased", "cd4 lymphocytes decreased");
    check("10^9/L", "10 9 l");
    check(" 10034620 ", "10034620");
    check("", "");
    check(" _-/, ", "");
    // Normalising twice changes nothing.
    check(
        "peripheral sensory neuropathy",
        "peripheral sensory neuropathy",
    );
}

#[test]
fn the_id_form_joins_the_normal_words_with_underscores() {
    #[track_caller]
    fn check(input: &str, expect: &str) {
        assert_eq!(id_of(input), expect, "{input:?}");
    }
    check(
        "Peripheral sensory neuropathy",
        "peripheral_sensory_neuropathy",
    );
    check(
        "peripheral_sensory_neuropathy",
        "peripheral_sensory_neuropathy",
    );
    check("Intra-abdominal hemorrhage", "intra_abdominal_hemorrhage");
    check(
        "Skin and subcutaneous tissue disorders - Other, specify",
        "skin_and_subcutaneous_tissue_disorders_other_specify",
    );
    check("Neutrophils", "neutrophils");
}

const LAB_IDS: [&str; 5] = [
    "neutrophils",
    "leukocytes",
    "platelets",
    "lymphocytes",
    "hemoglobin",
];

fn ctcae_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    CtcaeTerm::all().map(|term| (term.term(), term.term()))
}

#[test]
fn nearest_puts_names_holding_the_text_first_then_the_closest_words() {
    #[track_caller]
    fn check(input: &str, expect: &[&str]) {
        assert_eq!(nearest(input, ctcae_names(), 3), expect, "{input:?}");
    }
    // A misspelt word: the terms holding the word it was meant to be.
    check(
        "neurophaty",
        &[
            "Peripheral sensory neuropathy",
            "Peripheral motor neuropathy",
            "Neutrophil count decreased",
        ],
    );
    // The text as whole words of the name.
    check(
        "neuropathy",
        &[
            "Peripheral motor neuropathy",
            "Peripheral sensory neuropathy",
            "Retinopathy",
        ],
    );
    // The name as whole words of the text.
    check(
        "nausea and vomiting",
        &[
            "Vomiting",
            "Nausea",
            "Congenital, familial and genetic disorders - Other, specify",
        ],
    );
    check(
        "headache severe",
        &[
            "Headache",
            "Head soft tissue necrosis",
            "Abducens nerve disorder",
        ],
    );
    // The text at the start of a word of the name.
    check(
        "neutro",
        &[
            "Neutrophil count decreased",
            "Febrile neutropenia",
            "Eye infection",
        ],
    );
    // British spellings are near, not equal.
    check("diarrhoea", &["Diarrhea", "Dysarthria", "Rhinorrhea"]);
    check("anaemia", &["Anemia", "Anosmia", "Anorexia"]);
    // Nothing to compare: nothing is near.
    check("", &[]);
    check(" -_ ", &[]);
}

#[test]
fn nearest_lab_test_of_a_misspelt_id() {
    #[track_caller]
    fn check(input: &str, expect: &[&str]) {
        let ids = LAB_IDS.map(|id| (id, id));
        assert_eq!(nearest(input, ids, 3), expect, "{input:?}");
    }
    check("neutrofils", &["neutrophils", "leukocytes", "hemoglobin"]);
    check("haemoglobin", &["hemoglobin", "leukocytes", "neutrophils"]);
    check("platelet", &["platelets", "lymphocytes", "hemoglobin"]);
    check("lymphs", &["lymphocytes", "neutrophils", "platelets"]);
}

#[test]
fn nearest_is_deterministic_whatever_the_order_given() {
    for text in ["neurophaty", "fatige", "xyz", "rash", "neutro", "a"] {
        let forward = nearest(text, ctcae_names(), 10);
        let names: Vec<_> = ctcae_names().collect();
        let backward = nearest(text, names.into_iter().rev(), 10);
        assert_eq!(forward, backward, "{text}");
        assert_eq!(forward.len(), 10, "{text}");
    }
    assert_eq!(
        nearest("neutrofils", LAB_IDS.map(|id| (id, id)), 99).len(),
        5
    );
}

#[test]
fn find_accepts_the_name_in_any_case_and_spacing_and_refuses_the_rest() {
    #[track_caller]
    fn check(input: &str, expect: Result<&str, &str>) {
        let found = find("lab test", input, LAB_IDS.map(|id| (id, id)));
        assert_eq!(
            found.map_err(|unknown| unknown.to_string()),
            expect.map_err(str::to_owned),
            "{input:?}"
        );
    }
    check("neutrophils", Ok("neutrophils"));
    check("Neutrophils ", Ok("neutrophils"));
    check("NEUTROPHILS", Ok("neutrophils"));
    check("  hemoglobin\t", Ok("hemoglobin"));
    check(
        "neutrofils",
        Err("unknown lab test 'neutrofils'; nearest: neutrophils, leukocytes, hemoglobin"),
    );
    check(
        "neutrophil",
        Err("unknown lab test 'neutrophil'; nearest: neutrophils, hemoglobin, leukocytes"),
    );
    check(
        "neutro phils",
        Err("unknown lab test 'neutro phils'; nearest: neutrophils, leukocytes, hemoglobin"),
    );
    check("", Err("unknown lab test ''; none is near"));
}

#[test]
fn unknown_names_the_vocabulary_the_text_and_the_nearest() {
    #[track_caller]
    fn check(unknown: Unknown, expect: &str) {
        assert_eq!(unknown.to_string(), expect);
    }
    check(
        Unknown {
            vocabulary: "CTCAE v5.0 term",
            text: "neurophaty".to_owned(),
            nearest: vec![
                "Peripheral sensory neuropathy".to_owned(),
                "Peripheral motor neuropathy".to_owned(),
                "Neuralgia".to_owned(),
            ],
        },
        "unknown CTCAE v5.0 term 'neurophaty'; nearest: Peripheral sensory neuropathy, \
         Peripheral motor neuropathy, Neuralgia",
    );
    check(
        Unknown {
            vocabulary: "lab test",
            text: "?".to_owned(),
            nearest: Vec::new(),
        },
        "unknown lab test '?'; none is near",
    );
    check(
        Unknown::among("lab test", "neutrofils", LAB_IDS),
        "unknown lab test 'neutrofils'; nearest: neutrophils, leukocytes, hemoglobin",
    );
    check(
        Unknown::among("lab test", "neutrofils", []),
        "unknown lab test 'neutrofils'; none is near",
    );
}

#[test]
fn lab_tests_and_ctcae_terms_are_matched_the_same_way() {
    for test in LabTest::ALL {
        let shouted = format!("  {}  ", test.id().to_uppercase());
        assert_eq!(shouted.parse::<LabTest>(), Ok(test), "{shouted:?}");
        assert_eq!(
            find("lab test", &shouted, LabTest::ALL.map(|t| (t.id(), t))),
            Ok(test)
        );
    }
    for term in CtcaeTerm::all() {
        assert_eq!(id_of(term.term()), term.id(), "{term}");
    }
}
