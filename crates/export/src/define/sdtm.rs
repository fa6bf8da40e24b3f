//! The SDTMIG 3.4 description of the SDTM domains `crate::sdtm` writes: each domain's class,
//! structure, required variables, each variable's role (SDTMIG 3.4 domain specifications, "Core" = Req), the
//! codelist of each variable with one, and the value-level metadata of the CLASI and SLEDAI-2K
//! results in RS; QS's codelists are the study's outcome instruments (`sdtm::qs`).

use std::collections::BTreeMap;

use super::{Class, CodeList, DataType, Table, ValueDef, ValueList, ct};
use crate::ExportError;
use crate::arms::ArmName;
use crate::dataset::Origin;
use crate::sdtm::lb::LbTest;
use crate::sdtm::qs::QsTest;
use crate::sdtm::{RsResult, RsTest, Sdtm, rs_tests};

/// (class, structure, the domain's own required variables besides STUDYID, DOMAIN, USUBJID and
/// `--SEQ`) of a domain, after its SDTMIG 3.4 specification.
fn domain(name: &str) -> Option<(Class, &'static str, &'static [&'static str])> {
    Some(match name {
        "DM" => (
            Class::SpecialPurpose,
            "One record per subject",
            &["SUBJID", "SITEID", "SEX"],
        ),
        "SV" => (
            Class::SpecialPurpose,
            "One record per subject per actual visit",
            &["VISITNUM"],
        ),
        "EX" => (
            Class::Interventions,
            "One record per dose period (constant regimen) per subject",
            &["EXTRT"],
        ),
        "AE" => (
            Class::Events,
            "One record per adverse event per subject",
            &["AETERM", "AEDECOD"],
        ),
        "LB" => (
            Class::Findings,
            "One record per lab test per specimen per subject",
            &["LBTESTCD", "LBTEST"],
        ),
        "RS" => (
            Class::Findings,
            "One record per assessment item or total per assessment per subject",
            &["RSTESTCD", "RSTEST"],
        ),
        "DS" => (
            Class::Events,
            "One record per disposition status, protocol milestone or other event per subject",
            &["DSTERM", "DSDECOD"],
        ),
        "IE" => (
            Class::Findings,
            "One record per inclusion/exclusion criterion not met per subject",
            &["IETESTCD", "IETEST", "IECAT", "IEORRES", "IESTRESC"],
        ),
        "DV" => (
            Class::Events,
            "One record per protocol deviation per subject",
            &["DVTERM"],
        ),
        "CM" => (
            Class::Interventions,
            "One record per recorded medication per subject",
            &["CMTRT"],
        ),
        // SDTMIG 3.4 section 6.3, QS.
        "QS" => (
            Class::Findings,
            "One record per questionnaire item or derived score per completed instrument per subject",
            &["QSTESTCD", "QSTEST", "QSCAT"],
        ),
        _ if name.starts_with("SUPP") => (
            Class::Relationship,
            "One record per supplemental qualifier per related parent record",
            &["RDOMAIN", "QNAM", "QLABEL", "QVAL", "QORIG"],
        ),
        _ => return None,
    })
}

/// The role of an SDTM variable (SDTMIG 3.4 domain specifications, "Role" column; SDTM v2.0
/// section 2.1: identifiers, topic, timing and the five kinds of qualifier), or `None` for a
/// variable this table does not know, which `tables` refuses.
pub(super) fn role(domain: &str, variable: &str) -> Option<&'static str> {
    const IDENTIFIER: &str = "Identifier";
    const TOPIC: &str = "Topic";
    const TIMING: &str = "Timing";
    const GROUPING: &str = "Grouping Qualifier";
    const RESULT: &str = "Result Qualifier";
    const SYNONYM: &str = "Synonym Qualifier";
    const RECORD: &str = "Record Qualifier";
    const VARIABLE: &str = "Variable Qualifier";
    // The variable without its domain prefix (AESTDTC: --STDTC).
    let stem = variable.strip_prefix(domain).unwrap_or(variable);
    if domain.starts_with("SUPP") {
        // SDTMIG 3.4 section 8.4.1, the SUPP-- dataset.
        return Some(match variable {
            "STUDYID" | "RDOMAIN" | "USUBJID" | "IDVAR" | "IDVARVAL" => IDENTIFIER,
            "QNAM" => TOPIC,
            "QLABEL" => SYNONYM,
            "QVAL" => RESULT,
            "QORIG" | "QEVAL" => RECORD,
            _ => return None,
        });
    }
    match variable {
        "STUDYID" | "DOMAIN" | "USUBJID" => return Some(IDENTIFIER),
        "VISITNUM" if domain == "SV" => return Some(TOPIC),
        "VISIT" if domain == "SV" => return Some(SYNONYM),
        "VISITNUM" | "VISIT" => return Some(TIMING),
        _ => {}
    }
    if domain == "DM" {
        // SDTMIG 3.4 DM: the subject is the topic; the rest describe the subject's record.
        return Some(match variable {
            "SUBJID" => TOPIC,
            "AGEU" => VARIABLE,
            "ARM" | "ACTARM" => SYNONYM,
            "RFSTDTC" | "RFENDTC" | "RFXSTDTC" | "RFXENDTC" | "RFICDTC" | "SITEID" | "BRTHDTC"
            | "AGE" | "SEX" | "ARMCD" | "ACTARMCD" => RECORD,
            _ => return None,
        });
    }
    Some(match stem {
        "SEQ" => IDENTIFIER,
        // The topic of each general-observation domain.
        "TRT" | "TERM" | "TESTCD" => TOPIC,
        "TEST" | "DECOD" => SYNONYM,
        "CAT" => GROUPING,
        "ORRES" | "STRESC" | "STRESN" => RESULT,
        "ORRESU" | "ORNRLO" | "ORNRHI" | "STRESU" | "DOSU" | "LLTCD" | "CLASCD" => VARIABLE,
        "DTC" | "STDTC" | "ENDTC" | "DY" | "STDY" | "ENDY" | "EVLINT" | "ENRTPT" | "ENTPT" => {
            TIMING
        }
        "BODSYS" | "SER" | "REL" | "ACN" | "OUT" | "TOXGR" | "STAT" | "DRVFL" | "DOSE"
        | "DOSFRQ" | "ROUTE" | "INDC" | "REASND" | "EVAL" => RECORD,
        _ => return None,
    })
}

