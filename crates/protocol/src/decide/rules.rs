//! The rules applied to the folded state: stops, the treatment algorithm, flags. Each rule
//! that fires is a [`Reason`] holding the values it used; its sentence is written only when a
//! caller reads the whole [`super::Decision`].

use jiff::civil::Date;

use super::fold::{Fold, RelapseAt, Scored, Trigger};
use super::reason::{Missing, Reason, Reasons};
use super::{Action, Phase, Response, add_days, sub_days};
use crate::load::Algorithm;
use crate::model::{Improvement, MaintenancePolicy, NoResponsePolicy};

/// What the algorithm part of a decision produced.
pub(super) struct Step {
    pub(super) action: Action,
    pub(super) level: usize,
    pub(super) phase: Phase,
    pub(super) cycle: u32,
    pub(super) relapse: bool,
    pub(super) physician_review: bool,
    /// When the algorithm next needs an assessment (the next visit is no later).
    pub(super) due: Option<Date>,
    pub(super) missing: Vec<Missing>,
    pub(super) reasons: Reasons,
}

pub(super) struct Engine<'a> {
    pub(super) algorithm: &'a Algorithm,
    pub(super) fold: &'a Fold,
    pub(super) as_of: Date,
    /// The level given on `as_of` and since when.
    pub(super) level: usize,
    pub(super) level_since: Date,
}

