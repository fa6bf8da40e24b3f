//! Lesion photographs in what `cletrial export` writes: the photograph manifest `photos.csv`
//! of the tidy CSV folder and of the submission folder, on a record with photographs and
//! central readings, and on each shipped protocol's demo (the header alone).

use ::store::testing::{TestDb, sample_jpeg, sample_png};
use ::store::{
    AreaScore, Backend, BirthOrAge, ClasiAssessment, NewPhoto, NewStudy, NewUser, Password, Role,
    Sex, Store, SubjectData, VisitData,
};
use jiff::civil::Date;

use crate::support::{cletrial, demo_record, workspace_root};

const PASSWORD: &str = "correct horse battery";
const TAKEN: Date = Date::constant(2026, 3, 2);

/// A CLASI whose areas have the (erythema, scale) given, every other item 0.
fn clasi(areas: &[(&str, u8, u8)]) -> instruments::clasi::Clasi {
    let mut grid = serde_json::Map::new();
    for area in instruments::clasi::Area::ALL {
        let (erythema, scale) = areas
            .iter()
            .find(|(id, _, _)| *id == area.id())
            .map_or((0, 0), |(_, e, s)| (*e, *s));
        grid.insert(
            area.id().to_owned(),
            serde_json::json!({"erythema": erythema, "scale": scale, "dyspigmentation": 0}),
        );
    }
    serde_json::from_value(serde_json::json!({
        "areas": grid, "mucous_membrane": 0, "recent_hair_loss": 0, "nonscarring_alopecia": 0,
        "scarring_alopecia": 0, "dyspigmentation_lasts_12_months": false
    }))
    .expect("a valid CLASI")
}

/// One subject of the trial's protocol with a week-4 CLASI and three photographs of that
/// visit (legs, arms, nose/malar); a central reader has scored the legs and the arms.
pub(crate) async fn photo_study(db: &TestDb) {
    let protocol = std::fs::read_to_string(workspace_root().join("protocols/nct01408199.toml"))
        .expect("shipped protocol");
    let password = Password::new(PASSWORD).expect("password");
    let (store, admin) = Store::init(
        db.url(),
        &NewStudy {
            code: "PHOTOS".into(),
            title: "Photographs and their central reading".into(),
            protocol_text: protocol,
        },
        &NewUser {
            login: "admin".into(),
            printed_name: "Ada Admin".into(),
        },
        &password,
    )
    .await
    .expect("init");
    store.add_site(&admin, "S01", "First").await.expect("site");
    for (login, role) in [("inv", Role::Investigator), ("reader", Role::CentralReader)] {
        let user = NewUser {
            login: login.into(),
            printed_name: login.into(),
        };
        store
            .add_user(&admin, &user, &password)
            .await
            .expect("user");
        store
            .grant(&admin, login, "S01", role)
            .await
            .expect("grant");
    }
    let inv = store.authenticate("inv", &password).await.expect("inv");
    let reader = store
        .authenticate("reader", &password)
        .await
        .expect("reader");
    let subject = ::store::testing::enrolled(
        &store,
        &inv,
        &SubjectData {
            site: "S01".into(),
            code: "S01-001".into(),
            sex: Sex::Female,
            birth: BirthOrAge::BirthDate(Date::constant(1980, 5, 17)),
            subtype: None,
            screening_date: Date::constant(2026, 1, 20),
            consent_date: Some(Date::constant(2026, 1, 19)),
            enrolment_date: Some(Date::constant(2026, 2, 1)),
        },
    )
    .await
    .expect("subject");
    let visit = store
        .add_visit(
            &inv,
            subject.id,
            &VisitData {
                name: "Week 4".into(),
                planned_date: None,
                actual_date: Some(Date::constant(2026, 3, 1)),
            },
        )
        .await
        .expect("visit");
    let record = ClasiAssessment {
        subject_id: subject.id,
        visit_id: visit.id,
        assessed_on: Date::constant(2026, 3, 1),
        clasi: clasi(&[("legs", 2, 1), ("arms", 1, 0), ("nose_malar", 3, 2)]),
    };
    store.add_record(&inv, &record).await.expect("clasi");
    for (area, bytes) in [
        ("legs", sample_jpeg(12, 12)),
        ("arms", sample_png(10, 10)),
        ("nose_malar", sample_jpeg(8, 8)),
    ] {
        let photo = NewPhoto {
            subject_id: subject.id,
            visit_id: visit.id,
            area: area.into(),
            taken_on: TAKEN,
            caption: None,
            bytes,
        };
        store.add_photo(&inv, &photo).await.expect("photo");
    }
    let queue = store.reading_queue(&reader).await.expect("queue");
    for (area, erythema, scale, scarring) in [
        (instruments::clasi::Area::Legs, 2, 1, 1),
        (instruments::clasi::Area::Arms, 1, 1, 0),
    ] {
        let reading = queue.iter().find(|r| r.area == area).expect("queued");
        let score = AreaScore {
            erythema,
            scale,
            dyspigmentation: 0,
            scarring: Some(scarring),
        };
        store
            .record_central_reading(&reader, &reading.reading_id, score)
            .await
            .expect("scored");
    }
    store.close().await;
}

