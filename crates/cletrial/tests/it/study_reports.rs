//! Each shipped study's own report, from its demo (`cletrial demo --study ...`): every number of
//! `results.json` held in a snapshot, each study's endpoints and nothing of the others, and every
//! statistic recomputed from its input CSV alone by the R and SciPy peers
//! (`scripts/peers/report_check.R`, `report_check.py`), which `cargo xtask test` installs. A
//! missing peer fails the test: a check that skips itself would prove nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{cletrial, versionless, workspace_root};

/// Writes the demo study `study` into a new record and its report into `out`.
fn demo_report(study: &str, dir: &Path) -> (PathBuf, Value) {
    let db = dir.join("demo.sqlite");
    let db = db.to_str().expect("utf-8 path");
    let demo = cletrial(&["demo", "--study", study, "--no-serve", "--db", db], None);
    assert_eq!(demo.status, 0, "demo failed: {demo:#?}");
    let out = dir.join("report");
    let run = cletrial(
        &[
            "report",
            "--db",
            db,
            "--out",
            out.to_str().expect("utf-8"),
            "--quiet",
        ],
        None,
    );
    assert_eq!(run.status, 0, "report failed: {run:#?}");
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    (
        out,
        serde_json::from_str(&text).expect("results.json is JSON"),
    )
}

/// Compares a report file with its snapshot, or rewrites the snapshot with UPDATE_SNAPSHOTS=1.
#[track_caller]
fn check_snapshot(out: &Path, study: &str, file: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots/study_reports")
        .join(format!("{study}__{}", file.replace('/', "__")));
    let got = versionless(&std::fs::read_to_string(out.join(file)).expect("report file"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("snapshot dir");
        std::fs::write(&path, &got).expect("snapshot written");
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {} (UPDATE_SNAPSHOTS=1)", path.display()));
    assert!(
        got == want,
        "{file} of {study} differs from {} (UPDATE_SNAPSHOTS=1 to accept, then review)",
        path.display()
    );
}

/// Runs one peer on the report; it must exist and agree on every result.
#[track_caller]
fn check_peer(program: &str, script: &str, out: &Path, results: usize) {
    let script = workspace_root().join("scripts/peers").join(script);
    let output = Command::new(program)
        .arg(&script)
        .arg(out)
        .output()
        .unwrap_or_else(|error| {
            panic!("{program} cannot run ({error}); `cargo xtask test` installs the peers")
        });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{} disagrees:\n{stdout}\n{}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let agreeing = stdout.lines().filter(|l| l.starts_with("agree")).count();
    assert_eq!(agreeing, results, "{stdout}");
}

fn python() -> String {
    crate::support::peer_python().display().to_string()
}

/// The ids of the results and the headings of the HTML, for what a study shows.
fn shown(results: &Value, out: &Path) -> (Vec<String>, String) {
    let ids = results["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect();
    (
        ids,
        std::fs::read_to_string(out.join("index.html")).expect("html"),
    )
}

#[track_caller]
fn check_study(study: &str, expect_ids: &[&str], expect_headings: &[&str], absent: &[&str]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, results) = demo_report(study, dir.path());
    let (ids, html) = shown(&results, &out);
    assert_eq!(ids, expect_ids);
    for heading in expect_headings {
        assert!(
            html.contains(&format!("<h2>{heading}</h2>")),
            "{study}: no heading {heading}"
        );
    }
    for other in absent {
        assert!(!html.contains(other), "{study} shows {other}");
    }
    assert!(
        html.contains("Cohort: a demonstration study of synthetic patients"),
        "{study}: the header says what the cohort is"
    );
    for result in results["results"].as_array().expect("results") {
        let input = result["input"].as_str().expect("input");
        assert!(out.join(input).is_file(), "{input} missing");
        assert!(!result["statistic"].as_str().unwrap_or_default().is_empty());
    }
    check_snapshot(&out, study, "results.json");
    check_peer("Rscript", "report_check.R", &out, ids.len());
    check_peer(&python(), "report_check.py", &out, ids.len());
}

#[test]
fn lenalidomide_trial() {
    check_study(
        "nct01408199",
        &[
            "best_response",
            "complete_response",
            "complete_response_all",
            "clinical_response",
            "relapse",
            "time_to_cr_by_subtype",
            "time_to_cr",
            "relapse_free",
            "time_to_ae",
            "clasi_activity",
            "clasi_damage",
        ],
        &[
            "Participant flow",
            "Table 1. Baseline characteristics",
            "Table 2. Clinical response",
            "Figure 2. CLASI activity and damage over time",
            "Table 3. Adverse events",
        ],
        &["Prognostic factors", "Prednisone", "nerve conduction"],
    );
}

#[test]
fn thalidomide_cohort() {
    check_study(
        "thalidomide-cohort",
        &[
            "clinical_response",
            "complete_response",
            "relapse",
            "remission_scle",
            "relapse_dle",
            "relapse_after_reduction",
            "relapse_after_reduction_dle",
            "neuropathy_clinical",
            "neuropathy_confirmed",
            "discontinued",
            "discontinued_by_reason",
        ],
        &[
            "Clinical outcome: response, remission and relapse",
            "Prognostic factors: CLE subtype",
            "Time from dose reduction or withdrawal to relapse",
            "Neuropathy",
        ],
        &["Table 2", "Figure 2", "Prednisone", "as in the paper"],
    );
}

#[test]
fn pediatric_review() {
    check_study(
        "pediatric-review",
        &["prednisone", "esr"],
        &[
            "Charts reviewed",
            "Prednisone dose and ESR: start of lenalidomide against 6 months",
            "Adverse events",
        ],
        &[
            "Table 2",
            "Figure 2",
            "CLASI",
            "complete response",
            "Kaplan-Meier",
        ],
    );
}

/// A larger simulated cohort has tied times that R's survfit merges within its tolerance
/// (`timefix`): times between two recorded days are taken from the days, so R and the report
/// count the same steps; both peers agree on every result, and the header says the cohort is
/// simulated.
#[test]
fn simulated_thalidomide_cohort() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tables = dir.path().join("tables");
    let tables = tables.to_str().expect("utf-8");
    let simulate = cletrial(
        &[
            "simulate",
            "--protocol",
            "thalidomide-cohort",
            "--patients",
            "200",
            "--seed",
            "3",
            "--out",
            tables,
            "--format",
            "tidy",
            "--quiet",
        ],
        None,
    );
    assert_eq!(simulate.status, 0, "simulate failed: {simulate:#?}");
    let out = dir.path().join("report");
    let run = cletrial(
        &[
            "report",
            "--csv",
            tables,
            "--out",
            out.to_str().expect("utf-8"),
            "--quiet",
        ],
        None,
    );
    assert_eq!(run.status, 0, "report failed: {run:#?}");
    let html = std::fs::read_to_string(out.join("index.html")).expect("html");
    assert!(html.contains("Cohort: simulated patients (cletrial simulate)"));
    let results: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("results.json")).expect("results.json"),
    )
    .expect("JSON");
    let n = results["results"].as_array().expect("results").len();
    assert_eq!(n, 11);
    check_peer("Rscript", "report_check.R", &out, n);
    check_peer(&python(), "report_check.py", &out, n);
}
