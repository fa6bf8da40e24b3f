//! A safety rule does not depend on how a coded word was typed: for random histories, any
//! spelling of a known CTCAE term or lab test (id, printed term or MedDRA code, any case,
//! any spacing) gives the decision the canonical ids give; an unknown term is refused, never
//! decided on.

use instruments::ctcae::{CtcaeGrade, CtcaeTerm, LabTest};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{date, shipped};

/// Terms the shipped protocols' rules read, and some they do not.
const TERMS: [&str; 6] = [
    "peripheral_sensory_neuropathy",
    "thromboembolic_event",
    "insomnia",
    "neutrophil_count_decreased",
    "nausea",
    "blood_and_lymphatic_system_disorders_other_specify",
];

/// One adverse event or laboratory value on a week of treatment.
#[derive(Clone, Debug)]
enum Record {
    Event { week: u8, term: usize, grade: u8 },
    Lab { week: u8, test: usize, value: u32 },
}

fn record() -> impl Strategy<Value = Record> {
    prop_oneof![
        (1..40u8, 0..TERMS.len(), 1..=5u8).prop_map(|(week, term, grade)| Record::Event {
            week,
            term,
            grade
        }),
        (1..40u8, 0..LabTest::ALL.len(), 0..4000u32).prop_map(|(week, test, value)| Record::Lab {
            week,
            test,
            value
        }),
    ]
}

/// Pieces of a random respelling: which form, and a stream of choices for case and spacing.
#[derive(Clone, Debug)]
struct Spelling {
    form: u8,
    choices: Vec<u8>,
}

fn spelling() -> impl Strategy<Value = Spelling> {
    (0..3u8, prop::collection::vec(any::<u8>(), 64))
        .prop_map(|(form, choices)| Spelling { form, choices })
}

/// `words` written again with each letter's case and each gap between words chosen by
/// `choices`, with spaces around.
fn respell(words: &str, choices: &[u8]) -> String {
    let mut choice = choices.iter().copied().cycle();
    let mut next = || choice.next().unwrap_or_default();
    let gaps = [" ", "_", "  ", "-", " _ "];
    let mut out = String::from(if next() % 2 == 0 { " " } else { "" });
    for (index, word) in words.split(' ').enumerate() {
        if index > 0 {
            out.push_str(gaps[usize::from(next()) % gaps.len()]);
        }
        for c in word.chars() {
            if next() % 2 == 0 {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out.push_str(if next() % 2 == 0 { "  " } else { "" });
    out
}

/// A spelling of a CTCAE term: its id, its printed term or its MedDRA code.
fn spell_term(term: CtcaeTerm, spelling: &Spelling) -> String {
    match spelling.form {
        0 => respell(&term.id().replace('_', " "), &spelling.choices),
        1 => respell(
            &instruments::vocabulary::normalise(term.term()),
            &spelling.choices,
        ),
        _ => format!(" {} ", term.meddra_code()),
    }
}

/// The history of `records` on the protocol's starting dose, with each term and test written
/// by `write_term` and `write_test`.
fn history(
    protocol: &str,
    records: &[Record],
    write_term: impl Fn(usize, CtcaeTerm) -> String,
    write_test: impl Fn(usize, LabTest) -> String,
) -> Value {
    let start = date("2010-01-04");
    // Record `index` on its own day (two values of one test on one day would clash).
    let on = |index: usize, week: u8| {
        let day = i64::try_from(index).expect("small") * 40 + i64::from(week);
        start.saturating_add(jiff::Span::new().days(day + 1))
    };
    let level = if protocol == "nct01408199" {
        "5mg_daily"
    } else {
        "100mg_daily"
    };
    let mut events = Vec::new();
    let mut labs = Vec::new();
    for (index, record) in records.iter().enumerate() {
        match *record {
            Record::Event { week, term, grade } => {
                let term: CtcaeTerm = TERMS[term].parse().expect("a CTCAE term");
                // A grade the term has.
                let grade = (1..=grade)
                    .rev()
                    .find(|g| CtcaeGrade::from_number(*g).is_some_and(|g| term.offers(g)))
                    .unwrap_or(term.max_grade().number());
                events.push(json!({
                    "date": on(index, week).to_string(),
                    "type": "adverse_event",
                    "grade": grade,
                    "term": write_term(index, term),
                }));
            }
            Record::Lab { week, test, value } => {
                let test = LabTest::ALL[test];
                // Plausible values (`LabTest::plausible`): haemoglobin 1 g/dL and more, counts of
                // at least their analysers' resolution.
                let (value, unit) = if test == LabTest::Hemoglobin {
                    (1.0 + f64::from(value % 150) / 10.0, "g/dL")
                } else if test == LabTest::Platelets {
                    (1000.0 + f64::from(value) * 40.0, "/mm3")
                } else {
                    (f64::from(value.max(10)), "/mm3")
                };
                labs.push(json!({
                    "date": on(index, week).to_string(),
                    "test": write_test(index, test),
                    "value": value,
                    "unit": unit,
                }));
            }
        }
    }
    json!({
        "start_date": start.to_string(),
        "clasi": [{"date": start.to_string(), "activity": 12}],
        "sledai": [{"date": start.to_string(), "score": 2}],
        "doses": [{"from": start.to_string(), "level": level}],
        "events": events,
        "labs": labs,
    })
}

fn decide(protocol: &str, history: Value) -> Result<Value, String> {
    let history: protocol::History =
        serde_json::from_value(history).map_err(|error| error.to_string())?;
    let decision = protocol::decide(&shipped(protocol), &history, date("2010-12-06"))
        .map_err(|error| error.to_string())?;
    Ok(serde_json::to_value(decision).expect("serialises"))
}

const PROTOCOLS: [&str; 2] = ["nct01408199", "thalidomide-cohort"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_spelling_of_a_known_term_decides_as_its_id(
        protocol in 0..PROTOCOLS.len(),
        records in prop::collection::vec(record(), 1..8),
        spellings in prop::collection::vec(spelling(), 8),
    ) {
        let protocol = PROTOCOLS[protocol];
        let canonical = history(protocol, &records, |_, term| term.id().to_owned(), |_, test| test.id().to_owned());
        let typed = history(
            protocol,
            &records,
            |index, term| spell_term(term, &spellings[index]),
            |index, test| respell(test.id(), &spellings[index].choices),
        );
        let expected = decide(protocol, canonical).expect("canonical ids decide");
        prop_assert_eq!(decide(protocol, typed).expect("any spelling decides"), expected);
    }

    #[test]
    fn an_unknown_term_is_refused_never_decided_on(
        protocol in 0..PROTOCOLS.len(),
        records in prop::collection::vec(record(), 1..8),
        which in any::<prop::sample::Index>(),
        extra in "[a-z]{3,6}",
    ) {
        let protocol = PROTOCOLS[protocol];
        let wrong = which.index(records.len());
        // The term with letters added is no CTCAE term (and no lab test).
        let garbled = |index: usize, name: &str| {
            if index == wrong { format!("{name}{extra}") } else { name.to_owned() }
        };
        let typed = history(
            protocol,
            &records,
            |index, term| garbled(index, term.id()),
            |index, test| garbled(index, test.id()),
        );
        let refused = decide(protocol, typed).expect_err("an unknown term is refused");
        prop_assert!(refused.contains("unknown"), "{}", refused);
    }
}
