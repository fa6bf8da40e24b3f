//! SDTM datasets built from each subject's casebook: DM, SV, EX, AE, LB, RS, DS, IE, DV, CM and
//! QS (the outcome instruments, `qs`),
//! with their supplemental qualifiers (SUPPDM holds the CLE subtype), and their variable
//! metadata. Written as CSV (`sdtm`), SAS transport files (`xpt`) or Dataset-JSON
//! (`dataset_json`), one file per domain (`SdtmFiles`).
//!
//! Mapping choices, with their sources (`../shared/docs/EDC-ANCHORS.md` section 7):
//! - CDISC controlled terminology has no CLASI or SLEDAI-2K codelists, so both go in RS (clinical
//!   classification) with sponsor-defined `RSCAT` ("CLASI", "SLEDAI-2K") and `RSTESTCD`, following
//!   the PASI precedent; item scores are collected records, the totals (CLASI activity and
//!   damage, SLEDAI-2K score) are derived records flagged `RSDRVFL = "Y"` (QRS assumptions).
//! - A result that was not done has an empty `--ORRES` and `--STAT = "NOT DONE"`; not applicable
//!   and unknown are the results "NOT APPLICABLE" and "UNKNOWN"; a blank item makes no record (SDTMIG
//!   3.4 section 4.5.1.2). In XPT the numeric result (`--STRESN`) also carries SAS special
//!   missing values .D, .N and .U.
//! - IE holds only the criteria a subject did not satisfy (SDTMIG IE assumptions), with `U` where
//!   the eligibility evaluation could not decide.
//! - Study days (`--DY`) count from RFSTDTC, the first dose, with no day 0.
//! - VISITNUM numbers a subject's visits by date; the store has no study-wide visit numbering.

use std::io::{Seek, Write};

use jiff::civil::{Date, DateTime};
use protocol::eligibility::whole_years;

use crate::ExportError;
use crate::arms::Allocation;
use crate::dataset::{Cell, Dataset, Missing, Variable};
use crate::dataset_json::{DatasetJsonWriter, Encoding, Provenance};
use crate::source::{Casebook, FieldType, FormRecord, Forms, Recorded, SUBJECT_REF, VISIT_REF};
use crate::xpt::XptWriter;

pub mod lb;
pub mod qs;

/// The domains, in the order they are written, then the supplemental qualifiers of those with
/// free text.
pub const DOMAINS: [&str; 18] = [
    "DM", "SV", "EX", "AE", "LB", "RS", "DS", "IE", "DV", "CM", "QS", "SUPPAE", "SUPPDS", "SUPPIE",
    "SUPPDV", "SUPPCM", "SUPPQS", "SUPPDM",
];

/// QS's and SUPPQS's indexes in [`DOMAINS`].
const QS: usize = 10;
const SUPPQS: usize = 16;

/// The longest text a variable holds (SAS XPORT version 5). Longer free text keeps its first
/// part in the variable and continues in SUPP-- records named `<variable>1`, `<variable>2`, ...,
/// split between words where it can be (SDTMIG 3.4 section 4.5.3.2).
const MAX_TEXT: usize = 200;

const DATE: u16 = 10;

/// SUPPDM's QNAM of the CLE subtype.
pub const SUBTYPE_QNAM: &str = "CLESUBTY";

/// STUDYID's width: the longest study code the record accepts (`store` refuses a study code of
/// more than 32 characters), so every study fits its transport file.
const STUDY_CODE: u16 = 32;

/// How `--DY` is computed (SDTMIG 3.4 section 4.4.4), the method of every study day.
const STUDY_DAY: &str = "Days from RFSTDTC (the first dose) to the date, plus 1 on or after \
RFSTDTC; the day before RFSTDTC is -1 (there is no day 0)";

/// How USUBJID is built: unique across the sponsor's studies (SDTMIG 3.4, DM).
const USUBJID: &str = "STUDYID and the subject's pseudonymous study code, joined by a hyphen";

/// STUDYID, DOMAIN, USUBJID and, for domains with one, `--SEQ`, with their origins (Define-XML
/// 2.1 `def:Origin`): STUDYID and DOMAIN are assigned by the sponsor, the rest derived.
fn common(domain: &str, seq: bool) -> Vec<Variable> {
    let mut variables = vec![
        Variable::text("STUDYID", "Study Identifier", STUDY_CODE).assigned(),
        Variable::text("DOMAIN", "Domain Abbreviation", 2).assigned(),
        Variable::text("USUBJID", "Unique Subject Identifier", 40).derived(USUBJID),
    ];
    if seq {
        variables.push(sequence(domain));
    }
    variables
}

/// `--SEQ`: numbers a subject's records of the domain in the order they are written.
fn sequence(domain: &str) -> Variable {
    Variable::num(&format!("{domain}SEQ"), "Sequence Number").derived(format!(
        "1, 2, 3 ... over the subject's {domain} records in the order they are written"
    ))
}

/// A study day, derived as [`STUDY_DAY`] says.
fn study_day_var(name: &str, label: &str) -> Variable {
    Variable::num(name, label).derived(STUDY_DAY)
}

fn visit_vars() -> [Variable; 2] {
    [
        Variable::num("VISITNUM", "Visit Number")
            .derived("The subject's visits numbered 1, 2, 3 ... by date (actual, else planned)"),
        Variable::text("VISIT", "Visit Name", 40).protocol(),
    ]
}

const FIRST_DOSE: &str = "The earliest start date of the subject's dose periods";

/// The keys of a domain: the study, the subject and `--SEQ`, which SDTMIG 3.4 makes unique
/// within a subject's records of a domain; SV's visit number, DM's subject alone, and
/// the SUPP-- natural key (SDTMIG 3.4 section 8.4.1).
fn keys(name: &str) -> Vec<String> {
    match name {
        "DM" => vec!["STUDYID".into(), "USUBJID".into()],
        "SV" => vec!["STUDYID".into(), "USUBJID".into(), "VISITNUM".into()],
        _ if name.starts_with("SUPP") => {
            ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"]
                .map(String::from)
                .to_vec()
        }
        _ => vec!["STUDYID".into(), "USUBJID".into(), format!("{name}SEQ")],
    }
}

