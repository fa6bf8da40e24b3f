//! Calibration: over a large seeded cohort, the simulated figures fall within the 95%
//! Clopper-Pearson intervals of the published ones (or the published ranges).

use jiff::civil::date;
use simulate::{Model, OperatingCharacteristics, TimeToCrSource, simulate_trial};
use stats::Level;
use stats::proportion::{ProportionMethod, proportion_ci};

use crate::support::shipped;

/// Large enough that sampling error (SE about 1.5% at 1,000) is small beside the published
/// intervals, small enough for the debug-build test suite.
const PATIENTS: u64 = 1000;
const SEED: u64 = 20_090_101;

fn run(protocol: &str, model: &Model, patients: u64) -> OperatingCharacteristics {
    let protocol = shipped(protocol);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    simulate_trial(
        &protocol,
        model,
        (SEED, 0),
        patients,
        date(2010, 1, 4),
        threads,
        drop,
    )
    .expect("simulates")
}

/// The simulated rate lies in the 95% Clopper-Pearson interval of `published` of `n`.
#[track_caller]
fn within_ci(what: &str, simulated: Option<f64>, published: u64, n: u64) {
    let ci = proportion_ci(
        published,
        n,
        ProportionMethod::ClopperPearson,
        Level::NINETY_FIVE,
    )
    .expect("valid proportion");
    let rate = simulated.unwrap_or_else(|| panic!("{what}: undefined"));
    assert!(
        (ci.low..=ci.high).contains(&rate),
        "{what}: simulated {rate:.3} outside {published}/{n} 95% CI {:.3}-{:.3}",
        ci.low,
        ci.high
    );
}

#[track_caller]
fn within_range(what: &str, simulated: Option<f64>, low: f64, high: f64) {
    let value = simulated.unwrap_or_else(|| panic!("{what}: undefined"));
    assert!(
        (low..=high).contains(&value),
        "{what}: simulated {value} outside the published {low}-{high}"
    );
}

#[test]
fn lenalidomide_cohort_matches_the_trial() {
    let oc = run(
        "nct01408199",
        &Model::lenalidomide(TimeToCrSource::Text),
        PATIENTS,
    );
    eprintln!("{oc:#?}");
    within_ci("CR", oc.complete_response.rate, 12, 14);
    within_ci("relapse", oc.relapse.rate, 9, 12);
    within_ci("sustained remission", oc.sustained_remission.rate, 2, 12);
    within_ci("adverse events", oc.adverse_events.rate, 2, 15);
    within_range(
        "time to CR, DLE and SCLE",
        oc.time_to_cr_weeks_median_dle_scle,
        2.0,
        12.0,
    );
    within_range(
        "time to CR, lupus profundus",
        oc.time_to_cr_weeks_median_lupus_profundus,
        4.0,
        36.0,
    );
    within_range(
        "relapse after reduction",
        oc.relapse_weeks_after_reduction_median,
        2.0,
        8.0,
    );
}

#[test]
fn thalidomide_cohort_matches_the_cohort_summary() {
    // Eight years of follow-up make each patient ten times the work: a smaller cohort, still
    // with a sampling SE (about 2-3%) well inside the intervals.
    let oc = run("thalidomide-cohort", &Model::thalidomide(), PATIENTS / 3);
    eprintln!("{oc:#?}");
    within_ci("CR", oc.complete_response.rate, 51, 60);
    // 70% relapse, taken of the 51 patients in CR.
    within_ci("relapse", oc.relapse.rate, 36, 51);
    // "usually five months" after withdrawal or reduction: 3 to 7 months is taken as "about".
    within_range(
        "relapse after reduction",
        oc.relapse_weeks_after_reduction_median,
        13.0,
        30.0,
    );
}
