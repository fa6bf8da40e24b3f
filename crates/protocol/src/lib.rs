//! The protocol engine: a study's rules as data, and the decisions they give.
//!
//! Codemap:
//! - [`model`]: the protocol file's shapes as read from TOML (documented in `FORMAT.md`).
//! - [`load`]: [`Protocol::from_toml`] parses and checks a file, reporting every [`Problem`] with
//!   its TOML path; a [`Protocol`] exists only once it is valid.
//! - [`eligibility`]: inclusion/exclusion criteria evaluated to met / not met / unknown.
//! - [`history`]: a patient's dated record (the `decide` input) and its normal form.
//! - [`decide`]: `decide(protocol, history, as_of) -> Decision`, the treatment algorithm
//!   (`decide::fold` learns the state from the record one record at a time, `decide::rules`
//!   applies the rules, `decide::reason` writes their sentences), and [`FollowUp`], which
//!   carries the fold from visit to visit for a caller adding records in date order.
//! - [`analysis`]: `[analysis]` resolved: the report's endpoints, each with its statistic,
//!   population and display, refused at load when the report could not compute it.
//! - [`endpoint`]: a subject's best response, complete response and relapse, and the evaluable
//!   population, derived once from the CLASI activities for the report and the simulator.
//! - [`allocation`]: randomised assignment to arms (stratified permuted blocks with random sizes,
//!   or Pocock-Simon minimisation), every random number from the study's secret.
//! - [`extension`]: `[randomisation.extension]`, an open-label extension after the blinded
//!   period and how each arm enters it: the only rule of the engine that reads an arm.
//! - [`outcomes`]: `[outcomes]` checked: the outcome instruments (DLQI, Skindex-29+3, itch and
//!   pain NRS, CLA-IGA-R, PGA-skin) a study collects with their scoring settings, and the
//!   CLASI-50/70 responders' minimum baseline.
//! - [`schedule`]: visit, lab and pregnancy-test calendars with their windows.
//! - [`shipped`]: the three protocols in `protocols/`, built in, by name.
//!
//! Invariants: no I/O; no clock (every date comes from the caller, so a decision is
//! reproducible); no threshold, dose level or interval in code: all come from the protocol.

pub mod allocation;
pub mod analysis;
pub mod decide;
pub mod eligibility;
pub mod endpoint;
pub mod extension;
pub mod history;
pub mod load;
pub mod model;
pub mod outcomes;
mod problem;
pub mod schedule;
pub mod shipped;

pub use decide::{
    Action, DecideError, Decision, FollowUp, Phase, Response, Timetable, Verdict, decide,
    decide_following, decide_in,
};
pub use history::History;
pub use load::{LoadError, NoLevel, Protocol};
pub use problem::Problem;
