//! Define-XML 2.1: the metadata a regulator reads beside the datasets of a submission. Every
//! dataset (`ItemGroupDef`) with its file (`def:leaf`), every variable (`ItemDef`) with its
//! type, length, label, origin and codelist, the derivation of each derived variable
//! (`MethodDef`), the codelists (CDISC controlled terminology with NCI codes, or the sponsor's),
//! and value-level metadata (`def:ValueListDef` selected by `def:WhereClauseDef`).
//!
//! Each SDTM variable's `ItemRef` carries its SDTMIG role (`Role`).
//!
//! The elements and attributes named are those of the CDISC Define-XML Specification Version 2.1
//! (2019-05-15), whose rules each doc comment states where it applies; the file
//! validates against the Define-XML 2.1.9 schema (CDISC/NCI Define-XML CT package 59).
//!
//! The input is one [`Standard`] per implementation guide, each a list of [`Table`]s: the SDTM
//! tabulation datasets come from [`sdtm::tables`]; analysis datasets from [`adam::tables`], a
//! `Standard` with `Model::Adamig`, written into a file of their own or the same one.

pub mod adam;
pub mod ct;
#[cfg(test)]
mod published;
pub mod sdtm;
mod xml;

use std::collections::BTreeMap;
use std::io::Write;

use crate::ExportError;
use crate::dataset::{Dataset, Origin, VarType, Variable};
use crate::source::StudyInfo;

pub use ct::{CodeList, Term};

/// The Define-XML version written (`MetaDataVersion/@def:DefineVersion`): 2.1 with the schema
/// update it validates against.
pub const DEFINE_VERSION: &str = "2.1.9";

/// The CDISC controlled terminology release the codelists were checked against (the NCI EVS
/// "SDTM Terminology" file of that release), recorded as the CT standard's `Version`.
pub const CT_VERSION: &str = "2025-03-28";

/// An implementation guide a group of datasets follows (`def:Standard`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Model {
    /// SDTMIG 3.4: tabulation datasets.
    Sdtmig,
    /// ADaMIG 1.3: analysis datasets.
    Adamig,
}

impl Model {
    fn name(self) -> &'static str {
        match self {
            Model::Sdtmig => "SDTMIG",
            Model::Adamig => "ADaMIG",
        }
    }

    fn version(self) -> &'static str {
        match self {
            Model::Sdtmig => "3.4",
            Model::Adamig => "1.3",
        }
    }

    /// `ItemGroupDef/@Purpose`: tabulation for SDTM, analysis for ADaM.
    fn purpose(self) -> &'static str {
        match self {
            Model::Sdtmig => "Tabulation",
            Model::Adamig => "Analysis",
        }
    }

    fn oid(self) -> String {
        format!("STD.{}.{}", self.name(), self.version())
    }
}

/// A dataset's class (`def:Class`; the values of the schema's
/// `ItemGroupClass`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    SpecialPurpose,
    Interventions,
    Events,
    Findings,
    Relationship,
    SubjectLevelAnalysis,
    BasicDataStructure,
    OccurrenceDataStructure,
    AdamOther,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::SpecialPurpose => "SPECIAL PURPOSE",
            Class::Interventions => "INTERVENTIONS",
            Class::Events => "EVENTS",
            Class::Findings => "FINDINGS",
            Class::Relationship => "RELATIONSHIP",
            Class::SubjectLevelAnalysis => "SUBJECT LEVEL ANALYSIS DATASET",
            Class::BasicDataStructure => "BASIC DATA STRUCTURE",
            Class::OccurrenceDataStructure => "OCCURRENCE DATA STRUCTURE",
            Class::AdamOther => "ADAM OTHER",
        }
    }
}

/// An ADaM sub-class (`def:SubClass`): a time-to-event BDS, an adverse-event
/// OCCDS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubClass {
    TimeToEvent,
    AdverseEvent,
}

impl SubClass {
    fn name(self) -> &'static str {
        match self {
            SubClass::TimeToEvent => "TIME-TO-EVENT",
            SubClass::AdverseEvent => "ADVERSE EVENT",
        }
    }
}

/// Values of one variable described by the value of another (`RSORRES` by `RSTESTCD`): a
/// `def:ValueListDef` whose items are each selected by a `def:WhereClauseDef`.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueList {
    /// The variable described (`RSORRES`).
    pub variable: String,
    /// The variable whose value selects the description (`RSTESTCD`).
    pub by: String,
    pub values: Vec<ValueDef>,
}

/// The description of a variable's values where `by` equals `when`.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueDef {
    pub when: String,
    pub label: String,
    pub data_type: DataType,
    pub origin: Origin,
    pub codelist: Option<CodeList>,
}

