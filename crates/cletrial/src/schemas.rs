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
use crate::simulate_cmd::{CohortOutput, PowerOutput, RecordOutput, TrialsOutput};
use crate::{
    allocation_cmd, demo_cmd, export_cmd, import_cmd, reproduce_cmd, stats_cmd, store_cmd,
    token_cmd,
};

/// Every schema, by file name (without `.json`).
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        schema::<GradeOutput>("grade"),
        schema::<ClasiOutput>("score-clasi"),
        schema::<SledaiOutput>("score-sledai"),
        schema::<CohortOutput<'static>>("simulate"),
        schema::<TrialsOutput<'static>>("simulate-trials"),
        schema::<RecordOutput<'static>>("simulate-record"),
        schema::<PowerOutput<'static>>("simulate-power"),
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
        schema::<demo_cmd::Output<'static>>("demo"),
        schema::<store_cmd::InitOutput>("init"),
        schema::<store_cmd::UserAdded>("user-add"),
        schema::<store_cmd::UserGranted>("user-grant"),
        schema::<Vec<store_cmd::UserListed>>("user-list"),
        schema::<store_cmd::PasswordChanged>("user-password"),
        schema::<store_cmd::PasswordReset>("user-reset-password"),
        schema::<store_cmd::UserDisabled>("user-disable"),
        schema::<store_cmd::SiteAdded>("site-add"),
        schema::<allocation_cmd::Registered>("allocation-register"),
        schema::<store_cmd::VerifyOutput>("audit-verify"),
        schema::<Vec<store_cmd::LogEvent<'static>>>("audit-log"),
        schema::<store_cmd::BackupOutput>("backup"),
        // On success the counts; when any row is refused, the refusals (and exit 1).
        schema::<import_cmd::outcome::Counts>("import"),
        schema::<import_cmd::outcome::Report>("import-rejected"),
        schema::<export_cmd::Summary>("export"),
        // export.json: what export prints, without the folder (the manifest names no place).
        without_property(schema::<export_cmd::Summary>("export-manifest"), "out"),
        schema::<token_cmd::TokenCreated>("token-create"),
        schema::<token_cmd::TokenRevoked>("token-revoke"),
    ]
}

/// The schema without its top-level property `property`.
fn without_property(
    (name, mut schema): (&'static str, Value),
    property: &str,
) -> (&'static str, Value) {
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.remove(property);
    }
    (name, schema)
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
