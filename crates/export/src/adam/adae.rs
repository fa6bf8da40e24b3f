//! ADAE, the ADaM Occurrence Data Structure (OCCDS v1.1, ADaMIG v1.3 section 5) of adverse
//! events: one row per AE record, with the analysis dates and days against the first dose, the
//! treatment-emergent flag and the subject's treatment and safety flag from ADSL.

use super::course::Course;
use super::relative_day;
use super::sdtm_rows::SubjectRows;
use crate::ExportError;
use crate::dataset::{Dataset, Variable};
use crate::sdtm::Row;

/// AE variables copied unchanged (OCCDS section 3.1: the SDTM topic and qualifiers kept).
const COPIED: [(&str, &str, u16); 8] = [
    ("AETERM", "Reported Term for the Adverse Event", 200),
    ("AEDECOD", "Dictionary-Derived Term", 200),
    ("AEBODSYS", "Body System or Organ Class", 200),
    ("AESER", "Serious Event", 1),
    ("AEREL", "Causality", 20),
    ("AEACN", "Action Taken with Study Treatment", 20),
    ("AEOUT", "Outcome of Adverse Event", 40),
    ("AETOXGR", "Standard Toxicity Grade", 1),
];

pub fn dataset() -> Result<Dataset, ExportError> {
    let t = Variable::text;
    let n = Variable::num;
    let d = Variable::date;
    let mut variables = vec![
        t("STUDYID", "Study Identifier", 32).predecessor("AE.STUDYID"),
        t("USUBJID", "Unique Subject Identifier", 40).predecessor("AE.USUBJID"),
        n("AESEQ", "Sequence Number").predecessor("AE.AESEQ"),
    ];
    variables.extend(
        COPIED
            .iter()
            .map(|(name, label, length)| t(name, label, *length).predecessor(format!("AE.{name}"))),
    );
    variables.extend([
        // ADSL variables carried to every OCCDS record (OCCDS section 3.1).
        t("TRTA", "Actual Treatment", 40).predecessor("ADSL.TRT01A"),
        t("SAFFL", "Safety Population Flag", 1).predecessor("ADSL.SAFFL"),
        // OCCDS section 3.1.2, "Timing variables".
        n("ATOXGRN", "Analysis Toxicity Grade (N)").derived("AE.AETOXGR as a number"),
        d("ASTDT", "Analysis Start Date").derived("AE.AESTDTC as a SAS date"),
        d("AENDT", "Analysis End Date").derived("AE.AEENDTC as a SAS date"),
        n("ASTDY", "Analysis Start Relative Day").derived(
            "ASTDT - ADSL.TRTSDT + 1 on or after TRTSDT, ASTDT - TRTSDT before (from AE.AESTDTC and DM.RFXSTDTC)",
        ),
        n("AENDY", "Analysis End Relative Day")
            .derived("AENDT - ADSL.TRTSDT + 1 on or after TRTSDT, AENDT - TRTSDT before"),
        // OCCDS section 3.1.4, "Indicator variables".
        t("TRTEMFL", "Treatment Emergent Analysis Flag", 1).derived(
            "Y when AE.AESTDTC is on or after DM.RFXSTDTC (the first dose), N before it; blank without a dose or a start date",
        ),
    ]);
    // OCCDS section 3.1: one record per AE record, which AESEQ identifies within the subject.
    Dataset::new("ADAE", "Adverse Event Analysis Dataset", variables)?
        .keyed(&["STUDYID", "USUBJID", "AESEQ"])
}

pub(crate) fn rows<'a>(
    new_row: impl Fn() -> Row<'a>,
    course: &Course,
    sdtm: &SubjectRows,
) -> Vec<Row<'a>> {
    let treatment = course.dm.map(|dm| dm.cell("ACTARM").clone());
    sdtm.domain("AE")
        .map(|ae| {
            let mut row = new_row();
            row.set("AESEQ", ae.cell("AESEQ").clone());
            for (name, ..) in COPIED {
                row.set(name, ae.cell(name).clone());
            }
            if let Some(treatment) = &treatment {
                row.set("TRTA", treatment.clone());
            }
            let (start, end) = (ae.date("AESTDTC"), ae.date("AEENDTC"));
            row.flag("SAFFL", course.dosed)
                .num(
                    "ATOXGRN",
                    ae.text("AETOXGR").and_then(|grade| grade.parse().ok()),
                )
                .sas_date("ASTDT", start)
                .sas_date("AENDT", end)
                .num("ASTDY", relative_day(start, course.first_dose))
                .num("AENDY", relative_day(end, course.first_dose));
            if let (Some(start), Some(first)) = (start, course.first_dose) {
                row.flag("TRTEMFL", start >= first);
            }
            row
        })
        .collect()
}
