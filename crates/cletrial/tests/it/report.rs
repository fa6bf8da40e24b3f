//! `cletrial report`: the published cohort against the paper, and a fixed study written through the
//! store's public API on both backends, with golden results and snapshots of the HTML and SVG.
//!
//! Snapshots live in `tests/it/snapshots/report/`; `UPDATE_SNAPSHOTS=1` rewrites them (then review the
//! diff and look at the figures).

use std::path::{Path, PathBuf};

use ::store::testing::TestDb;
use ::store::{
    ActionTaken, AdverseEvent, Backend, BirthOrAge, Causality, ClasiAssessment, Decimal,
    Disposition, DispositionStatus, DosePeriod, Entry, LabResult, NewStudy, NewUser, Outcome,
    Password, Role, Sex, Store, SubjectData, VisitData,
};
use instruments::ctcae::CtcaeGrade;
use instruments::subtype::Subtype;
use jiff::civil::Date;
use serde_json::Value;

use crate::support::{cletrial, versionless, workspace_root, written_by};

fn snapshot_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/snapshots/report")
        .join(name)
}

/// Compares each of `files` (relative to `out`) with its snapshot, or rewrites the snapshot.
#[track_caller]
fn check_snapshots(out: &Path, name: &str, files: &[&str]) {
    let dir = snapshot_dir(name);
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    for file in files {
        let got = versionless(&std::fs::read_to_string(out.join(file)).expect("report file"));
        let path = dir.join(file.replace('/', "__"));
        if update {
            std::fs::create_dir_all(&dir).expect("snapshot dir");
            std::fs::write(&path, &got).expect("snapshot written");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "no snapshot {} (run with UPDATE_SNAPSHOTS=1)",
                path.display()
            )
        });
        assert!(
            got == want,
            "{file} differs from {} (UPDATE_SNAPSHOTS=1 to accept)",
            path.display()
        );
    }
}

const FILES: &[&str] = &[
    "index.html",
    "report.md",
    "results.json",
    "figures/flow.svg",
    "figures/figure2.svg",
    "figures/km_time_to_cr.svg",
    "figures/km_relapse_free.svg",
    "figures/km_time_to_ae.svg",
    "figures/figure1.svg",
    "tables/table2_listing.csv",
    "tables/table2_proportions.csv",
    "tables/input_complete_response.csv",
    "tables/input_clasi_activity.csv",
];

/// The result with this id in results.json.
#[track_caller]
fn result<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result {id}"))
}

fn report(args: &[&str], out: &Path) -> Value {
    let mut all = vec!["report", "--out", out.to_str().expect("utf-8 path")];
    all.extend(args);
    let run = cletrial(&all, None);
    assert_eq!(run.status, 0, "report failed: {run:#?}");
    for file in FILES {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let html = std::fs::read_to_string(out.join("index.html")).expect("html");
    assert!(!html.contains("<script"), "no script");
    for external in ["src=", "href=", "@import", "url("] {
        assert!(!html.contains(external), "external resource: {external}");
    }
    let text = std::fs::read_to_string(out.join("results.json")).expect("results");
    serde_json::from_str(&text).expect("results.json is JSON")
}

#[track_caller]
fn near(value: &Value, expect: f64) {
    let got = value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"));
    assert!((got - expect).abs() < 5e-3, "{got} != {expect}");
}

#[test]
fn published_cohort_report_agrees_with_the_paper() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = report(&["--published"], dir.path());
    // "Twelve of those patients (86%) achieved complete response"; relapse "nine (75%)".
    let cr = &result(&results, "complete_response")["value"];
    assert_eq!((cr["n"].as_u64(), cr["of"].as_u64()), (Some(12), Some(14)));
    near(&cr["percent"], 85.714);
    assert_eq!(cr["method"], "Clopper-Pearson exact interval");
    near(&result(&results, "relapse")["value"]["percent"], 75.0);
    // Table 1: CLASI activity 10.93 +- 5.91, damage 2.33 +- 2.97 (n = 15, all female).
    let b = &results["baseline"];
    near(&b["clasi_activity"]["mean"], 10.933);
    near(&b["clasi_activity"]["sd"], 5.911);
    near(&b["clasi_damage"]["sd"], 2.968);
    assert_eq!(b["female"]["n"].as_u64(), Some(15));
    // Adverse events in 2 of 15 (13%).
    near(&results["safety"]["patients_with_any"]["percent"], 13.333);
    // The version that wrote it, in every file a reader opens.
    let written_by = written_by();
    assert!(written_by.starts_with(&format!("cletrial {} (", env!("CARGO_PKG_VERSION"))));
    assert_eq!(results["written_by"], written_by.as_str());
    for file in ["index.html", "report.md"] {
        let text = std::fs::read_to_string(dir.path().join(file)).expect("report file");
        assert!(
            text.contains(&format!("Written by {written_by}.")),
            "{file}"
        );
    }
    check_snapshots(dir.path(), "published", FILES);
}

