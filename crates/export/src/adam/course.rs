//! What every ADaM dataset of a subject needs, derived once from the subject's SDTM rows: the
//! first and last dose, the baseline and the post-baseline CLASI assessments, the last record
//! (the censoring date), the disposition and, under the protocol's response definitions, the
//! response endpoints.
//!
//! The rules are those the study report applies to the record (`outputs::report::snapshot_of`
//! and `analysis::derive`), read from SDTM instead of the store, so ADaM and the report agree:
//! day 0 is the first dose (DM.RFXSTDTC); the baseline is the last CLASI assessment on or before
//! it; a post-baseline visit is an SV record after it, assessed by the CLASI of its VISITNUM and
//! counted on its date (SV.SVSTDTC); response, complete response and relapse are
//! `protocol::endpoint::ResponseCourse`'s. A subject never dosed has no day 0, so no baseline,
//! no assessment and no time to an event (the report counts such a subject from enrolment,
//! which SDTM does not carry).

use jiff::civil::Date;
use protocol::endpoint::{BestResponse, ResponseCourse, ResponseDefinitions};

use super::sdtm_rows::{SdtmRow, SubjectRows};
use crate::dataset::{Cell, Missing};

/// One CLASI assessment: its RS records of one visit.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub visitnum: Option<f64>,
    pub visit: Option<String>,
    /// The date the analysis counts it on: the visit's (SV.SVSTDTC) after day 0, the
    /// assessment's own (RS.RSDTC) for the baseline.
    pub date: Option<Date>,
    /// RS.RSSTRESN of RSTESTCD CLAACT, or why there is none.
    pub activity: Cell,
    /// RS.RSSTRESN of RSTESTCD CLADAM, or why there is none.
    pub damage: Cell,
    /// RS.RSSEQ of the CLAACT record.
    pub seq: Option<f64>,
}

impl Assessment {
    pub fn activity(&self) -> Option<f64> {
        match self.activity {
            Cell::Num(x) => Some(x),
            _ => None,
        }
    }
}

/// The SDTM record a date came from (ADaMIG BDS TTE: SRCDOM, SRCVAR, SRCSEQ).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Source {
    pub date: Date,
    pub domain: &'static str,
    pub variable: &'static str,
    pub seq: Option<f64>,
}

/// How participation ended: the last DS record of DSCAT "DISPOSITION EVENT".
#[derive(Clone, Debug, PartialEq)]
pub struct Disposition {
    pub date: Option<Date>,
    pub decod: String,
}

impl Disposition {
    /// Every disposition but completion ends participation early
    /// (`analysis::snapshot::DispositionEntry::is_withdrawal`).
    pub fn withdrawn(&self) -> bool {
        self.decod != "COMPLETED"
    }
}

/// The response endpoints under the protocol's definitions.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoints {
    pub best: BestResponse,
    /// The post-baseline assessment (index in [`Course::visits`]) of the first complete
    /// response, and of the first relapse after it.
    pub complete: Option<usize>,
    pub relapse: Option<usize>,
}

/// One subject's course, from SDTM.
pub struct Course<'a> {
    pub dm: Option<SdtmRow<'a>>,
    pub first_dose: Option<Date>,
    pub last_dose: Option<Date>,
    pub dosed: bool,
    pub baseline: Option<Assessment>,
    /// Post-baseline visits with a CLASI assessment, in date order.
    pub visits: Vec<Assessment>,
    pub last_record: Option<Source>,
    pub disposition: Option<Disposition>,
    pub endpoints: Option<Endpoints>,
}