/// The codelist of an SDTM variable, or `None` when it has none. `rs` are the RS tests the
/// forms define, `labs` LB's tests; `domains` the domains written.
pub(super) fn codelist(
    variable: &str,
    rs: &[RsTest],
    qs: &[QsTest],
    labs: &[LbTest],
    arms: &[ArmName],
    domains: &[&str],
) -> Result<Option<CodeList>, ExportError> {
    let sponsor = CodeList::sponsor_decoded;
    Ok(Some(match variable {
        "SEX" => ct::sex(),
        "AGEU" => ct::age_unit(),
        "AESER" | "IEORRES" | "IESTRESC" | "RSDRVFL" | "QSDRVFL" => ct::no_yes(),
        "AEOUT" => ct::outcome(),
        "AEACN" => ct::action_taken(),
        "EXROUTE" | "CMROUTE" => ct::route(),
        "EXDOSU" | "CMDOSU" => ct::dose_unit(),
        "EXDOSFRQ" | "CMDOSFRQ" => ct::frequency(),
        "DSCAT" => ct::disposition_category(),
        "IECAT" => ct::criterion_category(),
        "LBSTAT" | "RSSTAT" | "QSSTAT" => ct::not_done(),
        "CMENRTPT" => ct::relation_to_reference(),
        // A study without labs writes an empty LB and lists no terms (Define-XML refuses a
        // codelist without one).
        "LBTESTCD" | "LBTEST" if labs.is_empty() => return Ok(None),
        "LBTESTCD" => ct::lab_test_code(labs),
        "LBTEST" => ct::lab_test_name(labs),
        "DOMAIN" | "RDOMAIN" => {
            let parents: Vec<&str> = domains
                .iter()
                .copied()
                .filter(|d| !d.starts_with("SUPP"))
                .collect();
            ct::domain(&parents)
                .map_err(|problem| ExportError::invalid("DOMAIN codelist", problem))?
        }
        // Sponsor-defined: CDISC has no codelists for these.
        "ARMCD" | "ACTARMCD" => {
            let arms: Vec<(&str, &str)> = arms
                .iter()
                .map(|(code, label)| (code.as_str(), label.as_str()))
                .collect();
            sponsor("ARMCD", "Arm Code", &arms)
        }
        "AEREL" => sponsor(
            "AEREL",
            "Causality",
            &[
                ("NOT RELATED", "Not related to the study drug"),
                ("UNLIKELY RELATED", "Unlikely related"),
                ("POSSIBLY RELATED", "Possibly related"),
                ("PROBABLY RELATED", "Probably related"),
                ("DEFINITELY RELATED", "Definitely related"),
            ],
        ),
        "DVCAT" => sponsor(
            "DVCAT",
            "Category for Protocol Deviation",
            &[("MAJOR", "Major deviation"), ("MINOR", "Minor deviation")],
        ),
        "RSCAT" => {
            let mut categories: Vec<&str> = rs.iter().map(|test| test.category).collect();
            categories.dedup();
            CodeList::sponsor(
                "RSCAT",
                "Category for Assessment",
                categories
                    .into_iter()
                    .map(|c| (c.to_owned(), None))
                    .collect(),
            )
        }
        "RSTESTCD" => CodeList::sponsor(
            "RSTESTCD",
            "CLASI and SLEDAI-2K Test Code",
            rs.iter()
                .map(|test| (test.code.clone(), Some(test.test.clone())))
                .collect(),
        ),
        // A study that collects no instrument has an empty QS and lists no terms (Define-XML
        // refuses a codelist without one).
        "QSCAT" | "QSTESTCD" if qs.is_empty() => return Ok(None),
        // The instruments the study collects: CDISC's QSCAT term where CDISC publishes the
        // instrument (DLQI), else the sponsor's extension.
        "QSCAT" => {
            let mut categories: Vec<&str> = qs.iter().map(|test| test.category).collect();
            categories.dedup();
            ct::questionnaire_category(&categories)
        }
        // The items and scores of each instrument: CDISC's DLQI tests carry their NCI codes.
        "QSTESTCD" => ct::questionnaire_test_code(qs),
        "QSEVAL" => ct::evaluator(),
        _ => return Ok(None),
    }))
}

