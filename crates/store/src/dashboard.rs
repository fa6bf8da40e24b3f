//! The study dashboard's reads: counts per site and the rows behind the safety signals and the
//! visit calendar, each one query over the projections (never every subject read and filtered
//! in memory), so the dashboard stays fast with thousands of subjects.

use jiff::civil::Date;

use crate::Store;
use crate::error::StoreError;
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

/// An enrolled subject and the dates of their visits that took place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolledSubject {
    pub subject: String,
    pub enrolment_date: Date,
    pub visit_dates: Vec<Date>,
}

fn text(value: &Option<Value>) -> String {
    value
        .as_ref()
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_owned()
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
                    serious: row[3].as_ref().and_then(Value::as_bool).unwrap_or_default(),
                    start_date: row[4]
                        .as_ref()
                        .and_then(Value::as_date)
                        .ok_or_else(|| StoreError::corrupt("an adverse event without a start"))?,
                })
            })
            .collect()
    }

    /// The enrolled subjects of `site` with the dates of their visits that took place.
    pub async fn enrolled_at(&self, site: &str) -> Result<Vec<EnrolledSubject>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT subject.code, subject.enrolment_date, visit.actual_date FROM subject \
                 JOIN site ON site.id = subject.site_id \
                 LEFT JOIN visit ON visit.subject_id = subject.id AND NOT visit.removed \
                 WHERE site.code = $1 AND NOT subject.removed AND subject.enrolment_date IS NOT NULL \
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
}