/// `ItemDef/@DataType` and `@Length`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataType {
    Text(u16),
    Integer,
    Float,
    /// An ISO 8601 date (text of 10 characters).
    Date,
}

/// One dataset as Define-XML describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub dataset: Dataset,
    pub class: Class,
    pub subclass: Option<SubClass>,
    /// `def:Structure`: the level of detail of a record ("One record per subject").
    pub structure: String,
    /// The variables never null (`ItemRef/@Mandatory="Yes"`): the IG's required variables.
    pub mandatory: Vec<String>,
    /// The dataset's file, relative to define.xml (`def:leaf/@xlink:href`).
    pub file: String,
    /// The codelist of each variable that has one, by variable name.
    pub codelists: BTreeMap<String, CodeList>,
    pub value_lists: Vec<ValueList>,
    /// Each variable's role (`ItemRef/@Role`: SDTMIG 3.4 "Identifier", "Topic", "Timing", ...),
    /// by variable name; empty for ADaM.
    pub roles: BTreeMap<String, &'static str>,
}

/// The datasets of one implementation guide.
#[derive(Clone, Debug, PartialEq)]
pub struct Standard {
    pub model: Model,
    pub tables: Vec<Table>,
}

/// `ItemDef/@DataType` of a variable: an ISO 8601 `--DTC` date of 10 characters is a date;
/// numbers that count (sequence numbers, study days, visit numbers, age in whole years, MedDRA
/// codes, censoring flags) are integers, and so is a SAS date (a count of days, shown with its
/// `ItemDef/@def:DisplayFormat` of Define-XML 2.1, as ADaMIG v1.3 section 3.1.6 keeps it); other
/// numbers are floats.
pub fn data_type(variable: &Variable) -> DataType {
    if variable.is_date() {
        return DataType::Integer;
    }
    match variable.ty {
        VarType::Char(10) if variable.name.ends_with("DTC") => DataType::Date,
        VarType::Char(length) => DataType::Text(length),
        VarType::Num => {
            let counts = ["SEQ", "DY", "NUM", "LTCD", "CNSR"]
                .iter()
                .any(|suffix| variable.name.ends_with(suffix))
                || variable.name == "AGE";
            if counts {
                DataType::Integer
            } else {
                DataType::Float
            }
        }
    }
}

/// The checks a file must pass before a byte is written: unique dataset names, keys stated for
/// every dataset (`Dataset::keyed` checks they are its variables), mandatory variables and
/// codelists that name variables of their dataset, one definition per codelist OID.
fn check(standards: &[Standard]) -> Result<BTreeMap<String, CodeList>, ExportError> {
    let mut codelists: BTreeMap<String, CodeList> = BTreeMap::new();
    let mut names = std::collections::BTreeSet::new();
    for table in standards.iter().flat_map(|standard| &standard.tables) {
        let dataset = &table.dataset;
        if !names.insert(dataset.name.as_str()) {
            return Err(ExportError::invalid(
                format!("dataset {}", dataset.name),
                "is described twice",
            ));
        }
        if dataset.keys.is_empty() {
            return Err(ExportError::invalid(
                format!("dataset {}", dataset.name),
                "states no key variables",
            ));
        }
        let named = table
            .mandatory
            .iter()
            .chain(table.codelists.keys())
            .chain(table.roles.keys())
            .chain(table.value_lists.iter().flat_map(|v| [&v.variable, &v.by]));
        for name in named {
            if dataset.position(name).is_none() {
                return Err(ExportError::invalid(
                    format!("Define-XML metadata of {}", dataset.name),
                    format!("names {name}, which is no variable of the dataset"),
                ));
            }
        }
        let lists = table.codelists.values().chain(
            table
                .value_lists
                .iter()
                .flat_map(|list| list.values.iter().filter_map(|v| v.codelist.as_ref())),
        );
        for list in lists {
            match codelists.get(&list.oid) {
                Some(known) if known != list => {
                    return Err(ExportError::invalid(
                        format!("codelist {}", list.oid),
                        "has two different definitions",
                    ));
                }
                Some(_) => {}
                None => {
                    codelists.insert(list.oid.clone(), list.clone());
                }
            }
        }
    }
    Ok(codelists)
}

/// Writes define.xml for `standards` of `study`. `created` is the creation time (UTC, RFC
/// 3339), `version` the writing program's version (`SourceSystemVersion`).
pub fn write<W: Write>(
    out: W,
    study: &StudyInfo,
    standards: &[Standard],
    created: &str,
    version: &str,
) -> Result<(), ExportError> {
    let codelists = check(standards)?;
    let mut doc = xml::Xml::new(out);
    xml::document(&mut doc, study, standards, &codelists, created, version)?;
    doc.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests;
