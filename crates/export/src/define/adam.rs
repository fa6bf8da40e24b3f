//! The ADaMIG v1.3 description of the analysis datasets `crate::adam` writes (ADSL, ADRS,
//! ADTTE, ADAE): each dataset's class and sub-class (Define-XML 2.1 `def:Class`/`def:SubClass`,
//! whose values the ADaM classes are), structure, required variables (the IG's "Core" = Req
//! variables of the dataset's class) and the codelist of each variable with one. The keys are
//! the dataset's own (`Dataset::keys`, set where `crate::adam` builds it), and each derived
//! variable's method is its `Origin`.

use std::collections::BTreeMap;

use protocol::endpoint::BestResponse;

use super::{Class, CodeList, SubClass, Table, ct};
use crate::ExportError;
use crate::adam::{adrs, adsl, adtte};
use crate::dataset::Dataset;

/// What Define-XML says of an ADaM dataset besides its variables.
struct Description {
    class: Class,
    subclass: Option<SubClass>,
    structure: &'static str,
    /// The variables ADaMIG v1.3 makes required ("Req") in the dataset's class, which every
    /// record fills.
    required: &'static [&'static str],
}

/// The description of an ADaM dataset, `None` for one this module does not know.
///
/// - ADSL, ADaMIG v1.3 section 3.2 (ADSL variables): one record per subject; Req are the
///   identifiers, demographics, the arms and the planned treatment of the single period.
/// - ADRS and ADTTE, section 4.2 (BDS variables): Req are the identifiers and the parameter
///   (PARAMCD, PARAM); ADTTE is the time-to-event sub-class (ADaM Basic Data Structure for
///   Time-to-Event Analyses v1.0), whose CNSR every time-to-event parameter requires.
/// - ADAE, ADaM OCCDS v1.1 (occurrence data structure, adverse event sub-class): the identifiers
///   and the SDTM AE topic and dictionary term kept from AE (SDTMIG 3.4 AE: AETERM, AEDECOD Req).
fn describe(name: &str) -> Option<Description> {
    Some(match name {
        "ADSL" => Description {
            class: Class::SubjectLevelAnalysis,
            subclass: None,
            structure: "One record per subject",
            required: &[
                "STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "ARM", "ACTARM",
                "TRT01P",
            ],
        },
        "ADRS" => Description {
            class: Class::BasicDataStructure,
            subclass: None,
            structure: "One record per subject per parameter per analysis visit",
            required: &["STUDYID", "USUBJID", "PARAMCD", "PARAM"],
        },
        "ADTTE" => Description {
            class: Class::BasicDataStructure,
            subclass: Some(SubClass::TimeToEvent),
            structure: "One record per subject per parameter",
            required: &["STUDYID", "USUBJID", "PARAMCD", "PARAM", "CNSR"],
        },
        "ADAE" => Description {
            class: Class::OccurrenceDataStructure,
            subclass: Some(SubClass::AdverseEvent),
            structure: "One record per adverse event per subject",
            required: &["STUDYID", "USUBJID", "AETERM", "AEDECOD"],
        },
        _ => return None,
    })
}

/// A sponsor-defined list of values that say what they mean.
fn enumerated(short: &str, name: &str, values: &[&str]) -> CodeList {
    CodeList::sponsor(
        short,
        name,
        values
            .iter()
            .map(|value| ((*value).to_owned(), None))
            .collect(),
    )
}

/// A dataset's parameters: PARAMCD coded with PARAM as its decode, and PARAM's own values
/// (ADaMIG v1.3 section 4.2, BDS parameter identifiers: PARAM and PARAMCD map one to one within
/// a dataset); `None` for a dataset without parameters.
fn parameters(dataset: &str, responders: bool) -> Option<[CodeList; 2]> {
    let parameters: Vec<(&str, &str)> = match dataset {
        "ADRS" if responders => adrs::PARAMETERS
            .into_iter()
            .chain(adrs::RESPONDER_PARAMETERS)
            .collect(),
        "ADRS" => adrs::PARAMETERS.to_vec(),
        "ADTTE" => adtte::PARAMETERS.to_vec(),
        _ => return None,
    };
    let parameters = parameters.as_slice();
    let params: Vec<&str> = parameters.iter().map(|(_, param)| *param).collect();
    Some([
        CodeList::sponsor_decoded(
            &format!("PARAMCD.{dataset}"),
            &format!("{dataset} Parameter Code"),
            parameters,
        ),
        enumerated(
            &format!("PARAM.{dataset}"),
            &format!("{dataset} Parameter"),
            &params,
        ),
    ])
}