/// The variables of every domain (names, labels, types and lengths as written), with where
/// each one's values come from (Define-XML 2.1 `def:Origin`): collected unless said otherwise.
pub fn datasets() -> Result<Vec<Dataset>, ExportError> {
    let t = Variable::text;
    let n = Variable::num;
    let mut all = Vec::new();
    let mut push = |name: &str, label: &str, variables: Vec<Variable>| -> Result<(), ExportError> {
        let keys = keys(name);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        all.push(Dataset::new(name, label, variables)?.keyed(&keys)?);
        Ok(())
    };
    let mut dm = common("DM", false);
    dm.extend([
        t("SUBJID", "Subject Identifier for the Study", 20),
        t("RFSTDTC", "Subject Reference Start Date/Time", DATE).derived(FIRST_DOSE),
        t("RFENDTC", "Subject Reference End Date/Time", DATE).derived(
            "The latest disposition date, else the end (or start) of the last dose period",
        ),
        t("RFXSTDTC", "Date/Time of First Study Treatment", DATE).derived(FIRST_DOSE),
        t("RFXENDTC", "Date/Time of Last Study Treatment", DATE)
            .derived("The latest end (or, while ongoing, start) of the dose periods"),
        t("RFICDTC", "Date/Time of Informed Consent", DATE),
        t("SITEID", "Study Site Identifier", 20).assigned(),
        t("BRTHDTC", "Date/Time of Birth", DATE),
        n("AGE", "Age").derived(
            "Whole years from BRTHDTC to the consent (else screening) date; the age recorded \
             when no birth date was",
        ),
        t("AGEU", "Age Units", 5).assigned(),
        t("SEX", "Sex", 1),
        // Their methods are the allocation's (`Sdtm::with_allocation`).
        t("ARMCD", "Planned Arm Code", 8),
        t("ARM", "Description of Planned Arm", 40),
        t("ACTARMCD", "Actual Arm Code", 8),
        t("ACTARM", "Description of Actual Arm", 40),
    ]);
    push("DM", "Demographics", dm)?;
    let mut sv = common("SV", false);
    sv.extend(visit_vars());
    sv.extend([
        t("SVSTDTC", "Start Date/Time of Visit", DATE),
        t("SVENDTC", "End Date/Time of Visit", DATE)
            .derived("SVSTDTC: a visit takes place on one day"),
        study_day_var("SVSTDY", "Study Day of Start of Visit"),
    ]);
    push("SV", "Subject Visits", sv)?;
    let mut ex = common("EX", true);
    ex.extend([
        t("EXTRT", "Name of Treatment", 40),
        n("EXDOSE", "Dose"),
        t("EXDOSU", "Dose Units", 2),
        t("EXDOSFRQ", "Dosing Frequency per Interval", 20),
        t("EXROUTE", "Route of Administration", 5).protocol(),
        t("EXSTDTC", "Start Date/Time of Treatment", DATE),
        t("EXENDTC", "End Date/Time of Treatment", DATE),
        study_day_var("EXSTDY", "Study Day of Start of Treatment"),
        study_day_var("EXENDY", "Study Day of End of Treatment"),
    ]);
    push("EX", "Exposure", ex)?;
    let mut ae = common("AE", true);
    ae.extend([
        t("AETERM", "Reported Term for the Adverse Event", 200),
        n("AELLTCD", "Lowest Level Term Code"),
        t("AEDECOD", "Dictionary-Derived Term", 200),
        t("AEBODSYS", "Body System or Organ Class", 200)
            .derived("The MedDRA system organ class of the CTCAE v5.0 term AEDECOD"),
        t("AESER", "Serious Event", 1),
        t("AEREL", "Causality", 20),
        t("AEACN", "Action Taken with Study Treatment", 20),
        t("AEOUT", "Outcome of Adverse Event", 40),
        t("AETOXGR", "Standard Toxicity Grade", 1),
        t("AESTDTC", "Start Date/Time of Adverse Event", DATE),
        t("AEENDTC", "End Date/Time of Adverse Event", DATE),
        study_day_var("AESTDY", "Study Day of Start of Adverse Event"),
        study_day_var("AEENDY", "Study Day of End of Adverse Event"),
    ]);
    push("AE", "Adverse Events", ae)?;
    let mut lb = common("LB", true);
    lb.extend([
        t("LBTESTCD", "Lab Test or Examination Short Name", 8).derived(
            "The CDISC LBTESTCD (codelist C65047) of the protocol's lab where CDISC has the test, \
             else the sponsor's: the lab id's first 8 letters and digits in upper case",
        ),
        t("LBTEST", "Lab Test or Examination Name", 40).derived(
            "The CDISC LBTEST (codelist C67154) of the protocol's lab where CDISC has the test, \
             else the sponsor's: the protocol's name of the lab",
        ),
        t("LBORRES", "Result or Finding in Original Units", 40),
        t("LBORRESU", "Original Units", 20),
        t("LBORNRLO", "Reference Range Lower Limit in Orig Unit", 20),
        t("LBORNRHI", "Reference Range Upper Limit in Orig Unit", 20),
        t("LBSTRESC", "Character Result/Finding in Std Format", 40).derived(STANDARD_TEXT),
        n("LBSTRESN", "Numeric Result/Finding in Standard Units").derived(STANDARD_NUMBER),
        t("LBSTRESU", "Standard Units", 20).derived("LBORRESU: results are kept in their units"),
        t("LBSTAT", "Completion Status", 8).derived(NOT_DONE),
        t("LBTOXGR", "Standard Toxicity Grade", 1)
            .derived("The CTCAE v5.0 grade of the value against its limits of normal"),
    ]);
    lb.extend(visit_vars());
    lb.extend([
        t("LBDTC", "Date/Time of Specimen Collection", DATE),
        study_day_var("LBDY", "Study Day of Specimen Collection"),
    ]);
    push("LB", "Laboratory Test Results", lb)?;
    let mut rs = common("RS", true);
    rs.extend([
        t("RSTESTCD", "Assessment Short Name", 8).assigned(),
        t("RSTEST", "Assessment Name", 40).assigned(),
        t("RSCAT", "Category for Assessment", 20).assigned(),
        t("RSORRES", "Result or Finding in Original Units", 20),
        t("RSSTRESC", "Character Result/Finding in Std Format", 20).derived(STANDARD_TEXT),
        n("RSSTRESN", "Numeric Result/Finding in Standard Units").derived(STANDARD_NUMBER),
        t("RSSTAT", "Completion Status", 8).derived(NOT_DONE),
        t("RSDRVFL", "Derived Flag", 1)
            .derived("Y on the totals (CLASI activity and damage, SLEDAI-2K score), else blank"),
        t("RSEVLINT", "Evaluation Interval", 5)
            .derived("The SLEDAI-2K recall window in days as an ISO 8601 duration before RSDTC"),
    ]);
    rs.extend(visit_vars());
    rs.extend([
        t("RSDTC", "Date/Time of Assessment", DATE),
        study_day_var("RSDY", "Study Day of Assessment"),
    ]);
    push("RS", "Disease Response and Clin Classification", rs)?;
    let mut ds = common("DS", true);
    ds.extend([
        t("DSTERM", "Reported Term for the Disposition Event", 200),
        t("DSDECOD", "Standardized Disposition Term", 40),
        t("DSCAT", "Category for Disposition Event", 20).assigned(),
        t("DSSTDTC", "Start Date/Time of Disposition Event", DATE),
        study_day_var("DSSTDY", "Study Day of Start of Disposition Event"),
    ]);
    push("DS", "Disposition", ds)?;
    let mut ie = common("IE", true);
    ie.extend([
        t("IETESTCD", "Inclusion/Exclusion Criterion Short Name", 8).derived(
            "IN or EX and the criterion's number within its kind in the protocol (IN01, EX01 ...)",
        ),
        t("IETEST", "Inclusion/Exclusion Criterion", 200).protocol(),
        t("IECAT", "Inclusion/Exclusion Category", 9).protocol(),
        t("IEORRES", "I/E Criterion Original Result", 1).derived(
            "From the protocol engine's eligibility evaluation: N for an inclusion not met, Y \
             for an exclusion met, U for a criterion it could not decide",
        ),
        t("IESTRESC", "I/E Criterion Result in Std Format", 1).derived("IEORRES"),
        t("IEDTC", "Date/Time of Collection", DATE),
        study_day_var("IEDY", "Study Day of Collection"),
    ]);
    push("IE", "Inclusion/Exclusion Criteria Not Met", ie)?;
    let mut dv = common("DV", true);
    dv.extend([
        t("DVTERM", "Protocol Deviation Term", 200),
        t("DVDECOD", "Protocol Deviation Coded Term", 40),
        t("DVCAT", "Category for Protocol Deviation", 5),
        t("DVSTDTC", "Start Date/Time of Deviation", DATE),
        study_day_var("DVSTDY", "Study Day of Start of Deviation"),
    ]);
    push("DV", "Protocol Deviations", dv)?;
    let mut cm = common("CM", true);
    cm.extend([
        t("CMTRT", "Reported Name of Drug, Med, or Therapy", 200),
        t("CMDECOD", "Standardized Medication Name", 100)
            .derived("The drug vocabulary's name of the medication, in upper case"),
        t("CMCLASCD", "Medication Class Code", 8)
            .derived("The WHO ATC code of the drug CMDECOD names"),
        t("CMINDC", "Indication", 200),
        n("CMDOSE", "Dose per Administration"),
        t("CMDOSU", "Dose Units", 2),
        t("CMDOSFRQ", "Dosing Frequency per Interval", 20),
        t("CMROUTE", "Route of Administration", 20),
        t("CMSTDTC", "Start Date/Time of Medication", DATE),
        t("CMENDTC", "End Date/Time of Medication", DATE),
        study_day_var("CMSTDY", "Study Day of Start of Medication"),
        study_day_var("CMENDY", "Study Day of End of Medication"),
        t("CMENRTPT", "End Relative to Reference Time Point", 7)
            .derived("ONGOING when the medication was ongoing at the last record, else blank"),
        t("CMENTPT", "End Reference Time Point", 40).assigned(),
    ]);
    push("CM", "Concomitant/Concurrent Medications", cm)?;
    let mut questionnaires = common("QS", true);
    questionnaires.extend(qs::variables());
    questionnaires.extend(visit_vars());
    questionnaires.extend([
        Variable::text("QSDTC", "Date/Time of Finding", DATE),
        study_day_var("QSDY", "Study Day of Finding"),
    ]);
    push("QS", "Questionnaires", questionnaires)?;
    for domain in ["AE", "DS", "IE", "DV", "CM", "QS", "DM"] {
        let (qnam, qval) = match supplement(domain) {
            Some((qnam, qval)) => (
                format!("{qnam}; else {}", lower_first(CONTINUED_NAME)),
                format!("{qval}; else {}", lower_first(CONTINUED_TEXT)),
            ),
            None => (CONTINUED_NAME.to_owned(), CONTINUED_TEXT.to_owned()),
        };
        push(
            &format!("SUPP{domain}"),
            &format!("Supplemental Qualifiers for {domain}"),
            vec![
                t("STUDYID", "Study Identifier", STUDY_CODE).assigned(),
                t("RDOMAIN", "Related Domain Abbreviation", 2).assigned(),
                t("USUBJID", "Unique Subject Identifier", 40).derived(USUBJID),
                t("IDVAR", "Identifying Variable", 8).assigned(),
                t("IDVARVAL", "Identifying Variable Value", 20)
                    .derived(format!("{domain}SEQ of the parent record")),
                t("QNAM", "Qualifier Variable Name", 8).derived(qnam),
                t("QLABEL", "Qualifier Variable Label", 40)
                    .derived("The label of the qualifier, or of the variable the text continues"),
                t("QVAL", "Data Value", 200).derived(qval),
                t("QORIG", "Origin", 20).assigned(),
            ],
        )?;
    }
    Ok(all)
}

