//! PLACEHOLDER (owned by the protocol helper): `eligibility`, `decide`, `schedule`.
use clap::Args;
use crate::io::{CliError, CmdResult};
#[derive(Debug, Args)]
pub struct EligibilityArgs {}
#[derive(Debug, Args)]
pub struct DecideArgs {}
#[derive(Debug, Args)]
pub struct ScheduleArgs {}
pub fn eligibility(_: EligibilityArgs) -> CmdResult { Err(CliError::input("not yet")) }
pub fn decide(_: DecideArgs) -> CmdResult { Err(CliError::input("not yet")) }
pub fn schedule(_: ScheduleArgs) -> CmdResult { Err(CliError::input("not yet")) }
