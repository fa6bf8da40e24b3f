//! Source data verification (SDV): a monitor compares a record, or some of its fields, with the
//! source (the clinic's chart, the lab report) and marks them verified. A verification holds
//! the record's version and, for a field, the value compared; a later change of that field (for
//! a whole record: any change) clears it in the same transaction, with the change's reason and
//! event, so the monitor sees it to do again and the trail shows why (ICH E6(R3) 3.11.4: the
//! monitor verifies the trial data against source records).

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::db::Tx;
use crate::error::StoreError;
use crate::people::require_role;
use crate::record::{data_record, site_of_subject};
use crate::schema::{Kind, USER, VERIFICATION};
use crate::value::{Ty, Value};
use crate::writer::{self, Reason, Row, Writer};

/// One verification as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceVerification {
    pub id: i64,
    pub subject_id: i64,
    /// The kind of record, as the audit trail names it.
    pub entity: String,
    pub record_id: i64,
    /// The field verified; `None`: the whole record.
    pub field: Option<String>,
    /// The record's version when it was verified.
    pub record_version: i64,
    /// For a field: its value as verified (canonical text; `None` for a blank field or a whole
    /// record). A change of the field away from it clears the verification.
    pub verified_value: Option<String>,
    pub printed_name: String,
    /// UTC, as in the audit trail.
    pub verified_at: String,
    /// Why it no longer holds (the change that cleared it); `None` while it holds.
    pub cleared: Option<String>,
}

impl SourceVerification {
    pub fn holds(&self) -> bool {
        self.cleared.is_none()
    }
}

/// Who verifies source data.
fn monitors(role: Role) -> bool {
    role == Role::Monitor
}

fn verification_from(id: i64, row: &Row) -> Result<SourceVerification, StoreError> {
    let text = |field: &str| row.text(field).unwrap_or_default().to_owned();
    Ok(SourceVerification {
        id,
        subject_id: row.need("subject_id", row.int("subject_id"))?,
        entity: text("entity"),
        record_id: row.need("record_id", row.int("record_id"))?,
        field: row.text("field").map(str::to_owned),
        record_version: row.need("record_version", row.int("record_version"))?,
        verified_value: row.text("verified_value").map(str::to_owned),
        printed_name: text("printed_name"),
        verified_at: text("verified_at"),
        cleared: row
            .flag("cleared")
            .unwrap_or_default()
            .then(|| text("clear_reason")),
    })
}

/// The verifications matching `condition` (on `$1`, `$2`), oldest first, with their versions.
async fn verifications_where(
    tx: &mut Tx,
    condition: &str,
    args: &[crate::db::Arg],
) -> Result<Vec<(i64, SourceVerification)>, StoreError> {
    let (list, types) = writer::select_list(&VERIFICATION);
    let rows = tx
        .fetch(
            &format!(
                "SELECT {list} FROM {} WHERE {condition} AND NOT removed ORDER BY id",
                VERIFICATION.table
            ),
            args,
            &types,
        )
        .await?;
    rows.into_iter()
        .map(|values| {
            let (id, row) = writer::row_from(&VERIFICATION, values);
            Ok((row.version, verification_from(id, &row)?))
        })
        .collect()
}

/// The condition on the verification table of the verifications of a record that still stand
/// (not cleared; [`verifications_where`] adds "not removed"): `$first` is the record's kind,
/// `$first + 1` its id. Shared by [`clear_changed`] and `changed`'s one look at what a change
/// meets.
pub(crate) fn standing_where(first: usize) -> String {
    let (entity, record) = (first, first + 1);
    format!("entity = ${entity} AND record_id = ${record} AND NOT cleared")
}

/// The canonical text of `field` of `row`, as a field verification keeps it.
fn value_of(row: &Row, field: &str) -> Option<String> {
    row.get(field).map(Value::canonical)
}

