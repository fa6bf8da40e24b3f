//! A cohort's operating characteristics, accumulated one patient at a time in memory that does
//! not grow with the cohort (durations are counted by day), and their spread across trials.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use protocol::endpoint::BestResponse;
use schemars::JsonSchema;
use serde::Serialize;
use stats::describe::{quantile_sorted, summarize};

use crate::model::Group;
use crate::summary::PatientSummary;

/// Counts of durations by whole day: the exact median in memory bounded by the follow-up.
#[derive(Clone, Debug, Default, PartialEq)]
struct DayCounts(BTreeMap<i64, u64>);

impl DayCounts {
    fn add(&mut self, weeks: f64) {
        *self.0.entry((weeks * 7.0).round() as i64).or_default() += 1;
    }

    /// The median in weeks (R's type 7: the mean of the two middle values when n is even).
    fn median_weeks(&self) -> Option<f64> {
        let n: u64 = self.0.values().sum();
        if n == 0 {
            return None;
        }
        let nth = |k: u64| {
            let mut seen = 0;
            self.0
                .iter()
                .find(|(_, count)| {
                    seen += **count;
                    seen > k
                })
                .map_or(0, |(day, _)| *day)
        };
        let (low, high) = (nth((n - 1) / 2), nth(n / 2));
        Some((low + high) as f64 / 2.0 / 7.0)
    }
}

/// Running totals over the patients of one virtual trial.
#[derive(Clone, Debug, Default)]
pub struct Cohort {
    patients: u64,
    evaluable: u64,
    complete: u64,
    partial: u64,
    relapsed: u64,
    sustained: u64,
    with_adverse_events: u64,
    stops: BTreeMap<String, u64>,
    exposure_mg: f64,
    weeks_on_treatment: f64,
    cycles: u64,
    time_to_cr: DayCounts,
    time_to_cr_dle_scle: DayCounts,
    time_to_cr_profundus: DayCounts,
    relapse_after_reduction: DayCounts,
}

/// A count and its share of a denominator (`None` when the denominator is 0: not a 0% rate).
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Rate {
    pub count: u64,
    pub of: u64,
    pub rate: Option<f64>,
}

fn rate(count: u64, of: u64) -> Rate {
    Rate {
        count,
        of,
        rate: (of > 0).then(|| count as f64 / of as f64),
    }
}

/// What the figures of [`Characteristics`] are: one cohort's numbers ([`OneCohort`]) or their
/// spread across trials ([`AcrossTrials`]). One struct holds both, so a single cohort and
/// `simulate --trials` name every figure alike and carry the same figures.
pub trait Figures {
    /// A number of patients.
    type Count: Clone + fmt::Debug + PartialEq + Serialize + JsonSchema;
    /// A count out of a denominator, with its share.
    type Rate: Clone + fmt::Debug + PartialEq + Serialize + JsonSchema;
    /// A number that can be undefined (the median of no one).
    type Number: Clone + fmt::Debug + PartialEq + Serialize + JsonSchema;
}

/// One cohort's figures.
#[derive(Clone, Copy, Debug, PartialEq, JsonSchema)]
pub struct OneCohort;

impl Figures for OneCohort {
    type Count = u64;
    type Rate = Rate;
    type Number = Option<f64>;
}

/// Each figure's spread across trials (`None` where no trial defines it).
#[derive(Clone, Copy, Debug, PartialEq, JsonSchema)]
pub struct AcrossTrials;

impl Figures for AcrossTrials {
    type Count = Option<Spread>;
    type Rate = RateSpread;
    type Number = Option<Spread>;
}

/// A [`Rate`]'s count, denominator and share, each spread across trials.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct RateSpread {
    pub count: Option<Spread>,
    pub of: Option<Spread>,
    pub rate: Option<Spread>,
}

