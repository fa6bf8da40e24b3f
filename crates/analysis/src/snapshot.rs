//! The input of every analysis: one study frozen at a point in time.
//!
//! A snapshot is built by the shell from the study record (`cletrial report --db`), or here from the
//! published cohort ([`Snapshot::from_published`]). Times are study days: day 0 is the first dose of
//! the study drug (or enrolment where no dose was recorded), so a report never depends on the clock.
//! A value that is not a number stays what it is ([`Measure`]): "not done", "not applicable" and
//! "unknown" are kept apart from each other and from 0.

use std::sync::Arc;

use serde::{Serialize, Serializer};

pub use instruments::subtype::SubtypeGroup;

use crate::published::{self, Cohort, Diagnosis};

/// A measurement as recorded: a number, or the reason there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
// Named apart from the protocol's `Measure` (what a result measures) in the report's schema.
#[schemars(rename = "RecordedMeasure")]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Value(f64),
    /// The assessment was due and not performed.
    NotDone,
    /// The assessment does not apply at this visit.
    NotApplicable,
    /// Performed, but the total cannot be known (an item was not assessed) or the source does not say.
    Unknown,
}

impl Measure {
    pub fn value(self) -> Option<f64> {
        match self {
            Measure::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value, or why there is none in words (`not done`, `not applicable`, `unknown`).
    pub fn text(self) -> String {
        match self {
            Measure::Value(value) => number(value),
            Measure::NotDone => "not done".to_owned(),
            Measure::NotApplicable => "not applicable".to_owned(),
            Measure::Unknown => "unknown".to_owned(),
        }
    }
}

/// A number without a trailing `.0` when it is whole.
pub(crate) fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Sex {
    F,
    M,
}

/// A name that many records share (a visit's, a laboratory test's). A reader makes each distinct
/// name once and hands out copies, so a record costs no allocation, and two records' names are
/// usually the same text in memory: equality and order look at the pointer before the text.
#[derive(Clone, Debug)]
pub struct Name(Text);

#[derive(Clone, Debug)]
enum Text {
    Lasting(&'static str),
    Shared(Arc<str>),
}

impl Name {
    /// A name that lives as long as the program, for a reader that makes each of a bounded number
    /// of distinct names once: copying and dropping it touch no count shared between threads (a
    /// shared count's atomic updates showed in profiles).
    pub fn lasting(text: &'static str) -> Name {
        Name(Text::Lasting(text))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Text::Lasting(text) => text,
            Text::Shared(text) => text,
        }
    }

    /// The same text in memory (not only equal text).
    pub fn is(&self, other: &Name) -> bool {
        std::ptr::eq(self.as_str(), other.as_str())
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.is(other) || self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        if self.is(other) {
            std::cmp::Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl From<&str> for Name {
    fn from(name: &str) -> Name {
        Name(Text::Shared(name.into()))
    }
}

impl From<String> for Name {
    fn from(name: String) -> Name {
        Name(Text::Shared(name.into()))
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// One visit's CLASI totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VisitPoint {
    pub name: Name,
    pub day: i64,
    pub activity: Measure,
    pub damage: Measure,
}

/// A period on one regimen of the study drug; `end_day` is `None` while it runs (it then runs to
/// the snapshot's last day).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DoseSpan {
    pub start_day: i64,
    pub end_day: Option<i64>,
    /// Milligrams per administration (the paper's Table 2 gives the maximum dose in these).
    pub mg: f64,
    /// Administrations a week: 7 once daily, 3.5 on alternate days, 3, 2.
    pub per_week: f64,
    /// As prescribed, without the drug: "5 mg on alternate days".
    pub regimen: String,
}

impl DoseSpan {
    /// Milligrams a day averaged over the week, for the swimmer plot's shading only.
    pub fn mg_per_day(&self) -> f64 {
        self.mg * self.per_week / 7.0
    }
}

/// One adverse event. What the source does not say stays `None`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AdverseEventEntry {
    pub term: String,
    pub start_day: Option<i64>,
    /// CTCAE grade 1-5.
    pub grade: Option<u8>,
    pub serious: Option<bool>,
    pub causality: String,
}

/// One laboratory result: its value in the unit recorded (`None`: not done, or not a number) and
/// its CTCAE grade (0 = within the normal range; `None` when the test has no CTCAE grading).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabGrade {
    pub test: Name,
    pub day: i64,
    pub value: Option<f64>,
    pub grade: Option<u8>,
}

/// A period on a concomitant medication. Days are `None` where the record gives no date (the
/// period then runs from the start of the record, or on).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MedicationSpan {
    /// The drug's id in the drug vocabulary (`prednisone`).
    pub drug: Name,
    pub start_day: Option<i64>,
    pub end_day: Option<i64>,
    /// Milligrams a day averaged over the week; `None` when the dose is not in milligrams or
    /// has no count a week (as needed).
    pub mg_per_day: Option<f64>,
}

impl MedicationSpan {
    pub fn covers(&self, day: i64) -> bool {
        self.start_day.is_none_or(|start| start <= day) && self.end_day.is_none_or(|end| day <= end)
    }
}

/// A nerve conduction study's conclusion.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NerveStudy {
    pub day: i64,
    pub finding: protocol::history::NerveFinding,
}

/// A protocol decision as stored: the phase of treatment the engine named, on which day.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DecisionEntry {
    pub day: i64,
    pub phase: String,
}

/// How participation ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DispositionEntry {
    pub day: i64,
    /// The CDISC-style status code (`completed`, `adverse_event`, ...).
    pub status: String,
}

