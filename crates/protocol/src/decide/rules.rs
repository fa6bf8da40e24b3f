//! The rules applied to the replayed state: stops, the treatment algorithm, flags.

use instruments::ctcae::{CtcaeGrade, LabTest, grade_lab};
use instruments::sledai::{Flare, classify_flare};
use jiff::ToSpan;
use jiff::civil::Date;

use super::replay::{Course, Replay};
use super::{Action, Phase, Relapse, Response, Rule, Toxicity, add_days, rule};
use crate::history::{ClasiRecord, EventKind, History, LabRecord};
use crate::load::{Algorithm, Protocol, StopTrigger};
use crate::model::{Improvement, MaintenancePolicy, NoResponsePolicy, SledaiReference};
use crate::schedule::{self, PregnancyOptions};

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
    pub(super) missing: Vec<String>,
    pub(super) rules: Vec<Rule>,
}

pub(super) struct Engine<'a> {
    pub(super) algorithm: &'a Algorithm,
    pub(super) history: &'a History,
    pub(super) course: &'a Course<'a>,
    pub(super) replay: &'a Replay,
}

impl Engine<'_> {
    fn step(&self, action: Action, level: usize, phase: Phase, rules: Vec<Rule>) -> Step {
        Step {
            action,
            level,
            phase,
            cycle: self.replay.cycle.number,
            relapse: false,
            physician_review: false,
            due: None,
            missing: Vec::new(),
            rules,
        }
    }

    fn id(&self, level: usize) -> &str {
        self.algorithm.level_id(level)
    }

    /// CLASI records of the current cycle (after its start, which holds its baseline).
    fn cycle_clasi(&self) -> impl Iterator<Item = &ClasiRecord> {
        let start = self.replay.cycle.start;
        self.course
            .clasi
            .iter()
            .copied()
            .filter(move |r| r.date > start)
    }

    fn classify(&self, activity: u8) -> Option<Response> {
        let response = &self.algorithm.settings.response;
        if activity <= response.complete_max_activity {
            return Some(Response::Cr);
        }
        let baseline = self.replay.cycle.baseline?;
        if activity >= baseline {
            return Some(Response::Nr);
        }
        let improvement = f64::from(baseline - activity) / f64::from(baseline) * 100.0;
        // Between "any improvement" and the PR threshold the paper names no category.
        (improvement >= response.partial_min_improvement_percent).then_some(Response::Pr)
    }

    pub(super) fn response(&self) -> Option<Response> {
        self.cycle_clasi()
            .last()
            .and_then(|r| self.classify(r.activity.get()))
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

    /// Each in-course SLEDAI-2K score with its flare classification (if it has a reference).
    pub(super) fn flares(&self) -> Vec<(Date, Option<Flare>)> {
        let settings = &self.algorithm.settings.flare;
        let mut previous = self.course.sledai_baseline;
        self.course
            .sledai
            .iter()
            .map(|&(date, score)| {
                let reference = match settings.reference {
                    SledaiReference::Previous => previous,
                    SledaiReference::Baseline => self.course.sledai_baseline,
                };
                previous = Some(score);
                (
                    date,
                    reference.and_then(|reference| classify_flare(settings.rule, reference, score)),
                )
            })
            .collect()
    }

    fn lab_grade(lab: &LabRecord) -> Option<CtcaeGrade> {
        grade_lab(lab.test, lab.value, lab.unit, lab.lln)
            .ok()
            .flatten()
    }

    /// The stopping rules that fired (sticky: a stop is never undone by later data).
    pub(super) fn stops(&self, flares: &[(Date, Option<Flare>)]) -> Option<Step> {
        let (start, as_of) = (self.course.start, self.course.as_of);
        let events = || {
            self.history
                .events
                .iter()
                .filter(move |e| e.date >= start && e.date <= as_of)
        };
        let mut fired = Vec::new();
        for stop in &self.algorithm.stops {
            let found: Option<(Date, String)> = match &stop.trigger {
                StopTrigger::Event(kind) => events()
                    .find(|e| e.kind == *kind)
                    .map(|e| (e.date, format!("{} on {}", e.kind, e.date))),
                StopTrigger::LabGrade { tests, min_grade } => self
                    .course
                    .labs
                    .iter()
                    .filter(|lab| tests.contains(&lab.test))
                    .find_map(|lab| {
                        let grade = Self::lab_grade(lab).filter(|grade| grade >= min_grade)?;
                        Some((
                            lab.date,
                            format!(
                                "{} {} {} on {} is CTCAE {grade}",
                                lab.test.id(),
                                lab.value,
                                lab.unit,
                                lab.date
                            ),
                        ))
                    }),
                StopTrigger::Flare(level) => flares
                    .iter()
                    .find(|(_, flare)| flare.is_some_and(|flare| flare >= *level))
                    .map(|(date, flare)| {
                        (
                            *date,
                            format!("SLEDAI-2K {flare:?} flare on {date}").to_lowercase(),
                        )
                    }),
                StopTrigger::AdverseEvent { term, min_grade } => events()
                    .filter(|e| e.kind == EventKind::AdverseEvent)
                    .filter(|e| term.is_none() || e.term == *term)
                    .find(|e| e.grade.is_some_and(|grade| grade >= min_grade.number()))
                    .map(|e| {
                        let grade = e.grade.unwrap_or_default();
                        let what = e.term.as_deref().unwrap_or("adverse event");
                        (e.date, format!("{what} grade {grade} on {}", e.date))
                    }),
            };
            if let Some((date, detail)) = found {
                fired.push((date, rule(&stop.id, format!("{}: {detail}", stop.text))));
            }
        }
        if fired.is_empty() {
            return None;
        }
        fired.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let rules = fired.into_iter().map(|(_, rule)| rule).collect();
        Some(self.step(Action::Stop, self.algorithm.off(), Phase::Stopped, rules))
    }

    pub(super) fn algorithm_step(&self) -> Step {
        let algorithm = self.algorithm;
        let state = self.replay;
        let cycle = &state.cycle;
        if !state.started {
            let mut step = self.step(
                Action::Continue,
                algorithm.start,
                Phase::Induction,
                vec![rule(
                    "start",
                    format!(
                        "start at {} on {}",
                        self.id(algorithm.start),
                        self.course.start
                    ),
                )],
            );
            if self.course.as_of > self.course.start {
                step.missing
                    .push("doses: no dose recorded since start_date".to_owned());
            }
            step.due = Some(add_days(
                self.course.start,
                algorithm.settings.assessment_week * 7,
            ));
            return step;
        }
        if cycle.baseline.is_none() {
            let mut step = self.step(
                Action::Continue,
                state.level,
                Phase::Induction,
                vec![rule(
                    "baseline.missing",
                    "no baseline CLASI activity: response cannot be judged",
                )],
            );
            step.missing
                .push("CLASI activity at baseline (on or before start_date)".to_owned());
            return step;
        }
        if let Some(relapse) = &cycle.relapse {
            return self.after_relapse(relapse);
        }
        if cycle.complete_on.is_some() {
            return self.in_remission();
        }
        self.induction()
    }

    fn after_relapse(&self, relapse: &Relapse) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let threshold = settings.response.relapse_min_activity;
        let seen = format!(
            "CLASI activity {} on {} (>= {threshold}) after complete response, on {}",
            relapse.activity, relapse.date, relapse.level
        );
        let mut step = match (settings.maintenance.policy, self.replay.pending_maintenance) {
            (MaintenancePolicy::HoldImmediately, Some(target)) => self.step(
                Action::Maintain,
                target,
                Phase::Maintenance,
                vec![rule(
                    "relapse.maintenance",
                    format!("{seen}: relapse in cycle {} during taper; hold {}, the lowest level that held remission", relapse.cycle, self.id(target)),
                )],
            ),
            (_, pending) => {
                let mut step = self.step(
                    Action::Reintroduce,
                    algorithm.reintroduce,
                    Phase::Induction,
                    vec![rule(
                        "relapse.reintroduce",
                        format!("{seen}: relapse; reintroduce {} as cycle {}", self.id(algorithm.reintroduce), relapse.cycle + 1),
                    )],
                );
                if let Some(target) = pending {
                    step.rules.push(rule(
                        "maintenance.planned",
                        format!("relapse during taper in cycle {}: this cycle tapers only down to {}, the lowest level that held remission, and holds it", relapse.cycle, self.id(target)),
                    ));
                }
                step.cycle += 1;
                step.due = Some(add_days(self.course.as_of, settings.assessment_week * 7));
                step
            }
        };
        step.relapse = true;
        step
    }

    fn in_remission(&self) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let state = self.replay;
        let cycle = &state.cycle;
        let level = state.level;
        let as_of = self.course.as_of;
        if level == algorithm.off() {
            return self.step(
                Action::Continue,
                level,
                Phase::OffTreatment,
                vec![rule(
                    "off.observe",
                    format!(
                        "withdrawn since {} in remission; a CLASI activity >= {} would be a relapse",
                        state.level_since, settings.response.relapse_min_activity
                    ),
                )],
            );
        }
        if cycle.maintenance == Some(level) {
            return self.step(
                Action::Maintain,
                level,
                Phase::Maintenance,
                vec![rule(
                    "maintenance.hold",
                    format!(
                        "hold {}, the lowest level that held remission",
                        self.id(level)
                    ),
                )],
            );
        }
        let window = settings.window_days;
        let due = if cycle.tapering {
            add_days(state.level_since, settings.taper.interval_days)
        } else {
            let assessment = add_days(cycle.start, settings.assessment_week * 7);
            cycle
                .complete_on
                .map_or(assessment, |on| on.max(assessment))
        };
        let phase = if cycle.tapering {
            Phase::Taper
        } else {
            Phase::Induction
        };
        if as_of < due.saturating_sub(i64::from(window).days()) {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                vec![rule(
                    "taper.wait",
                    format!(
                        "in complete response on {}: next taper step due on {due}",
                        self.id(level)
                    ),
                )],
            );
            step.due = Some(due);
            return step;
        }
        let from = due.saturating_sub(i64::from(window).days());
        let Some(assessed) = self.cycle_clasi().filter(|r| r.date >= from).last() else {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                vec![rule(
                    "taper.missing_clasi",
                    format!("taper step due on {due} needs a CLASI activity from {from} on"),
                )],
            );
            step.missing.push(format!(
                "CLASI activity at the taper visit due {due} (from {from})"
            ));
            return step;
        };
        let activity = assessed.activity.get();
        if activity > settings.response.complete_max_activity
            && settings.taper.hold_without_complete_response
        {
            let mut step = self.step(
                Action::Continue,
                level,
                phase,
                vec![rule(
                    "taper.hold",
                    format!(
                        "CLASI activity {activity} on {} is not a complete response (and not a relapse): hold {}",
                        assessed.date,
                        self.id(level)
                    ),
                )],
            );
            step.due = Some(add_days(as_of, settings.taper.interval_days));
            return step;
        }
        let next = level + 1;
        let seen = format!("CLASI activity {activity} on {}", assessed.date);
        if next == algorithm.off() {
            return self.step(
                Action::Withdraw,
                next,
                Phase::OffTreatment,
                vec![rule(
                    "taper.withdraw",
                    format!(
                        "{seen}, complete response at the last step {}: withdraw",
                        self.id(level)
                    ),
                )],
            );
        }
        let (id, phase) = if cycle.maintenance == Some(next) {
            ("taper.to_maintenance", Phase::Maintenance)
        } else {
            ("taper.step", Phase::Taper)
        };
        let mut step = self.step(
            Action::Taper,
            next,
            phase,
            vec![rule(
                id,
                format!(
                    "{seen}, complete response: taper one step, {} to {}",
                    self.id(level),
                    self.id(next)
                ),
            )],
        );
        step.due = Some(add_days(as_of, settings.taper.interval_days));
        step
    }

    fn induction(&self) -> Step {
        let algorithm = self.algorithm;
        let settings = &algorithm.settings;
        let state = self.replay;
        let cycle = &state.cycle;
        let level = state.level;
        let as_of = self.course.as_of;
        let window = i64::from(settings.window_days).days();
        let week = settings.assessment_week;
        let assessment_due = add_days(cycle.start, week * 7);
        if as_of < assessment_due.saturating_sub(window) {
            let mut step = self.step(
                Action::Continue,
                level,
                Phase::Induction,
                vec![rule(
                    "induction.before_assessment",
                    format!("cycle {} on {} since {}: the week-{week} assessment is due on {assessment_due}", cycle.number, self.id(level), cycle.start),
                )],
            );
            step.due = Some(assessment_due);
            return step;
        }
        let baseline = cycle.baseline.unwrap_or_default();
        let mut rules = Vec::new();
        if level == cycle.start_level {
            let from = assessment_due.saturating_sub(window);
            let Some(assessed) = self.cycle_clasi().find(|r| r.date >= from) else {
                let mut step = self.step(
                    Action::Continue,
                    level,
                    Phase::Induction,
                    vec![rule("week4.missing_clasi", format!("the week-{week} decision needs a CLASI activity from {from} on; none recorded"))],
                );
                step.missing.push(format!("CLASI activity at the week-{week} assessment (due {assessment_due}, from {from})"));
                return step;
            };
            let activity = assessed.activity.get();
            let seen = format!(
                "CLASI activity {activity} on {} vs baseline {baseline}",
                assessed.date
            );
            if !self.improved(baseline, activity) {
                return match algorithm.escalation.filter(|up| *up < level) {
                    Some(up) => self.step(
                        Action::Escalate,
                        up,
                        Phase::Induction,
                        vec![rule(
                            "week4.no_improvement",
                            format!(
                                "{seen}: no clinical improvement at week {week}; increase to {}",
                                self.id(up)
                            ),
                        )],
                    ),
                    None => {
                        let mut step = self.step(
                            Action::Continue,
                            level,
                            Phase::Induction,
                            vec![rule("week4.no_escalation", format!("{seen}: no clinical improvement, and the protocol has no higher level: the physician decides"))],
                        );
                        step.physician_review = true;
                        step
                    }
                };
            }
            rules.push(rule(
                "week4.improvement",
                format!(
                    "{seen}: clinical improvement at week {week}; stay at {}",
                    self.id(level)
                ),
            ));
        } else {
            rules.push(rule(
                "induction.escalated",
                format!("escalated to {} in cycle {}", self.id(level), cycle.number),
            ));
        }
        let by_week = settings.response.partial_by_week;
        let deadline = add_days(cycle.start, by_week * 7);
        if as_of < deadline.saturating_sub(window) {
            let mut step = self.step(Action::Continue, level, Phase::Induction, rules);
            step.due = Some(deadline);
            return step;
        }
        let latest = self
            .cycle_clasi()
            .last()
            .map(|r| (r.date, r.activity.get()));
        let described = latest.map_or(
            "no CLASI activity recorded".to_owned(),
            |(date, activity)| {
                format!("CLASI activity {activity} on {date} vs baseline {baseline}")
            },
        );
        if latest.and_then(|(_, activity)| self.classify(activity)) == Some(Response::Pr) {
            rules.push(rule(
                "week12.partial_response",
                format!(
                    "{described}: partial response by week {by_week}; continue {}",
                    self.id(level)
                ),
            ));
            return self.step(Action::Continue, level, Phase::Induction, rules);
        }
        let percent = settings.response.partial_min_improvement_percent;
        match settings.no_response_at_deadline {
            NoResponsePolicy::DeferToPhysician => {
                rules.push(rule(
                    "week12.no_response",
                    format!("{described}: no partial response (>= {percent}%) by week {by_week}; the protocol does not say what follows, so the physician decides"),
                ));
                let mut step = self.step(Action::Continue, level, Phase::Induction, rules);
                step.physician_review = true;
                step
            }
            NoResponsePolicy::Stop => {
                rules.push(rule(
                    "week12.no_response",
                    format!(
                        "{described}: no partial response (>= {percent}%) by week {by_week}: stop"
                    ),
                ));
                self.step(Action::Stop, algorithm.off(), Phase::Stopped, rules)
            }
        }
    }

    /// Worst CTCAE grade at or above the flag grade: the latest value of each monitored lab,
    /// and adverse events within the look-back window.
    pub(super) fn toxicity(&self) -> Option<Toxicity> {
        let algorithm = self.algorithm;
        let flag = algorithm.toxicity_flag_grade;
        let mut findings: Vec<(CtcaeGrade, String)> = Vec::new();
        let monitored: &[LabTest] = &algorithm.toxicity_labs;
        for test in monitored {
            let Some(lab) = self.course.labs.iter().rev().find(|lab| lab.test == *test) else {
                continue;
            };
            if let Some(grade) = Self::lab_grade(lab).filter(|grade| *grade >= flag) {
                findings.push((
                    grade,
                    format!(
                        "{} {} {} on {}: {grade}",
                        test.id(),
                        lab.value,
                        lab.unit,
                        lab.date
                    ),
                ));
            }
        }
        let since = self
            .course
            .as_of
            .saturating_sub(i64::from(algorithm.settings.toxicity.lookback_days).days())
            .max(self.course.start);
        for event in self.history.events.iter().filter(|e| {
            e.kind == EventKind::AdverseEvent && e.date >= since && e.date <= self.course.as_of
        }) {
            let Some(grade) = event
                .grade
                .and_then(CtcaeGrade::from_number)
                .filter(|g| *g >= flag)
            else {
                continue;
            };
            let what = event.term.as_deref().unwrap_or("adverse event");
            findings.push((grade, format!("{what} on {}: {grade}", event.date)));
        }
        let worst = findings.iter().map(|(grade, _)| *grade).max()?;
        Some(Toxicity {
            grade: worst.number(),
            findings: findings.into_iter().map(|(_, text)| text).collect(),
        })
    }

    pub(super) fn next_pregnancy_test(&self, protocol: &Protocol) -> Option<Date> {
        let patient = &self.history.patient;
        if patient.reproductive_potential != Some(true)
            || protocol.schedule().pregnancy_tests.is_empty()
        {
            return None;
        }
        let options = PregnancyOptions {
            policy: None,
            irregular_menses: patient.irregular_menses == Some(true),
        };
        let calendar =
            schedule::pregnancy_calendar(protocol.schedule(), self.history.start_date, &options)
                .ok()?;
        schedule::next_after(&calendar.tests, self.course.as_of)
    }
}
