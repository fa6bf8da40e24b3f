//! A subject's response endpoints, derived in one place from the CLASI activity recorded at each
//! visit: best response, the study days of complete response and relapse, and whether the
//! subject is evaluable for response. The study report derives them from the record (crate
//! `analysis`) and the simulator from each virtual patient's course (crate `simulate`), so a
//! population or a rate is the same number in both (issue 23, item 1).
//!
//! The definitions are the protocol's `[treatment.response]`, from the lenalidomide paper's
//! Endpoints section (`../shared/docs/PROTOCOL.md`, "Response and outcome definitions"): complete
//! response is "CLASI activity score = 0" (`complete_max_activity`); partial response "at least a
//! 50% improvement in the CLASI score by week 12 when compared to baseline"
//! (`partial_min_improvement_percent`, `partial_by_week`); relapse "a new CLASI ≥ 4 in those who
//! previously achieved CR" (`relapse_min_activity`).

use serde::Serialize;

use crate::model::ResponseRules;

/// The thresholds the response endpoints are judged by, from `[treatment.response]`.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResponseDefinitions {
    pub complete_max_activity: f64,
    pub partial_min_improvement_percent: f64,
    pub partial_by_week: u32,
    pub relapse_min_activity: f64,
}

impl ResponseDefinitions {
    pub fn of(rules: &ResponseRules) -> ResponseDefinitions {
        ResponseDefinitions {
            complete_max_activity: f64::from(rules.complete_max_activity),
            partial_min_improvement_percent: rules.partial_min_improvement_percent,
            partial_by_week: rules.partial_by_week,
            relapse_min_activity: f64::from(rules.relapse_min_activity),
        }
    }

    /// An activity in complete response ("CLASI activity score = 0": at most
    /// `complete_max_activity`).
    pub fn complete(&self, activity: f64) -> bool {
        activity <= self.complete_max_activity
    }

    /// An activity improved enough on `baseline` for a partial response ("at least a 50%
    /// improvement ... compared to baseline"), whenever it is seen; a baseline of 0 cannot
    /// improve. [`ResponseCourse`] counts it towards the best response only by
    /// `partial_by_week`.
    pub fn improved(&self, baseline: Option<f64>, activity: f64) -> bool {
        baseline.is_some_and(|baseline| {
            baseline > 0.0
                && 100.0 * (baseline - activity) / baseline >= self.partial_min_improvement_percent
        })
    }

    /// An activity that is a relapse once in complete response ("a new CLASI >= 4").
    pub fn relapsed(&self, activity: f64) -> bool {
        activity >= self.relapse_min_activity
    }

    /// The response one visit's activity shows on its own (the per-visit response of an ADaM
    /// ADRS): complete, partial (improved, whatever the week) or none.
    pub fn at_visit(&self, baseline: Option<f64>, activity: f64) -> VisitResponse {
        if self.complete(activity) {
            VisitResponse::Complete
        } else if self.improved(baseline, activity) {
            VisitResponse::Partial
        } else {
            VisitResponse::NoResponse
        }
    }
}

/// The response one visit shows, by [`ResponseDefinitions::at_visit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VisitResponse {
    Complete,
    Partial,
    NoResponse,
}

impl VisitResponse {
    pub fn code(self) -> &'static str {
        match self {
            VisitResponse::Complete => "CR",
            VisitResponse::Partial => "PR",
            VisitResponse::NoResponse => "NR",
        }
    }
}

/// A subject's best response over the study.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BestResponse {
    /// CLASI activity reached the complete-response threshold at any visit.
    Complete,
    /// The partial-response improvement was reached by the protocol's week.
    Partial,
    /// Neither.
    NoResponse,
    /// Participation ended before any response (the paper's "withdrawn").
    Withdrawn,
    /// No baseline activity value, or no value after it.
    NotEvaluable,
}

impl BestResponse {
    pub const ALL: [BestResponse; 5] = [
        BestResponse::Complete,
        BestResponse::Partial,
        BestResponse::NoResponse,
        BestResponse::Withdrawn,
        BestResponse::NotEvaluable,
    ];