const STANDARD_TEXT: &str = "The original result (--ORRES), Y or N for a yes/no answer";
const STANDARD_NUMBER: &str = "The original result as a number when it is one; SAS special \
missing .D, .N, .U in XPT when not done, not applicable or unknown";
const NOT_DONE: &str = "NOT DONE when the result was recorded as not done, else blank";
/// The qualifier a SUPP-- dataset holds besides continued text: its QNAM and QVAL.
fn supplement(domain: &str) -> Option<(String, &'static str)> {
    match domain {
        "DM" => Some((
            format!("{SUBTYPE_QNAM} for the CLE subtype"),
            "The CLE subtype",
        )),
        "QS" => Some((
            format!("{} for the DLQI score's meaning band", qs::BAND_QNAM),
            "The band of the DLQI score (DLQI111) in upper case",
        )),
        _ => None,
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

const CONTINUED_NAME: &str = "The continued variable's name (at most 8 characters with the \
number) followed by 1, 2 ... for each further 200-byte part";
const CONTINUED_TEXT: &str = "The part of free text beyond the parent variable's 200 bytes, \
split between words where possible (SDTMIG 3.4 section 4.5.3.2)";

/// CLASI areas in the store's field prefixes, with the area number and label used in RSTESTCD
/// and RSTEST (sponsor-defined: "CLA" + area + item letter).
pub(crate) const CLASI_AREAS: [(&str, &str, &str); 13] = [
    ("scalp", "01", "Scalp"),
    ("ears", "02", "Ears"),
    ("nose_malar", "03", "Nose/malar"),
    ("rest_of_face", "04", "Rest of face"),
    ("v_neck", "05", "V-neck"),
    ("posterior_neck_shoulders", "06", "Neck/shoulders"),
    ("chest", "07", "Chest"),
    ("abdomen", "08", "Abdomen"),
    ("back_buttocks", "09", "Back/buttocks"),
    ("arms", "10", "Arms"),
    ("hands", "11", "Hands"),
    ("legs", "12", "Legs"),
    ("feet", "13", "Feet"),
];
pub(crate) const CLASI_ITEMS: [(&str, &str, &str); 4] = [
    ("erythema", "E", "Erythema"),
    ("scale", "S", "Scale/hypertrophy"),
    ("dyspigmentation", "D", "Dyspigmentation"),
    ("scarring", "C", "Scarring/atrophy"),
];
/// The CLASI fields outside the area grid: (field, RSTESTCD, RSTEST, how a total is derived).
pub(crate) const CLASI_OTHER: [(&str, &str, &str, Option<&str>); 7] = [
    (
        "mucous_membrane",
        "CLAMUC",
        "CLASI-Mucous membrane lesions",
        None,
    ),
    (
        "recent_hair_loss",
        "CLAHAIR",
        "CLASI-Recent hair loss",
        None,
    ),
    (
        "nonscarring_alopecia",
        "CLANSALO",
        "CLASI-Nonscarring alopecia",
        None,
    ),
    (
        "scarring_alopecia",
        "CLASCALO",
        "CLASI-Scarring alopecia",
        None,
    ),
    (
        "dyspigmentation_lasts_12_months",
        "CLADP12M",
        "CLASI-Dyspigmentation lasts 12 months",
        None,
    ),
    (
        "activity",
        "CLAACT",
        "CLASI-Activity score",
        Some(CLASI_ACTIVITY),
    ),
    ("damage", "CLADAM", "CLASI-Damage score", Some(CLASI_DAMAGE)),
];
/// SLEDAI-2K descriptors in the store's field names: (field, RSTESTCD, RSTEST, how a total is
/// derived).
pub(crate) const SLEDAI_TESTS: [(&str, &str, &str, Option<&str>); 25] = [
    ("seizure", "SLSEIZ", "SLEDAI-2K-Seizure", None),
    ("psychosis", "SLPSYCH", "SLEDAI-2K-Psychosis", None),
    (
        "organic_brain_syndrome",
        "SLOBS",
        "SLEDAI-2K-Organic brain syndrome",
        None,
    ),
    (
        "visual_disturbance",
        "SLVISUAL",
        "SLEDAI-2K-Visual disturbance",
        None,
    ),
    (
        "cranial_nerve_disorder",
        "SLCRANN",
        "SLEDAI-2K-Cranial nerve disorder",
        None,
    ),
    (
        "lupus_headache",
        "SLHEADAC",
        "SLEDAI-2K-Lupus headache",
        None,
    ),
    ("cva", "SLCVA", "SLEDAI-2K-CVA", None),
    ("vasculitis", "SLVASC", "SLEDAI-2K-Vasculitis", None),
    ("arthritis", "SLARTHR", "SLEDAI-2K-Arthritis", None),
    ("myositis", "SLMYOS", "SLEDAI-2K-Myositis", None),
    ("urinary_casts", "SLCASTS", "SLEDAI-2K-Urinary casts", None),
    ("hematuria", "SLHEMAT", "SLEDAI-2K-Hematuria", None),
    ("proteinuria", "SLPROT", "SLEDAI-2K-Proteinuria", None),
    ("pyuria", "SLPYUR", "SLEDAI-2K-Pyuria", None),
    ("rash", "SLRASH", "SLEDAI-2K-Rash", None),
    ("alopecia", "SLALOP", "SLEDAI-2K-Alopecia", None),
    (
        "mucosal_ulcers",
        "SLULCER",
        "SLEDAI-2K-Mucosal ulcers",
        None,
    ),
    ("pleurisy", "SLPLEUR", "SLEDAI-2K-Pleurisy", None),
    ("pericarditis", "SLPERIC", "SLEDAI-2K-Pericarditis", None),
    (
        "low_complement",
        "SLLOWCOM",
        "SLEDAI-2K-Low complement",
        None,
    ),
    (
        "increased_dna_binding",
        "SLDNA",
        "SLEDAI-2K-Increased DNA binding",
        None,
    ),
    ("fever", "SLFEVER", "SLEDAI-2K-Fever", None),
    (
        "thrombocytopenia",
        "SLTHROMB",
        "SLEDAI-2K-Thrombocytopenia",
        None,
    ),
    ("leukopenia", "SLLEUKO", "SLEDAI-2K-Leukopenia", None),
    (
        "score",
        "SLTOTAL",
        "SLEDAI-2K-Total score",
        Some(SLEDAI_SCORE),
    ),
];

/// How the CLASI activity total is computed (instruments::clasi; Albrecht et al. 2005).
const CLASI_ACTIVITY: &str = "CLASI activity (0-70): the sum of erythema and scale/hypertrophy \
in each of the 13 areas, mucous membrane lesions, recent hair loss and nonscarring alopecia; no \
total when an item was not assessed";
/// How the CLASI damage total is computed.
const CLASI_DAMAGE: &str = "CLASI damage (0-56): the sum of dyspigmentation in each of the 13 \
areas (doubled when it usually lasts 12 months or more), scarring/atrophy in the 12 areas below \
the scalp and scarring alopecia; no total when an item was not assessed";
/// How the SLEDAI-2K score is computed (instruments::sledai; Gladman et al. 2002).
const SLEDAI_SCORE: &str = "SLEDAI-2K (0-105): the sum of the weights of the descriptors \
present within the recall window, each counted once";

/// An RS test: RSTESTCD, RSTEST, and how it is derived when it is a total.
type RsCode = (String, String, Option<&'static str>);

/// RSTESTCD, RSTEST and the method of a CLASI field; `None` for a field that is no test.
fn clasi_test(field: &str) -> Option<RsCode> {
    if let Some((_, code, label, derived)) = CLASI_OTHER.iter().find(|(f, ..)| *f == field) {
        return Some(((*code).to_owned(), (*label).to_owned(), *derived));
    }
    CLASI_AREAS.iter().find_map(|(area, number, area_label)| {
        let item = field.strip_prefix(area)?.strip_prefix('_')?;
        let (_, letter, item_label) = CLASI_ITEMS.iter().find(|(name, ..)| *name == item)?;
        Some((
            format!("CLA{number}{letter}"),
            format!("CLASI-{area_label} {item_label}"),
            None,
        ))
    })
}

fn sledai_test(field: &str) -> Option<RsCode> {
    SLEDAI_TESTS
        .iter()
        .find(|(f, ..)| *f == field)
        .map(|(_, code, label, derived)| ((*code).to_owned(), (*label).to_owned(), *derived))
}

/// The RS test of an assessment form's field.
type TestOf = fn(&str) -> Option<RsCode>;

/// The assessment forms RS holds: (form, RSCAT, the test of each field).
const RS_FORMS: [(&str, &str, TestOf); 2] = [
    ("clasi", "CLASI", clasi_test),
    ("sledai", "SLEDAI-2K", sledai_test),
];

/// What an RS result is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsResult {
    /// A score: RSORRES its digits, RSSTRESN the number.
    Score,
    /// Y or N in RSORRES and RSSTRESC, no RSSTRESN.
    YesNo,
}

/// One test RS can hold, as the forms define it: what the value-level metadata of RSORRES and
/// RSSTRESN describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsTest {
    pub code: String,
    pub test: String,
    /// RSCAT.
    pub category: &'static str,
    /// How a total is computed from the items; `None` for an item as collected.
    pub method: Option<&'static str>,
    pub result: RsResult,
    /// The field may hold a missing code, so RSORRES may read NOT APPLICABLE or UNKNOWN.
    pub missing: bool,
}

/// Every RS test of the CLASI and SLEDAI-2K forms in `forms`, in form order; an error names a
/// field with no test code or of a type that is no result.
pub fn rs_tests(forms: &Forms) -> Result<Vec<RsTest>, ExportError> {
    let mut tests = Vec::new();
    for (form, category, test_of) in RS_FORMS {
        let Some(index) = forms.index(form) else {
            continue;
        };
        for field in &forms.get(index).fields {
            if NOT_TESTS.contains(&field.name.as_str()) {
                continue;
            }
            let what = || format!("{form}.{}", field.name);
            let (code, test, method) = test_of(&field.name)
                .ok_or_else(|| ExportError::invalid(what(), "has no SDTM RS test code"))?;
            let result = match field.ty {
                FieldType::Integer => RsResult::Score,
                FieldType::Boolean => RsResult::YesNo,
                other => {
                    return Err(ExportError::invalid(
                        what(),
                        format!("a {} field is no RS result", other.as_str()),
                    ));
                }
            };
            tests.push(RsTest {
                code,
                test,
                category,
                method,
                result,
                missing: field.missing,
            });
        }
    }
    Ok(tests)
}

/// Fields of an assessment form that are not tests.
const NOT_TESTS: [&str; 4] = [SUBJECT_REF, VISIT_REF, "assessed_on", "recall_window"];

/// A domain's row under construction: cells by variable name (the ADaM datasets build theirs
/// alike).
pub(crate) struct Row<'a> {
    pub(crate) dataset: &'a Dataset,
    pub(crate) cells: Vec<Cell>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(dataset: &'a Dataset, study: &str, usubjid: &str) -> Row<'a> {
        let mut row = Row {
            dataset,
            cells: vec![Cell::Missing(Missing::Blank); dataset.variables.len()],
        };
        row.set("STUDYID", Cell::text(study));
        if dataset.position("DOMAIN").is_some() {
            row.set("DOMAIN", Cell::text(dataset.name.as_str()));
        }
        row.set("USUBJID", Cell::text(usubjid));
        row
    }

    pub(crate) fn set(&mut self, name: &str, cell: Cell) -> &mut Self {
        let i = self
            .dataset
            .position(name)
            .unwrap_or_else(|| unreachable!("{} has no variable {name}", self.dataset.name));
        self.cells[i] = cell;
        self
    }

    pub(crate) fn text(&mut self, name: &str, text: impl Into<String>) -> &mut Self {
        self.set(name, Cell::text(text))
    }

    fn date(&mut self, name: &str, date: Option<Date>) -> &mut Self {
        self.set(name, Cell::opt_text(date.map(|date| date.to_string())))
    }

    pub(crate) fn num(&mut self, name: &str, number: Option<f64>) -> &mut Self {
        self.set(name, Cell::opt_num(number))
    }
}

/// One subject's visits, numbered by date: (id, name, date used for the order, actual date).
pub(crate) struct Visits(Vec<(i64, String, Option<Date>, Option<Date>)>);

impl Visits {
    fn get(&self, id: Option<i64>) -> Option<(usize, &str)> {
        let id = id?;
        self.0
            .iter()
            .position(|(visit, ..)| *visit == id)
            .map(|i| (i + 1, self.0[i].1.as_str()))
    }
}

/// Receives each row with the index of its domain in [`DOMAINS`].
pub type Emit<'a> = dyn FnMut(usize, &[Cell]) -> Result<(), ExportError> + 'a;

/// Builds every domain's rows from casebooks.
pub struct Sdtm {
    study: String,
    forms: Forms,
    /// The outcome instruments the study collects, which score QS's answers.
    outcomes: protocol::outcomes::Outcomes,
    /// How DM names each subject's arm.
    allocation: Allocation,
    datasets: Vec<Dataset>,
    /// LB's test code and name of each lab the protocol declares.
    lab_tests: Vec<lb::LbTest>,
}

/// The study day of `date` counted from `reference` (day 1; the day before is -1).
pub fn study_day(date: Option<Date>, reference: Option<Date>) -> Option<f64> {
    let days = i64::from((date? - reference?).get_days());
    Some((if days >= 0 { days + 1 } else { days }) as f64)
}

impl Sdtm {
    pub fn new(study: &str, forms: &Forms) -> Result<Sdtm, ExportError> {
        Ok(Sdtm {
            study: study.to_owned(),
            forms: forms.clone(),
            outcomes: protocol::outcomes::Outcomes::none(),
            allocation: Allocation::SingleArm,
            datasets: datasets()?,
            lab_tests: lb::tests(&protocol::model::LabSpec::ctcae_default())?,
        }
        .with_allocation(Allocation::SingleArm))
    }

    /// Names DM's arms under `allocation` (a randomised study's, blinded or not), with the
    /// methods define.xml gives ARMCD, ARM, ACTARMCD and ACTARM.
    pub fn with_allocation(mut self, allocation: Allocation) -> Sdtm {
        let dm = self
            .datasets
            .iter_mut()
            .find(|dataset| dataset.name == "DM")
            .expect("DM is always written");
        for variable in &mut dm.variables {
            let method = match variable.name.as_str() {
                "ARMCD" | "ARM" => allocation.planned_method(),
                "ACTARMCD" | "ACTARM" => allocation.actual_method(),
                _ => continue,
            };
            variable.origin = crate::dataset::Origin::Derived(method.to_owned());
        }
        self.allocation = allocation;
        self
    }

    /// How DM names the arms.
    pub fn allocation(&self) -> &Allocation {
        &self.allocation
    }

    /// The forms it reads (which define RS's tests).
    pub fn forms(&self) -> &Forms {
        &self.forms
    }

    /// The outcome instruments the study collects (QS's tests).
    pub fn outcomes(&self) -> &protocol::outcomes::Outcomes {
        &self.outcomes
    }

    /// Scores QS's answers under the study protocol's `[outcomes]` settings (without it, a
    /// completed instrument is an error naming it: nothing can score it).
    pub fn with_outcomes(mut self, outcomes: &protocol::outcomes::Outcomes) -> Sdtm {
        self.outcomes = outcomes.clone();
        self
    }

    pub fn datasets(&self) -> &[Dataset] {
        &self.datasets
    }

    /// Names LB's tests after the protocol's `[[labs]]` (without it, the five CTCAE-graded
    /// tests, `LabSpec::ctcae_default`); an error when two would share a code or a name.
    pub fn with_labs(mut self, labs: &[protocol::model::LabSpec]) -> Result<Sdtm, ExportError> {
        self.lab_tests = lb::tests(labs)?;
        Ok(self)
    }

    /// LB's test code and name of each lab the protocol declares.
    pub fn lab_tests(&self) -> &[lb::LbTest] {
        &self.lab_tests
    }

    /// The LB test of a result's lab id; an error for a lab the protocol does not declare, whose
    /// code define.xml could not list.
    fn lab_test(&self, id: &str) -> Result<&lb::LbTest, ExportError> {
        self.lab_tests
            .iter()
            .find(|test| test.id == id)
            .ok_or_else(|| {
                ExportError::invalid(
                    format!("lab test '{id}'"),
                    "is not one of the protocol's labs",
                )
            })
    }

    fn form(&self, name: &str) -> Option<usize> {
        self.forms.index(name)
    }

    fn live<'b>(&self, book: &'b Casebook, form: &str) -> Vec<&'b FormRecord> {
        self.form(form)
            .map(|form| book.live(form).collect())
            .unwrap_or_default()
    }

    /// The rows of one subject, handed to `emit` with the domain's index in [`DOMAINS`].
    pub fn casebook(&self, book: &Casebook, emit: &mut Emit) -> Result<(), ExportError> {
        if book.subject.removed {
            return Ok(());
        }
        let f = &self.forms;
        let usubjid = format!("{}-{}", self.study, book.code);
        let subject = &book.subject;
        let doses = self.live(book, "dose");
        let first_dose = doses
            .iter()
            .filter_map(|d| f.entry(d, "start_date").date())
            .min();
        let last_dose = doses
            .iter()
            .filter_map(|d| {
                let end = f.entry(d, "end_date").date();
                end.or_else(|| f.entry(d, "start_date").date())
            })
            .max();
        let dispositions = self.live(book, "disposition");
        let ended = dispositions
            .iter()
            .filter_map(|d| f.entry(d, "disposition_date").date())
            .max();
        let day = |date: Option<Date>| study_day(date, first_dose);
        let mut visits: Vec<_> = self
            .live(book, "visit")
            .iter()
            .map(|v| {
                let actual = f.entry(v, "actual_date").date();
                let name = f.entry(v, "name").text().unwrap_or_default().to_owned();
                let planned = f.entry(v, "planned_date").date();
                (v.id, name, actual.or(planned), actual)
            })
            .collect();
        visits.sort_by_key(|(id, _, date, _)| (*date, *id));
        let visits = Visits(visits);
        let row = |domain: usize| Row::new(&self.datasets[domain], &self.study, &usubjid);
        let mut out = |domain: usize, row: &mut Row| -> Result<(), ExportError> {
            let continued = continue_long_texts(row);
            emit(domain, &row.cells)?;
            if continued.is_empty() {
                return Ok(());
            }
            let name = DOMAINS[domain];
            let supp = DOMAINS
                .iter()
                .position(|d| d.strip_prefix("SUPP") == Some(name))
                .ok_or_else(|| {
                    ExportError::invalid(
                        format!("{name} of {usubjid}"),
                        "text longer than 200 bytes",
                    )
                })?;
            let seq = format!("{name}SEQ");
            let seq_value = match row.dataset.position(&seq).map(|i| &row.cells[i]) {
                Some(Cell::Num(n)) => n.to_string(),
                _ => String::new(),
            };
            for (qnam, qlabel, text) in continued {
                let mut supp_row = Row::new(&self.datasets[supp], &self.study, &usubjid);
                supp_row
                    .text("RDOMAIN", name)
                    .text("IDVAR", seq.as_str())
                    .text("IDVARVAL", seq_value.as_str())
                    .text("QNAM", qnam)
                    .text("QLABEL", qlabel)
                    .text("QVAL", text)
                    .text("QORIG", "CRF");
                emit(supp, &supp_row.cells)?;
            }
            Ok(())
        };

        // DM
        let consent = f.entry(subject, "consent_date").date();
        let birth = f.entry(subject, "birth_date").date();
        let age = match (
            birth,
            consent.or_else(|| f.entry(subject, "screening_date").date()),
        ) {
            (Some(birth), Some(on)) => Some(f64::from(whole_years(birth, on))),
            _ => f
                .entry(subject, "age_years")
                .integer()
                .map(|age| age as f64),
        };
        let arms = crate::arms::Subject {
            id: subject.id,
            enrolled: f.entry(subject, "enrolment_date").date().is_some(),
            randomised: f
                .index("randomisation")
                .is_some_and(|form| book.live(form).next().is_some()),
            dosed: first_dose.is_some(),
        };
        let (arm_code, arm) = self.allocation.planned(&arms);
        let (act_code, act) = self.allocation.actual(&arms);
        let mut dm = row(0);
        dm.text("SUBJID", &book.code)
            .date("RFSTDTC", first_dose)
            .date("RFENDTC", ended.or(last_dose))
            .date("RFXSTDTC", first_dose)
            .date("RFXENDTC", last_dose)
            .date("RFICDTC", consent)
            .text("SITEID", &book.site)
            .date("BRTHDTC", birth)
            .num("AGE", age)
            .set("AGEU", Cell::opt_text(age.map(|_| "YEARS")))
            .text("SEX", f.entry(subject, "sex").text().unwrap_or("U"))
            .text("ARMCD", &arm_code)
            .text("ARM", &arm)
            .text("ACTARMCD", &act_code)
            .text("ACTARM", &act);
        out(0, &mut dm)?;
        // SUPPDM: the CLE subtype, which DM has no variable for (SDTMIG 3.4 section 8.4: a
        // non-standard variable; for DM, IDVAR and IDVARVAL are null), as a clinician reads it.
        if let Some(subtype) = f.entry(subject, "subtype").text() {
            let label = instruments::subtype::Subtype::ALL
                .into_iter()
                .find(|known| known.id() == subtype)
                .map_or(subtype, |known| known.label());
            let supp = DOMAINS.len() - 1;
            let mut suppdm = Row::new(&self.datasets[supp], &self.study, &usubjid);
            suppdm
                .text("RDOMAIN", "DM")
                .text("QNAM", SUBTYPE_QNAM)
                .text("QLABEL", "CLE Subtype")
                .text("QVAL", label)
                .text("QORIG", "CRF");
            out(supp, &mut suppdm)?;
        }

        // SV: visits that took place.
        for (i, (_, name, _, actual)) in visits.0.iter().enumerate() {
            let Some(actual) = *actual else {
                continue;
            };
            let mut sv = row(1);
            sv.num("VISITNUM", Some((i + 1) as f64))
                .text("VISIT", name.as_str())
                .date("SVSTDTC", Some(actual))
                .date("SVENDTC", Some(actual))
                .num("SVSTDY", day(Some(actual)));
            out(1, &mut sv)?;
        }

        // EX: the regimen as prescribed, amount per administration with its unit and CDISC
        // frequency. A period kept before regimens (an average mg/day) reads as that amount once
        // daily, as the store reads it.
        for (seq, dose) in doses.iter().enumerate() {
            let amount = f
                .entry(dose, "amount")
                .text()
                .or_else(|| f.entry(dose, "daily_dose_mg").text())
                .unwrap_or_default();
            let amount: f64 = amount.parse().map_err(|_| {
                ExportError::invalid(
                    format!("dose {} of {}", dose.id, book.code),
                    format!("amount '{amount}' is not a number"),
                )
            })?;
            let drug = f.entry(dose, "drug").text().unwrap_or_default();
            let treatment = instruments::medication::Drug::find(drug)
                .map_or_else(|_| drug.to_uppercase(), |drug| drug.name().to_uppercase());
            let (start, end) = (
                f.entry(dose, "start_date").date(),
                f.entry(dose, "end_date").date(),
            );
            let mut ex = row(2);
            ex.num("EXSEQ", Some((seq + 1) as f64))
                .text("EXTRT", treatment)
                .num("EXDOSE", Some(amount))
                .text("EXDOSU", f.entry(dose, "unit").text().unwrap_or("mg"))
                .text(
                    "EXDOSFRQ",
                    f.entry(dose, "frequency").text().unwrap_or("QD"),
                )
                .text("EXROUTE", "ORAL")
                .date("EXSTDTC", start)
                .date("EXENDTC", end)
                .num("EXSTDY", day(start))
                .num("EXENDY", day(end));
            out(2, &mut ex)?;
        }

        // AE
        for (seq, event) in self.live(book, "adverse_event").iter().enumerate() {
            let (start, end) = (
                f.entry(event, "start_date").date(),
                f.entry(event, "end_date").date(),
            );
            // CTCAE v5.0 coding: the term as printed (AEDECOD) with its MedDRA code and organ
            // class; the reporter's words, when recorded, are AETERM.
            let term = f.entry(event, "term").text().unwrap_or_default();
            let verbatim = f.entry(event, "verbatim").text();
            let coded = instruments::ctcae::CtcaeTerm::lookup(term).ok();
            let mut ae = row(3);
            ae.num("AESEQ", Some((seq + 1) as f64))
                .text("AETERM", verbatim.unwrap_or(term))
                .num(
                    "AELLTCD",
                    f.entry(event, "meddra_code")
                        .integer()
                        .map(|code| code as f64),
                )
                .text("AEDECOD", term)
                .set(
                    "AEBODSYS",
                    Cell::opt_text(coded.map(instruments::ctcae::CtcaeTerm::soc)),
                )
                .set(
                    "AESER",
                    Cell::opt_text(f.entry(event, "serious").boolean().map(yes_no)),
                )
                .text("AEREL", causality(f.entry(event, "causality").text()))
                .text("AEACN", upper_words(f.entry(event, "action_taken").text()))
                .text("AEOUT", outcome(f.entry(event, "outcome").text()))
                .set(
                    "AETOXGR",
                    Cell::opt_text(f.entry(event, "grade").integer().map(|g| g.to_string())),
                )
                .date("AESTDTC", start)
                .date("AEENDTC", end)
                .num("AESTDY", day(start))
                .num("AEENDY", day(end));
            out(3, &mut ae)?;
        }

        // LB
        for (seq, lab) in self.live(book, "lab").iter().enumerate() {
            let test = self.lab_test(f.entry(lab, "test").text().unwrap_or_default())?;
            let collected = f.entry(lab, "collected_on").date();
            let unit = f.entry(lab, "unit").text().unwrap_or_default();
            let mut lb = row(4);
            lb.num("LBSEQ", Some((seq + 1) as f64))
                .text("LBTESTCD", &test.code)
                .text("LBTEST", &test.name)
                .text("LBORRESU", unit)
                .set("LBORNRLO", Cell::opt_text(f.entry(lab, "lln").text()))
                .set("LBORNRHI", Cell::opt_text(f.entry(lab, "uln").text()))
                .text("LBSTRESU", unit)
                .set(
                    "LBTOXGR",
                    Cell::opt_text(f.entry(lab, "ctcae_grade").integer().map(|g| g.to_string())),
                )
                .date("LBDTC", collected)
                .num("LBDY", day(collected));
            result(&mut lb, "LB", f.entry(lab, "value"));
            visit_of(&mut lb, &visits, f.entry(lab, VISIT_REF).integer());
            out(4, &mut lb)?;
        }

        // RS: CLASI and SLEDAI-2K.
        let mut rs_seq = 0;
        for (form, category, tests) in RS_FORMS {
            let Some(form_index) = self.form(form) else {
                continue;
            };
            let def = f.get(form_index);
            for assessment in book.live(form_index) {
                let on = f.entry(assessment, "assessed_on").date();
                let window = f
                    .entry(assessment, "recall_window")
                    .text()
                    .and_then(|w| w.strip_suffix('d'))
                    .map(|days| format!("-P{days}D"));
                for (field, entry) in def.fields.iter().zip(&assessment.entries) {
                    if NOT_TESTS.contains(&field.name.as_str()) {
                        continue;
                    }
                    let (code, test, derived) = tests(&field.name).ok_or_else(|| {
                        ExportError::invalid(
                            format!("{form}.{}", field.name),
                            "has no SDTM RS test code",
                        )
                    })?;
                    if *entry == Recorded::BLANK {
                        continue;
                    }
                    rs_seq += 1;
                    let mut rs = row(5);
                    rs.num("RSSEQ", Some(f64::from(rs_seq)))
                        .text("RSTESTCD", code)
                        .text("RSTEST", test)
                        .text("RSCAT", category)
                        .set("RSDRVFL", Cell::opt_text(derived.map(|_| "Y")))
                        .set("RSEVLINT", Cell::opt_text(window.clone()))
                        .date("RSDTC", on)
                        .num("RSDY", day(on));
                    result(&mut rs, "RS", entry);
                    visit_of(&mut rs, &visits, f.entry(assessment, VISIT_REF).integer());
                    out(5, &mut rs)?;
                }
            }
        }

        // DS: consent, then each disposition.
        let mut ds_seq = 0;
        if let Some(consent) = consent {
            ds_seq += 1;
            let mut ds = row(6);
            ds.num("DSSEQ", Some(f64::from(ds_seq)))
                .text("DSTERM", "INFORMED CONSENT OBTAINED")
                .text("DSDECOD", "INFORMED CONSENT OBTAINED")
                .text("DSCAT", "PROTOCOL MILESTONE")
                .date("DSSTDTC", Some(consent))
                .num("DSSTDY", day(Some(consent)));
            out(6, &mut ds)?;
        }
        // The events the protocol's rules read (pregnancy, consent withdrawn ...), as other
        // events; then each disposition.
        for event in self.live(book, "protocol_event") {
            ds_seq += 1;
            let decoded = upper_words(f.entry(event, "event").text());
            let on = f.entry(event, "occurred_on").date();
            let mut ds = row(6);
            ds.num("DSSEQ", Some(f64::from(ds_seq)))
                .text(
                    "DSTERM",
                    f.entry(event, "note").text().unwrap_or(decoded.as_str()),
                )
                .text("DSDECOD", decoded.as_str())
                .text("DSCAT", "OTHER EVENT")
                .date("DSSTDTC", on)
                .num("DSSTDY", day(on));
            out(6, &mut ds)?;
        }
        for disposition in &dispositions {
            ds_seq += 1;
            let decoded = disposition_term(f.entry(disposition, "status").text());
            let on = f.entry(disposition, "disposition_date").date();
            let mut ds = row(6);
            ds.num("DSSEQ", Some(f64::from(ds_seq)))
                .text(
                    "DSTERM",
                    f.entry(disposition, "details")
                        .text()
                        .unwrap_or(decoded.as_str()),
                )
                .text("DSDECOD", decoded.as_str())
                .text("DSCAT", "DISPOSITION EVENT")
                .date("DSSTDTC", on)
                .num("DSSTDY", day(on));
            out(6, &mut ds)?;
        }

        // IE: criteria not satisfied, from each eligibility evaluation.
        let mut ie_seq = 0;
        for evaluation in self.live(book, "eligibility") {
            let on = f.entry(evaluation, "evaluated_on").date();
            let text = f.entry(evaluation, "result").text().unwrap_or_default();
            for (code, test, category, answer) in unmet_criteria(text).map_err(|problem| {
                ExportError::invalid(
                    format!("eligibility {} of {}", evaluation.id, book.code),
                    problem,
                )
            })? {
                ie_seq += 1;
                let mut ie = row(7);
                ie.num("IESEQ", Some(f64::from(ie_seq)))
                    .text("IETESTCD", code)
                    .text("IETEST", test)
                    .text("IECAT", category)
                    .text("IEORRES", answer)
                    .text("IESTRESC", answer)
                    .date("IEDTC", on)
                    .num("IEDY", day(on));
                out(7, &mut ie)?;
            }
        }

        // DV
        for (seq, deviation) in self.live(book, "deviation").iter().enumerate() {
            let on = f.entry(deviation, "occurred_on").date();
            let major = f.entry(deviation, "major").boolean();
            let mut dv = row(8);
            dv.num("DVSEQ", Some((seq + 1) as f64))
                .text(
                    "DVTERM",
                    f.entry(deviation, "description").text().unwrap_or_default(),
                )
                .text(
                    "DVDECOD",
                    upper_words(f.entry(deviation, "category").text()),
                )
                .set(
                    "DVCAT",
                    Cell::opt_text(major.map(|major| if major { "MAJOR" } else { "MINOR" })),
                )
                .date("DVSTDTC", on)
                .num("DVSTDY", day(on));
            out(8, &mut dv)?;
        }

        // CM: each medication as written, coded by the drug vocabulary (CMDECOD, with its
        // ATC code as the class code), the dose as prescribed; ongoing at the last record.
        for (seq, conmed) in self.live(book, "conmed").iter().enumerate() {
            let (start, end) = (
                f.entry(conmed, "start_date").date(),
                f.entry(conmed, "end_date").date(),
            );
            let written = f.entry(conmed, "medication").text().unwrap_or_default();
            let drug = f
                .entry(conmed, "drug")
                .text()
                .or(Some(written))
                .and_then(|drug| instruments::medication::Drug::find(drug).ok())
                .filter(|drug| !drug.is_other());
            let dose = f.entry(conmed, "amount").text();
            let dose = dose
                .map(|amount| {
                    amount.parse::<f64>().map_err(|_| {
                        ExportError::invalid(
                            format!("conmed {} of {}", conmed.id, book.code),
                            format!("amount '{amount}' is not a number"),
                        )
                    })
                })
                .transpose()?;
            let ongoing = f.entry(conmed, "ongoing").boolean() == Some(true);
            let mut cm = row(9);
            cm.num("CMSEQ", Some((seq + 1) as f64))
                .text("CMTRT", written)
                .set(
                    "CMDECOD",
                    Cell::opt_text(drug.map(|drug| drug.name().to_uppercase())),
                )
                .set("CMCLASCD", Cell::opt_text(drug.and_then(|drug| drug.atc())))
                .set(
                    "CMINDC",
                    Cell::opt_text(f.entry(conmed, "indication").text()),
                )
                .num("CMDOSE", dose)
                .set("CMDOSU", Cell::opt_text(f.entry(conmed, "unit").text()))
                .set(
                    "CMDOSFRQ",
                    Cell::opt_text(f.entry(conmed, "frequency").text()),
                )
                .set("CMROUTE", Cell::opt_text(f.entry(conmed, "route").text()))
                .date("CMSTDTC", start)
                .date("CMENDTC", end)
                .num("CMSTDY", day(start))
                .num("CMENDY", day(end))
                .set("CMENRTPT", Cell::opt_text(ongoing.then_some("ONGOING")))
                .set(
                    "CMENTPT",
                    Cell::opt_text(ongoing.then_some("END OF RECORD")),
                );
            out(9, &mut cm)?;
        }

        // QS: the outcome instruments (`qs` says how).
        let context = qs::Context {
            forms: f,
            visits: &visits,
            first_dose,
        };
        let index = |dataset| match dataset {
            qs::Dataset::Qs => QS,
            qs::Dataset::SuppQs => SUPPQS,
        };
        qs::rows(
            book,
            &self.outcomes,
            &context,
            |dataset| row(index(dataset)),
            |dataset, qs| out(index(dataset), qs),
        )?;
        Ok(())
    }
}

