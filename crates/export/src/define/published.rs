//! The CDISC controlled terminology as published, to check the codelists `ct` writes against:
//! the extract of the NCI EVS "SDTM Terminology" file of release [`super::CT_VERSION`] in
//! `scripts/peers/ct/sdtm-ct.tsv` (its README names the source). Compiled for tests only.

use std::collections::BTreeMap;

use protocol::endpoint::ResponseDefinitions;

use super::ct::{self, CodeList};
use super::tests::assessment_forms;

/// One published codelist.
#[derive(Debug)]
struct Published {
    /// The codelist's short name (its submission value): `SEX`.
    short: String,
    name: String,
    extensible: bool,
    /// Term NCI code to submission value.
    terms: BTreeMap<String, String>,
}

/// The vendored release, by codelist NCI code.
fn release() -> BTreeMap<String, Published> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/peers/ct/sdtm-ct.tsv"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "codelist_code\tcodelist_short\tcodelist_name\textensible\tterm_code\tsubmission_value"
        ),
        "{path}: header"
    );
    let mut lists = BTreeMap::new();
    for line in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let [list, short, name, extensible, term, value] = fields[..] else {
            panic!("{path}: not six fields: {line}");
        };
        let extensible = match extensible {
            "Yes" => true,
            "No" => false,
            other => panic!("{path}: extensible is {other:?}: {line}"),
        };
        let entry = lists.entry(list.to_owned()).or_insert_with(|| Published {
            short: short.to_owned(),
            name: name.to_owned(),
            extensible,
            terms: BTreeMap::new(),
        });
        entry.terms.insert(term.to_owned(), value.to_owned());
    }
    lists
}

/// What in `list` disagrees with the release (empty when all agrees): a CDISC list must have
/// the published code, name and extensibility and an OID of its short name (`CL.UNIT` or a
/// subset's `CL.UNIT.DURATION`); each coded term the published code and submission value; a
/// term without a code must extend an extensible list with a value it does not already publish
/// (CDISC CT: sponsors may add terms to an extensible codelist only, and no synonym of a
/// published term). In a sponsor's list (no NCI code) only a coded term has something to agree
/// with: a published term of that code and value in some codelist.
fn disagreements(list: &CodeList, release: &BTreeMap<String, Published>) -> Vec<String> {
    let Some(code) = list.nci else {
        return list
            .terms
            .iter()
            .filter_map(|term| {
                let term_code = term.nci.as_ref()?;
                let published = release
                    .values()
                    .any(|p| p.terms.get(term_code) == Some(&term.value));
                (!published).then(|| {
                    format!(
                        "{} {}: {term_code} is not published with that value",
                        list.oid, term.value
                    )
                })
            })
            .collect();
    };
    let Some(published) = release.get(code) else {
        return vec![format!("{}: no published codelist {code}", list.oid)];
    };
    let mut problems = Vec::new();
    if list.name != published.name {
        problems.push(format!(
            "{}: named '{}', published '{}'",
            list.oid, list.name, published.name
        ));
    }
    if list.extensible != published.extensible {
        problems.push(format!(
            "{}: extensible {}, published {}",
            list.oid, list.extensible, published.extensible
        ));
    }
    let oid = format!("CL.{}", published.short);
    if list.oid != oid && !list.oid.starts_with(&format!("{oid}.")) {
        problems.push(format!("{}: not an OID of {}", list.oid, published.short));
    }
    for term in &list.terms {
        match &term.nci {
            Some(term_code) => match published.terms.get(term_code) {
                Some(value) if *value == term.value => {}
                Some(value) => problems.push(format!(
                    "{} {}: {term_code} is published as '{value}'",
                    list.oid, term.value
                )),
                None => problems.push(format!(
                    "{} {}: {term_code} is not a term of {code}",
                    list.oid, term.value
                )),
            },
            None if !published.extensible => problems.push(format!(
                "{} {}: a sponsor's term in a list that is not extensible",
                list.oid, term.value
            )),
            None => {
                if let Some((term_code, _)) =
                    published.terms.iter().find(|(_, v)| **v == term.value)
                {
                    problems.push(format!(
                        "{} {}: published as {term_code}, written as the sponsor's",
                        list.oid, term.value
                    ));
                }
            }
        }
    }
    problems
}

/// The three shipped protocols: the lenalidomide trial, the thalidomide cohort and the
/// paediatric chart review.
pub(super) fn shipped_protocols() -> [protocol::Protocol; 3] {
    protocol::shipped::SHIPPED
        .map(|(_, text)| protocol::Protocol::from_toml(text).expect("a shipped protocol loads"))
}