    /// Whether the subject is in the evaluable population
    /// ([`crate::analysis::Population::Evaluable`]): a baseline and a later CLASI activity, and
    /// not withdrawn before any response. The lenalidomide paper's denominator (Results: "One
    /// patient discontinued the study after 1 week ... Clinical response ... was observed in all
    /// of the remaining patients (100%) ..., of whom 12 (86%) achieved a CR"; Discussion: "After
    /// excluding the patient with disabling side effects, we included a total of 14 patients").
    pub fn evaluable(self) -> bool {
        !matches!(self, BestResponse::Withdrawn | BestResponse::NotEvaluable)
    }

    pub fn code(self) -> &'static str {
        match self {
            BestResponse::Complete => "CR",
            BestResponse::Partial => "PR",
            BestResponse::NoResponse => "NR",
            BestResponse::Withdrawn => "withdrawn",
            BestResponse::NotEvaluable => "not evaluable",
        }
    }

    /// As a clinician says it.
    pub fn words(self) -> &'static str {
        match self {
            BestResponse::Complete => "Complete response",
            BestResponse::Partial => "Partial response",
            BestResponse::NoResponse => "No response",
            BestResponse::Withdrawn => "Withdrawn before any response",
            BestResponse::NotEvaluable => "Not evaluable",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            BestResponse::Complete => "cr",
            BestResponse::Partial => "pr",
            BestResponse::NoResponse => "nr",
            BestResponse::Withdrawn => "withdrawn",
            BestResponse::NotEvaluable => "not_evaluable",
        }
    }
}

/// One subject's CLASI activities, taken a visit at a time in date order, and the response
/// endpoints they give. Memory does not grow with the visits.
#[derive(Clone, Debug)]
pub struct ResponseCourse<'d> {
    definitions: &'d ResponseDefinitions,
    baseline: Option<f64>,
    assessed: bool,
    partial: bool,
    complete_day: Option<i64>,
    relapse_day: Option<i64>,
}

