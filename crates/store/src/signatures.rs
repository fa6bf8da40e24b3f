//! Electronic signatures of a visit or of a subject's whole casebook (21 CFR Part 11 §§ 11.50,
//! 11.70, 11.200).
//!
//! Signing needs the signer's password again (both components: the session's login and the
//! password). The signature records the printed name, the time, the meaning and the SHA-256 of
//! the signed content; it is itself an audit event. Any later change of the signed content (for
//! a casebook: any record of the subject) voids the signature in the same transaction, with a
//! reason and the event of the change, so the void is in the trail too. Visits and casebooks go
//! through the same path; [`Signed`] says which content is meant.

use sha2::{Digest, Sha256};

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Password, Role};
use crate::db::{Arg, Tx};
use crate::error::StoreError;
use crate::people::{credential, require_role, site_by_code};
use crate::schema::{CASEBOOK_RECORDS, Kind, SIGNATURE, SUBJECT, USER, VISIT, VISIT_RECORDS};
use crate::subjects::{subject_in, visit_in};
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
                    Refusal::of("refusal-not-allowed")
                        .with("text", text)
                        .with("allowed", Meaning::ALL.map(Meaning::as_str).join(", ")),
                )
            })
    }
}

/// What a signature signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signed {
    /// A visit and every record entered at it.
    Visit(i64),
    /// A subject's casebook: the subject record and every record of that subject.
    Casebook(i64),
}

impl Signed {
    /// The record the content starts from, the kinds it covers and the column that ties them
    /// to it, and the name of the serialisation.
    fn parts(
        self,
    ) -> (
        &'static Kind,
        i64,
        &'static [&'static Kind],
        &'static str,
        &'static str,
    ) {
        match self {
            Signed::Visit(id) => (&VISIT, id, VISIT_RECORDS, "visit_id", "cletrial-visit-v1"),
            Signed::Casebook(id) => (
                &SUBJECT,
                id,
                CASEBOOK_RECORDS,
                "subject_id",
                "cletrial-casebook-v1",
            ),
        }
    }
}

/// A signature as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub id: i64,
    pub subject_id: i64,
    /// The visit signed; `None` for a casebook signature.
    pub visit_id: Option<i64>,
    pub signer_login: String,
    pub printed_name: String,
    pub meaning: Meaning,
    /// UTC, as in the audit trail.
    pub signed_at: String,
    pub content_sha256: String,
    /// Why the signature no longer holds; `None` while it does.
    pub void_reason: Option<String>,
    /// The audit event (sequence number) of the change that voided it.
    pub voided_by_seq: Option<i64>,
}

impl Signature {
    pub fn is_valid(&self) -> bool {
        self.void_reason.is_none()
    }

    pub fn signed(&self) -> Signed {
        match self.visit_id {
            Some(visit_id) => Signed::Visit(visit_id),
            None => Signed::Casebook(self.subject_id),
        }
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

/// The SHA-256 of the canonical content of `signed`: its first record and every live record
/// it covers, in a fixed order.
async fn content_sha256(tx: &mut Tx, signed: Signed) -> Result<String, StoreError> {
    let (head, id, covered, column, format) = signed.parts();
    let first = writer::load(tx, head, id)
        .await?
        .filter(|row| !row.removed)
        .ok_or_else(|| StoreError::NotFound {
            entity: head.name,
            id: id.to_string(),
        })?;
    let mut records = vec![record_json(head, id, &first)];
    for kind in covered {
        let (list, types) = writer::select_list(kind);
        let rows = tx
            .fetch(
                &format!(
                    "SELECT {list} FROM {} WHERE {column} = $1 AND NOT removed ORDER BY id",
                    kind.table
                ),
                &[id.into()],
                &types,
            )
            .await?;
        for values in rows {
            let (id, row) = writer::row_from(kind, values);
            records.push(record_json(kind, id, &row));
        }
    }
    let text = serde_json::json!([format, records]).to_string();
    Ok(hex::encode(Sha256::digest(text.as_bytes())))
}

/// The condition on the signature table of the valid signatures that cover a record of a
/// subject: `$first` is the subject (its casebook signatures), `$first + 1` the visit the record
/// was taken at (its visit signatures; null: none). Shared by [`void_signatures`] and
/// `changed`'s one look at what a change meets.
pub(crate) fn covering_where(first: usize) -> String {
    let (subject, visit) = (first, first + 1);
    format!(
        "NOT voided AND NOT removed \
         AND ((visit_id IS NULL AND subject_id = ${subject}) OR visit_id = ${visit})"
    )
}

/// Voids the valid signatures that cover a changed record of `subject_id`: the subject's
/// casebook signatures, and those of `visit_id` when the record was taken at a visit. Runs
/// inside the changing command's transaction, after its events, with its reason.
pub(crate) async fn void_signatures(
    writer: &mut Writer,
    subject_id: i64,
    visit_id: Option<i64>,
    reason: &Reason,
) -> Result<(), StoreError> {
    let live = writer
        .tx()
        .fetch(
            &format!(
                "SELECT id, version FROM {} WHERE {} ORDER BY id",
                SIGNATURE.table,
                covering_where(1)
            ),
            &[subject_id.into(), Arg::Int(visit_id)],
            &[Ty::Int, Ty::Int],
        )
        .await?;
    if live.is_empty() {
        return Ok(());
    }
    let change = writer.last_seq();
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
                    ("voided_by_seq", Some(Value::Int(change))),
                ],
            )
            .await?;
    }
    Ok(())
}

