//! Codelists: CDISC controlled terminology with the NCI codes of each codelist and term, as
//! published in the NCI EVS "SDTM Terminology" file of release [`super::CT_VERSION`], and the
//! sponsor's own lists where CDISC has none (Define-XML 2.1 `CodeList`; an NCI code is an
//! `Alias` with `Context="nci:ExtCodeID"`).

use instruments::medication::{DoseUnit, Frequency, Route};
use instruments::questionnaire::Instrument;

use crate::sdtm::lb::LbTest;
use crate::sdtm::qs::QsTest;

/// A codelist: CDISC's when `nci` holds its code, else the sponsor's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeList {
    pub oid: String,
    pub name: String,
    /// The codelist's NCI code (`C66731`); `None` for a sponsor-defined list.
    pub nci: Option<&'static str>,
    /// Whether the sponsor may add terms: as CDISC publishes it ("Codelist Extensible") for a
    /// CDISC list; always for the sponsor's own.
    pub extensible: bool,
    pub terms: Vec<Term>,
}

/// A term added to a CDISC codelist that CDISC publishes as not extensible.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("codelist {list} is not extensible: '{value}' cannot be added to it")]
pub struct NotExtensible {
    pub list: String,
    pub value: String,
}

/// One permitted value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The submission value.
    pub value: String,
    /// What the value means, where the value alone does not say (`RSTESTCD` codes).
    pub decode: Option<String>,
    /// The term's NCI code; `None` in a CDISC list marks a sponsor's extension
    /// (`def:ExtendedValue="Yes"`).
    pub nci: Option<String>,
}

impl CodeList {
    /// A CDISC codelist of (submission value, NCI code) terms, `extensible` as published.
    fn cdisc(
        short: &str,
        name: &str,
        nci: &'static str,
        extensible: bool,
        terms: &[(&str, &str)],
    ) -> CodeList {
        CodeList {
            oid: format!("CL.{short}"),
            name: name.to_owned(),
            nci: Some(nci),
            extensible,
            terms: terms
                .iter()
                .map(|(value, code)| Term {
                    value: (*value).to_owned(),
                    decode: None,
                    nci: Some((*code).to_owned()),
                })
                .collect(),
        }
    }

    /// A sponsor-defined codelist of (value, decode) terms.
    pub fn sponsor(short: &str, name: &str, terms: Vec<(String, Option<String>)>) -> CodeList {
        CodeList {
            oid: format!("CL.{short}"),
            name: name.to_owned(),
            nci: None,
            extensible: true,
            terms: terms
                .into_iter()
                .map(|(value, decode)| Term {
                    value,
                    decode,
                    nci: None,
                })
                .collect(),
        }
    }

    /// A sponsor-defined list of (value, decode) terms.
    pub fn sponsor_decoded(short: &str, name: &str, terms: &[(&str, &str)]) -> CodeList {
        CodeList::sponsor(
            short,
            name,
            terms
                .iter()
                .map(|(value, decode)| ((*value).to_owned(), Some((*decode).to_owned())))
                .collect(),
        )
    }

    /// Adds a term of the sponsor's (no NCI code; in a CDISC list, `def:ExtendedValue="Yes"`):
    /// refused for a CDISC list CDISC publishes as not extensible.
    pub fn extend(&mut self, value: &str, decode: Option<&str>) -> Result<(), NotExtensible> {
        if !self.extensible {
            return Err(NotExtensible {
                list: self.oid.clone(),
                value: value.to_owned(),
            });
        }
        self.terms.push(Term {
            value: value.to_owned(),
            decode: decode.map(str::to_owned),
            nci: None,
        });
        Ok(())
    }

    /// The values, in order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|term| term.value.as_str())
    }
}

/// SEX (C66731): the three values the record takes.
pub fn sex() -> CodeList {
    CodeList::cdisc(
        "SEX",
        "Sex",
        "C66731",
        false,
        &[("F", "C16576"), ("M", "C20197"), ("U", "C17998")],
    )
}