impl<'d> ResponseCourse<'d> {
    /// A subject whose baseline CLASI activity is `baseline` (`None`: not known).
    pub fn new(definitions: &'d ResponseDefinitions, baseline: Option<f64>) -> ResponseCourse<'d> {
        ResponseCourse {
            definitions,
            baseline,
            assessed: false,
            partial: false,
            complete_day: None,
            relapse_day: None,
        }
    }

    /// The CLASI activity of the visit on study `day` (the first dose on day 0). Visits come in
    /// date order; those on or before day 0 are the baseline's, not an assessment.
    pub fn observe(&mut self, day: i64, activity: f64) {
        if day <= 0 {
            return;
        }
        let d = self.definitions;
        self.assessed = true;
        match self.complete_day {
            None if d.complete(activity) => self.complete_day = Some(day),
            Some(complete) if day > complete && d.relapsed(activity) => {
                self.relapse_day.get_or_insert(day);
            }
            _ => {}
        }
        self.partial |=
            day <= i64::from(d.partial_by_week) * 7 && d.improved(self.baseline, activity);
    }

    /// The study day complete response was first seen.
    pub fn complete_day(&self) -> Option<i64> {
        self.complete_day
    }

    /// The study day of the first relapse after complete response.
    pub fn relapse_day(&self) -> Option<i64> {
        self.relapse_day
    }

    /// The best response, `withdrawn` saying whether participation ended early.
    pub fn best(&self, withdrawn: bool) -> BestResponse {
        if self.complete_day.is_some() {
            BestResponse::Complete
        } else if self.partial {
            BestResponse::Partial
        } else if withdrawn {
            BestResponse::Withdrawn
        } else if self.baseline.is_none() || !self.assessed {
            BestResponse::NotEvaluable
        } else {
            BestResponse::NoResponse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paper's definitions (`protocols/nct01408199.toml`).
    fn paper() -> ResponseDefinitions {
        ResponseDefinitions {
            complete_max_activity: 0.0,
            partial_min_improvement_percent: 50.0,
            partial_by_week: 12,
            relapse_min_activity: 4.0,
        }
    }

    #[test]
    fn each_course_gives_its_endpoints() {
        /// (best response, CR day, relapse day)
        type Endpoints = (BestResponse, Option<i64>, Option<i64>);
        /// (baseline, visits as (day, activity), withdrawn, what they give)
        type Case = (Option<f64>, &'static [(i64, f64)], bool, Endpoints);
        let cases: [Case; 11] = [
            (
                Some(10.0),
                &[(28, 4.0), (56, 0.0), (84, 5.0)],
                false,
                (BestResponse::Complete, Some(56), Some(84)),
            ),
            // Relapse: the first score at or above 4 after CR.
            (
                Some(10.0),
                &[(28, 0.0), (56, 3.0), (84, 4.0), (112, 6.0)],
                true,
                (BestResponse::Complete, Some(28), Some(84)),
            ),
            (
                Some(10.0),
                &[(84, 5.0)],
                false,
                (BestResponse::Partial, None, None),
            ),
            // Partial response is judged by week 12 only (paper: "by week 12").
            (
                Some(10.0),
                &[(28, 8.0), (112, 5.0)],
                false,
                (BestResponse::NoResponse, None, None),
            ),
            (
                Some(10.0),
                &[(28, 6.0)],
                false,
                (BestResponse::NoResponse, None, None),
            ),
            // A response seen before the withdrawal counts; none seen is "withdrawn".
            (
                Some(10.0),
                &[(7, 4.0)],
                true,
                (BestResponse::Partial, None, None),
            ),
            (
                Some(10.0),
                &[(7, 10.0)],
                true,
                (BestResponse::Withdrawn, None, None),
            ),
            (Some(10.0), &[], true, (BestResponse::Withdrawn, None, None)),
            (
                Some(10.0),
                &[],
                false,
                (BestResponse::NotEvaluable, None, None),
            ),
            // The baseline's own day is not an assessment.
            (
                Some(10.0),
                &[(0, 10.0)],
                false,
                (BestResponse::NotEvaluable, None, None),
            ),
            (
                None,
                &[(28, 6.0)],
                false,
                (BestResponse::NotEvaluable, None, None),
            ),
        ];
        let definitions = paper();
        for (baseline, visits, withdrawn, expect) in cases {
            let mut course = ResponseCourse::new(&definitions, baseline);
            for &(day, activity) in visits {
                course.observe(day, activity);
            }
            let got = (
                course.best(withdrawn),
                course.complete_day(),
                course.relapse_day(),
            );
            assert_eq!(got, expect, "{baseline:?} {visits:?} withdrawn {withdrawn}");
        }
    }

    #[test]
    fn a_visit_shows_its_response_on_both_sides_of_each_threshold() {
        let definitions = paper();
        let check = |baseline: Option<f64>, activity: f64, expect: VisitResponse| {
            let got = definitions.at_visit(baseline, activity);
            assert_eq!(got, expect, "baseline {baseline:?}, activity {activity}");
        };
        check(Some(10.0), 0.0, VisitResponse::Complete);
        check(Some(10.0), 1.0, VisitResponse::Partial);
        check(Some(10.0), 5.0, VisitResponse::Partial);
        check(Some(10.0), 5.1, VisitResponse::NoResponse);
        check(Some(0.0), 0.0, VisitResponse::Complete);
        check(Some(0.0), 1.0, VisitResponse::NoResponse);
        check(None, 1.0, VisitResponse::NoResponse);
        assert!(definitions.relapsed(4.0));
        assert!(!definitions.relapsed(3.0));
    }

    #[test]
    fn only_withdrawal_before_a_response_and_no_assessment_leave_the_evaluable_population() {
        let evaluable: Vec<bool> = BestResponse::ALL.iter().map(|b| b.evaluable()).collect();
        assert_eq!(evaluable, [true, true, true, false, false]);
    }
}