/// Cuts every text longer than [`MAX_TEXT`] bytes down to its first part; returns the rest as
/// (QNAM, QLABEL, part) for the supplemental qualifiers.
fn continue_long_texts(row: &mut Row) -> Vec<(String, String, String)> {
    let mut continued = Vec::new();
    for (variable, cell) in row.dataset.variables.iter().zip(row.cells.iter_mut()) {
        let Cell::Text(text) = cell else { continue };
        if text.len() <= MAX_TEXT {
            continue;
        }
        let mut parts = split_text(text).into_iter();
        *text = parts.next().unwrap_or_default();
        for (i, part) in parts.enumerate() {
            let number = (i + 1).to_string();
            let stem = &variable.name[..variable.name.len().min(8 - number.len())];
            continued.push((format!("{stem}{number}"), variable.label.clone(), part));
        }
    }
    continued
}

/// `text` in parts of at most [`MAX_TEXT`] bytes, each ending after a space where one allows.
fn split_text(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(space) = rest[..end].rfind(' ').filter(|&space| space > 0) {
            end = space + 1;
        }
        parts.push(rest[..end].to_owned());
        rest = &rest[end..];
    }
    parts.push(rest.to_owned());
    parts
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "Y" } else { "N" }
}

/// `dose_not_changed` as "DOSE NOT CHANGED" (the CDISC terms for action taken and deviations).
pub(crate) fn upper_words(code: Option<&str>) -> String {
    code.unwrap_or_default().replace('_', " ").to_uppercase()
}

