//! Data queries: a monitor asks about one field of one record, the site answers, the monitor
//! closes it. Each step is an audited change of the query record, so the trail shows who asked
//! what, who answered, and when it closed (ICH E6(R3) 3.16.1: queries and their resolution are
//! part of the trial record).

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::people::{require_data_entry, require_role};
use crate::record::{Stored, data_record, site_of_subject};
use crate::schema::QUERY;
use crate::value::{Ty, Value};
use crate::writer::{self, Reason, Row, Writer};

check::coded_enum!(
    /// Where a query stands: open (asked), answered (the site replied), closed (the monitor
    /// accepted the answer, or withdrew the question).
    QueryStatus, field = "status" {
        Open => "open",
        Answered => "answered",
        Closed => "closed",
    }
);

/// A question about one field of one record of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataQuery {
    pub subject_id: i64,
    /// The kind of record asked about (`clasi`, `lab`, `subject`, ...), as in the audit trail.
    pub entity: String,
    pub record_id: i64,
    /// The field asked about.
    pub field: String,
    pub question: String,
    pub answer: Option<String>,
    pub status: QueryStatus,
}

/// Who may raise and close queries: the monitor (issue 6, roles).
fn monitors(role: Role) -> bool {
    role == Role::Monitor
}

fn query_from(row: &Row) -> Result<DataQuery, StoreError> {
    let text = |field: &str| row.need(field, row.text(field)).map(str::to_owned);
    Ok(DataQuery {
        subject_id: row.need("subject_id", row.int("subject_id"))?,
        entity: text("entity")?,
        record_id: row.need("record_id", row.int("record_id"))?,
        field: text("field")?,
        question: text("question")?,
        answer: row.text("answer").map(str::to_owned),
        status: QueryStatus::parse(&text("status")?)?,
    })
}

/// Checks that `field` of record `entity` `record_id` exists and belongs to the subject.
async fn check_target(
    tx: &mut Tx,
    subject_id: i64,
    entity: &str,
    record_id: i64,
    field: &str,
) -> Result<(), StoreError> {
    let (kind, _) = data_record(tx, subject_id, entity, record_id).await?;
    if kind.field(field).is_none() {
        return Err(StoreError::invalid(
            "field",
            Refusal::of("refusal-no-field")
                .record("record", entity)
                .with("field", field),
        ));
    }
    Ok(())
}

impl Store {
    /// Opens a query on `field` of record `entity` `record_id` of subject `subject_id`.
    /// Only a monitor at the subject's site may.
    pub async fn open_query(
        &self,
        actor: &Actor,
        subject_id: i64,
        entity: &str,
        record_id: i64,
        field: &str,
        question: &str,
    ) -> Result<Stored<DataQuery>, StoreError> {
        let question = check::label("question", question, 1000)?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let site_id = site_of_subject(writer.tx(), subject_id).await?;
        require_role(writer.tx(), actor, site_id, monitors, "monitor").await?;
        check_target(writer.tx(), subject_id, entity, record_id, field).await?;
        let id = writer
            .create(
                &QUERY,
                vec![
                    ("subject_id", Some(Value::Int(subject_id))),
                    ("entity", Some(Value::Text(entity.to_owned()))),
                    ("record_id", Some(Value::Int(record_id))),
                    ("field", Some(Value::Text(field.to_owned()))),
                    ("question", Some(Value::Text(question))),
                    (
                        "status",
                        Some(Value::Text(QueryStatus::Open.code().to_owned())),
                    ),
                ],
            )
            .await?;
        writer.commit().await?;
        self.query(id).await
    }

    /// Answers an open query (version `based_on`); an investigator or coordinator at the site.
    pub async fn answer_query(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        answer: &str,
    ) -> Result<Stored<DataQuery>, StoreError> {
        let answer = check::label("answer", answer, 1000)?;
        self.move_query(actor, id, based_on, QueryStatus::Answered, Some(answer))
            .await
    }

    /// Closes a query (version `based_on`); only a monitor at the site.
    pub async fn close_query(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
    ) -> Result<Stored<DataQuery>, StoreError> {
        self.move_query(actor, id, based_on, QueryStatus::Closed, None)
            .await
    }

    async fn move_query(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        to: QueryStatus,
        answer: Option<String>,
    ) -> Result<Stored<DataQuery>, StoreError> {
        let current = self.query(id).await?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let site_id = site_of_subject(writer.tx(), current.data.subject_id).await?;
        let reason = match to {
            QueryStatus::Answered => {
                require_data_entry(writer.tx(), actor, site_id).await?;
                "query answered"
            }
            _ => {
                require_role(writer.tx(), actor, site_id, monitors, "monitor").await?;
                "query closed"
            }
        };
        let allowed_from: &[QueryStatus] = match to {
            QueryStatus::Answered => &[QueryStatus::Open],
            _ => &[QueryStatus::Open, QueryStatus::Answered],
        };
        if !allowed_from.contains(&current.data.status) {
            return Err(StoreError::invalid(
                "status",
                Refusal::of("refusal-query-status")
                    .value("status", "status", current.data.status.code())
                    .value("to", "status", to.code()),
            ));
        }
        let mut changes = vec![("status", Some(Value::Text(to.code().to_owned())))];
        if let Some(answer) = answer {
            changes.push(("answer", Some(Value::Text(answer))));
        }
        writer
            .update(&QUERY, id, based_on, &Reason::new(reason)?, changes)
            .await?;
        writer.commit().await?;
        self.query(id).await
    }

    /// A query by id.
    pub async fn query(&self, id: i64) -> Result<Stored<DataQuery>, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = writer::load(&mut tx, &QUERY, id)
            .await?
            .filter(|row| !row.removed)
            .ok_or_else(|| StoreError::NotFound {
                entity: "query",
                id: id.to_string(),
            })?;
        Ok(Stored {
            id,
            version: row.version,
            data: query_from(&row)?,
        })
    }

    /// Every query of a subject, oldest first.
    pub async fn queries_of(&self, subject_id: i64) -> Result<Vec<Stored<DataQuery>>, StoreError> {
        let mut tx = self.pool.read().await?;
        let (list, types) = writer::select_list(&QUERY);
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {list} FROM data_query WHERE subject_id = $1 AND NOT removed ORDER BY id"
                ),
                &[subject_id.into()],
                &types,
            )
            .await?;
        rows.into_iter()
            .map(|values| {
                let (id, row) = writer::row_from(&QUERY, values);
                Ok(Stored {
                    id,
                    version: row.version,
                    data: query_from(&row)?,
                })
            })
            .collect()
    }

    /// Queries not yet closed, counted per site code, in one query (the dashboard's count).
    pub async fn unresolved_queries_per_site(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT site.code, COUNT(*) FROM data_query \
                 JOIN subject ON subject.id = data_query.subject_id \
                 JOIN site ON site.id = subject.site_id \
                 WHERE NOT data_query.removed AND data_query.status <> 'closed' \
                 GROUP BY site.code ORDER BY site.code",
                &[],
                &[Ty::Text, Ty::Int],
            )
            .await?;
        rows.into_iter()
            .map(|row| match row.as_slice() {
                [Some(Value::Text(code)), Some(Value::Int(count))] => Ok((code.clone(), *count)),
                _ => Err(StoreError::corrupt("a query count row is malformed")),
            })
            .collect()
    }
}