/// `cletrial export --format FORMAT` of `db` into `out`; export.json as written.
fn exported(db: &str, format: &str, out: &std::path::Path) -> serde_json::Value {
    let run = cletrial(
        &[
            "export",
            "--db",
            db,
            "--format",
            format,
            "--out",
            out.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(run.status, 0, "{format}: {run:#?}");
    serde_json::from_str(&std::fs::read_to_string(out.join("export.json")).expect("export.json"))
        .expect("export.json parses")
}

const HEADER: &str = "subject,visit,visit_date,area,area_text,taken_on,sha256,media_type,byte_size,reading,central_erythema,central_scale,central_dyspigmentation,central_scarring,central_activity,central_damage";

/// The manifest's rows without their hash and size (which the photographs' bytes decide),
/// sorted; each hash is checked to be 64 hex digits.
fn rows_of(manifest: &str) -> Vec<String> {
    let mut lines = manifest.lines();
    assert_eq!(lines.next(), Some(HEADER));
    let mut rows: Vec<String> = lines
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[6].len(), 64, "{line}");
            assert!(cells[6].bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
            assert!(cells[8].parse::<u64>().is_ok_and(|size| size > 0), "{line}");
            cells.remove(8);
            cells.remove(6);
            cells.join(",")
        })
        .collect();
    rows.sort();
    rows
}

/// The tidy CSV folder and the submission folder carry the manifest (listed in export.json,
/// its rows counted), one row per photograph and reading, never the image bytes.
#[test]
fn the_csv_and_submission_exports_carry_the_photo_manifest() {
    let db = TestDb::new(Backend::Sqlite);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(photo_study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let expected = [
        "S01-001,Week 4,2026-03-01,arms,Arms,2026-03-02,image/png,1,1,1,0,0,2,0",
        "S01-001,Week 4,2026-03-01,legs,Legs,2026-03-02,image/jpeg,1,2,1,0,1,3,1",
        "S01-001,Week 4,2026-03-01,nose_malar,Nose/malar,2026-03-02,image/jpeg,,,,,,,",
    ];
    for format in ["csv", "submission"] {
        let out = dir.path().join(format);
        let manifest = exported(db.url_text(), format, &out);
        assert_eq!(manifest["photos"], 3, "{format}: {manifest}");
        let files: Vec<&str> = manifest["files"]
            .as_array()
            .expect("files")
            .iter()
            .filter_map(|f| f.as_str())
            .collect();
        assert!(files.contains(&"photos.csv"), "{format}: {files:?}");
        let photos = std::fs::read_to_string(out.join("photos.csv")).expect("photos.csv");
        assert_eq!(rows_of(&photos), expected, "{format}: {photos}");
        // No image file is exported.
        for entry in walk(&out) {
            let name = entry.to_string_lossy().to_lowercase();
            assert!(
                !(name.ends_with(".jpg") || name.ends_with(".jpeg") || name.ends_with(".png")),
                "{format}: {name}"
            );
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The shipped protocols' demos have no photograph: the manifest is its header alone, in the
/// tidy CSV and the submission folder alike.
#[test]
fn each_shipped_protocol_exports_an_empty_photo_manifest() {
    for study in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = demo_record(dir.path(), study);
        let db = db.as_str();
        for format in ["csv", "submission"] {
            let out = dir.path().join(format);
            let manifest = exported(db, format, &out);
            assert_eq!(manifest["photos"], 0, "{study} {format}: {manifest}");
            let photos = std::fs::read_to_string(out.join("photos.csv")).expect("photos.csv");
            assert_eq!(photos, format!("{HEADER}\n"), "{study} {format}");
        }
    }
}

/// The report of a record with photographs compares central and site scores: legs 3 and 3,
/// arms 1 (site) and 2 (central); the unread photograph is no pair. Two pairs give R's ICC
/// 0.8 (golden.R case two-pairs: 95% CI -0.6306 to 0.9997) with the method named; the pairs
/// are a table R can recompute it from.
#[test]
fn the_report_compares_central_and_site_scores() {
    let db = TestDb::new(Backend::Sqlite);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(photo_study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_str().expect("path");
    let run = cletrial(
        &["report", "--db", db.url_text(), "--out", out, "--quiet"],
        None,
    );
    assert_eq!(run.status, 0, "{run:#?}");
    let results: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("results.json")).expect("results.json"),
    )
    .expect("json");
    let a = &results["agreement"];
    assert_eq!(
        (&a["photographs"], &a["readings"], &a["unpaired"]),
        (&3.into(), &2.into(), &0.into()),
        "{a}"
    );
    let near = |value: &serde_json::Value, expect: f64| {
        let got = value
            .as_f64()
            .unwrap_or_else(|| panic!("not a number: {value}"));
        assert!((got - expect).abs() < 1e-9, "{got} != {expect}");
    };
    near(&a["icc"]["icc"], 0.8);
    near(&a["icc"]["ci_low"], -0.630_580_710_464_697);
    near(&a["icc"]["ci_high"], 0.999_721_305_410_93);
    assert!(
        a["icc"]["method"]
            .as_str()
            .is_some_and(|m| m.starts_with("ICC(2,1): two-way random effects, absolute agreement")),
        "{a}"
    );
    let pairs = std::fs::read_to_string(dir.path().join("tables/agreement_pairs.csv"))
        .expect("pairs table");
    assert_eq!(
        pairs,
        "subject,visit,area,site,central\nS01-001,Week 4,legs,3,3\nS01-001,Week 4,arms,1,2\n"
    );
    let html = std::fs::read_to_string(dir.path().join("index.html")).expect("html");
    assert!(html.contains("<h2>Central and site CLASI scores</h2>"));
    // SciPy recomputes the ICC and its interval from the pairs' table alone.
    crate::support::report_peer(dir.path(), "agreement");
}