/// The store's five-point causality as AEREL text (AEREL has no CDISC codelist; the sponsor's
/// scale is kept, not collapsed to related / not related).
pub(crate) fn causality(code: Option<&str>) -> String {
    match code {
        Some("unrelated") => "NOT RELATED".to_owned(),
        Some("unlikely") => "UNLIKELY RELATED".to_owned(),
        Some("possible") => "POSSIBLY RELATED".to_owned(),
        Some("probable") => "PROBABLY RELATED".to_owned(),
        Some("definite") => "DEFINITELY RELATED".to_owned(),
        other => upper_words(other),
    }
}

/// The store's outcome as the CDISC outcome terms (codelist OUT).
pub(crate) fn outcome(code: Option<&str>) -> String {
    match code {
        Some("recovered") => "RECOVERED/RESOLVED".to_owned(),
        Some("recovering") => "RECOVERING/RESOLVING".to_owned(),
        Some("not_recovered") => "NOT RECOVERED/NOT RESOLVED".to_owned(),
        Some("recovered_with_sequelae") => "RECOVERED/RESOLVED WITH SEQUELAE".to_owned(),
        other => upper_words(other),
    }
}

/// The store's disposition status as the CDISC disposition terms (codelist NCOMPLT).
pub(crate) fn disposition_term(code: Option<&str>) -> String {
    match code {
        Some("lost_to_follow_up") => "LOST TO FOLLOW-UP".to_owned(),
        other => upper_words(other),
    }
}

/// Sets `--ORRES`, `--STRESC`, `--STRESN` and `--STAT` from an entry.
fn result(row: &mut Row, prefix: &str, entry: &Recorded) {
    let var = |name: &str| format!("{prefix}{name}");
    match entry {
        Recorded::Value(datum) => {
            let text = match datum {
                crate::source::Datum::Boolean(flag) => yes_no(*flag).to_owned(),
                other => other.plain(),
            };
            let number = match datum {
                crate::source::Datum::Integer(n) => Some(*n as f64),
                crate::source::Datum::Text(t) => {
                    t.trim().parse::<f64>().ok().filter(|x| x.is_finite())
                }
                _ => None,
            };
            row.text(&var("ORRES"), text.as_str())
                .text(&var("STRESC"), text.as_str())
                .num(&var("STRESN"), number);
        }
        Recorded::Missing(missing) => {
            if let Some(text) = missing.sdtm_result() {
                row.text(&var("ORRES"), text).text(&var("STRESC"), text);
            }
            if *missing == Missing::NotDone {
                row.text(&var("STAT"), "NOT DONE");
            }
            row.set(&var("STRESN"), Cell::Missing(*missing));
        }
    }
}

fn visit_of(row: &mut Row, visits: &Visits, id: Option<i64>) {
    if let Some((number, name)) = visits.get(id) {
        row.num("VISITNUM", Some(number as f64)).text("VISIT", name);
    }
}

/// (IETESTCD, IETEST, IECAT, IEORRES) of each criterion not satisfied in an eligibility result
/// (the protocol engine's JSON): an inclusion not met ("N"), an exclusion met ("Y"), or one that
/// could not be decided ("U"). Codes number the criteria within their kind (IN01, EX01, ...).
fn unmet_criteria(json: &str) -> Result<Vec<(String, String, &'static str, &'static str)>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|error| format!("result is not JSON: {error}"))?;
    let criteria = value["criteria"]
        .as_array()
        .ok_or("result has no criteria list")?;
    let mut counts = [0u32; 2];
    let mut unmet = Vec::new();
    for criterion in criteria {
        let kind = criterion["kind"].as_str().unwrap_or_default();
        let (index, prefix, category) = match kind {
            "inclusion" => (0, "IN", "INCLUSION"),
            "exclusion" => (1, "EX", "EXCLUSION"),
            other => {
                return Err(format!(
                    "criterion kind '{other}' is neither inclusion nor exclusion"
                ));
            }
        };
        counts[index] += 1;
        let answer = match (kind, criterion["status"].as_str()) {
            ("inclusion", Some("not_met")) => "N",
            ("exclusion", Some("met")) => "Y",
            (_, Some("unknown")) => "U",
            _ => continue,
        };
        unmet.push((
            format!("{prefix}{:02}", counts[index]),
            criterion["text"].as_str().unwrap_or_default().to_owned(),
            category,
            answer,
        ));
    }
    Ok(unmet)
}

/// The file format of each dataset: one file per dataset, named after it (`dm.csv`, `dm.xpt`,
/// `dm.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// CSV with a header row; a numeric missing value is an empty cell, the reason being in
    /// `--STAT`/`--ORRES`.
    Csv,
    /// SAS transport v5, its headers stamped `created`.
    Xpt { created: DateTime },
    /// CDISC Dataset-JSON v1.1 in either encoding.
    DatasetJson {
        encoding: Encoding,
        provenance: Box<Provenance>,
    },
}

impl FileFormat {
    /// The extension of each dataset's file (`xpt`).
    pub fn extension(&self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xpt { .. } => "xpt",
            FileFormat::DatasetJson { encoding, .. } => encoding.extension(),
        }
    }
}

/// One dataset's file, open for rows.
enum DatasetFile<W: Write + Seek> {
    // Boxed: a CSV writer holds its buffer inline, several times the others' size.
    Csv(Box<csv::Writer<W>>),
    Xpt(XptWriter<W>),
    DatasetJson(DatasetJsonWriter<W>),
}

/// Where the domains go: one file per dataset, any list of datasets (SDTM's, or ADaM's).
pub struct SdtmFiles<W: Write + Seek>(Vec<DatasetFile<W>>);

