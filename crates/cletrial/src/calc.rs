//! PLACEHOLDER (owned by the instruments helper): `score clasi`, `score sledai`, `grade`.
use clap::{Args, Subcommand};
use crate::io::{CliError, CmdResult};
#[derive(Debug, Subcommand)]
pub enum ScoreCommand { Clasi, Sledai }
#[derive(Debug, Args)]
pub struct GradeArgs {}
pub fn score(_: ScoreCommand) -> CmdResult { Err(CliError::input("not yet")) }
pub fn grade(_: GradeArgs) -> CmdResult { Err(CliError::input("not yet")) }