/// NY (C66742): yes, no, and unknown (an eligibility criterion the engine could not decide).
pub fn no_yes() -> CodeList {
    CodeList::cdisc(
        "NY",
        "No Yes Response",
        "C66742",
        false,
        &[("N", "C49487"), ("Y", "C49488"), ("U", "C17998")],
    )
}

/// AGEU (C66781): ages are whole years.
pub fn age_unit() -> CodeList {
    CodeList::cdisc("AGEU", "Age Unit", "C66781", false, &[("YEARS", "C29848")])
}

/// UNIT (C71620) of a duration: ADTTE's times are in days. Its own OID, as the list of dose
/// units is also UNIT; CDISC's name, as both are subsets of the one published list.
pub fn duration_unit() -> CodeList {
    let mut list = CodeList::cdisc("UNIT", "Unit", "C71620", true, &[("DAYS", "C25301")]);
    list.oid = "CL.UNIT.DURATION".to_owned();
    list
}

/// OUT (C66768): the outcomes an adverse event records.
pub fn outcome() -> CodeList {
    CodeList::cdisc(
        "OUT",
        "Outcome of Event",
        "C66768",
        false,
        &[
            ("RECOVERED/RESOLVED", "C49498"),
            ("RECOVERING/RESOLVING", "C49496"),
            ("NOT RECOVERED/NOT RESOLVED", "C49494"),
            ("RECOVERED/RESOLVED WITH SEQUELAE", "C49495"),
            ("FATAL", "C48275"),
            ("UNKNOWN", "C17998"),
        ],
    )
}

/// ACN (C66767): the action taken with the study drug.
pub fn action_taken() -> CodeList {
    CodeList::cdisc(
        "ACN",
        "Action Taken with Study Treatment",
        "C66767",
        false,
        &[
            ("DOSE NOT CHANGED", "C49504"),
            ("DOSE REDUCED", "C49505"),
            ("DOSE INCREASED", "C49503"),
            ("DRUG INTERRUPTED", "C49501"),
            ("DRUG WITHDRAWN", "C49502"),
            ("NOT APPLICABLE", "C48660"),
            ("UNKNOWN", "C17998"),
        ],
    )
}

/// The NCI code of a route of administration (ROUTE, C66729).
fn route_code(route: Route) -> &'static str {
    match route {
        Route::Oral => "C38288",
        Route::Topical => "C38304",
        Route::Intralesional => "C38250",
        Route::Subcutaneous => "C38299",
        Route::Intramuscular => "C28161",
        Route::Intravenous => "C38276",
    }
}

/// ROUTE (C66729): every route the medication vocabulary records.
pub fn route() -> CodeList {
    let terms: Vec<_> = Route::ALL
        .iter()
        .map(|route| (route.code(), route_code(*route)))
        .collect();
    CodeList::cdisc(
        "ROUTE",
        "Route of Administration Response",
        "C66729",
        true,
        &terms,
    )
}

/// The NCI code of a dose unit (UNIT, C71620).
fn unit_code(unit: DoseUnit) -> &'static str {
    match unit {
        DoseUnit::Milligram => "C28253",
        DoseUnit::Gram => "C48155",
        DoseUnit::Microgram => "C48152",
    }
}

/// UNIT (C71620): the dose units a regimen or medication records.
pub fn dose_unit() -> CodeList {
    let terms: Vec<_> = DoseUnit::ALL
        .iter()
        .map(|unit| (unit.code(), unit_code(*unit)))
        .collect();
    CodeList::cdisc("UNIT", "Unit", "C71620", true, &terms)
}

/// FREQ (C71113): every dosing frequency the medication vocabulary records, with the NCI codes
/// it keeps beside them.
pub fn frequency() -> CodeList {
    let terms: Vec<_> = Frequency::ALL
        .iter()
        .map(|frequency| (frequency.code(), frequency.nci_code()))
        .collect();
    CodeList::cdisc("FREQ", "Frequency", "C71113", true, &terms)
}

/// DSCAT (C74558).
pub fn disposition_category() -> CodeList {
    CodeList::cdisc(
        "DSCAT",
        "Category of Disposition Event",
        "C74558",
        false,
        &[
            ("PROTOCOL MILESTONE", "C74588"),
            ("DISPOSITION EVENT", "C74590"),
            ("OTHER EVENT", "C150824"),
        ],
    )
}

