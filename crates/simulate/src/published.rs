//! The published cohort's courses: a plausible dated course for each of the 15 patients of the
//! lenalidomide trial (Cortés-Hernández et al., Arthritis Res Ther 2012;14:R265), replayed
//! visit by visit through the real engine.
//!
//! The paper prints each patient's summary (Tables 1-3), not their visits. Each
//! `data/published/courses/patient_NN.json` therefore holds a course of CLASI activity, by week
//! of each episode (the start, then each relapse), and the dose level on which the next relapse
//! shows; the Table 2 columns it must reproduce; the involved CLASI areas (Table 1's sites);
//! and the dated events of Table 3. The patients' ages are not printed per patient: the files
//! give invented ages within the printed range (28-53, median 40).
//!
//! [`replay`] is the clinic: at every visit it records the CLASI the course gives for that
//! day, asks the engine, and gives the dose the decision names; the next visit is the
//! decision's `next_visit` or an unscheduled visit of the course, whichever is first.
//! [`Replay::published`] reads the Table 2 columns back out of the engine's own decisions.

use instruments::clasi::Area;
use instruments::ctcae::{LabTest, LabUnit};
use instruments::subtype::Subtype;
use jiff::ToSpan;
use jiff::civil::Date;
use protocol::history::{
    ClasiActivity, ClasiRecord, EventKind, EventRecord, History, LabRecord, Patient, Sex,
};
use protocol::{Action, DecideError, Decision, Phase, Protocol, Response};
use serde::Deserialize;

use crate::SimulateError;

/// The course files, in patient order, shipped inside the binary.
pub const COURSES: [(&str, &str); 15] = [
    (
        "patient_01.json",
        include_str!("../../../data/published/courses/patient_01.json"),
    ),
    (
        "patient_02.json",
        include_str!("../../../data/published/courses/patient_02.json"),
    ),
    (
        "patient_03.json",
        include_str!("../../../data/published/courses/patient_03.json"),
    ),
    (
        "patient_04.json",
        include_str!("../../../data/published/courses/patient_04.json"),
    ),
    (
        "patient_05.json",
        include_str!("../../../data/published/courses/patient_05.json"),
    ),
    (
        "patient_06.json",
        include_str!("../../../data/published/courses/patient_06.json"),
    ),
    (
        "patient_07.json",
        include_str!("../../../data/published/courses/patient_07.json"),
    ),
    (
        "patient_08.json",
        include_str!("../../../data/published/courses/patient_08.json"),
    ),
    (
        "patient_09.json",
        include_str!("../../../data/published/courses/patient_09.json"),
    ),
    (
        "patient_10.json",
        include_str!("../../../data/published/courses/patient_10.json"),
    ),
    (
        "patient_11.json",
        include_str!("../../../data/published/courses/patient_11.json"),
    ),
    (
        "patient_12.json",
        include_str!("../../../data/published/courses/patient_12.json"),
    ),
    (
        "patient_13.json",
        include_str!("../../../data/published/courses/patient_13.json"),
    ),
    (
        "patient_14.json",
        include_str!("../../../data/published/courses/patient_14.json"),
    ),
    (
        "patient_15.json",
        include_str!("../../../data/published/courses/patient_15.json"),
    ),
];

/// A course file that does not follow the documented fields.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct CourseError {
    pub file: String,
    pub message: String,
}

/// One patient's course.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// The paper's patient number, 1-15.
    pub patient: u32,
    pub subtype: Subtype,
    /// Invented within the printed range (the paper gives no per-patient age).
    pub age_years: u8,
    /// The CLASI areas of Table 1's "site involvement".
    pub areas: Vec<Area>,
    /// Baseline CLASI activity (Table 1).
    pub baseline: u8,
    pub follow_up_months: u32,
    pub episodes: Vec<Episode>,
    pub labs: Vec<LabAt>,
    pub events: Vec<EventAt>,
    pub published: Published,
    pub note: String,
}

