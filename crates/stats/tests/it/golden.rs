//! Reads the golden files (crates/stats/tests/golden/*.json, made by scripts/peers/generate)
//! and compares at the project's tolerance: relative 1e-9, however small the value (a p-value
//! of 1e-114 must be that, not 0); an absolute 1e-12 only where the peer's value is exactly 0.

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
    within(actual, expected, RELATIVE)
}

/// `actual` within `relative` of `expected`, or within [`ABSOLUTE`] of an exact 0.
pub fn within(actual: f64, expected: f64, relative: f64) -> bool {
    let difference = (actual - expected).abs();
    if expected == 0.0 {
        return difference <= ABSOLUTE;
    }
    actual == expected || difference <= relative * expected.abs()
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

    /// Compares one value at a peer's own precision, where it is known to be coarser than the
    /// project's tolerance (said at the call).
    pub fn within(&mut self, case: &str, what: &str, actual: f64, expected: f64, relative: f64) {
        self.compared += 1;
        if !within(actual, expected, relative) {
            self.found.push(format!(
                "{case}: {what}: got {actual:?}, peer says {expected:?} (relative {relative:e})"
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

#[track_caller]
fn check_close(actual: f64, expected: f64, expect: bool) {
    assert_eq!(
        close_enough(actual, expected),
        expect,
        "{actual} vs {expected}"
    );
}

/// Issue 22, item 3: a tiny p-value is compared relatively, so 0 for 1e-114 fails; the
/// absolute floor is for an exact 0 only.
#[test]
fn tiny_values_compare_relatively_and_zero_absolutely() {
    check_close(0.0, 1.07e-114, false);
    check_close(1.07e-114, 1.07e-114 * (1.0 + 1e-10), true);
    check_close(2.36e-15, 2.35e-15, false);
    check_close(2.35e-15 * (1.0 + 2e-9), 2.35e-15, false);
    check_close(2.35e-15 * (1.0 + 5e-10), 2.35e-15, true);
    check_close(1e-13, 0.0, true);
    check_close(1e-11, 0.0, false);
    check_close(0.5 * (1.0 + 2e-9), 0.5, false);
}