/// NCOMPLT (C66727, extensible): how participation ended, with OTHER as the sponsor's extension.
pub fn completion() -> CodeList {
    let mut list = CodeList::cdisc(
        "NCOMPLT",
        "Completion/Reason for Non-Completion",
        "C66727",
        true,
        &[
            ("COMPLETED", "C25250"),
            ("SCREEN FAILURE", "C49628"),
            ("ADVERSE EVENT", "C41331"),
            ("LACK OF EFFICACY", "C48226"),
            ("WITHDRAWAL BY SUBJECT", "C49634"),
            ("PHYSICIAN DECISION", "C48250"),
            ("PROTOCOL DEVIATION", "C50996"),
            ("PREGNANCY", "C191656"),
            ("LOST TO FOLLOW-UP", "C48227"),
            ("DEATH", "C28554"),
        ],
    );
    list.extend("OTHER", None)
        .expect("NCOMPLT is extensible (checked against the published list)");
    list
}

/// PROTMLST (C114118): the milestone DS records.
pub fn protocol_milestone() -> CodeList {
    CodeList::cdisc(
        "PROTMLST",
        "Protocol Milestone",
        "C114118",
        true,
        &[("INFORMED CONSENT OBTAINED", "C16735")],
    )
}

/// IECAT (C66797).
pub fn criterion_category() -> CodeList {
    CodeList::cdisc(
        "IECAT",
        "Category of Inclusion/Exclusion",
        "C66797",
        false,
        &[("INCLUSION", "C25532"), ("EXCLUSION", "C25370")],
    )
}

/// ND (C66789): `--STAT`.
pub fn not_done() -> CodeList {
    CodeList::cdisc("ND", "Not Done", "C66789", false, &[("NOT DONE", "C49484")])
}

/// STENRF (C66728): a medication ongoing at the last record.
pub fn relation_to_reference() -> CodeList {
    CodeList::cdisc(
        "STENRF",
        "Relation to Reference Period",
        "C66728",
        false,
        &[("ONGOING", "C53279")],
    )
}

/// EVAL (C78735, extensible): who rated a clinician-reported instrument.
pub fn evaluator() -> CodeList {
    CodeList::cdisc(
        "EVAL",
        "Evaluator",
        "C78735",
        true,
        &[("INVESTIGATOR", "C25936")],
    )
}

/// The NCI code of an instrument's QSCAT where CDISC publishes the instrument (QSCAT, C100129):
/// DLQI alone of the instruments the export writes.
fn questionnaire_code(category: &str) -> Option<&'static str> {
    match category {
        "DLQI" => Some("C119102"),
        _ => None,
    }
}

/// QSCAT (C100129, extensible) of the given instrument categories: CDISC's terms where CDISC
/// publishes the instrument, the others as the sponsor's extensions.
pub fn questionnaire_category(categories: &[&str]) -> CodeList {
    let mut list = CodeList::cdisc("QSCAT", "Category of Questionnaire", "C100129", true, &[]);
    for category in categories {
        match questionnaire_code(category) {
            Some(code) => list.terms.push(Term {
                value: (*category).to_owned(),
                decode: None,
                nci: Some(code.to_owned()),
            }),
            None => list
                .extend(category, None)
                .expect("QSCAT is extensible (checked against the published list)"),
        }
    }
    list
}

/// QSTESTCD of the study's QS tests, each decoded as its QSTEST. A study whose only instrument
/// is DLQI gets CDISC's list (DLQI1TC, C119070, not extensible); otherwise the sponsor's list,
/// in which CDISC's DLQI tests keep their NCI codes.
pub fn questionnaire_test_code(tests: &[QsTest]) -> CodeList {
    let terms = tests
        .iter()
        .map(|test| Term {
            value: test.code.clone(),
            decode: Some(test.test.clone()),
            nci: test.nci.map(str::to_owned),
        })
        .collect();
    let dlqi = crate::sdtm::qs::category(Instrument::Dlqi);
    let mut list = if tests.iter().all(|test| test.category == dlqi) {
        CodeList::cdisc(
            "DLQI1TC",
            "Dermatology Life Quality Index Questionnaire Test Code",
            "C119070",
            false,
            &[],
        )
    } else {
        CodeList::sponsor(
            "QSTESTCD",
            "Outcome Instrument Question Short Name",
            Vec::new(),
        )
    };
    list.terms = terms;
    list
}

