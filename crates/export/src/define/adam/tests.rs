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
    Adam::new("LENA-CLE", "nct01408199", definitions)
        .expect("ADaM")
        .datasets()
        .to_vec()
}

fn table(name: &str) -> Table {
    tables(&datasets(true), "xpt")
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
    let tables = tables(&datasets(false), "json").expect("tables");
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
        let error = tables(&[dataset], "xpt").expect_err("refused");
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
    assert!(tables(&[adtte], "xpt").is_ok());
}
