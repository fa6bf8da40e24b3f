//! The disease and drug model: every number a virtual patient is drawn from, each with the
//! published figure it is calibrated to. Sources: "the trial" is Cortés-Hernández et al.,
//! Arthritis Res Ther 2012;14:R265 (NCT01408199, lenalidomide, n = 15; tables transcribed in
//! `data/published/`); "the cohort" is the thalidomide cohort (Br J Dermatol 2012;166:616,
//! n = 60, known here from its published summary only).

use instruments::subtype::Subtype;
use serde::Serialize;

/// The subtype groups the papers report outcomes by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Dle,
    Scle,
    LupusProfundus,
    /// ACLE, tumidus and the rest: too few in the trial to model apart.
    Other,
}

impl Group {
    pub fn of(subtype: Subtype) -> Group {
        match subtype {
            Subtype::DleLocalized
            | Subtype::DleGeneralized
            | Subtype::DleHypertrophic
            | Subtype::DleMucosal => Group::Dle,
            Subtype::ScleAnnular | Subtype::SclePapulosquamous => Group::Scle,
            Subtype::LupusProfundus => Group::LupusProfundus,
            _ => Group::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Group::Dle => "dle",
            Group::Scle => "scle",
            Group::LupusProfundus => "lupus_profundus",
            Group::Other => "other",
        }
    }
}

/// A log-normal duration in weeks, cut to the published range.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Weeks {
    pub median: f64,
    /// SD of the log.
    pub spread: f64,
    pub min: f64,
    pub max: f64,
}

/// One group's response and relapse figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct GroupModel {
    pub group: Group,
    /// Time from the start of a cycle to CLASI activity 0, when the patient reaches it.
    pub time_to_cr: Weeks,
    /// Probability that a patient in CR relapses once the dose falls below what holds them.
    pub relapse: f64,
}

/// Which of the trial's two time-to-CR figures to calibrate to: its text and its Table 2
/// disagree (data/published/README.md, ambiguity 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeToCrSource {
    /// Text: DLE and SCLE 2-12 weeks, median 6; lupus profundus 4-32, median 13 (default: the
    /// paper's stated result).
    #[default]
    Text,
    /// Table 2: DLE and SCLE 2-12 weeks, median 4; lupus profundus 4 and 36, median 20.
    Table2,
}

/// Every parameter of one drug's virtual patients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Model {
    pub drug: &'static str,
    /// Subtype mix of the virtual cohort. Trial Table 1: DLE 9 (5 localized, 4 generalized),
    /// lupus profundus 2, SCLE 2, ACLE 1, tumidus 1. The cohort summary gives no mix, so it
    /// uses the trial's (both are the same centre's refractory CLE patients).
    pub subtypes: Vec<(Subtype, f64)>,
    /// Baseline CLASI activity, normal(mean, sd) rounded and cut to `activity_range`: trial Table 1,
    /// 10.93 +- 5.91, range 3-20.
    pub baseline_activity_mean: f64,
    pub baseline_activity_sd: f64,
    pub activity_range: (u8, u8),
    /// Baseline CLASI damage, exponential with this mean, cut at 56: trial Table 1, 2.33 +- 2.97
    /// (an SD close to the mean, as an exponential has). Damage does not change on treatment
    /// (trial: "no influence on ... CLASI damage score").
    pub baseline_damage_mean: f64,
    /// Early intolerance ending treatment in the first weeks: trial 1 of 15 (gastrointestinal
    /// grade 2 at week 1); cohort 1 of 60 ("completed by all patients except one").
    pub early_intolerance: f64,
    pub early_intolerance_week: u32,
    /// No improvement at the start dose (improves only once escalated): trial 1 of 14 treated
    /// (patient 9 escalated to 10 mg); cohort 2% (98% clinical response).
    pub no_improvement: f64,
    /// Complete response among patients who improve: trial 12 of 14 (86%); cohort 85% of 60
    /// (of the 98% who respond: 0.85 / 0.98).
    pub complete_response: f64,
    /// Shape of the fall of CLASI activity, (1 - t / T) ^ shape: 2 gives the trial's week-2 fall
    /// of about 60% at a median time to CR of 6 weeks (11 +- 5.9 to 4.13 +- 3.66, Figure 2).
    pub fall_shape: f64,
    /// Partial responders settle at this fraction of baseline (PR: >= 50% improvement by week 12),
    /// reached at `partial_weeks`.
    pub partial_residual: (f64, f64),
    pub partial_weeks: f64,
    pub groups: Vec<GroupModel>,
    /// A relapsing patient is held by a weekly dose of at least this fraction of the start
    /// dose's, with these weights. Trial Table 2, dose at relapse: alternate days 5, three times
    /// weekly 2, twice weekly 2 (of 9): fractions just above those levels' 0.5, 0.43 and 0.29.
    /// Cohort: "relapse ... after withdrawal or reduction of treatment", with no split: a third
    /// each at any reduction (1.0), below 50 mg/day (0.5) and below 50 mg alternate days (0.25),
    /// a setting.
    pub holding_fraction: Vec<(f64, f64)>,
    /// Weeks from the dose falling below the holding dose to the relapse: trial "2 to 8 weeks
    /// (median 4.4)"; cohort "usually five months" (21.7 weeks).
    pub relapse_delay: Weeks,
    /// CLASI activity at a relapse, as a fraction of baseline, at least `relapse_min_activity`
    /// (the trial's relapse definition is a new CLASI >= 4).
    pub relapse_fraction: (f64, f64),
    pub relapse_min_activity: u8,
    /// Neutrophils at baseline, /mm3, normal(mean, sd), at least `neutrophils_floor` (exclusion
    /// E4 keeps counts < 1,000 out; 2,000 is the usual lower limit of normal, `neutrophils_lln`).
    /// Each count varies by `neutrophils_cv` around the patient's own.
    pub neutrophils_mean: f64,
    pub neutrophils_sd: f64,
    pub neutrophils_floor: f64,
    pub neutrophils_lln: f64,
    pub neutrophils_cv: f64,
    /// Grade 2 neutropenia (1,000-1,499/mm3) once, on drug, in this window of weeks: trial 1 of
    /// 15 (1,190/mm3 at month 2 on 5 mg/day).
    pub neutropenia_grade2: f64,
    pub neutropenia_weeks: (f64, f64),
    /// Grade 3 neutropenia (500-999/mm3), which stops treatment: none in the trial's 15 (95% CI
    /// 0-22%) or reported in the cohort. 1% keeps the stopping rule exercised; a setting.
    pub neutropenia_grade3: f64,
    /// Other adverse events by CTCAE term, grade, probability and window of weeks on drug:
    /// trial insomnia grade 2, 1 of 15; cohort paraesthesia 18%, confirmed sensory
    /// polyneuropathy in 5 of 11 with paraesthesia (grade 2, which the cohort protocol stops for).
    pub adverse_events: Vec<AdverseEventModel>,
    /// Who has a nerve conduction study, and what it finds; `None`: no studies.
    pub nerve_conduction: Option<NerveConductionModel>,
}