/// The value-level metadata of RS: RSORRES of every test (its type, and for a total its
/// derivation), and RSSTRESN of every scored test (a yes/no answer has none).
fn rs_value_lists(rs: &[RsTest]) -> Vec<ValueList> {
    let origin = |test: &RsTest| match test.method {
        Some(method) => Origin::Derived(method.to_owned()),
        None => Origin::Collected,
    };
    let original = rs
        .iter()
        .map(|test| {
            let (data_type, codelist) = match (test.result, test.missing) {
                // A missing code (NOT APPLICABLE, UNKNOWN) may stand in the result.
                (_, true) => (DataType::Text(20), None),
                (RsResult::Score, false) => (DataType::Integer, None),
                (RsResult::YesNo, false) => (DataType::Text(1), Some(ct::no_yes())),
            };
            ValueDef {
                when: test.code.clone(),
                label: format!("{} result", test.test),
                data_type,
                origin: origin(test),
                codelist,
            }
        })
        .collect();
    let numeric = rs
        .iter()
        .filter(|test| test.result == RsResult::Score)
        .map(|test| ValueDef {
            when: test.code.clone(),
            label: format!("{} score", test.test),
            data_type: DataType::Integer,
            origin: Origin::Derived(match test.method {
                Some(method) => method.to_owned(),
                None => "RSORRES as a number".to_owned(),
            }),
            codelist: None,
        })
        .collect();
    vec![
        ValueList {
            variable: "RSORRES".into(),
            by: "RSTESTCD".into(),
            values: original,
        },
        ValueList {
            variable: "RSSTRESN".into(),
            by: "RSTESTCD".into(),
            values: numeric,
        },
    ]
}

