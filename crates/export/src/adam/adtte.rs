//! ADTTE, the ADaM Basic Data Structure for time-to-event analyses (ADaM BDS for TTE, ADaMIG
//! v1.3 section 4 with the "ADaM Basic Data Structure for Time-to-Event Analyses" v1.0): per
//! dosed subject the time to complete response (TTCR) from the first dose, and per subject in
//! complete response the time to relapse (TTRELAP) from it; an event is CNSR 0, censoring at
//! the last record CNSR 1, as the report's `analysis::derive::time_to` counts them.

use super::course::{Course, Source};
use crate::ExportError;
use crate::dataset::{Dataset, Variable};
use crate::sdtm::Row;

pub fn dataset() -> Result<Dataset, ExportError> {
    let t = Variable::text;
    let n = Variable::num;
    let d = Variable::date;
    Dataset::new(
        "ADTTE",
        "Time-to-Event Analysis Dataset",
        super::bds_identifiers().into_iter().chain([
            // TTE section 3.2: AVAL = ADT - STARTDT. The report's weeks are these days / 7.
            n("AVAL", "Analysis Value").derived(
                "ADTTE.ADT - ADTTE.STARTDT in days, at least 0 (the report's time in weeks times 7)",
            ),
            t("AVALU", "Analysis Value Unit", 4).assigned(),
            d("STARTDT", "Time-to-Event Origin Date for Subject").derived(
                "TTCR: DM.RFXSTDTC (first dose); TTRELAP: SV.SVSTDTC of the first complete response (ADSL.CRDT), as SAS dates",
            ),
            d("ADT", "Analysis Date").derived(
                "Event: SV.SVSTDTC of the visit (TTCR: first CLAACT at most complete_max_activity; TTRELAP: first CLAACT at least relapse_min_activity after it). Censored: ADSL.LSTRECDT, the last record",
            ),
            n("CNSR", "Censor")
                .derived("0 when an RS.RSSTRESN of CLAACT met the event's definition, 1 when censored at ADSL.LSTRECDT"),
            t("EVNTDESC", "Event or Censoring Description", 40)
                .derived("COMPLETE RESPONSE or RELAPSE (from RS.RSSTRESN), LAST RECORD when censored"),
            t("CNSDTDSC", "Censor Date Description", 60).derived(
                "For censored records: the variable that gave ADSL.LSTRECDT (SV.SVSTDTC, EX.EXENDTC, AE.AEENDTC, LB.LBDTC, DS.DSSTDTC ...)",
            ),
            t("SRCDOM", "Source Data", 8).derived(
                "RS for an event; for censoring the domain of the last record (SV, EX, AE, LB or DS)",
            ),
            t("SRCVAR", "Source Variable", 8)
                .derived("RS.RSSTRESN for an event; the date variable of the last record"),
            n("SRCSEQ", "Source Sequence Number").derived(
                "RS.RSSEQ of the CLAACT record for an event; --SEQ of the last record (none for SV)",
            ),
        ]).collect(),
    )?
    // TTE section 3.2: one record per subject per parameter.
    .keyed(&["STUDYID", "USUBJID", "PARAMCD"])
}

/// The parameters (PARAMCD, PARAM): time to complete response from the first dose, time to
/// relapse from the complete response.
pub const PARAMETERS: [(&str, &str); 2] = [TTCR, TTRELAP];
const TTCR: (&str, &str) = ("TTCR", "Time to Complete Response (Days)");
const TTRELAP: (&str, &str) = ("TTRELAP", "Time to Relapse After Complete Resp (Days)");

/// EVNTDESC's values: the two events, and censoring at the last record.
pub const EVENT_DESCRIPTIONS: [&str; 3] = [COMPLETE_RESPONSE, RELAPSE, LAST_RECORD];
const COMPLETE_RESPONSE: &str = "COMPLETE RESPONSE";
const RELAPSE: &str = "RELAPSE";
const LAST_RECORD: &str = "LAST RECORD";

pub(crate) fn rows<'a>(new_row: impl Fn() -> Row<'a>, course: &Course) -> Vec<Row<'a>> {
    let (Some(endpoints), Some(start)) = (&course.endpoints, course.first_dose) else {
        return Vec::new();
    };
    let event = |index: usize| {
        let visit = &course.visits[index];
        visit.date.map(|date| Source {
            date,
            domain: "RS",
            variable: "RSSTRESN",
            seq: visit.seq,
        })
    };
    let mut rows = Vec::new();
    let mut push =
        |paramcd: &str, param: &str, from: jiff::civil::Date, found: Option<Source>, what: &str| {
            let mut row = new_row();
            row.text("PARAMCD", paramcd)
                .text("PARAM", param)
                .text("AVALU", "DAYS")
                .sas_date("STARTDT", Some(from));
            let (end, censored) = match found {
                Some(event) => (Some(event), false),
                None => (course.last_record, true),
            };
            if let Some(end) = end {
                row.num("AVAL", Some(Course::days(from, end.date).max(0.0)))
                    .sas_date("ADT", Some(end.date))
                    .text("SRCDOM", end.domain)
                    .text("SRCVAR", end.variable)
                    .num("SRCSEQ", end.seq);
            }
            row.num("CNSR", Some(if censored { 1.0 } else { 0.0 }));
            if censored {
                row.text("EVNTDESC", LAST_RECORD);
                if let Some(end) = end {
                    row.text("CNSDTDSC", format!("{}.{}", end.domain, end.variable));
                }
            } else {
                row.text("EVNTDESC", what);
            }
            rows.push(row);
        };
    let complete = endpoints.complete.and_then(event);
    push(TTCR.0, TTCR.1, start, complete, COMPLETE_RESPONSE);
    if let Some(complete) = complete {
        push(
            TTRELAP.0,
            TTRELAP.1,
            complete.date,
            endpoints.relapse.and_then(event),
            RELAPSE,
        );
    }
    rows
}