impl DispositionEntry {
    /// Every status other than completion ends participation early.
    pub fn is_withdrawal(&self) -> bool {
        self.status != "completed"
    }

    /// The status as a clinician reads it (the CDISC term in sentence case: "Lack of efficacy").
    pub fn words(&self) -> String {
        let mut words = self.status.replace('_', " ");
        if let Some(first) = words.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        words
    }
}

/// Outcomes the source reports as already derived (the paper's Table 2): used where the visit-level data
/// that would derive them are not published.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reported {
    pub outcome: published::Outcome,
    pub time_to_cr_weeks: Option<f64>,
    pub followup_months: Option<f64>,
    pub max_dose_mg: f64,
    /// `None` where the paper printed `-`.
    pub relapse: Option<bool>,
    pub dose_at_relapse: Option<String>,
}

/// One subject.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SubjectSnapshot {
    /// The pseudonymous study id.
    pub id: String,
    pub sex: Option<Sex>,
    /// Whole years at day 0 (the first dose, or the index date of a chart review).
    pub age_years: Option<f64>,
    pub subtype: Option<SubtypeGroup>,
    /// Calendar dates, for the listing only (every computation uses study days).
    pub enrolment_date: Option<String>,
    pub start_date: Option<String>,
    pub baseline_activity: Measure,
    pub baseline_damage: Measure,
    /// Post-baseline visits, in time order.
    pub visits: Vec<VisitPoint>,
    pub doses: Vec<DoseSpan>,
    pub adverse_events: Vec<AdverseEventEntry>,
    pub labs: Vec<LabGrade>,
    pub medications: Vec<MedicationSpan>,
    pub nerve_studies: Vec<NerveStudy>,
    pub decisions: Vec<DecisionEntry>,
    pub disposition: Option<DispositionEntry>,
    /// The last study day with any record (follow-up ends here); `None` when unknown.
    pub last_day: Option<i64>,
    pub reported: Option<Reported>,
}

/// Where a snapshot came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The study record.
    Record,
    /// A demonstration study of synthetic patients (`cletrial demo`).
    Demo,
    /// Simulated patients (`cletrial simulate`).
    Synthetic,
    /// The paper's Tables 1-3.
    Published,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    pub study: String,
    pub title: String,
    pub source: Source,
    pub subjects: Vec<SubjectSnapshot>,
}

impl Snapshot {
    /// The published cohort: Table 1 gives the baseline, Table 2 the outcomes as the paper derived them,
    /// Table 3 the adverse events (no dates, grades as printed). Visits, doses over time and laboratory
    /// results are not published, so those lists are empty.
    pub fn from_published(cohort: &Cohort) -> Snapshot {
        let subjects = cohort
            .baseline
            .iter()
            .map(|b| {
                let response = cohort.response.iter().find(|r| r.patient == b.patient);
                SubjectSnapshot {
                    id: format!("P{:02}", b.patient),
                    sex: Some(match b.sex {
                        published::Sex::F => Sex::F,
                        published::Sex::M => Sex::M,
                    }),
                    subtype: Some(match b.diagnosis {
                        Diagnosis::Dle => SubtypeGroup::Dle,
                        Diagnosis::LupusProfundus => SubtypeGroup::LupusProfundus,
                        Diagnosis::Scle => SubtypeGroup::Scle,
                        Diagnosis::Acle => SubtypeGroup::Acle,
                        Diagnosis::Tumidus => SubtypeGroup::Tumidus,
                    }),
                    age_years: None,
                    enrolment_date: None,
                    start_date: None,
                    baseline_activity: Measure::Value(f64::from(b.clasi_activity)),
                    baseline_damage: Measure::Value(f64::from(b.clasi_damage)),
                    visits: Vec::new(),
                    doses: Vec::new(),
                    adverse_events: cohort
                        .adverse_events
                        .iter()
                        .filter(|ae| ae.patient == b.patient)
                        .map(|ae| AdverseEventEntry {
                            term: ae.term.clone(),
                            start_day: None,
                            grade: ae.ctcae_grade,
                            serious: None,
                            causality: ae.causality.clone(),
                        })
                        .collect(),
                    labs: Vec::new(),
                    medications: Vec::new(),
                    nerve_studies: Vec::new(),
                    decisions: Vec::new(),
                    disposition: None,
                    last_day: None,
                    reported: response.map(|r| Reported {
                        outcome: r.clinical_outcome,
                        time_to_cr_weeks: r.time_to_cr_weeks.map(f64::from),
                        followup_months: r.followup_months.map(f64::from),
                        max_dose_mg: f64::from(r.max_dose_mg),
                        relapse: r.relapse,
                        dose_at_relapse: r.dose_at_relapse.clone(),
                    }),
                }
            })
            .collect();
        Snapshot {
            study: "NCT01408199".to_owned(),
            title: "Lenalidomide in refractory CLE: the published cohort (Cortés-Hernández et al., Arthritis Res Ther 2012;14:R265, Tables 1-3)".to_owned(),
            source: Source::Published,
            subjects,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names made apart compare by their text; a lasting and a shared name with one text are equal.
    #[test]
    fn names_compare_by_text() {
        let (lasting, shared) = (Name::lasting("week 12"), Name::from("week 12"));
        assert!(lasting == shared && !lasting.is(&shared));
        assert_eq!(lasting.cmp(&shared), std::cmp::Ordering::Equal);
        assert!(lasting.is(&lasting.clone()));
        let mut names = [Name::from("week 4"), Name::lasting("week 12"), shared];
        names.sort();
        let texts: Vec<&str> = names.iter().map(Name::as_str).collect();
        assert_eq!(texts, ["week 12", "week 12", "week 4"]);
    }
}
