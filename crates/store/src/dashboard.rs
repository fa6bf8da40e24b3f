//! The study dashboard's reads: counts per site and the rows behind the safety signals and the
//! visit calendar, each one query over the projections (never every subject read and filtered
//! in memory), so the dashboard stays fast with thousands of subjects.

use std::str::FromStr;

use instruments::ctcae::LabTest;
use jiff::civil::Date;

use crate::Store;
use crate::error::StoreError;
use crate::queries::QueryStatus;
use crate::value::{Ty, Value};

/// One site's subjects, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SiteCounts {
    pub site: String,
    pub screened: i64,
    pub consented: i64,
    pub enrolled: i64,
}

/// An adverse event that is serious or of CTCAE grade 3 or more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafetySignal {
    pub site: String,
    pub subject: String,
    pub term: String,
    pub grade: i64,
    pub serious: bool,
    pub start_date: Date,
}

/// A laboratory result of CTCAE grade 3 or more (the protocol stops or holds the drug on it),
/// and whether the adverse event log holds its CTCAE term on the day it was collected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabSignal {
    pub subject: String,
    pub visit_id: Option<i64>,
    /// The CTCAE term the test is graded by ("Neutrophil count decreased").
    pub term: &'static str,
    pub grade: i64,
    pub collected_on: Date,
    pub logged: bool,
}

/// Whether an adverse event of `term` covers `on` (started then or before, not ended before):
/// the log then holds what a laboratory result of that term showed. `events` are (term, start,
/// end) of the subject's adverse events.
pub fn logged_as_adverse_event<'a>(
    term: &str,
    on: Date,
    mut events: impl Iterator<Item = (&'a str, Date, Option<Date>)>,
) -> bool {
    events.any(|(logged, start, end)| {
        logged == term && start <= on && end.is_none_or(|end| end >= on)
    })
}

/// A subject whose participation goes on (enrolled, no disposition recorded) and the dates of
/// their visits that took place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolledSubject {
    pub subject: String,
    pub enrolment_date: Date,
    pub visit_dates: Vec<Date>,
}

/// A visit that took place, with what its record holds: the rows behind the visits to sign
/// and the forms incomplete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitHeld {
    pub subject: String,
    pub visit_id: i64,
    /// The visit's name as scheduled ("Week 4").
    pub visit: String,
    pub date: Date,
    /// Whether a CLASI is recorded for it.
    pub clasi: bool,
    /// Whether any form is recorded for it (CLASI, SLEDAI-2K, laboratory, nerve conduction).
    pub any_form: bool,
    /// Whether a signature of it stands (not voided).
    pub signed: bool,
    /// Whether the subject's participation goes on (no disposition recorded).
    pub active: bool,
    /// Whether a protocol decision is recorded on or after the visit's date.
    pub decided: bool,
}

/// A data query in the state a worklist asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryHeld {
    pub subject: String,
    pub query_id: i64,
    /// The kind of record and the field asked about, as in the audit trail.
    pub entity: String,
    pub field: String,
    pub question: String,
    /// When it reached this state (UTC, RFC 3339).
    pub since: String,
}

/// Visits joined with what decides each worklist: a form, a signature, a disposition.
const VISITS_HELD: &str = "SELECT subject.code, visit.id, visit.name, visit.actual_date, \
     EXISTS (SELECT 1 FROM clasi WHERE clasi.visit_id = visit.id AND NOT clasi.removed), \
     EXISTS (SELECT 1 FROM clasi WHERE clasi.visit_id = visit.id AND NOT clasi.removed) \
     OR EXISTS (SELECT 1 FROM sledai WHERE sledai.visit_id = visit.id AND NOT sledai.removed) \
     OR EXISTS (SELECT 1 FROM lab_result WHERE lab_result.visit_id = visit.id \
     AND NOT lab_result.removed) \
     OR EXISTS (SELECT 1 FROM nerve_conduction WHERE nerve_conduction.visit_id = visit.id \
     AND NOT nerve_conduction.removed), \
     EXISTS (SELECT 1 FROM signature WHERE signature.visit_id = visit.id \
     AND NOT signature.removed AND NOT signature.voided), \
     NOT EXISTS (SELECT 1 FROM disposition WHERE disposition.subject_id = subject.id \
     AND NOT disposition.removed), \
     EXISTS (SELECT 1 FROM protocol_decision WHERE \
     protocol_decision.subject_id = subject.id AND NOT protocol_decision.removed \
     AND protocol_decision.decided_on >= visit.actual_date) \
     FROM visit JOIN subject ON subject.id = visit.subject_id \
     JOIN site ON site.id = subject.site_id \
     WHERE site.code = $1 AND NOT visit.removed AND NOT subject.removed \
     AND visit.actual_date IS NOT NULL \
     ORDER BY visit.actual_date, subject.code, visit.id";