/// The response codes ADSL.BESTRSP and ADRS.AVALC take (a visit's response is one of CR, PR,
/// NR, or NE when its activity is missing; the best response any of the five), decoded as a
/// clinician says them. CDISC has no CLASI response codelist, so it is the sponsor's.
///
/// With the CLASI-50/70 parameters (`responders`), ADRS.AVALC also takes Y and N, their
/// responder flags, in a list of its own so ADSL.BESTRSP's stays the responses alone.
fn responses(responders: bool) -> CodeList {
    let terms: Vec<(String, Option<String>)> = BestResponse::ALL
        .into_iter()
        .map(|best| {
            (
                adsl::best_code(best).to_owned(),
                Some(best.words().to_owned()),
            )
        })
        .collect();
    if responders {
        let flags = [("Y", "Responder"), ("N", "Not a responder")]
            .map(|(code, words)| (code.to_owned(), Some(words.to_owned())));
        CodeList::sponsor(
            "RESPONDER",
            "CLASI Response or Responder Flag",
            terms.into_iter().chain(flags).collect(),
        )
    } else {
        CodeList::sponsor("RESPONSE", "CLASI Response", terms)
    }
}

/// The codelist of an ADaM variable of `dataset`, or `None` when it has none: a CDISC list
/// where the variable has one (the NY flags, SEX, AGEU, UNIT, and the AE and disposition lists
/// of the SDTM variables copied), else the sponsor's.
fn codelist(
    dataset: &str,
    variable: &str,
    responders: bool,
) -> Result<Option<CodeList>, ExportError> {
    Ok(Some(match variable {
        // ADaMIG v1.3 flag conventions (*FL): a population flag is Y or N, a record flag Y or
        // null; both from the CDISC NY list.
        "ENRLFL" | "ITTFL" | "SAFFL" | "EFFFL" | "CRFL" | "RELFL" | "ABLFL" | "TRTEMFL" => {
            ct::no_yes()
        }
        "AVALU" => ct::duration_unit(),
        // The reason a disposition ended, DS.DSDECOD of a DISPOSITION EVENT (NCOMPLT).
        "DCSREAS" => ct::completion(),
        "EOSSTT" => CodeList::sponsor_decoded(
            "EOSSTT",
            "End of Study Status",
            &[
                ("COMPLETED", "Completed the study"),
                ("DISCONTINUED", "Discontinued the study"),
                ("ONGOING", "Still in the study"),
            ],
        ),
        "SUBTYPGR" => {
            let groups: Vec<&str> = instruments::subtype::SubtypeGroup::ALL
                .iter()
                .map(|group| group.label())
                .collect();
            enumerated("SUBTYPGR", "CLE Subtype Group", &groups)
        }
        "BESTRSP" => responses(false),
        "AVALC" if dataset == "ADRS" => responses(responders),
        "PARAMCD" | "PARAM" => {
            let Some([paramcd, param]) = parameters(dataset, responders) else {
                return Ok(None);
            };
            if variable == "PARAMCD" {
                paramcd
            } else {
                param
            }
        }
        "EVNTDESC" => enumerated(
            "EVNTDESC",
            "Event or Censoring Description",
            &adtte::EVENT_DESCRIPTIONS,
        ),
        // Copied unchanged from DM and AE: their SDTM codelists.
        "SEX" | "AGEU" | "AESER" | "AEOUT" | "AEACN" | "AEREL" => {
            return super::sdtm::codelist(variable, &[], &[], &[], &[], &[]);
        }
        _ => return Ok(None),
    }))
}

/// The ADaM datasets `datasets` (`crate::adam::Adam::datasets`: ADSL and ADAE, with ADRS and
/// ADTTE when the protocol defines response) as Define-XML tables, their files named
/// `<dataset>.<extension>` (`adsl.xpt`); `responders` when ADRS carries the CLASI-50/70
/// parameters (`crate::adam::Adam::responders`). An error names a dataset this module cannot
/// describe.
pub fn tables(
    datasets: &[Dataset],
    extension: &str,
    responders: bool,
) -> Result<Vec<Table>, ExportError> {
    datasets
        .iter()
        .map(|dataset| {
            let name = dataset.name.as_str();
            let description = describe(name).ok_or_else(|| {
                ExportError::invalid(
                    format!("dataset {name}"),
                    "has no ADaMIG class and structure",
                )
            })?;
            let mut mandatory = Vec::new();
            for required in description.required {
                if dataset.position(required).is_none() {
                    return Err(ExportError::invalid(
                        format!("dataset {name}"),
                        format!("lacks {required}, which ADaMIG v1.3 requires"),
                    ));
                }
                mandatory.push((*required).to_owned());
            }
            let mut codelists = BTreeMap::new();
            for variable in &dataset.variables {
                if let Some(list) = codelist(name, &variable.name, responders)? {
                    codelists.insert(variable.name.clone(), list);
                }
            }
            Ok(Table {
                dataset: dataset.clone(),
                class: description.class,
                subclass: description.subclass,
                structure: description.structure.to_owned(),
                mandatory,
                file: format!("{}.{extension}", name.to_lowercase()),
                codelists,
                value_lists: Vec::new(),
                // Variable roles are SDTM's (ADaMIG gives none).
                roles: BTreeMap::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
