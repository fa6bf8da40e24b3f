//! The CLASI responder endpoints of the 2020s CLE trials, per analysis visit: CLASI-50 and
//! CLASI-70 (a fall of at least 50% / 70% in CLASI-A from baseline, `instruments::clasi::
//! ClasiResponse`: LILAC's definition [O13], AMETHYST's [O12]) among the subjects whose baseline
//! CLASI-A reaches the protocol's minimum (`[outcomes] clasi_min_baseline`, 10 by default as both
//! trials enrolled, FRONTIER.md), and the percent change of CLASI-A (PAISLEY CLE's primary
//! endpoint, FRONTIER.md; `instruments::clasi::percent_change`). Source ids are those of
//! `docs/OUTCOMES.md`.
//!
//! Subjects below the minimum, or without a baseline CLASI-A, are listed with why: they are
//! outside the responder population, not non-responders. A subject of the population without a
//! CLASI-A at a visit is counted as missing at that visit, neither responder nor non-responder
//! ([`MISSING_RULE`]).

use std::io::Write;

use instruments::clasi::{ClasiResponse, percent_change};
use protocol::analysis::Analysis;
use protocol::outcomes::Outcomes;
use serde::Serialize;
use stats::Level;

use super::{Described, Input, Rate, ReportError, at_visits, describe, rate};
use crate::snapshot::{Measure, SubjectSnapshot, number};
use crate::tally::Tally;

/// The input rows of the responder table: one per subject of the population and analysis
/// visit with a CLASI-A, so R or pandas can recompute every count from this file alone.
pub const INPUT: &str = "tables/input_responders.csv";

/// How a missing visit is counted. The definitions retrieved (LILAC's CLASI-50 [O13], AMETHYST's
/// CLASI-70 [O12], FRONTIER.md) define the fall from baseline and the entry threshold but no
/// rule for a visit without a CLASI-A; the report does not invent one (such as counting it a
/// non-response): it counts observed cases and says how many are missing.
pub const MISSING_RULE: &str = "Observed cases: a subject of the responder population without a CLASI-A at a visit is counted as missing there, neither responder nor non-responder (the LILAC and AMETHYST definitions retrieved state no missing-data rule; docs/OUTCOMES.md O12, O13).";

/// The responder section of the report.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Responders {
    /// The least baseline CLASI-A of the responder population (`[outcomes] clasi_min_baseline`).
    pub min_baseline: u8,
    /// Subjects whose baseline CLASI-A reaches `min_baseline`.
    pub population: usize,
    /// [`MISSING_RULE`].
    pub missing_rule: &'static str,
    pub input: &'static str,
    /// One row per post-baseline analysis visit, in the protocol's order.
    pub visits: Vec<ResponderVisit>,
    /// Enrolled subjects outside the responder population, with why (the first
    /// `Settings::listed_subjects`; `outside_total` counts them all).
    pub outside: Vec<Outside>,
    pub outside_total: usize,
}

/// The responders at one analysis visit.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResponderVisit {
    pub visit: String,
    pub text: String,
    pub day: i64,
    /// Subjects of the population with a CLASI-A at the visit: the denominator.
    pub assessed: usize,
    /// Subjects of the population without one.
    pub missing: usize,
    pub clasi_50: Option<Rate>,
    pub clasi_70: Option<Rate>,
    /// Percent change of CLASI-A from baseline (negative is improvement); its median is the
    /// endpoint.
    pub percent_change: Option<Described>,
}

/// An enrolled subject outside the responder population.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Outside {
    pub subject: String,
    /// The baseline CLASI-A, or why there is none.
    pub baseline: String,
    pub why: String,
}

/// Why a subject is outside the population: `None` when it is in, with its baseline.
fn outside_why(baseline: Measure, min: u8) -> Result<u8, String> {
    match baseline {
        Measure::Value(value) => match whole_score(value) {
            Some(score) if score >= min => Ok(score),
            Some(score) => Err(format!("baseline CLASI-A {score} is below {min}")),
            None => Err(format!(
                "baseline CLASI-A {} is not a CLASI-A score",
                number(value)
            )),
        },
        other => Err(format!("no baseline CLASI-A ({})", other.text())),
    }
}

/// A CLASI-A as the integer it is (0-70); `None` for any other number.
fn whole_score(value: f64) -> Option<u8> {
    (value.fract() == 0.0 && (0.0..=70.0).contains(&value)).then_some(value as u8)
}

#[derive(Default)]
struct VisitTally {
    assessed: usize,
    clasi_50: usize,
    clasi_70: usize,
    percent_change: Tally,
}

/// The responder section being counted, a subject at a time.
pub(crate) struct ResponderTally<W: Write> {
    clasi_50: ClasiResponse,
    clasi_70: ClasiResponse,
    /// Indices of the post-baseline analysis visits.
    visits: Vec<usize>,
    tallies: Vec<VisitTally>,
    population: usize,
    outside: Vec<Outside>,
    outside_total: usize,
    listed: usize,
    input: Input<W>,
}

