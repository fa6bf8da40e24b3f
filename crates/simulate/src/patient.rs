//! A virtual patient: the traits drawn once at enrolment from the model. Everything drawn
//! later (a cycle's time to CR, a relapse's delay and score) is drawn by the course.

use instruments::subtype::Subtype;

use crate::model::{GroupModel, Model, Weeks};
use crate::rng::Rng;

/// An adverse event planned at a number of weeks after the start (it happens only on drug).
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedEvent {
    pub term: &'static str,
    pub grade: u8,
    pub week: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VirtualPatient {
    pub subtype: Subtype,
    pub group: GroupModel,
    pub baseline_activity: u8,
    pub baseline_damage: u8,
    /// Week at which early intolerance ends treatment, if it does.
    pub early_intolerance: Option<f64>,
    /// Improves only once the dose is above the start dose.
    pub needs_escalation: bool,
    /// Reaches CLASI activity 0 in each cycle (otherwise settles at `partial_residual`).
    pub complete: bool,
    pub partial_residual: f64,
    /// Fraction of the start dose's weekly mg that holds remission; `None` never relapses.
    pub holding_fraction: Option<f64>,
    pub neutrophils: f64,
    /// (week, grade) of a neutropenia episode on drug.
    pub neutropenia: Option<(f64, u8)>,
    pub adverse_events: Vec<PlannedEvent>,
}

/// A log-normal draw cut to the range.
pub fn draw_weeks(rng: &mut Rng, weeks: &Weeks) -> f64 {
    (weeks.median * (weeks.spread * rng.normal()).exp()).clamp(weeks.min, weeks.max)
}

impl VirtualPatient {
    /// Draws one patient. The order of draws is fixed, so a stream gives one patient.
    pub fn draw(model: &Model, rng: &mut Rng) -> VirtualPatient {
        let subtype = model.subtypes[rng.pick(model.subtypes.iter().map(|(_, w)| *w))].0;
        let group = *model.group(crate::model::Group::of(subtype));
        let (low, high) = model.activity_range;
        let activity = model.baseline_activity_mean + model.baseline_activity_sd * rng.normal();
        let baseline_activity = activity.round().clamp(f64::from(low), f64::from(high)) as u8;
        let damage = -model.baseline_damage_mean * (1.0 - rng.uniform()).ln();
        let baseline_damage = damage.round().min(56.0) as u8;
        let early_intolerance = rng
            .chance(model.early_intolerance)
            .then_some(f64::from(model.early_intolerance_week));
        let needs_escalation = rng.chance(model.no_improvement);
        let complete = rng.chance(model.complete_response);
        let partial_residual = rng.between(model.partial_residual.0, model.partial_residual.1);
        let relapses = rng.chance(group.relapse);
        let holding =
            model.holding_fraction[rng.pick(model.holding_fraction.iter().map(|(_, w)| *w))].0;
        let neutrophils = (model.neutrophils_mean + model.neutrophils_sd * rng.normal())
            .max(model.neutrophils_floor);
        let neutropenia_week = rng.between(model.neutropenia_weeks.0, model.neutropenia_weeks.1);
        let roll = rng.uniform();
        let neutropenia = if roll < model.neutropenia_grade3 {
            Some((neutropenia_week, 3))
        } else if roll < model.neutropenia_grade3 + model.neutropenia_grade2 {
            Some((neutropenia_week, 2))
        } else {
            None
        };
        let mut adverse_events: Vec<PlannedEvent> = Vec::new();
        for event in &model.adverse_events {
            let happens = rng.chance(event.probability);
            let week = rng.between(event.weeks.0, event.weeks.1);
            let earlier = match event.after {
                None => Some(0.0),
                Some(term) => adverse_events
                    .iter()
                    .find(|e| e.term == term)
                    .map(|e| e.week),
            };
            if let (true, Some(offset)) = (happens, earlier) {
                adverse_events.push(PlannedEvent {
                    term: event.term,
                    grade: event.grade,
                    week: offset + week,
                });
            }
        }
        VirtualPatient {
            subtype,
            group,
            baseline_activity,
            baseline_damage,
            early_intolerance,
            needs_escalation,
            complete,
            partial_residual,
            holding_fraction: relapses.then_some(holding),
            neutrophils,
            neutropenia,
            adverse_events,
        }
    }
}