impl<W: Write + Seek> SdtmFiles<W> {
    /// Opens one file per dataset (`open` gets the file name, `dm.xpt`) and writes what comes
    /// before the rows.
    pub fn open(
        datasets: &[Dataset],
        format: &FileFormat,
        mut open: impl FnMut(&str) -> Result<W, ExportError>,
    ) -> Result<SdtmFiles<W>, ExportError> {
        let mut files = Vec::new();
        for dataset in datasets {
            let name = format!("{}.{}", dataset.name.to_lowercase(), format.extension());
            let out = open(&name)?;
            files.push(match format {
                FileFormat::Csv => {
                    let mut table = csv::Writer::from_writer(out);
                    table.write_record(dataset.variables.iter().map(|v| v.name.as_str()))?;
                    DatasetFile::Csv(Box::new(table))
                }
                FileFormat::Xpt { created } => {
                    let mut file = XptWriter::new(out, *created)?;
                    file.begin(dataset)?;
                    DatasetFile::Xpt(file)
                }
                FileFormat::DatasetJson {
                    encoding,
                    provenance,
                } => DatasetFile::DatasetJson(DatasetJsonWriter::new(
                    out, dataset, provenance, *encoding,
                )?),
            });
        }
        Ok(SdtmFiles(files))
    }

    /// One CSV table per domain (`dm.csv` ...).
    pub fn csv(
        datasets: &[Dataset],
        open: impl FnMut(&str) -> Result<W, ExportError>,
    ) -> Result<SdtmFiles<W>, ExportError> {
        SdtmFiles::open(datasets, &FileFormat::Csv, open)
    }

    /// One transport file per domain (`dm.xpt` ...).
    pub fn xpt(
        datasets: &[Dataset],
        created: DateTime,
        open: impl FnMut(&str) -> Result<W, ExportError>,
    ) -> Result<SdtmFiles<W>, ExportError> {
        SdtmFiles::open(datasets, &FileFormat::Xpt { created }, open)
    }

    /// Appends a row to the file of dataset number `domain`.
    pub fn row(&mut self, domain: usize, cells: &[Cell]) -> Result<(), ExportError> {
        match &mut self.0[domain] {
            DatasetFile::Csv(table) => {
                table.write_record(cells.iter().map(|cell| match cell {
                    Cell::Num(x) => x.to_string(),
                    Cell::Text(text) => text.clone(),
                    Cell::Missing(_) => String::new(),
                }))?;
                Ok(())
            }
            DatasetFile::Xpt(file) => file.row(cells),
            DatasetFile::DatasetJson(file) => file.row(cells),
        }
    }

    /// Ends every file.
    pub fn finish(self) -> Result<(), ExportError> {
        for file in self.0 {
            match file {
                DatasetFile::Csv(mut table) => table.flush()?,
                DatasetFile::Xpt(file) => {
                    file.finish()?;
                }
                DatasetFile::DatasetJson(file) => {
                    file.finish()?;
                }
            }
        }
        Ok(())
    }
}

