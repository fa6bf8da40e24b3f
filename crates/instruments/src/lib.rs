//! Clinical instruments used by cutaneous lupus erythematosus (CLE) studies, as pure functions
//! and types. Every threshold cites its source by the `S#` ids of `docs/INSTRUMENTS.md`.
//!
//! - [`clasi`]: CLASI activity and damage, severity bands, response against a baseline.
//! - [`sledai`]: SLEDAI-2K score and flare rules.
//! - [`ctcae`]: NCI CTCAE v5.0 lab grading and the trial's non-lab adverse-event terms.
//! - [`subtype`]: CLE subtypes under the Gilliam and Duesseldorf classifications.
//!
//! No I/O happens here: callers read and write; this crate computes.

pub mod clasi;
pub mod ctcae;
pub mod sledai;
pub mod subtype;
