//! Table tests of the ADaM description: each dataset's class, structure, keys and required
//! variables, and each variable's codelist, on the datasets `crate::adam` builds with and
//! without response definitions.

use protocol::endpoint::ResponseDefinitions;

use super::*;
use crate::adam::Adam;
use crate::dataset::Variable;

fn datasets(responds: bool) -> Vec<Dataset> {
    let definitions = responds.then_some(ResponseDefinitions {
        complete_max_activity: 0.0,
        partial_min_improvement_percent: 50.0,
        partial_by_week: 12,
        relapse_min_activity: 4.0,
    });
    Adam::new("LENA-CLE", "nct01408199", definitions, None)
        .expect("ADaM")
        .datasets()
        .to_vec()
}

fn table(name: &str) -> Table {
    tables(&datasets(true), "xpt", false)
        .expect("tables")
        .into_iter()
        .find(|table| table.dataset.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn each_dataset_has_its_class_structure_keys_and_required_variables() {
    #[track_caller]
    fn check(
        name: &str,
        class: (Class, Option<SubClass>),
        structure: &str,
        keys: &[&str],
        mandatory: &[&str],
    ) {
        let table = table(name);
        assert_eq!((table.class, table.subclass), class, "{name}");
        assert_eq!(table.structure, structure, "{name}");
        assert_eq!(table.dataset.keys, keys, "{name}");
        assert_eq!(table.mandatory, mandatory, "{name}");
        assert_eq!(table.file, format!("{}.xpt", name.to_lowercase()));
    }
    check(
        "ADSL",
        (Class::SubjectLevelAnalysis, None),
        "One record per subject",
        &["STUDYID", "USUBJID"],
        &[
            "STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "ARM", "ACTARM",
            "TRT01P",
        ],
    );
    check(
        "ADRS",
        (Class::BasicDataStructure, None),
        "One record per subject per parameter per analysis visit",
        &["STUDYID", "USUBJID", "PARAMCD", "AVISITN"],
        &["STUDYID", "USUBJID", "PARAMCD", "PARAM"],
    );
    check(
        "ADTTE",
        (Class::BasicDataStructure, Some(SubClass::TimeToEvent)),
        "One record per subject per parameter",
        &["STUDYID", "USUBJID", "PARAMCD"],
        &["STUDYID", "USUBJID", "PARAMCD", "PARAM", "CNSR"],
    );
    check(
        "ADAE",
        (Class::OccurrenceDataStructure, Some(SubClass::AdverseEvent)),
        "One record per adverse event per subject",
        &["STUDYID", "USUBJID", "AESEQ"],
        &["STUDYID", "USUBJID", "AETERM", "AEDECOD"],
    );
}

/// The paediatric chart review defines no response: ADSL and ADAE only, described alike.
#[test]
fn without_response_definitions_adsl_and_adae_are_described() {
    let tables = tables(&datasets(false), "json", false).expect("tables");
    let names: Vec<&str> = tables.iter().map(|t| t.dataset.name.as_str()).collect();
    assert_eq!(names, ["ADSL", "ADAE"]);
    assert_eq!(tables[0].file, "adsl.json");
    assert!(!tables[0].codelists.contains_key("BESTRSP"));
}

#[test]
fn variables_have_cdisc_codelists_where_cdisc_has_one_else_the_sponsors() {
    /// (dataset, variable, codelist OID and NCI code; `None`: no codelist).
    #[track_caller]
    fn check(dataset: &str, variable: &str, expect: Option<(&str, Option<&str>)>) {
        let table = table(dataset);
        assert!(table.dataset.position(variable).is_some(), "{variable}");
        let found = table
            .codelists
            .get(variable)
            .map(|list| (list.oid.as_str(), list.nci));
        assert_eq!(found, expect, "{dataset}.{variable}");
    }
    check("ADSL", "SEX", Some(("CL.SEX", Some("C66731"))));
    check("ADSL", "AGEU", Some(("CL.AGEU", Some("C66781"))));
    check("ADSL", "SAFFL", Some(("CL.NY", Some("C66742"))));
    check("ADSL", "EFFFL", Some(("CL.NY", Some("C66742"))));
    check("ADSL", "DCSREAS", Some(("CL.NCOMPLT", Some("C66727"))));
    check("ADSL", "EOSSTT", Some(("CL.EOSSTT", None)));
    check("ADSL", "SUBTYPGR", Some(("CL.SUBTYPGR", None)));
    check("ADSL", "BESTRSP", Some(("CL.RESPONSE", None)));
    check("ADSL", "CLESUBTY", None);
    check("ADSL", "AGE", None);
    check("ADRS", "PARAMCD", Some(("CL.PARAMCD.ADRS", None)));
    check("ADRS", "PARAM", Some(("CL.PARAM.ADRS", None)));
    check("ADRS", "AVALC", Some(("CL.RESPONSE", None)));
    check("ADRS", "ABLFL", Some(("CL.NY", Some("C66742"))));
    check("ADRS", "AVAL", None);
    check("ADTTE", "PARAMCD", Some(("CL.PARAMCD.ADTTE", None)));
    check("ADTTE", "AVALU", Some(("CL.UNIT.DURATION", Some("C71620"))));
    check("ADTTE", "EVNTDESC", Some(("CL.EVNTDESC", None)));
    check("ADTTE", "CNSR", None);
    check("ADAE", "AESER", Some(("CL.NY", Some("C66742"))));
    check("ADAE", "AEOUT", Some(("CL.OUT", Some("C66768"))));
    check("ADAE", "AEACN", Some(("CL.ACN", Some("C66767"))));
    check("ADAE", "AEREL", Some(("CL.AEREL", None)));
    check("ADAE", "TRTEMFL", Some(("CL.NY", Some("C66742"))));
    check("ADAE", "AEDECOD", None);
}

/// PARAMCD decodes to PARAM, one to one, with the values the rows write.
#[test]
fn parameter_codes_decode_to_their_parameters() {
    for (dataset, expect) in [
        (
            "ADRS",
            &[
                ("CLASIA", "CLASI Activity Score"),
                ("RESP", "CLASI Response at Visit"),
                ("BESTRESP", "Best Overall CLASI Response"),
            ][..],
        ),
        (
            "ADTTE",
            &[
                ("TTCR", "Time to Complete Response (Days)"),
                ("TTRELAP", "Time to Relapse After Complete Resp (Days)"),
            ][..],
        ),
    ] {
        let table = table(dataset);
        let paramcd: Vec<(&str, Option<&str>)> = table.codelists["PARAMCD"]
            .terms
            .iter()
            .map(|t| (t.value.as_str(), t.decode.as_deref()))
            .collect();
        let expected: Vec<(&str, Option<&str>)> = expect
            .iter()
            .map(|(code, param)| (*code, Some(*param)))
            .collect();
        assert_eq!(paramcd, expected, "{dataset}");
        let params: Vec<&str> = table.codelists["PARAM"].values().collect();
        let expected: Vec<&str> = expect.iter().map(|(_, param)| *param).collect();
        assert_eq!(params, expected, "{dataset}");
    }
    let adrs = table("ADRS");
    let responses: Vec<&str> = adrs.codelists["AVALC"].values().collect();
    assert_eq!(responses, ["CR", "PR", "NR", "WITHDRAWN", "NE"]);
}

#[test]
fn a_dataset_it_cannot_describe_is_refused() {
    #[track_caller]
    fn check(dataset: Dataset, needle: &str) {
        let error = tables(&[dataset], "xpt", false).expect_err("refused");
        assert!(error.to_string().contains(needle), "{error} lacks {needle}");
    }
    let text = |name: &str| Variable::text(name, "", 8);
    check(
        Dataset::new("ADLB", "Lab", vec![text("STUDYID"), text("USUBJID")]).expect("ADLB"),
        "ADLB: has no ADaMIG class",
    );
    check(
        Dataset::new("ADTTE", "TTE", vec![text("STUDYID"), text("USUBJID")]).expect("ADTTE"),
        "lacks PARAMCD, which ADaMIG v1.3 requires",
    );
    // Every required variable there: described.
    let adtte = Dataset::new(
        "ADTTE",
        "TTE",
        ["STUDYID", "USUBJID", "PARAMCD", "PARAM", "CNSR"]
            .map(text)
            .to_vec(),
    )
    .expect("ADTTE");
    assert!(tables(&[adtte], "xpt", false).is_ok());
}

/// With the CLASI-50/70 responders (a study with `[outcomes]`), ADRS's PARAMCD lists CLASI50
/// and CLASI70 after the three parameters, AVALC's list adds Y and N beside the responses, and
/// AVALC's method says how they are derived; without, neither (the shipped protocols' define.xml
/// is unchanged) and ADSL.BESTRSP keeps the responses alone either way.
#[test]
fn the_responder_parameters_are_described_only_with_outcomes() {
    use instruments::clasi::ClasiResponse;
    let definitions = ResponseDefinitions {
        complete_max_activity: 0.0,
        partial_min_improvement_percent: 50.0,
        partial_by_week: 12,
        relapse_min_activity: 4.0,
    };
    for responders in [false, true] {
        let adam = Adam::new(
            "LENA-CLE",
            "nct01408199",
            Some(definitions.clone()),
            responders.then_some(crate::adam::adrs::Responders {
                clasi_50: ClasiResponse::CLASI_50,
                clasi_70: ClasiResponse::CLASI_70,
            }),
        )
        .expect("ADaM");
        let tables = tables(adam.datasets(), "xpt", adam.responders().is_some()).expect("tables");
        let adrs = tables
            .iter()
            .find(|t| t.dataset.name == "ADRS")
            .expect("ADRS");
        let values = |variable: &str| -> Vec<String> {
            adrs.codelists[variable]
                .terms
                .iter()
                .map(|t| t.value.clone())
                .collect()
        };
        let mut paramcd = vec!["CLASIA", "RESP", "BESTRESP"];
        let mut avalc = vec!["CR", "PR", "NR", "WITHDRAWN", "NE"];
        if responders {
            paramcd.extend(["CLASI50", "CLASI70"]);
            avalc.extend(["Y", "N"]);
        }
        assert_eq!(values("PARAMCD"), paramcd, "{responders}");
        let mut got = values("AVALC");
        got.sort();
        avalc.sort();
        assert_eq!(got, avalc, "{responders}");
        let method =
            match &adrs.dataset.variables[adrs.dataset.position("AVALC").expect("AVALC")].origin {
                crate::dataset::Origin::Derived(method) => method.clone(),
                other => panic!("{other:?}"),
            };
        assert_eq!(
            method.contains("CLASI50, CLASI70: Y when CLASIA fell from BASE by at least 50% / 70%"),
            responders,
            "{method}"
        );
        let adsl = tables
            .iter()
            .find(|t| t.dataset.name == "ADSL")
            .expect("ADSL");
        assert!(
            !adsl.codelists["BESTRSP"]
                .terms
                .iter()
                .any(|t| t.value == "Y")
        );
    }
}