/// One episode: the start of treatment, or a relapse.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Episode {
    /// (week of the episode, CLASI activity from that week on); each week is also a visit.
    pub course: Vec<(u32, u8)>,
    /// The dose level on which this episode ends in a relapse, two weeks after it starts.
    #[serde(default)]
    pub relapse_on: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabAt {
    pub week: u32,
    pub test: LabTest,
    pub value: f64,
    pub unit: LabUnit,
}

/// An event of the paper's Toxicity section: an adverse event of Table 3 (with its printed
/// causality) or the physician's decision to stop.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventAt {
    pub week: u32,
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// The CTCAE v5.0 term (Table 3's "Neutropenia" is coded as Neutrophil count decreased).
    #[serde(default)]
    pub term: Option<instruments::ctcae::CtcaeTerm>,
    /// Table 3's words, where they differ from the CTCAE term.
    #[serde(default)]
    pub verbatim: Option<String>,
    #[serde(default)]
    pub grade: Option<u8>,
    /// Table 3's causality (`possible`, `probable`).
    #[serde(default)]
    pub causality: Option<String>,
    /// What was done with the drug (CDISC `AEACN`, e.g. `drug_withdrawn`, `dose_not_changed`).
    #[serde(default)]
    pub action_taken: Option<String>,
    /// The week the event resolved ("these resolved after withdrawing medication"; the week
    /// itself is not printed and is invented).
    #[serde(default)]
    pub resolved_week: Option<u32>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Table 2's columns as printed.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    /// `CR`, `PR`, `NR` or `withdrawn`.
    pub outcome: String,
    pub time_to_cr_weeks: Option<i32>,
    pub max_dose_mg: f64,
    /// "Yes", "No" or "-" as printed.
    pub relapse: String,
    pub dose_at_relapse: Option<String>,
}

impl Course {
    pub fn parse(file: &str, text: &str) -> Result<Course, CourseError> {
        serde_json::from_str(text).map_err(|error| CourseError {
            file: file.to_owned(),
            message: error.to_string(),
        })
    }

    /// The 15 shipped courses, in patient order.
    pub fn shipped() -> Result<Vec<Course>, CourseError> {
        COURSES
            .iter()
            .map(|(file, text)| Course::parse(file, text))
            .collect()
    }

    /// Whether the patient received treatment beyond the first week (Table 2's 14).
    pub fn treated(&self) -> bool {
        self.published.outcome != "withdrawn"
    }
}

/// CLASI activity at a relapse in the courses (>= 4, the protocol's threshold).
pub const RELAPSE_ACTIVITY: u8 = 5;

fn weeks(from: Date, count: u32) -> Date {
    from.saturating_add((i64::from(count) * 7).days())
}

/// What one replay produced: the record as the engine last read it and every decision, one per
/// CLASI visit (`decisions[i]` was taken on `history.clasi[i].date`).
#[derive(Clone, Debug)]
pub struct Replay {
    pub history: History,
    pub decisions: Vec<Decision>,
}

impl Replay {
    /// The last decision.
    pub fn last(&self) -> &Decision {
        self.decisions
            .last()
            .expect("a replay decides at least at the start")
    }

    /// Table 2's columns, read from the engine's decisions and the doses it named.
    pub fn published(&self, protocol: &Protocol) -> Published {
        let decision = self.last();
        let first_cr = decision.first_complete_response;
        let max_dose_mg = self
            .history
            .doses
            .iter()
            .filter_map(|dose| protocol.dose_level(&dose.level))
            .map(|level| level.mg)
            .fold(0.0, f64::max);
        let partial = self
            .decisions
            .iter()
            .any(|d| d.response == Some(Response::Pr));
        let relapse = match (decision.relapses.first(), first_cr) {
            (Some(_), _) => "Yes",
            (None, Some(_)) if decision.phase == Phase::OffTreatment => "No",
            _ => "-",
        };
        let outcome = if first_cr.is_some() {
            "CR"
        } else if partial {
            "PR"
        } else if decision.action == Action::Stop {
            "withdrawn"
        } else {
            "NR"
        };
        Published {
            outcome: outcome.to_owned(),
            time_to_cr_weeks: first_cr.map(|cr| (cr - self.history.start_date).get_days() / 7),
            max_dose_mg,
            relapse: relapse.to_owned(),
            dose_at_relapse: decision.relapses.first().map(|r| r.level.clone()),
        }
    }
}

