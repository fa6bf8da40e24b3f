//! The one integration-test binary of `protocol`.

mod broken;
mod eligibility;
mod extension;
mod follow;
mod history;
mod labs;
mod order;
mod outcomes;
mod randomisation;
mod replays;
mod scenarios;
mod schedule;
mod sentences;
mod shipped;
mod spelling;
mod support;
