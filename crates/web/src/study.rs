//! The study's protocol and the engine's decision as the pages and the API show them. The
//! record-to-engine mapping is the store's (`store::clinical`), so every channel decides alike.

use std::sync::Arc;

use jiff::civil::Date;
use protocol::{Decision, Protocol};
use store::{ClinicalRecord, Store, StoreError};

use crate::error::PageError;

/// The study's protocol as amended last, or why this version cannot read it (shown, not a 500:
/// the decision panel then says the protocol needs fixing).
pub(crate) type StudyProtocol = Result<Arc<Protocol>, String>;

pub(crate) async fn protocol_of(store: &Store) -> Result<StudyProtocol, PageError> {
    match store.protocol().await {
        Ok(protocol) => Ok(Ok(protocol)),
        Err(StoreError::Corrupt(why)) => Ok(Err(why)),
        Err(other) => Err(other.into()),
    }
}

/// What the protocol asks for on `as_of`, or why it cannot say (shown in the panel).
pub(crate) fn decision(
    protocol: &StudyProtocol,
    record: &ClinicalRecord,
    as_of: Date,
) -> Result<Decision, String> {
    let protocol = protocol
        .as_ref()
        .map_err(|error| format!("The study's protocol cannot be read: {error}"))?;
    record
        .decide(protocol, as_of)
        .map_err(|unavailable| unavailable.to_string())
}
