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
use crate::simulate_cmd::{CohortOutput, TrialsOutput};

/// Every schema, by file name (without `.json`).
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        ("grade", schema::<GradeOutput>("grade")),
        ("score-clasi", schema::<ClasiOutput>("score-clasi")),
        ("score-sledai", schema::<SledaiOutput>("score-sledai")),
        ("simulate", schema::<CohortOutput<'static>>("simulate")),
        (
            "simulate-trials",
            schema::<TrialsOutput<'static>>("simulate-trials"),
        ),
    ]
}

/// The schema of `T`, its `$id` naming `name` and the version.
fn schema<T: JsonSchema>(name: &str) -> Value {
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
    schema
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
