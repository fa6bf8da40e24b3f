//! Reads the golden files (crates/stats/tests/golden/*.json, made by scripts/peers/generate)
//! and compares at the project's tolerance: relative 1e-9, or absolute 1e-12 (which covers
//! p-values below 1e-12 and values that are zero in exact arithmetic).

use std::path::PathBuf;

use serde_json::Value;

pub const RELATIVE: f64 = 1e-9;
pub const ABSOLUTE: f64 = 1e-12;

/// One golden case: the input and each peer's answer.
pub struct Case {
    pub id: String,
    pub input: Value,
    pub r: Value,
    /// SciPy/statsmodels/lifelines answer, where the peer has the method.
    pub scipy: Option<Value>,
}

impl Case {
    /// Whether R refused the input (the Rust crate must refuse it too).
    pub fn r_error(&self) -> bool {
        self.r.get("error").is_some()
    }
}

/// All cases of one golden file.
pub fn cases(name: &str) -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let root: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases = root["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no cases"));
    assert!(!cases.is_empty(), "{name}: no cases");
    cases
        .iter()
        .map(|case| Case {
            id: case["id"].as_str().unwrap_or("?").to_owned(),
            input: case["input"].clone(),
            r: case["r"].clone(),
            scipy: case.get("scipy").filter(|v| !v.is_null()).cloned(),
        })
        .collect()
}

/// A golden number: JSON number, "Inf"/"-Inf", or null (R's NA) as `None`.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if s == "Inf" => Some(f64::INFINITY),
        Value::String(s) if s == "-Inf" => Some(f64::NEG_INFINITY),
        Value::Null => None,
        other => panic!("not a golden number: {other}"),
    }
}

pub fn numbers(value: &Value) -> Vec<Option<f64>> {
    match value {
        Value::Array(items) => items.iter().map(number).collect(),
        single => vec![number(single)],
    }
}

pub fn floats(value: &Value) -> Vec<f64> {
    numbers(value)
        .into_iter()
        .map(|v| v.unwrap_or_else(|| panic!("missing value in {value}")))
        .collect()
}

pub fn close_enough(actual: f64, expected: f64) -> bool {
    if actual == expected {
        return true;
    }
    let difference = (actual - expected).abs();
    difference <= RELATIVE * expected.abs() || difference <= ABSOLUTE
}

/// Collects every mismatch of a golden file, then fails once listing them all.
#[derive(Default)]
pub struct Mismatches {
    found: Vec<String>,
    compared: usize,
}

impl Mismatches {
    /// Compares one value; `expected` None means R's NA, which `actual` must also be.
    pub fn value(&mut self, case: &str, what: &str, actual: Option<f64>, expected: Option<f64>) {
        self.compared += 1;
        let ok = match (actual, expected) {
            (Some(a), Some(e)) => close_enough(a, e),
            (None, None) => true,
            _ => false,
        };
        if !ok {
            self.found.push(format!(
                "{case}: {what}: got {actual:?}, peer says {expected:?}"
            ));
        }
    }

    pub fn num(&mut self, case: &str, what: &str, actual: f64, expected: &Value) {
        self.value(case, what, Some(actual), number(expected));
    }

    pub fn same<T: PartialEq + std::fmt::Debug>(
        &mut self,
        case: &str,
        what: &str,
        actual: T,
        expected: T,
    ) {
        self.compared += 1;
        if actual != expected {
            self.found.push(format!(
                "{case}: {what}: got {actual:?}, peer says {expected:?}"
            ));
        }
    }

    pub fn fail(&mut self, case: &str, message: String) {
        self.compared += 1;
        self.found.push(format!("{case}: {message}"));
    }

    #[track_caller]
    pub fn finish(self, name: &str) {
        assert!(self.compared > 0, "{name}: nothing compared");
        assert!(
            self.found.is_empty(),
            "{name}: {} of {} comparisons disagree:\n{}",
            self.found.len(),
            self.compared,
            self.found.join("\n")
        );
    }
}