const START: Date = Date::constant(2024, 1, 8);

fn on(day: i64) -> Date {
    START
        .checked_add(jiff::Span::new().days(day))
        .expect("date")
}

/// A CLASI with `activity` points of erythema (3 per area, then the rest) and `damage` areas of
/// dyspigmentation; `unassessed` leaves the ears' erythema unassessed (the total is then unknown).
fn clasi(activity: u8, damage: u8, unassessed: bool) -> instruments::clasi::Clasi {
    const AREAS: [&str; 13] = [
        "scalp",
        "ears",
        "nose_malar",
        "rest_of_face",
        "v_neck",
        "posterior_neck_shoulders",
        "chest",
        "abdomen",
        "back_buttocks",
        "arms",
        "hands",
        "legs",
        "feet",
    ];
    let mut areas = serde_json::Map::new();
    for (index, area) in AREAS.iter().enumerate() {
        let erythema = activity.saturating_sub(3 * index as u8).min(3);
        let dyspigmentation = u8::from((index as u8) < damage);
        let mut items =
            serde_json::json!({"erythema": erythema, "dyspigmentation": dyspigmentation});
        if unassessed && *area == "ears" {
            items["erythema"] = Value::Null;
        }
        areas.insert((*area).to_owned(), items);
    }
    serde_json::from_value(serde_json::json!({
        "areas": areas, "mucous_membrane": 0, "recent_hair_loss": 0, "nonscarring_alopecia": 0,
        "scarring_alopecia": 0, "dyspigmentation_lasts_12_months": false
    }))
    .expect("a valid CLASI")
}

/// One patient of the fixed study: subtype, CLASI (activity, damage) by visit day (None: visit
/// without a CLASI; u8::MAX activity: an item unassessed), doses (from, to, mg/day), adverse events
/// (day, term, grade, serious, causality), neutrophils (day, 10^9/L) and disposition (day, status).
struct Patient {
    subtype: Subtype,
    clasi: &'static [(i64, Option<(u8, u8)>)],
    /// (from day, to day, "amount frequency" in mg and a CDISC term).
    doses: &'static [(i64, Option<i64>, &'static str)],
    events: &'static [(i64, &'static str, CtcaeGrade, bool, Causality)],
    neutrophils: &'static [(i64, &'static str)],
    disposition: Option<(i64, DispositionStatus)>,
}

const VISITS: [(i64, &str); 6] = [
    (0, "Baseline"),
    (13, "Week 2"),
    (28, "Week 4"),
    (56, "Week 8"),
    (84, "Week 12"),
    (168, "Week 24"),
];

const UNASSESSED: u8 = u8::MAX;

