//! Electronic signatures of visits (21 CFR Part 11 §§ 11.50, 11.70, 11.200).
//!
//! Signing needs the signer's password again (both components: the session's login and the
//! password). The signature records the printed name, the time, the meaning and the SHA-256 of
//! the signed content; it is itself an audit event. Any later change of the signed visit voids
//! the signature in the same transaction, with a reason, so the void is in the trail too.

use sha2::{Digest, Sha256};

use crate::Store;
use crate::auth::{Actor, Password, Role};
use crate::db::Tx;
use crate::error::StoreError;
use crate::people::{password_matches, require_role, site_by_code};
use crate::schema::{Kind, SIGNATURE, VISIT, VISIT_RECORDS};
use crate::value::{Ty, Value};
use crate::writer::{self, Reason, Row, Writer};

/// What a signature means (21 CFR 11.50(a)(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    Authorship,
    Review,
    Approval,
    Responsibility,
}

impl Meaning {
    pub const ALL: [Meaning; 4] = [
        Meaning::Authorship,
        Meaning::Review,
        Meaning::Approval,
        Meaning::Responsibility,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Meaning::Authorship => "authorship",
            Meaning::Review => "review",
            Meaning::Approval => "approval",
            Meaning::Responsibility => "responsibility",
        }
    }

    pub fn parse(text: &str) -> Result<Meaning, StoreError> {
        Meaning::ALL
            .into_iter()
            .find(|meaning| meaning.as_str() == text)
            .ok_or_else(|| {
                StoreError::invalid(
                    "meaning",
                    format!(
                        "'{text}' is not allowed; allowed: {}",
                        Meaning::ALL.map(Meaning::as_str).join(", ")
                    ),
                )
            })
    }
}

/// A signature as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub id: i64,
    pub visit_id: i64,
    pub signer_login: String,
    pub printed_name: String,
    pub meaning: Meaning,
    /// UTC, as in the audit trail.
    pub signed_at: String,
    pub content_sha256: String,
    /// Why the signature no longer holds; `None` while it does.
    pub void_reason: Option<String>,
}

impl Signature {
    pub fn is_valid(&self) -> bool {
        self.void_reason.is_none()
    }
}

/// One record as signed: kind, id, version and every field's canonical value.
fn record_json(kind: &Kind, id: i64, row: &Row) -> serde_json::Value {
    let fields: Vec<Option<String>> = kind
        .fields
        .iter()
        .map(|field| row.get(field.name).map(Value::canonical))
        .collect();
    serde_json::json!([kind.name, id, row.version, fields])
}

/// The SHA-256 of what a visit signature covers: the visit and every live record entered at
/// it.
async fn content_sha256(tx: &mut Tx, visit_id: i64) -> Result<String, StoreError> {
    let visit = writer::load(tx, &VISIT, visit_id)
        .await?
        .filter(|row| !row.removed)
        .ok_or_else(|| StoreError::NotFound {
            entity: "visit",
            id: visit_id.to_string(),
        })?;
    let mut records = vec![record_json(&VISIT, visit_id, &visit)];
    for kind in VISIT_RECORDS {
        let (list, types) = writer::select_list(kind);
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {list} FROM {} WHERE visit_id = $1 AND NOT removed ORDER BY id",
                    kind.table
                ),
                &[visit_id.into()],
                &types,
            )
            .await?;
        for values in rows {
            let (id, row) = writer::row_from(kind, values);
            records.push(record_json(kind, id, &row));
        }
    }
    let text = serde_json::json!(["cletrial-visit-v1", records]).to_string();
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

/// Voids the valid signatures that cover a changed record of `subject_id`: those of
/// `visit_id` when the record was taken at a visit. Runs inside the changing command's
/// transaction, with the change's reason.
pub(crate) async fn void_signatures(
    writer: &mut Writer,
    _subject_id: i64,
    visit_id: Option<i64>,
    reason: &Reason,
) -> Result<(), StoreError> {
    let Some(visit_id) = visit_id else {
        return Ok(());
    };
    let live = writer
        .tx()
        .fetch(
            "SELECT id, version FROM signature WHERE visit_id = $1 AND NOT voided AND NOT removed ORDER BY id",
            &[visit_id.into()],
            &[Ty::Int, Ty::Int],
        )
        .await?;
    let why = Reason::new(&format!("signed content changed: {}", reason.as_str()))?;
    for row in live {
        let (Some(Value::Int(id)), Some(Value::Int(version))) = (&row[0], &row[1]) else {
            continue;
        };
        writer
            .update(
                &SIGNATURE,
                *id,
                *version,
                &why,
                vec![
                    ("voided", Some(Value::Bool(true))),
                    ("void_reason", Some(Value::Text(why.as_str().to_owned()))),
                ],
            )
            .await?;
    }
    Ok(())
}