/// Every CDISC codelist the export can write: each of `ct`'s, DOMAIN of every domain, and
/// those the SDTM and ADaM define tables of each shipped protocol give their variables
/// (LBTESTCD and LBTEST of each protocol's labs among them).
fn every_cdisc_list() -> Vec<CodeList> {
    let instruments = instruments::questionnaire::Instrument::ALL;
    let domains: Vec<&str> = crate::sdtm::DOMAINS
        .into_iter()
        .filter(|d| !d.starts_with("SUPP"))
        .collect();
    let mut lists = vec![
        ct::sex(),
        ct::no_yes(),
        ct::age_unit(),
        ct::duration_unit(),
        ct::outcome(),
        ct::action_taken(),
        ct::route(),
        ct::dose_unit(),
        ct::frequency(),
        ct::disposition_category(),
        ct::completion(),
        ct::protocol_milestone(),
        ct::criterion_category(),
        ct::not_done(),
        ct::relation_to_reference(),
        ct::domain(&domains).expect("every domain has a code"),
        ct::evaluator(),
        // QSCAT of every instrument (no shipped protocol collects them; the outcomes example
        // does), and QSTESTCD of a study collecting DLQI alone and of one collecting them all.
        ct::questionnaire_category(&instruments.map(crate::sdtm::qs::category)),
        ct::questionnaire_test_code(&dlqi_tests(DLQI_ONLY)),
        ct::questionnaire_test_code(&dlqi_tests(EVERY_INSTRUMENT)),
    ];
    for protocol in shipped_protocols() {
        let sdtm = crate::sdtm::Sdtm::new("T", &assessment_forms())
            .expect("sdtm")
            .with_outcomes(protocol.outcomes())
            .with_labs(protocol.labs())
            .expect("the protocol's labs");
        for table in super::sdtm::tables(&sdtm, "xpt").expect("tables") {
            lists.extend(table.codelists.into_values());
            for values in table.value_lists {
                lists.extend(values.values.into_iter().filter_map(|v| v.codelist));
            }
        }
        // ADaM as the protocol defines response (ADRS and ADTTE only with definitions).
        let definitions = protocol
            .algorithm()
            .map(|algorithm| ResponseDefinitions::of(&algorithm.settings.response));
        let adam = crate::adam::Adam::new("T", protocol.id(), definitions, None).expect("adam");
        for table in super::adam::tables(adam.datasets(), "xpt", false).expect("tables") {
            lists.extend(table.codelists.into_values());
        }
    }
    // Each list with a CDISC code once, however many tables give it.
    let mut seen: Vec<CodeList> = Vec::new();
    lists.retain(|list| {
        let coded = list.nci.is_some() || list.terms.iter().any(|term| term.nci.is_some());
        let first = coded && !seen.contains(list);
        if first {
            seen.push(list.clone());
        }
        first
    });
    lists
}

#[test]
fn every_cdisc_code_the_export_writes_is_published() {
    let release = release();
    let lists = every_cdisc_list();
    let problems: Vec<String> = lists
        .iter()
        .flat_map(|list| disagreements(list, &release))
        .collect();
    assert_eq!(problems, Vec::<String>::new());
    // The check saw every CDISC list `ct` writes.
    let codes: std::collections::BTreeSet<&str> = lists.iter().filter_map(|l| l.nci).collect();
    assert_eq!(codes.len(), 20, "{codes:?}");
}

/// The outcomes sections of a study collecting DLQI alone, and of one collecting every
/// instrument (the example's).
const DLQI_ONLY: &str = "[outcomes.dlqi]";
const EVERY_INSTRUMENT: &str = include_str!("../../../../examples/protocol/outcomes.toml");

/// The QS tests of the trial's protocol with `outcomes` appended.
fn dlqi_tests(outcomes: &str) -> Vec<crate::sdtm::qs::QsTest> {
    let text = format!(
        "{}\n{outcomes}",
        include_str!("../../../../protocols/nct01408199.toml")
    );
    let protocol = protocol::Protocol::from_toml(&text).expect("the outcomes study loads");
    crate::sdtm::qs::tests(protocol.outcomes()).expect("QS tests")
}

/// Every DLQI test QS writes is CDISC's: its code in DLQI1TC and its name in DLQI1TN under the
/// same NCI code, every published test written once (the band has no code and is not a test);
/// a study collecting DLQI alone lists them as CDISC's DLQI1TC, one collecting others too as
/// the sponsor's QSTESTCD with the DLQI terms' codes.
#[test]
fn dlqi_tests_are_cdiscs_codes_and_names() {
    let release = release();
    let (codes, names) = (&release["C119070"], &release["C119069"]);
    let tests = dlqi_tests(DLQI_ONLY);
    let written: Vec<(&str, &str, &str)> = tests
        .iter()
        .map(|t| (t.nci.expect("coded"), t.code.as_str(), t.test.as_str()))
        .collect();
    let published: Vec<(&str, &str, &str)> = codes
        .terms
        .iter()
        .map(|(nci, code)| (nci.as_str(), code.as_str(), names.terms[nci].as_str()))
        .collect();
    let mut sorted = written.clone();
    sorted.sort();
    assert_eq!(sorted, published);
    let list = ct::questionnaire_test_code(&tests);
    assert_eq!(
        (list.oid.as_str(), list.nci),
        ("CL.DLQI1TC", Some("C119070"))
    );
    assert_eq!(disagreements(&list, &release), Vec::<String>::new());
    let mixed = ct::questionnaire_test_code(&dlqi_tests(EVERY_INSTRUMENT));
    assert_eq!((mixed.oid.as_str(), mixed.nci), ("CL.QSTESTCD", None));
    let coded: Vec<&str> = mixed
        .terms
        .iter()
        .filter(|term| term.nci.is_some())
        .map(|term| term.value.as_str())
        .collect();
    assert_eq!(coded.len(), 18, "{coded:?}");
    assert_eq!(disagreements(&mixed, &release), Vec::<String>::new());
}