/// LBTESTCD (C65047, extensible) of LB's tests, each decoded as its LBTEST: CDISC's terms with
/// their NCI codes, the sponsor's tests as extensions.
pub fn lab_test_code(tests: &[LbTest]) -> CodeList {
    lab_tests(
        "LBTESTCD",
        "Laboratory Test Code",
        "C65047",
        tests,
        |test| (test.code.as_str(), Some(test.name.as_str())),
    )
}

/// LBTEST (C67154, extensible) of LB's tests: CDISC's terms carry the NCI code of the same
/// concept in LBTESTCD.
pub fn lab_test_name(tests: &[LbTest]) -> CodeList {
    lab_tests("LBTEST", "Laboratory Test Name", "C67154", tests, |test| {
        (test.name.as_str(), None)
    })
}

/// One of LB's two test lists: each test's (value, decode).
fn lab_tests(
    short: &str,
    name: &str,
    nci: &'static str,
    tests: &[LbTest],
    term: impl Fn(&LbTest) -> (&str, Option<&str>),
) -> CodeList {
    let mut list = CodeList::cdisc(short, name, nci, true, &[]);
    for test in tests {
        let (value, decode) = term(test);
        match test.nci {
            Some(code) => list.terms.push(Term {
                value: value.to_owned(),
                decode: decode.map(str::to_owned),
                nci: Some(code.to_owned()),
            }),
            None => list
                .extend(value, decode)
                .expect("LBTESTCD and LBTEST are extensible (checked against the published list)"),
        }
    }
    list
}

/// The NCI code of an SDTM domain abbreviation (DOMAIN, C66734).
fn domain_code(domain: &str) -> Option<&'static str> {
    Some(match domain {
        "DM" => "C49572",
        "SV" => "C49617",
        "EX" => "C49587",
        "AE" => "C49562",
        "LB" => "C49592",
        "RS" => "C107097",
        "DS" => "C49576",
        "IE" => "C61536",
        "DV" => "C49585",
        "CM" => "C49568",
        "QS" => "C49609",
        _ => return None,
    })
}

/// DOMAIN (C66734) of the given domains; `None` naming a domain this list has no code for.
pub fn domain(domains: &[&str]) -> Result<CodeList, String> {
    let terms = domains
        .iter()
        .map(|domain| {
            domain_code(domain)
                .map(|code| (*domain, code))
                .ok_or_else(|| format!("no NCI code for the domain {domain}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CodeList::cdisc(
        "DOMAIN",
        "SDTM Domain Abbreviation",
        "C66734",
        true,
        &terms,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every code against the published release: `super::published`.

    #[test]
    fn every_term_of_a_cdisc_list_has_a_code_and_values_are_unique() {
        for list in [
            sex(),
            no_yes(),
            age_unit(),
            duration_unit(),
            outcome(),
            action_taken(),
            route(),
            dose_unit(),
            frequency(),
            disposition_category(),
            criterion_category(),
            not_done(),
            relation_to_reference(),
        ] {
            let values: std::collections::BTreeSet<_> = list.values().collect();
            assert_eq!(values.len(), list.terms.len(), "{}", list.oid);
            for term in &list.terms {
                let code = term.nci.as_deref().unwrap_or_default();
                assert!(
                    code.starts_with('C') && code[1..].chars().all(|c| c.is_ascii_digit()),
                    "{} {}: {code:?}",
                    list.oid,
                    term.value
                );
            }
        }
    }

    #[test]
    fn a_domain_without_a_code_is_refused() {
        assert_eq!(
            domain(&["DM", "XX"]).map(|_| ()),
            Err("no NCI code for the domain XX".to_owned())
        );
    }
}
