//! The thalidomide cohort's demo: 60 synthetic patients (the cohort's size) from the
//! simulator's thalidomide model, whose every parameter cites the cohort summary (Cortés-Hernández
//! et al., Br J Dermatol 2012;166:616): response 98%, CR 85%, relapse 70% with the DLE and SCLE
//! odds ratios, paraesthesia 18% with neuropathy in 5 of 11. The summary gives no subtype mix, so
//! the model uses the lenalidomide trial's (a SETTING of the model). Each patient walks through the
//! real engine, visit by visit, and is entered as the trial's patients are.

use jiff::ToSpan;
use jiff::civil::Date;
use protocol::Protocol;
use simulate::model::Model;

use crate::enter::PatientCourse;
use crate::io::CliError;
use crate::simulate_cmd::virtual_patient;

pub const PATIENTS: u64 = 60;
/// The seed of the demo's cohort: the same 60 patients every time.
const SEED: u64 = 2012;

/// Patient `index` (0-59) starts on a Monday, seven weeks after the previous one from January
/// 2003, so the cohort spans the summary's eight years of follow-up.
fn start(index: u64) -> Date {
    jiff::civil::date(2003, 1, 6).saturating_add((index as i64 * 49).days())
}

pub fn courses(protocol: &Protocol, sites: [&str; 2]) -> Result<Vec<PatientCourse>, CliError> {
    let model = Model::thalidomide();
    (0..PATIENTS)
        .map(|index| {
            let site = sites[usize::from(index >= PATIENTS / 2)];
            let code = store::subject_code(site, format_args!("T{:02}", index + 1));
            virtual_patient(protocol, &model, (SEED, index), start(index), site, code)
        })
        .collect()
}
