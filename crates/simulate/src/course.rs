//! One virtual patient through the real protocol engine, encounter by encounter.
//!
//! The model is the patient, the engine is the clinic: at each encounter (a visit the engine
//! asked for, a laboratory date of the protocol's calendar, or an unscheduled visit for an
//! adverse event or a relapse) the model writes what would be measured that day into the record, the engine
//! decides on the record as it stands, and the dose it names is given. The disease answers the
//! dose: it improves from the start of a cycle (or from escalation for a patient who needs it),
//! and relapses a few weeks after the dose falls below what holds the patient in remission.
//! A stop ends the patient's follow-up; otherwise follow-up runs to the protocol's horizon.

use instruments::ctcae::{LabTest, LabUnit, grade_lab};
use jiff::ToSpan;
use jiff::civil::Date;
use protocol::history::{
    ClasiActivity, ClasiDamage, ClasiRecord, EventKind, EventRecord, History, LabRecord, Patient,
    Sex,
};
use protocol::{Action, Decision, Phase, Protocol};

use crate::SimulateError;
use crate::model::Model;
use crate::patient::{VirtualPatient, draw_weeks};
use crate::rng::Rng;
use crate::summary::{Outcome, PatientSummary};

/// What happened at one encounter, for the per-visit output.
#[derive(Debug)]
pub struct Encounter<'a> {
    pub date: Date,
    pub day: i32,
    pub clasi: Option<ClasiRecord>,
    pub neutrophils: Option<f64>,
    pub adverse_events: &'a [EventRecord],
    /// The engine's decision, when the encounter could change it (a visit, a toxic
    /// laboratory value or an event).
    pub decision: Option<&'a Decision>,
}

fn days(from: Date, to: Date) -> f64 {
    f64::from((to - from).get_days())
}

fn plus_weeks(date: Date, weeks: f64) -> Date {
    date.saturating_add(((weeks * 7.0).round() as i64).days())
}

/// The disease as it stands: which cycle it is in and whether a relapse is coming.
struct Disease {
    /// Improvement runs from this date; `None` while waiting for escalation.
    improving_from: Option<Date>,
    cycle_baseline: f64,
    time_to_cr: f64,
    /// The date a relapse shows, once the dose has fallen below what holds the patient.
    relapse_on: Option<Date>,
    relapse_activity: u8,
}

impl Disease {
    fn activity(&self, patient: &VirtualPatient, model: &Model, today: Date) -> u8 {
        if self.relapse_on.is_some_and(|on| on <= today) {
            return self.relapse_activity;
        }
        let Some(from) = self.improving_from else {
            return patient.baseline_activity;
        };
        let weeks = days(from, today) / 7.0;
        let (residual, by) = if patient.complete {
            (0.0, self.time_to_cr)
        } else {
            (patient.partial_residual, model.partial_weeks)
        };
        let left = (1.0 - weeks / by).max(0.0).powf(model.fall_shape);
        // Rounded up: activity 0 only once the course reaches it.
        (self.cycle_baseline * (residual + (1.0 - residual) * left)).ceil() as u8
    }

    fn in_remission(&self, patient: &VirtualPatient, today: Date) -> bool {
        patient.complete
            && self
                .improving_from
                .is_some_and(|from| days(from, today) / 7.0 >= self.time_to_cr)
    }
}

/// Running totals of the doses given.
#[derive(Default)]
struct Exposure {
    mg: f64,
    days_on_drug: f64,
    max_mg: f64,
}