/// Six patients covering CR with and without relapse, PR, NR, withdrawal, a visit without CLASI, an
/// unknown total, graded AEs, a serious AE and a laboratory shift. Hand-checked: CR 3 (weeks 8, 12, 8),
/// PR 1, NR 1, withdrawn 1; CR rate 3/5 evaluable; relapse 2/3; baseline activity mean 12.
fn patients() -> Vec<Patient> {
    use CtcaeGrade::{G1, G2, G3};
    vec![
        Patient {
            subtype: Subtype::DleLocalized,
            clasi: &[
                (0, Some((12, 2))),
                (28, Some((5, 2))),
                (56, Some((0, 2))),
                (84, Some((0, 3))),
                (168, Some((6, 3))),
            ],
            doses: &[(0, Some(55), "5 QD"), (56, Some(111), "5 QOD")],
            events: &[],
            neutrophils: &[],
            disposition: None,
        },
        Patient {
            subtype: Subtype::ScleAnnular,
            clasi: &[
                (0, Some((20, 1))),
                (28, Some((8, 1))),
                (56, Some((4, 1))),
                (84, Some((0, 1))),
                (168, Some((0, 1))),
            ],
            doses: &[(0, Some(111), "5 QD")],
            events: &[(
                35,
                "Neutrophil count decreased",
                G2,
                false,
                Causality::Possible,
            )],
            neutrophils: &[(0, "2.1"), (35, "1.19")],
            disposition: None,
        },
        Patient {
            subtype: Subtype::LupusProfundus,
            clasi: &[
                (0, Some((15, 4))),
                (28, Some((12, 4))),
                (56, Some((9, 4))),
                (84, Some((8, 5))),
                (168, Some((6, 5))),
            ],
            doses: &[(0, Some(27), "5 QD"), (28, Some(168), "10 QD")],
            events: &[],
            neutrophils: &[],
            disposition: Some((168, DispositionStatus::Completed)),
        },
        Patient {
            subtype: Subtype::DleGeneralized,
            clasi: &[(0, Some((9, 0))), (13, Some((9, 0)))],
            doses: &[(0, Some(13), "5 QD")],
            events: &[
                (10, "Diarrhea", G2, false, Causality::Probable),
                (12, "Vomiting", G3, true, Causality::Possible),
            ],
            neutrophils: &[],
            disposition: Some((14, DispositionStatus::AdverseEvent)),
        },
        Patient {
            subtype: Subtype::SclePapulosquamous,
            clasi: &[
                (0, Some((10, 0))),
                (28, Some((4, 0))),
                (56, Some((3, 0))),
                (84, None),
                (168, Some((2, 0))),
            ],
            doses: &[(0, Some(168), "5 QD")],
            events: &[],
            neutrophils: &[],
            disposition: None,
        },
        Patient {
            subtype: Subtype::DleLocalized,
            clasi: &[
                (0, Some((6, 1))),
                (28, Some((UNASSESSED, 1))),
                (56, Some((0, 1))),
                (84, Some((0, 1))),
                (168, Some((4, 1))),
            ],
            doses: &[(0, Some(55), "5 QD"), (56, None, "5 QOD")],
            events: &[(20, "Insomnia", G1, false, Causality::Unrelated)],
            neutrophils: &[],
            disposition: None,
        },
    ]
}

const PASSWORD: &str = "correct horse battery";

/// The fixed study, written through the store's public API.
async fn write_study(db: &TestDb) {
    let protocol = std::fs::read_to_string(workspace_root().join("protocols/nct01408199.toml"))
        .expect("shipped protocol");
    write_study_under(db, protocol).await;
}