/// Nerve conduction studies on symptoms. Cohort: paraesthesia "was confirmed as sensory
/// polyneuropathy in five of eleven patients": a patient with the `referral` event is studied; one
/// who goes on to the `confirmed` event is studied that day and found to have sensory
/// polyneuropathy, any other on the day of the referral event, with a normal study.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NerveConductionModel {
    pub referral: &'static str,
    pub confirmed: &'static str,
}

/// An adverse event that may happen once while on drug.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdverseEventModel {
    pub term: &'static str,
    pub grade: u8,
    pub probability: f64,
    pub weeks: (f64, f64),
    /// Happens only to patients who had this earlier event (neuropathy after paraesthesia),
    /// `weeks` after it.
    pub after: Option<&'static str>,
}

/// The trial's subtype mix (Table 1).
fn trial_subtypes() -> Vec<(Subtype, f64)> {
    vec![
        (Subtype::DleLocalized, 5.0),
        (Subtype::DleGeneralized, 4.0),
        (Subtype::LupusProfundus, 2.0),
        // The trial does not say which SCLE variant; annular is the commoner.
        (Subtype::ScleAnnular, 2.0),
        (Subtype::AcleGeneralized, 1.0),
        (Subtype::Tumidus, 1.0),
    ]
}

fn weeks(median: f64, spread: f64, min: f64, max: f64) -> Weeks {
    Weeks {
        median,
        spread,
        min,
        max,
    }
}

impl Model {
    /// The model for a protocol's drug, by the protocol's `study.drug`.
    pub fn for_drug(drug: &str, time_to_cr: TimeToCrSource) -> Option<Model> {
        match drug {
            "lenalidomide" => Some(Model::lenalidomide(time_to_cr)),
            "thalidomide" => Some(Model::thalidomide()),
            _ => None,
        }
    }

    pub const DRUGS: &'static str = "lenalidomide, thalidomide";

