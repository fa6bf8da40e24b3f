//! PLACEHOLDER (owned by the stats helper): `stats <method>`.
use clap::Subcommand;
use crate::io::{CliError, CmdResult};
#[derive(Debug, Subcommand)]
pub enum StatsCommand { Describe }
pub fn run(_: StatsCommand) -> CmdResult { Err(CliError::input("not yet")) }
