//! `cletrial stats <method>`: every shipped example against R's answer, help text, and the
//! bad-input contract (exit 2, one line naming the field).

use serde_json::{Value, json};

use crate::support::{cletrial, cletrial_with_json};

const METHODS: [&str; 9] = [
    "describe",
    "proportion-ci",
    "ttest",
    "mann-whitney",
    "wilcoxon",
    "fisher",
    "odds-ratio",
    "kaplan-meier",
    "logistic",
];

/// Looks up a dotted path such as `groups.1.median` in the output.
fn at<'a>(output: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(output, |value, key| match key.parse::<usize>() {
            Ok(index) => &value[index],
            Err(_) => &value[key],
        })
}

/// Runs the shipped example of `method` and compares each value with R's (examples/stats/README.md).
#[track_caller]
fn check(method: &str, expect: &[(&str, Value)]) {
    let path = format!("examples/stats/{method}.json");
    let output = cletrial(&["stats", method, "--input", &path], None).ok_json();
    for (key, expected) in expect {
        let actual = at(&output, key);
        match (actual.as_f64(), expected.as_f64()) {
            (Some(a), Some(e)) => {
                assert!(
                    (a - e).abs() <= 1e-9 * e.abs().max(1e-3),
                    "{method} {key}: {a} vs R {e}"
                )
            }
            _ => assert_eq!(actual, expected, "{method} {key}"),
        }
    }
}

#[test]
fn examples_agree_with_r() {
    check(
        "describe",
        &[
            ("n", json!(15)),
            ("mean", json!(10.9333333333333)),
            ("sd", json!(5.90963700440302)),
            ("median", json!(10)),
            ("q1", json!(6)),
            ("q3", json!(16)),
            ("method", json!("descriptive")),
        ],
    );
    check(
        "proportion-ci",
        &[
            ("estimate", json!(12.0 / 14.0)),
            ("low", json!(0.571870839090301)),
            ("high", json!(0.982205484516808)),
            ("method", json!("clopper-pearson")),
        ],
    );
    check(
        "ttest",
        &[
            ("statistic", json!(4.10791918128875)),
            ("df", json!(4)),
            ("p_value", json!(0.014757205754675)),
            ("ci_low", json!(2.91711354483346)),
            ("ci_high", json!(15.08288645516654)),
            ("method", json!("paired")),
        ],
    );
    check(
        "mann-whitney",
        &[
            ("statistic", json!(4)),
            ("p_value", json!(0.051948051948052)),
            ("method", json!("exact")),
        ],
    );
    check(
        "wilcoxon",
        &[
            ("statistic", json!(15)),
            ("p_value", json!(0.0590582290905367)),
            ("method", json!("normal")),
            ("zeros_dropped", json!(1)),
        ],
    );
    check(
        "fisher",
        &[
            ("p_value", json!(0.0183066361556064)),
            ("odds_ratio", json!(9.76411732134903)),
            ("ci_low", json!(1.35269701059987)),
            ("ci_high", json!(125.144429880216)),
            ("sample_odds_ratio", json!(10.8)),
        ],
    );
    check(
        "odds-ratio",
        &[
            ("odds_ratio", json!(10.714285714285714)),
            ("ci_low", json!(0.398835818632133)),
            ("ci_high", json!(287.827504463006)),
            ("method", json!("woolf-haldane")),
        ],
    );
    check(
        "kaplan-meier",
        &[
            ("groups.0.group", json!("DLE")),
            ("groups.0.median", json!(8)),
            ("groups.0.median_ci_low", json!(4)),
            ("groups.0.median_ci_high", Value::Null),
            ("groups.1.median", json!(5)),
            ("groups.1.median_ci_low", json!(3)),
            ("log_rank.chi_square", json!(0.0478430209907569)),
            ("log_rank.p_value", json!(0.8268600076076146)),
        ],
    );
    check(
        "logistic",
        &[
            ("terms.1.term", json!("scle")),
            ("terms.1.estimate", json!(2.77258872223937)),
            ("terms.1.se", json!(1.58113883008419)),
            ("terms.1.p_value", json!(0.0795095183184803)),
            ("terms.1.odds_ratio", json!(16)),
            ("separation", json!(false)),
        ],
    );
}

#[test]
fn every_method_has_help_with_an_example_and_a_shipped_input() {
    for method in METHODS {
        let run = cletrial(&["stats", method, "--help"], None);
        assert_eq!(run.status, 0, "{method}: {run:#?}");
        assert!(
            run.stdout.contains("Input (JSON)"),
            "{method} help lacks the input: {}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains(&format!("examples/stats/{method}.json")),
            "{method} help lacks its example"
        );
        assert!(
            crate::support::workspace_root()
                .join(format!("examples/stats/{method}.json"))
                .is_file()
        );
    }
}

