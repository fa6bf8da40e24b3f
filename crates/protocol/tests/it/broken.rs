//! Broken protocol files are rejected with every problem named by its TOML path.
//!
//! Each `tests/broken/*.toml` lists, in `# expect: ...` header lines, messages that must all be
//! among the reported problems (`path: message`), so one file shows that several problems are
//! reported together.

use protocol::Protocol;

use crate::support::tests_dir;

#[test]
fn each_broken_protocol_is_rejected_with_its_messages() {
    let dir = tests_dir().join("broken");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("broken dir")
        .map(|entry| entry.expect("entry").path())
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 15,
        "expected the full broken set, found {}",
        paths.len()
    );
    let mut failures = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("readable");
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|line| line.strip_prefix("# expect: "))
            .collect();
        assert!(!expected.is_empty(), "{}: no expect lines", path.display());
        match Protocol::from_toml(&text) {
            Ok(_) => failures.push(format!("{}: accepted", path.display())),
            Err(error) => {
                let reported: Vec<String> =
                    error.problems.iter().map(ToString::to_string).collect();
                for want in &expected {
                    if !reported.iter().any(|problem| problem.contains(want)) {
                        failures.push(format!(
                            "{}: no problem contains {want:?}; reported: {reported:#?}",
                            path.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_error_is_one_line_listing_every_problem() {
    let text = std::fs::read_to_string(tests_dir().join("broken/thresholds_out_of_range.toml"))
        .expect("readable");
    let error = Protocol::from_toml(&text).expect_err("rejected");
    assert_eq!(error.problems.len(), 5, "{error}");
    let line = error.to_string();
    assert!(!line.contains('\n'), "{line}");
    assert_eq!(
        line.matches("; ").count() + 1,
        error.problems.len(),
        "{line}"
    );
}