/// The variable metadata: one row per variable of every dataset, with where its values come
/// from (Define-XML 2.1 origin type, and the method or the source variable).
pub fn write_metadata<W: Write>(datasets: &[Dataset], out: W) -> Result<(), ExportError> {
    let mut table = csv::Writer::from_writer(out);
    table.write_record([
        "dataset",
        "dataset_label",
        "order",
        "variable",
        "label",
        "type",
        "length",
        "origin",
        "source",
    ])?;
    for dataset in datasets {
        for (i, variable) in dataset.variables.iter().enumerate() {
            let (ty, length) = match variable.ty {
                crate::dataset::VarType::Num => ("Num", 8),
                crate::dataset::VarType::Char(length) => ("Char", length),
            };
            let (origin, source) = variable.origin.parts();
            table.write_record([
                dataset.name.as_str(),
                dataset.label.as_str(),
                &(i + 1).to_string(),
                variable.name.as_str(),
                variable.label.as_str(),
                ty,
                &length.to_string(),
                origin,
                source,
            ])?;
        }
    }
    table.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Datum, FieldDef, FieldType, FormDef};

    type Fields<'a> = &'a [(&'a str, Recorded)];

    fn int(n: i64) -> Recorded {
        Recorded::Value(Datum::Integer(n))
    }
    fn text(t: &str) -> Recorded {
        Recorded::Value(Datum::Text(t.into()))
    }
    fn date(m: i8, d: i8) -> Recorded {
        Recorded::Value(Datum::Date(Date::constant(2026, m, d)))
    }
    fn flag(b: bool) -> Recorded {
        Recorded::Value(Datum::Boolean(b))
    }

    /// A casebook whose forms hold exactly the fields its records use.
    fn casebook(records: &[(&str, i64, Fields)]) -> (Forms, Casebook) {
        let mut forms: Vec<FormDef> = Vec::new();
        let mut built = Vec::new();
        for (form, id, fields) in records {
            let index = forms
                .iter()
                .position(|f| f.name == *form)
                .unwrap_or_else(|| {
                    forms.push(FormDef {
                        name: (*form).into(),
                        fields: fields
                            .iter()
                            .map(|(name, _)| FieldDef {
                                name: (*name).into(),
                                ty: FieldType::Text,
                                required: false,
                                refers_to: None,
                                missing: false,
                            })
                            .collect(),
                    });
                    forms.len() - 1
                });
            built.push(FormRecord {
                form: index,
                id: *id,
                removed: false,
                entries: fields.iter().map(|(_, entry)| entry.clone()).collect(),
            });
        }
        let subject = built.remove(0);
        let book = Casebook {
            code: "P-001".into(),
            site: "S01".into(),
            subject,
            records: built,
            events: vec![],
        };
        (Forms(forms), book)
    }

    fn rows(records: &[(&str, i64, Fields)]) -> Vec<(usize, Vec<Cell>)> {
        let (forms, book) = casebook(records);
        let sdtm = Sdtm::new("LENA", &forms).expect("datasets");
        let mut rows = Vec::new();
        sdtm.casebook(&book, &mut |domain, cells| {
            rows.push((domain, cells.to_vec()));
            Ok(())
        })
        .expect("rows");
        rows
    }

    fn cell<'a>(rows: &'a [(usize, Vec<Cell>)], domain: &str, n: usize, var: &str) -> &'a Cell {
        let d = DOMAINS.iter().position(|x| *x == domain).expect("domain");
        let dataset = &datasets().expect("datasets")[d];
        let row = rows.iter().filter(|(i, _)| *i == d).nth(n).expect("row");
        &row.1[dataset.position(var).expect("variable")]
    }

    fn subject() -> (&'static str, i64, Fields<'static>) {
        (
            "subject",
            1,
            &[
                ("code", Recorded::Missing(Missing::Blank)),
                ("sex", Recorded::Missing(Missing::Blank)),
                ("birth_date", Recorded::Missing(Missing::Blank)),
                ("age_years", Recorded::Missing(Missing::Blank)),
                ("consent_date", Recorded::Missing(Missing::Blank)),
                ("enrolment_date", Recorded::Missing(Missing::Blank)),
            ],
        )
    }

    /// The test study that collects every outcome instrument.
    fn outcomes() -> protocol::outcomes::Outcomes {
        let text = format!(
            "{}\n{}",
            include_str!("../../../protocols/nct01408199.toml"),
            include_str!("../../../examples/protocol/outcomes.toml")
        );
        protocol::Protocol::from_toml(&text)
            .expect("the outcomes test study loads")
            .outcomes()
            .clone()
    }

    /// A questionnaire record with `answers` (JSON) and the reason items were left blank.
    fn questionnaire(
        instrument: &str,
        answers: &str,
        reason: Option<&str>,
    ) -> Vec<(&'static str, Recorded)> {
        vec![
            ("instrument", text(instrument)),
            ("completed_on", date(3, 2)),
            ("answers", text(answers)),
            (
                "unanswered_reason",
                reason.map_or(Recorded::Missing(Missing::Blank), text),
            ),
            ("visit_id", Recorded::Missing(Missing::Blank)),
        ]
    }

    /// The rows of `domain` of one casebook, scored under `outcomes`: the `variables` of each.
    fn written<const N: usize>(
        records: &[(&str, i64, Fields)],
        outcomes: &protocol::outcomes::Outcomes,
        domain: usize,
        variables: [&str; N],
    ) -> Result<Vec<[String; N]>, ExportError> {
        let (forms, book) = casebook(records);
        let sdtm = Sdtm::new("LENA", &forms)?.with_outcomes(outcomes);
        let dataset = &sdtm.datasets()[domain];
        let mut rows = Vec::new();
        sdtm.casebook(&book, &mut |written, cells| {
            if written == domain {
                let shown = |var: &str| match &cells[dataset.position(var).expect("variable")] {
                    Cell::Text(text) => text.clone(),
                    Cell::Num(number) => number.to_string(),
                    Cell::Missing(missing) => format!("{missing:?}"),
                };
                rows.push(variables.map(shown));
            }
            Ok(())
        })?;
        Ok(rows)
    }

    /// QS rows of one casebook, scored under `outcomes`: (QSTESTCD, QSORRES, QSSTRESC,
    /// QSSTRESN, QSSTAT, QSREASND, QSDRVFL, QSEVAL) each.
    fn qs_rows(
        records: &[(&str, i64, Fields)],
        outcomes: &protocol::outcomes::Outcomes,
    ) -> Result<Vec<[String; 8]>, ExportError> {
        let variables = [
            "QSTESTCD", "QSORRES", "QSSTRESC", "QSSTRESN", "QSSTAT", "QSREASND", "QSDRVFL",
            "QSEVAL",
        ];
        written(records, outcomes, QS, variables)
    }

    /// SDTMIG 3.4 section 6.3 (QS): every item of a completed instrument a record, the answer
    /// as given and its score; an unanswered item NOT DONE with the reason; derived scores
    /// flagged, and none when the scoring leaves them uncomputed (missing is not zero). DLQI's
    /// tests are CDISC's (DLQI1TC); the others' the record's own codes.
    #[test]
    fn questionnaires_are_qs_items_and_derived_scores() {
        fn check(answers: &'static str, instrument: &str, expect: &[[&str; 8]]) {
            let record = questionnaire(instrument, answers, Some("patient skipped it"));
            let rows = qs_rows(&[subject(), ("questionnaire", 2, &record)], &outcomes())
                .unwrap_or_else(|error| panic!("{error}"));
            for want in expect {
                let want = want.map(str::to_owned);
                assert!(
                    rows.contains(&want),
                    "{instrument} {answers}: no row {want:?} in {rows:#?}"
                );
            }
        }
        let blank = "Blank";
        let not_done = |code| {
            [
                code,
                blank,
                blank,
                "NotDone",
                "NOT DONE",
                "patient skipped it",
                blank,
                blank,
            ]
        };
        check(
            NINE_DLQI_ANSWERS,
            "dlqi",
            &[
                ["DLQI101", "VERY MUCH", "3", "3", blank, blank, blank, blank],
                [
                    "DLQI103",
                    "NOT RELEVANT",
                    "0",
                    "0",
                    blank,
                    blank,
                    blank,
                    blank,
                ],
                ["DLQI107", "YES", "3", "3", blank, blank, blank, blank],
                not_done("DLQI110"),
                // One blank is scored 0 [O2]: 3+2+0+1+1+0+3+2+1 = 13, 11-20.
                ["DLQI111", "13", "13", "13", blank, blank, "Y", blank],
                ["DLQI112", "5", "5", "5", blank, blank, "Y", blank],
            ],
        );
        check(
            r#"{"ITCHNRS": "7"}"#,
            "worst_itch_nrs",
            &[["ITCHNRS", "7", "7", "7", blank, blank, blank, blank]],
        );
        let mut morphology = not_done("CLAMORPH");
        morphology[7] = "INVESTIGATOR";
        check(
            r#"{"CLAERY": "1", "CLAFOLL": "0"}"#,
            "cla_iga_r",
            &[
                ["CLAERY", "1", "1", "1", blank, blank, blank, "INVESTIGATOR"],
                morphology,
            ],
        );
        check(
            r#"{"PGASKIN": "2"}"#,
            "pga_skin",
            &[[
                "PGASKIN",
                "2",
                "2",
                "2",
                blank,
                blank,
                blank,
                "INVESTIGATOR",
            ]],
        );
        check(
            r#"{"S01": "often", "L1": "never"}"#,
            "skindex",
            &[
                ["S01", "OFTEN", "75", "75", blank, blank, blank, blank],
                ["L1", "NEVER", "0", "0", blank, blank, blank, blank],
            ],
        );
    }

    /// Nine DLQI answers, question 10 left blank: score 13, a very large effect.
    const NINE_DLQI_ANSWERS: &str = r#"{"DLQI01": "very_much", "DLQI02": "a_lot",
        "DLQI03": "not_relevant", "DLQI04": "a_little", "DLQI05": "a_little",
        "DLQI06": "not_at_all", "DLQI07": "yes", "DLQI08": "a_lot", "DLQI09": "a_little"}"#;

    /// CDISC asks DLQI question 7 as two tests: DLQI107 (YES, NO, NOT RELEVANT) and, after NO
    /// only, DLQI107A (how much of a problem); the points sit where they arise, so the items'
    /// QSSTRESN add up to DLQI111 for every answer. A follow-up left blank is NOT DONE.
    #[test]
    fn dlqi_question_7_is_two_cdisc_tests_that_add_up_to_the_score() {
        fn check(answer: &str, expect: &[[&str; 3]]) {
            let answers = format!(
                r#"{{"DLQI01": "a_lot", "DLQI02": "a_little", "DLQI03": "not_at_all",
                "DLQI04": "not_at_all", "DLQI05": "not_at_all", "DLQI06": "not_at_all",
                "DLQI07": "{answer}", "DLQI08": "not_at_all", "DLQI09": "not_at_all",
                "DLQI10": "not_at_all"}}"#
            );
            let record = questionnaire("dlqi", &answers, None);
            let rows = qs_rows(&[subject(), ("questionnaire", 2, &record)], &outcomes())
                .unwrap_or_else(|error| panic!("{error}"));
            let work: Vec<[&str; 3]> = rows
                .iter()
                .filter(|row| row[0].starts_with("DLQI107"))
                .map(|row| [row[0].as_str(), row[1].as_str(), row[3].as_str()])
                .collect();
            assert_eq!(work, expect, "{answer}");
            let items: f64 = rows
                .iter()
                .filter(|row| row[6] != "Y")
                .filter_map(|row| row[3].parse::<f64>().ok())
                .sum();
            let score = rows.iter().find(|row| row[0] == "DLQI111").expect("score");
            assert_eq!(score[3], items.to_string(), "{answer}: {rows:#?}");
        }
        check("yes", &[["DLQI107", "YES", "3"]]);
        check("not_relevant", &[["DLQI107", "NOT RELEVANT", "0"]]);
        check(
            "no_a_lot",
            &[["DLQI107", "NO", "0"], ["DLQI107A", "A LOT", "2"]],
        );
        check(
            "no_a_little",
            &[["DLQI107", "NO", "0"], ["DLQI107A", "A LITTLE", "1"]],
        );
        check(
            "no_not_at_all",
            &[["DLQI107", "NO", "0"], ["DLQI107A", "NOT AT ALL", "0"]],
        );
        // "No" with the follow-up blank scores 0 under the study's rule (scores_zero).
        check(
            "no",
            &[["DLQI107", "NO", "0"], ["DLQI107A", "Blank", "NotDone"]],
        );
    }

    /// DLQI1TC has no code for the score's meaning band: it qualifies the DLQI111 record in
    /// SUPPQS (QSSEQ as IDVARVAL), and QS has no record of it.
    #[test]
    fn the_dlqi_band_qualifies_the_score_in_suppqs() {
        let record = questionnaire("dlqi", NINE_DLQI_ANSWERS, None);
        let records = [subject(), ("questionnaire", 2, &record)];
        let qs = written(&records, &outcomes(), QS, ["QSTESTCD", "QSSEQ"]).expect("QS");
        let score = qs.iter().find(|row| row[0] == "DLQI111").expect("score");
        assert!(qs.iter().all(|row| !row[0].contains("BAND")), "{qs:?}");
        let supp = written(
            &records,
            &outcomes(),
            SUPPQS,
            [
                "RDOMAIN", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG",
            ],
        )
        .expect("SUPPQS");
        assert_eq!(
            supp,
            [[
                "QS",
                "QSSEQ",
                score[1].as_str(),
                "DLQIBAND",
                "DLQI Score Meaning Band",
                "VERY LARGE EFFECT",
                "DERIVED",
            ]
            .map(str::to_owned)]
        );
    }

    /// A reason for unanswered items longer than QSREASND's 200 bytes continues in SUPPQS
    /// (there was no SUPPQS to take it before the DLQI band).
    #[test]
    fn a_long_reason_for_unanswered_items_continues_in_suppqs() {
        let reason = "the patient left before the end of the visit ".repeat(6);
        let record = questionnaire("worst_itch_nrs", "{}", Some(reason.trim_end()));
        let records = [subject(), ("questionnaire", 2, &record)];
        let qs = written(&records, &outcomes(), QS, ["QSREASND"]).expect("QS");
        let supp = written(&records, &outcomes(), SUPPQS, ["QNAM", "QVAL"]).expect("SUPPQS");
        assert_eq!(supp.len(), 1, "{supp:?}");
        assert_eq!(supp[0][0], "QSREASN1");
        assert_eq!(format!("{}{}", qs[0][0], supp[0][1]), reason.trim_end());
    }

    /// Two DLQI answers blank: no score, no band, no record of either (never 0), while a
    /// sub-score whose questions were answered is still derived; the rows count every item.
    #[test]
    fn an_uncomputed_score_makes_no_record() {
        let record = questionnaire(
            "dlqi",
            r#"{"DLQI01": "a_little", "DLQI02": "not_at_all"}"#,
            None,
        );
        let records = [subject(), ("questionnaire", 2, &record)];
        let rows = qs_rows(&records, &outcomes()).expect("rows");
        let codes: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
        assert!(!codes.contains(&"DLQI111"), "{codes:?}");
        assert!(codes.contains(&"DLQI112"), "{codes:?}");
        let items = rows.iter().filter(|row| row[6] != "Y").count();
        assert_eq!(items, 10, "{codes:?}");
        let not_done = rows.iter().filter(|row| row[4] == "NOT DONE").count();
        assert_eq!(not_done, 8);
        let supp = written(&records, &outcomes(), SUPPQS, ["QNAM"]).expect("SUPPQS");
        assert!(supp.is_empty(), "{supp:?}");
    }

    /// A study whose protocol does not collect the instrument cannot score it: the export
    /// names the record rather than write unscored rows.
    #[test]
    fn an_instrument_the_protocol_does_not_collect_is_named() {
        let record = questionnaire("dlqi", r#"{"DLQI01": "a_little"}"#, None);
        let error = qs_rows(
            &[subject(), ("questionnaire", 2, &record)],
            &protocol::outcomes::Outcomes::none(),
        )
        .expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("questionnaire 2 of P-001: the study's protocol does not collect DLQI"),
            "{error}"
        );
    }

    #[test]
    fn dm_ages_at_consent_and_counts_study_days_from_first_dose() {
        let subject_fields = [
            ("code", text("P-001")),
            ("sex", text("F")),
            (
                "birth_date",
                Recorded::Value(Datum::Date(Date::constant(1980, 3, 2))),
            ),
            ("consent_date", date(3, 1)),
            ("enrolment_date", date(3, 2)),
        ];
        let dose = [
            ("drug", text("lenalidomide")),
            ("amount", text("5")),
            ("unit", text("mg")),
            ("frequency", text("3 TIMES PER WEEK")),
            ("dose_level", text("5mg_3x_weekly")),
            ("start_date", date(3, 3)),
            ("end_date", date(4, 1)),
        ];
        let ae = [
            ("term", text("Neutrophil count decreased")),
            ("meddra_code", int(10029366)),
            ("verbatim", text("Neutropenia")),
            ("start_date", date(3, 2)),
            ("grade", int(2)),
            ("serious", flag(false)),
            ("causality", text("unrelated")),
            ("action_taken", text("dose_not_changed")),
            ("outcome", text("not_recovered")),
        ];
        let rows = rows(&[
            ("subject", 1, &subject_fields),
            ("dose", 2, &dose),
            ("adverse_event", 3, &ae),
        ]);
        assert_eq!(cell(&rows, "DM", 0, "USUBJID"), &Cell::text("LENA-P-001"));
        // Born 2 March 1980, consented 1 March 2026: 45 (the birthday is the next day).
        assert_eq!(cell(&rows, "DM", 0, "AGE"), &Cell::Num(45.0));
        assert_eq!(cell(&rows, "DM", 0, "RFSTDTC"), &Cell::text("2026-03-03"));
        assert_eq!(cell(&rows, "DM", 0, "ACTARMCD"), &Cell::text("TRT"));
        assert_eq!(cell(&rows, "EX", 0, "EXDOSE"), &Cell::Num(5.0));
        assert_eq!(cell(&rows, "EX", 0, "EXDOSU"), &Cell::text("mg"));
        assert_eq!(
            cell(&rows, "EX", 0, "EXDOSFRQ"),
            &Cell::text("3 TIMES PER WEEK")
        );
        assert_eq!(cell(&rows, "EX", 0, "EXSTDY"), &Cell::Num(1.0));
        assert_eq!(cell(&rows, "EX", 0, "EXENDY"), &Cell::Num(30.0));
        assert_eq!(cell(&rows, "EX", 0, "EXTRT"), &Cell::text("LENALIDOMIDE"));
        // The day before the first dose is day -1: there is no day 0.
        assert_eq!(cell(&rows, "AE", 0, "AESTDY"), &Cell::Num(-1.0));
        assert_eq!(cell(&rows, "AE", 0, "AEREL"), &Cell::text("NOT RELATED"));
        assert_eq!(
            cell(&rows, "AE", 0, "AEACN"),
            &Cell::text("DOSE NOT CHANGED")
        );
        assert_eq!(
            cell(&rows, "AE", 0, "AEOUT"),
            &Cell::text("NOT RECOVERED/NOT RESOLVED")
        );
        assert_eq!(cell(&rows, "AE", 0, "AESER"), &Cell::text("N"));
        // Coded by CTCAE v5.0: the reporter's words, the term, its MedDRA code and organ class.
        assert_eq!(cell(&rows, "AE", 0, "AETERM"), &Cell::text("Neutropenia"));
        assert_eq!(
            cell(&rows, "AE", 0, "AEDECOD"),
            &Cell::text("Neutrophil count decreased")
        );
        assert_eq!(cell(&rows, "AE", 0, "AELLTCD"), &Cell::Num(10_029_366.0));
        assert_eq!(
            cell(&rows, "AE", 0, "AEBODSYS"),
            &Cell::text("Investigations")
        );
        assert_eq!(
            cell(&rows, "DS", 0, "DSDECOD"),
            &Cell::text("INFORMED CONSENT OBTAINED")
        );
    }

    #[test]
    fn long_free_text_continues_in_supp_split_between_words() {
        let details = format!("{} {}", "word ".repeat(50).trim_end(), "x".repeat(230));
        let disposition = [
            ("status", text("other")),
            ("disposition_date", date(4, 1)),
            ("details", text(&details)),
        ];
        let rows = rows(&[subject(), ("disposition", 2, &disposition)]);
        let Cell::Text(first) = cell(&rows, "DS", 0, "DSTERM").clone() else {
            panic!("DSTERM is text")
        };
        // 50 words of 5 bytes: the first part ends after the last whole word before byte 200.
        assert_eq!(first.len(), 200);
        assert!(first.ends_with("word "));
        let parts: Vec<_> = (0..3)
            .map(|n| {
                let Cell::Text(qval) = cell(&rows, "SUPPDS", n, "QVAL").clone() else {
                    panic!("QVAL is text")
                };
                assert_eq!(cell(&rows, "SUPPDS", n, "IDVAR"), &Cell::text("DSSEQ"));
                assert_eq!(cell(&rows, "SUPPDS", n, "IDVARVAL"), &Cell::text("1"));
                assert_eq!(cell(&rows, "SUPPDS", n, "RDOMAIN"), &Cell::text("DS"));
                assert_eq!(
                    cell(&rows, "SUPPDS", n, "QNAM"),
                    &Cell::text(format!("DSTERM{}", n + 1))
                );
                qval
            })
            .collect();
        // The last 10 words (50 bytes) end where the run of x starts; that run cannot split
        // between words, so it fills 200 bytes and leaves 30.
        assert_eq!(parts[0], "word ".repeat(10));
        assert_eq!(parts[1], "x".repeat(200));
        assert_eq!(parts[2], "x".repeat(30));
        assert_eq!(format!("{first}{}", parts.concat()), details);
        assert_eq!(split_text(&"y".repeat(200)), ["y".repeat(200)]);
        assert_eq!(
            split_text(&"y".repeat(201)),
            ["y".repeat(200), "y".to_owned()]
        );
        assert_eq!(
            split_text(&"é".repeat(101)),
            ["é".repeat(100), "é".to_owned()],
            "never inside a character"
        );
    }

    #[test]
    fn store_codes_become_sdtm_terms() {
        for (code, expect) in [
            ("unrelated", "NOT RELATED"),
            ("unlikely", "UNLIKELY RELATED"),
            ("possible", "POSSIBLY RELATED"),
            ("probable", "PROBABLY RELATED"),
            ("definite", "DEFINITELY RELATED"),
        ] {
            assert_eq!(causality(Some(code)), expect);
        }
        for (code, expect) in [
            ("recovered", "RECOVERED/RESOLVED"),
            ("recovering", "RECOVERING/RESOLVING"),
            ("not_recovered", "NOT RECOVERED/NOT RESOLVED"),
            (
                "recovered_with_sequelae",
                "RECOVERED/RESOLVED WITH SEQUELAE",
            ),
            ("fatal", "FATAL"),
            ("unknown", "UNKNOWN"),
        ] {
            assert_eq!(outcome(Some(code)), expect);
        }
        assert_eq!(
            disposition_term(Some("lost_to_follow_up")),
            "LOST TO FOLLOW-UP"
        );
        assert_eq!(
            disposition_term(Some("withdrawal_by_subject")),
            "WITHDRAWAL BY SUBJECT"
        );
        assert_eq!(upper_words(Some("drug_interrupted")), "DRUG INTERRUPTED");
    }

    #[test]
    fn the_subtype_goes_to_suppdm_as_a_clinician_reads_it() {
        use instruments::subtype::Subtype;
        for (subtype, expect) in [
            (Some(Subtype::DleLocalized.id()), Some("DLE, localized")),
            (Some(Subtype::LupusProfundus.id()), Some("LE profundus")),
            (None, None),
        ] {
            let entry = subtype.map_or(Recorded::Missing(Missing::Blank), text);
            let rows = rows(&[("subject", 1, &[("code", text("P-001")), ("subtype", entry)])]);
            let supp = DOMAINS.iter().position(|d| *d == "SUPPDM").expect("SUPPDM");
            let written: Vec<&(usize, Vec<Cell>)> =
                rows.iter().filter(|(i, _)| *i == supp).collect();
            assert_eq!(written.len(), usize::from(expect.is_some()), "{subtype:?}");
            if let Some(label) = expect {
                assert_eq!(cell(&rows, "SUPPDM", 0, "QNAM"), &Cell::text(SUBTYPE_QNAM));
                assert_eq!(cell(&rows, "SUPPDM", 0, "QVAL"), &Cell::text(label));
                assert_eq!(cell(&rows, "SUPPDM", 0, "RDOMAIN"), &Cell::text("DM"));
                assert_eq!(
                    cell(&rows, "SUPPDM", 0, "IDVAR"),
                    &Cell::Missing(Missing::Blank)
                );
            }
        }
    }

    #[test]
    fn study_day_on_both_sides_of_the_reference() {
        let on = |d| Some(Date::constant(2026, 3, d));
        assert_eq!(study_day(on(3), on(3)), Some(1.0));
        assert_eq!(study_day(on(4), on(3)), Some(2.0));
        assert_eq!(study_day(on(2), on(3)), Some(-1.0));
        assert_eq!(study_day(on(1), on(3)), Some(-2.0));
        assert_eq!(study_day(on(1), None), None);
    }

    #[test]
    fn missing_results_keep_their_reason_in_lb_and_rs() {
        let lab = |value: Recorded| {
            vec![
                ("test", text("neutrophils")),
                ("value", value),
                ("unit", text("10^9/L")),
                ("collected_on", date(3, 5)),
            ]
        };
        let labs = [
            lab(text("1.2")),
            lab(Recorded::Missing(Missing::NotDone)),
            lab(Recorded::Missing(Missing::NotApplicable)),
            lab(Recorded::Missing(Missing::Unknown)),
        ];
        let clasi = [
            ("assessed_on", date(3, 5)),
            ("ears_erythema", int(2)),
            ("ears_scale", Recorded::Missing(Missing::NotDone)),
            ("scalp_erythema", Recorded::Missing(Missing::Blank)),
            ("posterior_neck_shoulders_dyspigmentation", int(0)),
            ("dyspigmentation_lasts_12_months", flag(true)),
            ("activity", int(2)),
            ("damage", Recorded::Missing(Missing::Blank)),
        ];
        let sledai = [
            ("assessed_on", date(3, 5)),
            ("recall_window", text("10d")),
            ("rash", flag(true)),
            ("score", int(2)),
        ];
        let mut records = vec![subject()];
        records.extend(
            labs.iter()
                .enumerate()
                .map(|(i, l)| ("lab", i as i64 + 10, l.as_slice())),
        );
        records.push(("clasi", 20, &clasi));
        records.push(("sledai", 21, &sledai));
        let rows = rows(&records);
        let blank = Cell::Missing(Missing::Blank);
        let expect = [
            (Cell::text("1.2"), Cell::Num(1.2), blank.clone()),
            (
                blank.clone(),
                Cell::Missing(Missing::NotDone),
                Cell::text("NOT DONE"),
            ),
            (
                Cell::text("NOT APPLICABLE"),
                Cell::Missing(Missing::NotApplicable),
                blank.clone(),
            ),
            (
                Cell::text("UNKNOWN"),
                Cell::Missing(Missing::Unknown),
                blank.clone(),
            ),
        ];
        for (n, (orres, stresn, stat)) in expect.iter().enumerate() {
            assert_eq!(cell(&rows, "LB", n, "LBORRES"), orres, "row {n}");
            assert_eq!(cell(&rows, "LB", n, "LBSTRESN"), stresn, "row {n}");
            assert_eq!(cell(&rows, "LB", n, "LBSTAT"), stat, "row {n}");
        }
        assert_eq!(cell(&rows, "LB", 0, "LBTESTCD"), &Cell::text("NEUT"));
        assert_eq!(cell(&rows, "LB", 0, "LBTEST"), &Cell::text("Neutrophils"));
        // A result of a lab the protocol does not declare has no code define.xml lists.
        let (forms, book) = casebook(&[
            subject(),
            ("lab", 30, &labs[0]),
            (
                "lab",
                31,
                &[("test", text("Neutrophil count")), ("value", text("1"))],
            ),
        ]);
        let error = Sdtm::new("LENA", &forms)
            .expect("datasets")
            .casebook(&book, &mut |_, _| Ok(()))
            .expect_err("not a lab of the protocol");
        assert!(
            error
                .to_string()
                .contains("lab test 'Neutrophil count': is not one of the protocol's labs"),
            "{error}"
        );
        // Blank items and the blank damage total make no record; the rest keep their order.
        let rs: Vec<_> = (0..7)
            .map(|n| {
                (
                    cell(&rows, "RS", n, "RSTESTCD").clone(),
                    cell(&rows, "RS", n, "RSORRES").clone(),
                    cell(&rows, "RS", n, "RSDRVFL").clone(),
                )
            })
            .collect();
        assert_eq!(
            rs,
            [
                (Cell::text("CLA02E"), Cell::text("2"), blank.clone()),
                (Cell::text("CLA02S"), blank.clone(), blank.clone()),
                (Cell::text("CLA06D"), Cell::text("0"), blank.clone()),
                (Cell::text("CLADP12M"), Cell::text("Y"), blank.clone()),
                (Cell::text("CLAACT"), Cell::text("2"), Cell::text("Y")),
                (Cell::text("SLRASH"), Cell::text("Y"), blank.clone()),
                (Cell::text("SLTOTAL"), Cell::text("2"), Cell::text("Y")),
            ]
        );
        assert_eq!(cell(&rows, "RS", 1, "RSSTAT"), &Cell::text("NOT DONE"));
        assert_eq!(cell(&rows, "RS", 6, "RSEVLINT"), &Cell::text("-P10D"));
        assert_eq!(
            cell(&rows, "RS", 0, "RSTEST"),
            &Cell::text("CLASI-Ears Erythema")
        );
        assert_eq!(rows.iter().filter(|(d, _)| *d == 5).count(), 7);
    }

    #[test]
    fn an_unmapped_assessment_field_is_an_error_naming_it() {
        let clasi = [("assessed_on", date(3, 5)), ("elbow_erythema", int(1))];
        let (forms, book) = casebook(&[subject(), ("clasi", 2, &clasi)]);
        let sdtm = Sdtm::new("LENA", &forms).expect("datasets");
        let error = sdtm
            .casebook(&book, &mut |_, _| Ok(()))
            .expect_err("no code for the field");
        assert!(
            error.to_string().contains("clasi.elbow_erythema"),
            "{error}"
        );
    }

    #[test]
    fn ie_lists_only_criteria_not_satisfied() {
        let result = r#"{"eligible": false, "missing": [], "criteria": [
            {"id": "age", "kind": "inclusion", "status": "met", "text": "Age 18 or over", "reason": ""},
            {"id": "clasi", "kind": "inclusion", "status": "not_met", "text": "CLASI activity 4 or more", "reason": ""},
            {"id": "preg", "kind": "exclusion", "status": "met", "text": "Pregnant", "reason": ""},
            {"id": "hiv", "kind": "exclusion", "status": "not_met", "text": "HIV", "reason": ""},
            {"id": "tb", "kind": "exclusion", "status": "unknown", "text": "Tuberculosis", "reason": ""}]}"#;
        assert_eq!(
            unmet_criteria(result).expect("parsed"),
            [
                (
                    "IN02".to_owned(),
                    "CLASI activity 4 or more".to_owned(),
                    "INCLUSION",
                    "N"
                ),
                ("EX01".to_owned(), "Pregnant".to_owned(), "EXCLUSION", "Y"),
                (
                    "EX03".to_owned(),
                    "Tuberculosis".to_owned(),
                    "EXCLUSION",
                    "U"
                ),
            ]
        );
        assert!(unmet_criteria("not json").is_err());
    }

    #[test]
    fn every_clasi_store_field_has_a_test_code_and_codes_are_unique() {
        let mut codes = std::collections::BTreeSet::new();
        for (area, ..) in CLASI_AREAS {
            for (item, ..) in CLASI_ITEMS {
                let (code, label, _) = clasi_test(&format!("{area}_{item}")).expect("mapped");
                assert!(code.len() <= 8 && label.len() <= 40, "{code} {label}");
                assert!(codes.insert(code));
            }
        }
        for (field, ..) in CLASI_OTHER.iter().chain(&SLEDAI_TESTS) {
            let (code, label, _) = clasi_test(field)
                .or_else(|| sledai_test(field))
                .expect("mapped");
            assert!(code.len() <= 8 && label.len() <= 40, "{code} {label}");
            assert!(codes.insert(code));
        }
    }
}
