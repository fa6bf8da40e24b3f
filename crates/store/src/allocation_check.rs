//! The study's allocation secret, named by its check (`protocol::allocation::Secret::check`).
//!
//! The record never holds the secret, and without something tying a secret to the study, any
//! 32-byte file would compute arms: a wrong file on the server would tell an investigator the
//! wrong arm in an emergency, and an export would assign subjects to the wrong arms, both without
//! a word. So an administrator registers the secret's check once, before anyone is randomised
//! (the list is then fixed before enrolment, as ICH E9 section 2.3 expects of a list prepared in
//! advance), and every use of a secret file is refused unless its check is the one registered.
//! The check is an HMAC of the secret, so it reveals nothing of the list.

use jiff::civil::Date;
use protocol::allocation::Secret;

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::ALLOCATION_CHECK;
use crate::writer::{self, Writer};

/// The registered check: its value, the day and who registered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocationCheck {
    pub check: String,
    pub registered_on: Date,
}

/// The check registered for the study, if any.
pub(crate) async fn registered_in(tx: &mut Tx) -> Result<Option<AllocationCheck>, StoreError> {
    let rows = writer::load_all(tx, &ALLOCATION_CHECK).await?;
    let Some(row) = rows.values().find(|row| !row.removed) else {
        return Ok(None);
    };
    let corrupt = || StoreError::corrupt("an allocation check without its fields");
    Ok(Some(AllocationCheck {
        check: row.text("secret_check").ok_or_else(corrupt)?.to_owned(),
        registered_on: row.date("registered_on").ok_or_else(corrupt)?,
    }))
}

/// Refuses unless a check is registered (nobody can be randomised before the list is fixed).
pub(crate) async fn require_registered(tx: &mut Tx) -> Result<(), StoreError> {
    match registered_in(tx).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::invalid(
            "randomisation",
            Refusal::of("refusal-allocation-unregistered"),
        )),
    }
}

/// Refuses `secret` unless its check is the one registered (field `allocation secret`).
pub(crate) async fn require_secret(tx: &mut Tx, secret: &Secret) -> Result<(), StoreError> {
    match registered_in(tx).await? {
        None => Err(StoreError::invalid(
            "allocation secret",
            Refusal::of("refusal-allocation-unregistered"),
        )),
        Some(registered) if registered.check != secret.check() => Err(StoreError::invalid(
            "allocation secret",
            Refusal::of("refusal-allocation-wrong-secret").with("date", registered.registered_on),
        )),
        Some(_) => Ok(()),
    }
}

/// `text` as a check: 64 hexadecimal digits, in lower case.
fn parse(text: &str) -> Result<String, StoreError> {
    let text = text.trim().to_ascii_lowercase();
    if text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        Ok(text)
    } else {
        Err(StoreError::invalid(
            "check",
            Refusal::of("refusal-allocation-check-format"),
        ))
    }
}

async fn register(writer: &mut Writer, actor: &Actor, text: &str) -> Result<(), StoreError> {
    actor.require_admin("registering the allocation secret")?;
    let check = parse(text)?;
    let protocol = crate::study::protocol_for(writer).await?;
    if protocol.randomisation().is_none() {
        return Err(StoreError::invalid(
            "check",
            Refusal::of("refusal-allocation-not-randomised"),
        ));
    }
    match registered_in(writer.tx()).await? {
        Some(registered) if registered.check == check => Ok(()),
        Some(registered) => Err(StoreError::invalid(
            "check",
            Refusal::of("refusal-allocation-registered").with("date", registered.registered_on),
        )),
        None => {
            writer
                .create(
                    &ALLOCATION_CHECK,
                    vec![
                        ("secret_check", Some(crate::Value::Text(check))),
                        ("registered_on", Some(crate::Value::Date(check::today()))),
                    ],
                )
                .await?;
            Ok(())
        }
    }
}

impl Store {
    /// Registers the check of the study's allocation secret (see the module documentation): an
    /// administrator's act, in a randomised study, once. The same check again changes nothing;
    /// another is refused, since a study's secret never changes.
    pub async fn register_allocation_check(
        &self,
        actor: &Actor,
        check: &str,
    ) -> Result<(), StoreError> {
        let check = check.to_owned();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { register(writer, actor, &check).await })
        })
        .await
    }

    /// The registered check, if any.
    pub async fn allocation_check(&self) -> Result<Option<AllocationCheck>, StoreError> {
        registered_in(&mut self.pool.read().await?).await
    }

    /// Refuses `secret` unless it is the study's (its check is the one registered): every use
    /// of a secret file calls this before computing an arm.
    pub async fn check_allocation_secret(&self, secret: &Secret) -> Result<(), StoreError> {
        require_secret(&mut self.pool.read().await?, secret).await
    }
}
