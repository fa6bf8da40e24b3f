//! ADRS, a Basic Data Structure (ADaMIG v1.3 section 4) of disease response: per CLASI
//! assessment the activity score against baseline (PARAMCD CLASIA), per post-baseline visit the
//! response it shows under the protocol's definitions (RESP), and each subject's best response
//! (BESTRESP); for a study with `[outcomes]`, the CLASI-50 and CLASI-70 responders per visit
//! (CLASI50, CLASI70: AVALC Y or N).
//!
//! The percent change of CLASI-A is the PCHG of the CLASIA records: ADaMIG v1.3 section 3.3
//! (BDS variables) puts a change from baseline in CHG and PCHG beside AVAL and BASE on the
//! parameter's own records, not in a parameter of its own. The responder flags are parameters
//! (PARAMCD CLASI50, CLASI70) because each is an analysis value of its own at a visit, derived
//! from another parameter's values (section 4.2, derived rows versus derived columns: a new
//! analysis value is a new parameter); `analysis::report::responders` counts the same. They
//! are derived here, in ADaM, and not written to SDTM RS: the CLASI lives in RS as a clinical
//! classification (RSCAT CLASI, its totals derived records of the same assessment), and a
//! CLASI-50 is no assessment of a visit but a comparison of two visits' totals against a
//! protocol threshold, an analysis derivation; `../shared/docs/EDC-ANCHORS.md` section 7
//! (after the QRS assumptions and the PASI supplement, D7 and D8): "Responder status (e.g.
//! CLASI-A = 0, >=50% reduction, ...) belongs in ADaM, not SDTM".

use instruments::clasi::ClasiResponse;
use protocol::endpoint::ResponseDefinitions;

use super::adsl::{BEST_METHOD, best_code};
use super::course::{Assessment, Course};
use super::relative_day;
use crate::ExportError;
use crate::dataset::{Cell, Dataset, Missing, Variable};
use crate::sdtm::Row;

/// The ADRS variables; `responders` is the CLASI-50/70 pair of a study with `[outcomes]`, whose
/// records AVALC's method then describes.
pub fn dataset(responders: Option<Responders>) -> Result<Dataset, ExportError> {
    let responder_method = responders.map_or_else(String::new, |r| {
        format!(
            " CLASI50, CLASI70: Y when CLASIA fell from BASE by at least {}% / {}% (100 * (BASE - AVAL) >= percent * BASE), else N; only for subjects with BASE >= {} and a post-baseline CLASIA (a missing CLASI-A gives no record, never N)",
            r.clasi_50.percent(),
            r.clasi_70.percent(),
            r.clasi_50.min_baseline()
        )
    });
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
                "RESP: CR when CLASIA is at most complete_max_activity, PR when it improves on the baseline by at least partial_min_improvement_percent (any week), else NR; NE when CLAACT is missing. BESTRESP: {BEST_METHOD}{responder_method}"
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
/// The responder parameters of a study with `[outcomes]`.
pub const RESPONDER_PARAMETERS: [(&str, &str); 2] = [CLASI50, CLASI70];
const CLASI50: (&str, &str) = ("CLASI50", "CLASI-50 Responder (CLASI-A Fall >= 50%)");
const CLASI70: (&str, &str) = ("CLASI70", "CLASI-70 Responder (CLASI-A Fall >= 70%)");

/// CLASI-50 and CLASI-70 as the study defines them (`protocol::outcomes::Outcomes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Responders {
    pub clasi_50: ClasiResponse,
    pub clasi_70: ClasiResponse,
}

pub(crate) fn rows<'a>(
    new_row: impl Fn() -> Row<'a>,
    course: &Course,
    definitions: &ResponseDefinitions,
    responders: Option<Responders>,
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
    if let Some(responders) = responders {
        for (param, response) in [
            (CLASI50, responders.clasi_50),
            (CLASI70, responders.clasi_70),
        ] {
            for visit in &course.visits {
                if let Some(responded) = responder(response, base_value, visit.activity()) {
                    let mut row = visit_row(param.0, param.1, visit);
                    row.flag("AVALC", responded);
                    rows.push(row);
                }
            }
        }
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

/// Whether a visit's CLASI-A makes a responder: `None` (no record) when the baseline or the
/// visit's value is missing, or the baseline is below the population's minimum
/// (`ClasiResponse::judge`). CLASI totals are whole numbers; any other value is no CLASI-A.
fn responder(response: ClasiResponse, base: Option<f64>, value: Option<f64>) -> Option<bool> {
    let whole = |x: f64| (x.fract() == 0.0 && (0.0..=70.0).contains(&x)).then_some(x as u8);
    response.judge(whole(base?)?, whole(value?)?)
}

#[cfg(test)]
mod responder_tests {
    use super::*;

    fn check(base: Option<f64>, value: Option<f64>, expect: (Option<bool>, Option<bool>)) {
        let judged = (
            responder(ClasiResponse::CLASI_50, base, value),
            responder(ClasiResponse::CLASI_70, base, value),
        );
        assert_eq!(judged, expect, "{base:?} -> {value:?}");
    }

    #[test]
    fn responders_on_both_sides_of_each_fall_and_of_the_minimum() {
        check(Some(10.0), Some(5.0), (Some(true), Some(false)));
        check(Some(10.0), Some(6.0), (Some(false), Some(false)));
        check(Some(10.0), Some(3.0), (Some(true), Some(true)));
        check(Some(10.0), Some(4.0), (Some(true), Some(false)));
        check(Some(9.0), Some(0.0), (None, None));
        check(None, Some(0.0), (None, None));
        check(Some(10.0), None, (None, None));
        check(Some(10.0), Some(12.0), (Some(false), Some(false)));
    }
}