/// Clears the verifications of `record` that its change touched: the record's own, and those
/// of fields whose value changed (all of them when it was marked entered in error). Runs inside
/// the changing command's transaction, after its events, with its reason.
pub(crate) async fn clear_changed(
    writer: &mut Writer,
    (kind, id): (&'static Kind, i64),
    reason: &Reason,
) -> Result<(), StoreError> {
    let live = verifications_where(
        writer.tx(),
        &standing_where(1),
        &[kind.name.into(), id.into()],
    )
    .await?;
    if live.is_empty() {
        return Ok(());
    }
    let now = writer::load(writer.tx(), kind, id).await?;
    let why = Reason::new(&format!("verified data changed: {}", reason.as_str()))?;
    let change = writer.last_seq();
    for (version, verification) in live {
        let kept = match (&now, &verification.field) {
            (Some(row), Some(field)) if !row.removed => {
                value_of(row, field) == verification.verified_value
            }
            _ => false,
        };
        if kept {
            continue;
        }
        writer
            .update(
                &VERIFICATION,
                verification.id,
                version,
                &why,
                vec![
                    ("cleared", Some(Value::Bool(true))),
                    ("clear_reason", Some(Value::Text(why.as_str().to_owned()))),
                    ("cleared_by_seq", Some(Value::Int(change))),
                ],
            )
            .await?;
    }
    Ok(())
}

impl Store {
    /// Marks record `entity` `record_id` of subject `subject_id` verified against source as it
    /// stands at version `based_on` (what the monitor looked at): the whole record when
    /// `fields` is empty, else each of those fields. Only a monitor at the subject's site.
    /// All or nothing: an unknown field, a field or record already verified, or a record changed
    /// since `based_on` refuses the lot.
    pub async fn verify_source(
        &self,
        actor: &Actor,
        subject_id: i64,
        entity: &str,
        record_id: i64,
        based_on: i64,
        fields: &[String],
    ) -> Result<Vec<SourceVerification>, StoreError> {
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let site_id = site_of_subject(writer.tx(), subject_id).await?;
        require_role(writer.tx(), actor, site_id, monitors, "monitor").await?;
        let (kind, row) = data_record(writer.tx(), subject_id, entity, record_id).await?;
        if row.version != based_on {
            return Err(StoreError::invalid(
                "record",
                Refusal::of("refusal-changed-before-verifying")
                    .with("version", row.version)
                    .with("seen", based_on),
            ));
        }
        let held = verifications_where(
            writer.tx(),
            "entity = $1 AND record_id = $2 AND NOT cleared",
            &[kind.name.into(), record_id.into()],
        )
        .await?;
        let targets: Vec<Option<&str>> = if fields.is_empty() {
            vec![None]
        } else {
            fields.iter().map(|field| Some(field.as_str())).collect()
        };
        for (n, target) in targets.iter().enumerate() {
            if let Some(field) = target
                && kind
                    .field(field)
                    .is_none_or(|field| field.refers_to.is_some())
            {
                return Err(StoreError::invalid(
                    "field",
                    Refusal::of("refusal-no-field-to-verify")
                        .record("record", entity)
                        .with("field", field),
                ));
            }
            if targets[..n].contains(target) {
                return Err(StoreError::invalid(
                    "field",
                    Refusal::of("refusal-named-twice").with("name", target.unwrap_or(entity)),
                ));
            }
            if let Some((_, done)) = held.iter().find(|(_, v)| v.field.as_deref() == *target) {
                return Err(StoreError::invalid(
                    target.unwrap_or("record"),
                    Refusal::of("refusal-verified-already")
                        .with("name", &done.printed_name)
                        .with(
                            "date",
                            done.verified_at.get(..10).unwrap_or(&done.verified_at),
                        ),
                ));
            }
        }
        let printed_name = writer::load(writer.tx(), &USER, actor.user_id)
            .await?
            .and_then(|user| user.text("printed_name").map(str::to_owned))
            .ok_or(StoreError::AuthenticationFailed)?;
        let verified_at = writer.recorded_at().to_owned();
        let mut ids = Vec::new();
        for target in targets {
            let id = writer
                .create(
                    &VERIFICATION,
                    vec![
                        ("subject_id", Some(Value::Int(subject_id))),
                        ("entity", Some(Value::Text(kind.name.to_owned()))),
                        ("record_id", Some(Value::Int(record_id))),
                        ("field", target.map(|f| Value::Text(f.to_owned()))),
                        ("record_version", Some(Value::Int(row.version))),
                        (
                            "verified_value",
                            target.and_then(|f| value_of(&row, f)).map(Value::Text),
                        ),
                        ("verifier_id", Some(Value::Int(actor.user_id))),
                        ("printed_name", Some(Value::Text(printed_name.clone()))),
                        ("verified_at", Some(Value::Text(verified_at.clone()))),
                        ("cleared", Some(Value::Bool(false))),
                    ],
                )
                .await?;
            ids.push(id);
        }
        // The record's verifications that hold now are those it held and these.
        let made = verifications_where(
            writer.tx(),
            "entity = $1 AND record_id = $2 AND NOT cleared",
            &[kind.name.into(), record_id.into()],
        )
        .await?
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| ids.contains(&v.id))
        .collect();
        writer.commit().await?;
        Ok(made)
    }

    /// Every verification of a subject's records, holding and cleared, oldest first.
    pub async fn verifications_of(
        &self,
        subject_id: i64,
    ) -> Result<Vec<SourceVerification>, StoreError> {
        let mut tx = self.pool.read().await?;
        Ok(
            verifications_where(&mut tx, "subject_id = $1", &[subject_id.into()])
                .await?
                .into_iter()
                .map(|(_, v)| v)
                .collect(),
        )
    }
}