/// The events DS records besides dispositions and consent (store `protocol_event.event`), as
/// DSDECOD writes them.
const OTHER_EVENTS: [&str; 5] = [
    "PREGNANCY",
    "CONSENT WITHDRAWN",
    "PHYSICIAN DECISION",
    "LIFE THREATENING",
    "CONCOMITANT CHANGE",
];

/// The value-level metadata of DS: DSDECOD's terms by DSCAT (SDTMIG 3.4 DS assumptions): a
/// disposition event from NCOMPLT, a protocol milestone from PROTMLST, another event from the
/// sponsor's list of the events the protocol's rules read.
fn ds_value_lists() -> Vec<ValueList> {
    let value = |when: &str, label: &str, origin: Origin, codelist: CodeList| ValueDef {
        when: when.to_owned(),
        label: label.to_owned(),
        data_type: DataType::Text(40),
        origin,
        codelist: Some(codelist),
    };
    vec![ValueList {
        variable: "DSDECOD".into(),
        by: "DSCAT".into(),
        values: vec![
            value(
                "DISPOSITION EVENT",
                "How participation ended",
                Origin::Collected,
                ct::completion(),
            ),
            value(
                "PROTOCOL MILESTONE",
                "Protocol milestone",
                Origin::Assigned,
                ct::protocol_milestone(),
            ),
            value(
                "OTHER EVENT",
                "Event the protocol's rules read",
                Origin::Collected,
                CodeList::sponsor(
                    "DSDECOD.OTHER",
                    "Other Event",
                    OTHER_EVENTS
                        .iter()
                        .map(|event| ((*event).to_owned(), None))
                        .collect(),
                ),
            ),
        ],
    }]
}

/// The SDTM domains `sdtm` writes as Define-XML tables, their files named
/// `<domain>.<extension>` (`dm.xpt`): its forms define the RS tests, its protocol's outcomes the
/// QS tests, its protocol's labs the LB tests and its allocation the arm codes. An error names a domain this module cannot
/// describe.
pub fn tables(sdtm: &Sdtm, extension: &str) -> Result<Vec<Table>, ExportError> {
    let datasets = sdtm.datasets();
    let rs = rs_tests(sdtm.forms())?;
    let qs = crate::sdtm::qs::tests(sdtm.outcomes())?;
    let arms = sdtm.allocation().codes();
    let names: Vec<&str> = datasets.iter().map(|d| d.name.as_str()).collect();
    datasets
        .iter()
        .map(|dataset| {
            let (class, structure, required) = domain(&dataset.name).ok_or_else(|| {
                ExportError::invalid(
                    format!("dataset {}", dataset.name),
                    "has no SDTMIG class and structure",
                )
            })?;
            let seq = format!("{}SEQ", dataset.name);
            let mandatory = ["STUDYID", "DOMAIN", "USUBJID", seq.as_str()]
                .into_iter()
                .chain(required.iter().copied())
                .filter(|name| dataset.position(name).is_some())
                .map(String::from)
                .collect();
            let mut codelists = BTreeMap::new();
            let mut roles = BTreeMap::new();
            for variable in &dataset.variables {
                let role = role(&dataset.name, &variable.name).ok_or_else(|| {
                    ExportError::invalid(
                        format!("variable {}.{}", dataset.name, variable.name),
                        "has no SDTMIG 3.4 role",
                    )
                })?;
                roles.insert(variable.name.clone(), role);
                if let Some(list) =
                    codelist(&variable.name, &rs, &qs, sdtm.lab_tests(), &arms, &names)?
                {
                    codelists.insert(variable.name.clone(), list);
                }
            }
            let value_lists = match dataset.name.as_str() {
                "RS" if !rs.is_empty() => rs_value_lists(&rs),
                "DS" => ds_value_lists(),
                _ => Vec::new(),
            };
            Ok(Table {
                dataset: dataset.clone(),
                class,
                subclass: None,
                structure: structure.to_owned(),
                mandatory,
                file: format!("{}.{extension}", dataset.name.to_lowercase()),
                codelists,
                value_lists,
                roles,
            })
        })
        .collect()
}