fn signature_from(id: i64, row: &Row, signer_login: String) -> Result<Signature, StoreError> {
    let text = |field: &str| {
        row.get(field)
            .and_then(Value::as_text)
            .unwrap_or_default()
            .to_owned()
    };
    Ok(Signature {
        id,
        visit_id: row
            .get("visit_id")
            .and_then(Value::as_int)
            .unwrap_or_default(),
        signer_login,
        printed_name: text("printed_name"),
        meaning: Meaning::parse(&text("meaning"))?,
        signed_at: text("signed_at"),
        content_sha256: text("content_sha256"),
        void_reason: row
            .get("voided")
            .and_then(Value::as_bool)
            .unwrap_or_default()
            .then(|| text("void_reason")),
    })
}

impl Store {
    /// Signs visit `visit_id` as it stands at version `based_on`. Only an investigator at the
    /// subject's site may sign, and only with their password typed again.
    pub async fn sign_visit(
        &self,
        actor: &Actor,
        visit_id: i64,
        based_on: i64,
        password: &Password,
        meaning: Meaning,
    ) -> Result<Signature, StoreError> {
        let visit = self.visit(visit_id).await?;
        let subject = self.subject(visit.subject_id).await?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        if !password_matches(writer.tx(), actor.user_id, password).await? {
            return Err(StoreError::AuthenticationFailed);
        }
        let (site_id, _) = site_by_code(writer.tx(), &subject.data.site).await?;
        let investigator = |role: Role| role == Role::Investigator;
        require_role(writer.tx(), actor, site_id, investigator, "investigator").await?;
        let row = writer::load(writer.tx(), &VISIT, visit_id)
            .await?
            .filter(|row| !row.removed)
            .ok_or_else(|| StoreError::NotFound {
                entity: "visit",
                id: visit_id.to_string(),
            })?;
        if row.version != based_on {
            return Err(StoreError::invalid(
                "visit",
                format!(
                    "changed since you read it (now version {}, you saw {based_on}); review it again before signing",
                    row.version
                ),
            ));
        }
        let (_, signer) = writer::load(writer.tx(), &crate::schema::USER, actor.user_id)
            .await?
            .map(|row| (actor.user_id, row))
            .ok_or(StoreError::AuthenticationFailed)?;
        let printed_name = signer
            .get("printed_name")
            .and_then(Value::as_text)
            .unwrap_or_default()
            .to_owned();
        let signed_at = writer.recorded_at().to_owned();
        let content = content_sha256(writer.tx(), visit_id).await?;
        let id = writer
            .create(
                &SIGNATURE,
                vec![
                    ("subject_id", Some(Value::Int(visit.subject_id))),
                    ("visit_id", Some(Value::Int(visit_id))),
                    ("signer_id", Some(Value::Int(actor.user_id))),
                    ("printed_name", Some(Value::Text(printed_name))),
                    ("meaning", Some(Value::Text(meaning.as_str().to_owned()))),
                    ("signed_at", Some(Value::Text(signed_at))),
                    ("content_sha256", Some(Value::Text(content))),
                    ("voided", Some(Value::Bool(false))),
                ],
            )
            .await?;
        writer.commit().await?;
        let mut signatures = self.signatures(visit_id).await?;
        signatures.retain(|signature| signature.id == id);
        signatures
            .pop()
            .ok_or_else(|| StoreError::corrupt("a new signature vanished"))
    }

    /// Every signature of a visit, valid and voided, oldest first.
    pub async fn signatures(&self, visit_id: i64) -> Result<Vec<Signature>, StoreError> {
        let mut tx = self.pool.read().await?;
        let (list, types) = writer::select_list(&SIGNATURE);
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {list} FROM signature WHERE visit_id = $1 AND NOT removed ORDER BY id"
                ),
                &[visit_id.into()],
                &types,
            )
            .await?;
        let mut signatures = Vec::new();
        for values in rows {
            let (id, row) = writer::row_from(&SIGNATURE, values);
            let signer_id = row
                .get("signer_id")
                .and_then(Value::as_int)
                .unwrap_or_default();
            let login = writer::load(&mut tx, &crate::schema::USER, signer_id)
                .await?
                .and_then(|user| {
                    user.get("login")
                        .and_then(Value::as_text)
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            signatures.push(signature_from(id, &row, login)?);
        }
        Ok(signatures)
    }

    /// Whether a valid signature still matches the visit as it stands (a check on the void
    /// mechanism: every valid signature's hash equals the current content's).
    pub async fn signature_matches_content(
        &self,
        signature: &Signature,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.read().await?;
        Ok(content_sha256(&mut tx, signature.visit_id).await? == signature.content_sha256)
    }
}