/// The fixed study under `protocol_text`.
pub(crate) async fn write_study_under(db: &TestDb, protocol_text: String) {
    let study = NewStudy {
        code: "LENA-DEMO".into(),
        title: "Lenalidomide in CLE: a fixed six-patient study for the report tests".into(),
        protocol_text,
    };
    let admin = NewUser {
        login: "admin".into(),
        printed_name: "Ada Admin".into(),
    };
    let password = Password::new(PASSWORD).expect("password");
    let (store, admin) = Store::init(db.url(), &study, &admin, &password)
        .await
        .expect("init");
    store
        .add_site(&admin, "S01", "First site")
        .await
        .expect("site");
    let inv = NewUser {
        login: "inv".into(),
        printed_name: "Ivan Investigator".into(),
    };
    store.add_user(&admin, &inv, &password).await.expect("user");
    store
        .grant(&admin, "inv", "S01", Role::Investigator)
        .await
        .expect("grant");
    let inv = store.authenticate("inv", &password).await.expect("login");
    for (index, p) in patients().iter().enumerate() {
        let subject = store::testing::enrolled(
            &store,
            &inv,
            &SubjectData {
                site: "S01".into(),
                code: format!("S01-{:03}", index + 1),
                sex: Sex::Female,
                birth: BirthOrAge::BirthDate(Date::constant(1975 + index as i16, 3, 1)),
                subtype: Some(p.subtype),
                screening_date: on(-5),
                consent_date: Some(on(-6)),
                enrolment_date: Some(on(0)),
            },
        )
        .await
        .expect("subject");
        let id = subject.id;
        for (day, name) in VISITS {
            let Some(scores) = p.clasi.iter().find(|c| c.0 == day).map(|c| c.1) else {
                continue;
            };
            let visit = store
                .add_visit(
                    &inv,
                    id,
                    &VisitData {
                        name: name.into(),
                        planned_date: None,
                        actual_date: Some(on(day)),
                    },
                )
                .await
                .expect("visit");
            if let Some((activity, damage)) = scores {
                let unassessed = activity == UNASSESSED;
                let clasi = clasi(if unassessed { 3 } else { activity }, damage, unassessed);
                let record = ClasiAssessment {
                    subject_id: id,
                    visit_id: visit.id,
                    assessed_on: on(day),
                    clasi,
                };
                store.add_record(&inv, &record).await.expect("clasi");
            }
        }
        for &(from, to, regimen) in p.doses {
            let (amount, frequency) = regimen.split_once(' ').expect("amount and frequency");
            let dose = DosePeriod {
                subject_id: id,
                regimen: DosePeriod::regimen_named("lenalidomide", amount, "mg", frequency)
                    .expect("regimen"),
                level: None,
                start_date: on(from),
                end_date: to.map(on),
            };
            store.add_record(&inv, &dose).await.expect("dose");
        }
        for &(day, term, grade, serious, causality) in p.events {
            let event = AdverseEvent {
                subject_id: id,
                term: AdverseEvent::term_named(term).expect("a CTCAE term"),
                verbatim: None,
                start_date: on(day),
                end_date: Some(on(day + 7)),
                grade,
                serious,
                causality,
                action_taken: ActionTaken::DoseNotChanged,
                outcome: Outcome::Recovered,
            };
            store.add_record(&inv, &event).await.expect("adverse event");
        }
        for &(day, value) in p.neutrophils {
            let lab = LabResult {
                subject_id: id,
                visit_id: None,
                collected_on: on(day),
                test: "neutrophils".into(),
                value: Entry::Value(Decimal::parse("value", value).expect("value")),
                unit: "10^9/L".into(),
                lln: Some(Decimal::parse("lln", "2.0").expect("lln")),
                uln: Some(Decimal::parse("uln", "7.5").expect("uln")),
            };
            store.add_record(&inv, &lab).await.expect("lab");
        }
        if let Some((day, status)) = p.disposition {
            let record = Disposition {
                subject_id: id,
                status,
                disposition_date: on(day),
                details: None,
            };
            store.add_record(&inv, &record).await.expect("disposition");
        }
    }
    // A screen failure (refractory for 2 months only): counted among the screened, in no
    // analysis.
    let mut short = store::testing::eligible_candidate();
    short.refractory_months = Some(2.0);
    let (_, checklist) = store
        .screen(
            &inv,
            &SubjectData {
                site: "S01".into(),
                code: "S01-099".into(),
                sex: Sex::Female,
                birth: BirthOrAge::BirthDate(Date::constant(1970, 3, 1)),
                subtype: Some(Subtype::DleLocalized),
                screening_date: on(-5),
                consent_date: Some(on(-6)),
                enrolment_date: None,
            },
            &short,
        )
        .await
        .expect("screened");
    assert_eq!(checklist.eligible, Some(false));
    store.close().await;
}

