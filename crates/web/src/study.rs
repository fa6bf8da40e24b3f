//! The study's protocol and the engine's decision as the pages and the API show them. The
//! record-to-engine mapping is the store's (`store::clinical`), so every channel decides alike.

use std::sync::Arc;

use jiff::civil::Date;
use protocol::{Decision, Protocol};
use store::{ClinicalRecord, Store, StoreError};
use words::{Arg, Language};

/// The study's protocol as amended last, or why this version cannot read it (shown, not a 500:
/// the decision panel then says the protocol needs fixing).
pub(crate) type StudyProtocol = Result<Arc<Protocol>, String>;

pub(crate) async fn protocol_of(store: &Store) -> Result<StudyProtocol, StoreError> {
    match store.protocol().await {
        Ok(protocol) => Ok(Ok(protocol)),
        Err(StoreError::Corrupt(why)) => Ok(Err(why)),
        Err(other) => Err(other),
    }
}

/// The record of `subject_id` as a decision reads it: with the subject's arm when the protocol's
/// open-label extension needs it and this server holds the allocation secret
/// ([`Store::extension_arm`]). By the protocol's own design, a decision from the extension on
/// then shows how the arm entered it; before it, nothing about the arm is read.
pub(crate) async fn clinical_record(
    state: &crate::AppState,
    protocol: &StudyProtocol,
    subject_id: i64,
) -> Result<ClinicalRecord, StoreError> {
    let mut record = state.store.clinical_record(subject_id).await?;
    if let Ok(protocol) = protocol {
        record.arm = state
            .store
            .extension_arm(
                protocol,
                subject_id,
                state.config.allocation_secret.as_ref(),
            )
            .await?;
    }
    Ok(record)
}

/// What the protocol asks for on `as_of`, or why it cannot say, its sentences in English as
/// the record keeps them.
pub(crate) fn decision(
    protocol: &StudyProtocol,
    record: &ClinicalRecord,
    as_of: Date,
) -> Result<Decision, String> {
    decision_in(protocol, record, as_of, Language::English)
}

/// [`decision`] in the reader's language, as the panel shows it.
pub(crate) fn decision_said(
    protocol: &StudyProtocol,
    record: &ClinicalRecord,
    as_of: Date,
) -> Result<Decision, String> {
    decision_in(protocol, record, as_of, crate::locale::reader().language)
}

fn decision_in(
    protocol: &StudyProtocol,
    record: &ClinicalRecord,
    as_of: Date,
    language: Language,
) -> Result<Decision, String> {
    let protocol = protocol.as_ref().map_err(|error| {
        crate::locale::words().format(
            "decision-no-protocol",
            &[("error", Arg::from(error.as_str()))],
        )
    })?;
    record
        .decide_in(protocol, as_of, language)
        .map_err(|unavailable| unavailable.said(crate::locale::words()))
}