/// What a protocol did to a virtual cohort: one cohort's figures ([`OperatingCharacteristics`])
/// or their spread across trials ([`TrialsCharacteristics`]), under the same names.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(bound = "")]
pub struct Characteristics<F: Figures> {
    pub patients: F::Count,
    /// The evaluable population, the denominator of response, as the report counts it
    /// (`protocol::endpoint::BestResponse::evaluable`; trial: 14 of 15).
    pub evaluable: F::Count,
    /// CR among evaluable patients (trial: 12 of 14).
    pub complete_response: F::Rate,
    pub partial_response: F::Rate,
    /// At least one relapse among patients who reached CR (trial: 9 of 12).
    pub relapse: F::Rate,
    /// CR, no relapse and off treatment at the end (trial: 2 of 12, both SCLE).
    pub sustained_remission: F::Rate,
    /// Patients whose treatment a stopping rule ended, by rule.
    pub stopped: F::Rate,
    pub stops: BTreeMap<String, F::Count>,
    /// Patients with an adverse event or flagged laboratory toxicity (trial: 2 of 15).
    pub adverse_events: F::Rate,
    pub time_to_cr_weeks_median: F::Number,
    pub time_to_cr_weeks_median_dle_scle: F::Number,
    pub time_to_cr_weeks_median_lupus_profundus: F::Number,
    /// From the first dose reduction after CR to the first relapse.
    pub relapse_weeks_after_reduction_median: F::Number,
    pub mean_exposure_mg: F::Number,
    pub mean_weeks_on_treatment: F::Number,
    pub mean_cycles: F::Number,
}

/// One cohort's operating characteristics.
pub type OperatingCharacteristics = Characteristics<OneCohort>;

/// The spread of each operating characteristic across trials.
pub type TrialsCharacteristics = Characteristics<AcrossTrials>;

impl Cohort {
    pub fn add(&mut self, patient: &PatientSummary) {
        self.patients += 1;
        self.evaluable += u64::from(patient.outcome.evaluable());
        let complete = patient.outcome == BestResponse::Complete;
        self.complete += u64::from(complete);
        self.partial += u64::from(patient.outcome == BestResponse::Partial);
        if complete {
            self.relapsed += u64::from(patient.relapses > 0);
            self.sustained += u64::from(patient.sustained_remission);
        }
        self.with_adverse_events += u64::from(patient.adverse_events + patient.toxicity_flags > 0);
        if let Some(rule) = &patient.stop_rule {
            *self.stops.entry(rule.clone()).or_default() += 1;
        }
        self.exposure_mg += patient.exposure_mg;
        self.weeks_on_treatment += patient.weeks_on_treatment;
        self.cycles += u64::from(patient.cycles);
        if let Some(weeks) = patient.time_to_cr_weeks {
            self.time_to_cr.add(weeks);
            match patient.group {
                Group::Dle | Group::Scle => self.time_to_cr_dle_scle.add(weeks),
                Group::LupusProfundus => self.time_to_cr_profundus.add(weeks),
                Group::Other => {}
            }
        }
        if let Some(weeks) = patient.relapse_weeks_after_reduction {
            self.relapse_after_reduction.add(weeks);
        }
    }

    pub fn characteristics(&self) -> OperatingCharacteristics {
        let mean = |total: f64| (self.patients > 0).then(|| total / self.patients as f64);
        let complete = self.complete;
        let had_cr = self.time_to_cr.0.values().sum();
        Characteristics {
            patients: self.patients,
            evaluable: self.evaluable,
            complete_response: rate(complete, self.evaluable),
            partial_response: rate(self.partial, self.evaluable),
            relapse: rate(self.relapsed, had_cr),
            sustained_remission: rate(self.sustained, had_cr),
            stopped: rate(self.stops.values().sum(), self.patients),
            stops: self.stops.clone(),
            adverse_events: rate(self.with_adverse_events, self.patients),
            time_to_cr_weeks_median: self.time_to_cr.median_weeks(),
            time_to_cr_weeks_median_dle_scle: self.time_to_cr_dle_scle.median_weeks(),
            time_to_cr_weeks_median_lupus_profundus: self.time_to_cr_profundus.median_weeks(),
            relapse_weeks_after_reduction_median: self.relapse_after_reduction.median_weeks(),
            mean_exposure_mg: mean(self.exposure_mg),
            mean_weeks_on_treatment: mean(self.weeks_on_treatment),
            mean_cycles: mean(self.cycles as f64),
        }
    }
}

/// One characteristic across trials: mean, SD and the 2.5th and 97.5th percentiles (R type 7).
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Spread {
    /// Trials in which the characteristic was defined (a rate needs a denominator).
    pub trials: usize,
    pub mean: f64,
    pub sd: Option<f64>,
    pub p2_5: f64,
    pub p97_5: f64,
}

