//! JSON Schemas of the commands' JSON outputs, generated from the types that print them
//! (schemars) and checked in under `docs/schemas/`, one file per output. Each schema's `$id`
//! names its version: `urn:cletrial:schema:<name>:<version>`, the workspace's version. The test
//! below fails when a checked-in file is not what the types give (`UPDATE_SNAPSHOTS=1` rewrites
//! them, then review the diff); the integration test `schemas` validates each command's real
//! output against its file.

// Only the tests read the schemas; the binary prints none.
#![cfg_attr(not(test), allow(dead_code))]

use schemars::JsonSchema;
use serde_json::Value;

use crate::calc::{ClasiOutput, GradeOutput, SledaiOutput};
use crate::protocol_cmd::{DecideOutput, EligibilityOutput, ScheduleOutput};
use crate::simulate_cmd::{CohortOutput, TrialsOutput};
use crate::{reproduce_cmd, stats_cmd};

/// Every schema, by file name (without `.json`).
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        schema::<GradeOutput>("grade"),
        schema::<ClasiOutput>("score-clasi"),
        schema::<SledaiOutput>("score-sledai"),
        schema::<CohortOutput<'static>>("simulate"),
        schema::<TrialsOutput<'static>>("simulate-trials"),
        schema::<EligibilityOutput<'static>>("eligibility"),
        schema::<DecideOutput<'static>>("decide"),
        schema::<ScheduleOutput<'static>>("schedule"),
        schema::<reproduce_cmd::Output>("reproduce"),
        schema::<stats_cmd::DescribeOutput>("stats-describe"),
        schema::<stats_cmd::ProportionOutput>("stats-proportion-ci"),
        schema::<stats_cmd::TTestOutput>("stats-ttest"),
        schema::<stats_cmd::RankOutput>("stats-mann-whitney"),
        schema::<stats_cmd::RankOutput>("stats-wilcoxon"),
        schema::<stats_cmd::FisherOutput>("stats-fisher"),
        schema::<stats_cmd::OddsRatioOutput>("stats-odds-ratio"),
        schema::<stats_cmd::SurvivalOutput>("stats-kaplan-meier"),
        schema::<stats_cmd::LogisticOutput>("stats-logistic"),
        // The report's results.json (`report`, `report --published`): the whole report as data.
        schema::<analysis::report::Report>("report-results"),
    ]
}

/// The schema of `T` under file name `name`, its `$id` naming `name` and the version.
fn schema<T: JsonSchema>(name: &'static str) -> (&'static str, Value) {
    let mut schema = schemars::schema_for!(T).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "$id".to_owned(),
            Value::from(format!(
                "urn:cletrial:schema:{name}:{}",
                env!("CARGO_PKG_VERSION")
            )),
        );
    }
    (name, schema)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// Each checked-in schema is the one the types give.
    #[test]
    fn checked_in_schemas_are_the_types_schemas() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas");
        let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
        for (name, schema) in super::all() {
            let path = dir.join(format!("{name}.json"));
            let text = serde_json::to_string_pretty(&schema).expect("a schema is JSON") + "\n";
            if update {
                std::fs::create_dir_all(&dir).expect("docs/schemas");
                std::fs::write(&path, &text).expect("schema written");
                continue;
            }
            let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
            assert!(
                checked_in == text,
                "{} is stale or missing: UPDATE_SNAPSHOTS=1 cargo test -p cletrial --bin cletrial \
                 rewrites it (then review the diff)",
                path.display()
            );
        }
    }
}