fn text(value: &Option<Value>) -> String {
    value
        .as_ref()
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_owned()
}

fn flag(value: &Option<Value>) -> bool {
    value.as_ref().and_then(Value::as_bool).unwrap_or_default()
}

fn int(value: &Option<Value>) -> i64 {
    value.as_ref().and_then(Value::as_int).unwrap_or_default()
}

impl Store {
    /// Screened, consented (or consent waived: a retrospective review) and enrolled subjects per
    /// site code.
    pub async fn site_counts(&self) -> Result<Vec<SiteCounts>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT site.code, COUNT(subject.id), \
                 COUNT(CASE WHEN subject.consent_date IS NOT NULL OR subject.consent = 'waived' \
                 THEN 1 END), \
                 COUNT(subject.enrolment_date) FROM site \
                 LEFT JOIN subject ON subject.site_id = site.id AND NOT subject.removed \
                 WHERE NOT site.removed GROUP BY site.code ORDER BY site.code",
                &[],
                &[Ty::Text, Ty::Int, Ty::Int, Ty::Int],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| SiteCounts {
                site: text(&row[0]),
                screened: int(&row[1]),
                consented: int(&row[2]),
                enrolled: int(&row[3]),
            })
            .collect())
    }

    /// Serious or grade >= 3 adverse events at `site`, newest first (at most `limit`).
    pub async fn safety_signals_at(
        &self,
        site: &str,
        limit: i64,
    ) -> Result<Vec<SafetySignal>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT subject.code, adverse_event.term, adverse_event.grade, \
                 adverse_event.serious, adverse_event.start_date FROM adverse_event \
                 JOIN subject ON subject.id = adverse_event.subject_id \
                 JOIN site ON site.id = subject.site_id \
                 WHERE site.code = $1 AND NOT adverse_event.removed AND NOT subject.removed \
                 AND (adverse_event.serious OR adverse_event.grade >= 3) \
                 ORDER BY adverse_event.start_date DESC, adverse_event.id DESC LIMIT $2",
                &[site.into(), limit.into()],
                &[Ty::Text, Ty::Text, Ty::Int, Ty::Bool, Ty::Date],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(SafetySignal {
                    site: site.to_owned(),
                    subject: text(&row[0]),
                    term: text(&row[1]),
                    grade: int(&row[2]),
                    serious: flag(&row[3]),
                    start_date: row[4]
                        .as_ref()
                        .and_then(Value::as_date)
                        .ok_or_else(|| StoreError::corrupt("an adverse event without a start"))?,
                })
            })
            .collect()
    }

    /// The subjects of `site` whose participation goes on (enrolled, no disposition recorded:
    /// one who completed or withdrew has no visit due), with the dates of their visits that
    /// took place.
    pub async fn active_at(&self, site: &str) -> Result<Vec<EnrolledSubject>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT subject.code, subject.enrolment_date, visit.actual_date FROM subject \
                 JOIN site ON site.id = subject.site_id \
                 LEFT JOIN visit ON visit.subject_id = subject.id AND NOT visit.removed \
                 WHERE site.code = $1 AND NOT subject.removed AND subject.enrolment_date IS NOT NULL \
                 AND NOT EXISTS (SELECT 1 FROM disposition WHERE disposition.subject_id = subject.id \
                 AND NOT disposition.removed) \
                 ORDER BY subject.code, visit.actual_date",
                &[site.into()],
                &[Ty::Text, Ty::Date, Ty::Date],
            )
            .await?;
        let mut subjects: Vec<EnrolledSubject> = Vec::new();
        for row in &rows {
            let code = text(&row[0]);
            let visit = row[2].as_ref().and_then(Value::as_date);
            match subjects.last_mut() {
                Some(last) if last.subject == code => last.visit_dates.extend(visit),
                _ => subjects.push(EnrolledSubject {
                    subject: code,
                    enrolment_date: row[1]
                        .as_ref()
                        .and_then(Value::as_date)
                        .ok_or_else(|| StoreError::corrupt("an enrolment date is blank"))?,
                    visit_dates: visit.into_iter().collect(),
                }),
            }
        }
        Ok(subjects)
    }

    /// The visits of `site` that took place, oldest first, with what their records hold.
    pub async fn visits_held_at(&self, site: &str) -> Result<Vec<VisitHeld>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                VISITS_HELD,
                &[site.into()],
                &[
                    Ty::Text,
                    Ty::Int,
                    Ty::Text,
                    Ty::Date,
                    Ty::Bool,
                    Ty::Bool,
                    Ty::Bool,
                    Ty::Bool,
                    Ty::Bool,
                ],
            )
            .await?;
        rows.iter()
            .map(|row| {
                Ok(VisitHeld {
                    subject: text(&row[0]),
                    visit_id: int(&row[1]),
                    visit: text(&row[2]),
                    date: row[3]
                        .as_ref()
                        .and_then(Value::as_date)
                        .ok_or_else(|| StoreError::corrupt("a visit without its date"))?,
                    clasi: flag(&row[4]),
                    any_form: flag(&row[5]),
                    signed: flag(&row[6]),
                    active: flag(&row[7]),
                    decided: flag(&row[8]),
                })
            })
            .collect()
    }

    /// The data queries of `site` in `status`, oldest first.
    pub async fn queries_at(
        &self,
        site: &str,
        status: QueryStatus,
    ) -> Result<Vec<QueryHeld>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT subject.code, data_query.id, data_query.entity, data_query.field, \
                 data_query.question, audit_event.recorded_at FROM data_query \
                 JOIN subject ON subject.id = data_query.subject_id \
                 JOIN site ON site.id = subject.site_id \
                 JOIN audit_event ON audit_event.seq = data_query.last_seq \
                 WHERE site.code = $1 AND data_query.status = $2 \
                 AND NOT data_query.removed AND NOT subject.removed \
                 ORDER BY data_query.last_seq",
                &[site.into(), status.code().into()],
                &[Ty::Text, Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|row| QueryHeld {
                subject: text(&row[0]),
                query_id: int(&row[1]),
                entity: text(&row[2]),
                field: text(&row[3]),
                question: text(&row[4]),
                since: text(&row[5]),
            })
            .collect())
    }

    /// The laboratory results of CTCAE grade 3 or more at `site`, newest first, each with
    /// whether the adverse event log holds it.
    pub async fn lab_signals_at(&self, site: &str) -> Result<Vec<LabSignal>, StoreError> {
        let mut tx = self.pool.read().await?;
        let labs = tx
            .fetch(
                "SELECT subject.code, lab_result.visit_id, lab_result.test, \
                 lab_result.ctcae_grade, lab_result.collected_on FROM lab_result \
                 JOIN subject ON subject.id = lab_result.subject_id \
                 JOIN site ON site.id = subject.site_id \
                 WHERE site.code = $1 AND NOT lab_result.removed AND NOT subject.removed \
                 AND lab_result.ctcae_grade >= 3 \
                 ORDER BY lab_result.collected_on DESC, lab_result.id DESC",
                &[site.into()],
                &[Ty::Text, Ty::Int, Ty::Text, Ty::Int, Ty::Date],
            )
            .await?;
        let events = tx
            .fetch(
                "SELECT subject.code, adverse_event.term, adverse_event.start_date, \
                 adverse_event.end_date FROM adverse_event \
                 JOIN subject ON subject.id = adverse_event.subject_id \
                 JOIN site ON site.id = subject.site_id \
                 WHERE site.code = $1 AND NOT adverse_event.removed AND NOT subject.removed",
                &[site.into()],
                &[Ty::Text, Ty::Text, Ty::Date, Ty::Date],
            )
            .await?;
        let events: Vec<(String, String, Date, Option<Date>)> = events
            .iter()
            .filter_map(|row| {
                let start = row[2].as_ref().and_then(Value::as_date)?;
                let end = row[3].as_ref().and_then(Value::as_date);
                Some((text(&row[0]), text(&row[1]), start, end))
            })
            .collect();
        labs.iter()
            .map(|row| {
                let subject = text(&row[0]);
                let test = text(&row[2]);
                let term = LabTest::from_str(&test)
                    .map_err(|_| {
                        StoreError::corrupt("a graded result of a test CTCAE does not grade")
                    })?
                    .term();
                let collected_on = row[4]
                    .as_ref()
                    .and_then(Value::as_date)
                    .ok_or_else(|| StoreError::corrupt("a laboratory result without its date"))?;
                let logged = logged_as_adverse_event(
                    term,
                    collected_on,
                    events
                        .iter()
                        .filter(|(code, ..)| *code == subject)
                        .map(|(_, term, start, end)| (term.as_str(), *start, *end)),
                );
                Ok(LabSignal {
                    visit_id: row[1].as_ref().and_then(Value::as_int),
                    grade: int(&row[3]),
                    subject,
                    term,
                    collected_on,
                    logged,
                })
            })
            .collect()
    }
}