/// A subject whose records wait for source data verification (the monitor's worklist).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationDue {
    pub subject: String,
    /// Live records with no whole-record verification that holds.
    pub records: i64,
    /// When the longest-waiting of them was last changed (UTC, as in the audit trail).
    pub since: String,
}

impl Store {
    /// The subjects of `site` with records not verified as a whole, longest waiting first.
    pub async fn verification_due_at(
        &self,
        site: &str,
    ) -> Result<Vec<VerificationDue>, StoreError> {
        let mut tx = self.pool.read().await?;
        let mut due: Vec<VerificationDue> = Vec::new();
        let kinds = std::iter::once(&crate::schema::SUBJECT)
            .chain(crate::schema::CASEBOOK_RECORDS.iter().copied());
        for kind in kinds {
            let owner = if std::ptr::eq(kind, &crate::schema::SUBJECT) {
                "id"
            } else {
                "subject_id"
            };
            let rows = tx
                .fetch(
                    &format!(
                        "SELECT subject.code, COUNT(*), MIN(audit_event.recorded_at) FROM {table} r \
                         JOIN subject ON subject.id = r.{owner} \
                         JOIN site ON site.id = subject.site_id \
                         JOIN audit_event ON audit_event.seq = r.last_seq \
                         WHERE site.code = $1 AND NOT r.removed AND NOT subject.removed \
                         AND NOT EXISTS (SELECT 1 FROM source_verification v \
                             WHERE v.entity = $2 AND v.record_id = r.id AND v.field IS NULL \
                             AND NOT v.cleared AND NOT v.removed) \
                         GROUP BY subject.code",
                        table = kind.table
                    ),
                    &[site.into(), kind.name.into()],
                    &[Ty::Text, Ty::Int, Ty::Text],
                )
                .await?;
            for row in rows {
                let [
                    Some(Value::Text(subject)),
                    Some(Value::Int(count)),
                    Some(Value::Text(since)),
                ] = row.as_slice()
                else {
                    return Err(StoreError::corrupt("a verification count row is malformed"));
                };
                match due.iter_mut().find(|d| &d.subject == subject) {
                    Some(d) => {
                        d.records += count;
                        if since < &d.since {
                            d.since.clone_from(since);
                        }
                    }
                    None => due.push(VerificationDue {
                        subject: subject.clone(),
                        records: *count,
                        since: since.clone(),
                    }),
                }
            }
        }
        due.sort_by(|a, b| {
            a.since
                .cmp(&b.since)
                .then_with(|| a.subject.cmp(&b.subject))
        });
        Ok(due)
    }
}
