//! ADSL, the subject-level analysis dataset: one row per subject (ADaMIG v1.3 section 3,
//! "ADSL"), with the populations, treatment, baseline and (under the protocol's response
//! definitions) each subject's best response, complete response and relapse.

use instruments::subtype::SubtypeGroup;
use protocol::endpoint::BestResponse;

use super::course::{Assessment, Course};
use crate::ExportError;
use crate::dataset::{Cell, Dataset, Missing, Variable};
use crate::sdtm::Row;

/// The variables; the response variables only when the protocol defines response.
pub fn dataset(responds: bool) -> Result<Dataset, ExportError> {
    let t = Variable::text;
    let n = Variable::num;
    let d = Variable::date;
    // ADaMIG v1.3 section 3.2, Table 3.2.1 (identifiers and demographics copied from DM).
    let mut variables = vec![
        t("STUDYID", "Study Identifier", 32).predecessor("DM.STUDYID"),
        t("USUBJID", "Unique Subject Identifier", 40).predecessor("DM.USUBJID"),
        t("SUBJID", "Subject Identifier for the Study", 20).predecessor("DM.SUBJID"),
        t("SITEID", "Study Site Identifier", 20).predecessor("DM.SITEID"),
        n("AGE", "Age").predecessor("DM.AGE"),
        t("AGEU", "Age Units", 5).predecessor("DM.AGEU"),
        t("SEX", "Sex", 1).predecessor("DM.SEX"),
        t("ARM", "Description of Planned Arm", 40).predecessor("DM.ARM"),
        t("ACTARM", "Description of Actual Arm", 40).predecessor("DM.ACTARM"),
        // Section 3.2, "Treatment variables": a single-arm study's one period.
        t("TRT01P", "Planned Treatment for Period 01", 40).predecessor("DM.ARM"),
        t("TRT01A", "Actual Treatment for Period 01", 40).predecessor("DM.ACTARM"),
        // Section 3.2, "Subject-level population and baseline flags".
        t("ENRLFL", "Enrolled Population Flag", 1)
            .derived("Y when DM.ARMCD is not SCRNFAIL (the subject was enrolled), else N"),
        t("ITTFL", "Intent-To-Treat Population Flag", 1).derived(
            "Y when DM.ARMCD is neither SCRNFAIL nor NOTASSGN: every enrolled subject of a single-arm study, every randomised one of a randomised study (ICH E9 section 5.2.1); else N",
        ),
        t("SAFFL", "Safety Population Flag", 1)
            .derived("Y when the subject has any EX record (received any dose), else N"),
        // Section 3.2, "Dates": numeric dates of the first and last exposure.
        d("RFICDT", "Date of Informed Consent")
            .derived("DM.RFICDTC as a SAS date (days since 1960-01-01)"),
        d("TRTSDT", "Date of First Exposure to Treatment")
            .derived("DM.RFXSTDTC (the first EX.EXSTDTC) as a SAS date"),
        d("TRTEDT", "Date of Last Exposure to Treatment")
            .derived("DM.RFXENDTC (the last EX.EXENDTC, else EX.EXSTDTC) as a SAS date"),
        n("TRTDURD", "Total Treatment Duration (Days)")
            .derived("TRTEDT - TRTSDT + 1, from DM.RFXENDTC and DM.RFXSTDTC"),
        // Section 3.2, "Trial experience": end of study from the last disposition.
        t("EOSSTT", "End of Study Status", 12).derived(
            "From the last DS record with DSCAT DISPOSITION EVENT: COMPLETED when DS.DSDECOD is COMPLETED, DISCONTINUED for any other DS.DSDECOD; ONGOING without one",
        ),
        t("DCSREAS", "Reason for Discontinuation from Study", 40).derived(
            "DS.DSDECOD of the last DS record with DSCAT DISPOSITION EVENT when it is not COMPLETED",
        ),
        d("EOSDT", "End of Study Date").derived(
            "DS.DSSTDTC of the last DS record with DSCAT DISPOSITION EVENT, as a SAS date",
        ),
        d("LSTRECDT", "Date of Last Record").derived(
            "The latest of SV.SVSTDTC, EX.EXENDTC (else EX.EXSTDTC), AE.AEENDTC (else AE.AESTDTC), LB.LBDTC and DS.DSSTDTC of DSCAT DISPOSITION EVENT, as a SAS date: where follow-up ends",
        ),
        // Section 3.2, "Subject demographic variables": the disease subtype (sponsor-defined).
        t("CLESUBTY", "CLE Subtype", 40).predecessor("SUPPDM.QVAL"),
        t("SUBTYPGR", "CLE Subtype Group", 20).derived(
            "SUPPDM.QVAL of QNAM CLESUBTY grouped as the report groups subtypes: every DLE form DLE, LE profundus Lupus profundus, SCLE forms SCLE, ACLE forms ACLE, LE tumidus LET, any other Other",
        ),
        // Section 3.2, baseline characteristics (sponsor-defined names).
        n("BCLASIA", "Baseline CLASI Activity Score").derived(BASELINE_METHOD_ACTIVITY),
        n("BCLASID", "Baseline CLASI Damage Score").derived(BASELINE_METHOD_DAMAGE),
    ];
    if responds {
        variables.extend([
            t("EFFFL", "Efficacy (Evaluable) Population Flag", 1).derived(
                "Y when BESTRSP is CR, PR or NR (a baseline RS CLAACT, a later one, and not withdrawn before any response), else N",
            ),
            t("BESTRSP", "Best Overall Response", 9).derived(BEST_METHOD),
            t("CRFL", "Complete Response Flag", 1).derived(
                "Y when a post-baseline visit's RS.RSSTRESN of CLAACT is at most the protocol's complete_max_activity, else N",
            ),
            d("CRDT", "Date of First Complete Response").derived(
                "SV.SVSTDTC of the first post-baseline visit whose RS.RSSTRESN of CLAACT is at most complete_max_activity, as a SAS date",
            ),
            t("RELFL", "Relapse After Complete Response Flag", 1).derived(
                "For subjects with CRFL Y: Y when a visit after CRDT has RS.RSSTRESN of CLAACT at least the protocol's relapse_min_activity, else N; blank without complete response",
            ),
            d("RELDT", "Date of First Relapse").derived(
                "SV.SVSTDTC of the first visit after CRDT whose RS.RSSTRESN of CLAACT is at least relapse_min_activity, as a SAS date",
            ),
        ]);
    }
    // ADaMIG v1.3 section 3.2: one record per subject, identified by the subject.
    Dataset::new("ADSL", "Subject-Level Analysis Dataset", variables)?
        .keyed(&["STUDYID", "USUBJID"])
}

