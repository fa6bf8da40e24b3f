//! One virtual patient through the real protocol engine, encounter by encounter.
//!
//! The model is the patient, the engine is the clinic: at each encounter (a visit the engine
//! asked for, a laboratory date of the protocol's calendar, or an unscheduled visit for an
//! adverse event or a relapse) the model writes what would be measured that day into the record, the engine
//! decides on the record as it stands, and the dose it names is given. The disease answers the
//! dose: it improves from the start of a cycle (or from escalation for a patient who needs it),
//! and relapses a few weeks after the dose falls below what holds the patient in remission.
//! A stop ends the patient's follow-up; otherwise follow-up runs to the protocol's horizon.
//!
//! The record is a `protocol::FollowUp`: the engine keeps its state from one encounter to the
//! next instead of replaying the whole record at each (the decisions are those of
//! `decide_following` on the same record; `tests/it/engine.rs` checks them).

use instruments::ctcae::{CtcaeTerm, LabTest, LabUnit};
use jiff::civil::Date;
use protocol::endpoint::{BestResponse, ResponseCourse, ResponseDefinitions};
use protocol::history::{
    ClasiActivity, ClasiDamage, ClasiRecord, EventKind, EventRecord, LabRecord,
    NerveConductionRecord, NerveFinding, Patient, Sex,
};
use protocol::schedule::{add_days, days_between};
use protocol::{Action, Decision, FollowUp, Phase, Timetable, Verdict};

use crate::SimulateError;
use crate::model::Model;
use crate::patient::{VirtualPatient, draw_weeks};
use crate::rng::Rng;
use crate::summary::PatientSummary;

/// What happened at one encounter, for the per-visit output.
#[derive(Debug)]
pub struct Encounter<'a> {
    pub date: Date,
    pub day: i32,
    pub clasi: Option<ClasiRecord>,
    pub neutrophils: Option<f64>,
    pub adverse_events: &'a [EventRecord],
    /// A nerve conduction study done at this encounter.
    pub nerve_conduction: Option<NerveConductionRecord>,
    /// The engine's decision, when the encounter could change it (a visit, a toxic
    /// laboratory value or an event).
    pub decision: Option<&'a Decision>,
}

/// The CTCAE v5.0 term a model names by id (a model's terms are tested to be known).
fn ctcae(id: &str) -> Result<CtcaeTerm, SimulateError> {
    CtcaeTerm::lookup(id).map_err(|_| SimulateError::Model("adverse event term"))
}

fn days(from: Date, to: Date) -> f64 {
    f64::from(days_between(from, to))
}

fn plus_weeks(date: Date, weeks: f64) -> Date {
    add_days(date, (weeks * 7.0).round() as i64)
}

/// The nerve conduction study of the day's events under the model: on the confirming event,
/// sensory polyneuropathy; on the referral event of a patient who will not have it, normal.
fn nerve_study(
    model: &Model,
    patient: &VirtualPatient,
    events: &[EventRecord],
    today: Date,
) -> Result<Option<NerveConductionRecord>, SimulateError> {
    let Some(studies) = &model.nerve_conduction else {
        return Ok(None);
    };
    let (referral, confirmed) = (ctcae(studies.referral)?, ctcae(studies.confirmed)?);
    let will_confirm = patient
        .adverse_events
        .iter()
        .any(|planned| planned.term == studies.confirmed);
    let finding = events.iter().find_map(|event| match event.term {
        Some(term) if term == confirmed => Some(NerveFinding::SensoryPolyneuropathy),
        Some(term) if term == referral && !will_confirm => Some(NerveFinding::Normal),
        _ => None,
    });
    Ok(finding.map(|finding| NerveConductionRecord {
        date: today,
        finding,
    }))
}