#[test]
fn kaplan_meier_median_rule_is_a_setting() {
    // SCLE: S = 0.5 from week 5 to the last follow-up (30): print(fit) says 5, quantile() 17.5.
    let mut input: Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate::support::workspace_root().join("examples/stats/kaplan-meier.json"),
        )
        .expect("example"),
    )
    .expect("json");
    input["median_rule"] = json!("quantile");
    let output = cletrial_with_json(&["stats", "kaplan-meier"], &input).ok_json();
    assert_eq!(output["groups"][1]["median"], json!(17.5));
    assert_eq!(output["median_rule"], json!("quantile"));
}

#[test]
fn infinite_values_print_as_infinity() {
    let output =
        cletrial_with_json(&["stats", "fisher"], &json!({"table": [[5, 0], [0, 5]]})).ok_json();
    assert_eq!(output["odds_ratio"], json!("Infinity"));
    assert_eq!(output["ci_high"], json!("Infinity"));
    assert_eq!(output["sample_odds_ratio"], json!("Infinity"));
}

#[test]
fn bad_input_names_the_field() {
    // A 2x2 table in words, whatever is wrong with it (serde said "trailing characters" for a
    // row of three cells, "expected u64" for a negative count).
    const TABLE: &str = "table: must be a 2x2 table, two rows of two counts (whole numbers, 0 or more), e.g. [[12, 2], [5, 9]]";
    for (method, table, what) in [
        ("fisher", json!([[1, 2, 3], [4, 5]]), "; row 1 is [1,2,3]"),
        ("fisher", json!([12, 2, 5, 9]), "; got [12,2,5,9]"),
        (
            "odds-ratio",
            json!([[1, 2], [3, 4], [5, 6]]),
            "; got [[1,2],[3,4],[5,6]]",
        ),
        ("fisher", json!([[1, 2], [3, -4]]), "; row 2 column 2 is -4"),
        (
            "odds-ratio",
            json!([[1, 2], [3, 4.5]]),
            "; row 2 column 2 is 4.5",
        ),
    ] {
        let line = cletrial_with_json(&["stats", method], &json!({ "table": table }))
            .input_error(&format!("{TABLE}{what}"));
        assert!(
            !line.contains("trailing") && !line.contains("u64"),
            "{line}"
        );
    }
    let cases: [(&str, Value, &str); 15] = [
        ("describe", json!({"x": []}), "x: needs at least 1"),
        ("describe", json!({"x": [1, "a"]}), "x[1]"),
        (
            "describe",
            json!({"x": [1], "extra": 2}),
            "unknown field `extra`",
        ),
        (
            "proportion-ci",
            json!({"successes": 5, "n": 4}),
            "successes: must be between 0 and n",
        ),
        (
            "proportion-ci",
            json!({"successes": 1, "n": 4, "method": "exact"}),
            "method",
        ),
        (
            "proportion-ci",
            json!({"successes": 1, "n": 4, "level": 95}),
            "level: must be",
        ),
        (
            "ttest",
            json!({"x": [1, 2], "y": [1, 2]}),
            "missing field `kind`",
        ),
        (
            "ttest",
            json!({"x": [1], "y": [2], "kind": "paired"}),
            "x: needs at least 2",
        ),
        (
            "mann-whitney",
            json!({"x": [2, 2], "y": [2, 2]}),
            "x: all values are tied",
        ),
        (
            "wilcoxon",
            json!({"x": [1, 2], "y": [1, 2], "mu": 0}),
            "mu: give either",
        ),
        (
            "fisher",
            json!({"table": [[0, 0], [1, 2]]}),
            "table: a row or a column sums to zero",
        ),
        (
            "odds-ratio",
            json!({"table": [[1, 0], [1, 2]]}),
            "table: a cell is zero",
        ),
        (
            "fisher",
            json!({"table": [[1_000_000, 1], [1, 1]]}),
            "table: must be counts totalling at most",
        ),
        (
            "kaplan-meier",
            json!({"time": [1, 2], "event": [1, 2]}),
            "event[1]: must be 0",
        ),
        (
            "logistic",
            json!({"y": [1, 1, 1], "x": {"a": [1, 2, 3]}}),
            "y: needs at least one 0 and one 1",
        ),
    ];
    for (method, input, needle) in cases {
        cletrial_with_json(&["stats", method], &input).input_error(needle);
    }
    cletrial(&["stats", "describe", "--input", "no/such/file.json"], None)
        .input_error("--input: cannot read");
}