fn signature_from(id: i64, row: &Row, signer_login: String) -> Result<Signature, StoreError> {
    let text = |field: &str| row.text(field).unwrap_or_default().to_owned();
    Ok(Signature {
        id,
        subject_id: row.need("subject_id", row.int("subject_id"))?,
        visit_id: row.int("visit_id"),
        signer_login,
        printed_name: text("printed_name"),
        meaning: Meaning::parse(&text("meaning"))?,
        signed_at: text("signed_at"),
        content_sha256: text("content_sha256"),
        void_reason: row
            .flag("voided")
            .unwrap_or_default()
            .then(|| text("void_reason")),
        voided_by_seq: row.int("voided_by_seq"),
    })
}

/// What the signer saw before signing, checked under the writer lock.
enum Reviewed<'a> {
    /// The version of the visit record.
    Version(i64),
    /// The content hash shown to the signer.
    Content(&'a str),
}

/// The signatures matching `condition` (on `$1`), oldest first.
async fn signatures_where(
    tx: &mut Tx,
    condition: &str,
    id: i64,
) -> Result<Vec<Signature>, StoreError> {
    let (list, types) = writer::select_list(&SIGNATURE);
    let rows = tx
        .fetch(
            &format!("SELECT {list} FROM signature WHERE {condition} AND NOT removed ORDER BY id"),
            &[id.into()],
            &types,
        )
        .await?;
    let mut signatures = Vec::new();
    for values in rows {
        let (id, row) = writer::row_from(&SIGNATURE, values);
        let signer_id = row.int("signer_id").unwrap_or_default();
        let login = writer::load(tx, &USER, signer_id)
            .await?
            .and_then(|user| user.text("login").map(str::to_owned))
            .unwrap_or_default();
        signatures.push(signature_from(id, &row, login)?);
    }
    Ok(signatures)
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
        let reviewed = Reviewed::Version(based_on);
        self.sign(actor, Signed::Visit(visit_id), reviewed, password, meaning)
            .await
    }

    /// The SHA-256 of a subject's casebook as it stands: what an investigator reviews before
    /// [`Store::sign_casebook`].
    pub async fn casebook_sha256(&self, subject_id: i64) -> Result<String, StoreError> {
        let mut tx = self.pool.read().await?;
        content_sha256(&mut tx, Signed::Casebook(subject_id)).await
    }

    /// Signs a subject's whole casebook, which must still hash to `reviewed_sha256` (the
    /// content the investigator reviewed). Only an investigator at the subject's site may sign,
    /// and only with their password typed again. Any later change to any record of the subject
    /// voids the signature.
    pub async fn sign_casebook(
        &self,
        actor: &Actor,
        subject_id: i64,
        reviewed_sha256: &str,
        password: &Password,
        meaning: Meaning,
    ) -> Result<Signature, StoreError> {
        let reviewed = Reviewed::Content(reviewed_sha256);
        self.sign(
            actor,
            Signed::Casebook(subject_id),
            reviewed,
            password,
            meaning,
        )
        .await
    }

    /// The one signing path of visits and casebooks.
    async fn sign(
        &self,
        actor: &Actor,
        signed: Signed,
        reviewed: Reviewed<'_>,
        password: &Password,
        meaning: Meaning,
    ) -> Result<Signature, StoreError> {
        // The password is checked before the writer lock is taken: a slow hash, or many wrong
        // passwords, hold up no one's writes (issue 15, item 4).
        let checked = self.check_signer(actor, password).await?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        if credential(writer.tx(), actor.user_id).await? != Some(checked) {
            // Changed (or the account disabled) since it was checked.
            return Err(StoreError::AuthenticationFailed);
        }
        let (subject_id, visit_id, version) = match signed {
            Signed::Visit(id) => {
                let visit = visit_in(writer.tx(), id).await?;
                (visit.subject_id, Some(id), visit.version)
            }
            Signed::Casebook(id) => (id, None, subject_in(writer.tx(), id).await?.version),
        };
        let subject = subject_in(writer.tx(), subject_id).await?;
        let (site_id, _) = site_by_code(writer.tx(), &subject.data.site).await?;
        let investigator = |role: Role| role == Role::Investigator;
        require_role(writer.tx(), actor, site_id, investigator, "investigator").await?;
        let content = content_sha256(writer.tx(), signed).await?;
        match reviewed {
            Reviewed::Version(based_on) if based_on != version => {
                return Err(StoreError::invalid(
                    "visit",
                    Refusal::of("refusal-changed-before-signing")
                        .with("version", version)
                        .with("seen", based_on),
                ));
            }
            Reviewed::Content(seen) if seen != content => {
                return Err(StoreError::invalid(
                    "casebook",
                    Refusal::of("refusal-casebook-changed"),
                ));
            }
            _ => {}
        }
        let printed_name = writer::load(writer.tx(), &USER, actor.user_id)
            .await?
            .and_then(|signer| signer.text("printed_name").map(str::to_owned))
            .ok_or(StoreError::AuthenticationFailed)?;
        let signed_at = writer.recorded_at().to_owned();
        let id = writer
            .create(
                &SIGNATURE,
                vec![
                    ("subject_id", Some(Value::Int(subject_id))),
                    ("visit_id", visit_id.map(Value::Int)),
                    ("signer_id", Some(Value::Int(actor.user_id))),
                    ("printed_name", Some(Value::Text(printed_name))),
                    ("meaning", Some(Value::Text(meaning.as_str().to_owned()))),
                    ("signed_at", Some(Value::Text(signed_at))),
                    ("content_sha256", Some(Value::Text(content))),
                    ("voided", Some(Value::Bool(false))),
                ],
            )
            .await?;
        let mut signature = signatures_where(writer.tx(), "id = $1", id).await?;
        writer.commit().await?;
        signature
            .pop()
            .ok_or_else(|| StoreError::corrupt("a new signature vanished"))
    }

    /// Every signature of a visit, valid and voided, oldest first.
    pub async fn signatures(&self, visit_id: i64) -> Result<Vec<Signature>, StoreError> {
        signatures_where(&mut self.pool.read().await?, "visit_id = $1", visit_id).await
    }

    /// Every casebook signature of a subject, valid and voided, oldest first.
    pub async fn casebook_signatures(&self, subject_id: i64) -> Result<Vec<Signature>, StoreError> {
        let condition = "visit_id IS NULL AND subject_id = $1";
        signatures_where(&mut self.pool.read().await?, condition, subject_id).await
    }

    /// Whether a signature's hash equals the content it covers as it stands now (every valid
    /// signature's does: a check on the void mechanism).
    pub async fn signature_matches_content(
        &self,
        signature: &Signature,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.read().await?;
        Ok(content_sha256(&mut tx, signature.signed()).await? == signature.content_sha256)
    }
}
