//! `simulate`: virtual cohorts of CLE patients run through the real protocol engine.
//!
//! Codemap:
//! - [`model`]: the documented parameters, per drug and subtype group, each citing the
//!   published figure it is calibrated to.
//! - [`patient`]: a virtual patient's traits, drawn once.
//! - [`course`]: one patient, encounter by encounter, with the engine (`protocol::FollowUp`)
//!   choosing the dose.
//! - [`summary`] and [`cohort`]: per-patient results and a cohort's operating characteristics.
//! - [`power`]: the power of a two-arm randomised trial's response rate, each trial allocated by
//!   the protocol's own method and tested by Fisher's exact test.
//! - [`rng`]: the seeded generator (one stream per patient).
//! - [`published`]: the trial paper's 15 patients as dated courses, replayed through the engine.
//! - [`grid`]: a CLASI form, area by area, with given totals (for records of simulated courses).
//!
//! Invariants: no I/O and no clock (the start date and the seed come from the caller); a
//! patient's course depends only on (seed, trial, patient index), never on thread count.

pub mod cohort;
pub mod course;
pub mod grid;
pub mod model;
pub mod patient;
pub mod power;
pub mod published;
pub mod rng;
pub mod summary;

use std::ops::Range;

use jiff::civil::Date;
use protocol::{Protocol, Timetable};

pub use cohort::{
    AcrossTrials, Characteristics, Cohort, Figures, OneCohort, OperatingCharacteristics, Rate,
    RateSpread, Spread, TrialsCharacteristics,
};
pub use course::Encounter;
pub use model::{Model, TimeToCrSource};
pub use summary::PatientSummary;

#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error("protocol: {0} has no treatment algorithm; simulate needs one")]
    NoAlgorithm(String),
    #[error(transparent)]
    Decide(#[from] protocol::DecideError),
    /// A drawn value the record cannot hold: a bug in the model, not the user's input.
    #[error("model produced an invalid {0}")]
    Model(&'static str),
}

/// A record the engine's follow-up refused: a bug in the course, not the user's input.
impl From<protocol::history::HistoryError> for SimulateError {
    fn from(error: protocol::history::HistoryError) -> SimulateError {
        SimulateError::Decide(error.into())
    }
}

/// Runs patient `index` of trial `trial` from its own random stream.
pub fn simulate_patient(
    protocol: &Protocol,
    model: &Model,
    (seed, trial, index): (u64, u64, u64),
    start: Date,
    mut on_encounter: impl FnMut(&Encounter<'_>),
) -> Result<PatientSummary, SimulateError> {
    let mut rng = rng::Rng::for_patient(seed, trial, index);
    let timetable = Timetable::new(protocol, start);
    course::run_patient(&timetable, model, &mut rng, Some(&mut on_encounter))
}

/// Runs `work` for each index of `range` on up to `threads` threads and returns the results
/// in index order (so output is the same whatever the thread count).
pub fn parallel_map<T: Send>(
    range: Range<u64>,
    threads: usize,
    work: impl Fn(u64) -> T + Sync,
) -> Vec<T> {
    let count = (range.end.saturating_sub(range.start)) as usize;
    let threads = threads.clamp(1, count.max(1));
    let per_thread = count.div_ceil(threads) as u64;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads as u64)
            .map(|t| {
                let from = range.start + t * per_thread;
                let to = (from + per_thread).min(range.end);
                let work = &work;
                scope.spawn(move || (from..to).map(work).collect::<Vec<T>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Patients run between two progress reports (and held in memory at once).
pub const CHUNK: u64 = 1024;

/// Runs one trial of `patients` and returns its operating characteristics; `progress` hears
/// how many patients each chunk finished.
pub fn simulate_trial(
    protocol: &Protocol,
    model: &Model,
    (seed, trial): (u64, u64),
    patients: u64,
    start: Date,
    threads: usize,
    mut progress: impl FnMut(u64),
) -> Result<OperatingCharacteristics, SimulateError> {
    let mut cohort = Cohort::default();
    // Every patient starts on the same day: one timetable for all.
    let timetable = Timetable::new(protocol, start);
    let mut from = 0;
    while from < patients {
        let to = (from + CHUNK).min(patients);
        // Nobody reads the encounters: the engine's sentences are never written.
        let results = parallel_map(from..to, threads, |index| {
            let mut rng = rng::Rng::for_patient(seed, trial, index);
            course::run_patient(&timetable, model, &mut rng, None)
        });
        for result in results {
            cohort.add(&result?);
        }
        progress(to - from);
        from = to;
    }
    Ok(cohort.characteristics())
}