async fn record_report(backend: Backend) {
    let db = TestDb::new(backend);
    write_study(&db).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let results = report(&["--db", db.url_text(), "--quiet"], dir.path());
    let all = results.clone();
    // Hand-checked against the patients above.
    let categories = result(&results, "best_response")["value"]["categories"]
        .as_array()
        .expect("categories")
        .clone();
    let count = |words: &str| {
        categories
            .iter()
            .find(|c| c["category"] == words)
            .and_then(|c| c["n"].as_u64())
    };
    assert_eq!(
        (
            count("Complete response"),
            count("Partial response"),
            count("No response"),
            count("Withdrawn before any response")
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    let n_of = |id: &str| {
        let value = &result(&results, id)["value"];
        (value["n"].as_u64(), value["of"].as_u64())
    };
    assert_eq!(n_of("complete_response"), (Some(3), Some(5)));
    assert_eq!(n_of("complete_response_all"), (Some(3), Some(6)));
    assert_eq!(n_of("relapse"), (Some(2), Some(3)));
    let by_subtype = &result(&results, "time_to_cr_by_subtype")["value"]["rows"];
    let overall = by_subtype
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["group"] == "all")
        .expect("all");
    near(&overall["median"], 8.0);
    near(&results["baseline"]["clasi_activity"]["mean"], 12.0);
    // Week 4: four known activities (5, 8, 12, 4; one total unknown), mean change -7 from baseline.
    let week4 = result(&results, "clasi_activity")["value"]["points"]
        .as_array()
        .expect("points")
        .iter()
        .find(|p| p["visit"] == "week4")
        .expect("week 4");
    near(&week4["described"]["mean"], 7.25);
    assert_eq!(week4["test"]["pairs"].as_u64(), Some(4));
    near(&week4["test"]["mean_change"], -7.0);
    assert_eq!(week4["test"]["method"], "paired t test, two-sided");
    // The relapse of S01-006 happened on 5 mg on alternate days; S01-001 had stopped.
    let subjects = results["datasets"]["subjects"]
        .as_array()
        .expect("subjects");
    assert_eq!(subjects[0]["dose_at_relapse"], "off");
    assert_eq!(subjects[5]["dose_at_relapse"], "5 mg on alternate days");
    assert_eq!(
        (
            &results["flow"]["screened"],
            &results["flow"]["not_enrolled"],
            &results["flow"]["enrolled"]
        ),
        (
            &serde_json::json!(7),
            &serde_json::json!(1),
            &serde_json::json!(6)
        ),
        "the screen failure is counted, in no analysis"
    );
    assert_eq!(results["safety"]["serious_events"].as_u64(), Some(1));
    // Every number is the golden one: the same file for both backends.
    check_snapshots(dir.path(), "record", FILES);
    // The record's tidy CSV export gives the same report.
    let tables = dir.path().join("tables-export");
    let tables_arg = tables.to_str().expect("utf-8");
    let export = cletrial(
        &[
            "export",
            "--db",
            db.url_text(),
            "--format",
            "csv",
            "--out",
            tables_arg,
        ],
        None,
    );
    assert_eq!(export.status, 0, "export failed: {export:#?}");
    let from_csv = tempfile::tempdir().expect("temp dir");
    let csv_results = report(&["--csv", tables_arg, "--quiet"], from_csv.path());
    assert_eq!(without_study(csv_results), without_study(all));
}

/// Results without the study's code and title (the tidy tables do not carry them).
fn without_study(mut results: Value) -> Value {
    for key in ["study", "title"] {
        results.as_object_mut().expect("results object").remove(key);
    }
    results
}

/// The fixed study under the trial's protocol with `[outcomes]` (minimum baseline 10): the
/// responder section, hand-checked, lists the two patients below 10 with why and keeps week 12
/// of the patient without a CLASI there missing; the shipped protocol's report has none.
#[tokio::test(flavor = "multi_thread")]
async fn the_responder_section_of_a_study_with_outcomes() {
    let db = TestDb::new(Backend::Sqlite);
    write_study_under(&db, ::store::testing::outcomes_protocol()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let results = report(&["--db", db.url_text(), "--quiet"], dir.path());
    let r = &results["responders"];
    assert_eq!(r["min_baseline"], 10);
    assert_eq!(r["population"], 4);
    assert_eq!(r["outside_total"], 2);
    let outside: Vec<(&str, &str)> = r["outside"]
        .as_array()
        .expect("outside")
        .iter()
        .map(|o| {
            (
                o["subject"].as_str().expect("id"),
                o["why"].as_str().expect("why"),
            )
        })
        .collect();
    assert_eq!(
        outside,
        [
            ("S01-004", "baseline CLASI-A 9 is below 10"),
            ("S01-006", "baseline CLASI-A 6 is below 10")
        ]
    );
    let visit = |id: &str| {
        r["visits"]
            .as_array()
            .expect("visits")
            .iter()
            .find(|v| v["visit"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    // Week 4: 12->5, 20->8, 15->12, 10->4: CLASI-50 3 of 4, CLASI-70 none; median of -60, -60,
    // -58.3 and -20 is -59.17.
    let week4 = visit("week4");
    assert_eq!(
        (&week4["assessed"], &week4["missing"]),
        (&4.into(), &0.into())
    );
    assert_eq!(
        (&week4["clasi_50"]["n"], &week4["clasi_70"]["n"]),
        (&3.into(), &0.into())
    );
    assert_eq!(
        week4["clasi_50"]["method"],
        "Clopper-Pearson exact interval"
    );
    near(&week4["percent_change"]["median"], -59.1667);
    // Week 12: 0, 0 and 8 of 15; the fifth patient's visit had no CLASI: missing, not "no".
    let week12 = visit("week12");
    assert_eq!(
        (&week12["assessed"], &week12["missing"]),
        (&3.into(), &1.into())
    );
    assert_eq!(
        (&week12["clasi_50"]["n"], &week12["clasi_70"]["n"]),
        (&2.into(), &2.into())
    );
    let html = std::fs::read_to_string(dir.path().join("index.html")).expect("html");
    assert!(html.contains("<h2>CLASI responders</h2>"), "{html}");
    assert!(html.contains("Observed cases"));
    let input = std::fs::read_to_string(dir.path().join("tables/input_responders.csv"))
        .expect("input rows");
    assert!(input.contains("S01-001,week4,28,12,5,"), "{input}");
    assert!(!input.contains("S01-004"), "{input}");
    for table in [
        "responders",
        "responders_percent_change",
        "responders_outside",
    ] {
        assert!(
            dir.path().join(format!("tables/{table}.csv")).is_file(),
            "{table}"
        );
    }
    // SciPy recomputes the section from its input rows alone.
    crate::support::report_peer(dir.path(), "responders");
    // The shipped protocol's report has no responder section.
    let plain = TestDb::new(Backend::Sqlite);
    write_study(&plain).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let results = report(&["--db", plain.url_text(), "--quiet"], dir.path());
    assert!(results.get("responders").is_none());
    assert!(!dir.path().join("tables/input_responders.csv").exists());
}

mod record {
    #[tokio::test(flavor = "multi_thread")]
    async fn sqlite() {
        super::record_report(::store::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::record_report(::store::Backend::Postgres).await;
    }
}

#[test]
fn bad_input_is_one_line_naming_the_option() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_str().expect("utf-8");
    let missing = dir.path().join("missing.sqlite");
    let cases: &[(&[&str], &str)] = &[
        (&["report", "--out", out], "--db"),
        (
            &["report", "--published", "--db", "x.sqlite", "--out", out],
            "--published",
        ),
        (
            &["report", "--published", "--protocol", "nope", "--out", out],
            "--protocol",
        ),
        (
            &[
                "report",
                "--db",
                missing.to_str().expect("utf-8"),
                "--out",
                out,
            ],
            "db",
        ),
    ];
    for (args, needle) in cases {
        cletrial(args, None).input_error(needle);
    }
}

/// The tables `simulate --format tidy` writes are the export of the same virtual patients entered
/// into a record by `simulate --db` (but for the site and the record ids, which the record assigns),
/// and `report --csv` reads them.
fn simulated_tables_are_the_export_of_the_same_patients(backend: Backend) {
    let db = TestDb::new(backend);
    let url = db.url_text();
    let demo = crate::simulate::run_as(&["demo", "--no-serve", "--db", url], "").ok_json();
    let password = crate::demo::password_of(&demo, "investigator");
    let sim = [
        "simulate",
        "--protocol",
        "nct01408199",
        "--patients",
        "6",
        "--seed",
        "11",
    ];
    let mut entered = sim.to_vec();
    entered.extend([
        "--db",
        url,
        "--as",
        "investigator",
        "--site",
        "S02",
        "--quiet",
    ]);
    crate::simulate::run_as(&entered, &password).ok_json();
    let dir = tempfile::tempdir().expect("temp dir");
    let exported = dir.path().join("export");
    let exported_arg = exported.to_str().expect("utf-8");
    let run = cletrial(
        &[
            "export",
            "--db",
            url,
            "--format",
            "csv",
            "--out",
            exported_arg,
        ],
        None,
    );
    assert_eq!(run.status, 0, "export failed: {run:#?}");
    let simulated = dir.path().join("tidy");
    let simulated_arg = simulated.to_str().expect("utf-8");
    let mut written = sim.to_vec();
    written.extend(["--out", simulated_arg, "--format", "tidy", "--quiet"]);
    assert_eq!(cletrial(&written, None).status, 0);
    let mut names: Vec<String> = std::fs::read_dir(&exported)
        .expect("export folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut simulated_names: Vec<String> = std::fs::read_dir(&simulated)
        .expect("tidy folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    simulated_names.sort();
    assert_eq!(simulated_names, names, "the same files");
    for name in names.iter().filter(|n| {
        !n.starts_with("dictionary")
            && !n.starts_with("missing")
            && !n.ends_with(".toml")
            && !n.ends_with(".txt")
            && !n.ends_with(".json")
    }) {
        assert_eq!(
            comparable(&simulated.join(name)),
            comparable(&exported.join(name)),
            "{name}"
        );
    }
    // The same protocol beside both, by which `report --csv` reads them.
    for name in ["dictionary.csv", "missing_codes.csv", "protocol.toml"] {
        assert_eq!(
            std::fs::read_to_string(simulated.join(name)).expect("simulated"),
            std::fs::read_to_string(exported.join(name)).expect("exported"),
        );
    }
    let out = tempfile::tempdir().expect("temp dir");
    let results = report(&["--csv", simulated_arg, "--quiet"], out.path());
    assert_eq!(results["flow"]["enrolled"].as_u64(), Some(6));
}

/// A table's header and the rows of the virtual patients (study ids V...), without the site and
/// record id columns.
fn comparable(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("table");
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    rows.into_iter()
        .enumerate()
        .filter(|(i, row)| *i == 0 || row[0].starts_with('V'))
        .map(|(_, row)| {
            row.into_iter()
                .enumerate()
                .filter(|(c, _)| *c != 1 && *c != 5)
                .map(|(_, cell)| cell)
                .collect()
        })
        .collect()
}

mod simulated {
    #[test]
    fn sqlite() {
        super::simulated_tables_are_the_export_of_the_same_patients(::store::Backend::Sqlite);
    }

    #[test]
    fn postgres() {
        super::simulated_tables_are_the_export_of_the_same_patients(::store::Backend::Postgres);
    }
}

/// Bad tables: each error names the file, the line and the column, and says what is allowed.
#[test]
fn bad_tables_are_refused_naming_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good");
    let good_arg = good.to_str().expect("utf-8");
    let sim = [
        "simulate",
        "--protocol",
        "nct01408199",
        "--patients",
        "3",
        "--seed",
        "2",
        "--out",
        good_arg,
        "--format",
        "tidy",
        "--quiet",
    ];
    assert_eq!(cletrial(&sim, None).status, 0);
    type Edit = fn(String) -> String;
    /// Replaces the `column`-th cell of the first data row.
    fn cell(text: &str, column: usize, value: &str) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut cells: Vec<&str> = lines[1].split(',').collect();
        cells[column] = value;
        lines[1] = cells.join(",");
        lines.join("\n") + "\n"
    }
    // clasi.csv: six keys, assessed_on, 56 items, then activity (column 63).
    let cases: &[(&str, Edit, &str)] = &[
        (
            "clasi.csv",
            |t| cell(&t, 63, "x"),
            "clasi.csv line 2, column activity: 'x' is not allowed; allowed: a whole number",
        ),
        (
            "clasi.csv",
            |t| cell(&t, 63, "71"),
            "clasi.csv line 2, column activity: 71 is out of range; allowed: 0 to 70",
        ),
        (
            "clasi.csv",
            |t| cell(&t, 63, "NOT DONE"),
            "clasi.csv line 2, column activity: 'NOT DONE' is not allowed",
        ),
        (
            "clasi.csv",
            |t| cell(&t, 6, ""),
            "clasi.csv line 2, column assessed_on: must hold a date",
        ),
        (
            "visit.csv",
            |t| cell(&t, 8, "2024-02-30"),
            "visit.csv line 2, column actual_date: '2024-02-30' is not allowed; allowed: a date YYYY-MM-DD",
        ),
        (
            "subject.csv",
            |t| cell(&t, 6, "X"),
            "subject.csv line 2, column sex: 'X' is not allowed; allowed: F, M, U",
        ),
        (
            "subject.csv",
            |t| cell(&t, 9, "lupus"),
            "subject.csv line 2, column subtype: unknown CLE subtype 'lupus'",
        ),
        (
            "dose.csv",
            |t| cell(&t, 8, "five"),
            "dose.csv line 2, column amount: 'five' is not an amount",
        ),
        (
            "visit.csv",
            |t| t.replacen(",name,", ",visit_name,", 1),
            "visit.csv line 1: the header must be the tidy layout's",
        ),
        (
            "visit.csv",
            |t| t.replacen("SIM-V2-000001,", "SIM-V2-999999,", 1),
            "visit.csv line 2, column subject: 'SIM-V2-999999' is not in subject.csv",
        ),
        (
            "lab.csv",
            |t| {
                let mut lines: Vec<&str> = t.lines().collect();
                lines[1] = "SIM-V2-000001,SIM";
                lines.join("\n") + "\n"
            },
            "lab.csv line 2",
        ),
    ];
    for (file, edit, needle) in cases {
        let bad = dir.path().join("bad");
        let _ = std::fs::remove_dir_all(&bad);
        std::fs::create_dir_all(&bad).expect("bad dir");
        for entry in std::fs::read_dir(&good).expect("good") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), bad.join(entry.file_name())).expect("copy");
        }
        let text = std::fs::read_to_string(good.join(file)).expect("table");
        std::fs::write(bad.join(file), edit(text)).expect("edited");
        let out = dir.path().join("out");
        let run = cletrial(
            &[
                "report",
                "--csv",
                bad.to_str().expect("utf-8"),
                "--out",
                out.to_str().expect("utf-8"),
            ],
            None,
        );
        let message = run.input_error("--csv");
        assert!(message.contains(needle), "{file}: {message} lacks {needle}");
    }
    // A folder without the tables' protocol is refused unless --protocol names one.
    let missing = dir.path().join("missing");
    std::fs::create_dir_all(&missing).expect("empty dir");
    let out = dir.path().join("out");
    let args = [
        "report",
        "--csv",
        missing.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    let message = cletrial(&args, None).input_error("--csv");
    assert!(message.contains("has no protocol.toml"), "{message}");
    let with_protocol = [&args[..], &["--protocol", "nct01408199"]].concat();
    cletrial(&with_protocol, None).input_error("cannot read");
}