fn clasi(date: Date, activity: u8) -> Result<ClasiRecord, SimulateError> {
    Ok(ClasiRecord {
        date,
        activity: ClasiActivity::new(activity).ok_or(SimulateError::Model("course activity"))?,
        damage: None,
    })
}

/// Replays `course` from `start`; `engine` decides (the callers pass `protocol::decide` or a
/// checking wrapper around it).
pub fn replay(
    protocol: &Protocol,
    course: &Course,
    start: Date,
    mut engine: impl FnMut(&Protocol, &History, Date) -> Result<Decision, DecideError>,
) -> Result<Replay, SimulateError> {
    let end = start.saturating_add(i64::from(course.follow_up_months).months());
    let mut history = History {
        start_date: start,
        patient: Patient {
            sex: Some(Sex::F),
            subtype: Some(course.subtype),
            ..Patient::default()
        },
        clasi: vec![clasi(start, course.baseline)?],
        sledai: Vec::new(),
        labs: course
            .labs
            .iter()
            .map(|lab| LabRecord {
                date: weeks(start, lab.week),
                test: lab.test,
                value: lab.value,
                unit: lab.unit,
                lln: None,
            })
            .collect(),
        doses: Vec::new(),
        events: course
            .events
            .iter()
            .map(|event| EventRecord {
                date: weeks(start, event.week),
                kind: event.kind,
                grade: event.grade,
                term: event.term,
                note: event.note.clone(),
            })
            .collect(),
        nerve_conduction: Vec::new(),
        arm: None,
    };
    let mut decision = engine(protocol, &history, start)?;
    history.give(start, &decision.dose);
    let mut decisions = vec![decision.clone()];
    let (mut episode, mut episode_start) = (0, start);
    let mut today = start;
    while let Some(plan) = course
        .episodes
        .get(episode.min(course.episodes.len().saturating_sub(1)))
    {
        let unscheduled = plan
            .course
            .iter()
            .map(|&(week, _)| weeks(episode_start, week))
            .find(|&visit| visit > today);
        let next = match (decision.next_visit, unscheduled) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => match a.or(b) {
                Some(next) => next,
                None => break,
            },
        };
        if next > end {
            break;
        }
        today = next;
        let (level, since) = history
            .doses
            .last()
            .map(|dose| (dose.level.clone(), dose.from))
            .unwrap_or_else(|| (String::new(), start));
        let relapses_now =
            plan.relapse_on.as_deref() == Some(level.as_str()) && (today - since).get_days() >= 14;
        let activity = if relapses_now {
            RELAPSE_ACTIVITY
        } else {
            let weeks_in = (today - episode_start).get_days() / 7;
            let base = if episode == 0 {
                course.baseline
            } else {
                RELAPSE_ACTIVITY
            };
            plan.course
                .iter()
                .rfind(|&&(week, _)| i32::try_from(week).is_ok_and(|week| week <= weeks_in))
                .map_or(base, |&(_, activity)| activity)
        };
        history.clasi.push(clasi(today, activity)?);
        decision = engine(protocol, &history, today)?;
        if decision.relapses.len() > episode {
            episode = decision.relapses.len();
            episode_start = today;
        }
        if decision.dose != level {
            history.give(today, &decision.dose);
        }
        decisions.push(decision.clone());
    }
    Ok(Replay { history, decisions })
}