impl<W: Write> ResponderTally<W> {
    pub(crate) fn new(
        outcomes: &Outcomes,
        analysis: &Analysis,
        listed: usize,
        open: &mut impl FnMut(&str) -> std::io::Result<W>,
    ) -> Result<ResponderTally<W>, ReportError> {
        let visits: Vec<usize> = (0..analysis.visits.len())
            .filter(|&k| analysis.visits[k].day > 0)
            .collect();
        Ok(ResponderTally {
            clasi_50: outcomes.clasi_50(),
            clasi_70: outcomes.clasi_70(),
            tallies: visits.iter().map(|_| VisitTally::default()).collect(),
            visits,
            population: 0,
            outside: Vec::new(),
            outside_total: 0,
            listed,
            input: Input::open(
                INPUT.to_owned(),
                &[
                    "subject",
                    "visit",
                    "day",
                    "baseline",
                    "value",
                    "percent_change",
                    "clasi50",
                    "clasi70",
                ],
                open,
            )?,
        })
    }

    pub(crate) fn add(
        &mut self,
        analysis: &Analysis,
        subject: &SubjectSnapshot,
    ) -> Result<(), ReportError> {
        // Both responses share the minimum: `[outcomes]` has one.
        let baseline = match outside_why(subject.baseline_activity, self.clasi_50.min_baseline()) {
            Ok(baseline) => baseline,
            Err(why) => {
                self.outside_total += 1;
                if self.outside.len() < self.listed {
                    self.outside.push(Outside {
                        subject: subject.id.clone(),
                        baseline: subject.baseline_activity.text(),
                        why,
                    });
                }
                return Ok(());
            }
        };
        self.population += 1;
        let values: Vec<(i64, f64)> = subject
            .visits
            .iter()
            .filter_map(|v| v.activity.value().map(|x| (v.day, x)))
            .collect();
        let (assigned, _) = at_visits(analysis, &values);
        for (&k, tally) in self.visits.iter().zip(&mut self.tallies) {
            let Some((day, current)) = assigned[k].and_then(|(d, v)| Some((d, whole_score(v)?)))
            else {
                continue;
            };
            let fifty = self.clasi_50.judge(baseline, current).unwrap_or(false);
            let seventy = self.clasi_70.judge(baseline, current).unwrap_or(false);
            let change = percent_change(baseline, current);
            tally.assessed += 1;
            tally.clasi_50 += usize::from(fifty);
            tally.clasi_70 += usize::from(seventy);
            if let Some(change) = change {
                tally.percent_change.add(change);
            }
            let flag = |yes: bool| if yes { "Y" } else { "N" };
            self.input.row([
                subject.id.as_str(),
                analysis.visits[k].id.as_str(),
                &day.to_string(),
                &baseline.to_string(),
                &current.to_string(),
                &change.map(number).unwrap_or_default(),
                flag(fifty),
                flag(seventy),
            ])?;
        }
        Ok(())
    }

    pub(crate) fn finish(
        self,
        analysis: &Analysis,
        level: Level,
    ) -> Result<(Responders, (String, W)), ReportError> {
        let population = self.population;
        let visits = self
            .visits
            .iter()
            .zip(self.tallies)
            .map(|(&k, t)| {
                let visit = &analysis.visits[k];
                ResponderVisit {
                    visit: visit.id.clone(),
                    text: visit.text.clone(),
                    day: visit.day,
                    assessed: t.assessed,
                    missing: population - t.assessed,
                    clasi_50: rate(t.clasi_50, t.assessed, level),
                    clasi_70: rate(t.clasi_70, t.assessed, level),
                    percent_change: describe(&t.percent_change.values()),
                }
            })
            .collect();
        Ok((
            Responders {
                min_baseline: self.clasi_50.min_baseline(),
                population,
                missing_rule: MISSING_RULE,
                input: INPUT,
                visits,
                outside: self.outside,
                outside_total: self.outside_total,
            },
            self.input.finish()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(baseline: Measure, min: u8, expect: Result<u8, &str>) {
        assert_eq!(
            outside_why(baseline, min),
            expect.map_err(str::to_owned),
            "{baseline:?} against {min}"
        );
    }

    #[test]
    fn the_population_is_a_baseline_at_the_minimum_or_above() {
        check(Measure::Value(10.0), 10, Ok(10));
        check(Measure::Value(11.0), 10, Ok(11));
        check(
            Measure::Value(9.0),
            10,
            Err("baseline CLASI-A 9 is below 10"),
        );
        check(Measure::Value(8.0), 8, Ok(8));
        check(Measure::Value(7.0), 8, Err("baseline CLASI-A 7 is below 8"));
        check(Measure::NotDone, 10, Err("no baseline CLASI-A (not done)"));
        check(Measure::Unknown, 10, Err("no baseline CLASI-A (unknown)"));
        check(
            Measure::Value(10.5),
            10,
            Err("baseline CLASI-A 10.5 is not a CLASI-A score"),
        );
    }
}