/// Runs one patient from `start` and returns the summary; `on_encounter` sees every encounter
/// in date order (the writer of the per-visit file).
pub fn run_patient(
    protocol: &Protocol,
    model: &Model,
    rng: &mut Rng,
    start: Date,
    mut on_encounter: impl FnMut(&Encounter<'_>),
) -> Result<PatientSummary, SimulateError> {
    let algorithm = protocol
        .algorithm()
        .ok_or_else(|| SimulateError::NoAlgorithm(protocol.id().to_owned()))?;
    let patient = VirtualPatient::draw(model, rng);
    let calendar = protocol::schedule::calendar(protocol.schedule(), start);
    let start_weekly = algorithm.ladder[algorithm.start].mg_per_week();
    let weekly = |id: &str| {
        protocol
            .dose_level(id)
            .map_or(0.0, protocol::model::DoseLevel::mg_per_week)
    };
    let mg = |id: &str| protocol.dose_level(id).map_or(0.0, |level| level.mg);
    let damage = ClasiDamage::new(patient.baseline_damage).ok_or(SimulateError::Model("damage"))?;
    let clasi = |date: Date, activity: u8| -> Result<ClasiRecord, SimulateError> {
        Ok(ClasiRecord {
            date,
            activity: ClasiActivity::new(activity).ok_or(SimulateError::Model("activity"))?,
            damage: Some(damage),
        })
    };
    let mut history = History {
        start_date: start,
        patient: Patient {
            sex: Some(Sex::F),
            subtype: Some(patient.subtype),
            ..Patient::default()
        },
        clasi: vec![clasi(start, patient.baseline_activity)?],
        sledai: Vec::new(),
        labs: Vec::new(),
        doses: Vec::new(),
        events: Vec::new(),
    };
    let mut disease = Disease {
        improving_from: (!patient.needs_escalation).then_some(start),
        cycle_baseline: f64::from(patient.baseline_activity),
        time_to_cr: draw_weeks(rng, &patient.group.time_to_cr),
        relapse_on: None,
        relapse_activity: 0,
    };
    let mut unscheduled: Vec<(Date, EventRecord)> = patient
        .adverse_events
        .iter()
        .map(|event| {
            let date = plus_weeks(start, event.week);
            let record = EventRecord {
                date,
                kind: EventKind::AdverseEvent,
                grade: Some(event.grade),
                term: Some(event.term.to_owned()),
                note: None,
            };
            (date, record)
        })
        .collect();
    if let Some(week) = patient.early_intolerance {
        let date = plus_weeks(start, week);
        let ae = |term: &str| EventRecord {
            date,
            kind: EventKind::AdverseEvent,
            grade: Some(2),
            term: Some(term.to_owned()),
            note: None,
        };
        unscheduled.push((date, ae("vomiting")));
        unscheduled.push((date, ae("diarrhea")));
        unscheduled.push((
            date,
            EventRecord {
                date,
                kind: EventKind::PhysicianDecision,
                grade: None,
                term: None,
                note: Some("disabling gastrointestinal intolerance".to_owned()),
            },
        ));
    }
    unscheduled.sort_by_key(|(date, _)| *date);
    let mut unscheduled = unscheduled.into_iter().peekable();
    let mut labs = calendar
        .labs
        .iter()
        .map(|slot| slot.date)
        .skip_while(|d| *d <= start)
        .peekable();
    let mut summary = PatientSummary::new(&patient);
    let mut exposure = Exposure::default();
    let mut first_reduction: Option<Date> = None;

    let mut decision = protocol::decide_following(protocol, &history, start)?;
    summary.decisions += 1;
    history.give(start, &decision.dose);
    on_encounter(&Encounter {
        date: start,
        day: 0,
        clasi: history.clasi.first().copied(),
        neutrophils: None,
        adverse_events: &[],
        decision: Some(&decision),
    });
    let mut today = start;
    let mut new_events: Vec<EventRecord> = Vec::new();
    while decision.action != Action::Stop {
        let next_lab = labs.peek().copied();
        let next_event = unscheduled.peek().map(|(date, _)| *date);
        // A returning rash brings the patient in ("unless clinically required", trial Methods).
        let next_relapse = disease.relapse_on.filter(|on| *on > today);
        let Some(next) = [decision.next_visit, next_lab, next_event, next_relapse]
            .into_iter()
            .flatten()
            .min()
        else {
            break;
        };
        if next > calendar.horizon {
            break;
        }
        accrue(
            &mut exposure,
            weekly(&decision.dose),
            mg(&decision.dose),
            days(today, next),
        );
        today = next;
        let on_drug = weekly(&decision.dose) > 0.0;
        let mut decide_now = decision.next_visit == Some(today) || next_relapse == Some(today);

        new_events.clear();
        while let Some((_, event)) = unscheduled.next_if(|(date, _)| *date <= today) {
            // An adverse event of the drug happens only while it is being given.
            if on_drug || event.kind != EventKind::AdverseEvent {
                new_events.push(event);
            }
        }
        decide_now |= !new_events.is_empty();
        summary.adverse_events += new_events
            .iter()
            .filter(|event| event.kind == EventKind::AdverseEvent)
            .count() as u32;
        history.events.extend(new_events.iter().cloned());

        let mut neutrophils = None;
        if labs.next_if_eq(&today).is_some() {
            let value = lab_value(&patient, model, rng, start, today, on_drug);
            let grade = grade_lab(
                LabTest::Neutrophils,
                value,
                LabUnit::PerMm3,
                Some(model.neutrophils_lln),
            )
            .map_err(|_| SimulateError::Model("neutrophils"))?;
            decide_now |= grade.is_some_and(|g| g.number() >= 2);
            history.labs.push(LabRecord {
                date: today,
                test: LabTest::Neutrophils,
                value,
                unit: LabUnit::PerMm3,
                lln: Some(model.neutrophils_lln),
            });
            neutrophils = Some(value);
        }
        let mut record = None;
        if decide_now {
            let activity = disease.activity(&patient, model, today);
            let visit = clasi(today, activity)?;
            history.clasi.push(visit);
            record = Some(visit);
            let before = decision.dose.clone();
            let cycle = decision.cycle;
            decision = protocol::decide_following(protocol, &history, today)?;
            summary.decisions += 1;
            if decision.cycle > cycle {
                // A reintroduction: a new cycle improves from the relapse score.
                disease.improving_from = Some(today);
                disease.cycle_baseline = f64::from(disease.relapse_activity);
                disease.time_to_cr = draw_weeks(rng, &patient.group.time_to_cr);
                disease.relapse_on = None;
            }
            if decision.dose != before {
                history.give(today, &decision.dose);
                let now = weekly(&decision.dose);
                if disease.improving_from.is_none() && now > start_weekly {
                    disease.improving_from = Some(today);
                }
                if now < weekly(&before) && decision.first_complete_response.is_some() {
                    first_reduction.get_or_insert(today);
                }
                respond_to_dose(
                    &mut disease,
                    &patient,
                    model,
                    rng,
                    today,
                    now / start_weekly,
                );
            }
            summary.record(&decision);
        }
        summary.encounters += 1;
        on_encounter(&Encounter {
            date: today,
            day: (today - start).get_days(),
            clasi: record,
            neutrophils,
            adverse_events: &new_events,
            decision: decide_now.then_some(&decision),
        });
    }
    let end = if decision.action == Action::Stop {
        today
    } else {
        calendar.horizon
    };
    accrue(
        &mut exposure,
        weekly(&decision.dose),
        mg(&decision.dose),
        days(today, end),
    );
    summary.finish(
        &decision,
        start,
        end,
        first_reduction,
        exposure.mg,
        exposure.days_on_drug / 7.0,
        exposure.max_mg,
    );
    summary.outcome = if decision.first_complete_response.is_some() {
        Outcome::Cr
    } else if summary.partial {
        Outcome::Pr
    } else {
        Outcome::Nr
    };
    summary.evaluable = decision.action != Action::Stop
        || days(start, today) >= f64::from(algorithm.settings.assessment_week * 7);
    summary.sustained_remission = decision.first_complete_response.is_some()
        && decision.relapses.is_empty()
        && decision.phase == Phase::OffTreatment;
    Ok(summary)
}

fn accrue(exposure: &mut Exposure, weekly: f64, mg: f64, days: f64) {
    exposure.mg += weekly * days / 7.0;
    if weekly > 0.0 {
        exposure.days_on_drug += days;
    }
    exposure.max_mg = exposure.max_mg.max(mg);
}

/// Starts or cancels the relapse clock when the dose changes.
fn respond_to_dose(
    disease: &mut Disease,
    patient: &VirtualPatient,
    model: &Model,
    rng: &mut Rng,
    today: Date,
    fraction_of_start: f64,
) {
    let Some(holding) = patient.holding_fraction else {
        return;
    };
    let held = fraction_of_start >= holding;
    match disease.relapse_on {
        Some(on) if on <= today => {}
        Some(_) if held => disease.relapse_on = None,
        None if !held && disease.in_remission(patient, today) => {
            disease.relapse_on = Some(plus_weeks(today, draw_weeks(rng, &model.relapse_delay)));
            let fraction = rng.between(model.relapse_fraction.0, model.relapse_fraction.1);
            let activity = (f64::from(patient.baseline_activity) * fraction).round() as u8;
            disease.relapse_activity = activity.max(model.relapse_min_activity);
        }
        _ => {}
    }
}

/// A neutrophil count: the patient's own with day-to-day variation, or the planned
/// neutropenia at the first count on drug after its week.
fn lab_value(
    patient: &VirtualPatient,
    model: &Model,
    rng: &mut Rng,
    start: Date,
    today: Date,
    on_drug: bool,
) -> f64 {
    let usual = patient.neutrophils * (1.0 + model.neutrophils_cv * rng.normal());
    let band = rng.uniform();
    match patient.neutropenia {
        Some((week, grade))
            if on_drug
                && days(start, today) / 7.0 >= week
                && days(start, today) / 7.0 < week + 4.0 =>
        {
            if grade >= 3 {
                500.0 + 499.0 * band
            } else {
                1000.0 + 499.0 * band
            }
        }
        _ => usual.max(model.neutrophils_floor * 0.75).round(),
    }
}

/// Gives a dose level from `from`: the previous level ends the day before.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeToCrSource;

    fn setup() -> (Model, VirtualPatient, Date) {
        let model = Model::lenalidomide(TimeToCrSource::Text);
        let mut patient = VirtualPatient::draw(&model, &mut Rng::from_seed(1));
        patient.baseline_activity = 12;
        patient.complete = true;
        patient.partial_residual = 0.25;
        patient.holding_fraction = Some(0.5);
        (model, patient, jiff::civil::date(2010, 1, 4))
    }

    fn disease(start: Date) -> Disease {
        Disease {
            improving_from: Some(start),
            cycle_baseline: 12.0,
            time_to_cr: 6.0,
            relapse_on: None,
            relapse_activity: 0,
        }
    }

    #[track_caller]
    fn check_activity(complete: bool, day: i64, expect: u8) {
        let (model, mut patient, start) = setup();
        patient.complete = complete;
        let today = start.saturating_add(day.days());
        assert_eq!(
            disease(start).activity(&patient, &model, today),
            expect,
            "day {day}"
        );
    }

    #[test]
    fn activity_reaches_zero_exactly_at_the_time_to_cr() {
        check_activity(true, 0, 12);
        // Week 2 of 6: 12 * (2/3)^2 = 5.33, rounded up (the trial's ~60% fall by week 2).
        check_activity(true, 14, 6);
        check_activity(true, 41, 1);
        check_activity(true, 42, 0);
        check_activity(true, 100, 0);
        // A partial responder settles at 25% of baseline by week 12, never 0.
        check_activity(false, 83, 4);
        check_activity(false, 84, 3);
        check_activity(false, 400, 3);
    }

    #[track_caller]
    fn check_clock(fraction_of_start: f64, in_remission: bool, expect_clock: bool) {
        let (model, patient, start) = setup();
        let mut state = disease(start);
        let today = if in_remission {
            start.saturating_add(42.days())
        } else {
            start.saturating_add(41.days())
        };
        let mut rng = Rng::from_seed(2);
        respond_to_dose(
            &mut state,
            &patient,
            &model,
            &mut rng,
            today,
            fraction_of_start,
        );
        assert_eq!(
            state.relapse_on.is_some(),
            expect_clock,
            "{fraction_of_start}"
        );
        if let Some(on) = state.relapse_on {
            let weeks = days(today, on) / 7.0;
            assert!((2.0..=8.0).contains(&weeks), "{weeks}");
            assert!(state.relapse_activity >= model.relapse_min_activity);
        }
    }

    #[test]
    fn the_relapse_clock_starts_below_the_holding_dose_in_remission_only() {
        check_clock(0.51, true, false);
        check_clock(0.5, true, false);
        check_clock(0.49, true, true);
        check_clock(0.0, true, true);
        check_clock(0.0, false, false);
    }

    #[test]
    fn a_dose_back_above_the_holding_dose_cancels_a_coming_relapse() {
        let (model, patient, start) = setup();
        let mut state = disease(start);
        let mut rng = Rng::from_seed(3);
        let today = start.saturating_add(42.days());
        respond_to_dose(&mut state, &patient, &model, &mut rng, today, 0.4);
        assert!(state.relapse_on.is_some());
        respond_to_dose(&mut state, &patient, &model, &mut rng, today, 0.5);
        assert_eq!(state.relapse_on, None);
    }
}
