//! ADRS, a Basic Data Structure (ADaMIG v1.3 section 4) of disease response: per CLASI
//! assessment the activity score against baseline (PARAMCD CLASIA), per post-baseline visit the
//! response it shows under the protocol's definitions (RESP), and each subject's best response
//! (BESTRESP).

use protocol::endpoint::ResponseDefinitions;

use super::adsl::{BEST_METHOD, best_code};
use super::course::{Assessment, Course};
use super::relative_day;
use crate::ExportError;
use crate::dataset::{Cell, Dataset, Missing, Variable};
use crate::sdtm::Row;

pub fn dataset() -> Result<Dataset, ExportError> {
    let t = Variable::text;
    let n = Variable::num;
    let d = Variable::date;
    Dataset::new(
        "ADRS",
        "Response Analysis Dataset",
        super::bds_identifiers().into_iter().chain([
            // Section 4.2, "Analysis value variables".
            n("AVAL", "Analysis Value").derived(
                "CLASIA: RS.RSSTRESN of RSTESTCD CLAACT, its reason (.D, .N, .U) kept when missing",
            ),
            t("AVALC", "Analysis Value (C)", 9).derived(format!(
                "RESP: CR when CLASIA is at most complete_max_activity, PR when it improves on the baseline by at least partial_min_improvement_percent (any week), else NR; NE when CLAACT is missing. BESTRESP: {BEST_METHOD}"
            )),
            // Section 4.2, "Baseline variables".
            t("ABLFL", "Baseline Record Flag", 1).derived(
                "Y on the last CLASI assessment (RSCAT CLASI) with RS.RSDTC on or before DM.RFXSTDTC",
            ),
            n("BASE", "Baseline Value").derived("ADRS.AVAL (RS.RSSTRESN of CLAACT) of the CLASIA record with ABLFL Y"),
            n("CHG", "Change from Baseline")
                .derived("ADRS.AVAL - ADRS.BASE for post-baseline CLASIA records"),
            n("PCHG", "Percent Change from Baseline")
                .derived("100 * (ADRS.AVAL - ADRS.BASE) / ADRS.BASE for post-baseline CLASIA records, BASE not 0"),
            // Section 4.2, "Timing variables".
            d("ADT", "Analysis Date").derived(
                "SV.SVSTDTC of the visit (RS.RSDTC for the baseline) as a SAS date; BESTRESP: the date of the first complete response",
            ),
            n("ADY", "Analysis Relative Day")
                .derived("ADT - ADSL.TRTSDT + 1 on or after TRTSDT, ADT - TRTSDT before"),
            t("AVISIT", "Analysis Visit", 40).predecessor("RS.VISIT"),
            n("AVISITN", "Analysis Visit (N)").predecessor("RS.VISITNUM"),
            t("SRCDOM", "Source Data", 8).derived("RS for CLASIA and RESP records"),
            t("SRCVAR", "Source Variable", 8).derived("RS.RSSTRESN for CLASIA and RESP records"),
            n("SRCSEQ", "Source Sequence Number").derived("RS.RSSEQ of the CLAACT record"),
        ]).collect(),
    )?
    // ADaMIG v1.3 section 3.3 (BDS): a parameter at an analysis visit; BESTRESP, one per
    // subject, has no visit.
    .keyed(&["STUDYID", "USUBJID", "PARAMCD", "AVISITN"])
}

/// The parameters (PARAMCD, PARAM): the CLASI activity score at each assessment, the response
/// each post-baseline visit shows, the subject's best response.
pub const PARAMETERS: [(&str, &str); 3] = [CLASIA, RESP, BESTRESP];
const CLASIA: (&str, &str) = ("CLASIA", "CLASI Activity Score");
const RESP: (&str, &str) = ("RESP", "CLASI Response at Visit");
const BESTRESP: (&str, &str) = ("BESTRESP", "Best Overall CLASI Response");

pub(crate) fn rows<'a>(
    new_row: impl Fn() -> Row<'a>,
    course: &Course,
    definitions: &ResponseDefinitions,
) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    let baseline = course.baseline.as_ref();
    let base = baseline.map(|b| b.activity.clone());
    let base_value = baseline.and_then(Assessment::activity);
    let visit_row = |paramcd: &str, param: &str, assessment: &Assessment| {
        let mut row = new_row();
        row.text("PARAMCD", paramcd)
            .text("PARAM", param)
            .sas_date("ADT", assessment.date)
            .num("ADY", relative_day(assessment.date, course.first_dose))
            .set("AVISIT", Cell::opt_text(assessment.visit.clone()))
            .num("AVISITN", assessment.visitnum)
            .text("SRCDOM", "RS")
            .text("SRCVAR", "RSSTRESN")
            .num("SRCSEQ", assessment.seq);
        row
    };
    if let Some(baseline) = baseline {
        let mut row = visit_row(CLASIA.0, CLASIA.1, baseline);
        row.set("AVAL", baseline.activity.clone())
            .text("ABLFL", "Y")
            .set("BASE", baseline.activity.clone());
        rows.push(row);
    }
    for visit in &course.visits {
        let mut row = visit_row(CLASIA.0, CLASIA.1, visit);
        row.set("AVAL", visit.activity.clone()).set(
            "BASE",
            base.clone().unwrap_or(Cell::Missing(Missing::NotDone)),
        );
        if let (Some(value), Some(base)) = (visit.activity(), base_value) {
            row.num("CHG", Some(value - base));
            if base != 0.0 {
                row.num("PCHG", Some(100.0 * (value - base) / base));
            }
        }
        rows.push(row);
    }
    for visit in &course.visits {
        let mut row = visit_row(RESP.0, RESP.1, visit);
        let response = visit.activity().map_or("NE", |activity| {
            definitions.at_visit(base_value, activity).code()
        });
        row.text("AVALC", response);
        rows.push(row);
    }
    if let Some(endpoints) = &course.endpoints {
        let mut row = new_row();
        let complete = endpoints.complete.map(|i| &course.visits[i]);
        let date = complete.and_then(|visit| visit.date);
        row.text("PARAMCD", BESTRESP.0)
            .text("PARAM", BESTRESP.1)
            .text("AVALC", best_code(endpoints.best))
            .sas_date("ADT", date)
            .num("ADY", relative_day(date, course.first_dose));
        if let Some(visit) = complete {
            row.text("SRCDOM", "RS")
                .text("SRCVAR", "RSSTRESN")
                .num("SRCSEQ", visit.seq);
        }
        rows.push(row);
    }
    rows
}