impl<'a> Course<'a> {
    pub fn of(rows: &SubjectRows<'a>, definitions: Option<&ResponseDefinitions>) -> Course<'a> {
        let dm = rows.domain("DM").next();
        let first_dose = dm.and_then(|dm| dm.date("RFXSTDTC"));
        let last_dose = dm.and_then(|dm| dm.date("RFXENDTC"));
        let dosed = rows.domain("EX").next().is_some();
        let clasi: Vec<SdtmRow> = rows
            .domain("RS")
            .filter(|rs| rs.text("RSCAT") == Some("CLASI"))
            .collect();
        let baseline = first_dose.and_then(|start| baseline(&clasi, start));
        let visits = first_dose.map_or_else(Vec::new, |start| {
            let mut visits: Vec<Assessment> = rows
                .domain("SV")
                .filter_map(|sv| {
                    let date = sv.date("SVSTDTC").filter(|date| *date > start)?;
                    let visitnum = sv.num("VISITNUM");
                    let records: Vec<SdtmRow> = clasi
                        .iter()
                        .copied()
                        .filter(|rs| visitnum.is_some() && rs.num("VISITNUM") == visitnum)
                        .collect();
                    (!records.is_empty()).then(|| Assessment {
                        date: Some(date),
                        ..assessment(&records)
                    })
                })
                .collect();
            visits.sort_by_key(|visit| visit.date);
            visits
        });
        let disposition = rows
            .domain("DS")
            .filter(|ds| ds.text("DSCAT") == Some("DISPOSITION EVENT"))
            .last()
            .map(|ds| Disposition {
                date: ds.date("DSSTDTC"),
                decod: ds.text("DSDECOD").unwrap_or_default().to_owned(),
            });
        let mut course = Course {
            dm,
            first_dose,
            last_dose,
            dosed,
            baseline,
            visits,
            last_record: last_record(rows),
            disposition,
            endpoints: None,
        };
        course.endpoints = definitions.map(|definitions| course.endpoints(definitions));
        course
    }

    /// `protocol::endpoint` applied to the post-baseline activities, as the report applies it.
    fn endpoints(&self, definitions: &ResponseDefinitions) -> Endpoints {
        let baseline = self.baseline.as_ref().and_then(Assessment::activity);
        let mut response = ResponseCourse::new(definitions, baseline);
        let day = |visit: &Assessment| Some(i64::from((visit.date? - self.first_dose?).get_days()));
        for visit in &self.visits {
            if let (Some(day), Some(activity)) = (day(visit), visit.activity()) {
                response.observe(day, activity);
            }
        }
        let withdrawn = self
            .disposition
            .as_ref()
            .is_some_and(Disposition::withdrawn);
        let at = |wanted: Option<i64>| {
            wanted.and_then(|wanted| {
                self.visits
                    .iter()
                    .position(|visit| day(visit) == Some(wanted) && visit.activity().is_some())
            })
        };
        Endpoints {
            best: response.best(withdrawn),
            complete: at(response.complete_day()),
            relapse: at(response.relapse_day()),
        }
    }

    /// Days from `from` to `to` (the report's time: no day 0 convention, a difference).
    pub fn days(from: Date, to: Date) -> f64 {
        f64::from((to - from).get_days())
    }
}

/// The last CLASI assessment on or before the first dose (the last of them when two share its
/// date).
fn baseline(clasi: &[SdtmRow], start: Date) -> Option<Assessment> {
    let date = clasi
        .iter()
        .filter_map(|rs| rs.date("RSDTC"))
        .filter(|date| *date <= start)
        .max()?;
    let on_date: Vec<SdtmRow> = clasi
        .iter()
        .copied()
        .filter(|rs| rs.date("RSDTC") == Some(date))
        .collect();
    let visitnum = on_date.last().and_then(|rs| rs.num("VISITNUM"));
    let records: Vec<SdtmRow> = on_date
        .into_iter()
        .filter(|rs| rs.num("VISITNUM") == visitnum)
        .collect();
    Some(Assessment {
        date: Some(date),
        ..assessment(&records)
    })
}

/// The totals of one assessment's RS records; a total not recorded is blank.
fn assessment(records: &[SdtmRow]) -> Assessment {
    let total = |code: &str| {
        records
            .iter()
            .find(|rs| rs.text("RSTESTCD") == Some(code))
            .map_or(Cell::Missing(Missing::Blank), |rs| {
                rs.cell("RSSTRESN").clone()
            })
    };
    let first = records.first();
    Assessment {
        visitnum: first.and_then(|rs| rs.num("VISITNUM")),
        visit: first.and_then(|rs| rs.text("VISIT")).map(str::to_owned),
        date: None,
        activity: total("CLAACT"),
        damage: total("CLADAM"),
        seq: records
            .iter()
            .find(|rs| rs.text("RSTESTCD") == Some("CLAACT"))
            .and_then(|rs| rs.num("RSSEQ")),
    }
}

/// The dates a subject's follow-up runs to, as the report takes them (`snapshot_of`'s
/// `last_day`): visits, doses (end, else start), adverse events (end, else start), lab
/// collections and dispositions. The latest wins; on the same date the first in that order of
/// domains, then of records.
pub const LAST_RECORD_DATES: [(&str, &str, Option<&str>, Option<&str>); 5] = [
    ("SV", "SVSTDTC", None, None),
    ("EX", "EXENDTC", Some("EXSTDTC"), Some("EXSEQ")),
    ("AE", "AEENDTC", Some("AESTDTC"), Some("AESEQ")),
    ("LB", "LBDTC", None, Some("LBSEQ")),
    ("DS", "DSSTDTC", None, Some("DSSEQ")),
];

fn last_record(rows: &SubjectRows) -> Option<Source> {
    let mut last: Option<Source> = None;
    for (domain, variable, fallback, seq) in LAST_RECORD_DATES {
        for row in rows.domain(domain) {
            if domain == "DS" && row.text("DSCAT") != Some("DISPOSITION EVENT") {
                continue;
            }
            let found = match (row.date(variable), fallback) {
                (Some(date), _) => Some((date, variable)),
                (None, Some(fallback)) => row.date(fallback).map(|date| (date, fallback)),
                (None, None) => None,
            };
            let Some((date, variable)) = found else {
                continue;
            };
            if last.is_none_or(|last| date > last.date) {
                last = Some(Source {
                    date,
                    domain,
                    variable,
                    seq: seq.and_then(|seq| row.num(seq)),
                });
            }
        }
    }
    last
}