impl Engine<'_> {
    fn step(&self, action: Action, level: usize, phase: Phase, reason: Reason) -> Step {
        let mut reasons = Reasons::new();
        reasons.push(reason);
        self.steps(action, level, phase, reasons)
    }

    fn steps(&self, action: Action, level: usize, phase: Phase, reasons: Reasons) -> Step {
        Step {
            action,
            level,
            phase,
            cycle: self.fold.cycle.number,
            relapse: false,
            physician_review: false,
            due: None,
            missing: Vec::new(),
            reasons,
        }
    }

    fn classify(&self, activity: u8) -> Option<Response> {
        let response = &self.algorithm.settings.response;
        if activity <= response.complete_max_activity {
            return Some(Response::Cr);
        }
        let baseline = self.fold.cycle.baseline?;
        if activity >= baseline {
            return Some(Response::Nr);
        }
        let improvement = f64::from(baseline - activity) / f64::from(baseline) * 100.0;
        // Between "any improvement" and the PR threshold the paper names no category.
        (improvement >= response.partial_min_improvement_percent).then_some(Response::Pr)
    }

    /// Response of the cycle's latest CLASI activity against its baseline.
    pub(super) fn response(&self) -> Option<Response> {
        self.fold
            .cycle
            .latest
            .and_then(|latest| self.classify(latest.activity))
    }

    fn improved(&self, baseline: u8, activity: u8) -> bool {
        let drop = i32::from(baseline) - i32::from(activity);
        match self.algorithm.settings.response.improvement {
            Improvement::AnyDecrease => drop > 0,
            // Klein 2011 (INSTRUMENTS.md §1.6): >= 4 points or >= 20%.
            Improvement::Klein4PointsOr20Percent => {
                drop >= 4 || (baseline > 0 && f64::from(drop) / f64::from(baseline) >= 0.20)
            }
        }
    }

    /// The stopping rules that fired (sticky: a stop is never undone by later data), earliest
    /// first.
    pub(super) fn stops(&self) -> Option<Step> {
        let stops = &self.algorithm.stops;
        let mut fired: Vec<(usize, Trigger)> = self
            .fold
            .stops
            .iter()
            .enumerate()
            .filter_map(|(stop, trigger)| Some((stop, (*trigger)?)))
            .collect();
        if fired.is_empty() {
            return None;
        }
        fired.sort_by(|(x, a), (y, b)| {
            a.date
                .cmp(&b.date)
                .then_with(|| stops[*x].id.cmp(&stops[*y].id))
        });
        let reasons = fired
            .into_iter()
            .map(|(stop, trigger)| Reason::Stop { stop, trigger })
            .collect();
        Some(self.steps(Action::Stop, self.algorithm.off(), Phase::Stopped, reasons))
    }

    pub(super) fn algorithm_step(&self) -> Step {
        let algorithm = self.algorithm;
        let fold = self.fold;
        let cycle = &fold.cycle;
        if !fold.started {
            let mut step = self.step(
                Action::Continue,
                algorithm.start,
                Phase::Induction,
                Reason::Start { on: fold.start },
            );
            if self.as_of > fold.start {
                step.missing.push(Missing::Doses);
            }
            step.due = Some(add_days(fold.start, algorithm.settings.assessment_week * 7));
            return step;
        }
        if fold.awaiting_open_label_dose {
            return self.open_label_start();
        }
        if cycle.baseline.is_none() {
            let mut step = self.step(
                Action::Continue,
                self.level,
                Phase::Induction,
                Reason::BaselineMissing,
            );
            step.missing.push(Missing::BaselineClasi);
            return step;
        }
        if let Some(relapse) = cycle.relapse {
            return self.after_relapse(relapse);
        }
        if cycle.complete_on.is_some() {
            return self.in_remission();
        }
        self.induction()
    }

    /// The open-label extension restarted the subject and no dose has been given since: the
    /// new cycle starts at the algorithm's start level (the reason, written with the
    /// extension's, is added by the caller).
    fn open_label_start(&self) -> Step {
        let algorithm = self.algorithm;
        let cycle = &self.fold.cycle;
        let level = algorithm.start;
        let action = if self.level == level {
            Action::Continue
        } else {
            Action::Reintroduce
        };
        let mut step = self.steps(action, level, Phase::Induction, Reasons::new());
        step.due = Some(cycle.assessment_due);
        if cycle.baseline.is_none() {
            step.missing.push(Missing::BaselineClasi);
        }
        step
    }

    fn after_relapse(&self, relapse: RelapseAt) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let mut step = match (settings.maintenance.policy, self.fold.pending_maintenance) {
            (MaintenancePolicy::HoldImmediately, Some(target)) => self.step(
                Action::Maintain,
                target,
                Phase::Maintenance,
                Reason::RelapseMaintenance { relapse, target },
            ),
            (_, pending) => {
                let mut step = self.step(
                    Action::Reintroduce,
                    algorithm.reintroduce,
                    Phase::Induction,
                    Reason::RelapseReintroduce { relapse },
                );
                if let Some(target) = pending {
                    step.reasons.push(Reason::MaintenancePlanned {
                        cycle: relapse.cycle,
                        target,
                    });
                }
                step.cycle += 1;
                step.due = Some(add_days(self.as_of, settings.assessment_week * 7));
                step
            }
        };
        step.relapse = true;
        step
    }

    fn in_remission(&self) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let cycle = &self.fold.cycle;
        let level = self.level;
        let as_of = self.as_of;
        if level == algorithm.off() {
            return self.step(
                Action::Continue,
                level,
                Phase::OffTreatment,
                Reason::OffObserve {
                    since: self.level_since,
                },
            );
        }
        if cycle.maintenance == Some(level) {
            return self.step(
                Action::Maintain,
                level,
                Phase::Maintenance,
                Reason::MaintenanceHold { level },
            );
        }
        let window = settings.window_days;
        let due = if cycle.tapering {
            add_days(self.level_since, settings.taper.interval_days)
        } else {
            cycle
                .complete_on
                .map_or(cycle.assessment_due, |on| on.max(cycle.assessment_due))
        };
        let phase = if cycle.tapering {
            Phase::Taper
        } else {
            Phase::Induction
        };
        let from = sub_days(due, window);
        if as_of < from {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                Reason::TaperWait { level, due },
            );
            step.due = Some(due);
            return step;
        }
        let Some(assessed) = cycle.latest.filter(|latest| latest.date >= from) else {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                Reason::TaperMissingClasi { due, from },
            );
            step.missing.push(Missing::TaperClasi { due, from });
            return step;
        };
        if assessed.activity > settings.response.complete_max_activity
            && settings.taper.hold_without_complete_response
        {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                Reason::TaperHold { assessed, level },
            );
            step.due = Some(add_days(as_of, settings.taper.interval_days));
            return step;
        }
        let next = level + 1;
        if next == algorithm.off() {
            return self.step(
                Action::Withdraw,
                next,
                Phase::OffTreatment,
                Reason::TaperWithdraw { assessed, level },
            );
        }
        let to_maintenance = cycle.maintenance == Some(next);
        let phase = if to_maintenance {
            Phase::Maintenance
        } else {
            Phase::Taper
        };
        let mut step = self.step(
            Action::Taper,
            next,
            phase,
            Reason::TaperStep {
                assessed,
                level,
                to_maintenance,
            },
        );
        step.due = Some(add_days(as_of, settings.taper.interval_days));
        step
    }

    /// Whether the level given is one the protocol asked for in this cycle: the start level,
    /// or the escalation level after an assessment that showed no improvement.
    fn asked_in_induction(&self) -> bool {
        let cycle = &self.fold.cycle;
        if self.level == cycle.start_level {
            return true;
        }
        let baseline = cycle.baseline.unwrap_or_default();
        self.algorithm.escalation == Some(self.level)
            && cycle.assessed.is_some_and(|assessed| {
                assessed.date <= self.level_since && !self.improved(baseline, assessed.activity)
            })
    }

    /// Induction at the level the protocol asks for: a level given against it (an escalation
    /// the assessment did not call for) is named, and the protocol's level is the dose.
    fn induction(&self) -> Step {
        if self.asked_in_induction() {
            return self.induction_at(self.level);
        }
        let asked = self.fold.cycle.start_level;
        let mut step = self.induction_at(asked);
        step.reasons.insert(
            0,
            Reason::NotAsked {
                given: self.level,
                since: self.level_since,
                asked,
            },
        );
        step
    }

    fn induction_at(&self, level: usize) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let cycle = &self.fold.cycle;
        let as_of = self.as_of;
        let assessment_due = cycle.assessment_due;
        let from = cycle.assessment_from;
        if as_of < from {
            let mut step = self.step(
                Action::Continue,
                level,
                Phase::Induction,
                Reason::BeforeAssessment { level },
            );
            step.due = Some(assessment_due);
            return step;
        }
        let baseline = cycle.baseline.unwrap_or_default();
        let mut step = if level == cycle.start_level {
            let Some(assessed) = cycle.assessed else {
                let mut step = self.step(
                    Action::Continue,
                    level,
                    Phase::Induction,
                    Reason::AssessmentMissingClasi,
                );
                step.missing.push(Missing::AssessmentClasi);
                return step;
            };
            if !self.improved(baseline, assessed.activity) {
                return match algorithm.escalation.filter(|up| *up < level) {
                    Some(up) => self.step(
                        Action::Escalate,
                        up,
                        Phase::Induction,
                        Reason::NoImprovement { assessed, up },
                    ),
                    None => {
                        let mut step = self.step(
                            Action::Continue,
                            level,
                            Phase::Induction,
                            Reason::NoEscalation { assessed },
                        );
                        step.physician_review = true;
                        step
                    }
                };
            }
            self.step(
                Action::Continue,
                level,
                Phase::Induction,
                Reason::Improvement { assessed, level },
            )
        } else {
            self.step(
                Action::Continue,
                level,
                Phase::Induction,
                Reason::Escalated { level },
            )
        };
        if as_of < cycle.response_from {
            step.due = Some(cycle.response_due);
            return step;
        }
        let latest: Option<Scored> = cycle.latest;
        if latest.and_then(|latest| self.classify(latest.activity)) == Some(Response::Pr) {
            step.reasons.push(Reason::PartialResponse { latest, level });
            return step;
        }
        step.reasons.push(Reason::NoResponse { latest });
        match settings.no_response_at_deadline {
            NoResponsePolicy::DeferToPhysician => {
                step.physician_review = true;
                step
            }
            NoResponsePolicy::Stop => Step {
                action: Action::Stop,
                level: algorithm.off(),
                phase: Phase::Stopped,
                ..step
            },
        }
    }
}