const BASELINE_METHOD_ACTIVITY: &str = "RS.RSSTRESN of RSTESTCD CLAACT of the last CLASI assessment (RSCAT CLASI) with RS.RSDTC on or before DM.RFXSTDTC; blank (.) when that assessment has no CLAACT, not done (.D) without such an assessment, not applicable (.N) without a first dose";
const BASELINE_METHOD_DAMAGE: &str =
    "RS.RSSTRESN of RSTESTCD CLADAM of the baseline CLASI assessment (as BCLASIA)";
pub(crate) const BEST_METHOD: &str = "protocol::endpoint::ResponseCourse over RS.RSSTRESN of CLAACT at each post-baseline visit (SV.SVSTDTC after DM.RFXSTDTC, same VISITNUM) against the baseline: CR when any is at most complete_max_activity; PR when any improves on the baseline by at least partial_min_improvement_percent within partial_by_week weeks of DM.RFXSTDTC; else WITHDRAWN when the last DS DISPOSITION EVENT is not COMPLETED; else NE without a baseline or a post-baseline value; else NR";

/// BESTRSP's code of a best response.
pub fn best_code(best: BestResponse) -> &'static str {
    match best {
        BestResponse::Complete => "CR",
        BestResponse::Partial => "PR",
        BestResponse::NoResponse => "NR",
        BestResponse::Withdrawn => "WITHDRAWN",
        BestResponse::NotEvaluable => "NE",
    }
}

/// A baseline total: the assessment's value or its reason; not done without an assessment,
/// not applicable without a first dose.
fn baseline_total(course: &Course, total: impl Fn(&Assessment) -> &Cell) -> Cell {
    match (&course.baseline, course.first_dose) {
        (Some(baseline), _) => total(baseline).clone(),
        (None, Some(_)) => Cell::Missing(Missing::NotDone),
        (None, None) => Cell::Missing(Missing::NotApplicable),
    }
}

/// The row of a subject whose SUPPDM gives `subtype` (the CLESUBTY QVAL).
pub(crate) fn row<'a>(mut row: Row<'a>, course: &Course, subtype: Option<&str>) -> Row<'a> {
    let Some(dm) = course.dm else { return row };
    for name in ["SUBJID", "SITEID", "AGE", "AGEU", "SEX", "ARM", "ACTARM"] {
        row.set(name, dm.cell(name).clone());
    }
    if let Some(subtype) = subtype {
        row.text("CLESUBTY", subtype);
        let group = instruments::subtype::Subtype::ALL
            .into_iter()
            .find(|known| known.label() == subtype)
            .map_or(SubtypeGroup::Other, SubtypeGroup::of);
        row.text("SUBTYPGR", group.label());
    }
    row.set("TRT01P", dm.cell("ARM").clone())
        .set("TRT01A", dm.cell("ACTARM").clone());
    let enrolled = dm.text("ARMCD").is_some_and(|arm| arm != "SCRNFAIL");
    let intended = enrolled && dm.text("ARMCD") != Some("NOTASSGN");
    row.flag("ENRLFL", enrolled)
        .flag("ITTFL", intended)
        .flag("SAFFL", course.dosed)
        .sas_date("RFICDT", dm.date("RFICDTC"))
        .sas_date("TRTSDT", course.first_dose)
        .sas_date("TRTEDT", course.last_dose);
    if let (Some(first), Some(last)) = (course.first_dose, course.last_dose) {
        row.num("TRTDURD", Some(Course::days(first, last) + 1.0));
    }
    match &course.disposition {
        Some(disposition) if disposition.withdrawn() => {
            row.text("EOSSTT", "DISCONTINUED")
                .text("DCSREAS", disposition.decod.as_str());
        }
        Some(_) => {
            row.text("EOSSTT", "COMPLETED");
        }
        None => {
            row.text("EOSSTT", "ONGOING");
        }
    }
    row.sas_date("EOSDT", course.disposition.as_ref().and_then(|d| d.date))
        .sas_date("LSTRECDT", course.last_record.map(|last| last.date))
        .set("BCLASIA", baseline_total(course, |a| &a.activity))
        .set("BCLASID", baseline_total(course, |a| &a.damage));
    if let Some(endpoints) = &course.endpoints {
        let date = |index: Option<usize>| index.and_then(|i| course.visits[i].date);
        let complete = endpoints.complete.is_some();
        row.flag("EFFFL", endpoints.best.evaluable())
            .text("BESTRSP", best_code(endpoints.best))
            .flag("CRFL", complete)
            .sas_date("CRDT", date(endpoints.complete))
            .sas_date("RELDT", date(endpoints.relapse));
        if complete {
            row.flag("RELFL", endpoints.relapse.is_some());
        }
    }
    row
}
