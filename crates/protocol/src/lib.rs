//! The protocol engine: a study's rules as data, and the decisions they give.
//!
//! Codemap:
//! - [`model`]: the protocol file's shapes as read from TOML (documented in `FORMAT.md`).
//! - [`load`]: [`Protocol::from_toml`] parses and checks a file, reporting every problem with
//!   its TOML path; a [`Protocol`] exists only once it is valid.
//! - [`eligibility`]: inclusion/exclusion criteria evaluated to met / not met / unknown.
//! - [`history`]: a patient's dated record (the `decide` input) and its normal form.
//! - [`decide`]: `decide(protocol, history, as_of) -> Decision`, the treatment algorithm
//!   (`decide::replay` learns the state from the record, `decide::rules` applies the rules).
//! - [`schedule`]: visit, lab and pregnancy-test calendars with their windows.
//!
//! Invariants: no I/O; no clock (every date comes from the caller, so a decision is
//! reproducible); no threshold, dose level or interval in code: all come from the protocol.

pub mod decide;
pub mod eligibility;
pub mod history;
pub mod load;
pub mod model;
pub mod schedule;

pub use decide::{Action, DecideError, Decision, Phase, Response, decide, decide_following};
pub use history::History;
pub use load::{LoadError, Problem, Protocol};