/// The spread of `values` (one per trial; undefined ones left out), `None` when none is defined.
pub fn spread(values: impl Iterator<Item = Option<f64>>) -> Option<Spread> {
    let mut defined: Vec<f64> = values.flatten().collect();
    let summary = summarize(&defined).ok()?;
    defined.sort_by(f64::total_cmp);
    Some(Spread {
        trials: summary.n,
        mean: summary.mean,
        sd: summary.sd,
        p2_5: quantile_sorted(&defined, 0.025),
        p97_5: quantile_sorted(&defined, 0.975),
    })
}

impl TrialsCharacteristics {
    /// The spread of each figure of `trials` (a stopping rule no trial used is left out; one
    /// some trials used counts 0 in the others).
    pub fn of(trials: &[OperatingCharacteristics]) -> TrialsCharacteristics {
        let count = |of: fn(&OperatingCharacteristics) -> u64| {
            spread(trials.iter().map(|t| Some(of(t) as f64)))
        };
        let number =
            |of: fn(&OperatingCharacteristics) -> Option<f64>| spread(trials.iter().map(of));
        let rate = |of: fn(&OperatingCharacteristics) -> &Rate| RateSpread {
            count: spread(trials.iter().map(|t| Some(of(t).count as f64))),
            of: spread(trials.iter().map(|t| Some(of(t).of as f64))),
            rate: spread(trials.iter().map(|t| of(t).rate)),
        };
        let rules: BTreeSet<&String> = trials.iter().flat_map(|t| t.stops.keys()).collect();
        let stops = rules
            .into_iter()
            .map(|rule| {
                let counts = trials
                    .iter()
                    .map(|t| Some(t.stops.get(rule).copied().unwrap_or(0) as f64));
                (rule.clone(), spread(counts))
            })
            .collect();
        Characteristics {
            patients: count(|t| t.patients),
            evaluable: count(|t| t.evaluable),
            complete_response: rate(|t| &t.complete_response),
            partial_response: rate(|t| &t.partial_response),
            relapse: rate(|t| &t.relapse),
            sustained_remission: rate(|t| &t.sustained_remission),
            stopped: rate(|t| &t.stopped),
            stops,
            adverse_events: rate(|t| &t.adverse_events),
            time_to_cr_weeks_median: number(|t| t.time_to_cr_weeks_median),
            time_to_cr_weeks_median_dle_scle: number(|t| t.time_to_cr_weeks_median_dle_scle),
            time_to_cr_weeks_median_lupus_profundus: number(|t| {
                t.time_to_cr_weeks_median_lupus_profundus
            }),
            relapse_weeks_after_reduction_median: number(|t| {
                t.relapse_weeks_after_reduction_median
            }),
            mean_exposure_mg: number(|t| t.mean_exposure_mg),
            mean_weeks_on_treatment: number(|t| t.mean_weeks_on_treatment),
            mean_cycles: number(|t| t.mean_cycles),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(weeks: &[f64], expect: Option<f64>) {
        let mut counts = DayCounts::default();
        weeks.iter().for_each(|w| counts.add(*w));
        assert_eq!(counts.median_weeks(), expect, "{weeks:?}");
    }

    #[test]
    fn day_count_median_is_the_middle_value() {
        check(&[], None);
        check(&[4.0], Some(4.0));
        check(&[2.0, 4.0], Some(3.0));
        check(&[12.0, 2.0, 4.0], Some(4.0));
        check(&[4.0, 4.0, 8.0, 8.0], Some(6.0));
        check(&[4.0, 4.0, 4.0, 8.0], Some(4.0));
    }

    #[test]
    fn spread_leaves_undefined_trials_out() {
        assert_eq!(spread([None, None].into_iter()), None);
        let s = spread([Some(0.5), None, Some(0.7)].into_iter()).expect("two trials");
        assert_eq!(s.trials, 2);
        assert!((s.mean - 0.6).abs() < 1e-12);
        assert!((s.p2_5 - 0.505).abs() < 1e-12 && (s.p97_5 - 0.695).abs() < 1e-12);
    }
}