    /// Lenalidomide, calibrated to the trial.
    pub fn lenalidomide(time_to_cr: TimeToCrSource) -> Model {
        let (fast, profundus) = match time_to_cr {
            TimeToCrSource::Text => (weeks(6.0, 0.45, 2.0, 12.0), weeks(13.0, 0.6, 4.0, 32.0)),
            TimeToCrSource::Table2 => (weeks(4.0, 0.5, 2.0, 12.0), weeks(20.0, 0.8, 4.0, 36.0)),
        };
        Model {
            drug: "lenalidomide",
            subtypes: trial_subtypes(),
            baseline_activity_mean: 10.93,
            baseline_activity_sd: 5.91,
            activity_range: (3, 20),
            baseline_damage_mean: 2.33,
            early_intolerance: 1.0 / 15.0,
            early_intolerance_week: 1,
            no_improvement: 1.0 / 14.0,
            complete_response: 12.0 / 14.0,
            fall_shape: 2.0,
            partial_residual: (0.2, 0.5),
            partial_weeks: 12.0,
            groups: vec![
                // Trial: the non-SCLE patients in CR relapsed 9 of 10 (patient 5 not stated).
                GroupModel {
                    group: Group::Dle,
                    time_to_cr: fast,
                    relapse: 0.9,
                },
                // Trial: both SCLE patients stayed in remission off drug (0 of 2; cohort OR 30
                // for long-term remission in SCLE): 10% keeps relapse possible.
                GroupModel {
                    group: Group::Scle,
                    time_to_cr: fast,
                    relapse: 0.1,
                },
                GroupModel {
                    group: Group::LupusProfundus,
                    time_to_cr: profundus,
                    relapse: 0.9,
                },
                GroupModel {
                    group: Group::Other,
                    time_to_cr: fast,
                    relapse: 0.9,
                },
            ],
            holding_fraction: vec![(0.75, 5.0), (0.47, 2.0), (0.35, 2.0)],
            relapse_delay: weeks(4.4, 0.4, 2.0, 8.0),
            relapse_fraction: (0.3, 0.7),
            relapse_min_activity: 4,
            neutrophils_mean: 4000.0,
            neutrophils_sd: 1000.0,
            neutrophils_floor: 2000.0,
            neutrophils_lln: 2000.0,
            neutrophils_cv: 0.1,
            neutropenia_grade2: 1.0 / 15.0,
            neutropenia_weeks: (4.0, 12.0),
            neutropenia_grade3: 0.01,
            nerve_conduction: None,
            adverse_events: vec![AdverseEventModel {
                term: "insomnia",
                grade: 2,
                probability: 1.0 / 15.0,
                weeks: (4.0, 12.0),
                after: None,
            }],
        }
    }

    /// Thalidomide 100 mg/day, calibrated to the cohort summary. The summary gives no time to
    /// CR ("response noticeable at 2 weeks"); the trial reports that both drugs "displayed the
    /// same efficacy", so the trial's text figures are used.
    pub fn thalidomide() -> Model {
        let fast = weeks(6.0, 0.45, 2.0, 12.0);
        let trial = Model::lenalidomide(TimeToCrSource::Text);
        Model {
            drug: "thalidomide",
            early_intolerance: 1.0 / 60.0,
            no_improvement: 0.02,
            complete_response: 0.85 / 0.98,
            groups: vec![
                // Cohort: relapse 70% overall; DLE OR 5.71 for relapse; SCLE OR 30 for
                // long-term remission. These give about 70%, OR 6 and OR 30 with the trial's mix.
                GroupModel {
                    group: Group::Dle,
                    time_to_cr: fast,
                    relapse: 0.85,
                },
                GroupModel {
                    group: Group::Scle,
                    time_to_cr: fast,
                    relapse: 0.1,
                },
                GroupModel {
                    group: Group::LupusProfundus,
                    time_to_cr: weeks(13.0, 0.6, 4.0, 32.0),
                    relapse: 0.6,
                },
                GroupModel {
                    group: Group::Other,
                    time_to_cr: fast,
                    relapse: 0.6,
                },
            ],
            holding_fraction: vec![(1.0, 1.0), (0.5, 1.0), (0.25, 1.0)],
            relapse_delay: weeks(21.7, 0.35, 8.0, 52.0),
            // The summary reports no myelosuppression; the trial's rate is kept as a setting.
            neutropenia_grade3: 0.01,
            nerve_conduction: Some(NerveConductionModel {
                referral: "paresthesia",
                confirmed: "peripheral_sensory_neuropathy",
            }),
            adverse_events: vec![
                AdverseEventModel {
                    term: "paresthesia",
                    grade: 1,
                    probability: 0.18,
                    weeks: (8.0, 104.0),
                    after: None,
                },
                AdverseEventModel {
                    term: "peripheral_sensory_neuropathy",
                    grade: 2,
                    probability: 5.0 / 11.0,
                    weeks: (4.0, 12.0),
                    after: Some("paresthesia"),
                },
            ],
            ..trial
        }
    }

    pub fn group(&self, group: Group) -> &GroupModel {
        self.groups
            .iter()
            .find(|model| model.group == group)
            .unwrap_or(&self.groups[0])
    }
}