/// The earliest of the dates that are set.
fn earliest(dates: [Option<Date>; 4]) -> Option<Date> {
    dates
        .into_iter()
        .fold(None, |earliest, date| match (earliest, date) {
            (Some(a), Some(b)) => Some(if b < a { b } else { a }),
            (a, b) => a.or(b),
        })
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

/// Someone who reads every encounter as it happens (the writer of the per-visit file).
pub(crate) type Observer<'o> = &'o mut dyn FnMut(&Encounter<'_>);

/// Runs one patient from `start` and returns the summary; `observer`, if any, sees every
/// encounter in date order with the engine's whole decision. Without one, the engine's
/// decisions are read without their sentences, which are never written.
pub(crate) fn run_patient(
    timetable: &Timetable<'_>,
    model: &Model,
    rng: &mut Rng,
    mut observer: Option<Observer<'_>>,
) -> Result<PatientSummary, SimulateError> {
    let protocol = timetable.protocol();
    let start = timetable.start();
    let algorithm = protocol
        .algorithm()
        .ok_or_else(|| SimulateError::NoAlgorithm(protocol.id().to_owned()))?;
    let patient = VirtualPatient::draw(model, rng);
    // Weekly and per-administration mg of a ladder position.
    let weekly = |level: usize| algorithm.ladder[level].mg_per_week();
    let mg = |level: usize| algorithm.ladder[level].mg;
    let start_weekly = weekly(algorithm.start);
    let damage = ClasiDamage::new(patient.baseline_damage).ok_or(SimulateError::Model("damage"))?;
    let clasi = |date: Date, activity: u8| -> Result<ClasiRecord, SimulateError> {
        Ok(ClasiRecord {
            date,
            activity: ClasiActivity::new(activity).ok_or(SimulateError::Model("activity"))?,
            damage: Some(damage),
        })
    };
    let mut follow = FollowUp::on(
        timetable,
        Patient {
            sex: Some(Sex::F),
            subtype: Some(patient.subtype),
            ..Patient::default()
        },
    )?;
    let baseline = clasi(start, patient.baseline_activity)?;
    follow.add_clasi(baseline)?;
    let definitions = ResponseDefinitions::of(&algorithm.settings.response);
    let mut response =
        ResponseCourse::new(&definitions, Some(f64::from(patient.baseline_activity)));
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
                term: Some(ctcae(event.term)?),
                note: None,
            };
            Ok((date, record))
        })
        .collect::<Result<_, SimulateError>>()?;
    if let Some(week) = patient.early_intolerance {
        let date = plus_weeks(start, week);
        let ae = |term: &str| -> Result<EventRecord, SimulateError> {
            Ok(EventRecord {
                date,
                kind: EventKind::AdverseEvent,
                grade: Some(2),
                term: Some(ctcae(term)?),
                note: None,
            })
        };
        unscheduled.push((date, ae("vomiting")?));
        unscheduled.push((date, ae("diarrhea")?));
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
    let horizon = timetable.horizon();
    let lab_dates = timetable.lab_dates();
    // The next laboratory date of the calendar (the start's own is a screening value).
    let mut lab = lab_dates.partition_point(|date| *date <= start);
    let mut summary = PatientSummary::new(&patient);
    let mut exposure = Exposure::default();
    let mut first_reduction: Option<Date> = None;

    let observing = observer.is_some();
    let mut explained: Option<Decision> = None;
    let mut verdict = decide(&follow, start, observing, &mut explained)?;
    summary.decisions += 1;
    follow.give(start, verdict.level)?;
    if let Some(observer) = observer.as_mut() {
        observer(&Encounter {
            date: start,
            day: 0,
            clasi: Some(baseline),
            neutrophils: None,
            adverse_events: &[],
            nerve_conduction: None,
            decision: explained.as_ref(),
        });
    }
    let mut today = start;
    let mut new_events: Vec<EventRecord> = Vec::new();
    while verdict.action != Action::Stop {
        let next_lab = lab_dates.get(lab).copied();
        let next_event = unscheduled.peek().map(|(date, _)| *date);
        // A returning rash brings the patient in ("unless clinically required", trial Methods).
        let next_relapse = disease.relapse_on.filter(|on| *on > today);
        let Some(next) = earliest([verdict.next_visit, next_lab, next_event, next_relapse]) else {
            break;
        };
        if next > horizon {
            break;
        }
        accrue(
            &mut exposure,
            weekly(verdict.level),
            mg(verdict.level),
            days(today, next),
        );
        today = next;
        let on_drug = weekly(verdict.level) > 0.0;
        let mut decide_now = verdict.next_visit == Some(today) || next_relapse == Some(today);

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
        // The record takes a day's events in their normal order; the encounter keeps the
        // order they were planned in.
        let mut in_order: Vec<&EventRecord> = new_events.iter().collect();
        in_order.sort();
        for event in in_order {
            follow.add_event(event.clone())?;
        }
        let study = nerve_study(model, &patient, &new_events, today)?;
        // On an event's day, so the day's decision reads it.
        if let Some(study) = study {
            follow.add_nerve_conduction(study)?;
        }

        let mut neutrophils = None;
        if next_lab == Some(today) {
            lab += 1;
            let value = lab_value(&patient, model, rng, start, today, on_drug);
            // The count is graded once, by the record; a grade 2 or worse brings a decision.
            let grade = follow.add_lab(LabRecord {
                date: today,
                test: LabTest::Neutrophils,
                value,
                unit: LabUnit::PerMm3,
                lln: Some(model.neutrophils_lln),
            })?;
            decide_now |= grade.is_some_and(|g| g.number() >= 2);
            neutrophils = Some(value);
        }
        let mut record = None;
        if decide_now {
            let activity = disease.activity(&patient, model, today);
            let visit = clasi(today, activity)?;
            follow.add_clasi(visit)?;
            response.observe(i64::from(days_between(start, today)), f64::from(activity));
            record = Some(visit);
            let before = verdict.level;
            let cycle = verdict.cycle;
            verdict = decide(&follow, today, observing, &mut explained)?;
            summary.decisions += 1;
            if verdict.cycle > cycle {
                // A reintroduction: a new cycle improves from the relapse score.
                disease.improving_from = Some(today);
                disease.cycle_baseline = f64::from(disease.relapse_activity);
                disease.time_to_cr = draw_weeks(rng, &patient.group.time_to_cr);
                disease.relapse_on = None;
            }
            if verdict.level != before {
                follow.give(today, verdict.level)?;
                let now = weekly(verdict.level);
                if disease.improving_from.is_none() && now > start_weekly {
                    disease.improving_from = Some(today);
                }
                if now < weekly(before) && verdict.first_complete_response.is_some() {
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
            summary.record(&verdict);
        }
        summary.encounters += 1;
        if let Some(observer) = observer.as_mut() {
            observer(&Encounter {
                date: today,
                day: days_between(start, today),
                clasi: record,
                neutrophils,
                adverse_events: &new_events,
                nerve_conduction: study,
                decision: explained.as_ref().filter(|_| decide_now),
            });
        }
    }
    let end = if verdict.action == Action::Stop {
        today
    } else {
        horizon
    };
    accrue(
        &mut exposure,
        weekly(verdict.level),
        mg(verdict.level),
        days(today, end),
    );
    summary.finish(
        algorithm,
        &verdict,
        start,
        end,
        first_reduction,
        exposure.mg,
        exposure.days_on_drug / 7.0,
        exposure.max_mg,
    );
    // The endpoints as the report derives them from the record of this course, whose
    // disposition shows a stop as the end of participation (the simulator follows no further).
    summary.outcome = response.best(verdict.action == Action::Stop);
    summary.time_to_cr_weeks = response.complete_day().map(|day| day as f64 / 7.0);
    summary.sustained_remission = summary.outcome == BestResponse::Complete
        && verdict.relapses == 0
        && verdict.phase == Phase::OffTreatment;
    Ok(summary)
}

/// The engine's decision on `as_of`; the whole decision, sentences written, into `explained`
/// only when someone observes the encounters.
fn decide<'p>(
    follow: &FollowUp<'p>,
    as_of: Date,
    observing: bool,
    explained: &mut Option<Decision>,
) -> Result<Verdict<'p>, SimulateError> {
    if observing {
        *explained = Some(follow.decision(as_of)?);
    }
    Ok(follow.verdict(as_of)?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeToCrSource;
    use jiff::ToSpan;

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