#[test]
fn disagreements_with_the_release_are_named() {
    let release = release();
    #[track_caller]
    fn check(release: &BTreeMap<String, Published>, list: CodeList, expect: &[&str]) {
        assert_eq!(disagreements(&list, release), expect, "{}", list.oid);
    }
    let coded = |value: &str, code: &str| ct::Term {
        value: value.to_owned(),
        decode: None,
        nci: Some(code.to_owned()),
    };
    check(&release, ct::sex(), &[]);
    // A sponsor's list is its own, but a term it gives a CDISC code must be published so.
    check(
        &release,
        CodeList::sponsor_decoded("AEREL", "Causality", &[("RELATED", "Related")]),
        &[],
    );
    let mut borrowed = CodeList::sponsor("QSTESTCD", "Tests", Vec::new());
    borrowed.terms = vec![coded("DLQI101", "C119163"), coded("DLQI102", "C119163")];
    check(
        &release,
        borrowed,
        &["CL.QSTESTCD DLQI102: C119163 is not published with that value"],
    );
    let mut unpublished = ct::sex();
    unpublished.nci = Some("C99999");
    check(
        &release,
        unpublished,
        &["CL.SEX: no published codelist C99999"],
    );
    let mut renamed = ct::sex();
    renamed.name = "Sex of Subject".to_owned();
    check(
        &release,
        renamed,
        &["CL.SEX: named 'Sex of Subject', published 'Sex'"],
    );
    let mut opened = ct::sex();
    opened.extensible = true;
    check(
        &release,
        opened,
        &["CL.SEX: extensible true, published false"],
    );
    // A subset keeps the short name as its OID's first part.
    check(&release, ct::duration_unit(), &[]);
    let mut elsewhere = ct::sex();
    elsewhere.oid = "CL.SEXES".to_owned();
    check(&release, elsewhere, &["CL.SEXES: not an OID of SEX"]);
    // A term's code must be the published code of that value, in that list.
    let mut swapped = ct::sex();
    swapped.terms = vec![coded("F", "C20197")];
    check(&release, swapped, &["CL.SEX F: C20197 is published as 'M'"]);
    let mut foreign = ct::sex();
    foreign.terms = vec![coded("F", "C49487")];
    check(
        &release,
        foreign,
        &["CL.SEX F: C49487 is not a term of C66731"],
    );
    // The sponsor extends an extensible list with a value CDISC does not publish, only.
    let mut not_extensible = ct::sex();
    not_extensible.extensible = true;
    not_extensible.extend("X", None).expect("marked extensible");
    not_extensible.extensible = false;
    check(
        &release,
        not_extensible,
        &["CL.SEX X: a sponsor's term in a list that is not extensible"],
    );
    let mut extended = ct::completion();
    extended
        .extend("SPONSOR DECISION", None)
        .expect("extensible");
    check(&release, extended, &[]);
    let mut synonym = ct::completion();
    synonym.extend("RECOVERY", None).expect("extensible");
    check(
        &release,
        synonym,
        &["CL.NCOMPLT RECOVERY: published as C25746, written as the sponsor's"],
    );
}

#[test]
fn qscat_codes_dlqi_as_cdisc_publishes_it_and_extends_for_the_rest() {
    let list = ct::questionnaire_category(&["DLQI", "SKINDEX-29+3", "CLA-IGA-R"]);
    let terms: Vec<(&str, Option<&str>)> = list
        .terms
        .iter()
        .map(|t| (t.value.as_str(), t.nci.as_deref()))
        .collect();
    assert_eq!(
        terms,
        [
            ("DLQI", Some("C119102")),
            ("SKINDEX-29+3", None),
            ("CLA-IGA-R", None)
        ]
    );
    assert_eq!(disagreements(&list, &release()), Vec::<String>::new());
}

#[test]
fn only_an_extensible_list_takes_a_sponsors_term() {
    let mut sex = ct::sex();
    assert_eq!(
        sex.extend("X", None).map_err(|e| e.to_string()),
        Err("codelist CL.SEX is not extensible: 'X' cannot be added to it".to_owned())
    );
    let mut route = ct::route();
    let before = route.terms.len();
    route
        .extend("SPONSOR ROUTE", Some("a sponsor's"))
        .expect("ROUTE is extensible");
    assert_eq!(route.terms.len(), before + 1);
    let added = route.terms.last().expect("added");
    assert_eq!(
        (added.value.as_str(), added.decode.as_deref(), &added.nci),
        ("SPONSOR ROUTE", Some("a sponsor's"), &None)
    );
}
