//! What a virtual patient's course comes to, and a cohort's operating characteristics,
//! accumulated patient by patient so memory does not grow with the cohort.

use instruments::subtype::Subtype;
use jiff::civil::Date;
use protocol::endpoint::BestResponse;
use protocol::load::Algorithm;
use protocol::{Phase, Verdict};
use serde::Serialize;

use crate::model::Group;
use crate::patient::VirtualPatient;

/// One patient's course (a row of `patients.csv`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PatientSummary {
    pub subtype: Subtype,
    pub group: Group,
    pub baseline_activity: u8,
    pub baseline_damage: u8,
    /// By the protocol's definitions, as the study report derives it from the record
    /// (`protocol::endpoint`); [`BestResponse::evaluable`] is the response denominator.
    pub outcome: BestResponse,
    pub time_to_cr_weeks: Option<f64>,
    pub relapses: u32,
    pub first_relapse_level: Option<String>,
    /// From the first dose reduction after CR to the first relapse seen.
    pub relapse_weeks_after_reduction: Option<f64>,
    pub sustained_remission: bool,
    pub stop_rule: Option<String>,
    pub final_phase: Phase,
    pub final_dose: String,
    pub cycles: u32,
    pub exposure_mg: f64,
    pub weeks_on_treatment: f64,
    /// Highest mg per administration given (trial Table 2's "maximum dose").
    pub max_dose_mg: f64,
    /// Adverse events recorded plus laboratory toxicity flagged by the engine.
    pub adverse_events: u32,
    pub toxicity_flags: u32,
    pub encounters: u32,
    pub decisions: u32,
    pub follow_up_weeks: f64,
}

impl PatientSummary {
    pub(crate) fn new(patient: &VirtualPatient) -> PatientSummary {
        PatientSummary {
            subtype: patient.subtype,
            group: patient.group.group,
            baseline_activity: patient.baseline_activity,
            baseline_damage: patient.baseline_damage,
            outcome: BestResponse::NotEvaluable,
            time_to_cr_weeks: None,
            relapses: 0,
            first_relapse_level: None,
            relapse_weeks_after_reduction: None,
            sustained_remission: false,
            stop_rule: None,
            final_phase: Phase::Induction,
            final_dose: String::new(),
            cycles: 1,
            exposure_mg: 0.0,
            weeks_on_treatment: 0.0,
            max_dose_mg: 0.0,
            adverse_events: 0,
            toxicity_flags: 0,
            encounters: 0,
            decisions: 0,
            follow_up_weeks: 0.0,
        }
    }

    /// Notes what one decision says.
    pub(crate) fn record(&mut self, decision: &Verdict<'_>) {
        self.toxicity_flags += u32::from(decision.toxicity.is_some());
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn finish(
        &mut self,
        algorithm: &Algorithm,
        decision: &Verdict<'_>,
        start: Date,
        end: Date,
        first_reduction: Option<Date>,
        exposure_mg: f64,
        weeks_on_treatment: f64,
        max_dose_mg: f64,
    ) {
        let weeks = |from: Date, to: Date| f64::from((to - from).get_days()) / 7.0;
        self.relapses = decision.relapses as u32;
        self.first_relapse_level = decision
            .first_relapse
            .map(|(_, level)| algorithm.level_id(level).to_owned());
        self.relapse_weeks_after_reduction = match (first_reduction, decision.first_relapse) {
            (Some(from), Some((date, _))) if date >= from => Some(weeks(from, date)),
            _ => None,
        };
        self.stop_rule = (decision.action == protocol::Action::Stop)
            .then(|| {
                decision
                    .rule_ids()
                    .find(|id| id.starts_with("stop."))
                    .map(str::to_owned)
            })
            .flatten();
        self.final_phase = decision.phase;
        self.final_dose = decision.dose().to_owned();
        self.cycles = decision.cycle;
        self.exposure_mg = exposure_mg;
        self.weeks_on_treatment = weeks_on_treatment;
        self.max_dose_mg = max_dose_mg;
        self.follow_up_weeks = weeks(start, end);
    }
}
