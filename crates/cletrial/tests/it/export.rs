//! `cletrial export` on a small study written through the store's public API, on both backends:
//! every format, the four missing states kept apart, and the peer checks (pyreadstat and R haven
//! read the XPT files alike; pandas and R keep the CSV codes; xmllint accepts the ODM; xmllint and
//! odmlib accept the Define-XML and it matches the transport files beside it). A missing peer tool
//! fails the test (`cargo xtask test` installs them).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use ::store::testing::TestDb;
use ::store::{
    ActionTaken, AdverseEvent, Backend, BirthOrAge, Causality, ClasiAssessment,
    ConcomitantMedication, Decimal, DeviationCategory, Disposition, DispositionStatus, DosePeriod,
    Entry, EventType, LabResult, Meaning, Missing, NerveConduction, NewStudy, NewUser, Outcome,
    Password, ProtocolDeviation, ProtocolEvent, Role, Sex, Side, SledaiAssessment, Store,
    SubjectData, VisitData,
};
use instruments::ctcae::CtcaeGrade;
use instruments::input::{read_clasi, read_sledai};
use jiff::civil::Date;

use crate::support::{Run, cletrial, demo_record, peer_python, workspace_root, written_by};

const PASSWORD: &str = "correct horse battery";

fn days_ago(days: i64) -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_sub(jiff::Span::new().days(days))
        .expect("date in range")
}

fn decimal(text: &str) -> Decimal {
    Decimal::parse("value", text).expect("decimal")
}

fn lab(subject_id: i64, visit_id: i64, value: Entry<Decimal>) -> LabResult {
    LabResult {
        subject_id,
        visit_id: Some(visit_id),
        collected_on: days_ago(20),
        test: "neutrophils".into(),
        value,
        unit: "10^9/L".into(),
        lln: Some(decimal("2.0")),
        uln: Some(decimal("7.5")),
    }
}

/// Two subjects: S01-001 enrolled and treated (a signed baseline visit with CLASI, SLEDAI-2K, labs
/// with a value, not done and a corrected value, a nerve conduction study not applicable / unknown,
/// a dose, an AE, a withdrawn AE, a deviation, a disposition), S01-002 a screen failure.
async fn study(db: &TestDb) {
    let study = NewStudy {
        code: "LENA-CLE".into(),
        title: "Lenalidomide in CLE & <friends>".into(),
        protocol_text: store::testing::PROTOCOL.into(),
    };
    let admin = NewUser {
        login: "admin".into(),
        printed_name: "Ada Admin".into(),
    };
    let password = Password::new(PASSWORD).expect("password");
    let (store, admin) = Store::init(db.url(), &study, &admin, &password)
        .await
        .expect("init");
    store.add_site(&admin, "S01", "First").await.expect("site");
    let user = NewUser {
        login: "inv".into(),
        printed_name: "Ivan Investigator".into(),
    };
    store
        .add_user(&admin, &user, &password)
        .await
        .expect("user");
    store
        .grant(&admin, "inv", "S01", Role::Investigator)
        .await
        .expect("grant");
    let inv = store.authenticate("inv", &password).await.expect("login");
    let subject = |code: &str, enrolled: bool| SubjectData {
        site: "S01".into(),
        code: code.into(),
        sex: Sex::Female,
        birth: BirthOrAge::BirthDate(Date::constant(1980, 5, 17)),
        subtype: None,
        screening_date: days_ago(29),
        consent_date: Some(days_ago(30)),
        enrolment_date: enrolled.then(|| days_ago(28)),
    };
    let p1 = store::testing::enrolled(&store, &inv, &subject("S01-001", true))
        .await
        .expect("subject");
    store
        .add_subject(&inv, &subject("S01-002", false))
        .await
        .expect("subject");
    let visit = store
        .add_visit(
            &inv,
            p1.id,
            &VisitData {
                name: "Baseline".into(),
                planned_date: None,
                actual_date: Some(days_ago(20)),
            },
        )
        .await
        .expect("visit");
    let clasi = read_clasi(
        r#"{"areas": {"ears": {"erythema": 2, "scale": 1}, "chest": {"dyspigmentation": 1}},
            "mucous_membrane": 1, "recent_hair_loss": 0, "nonscarring_alopecia": 0,
            "scarring_alopecia": 0, "dyspigmentation_lasts_12_months": false}"#,
    )
    .expect("clasi");
    store
        .add_record(
            &inv,
            &ClasiAssessment {
                subject_id: p1.id,
                visit_id: visit.id,
                assessed_on: days_ago(20),
                clasi,
            },
        )
        .await
        .expect("clasi");
    let sledai =
        read_sledai(r#"{"descriptors": ["rash", "arthritis"], "window": "10d"}"#).expect("sledai");
    store
        .add_record(
            &inv,
            &SledaiAssessment {
                subject_id: p1.id,
                visit_id: Some(visit.id),
                assessed_on: days_ago(20),
                sledai,
            },
        )
        .await
        .expect("sledai");
    let value = store
        .add_record(&inv, &lab(p1.id, visit.id, Entry::Value(decimal("1.2"))))
        .await
        .expect("lab");
    store
        .update_record(
            &inv,
            value.id,
            value.version,
            &lab(p1.id, visit.id, Entry::Value(decimal("1.3"))),
            "transcription error",
        )
        .await
        .expect("corrected lab");
    store
        .add_record(
            &inv,
            &lab(p1.id, visit.id, Entry::Missing(Missing::NotDone)),
        )
        .await
        .expect("lab not done");
    store
        .add_record(
            &inv,
            &NerveConduction {
                subject_id: p1.id,
                visit_id: Some(visit.id),
                tested_on: days_ago(20),
                nerve: "sural".into(),
                side: Side::parse("left").expect("side"),
                amplitude_uv: Entry::Missing(Missing::NotApplicable),
                velocity_m_per_s: Some(Entry::Missing(Missing::Unknown)),
                abnormal: None,
            },
        )
        .await
        .expect("nerve conduction");
    let visit = store.visits_of(p1.id).await.expect("visits").remove(0);
    store
        .sign_visit(&inv, visit.id, visit.version, &password, Meaning::Review)
        .await
        .expect("signature");
    store
        .add_record(
            &inv,
            &DosePeriod {
                subject_id: p1.id,
                regimen: DosePeriod::regimen_named("lenalidomide", "5", "mg", "3 TIMES PER WEEK")
                    .expect("regimen"),
                level: None,
                start_date: days_ago(27),
                end_date: Some(days_ago(10)),
            },
        )
        .await
        .expect("dose");
    let dose = ConcomitantMedication::dose_named("10", "mg", "QOD", "oral").expect("dose");
    store
        .add_record(
            &inv,
            &ConcomitantMedication {
                subject_id: p1.id,
                drug: ConcomitantMedication::drug_named("prednisone").expect("drug"),
                verbatim: Some("Prednisone 10mg tabs".into()),
                amount: dose.amount,
                frequency: dose.frequency,
                route: dose.route,
                indication: Some("SLE arthritis".into()),
                start_date: Some(days_ago(60)),
                end_date: None,
                ongoing: true,
            },
        )
        .await
        .expect("con-med");
    store
        .add_record(
            &inv,
            &ProtocolEvent {
                subject_id: p1.id,
                occurred_on: days_ago(9),
                event: EventType::PhysicianDecision,
                note: Some("stopped for persistent neutropenia".into()),
            },
        )
        .await
        .expect("protocol event");
    let event = |term: &str| AdverseEvent {
        subject_id: p1.id,
        term: AdverseEvent::term_named(term).expect("a CTCAE term"),
        verbatim: None,
        start_date: days_ago(15),
        end_date: None,
        grade: CtcaeGrade::G2,
        serious: false,
        causality: Causality::Possible,
        action_taken: ActionTaken::DoseNotChanged,
        outcome: Outcome::Recovering,
    };
    store
        .add_record(&inv, &event("Neutrophil count decreased"))
        .await
        .expect("ae");
    let wrong = store
        .add_record(&inv, &event("Insomnia"))
        .await
        .expect("ae");
    store
        .remove_record::<AdverseEvent>(
            &inv,
            wrong.id,
            wrong.version,
            "entered for the wrong patient",
        )
        .await
        .expect("removed");
    store
        .add_record(
            &inv,
            &ProtocolDeviation {
                subject_id: p1.id,
                occurred_on: days_ago(12),
                category: DeviationCategory::VisitWindow,
                major: false,
                description: "Week 2 visit 4 days late".into(),
            },
        )
        .await
        .expect("deviation");
    store
        .add_record(
            &inv,
            &Disposition {
                subject_id: p1.id,
                status: DispositionStatus::AdverseEvent,
                disposition_date: days_ago(10),
                details: None,
            },
        )
        .await
        .expect("disposition");
    store.close().await;
}

fn export(db: &TestDb, format: &str, out: &Path) -> serde_json::Value {
    export_paged(db, format, &out.join(format), "100")
}

fn export_paged(db: &TestDb, format: &str, out: &Path, page: &str) -> serde_json::Value {
    let out = out.to_str().expect("utf-8 path");
    let args = [
        "export",
        "--db",
        db.url_text(),
        "--format",
        format,
        "--out",
        out,
        "--page-subjects",
        page,
    ];
    cletrial(&args, None).ok_json()
}

/// The names of the files in `dir`.
fn file_names(dir: &Path) -> BTreeSet<OsString> {
    std::fs::read_dir(dir)
        .expect("folder")
        .map(|entry| entry.expect("entry").file_name())
        .collect()
}

/// How the folders `a` and `b` differ: a file in one and not the other (either way), or a file
/// in both with different bytes. Empty when they hold the same files.
fn file_differences(a: &Path, b: &Path) -> Vec<String> {
    let (left, right) = (file_names(a), file_names(b));
    let only = |names: &BTreeSet<OsString>, other: &BTreeSet<OsString>, dir: &Path| {
        names
            .difference(other)
            .map(|name| format!("{name:?} only in {}", dir.display()))
            .collect::<Vec<_>>()
    };
    let mut differences = only(&left, &right, a);
    differences.extend(only(&right, &left, b));
    differences.extend(left.intersection(&right).filter_map(|name| {
        let bytes = |dir: &Path| std::fs::read(dir.join(name)).expect("file");
        (bytes(a) != bytes(b)).then(|| format!("{name:?} differs"))
    }));
    differences
}

/// The folders hold the same files with the same bytes.
#[track_caller]
fn same_files(a: &Path, b: &Path) {
    let differences = file_differences(a, b);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn file_differences_sees_a_file_missing_on_either_side() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (folder, files) in [
        (&a, ["same", "changed", "only_a"]),
        (&b, ["same", "changed", "only_b"]),
    ] {
        std::fs::create_dir(folder).expect("folder");
        for file in files {
            let text = if file == "changed" {
                folder.display().to_string()
            } else {
                "x".to_owned()
            };
            std::fs::write(folder.join(file), text).expect("file");
        }
    }
    assert_eq!(
        file_differences(&a, &b),
        [
            format!("\"only_a\" only in {}", a.display()),
            format!("\"only_b\" only in {}", b.display()),
            "\"changed\" differs".to_owned(),
        ]
    );
    assert_eq!(file_differences(&a, &a), Vec::<String>::new());
}

fn read(dir: &Path, format: &str, file: &str) -> String {
    std::fs::read_to_string(dir.join(format).join(file)).expect("exported file")
}

/// Fails naming `tool` unless it runs: a missing peer must fail the test, never drop its
/// check unnoticed (issue 22, item 2). `cargo xtask test` installs every one.
#[track_caller]
fn require_tool(tool: &str, runs: bool) {
    assert!(
        runs,
        "{tool} cannot run; `cargo xtask test` installs the peer checks' tools"
    );
}

/// Runs a peer (a Python script that also calls R's haven through Rscript).
fn peer(program: &Path, args: &[&str]) -> Run {
    require_tool(&program.display().to_string(), program.exists());
    let rscript = Command::new("Rscript").arg("--version").output().is_ok();
    require_tool("Rscript", rscript);
    let output = Command::new(program)
        .args(args)
        .output()
        .expect("peer runs");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The CDISC ODM 1.3.2 XML schema, as odmlib ships it in the peer venv; none when it is not
/// there.
fn odm_schema() -> Option<String> {
    let lib = workspace_root().join("target/peers-venv/lib");
    std::fs::read_dir(lib).ok()?.flatten().find_map(|python| {
        let schema = python
            .path()
            .join("site-packages/odmlib/schemas/odm/1.3.2/ODM1-3-2.xsd");
        schema.is_file().then(|| schema.display().to_string())
    })
}

/// The CDISC Define-XML 2.1 schema odmlib ships beside the ODM one.
fn define_schema() -> Option<String> {
    let odm = PathBuf::from(odm_schema()?);
    let schema = odm
        .parent()?
        .parent()?
        .parent()?
        .join("define/2.1/define2-1-0.xsd");
    schema.is_file().then(|| schema.display().to_string())
}

/// `xmllint` finds `file` well-formed and valid against `schema` (named `what` when missing).
#[track_caller]
fn xmllint_valid(file: &Path, schema: Option<String>, what: &str) {
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    require_tool("xmllint", xmllint);
    require_tool(what, schema.is_some());
    let schema = schema.unwrap_or_default();
    for args in [
        vec!["--noout".to_owned()],
        vec!["--noout".to_owned(), "--schema".to_owned(), schema],
    ] {
        let output = Command::new("xmllint")
            .args(&args)
            .arg(file)
            .output()
            .expect("xmllint runs");
        assert!(output.status.success(), "xmllint {args:?}: {output:?}");
    }
}

/// Exports `--format define` into `dir` and runs the peers on it: xmllint with the Define-XML
/// 2.1 schema, and `export_check.py define` (the schema again through odmlib, odmlib's
/// Define-XML 2.1 model checks, each leaf's transport file against its ItemGroupDef, the data
/// against its mandatory flags, codelists and value-level metadata); returns the peer's
/// summary.
fn define_checked(db: &str, dir: &Path) -> serde_json::Value {
    let out = dir.to_str().expect("utf-8 path");
    let run = cletrial(
        &["export", "--db", db, "--format", "define", "--out", out],
        None,
    );
    let summary = run.ok_json();
    assert_eq!(summary["format"], "define", "{run:#?}");
    define_file_checked(&dir.join("define.xml"))
}

/// `define` (a define.xml) valid for xmllint with the Define-XML 2.1 schema, and for
/// `export_check.py define`, which read the data against its description, not only the
/// metadata; returns the peer's summary.
fn define_file_checked(define: &Path) -> serde_json::Value {
    xmllint_valid(
        define,
        define_schema(),
        "the Define-XML 2.1 schema odmlib ships (target/peers-venv)",
    );
    let file = define.display().to_string();
    let run = peer(&peer_python(), &[&check_script(), "define", &file]);
    let json = run.ok_json();
    assert_eq!(json["ok"], true, "{run:#?}");
    assert!(json["values_checked"].as_u64() > Some(0), "{run:#?}");
    json
}

/// The ADaM export in `dir` (`--format adam`): its define.xml valid for xmllint and for
/// `export_check.py define` (odmlib's checks; each transport file's variables and SAS formats
/// as described, DATE9. on the dates; the keys identify each record; mandatory variables
/// filled; coded values in their lists). Returns the define check's summary.
fn adam_define_checked(dir: &Path) -> serde_json::Value {
    let define = dir.join("define.xml");
    let described = define_file_checked(&define);
    assert_eq!(
        described["keys"]["ADSL"],
        serde_json::json!(["STUDYID", "USUBJID"]),
        "{described}"
    );
    let text = std::fs::read_to_string(&define).expect("define.xml");
    for needle in [
        r#"def:StandardOID="STD.ADaMIG.1.3""#,
        r#"<def:Class Name="SUBJECT LEVEL ANALYSIS DATASET">"#,
        r#"<ItemDef OID="IT.ADSL.TRTSDT" Name="TRTSDT" SASFieldName="TRTSDT" DataType="integer" Length="8" def:DisplayFormat="DATE9.">"#,
    ] {
        assert!(text.contains(needle), "define.xml lacks {needle}");
    }
    described
}

/// A submission folder (`--format submission`) through the peers: both define.xml files valid
/// for xmllint, then `export_check.py submission`: every file listed in export.json; in `sdtm/`
/// and `adam/` alike, define.xml through odmlib (schema, model and conformance checks, each
/// transport file against its description, the data against its keys, mandatory flags,
/// codelists and value-level metadata), pyreadstat and R haven reading the transport files
/// alike, the Dataset-JSON files valid for the CDISC schema and dsjframe with the transport
/// files' values (ADaM dates as ISO dates of the SAS dates, DATE9.), and variables.csv naming
/// each file's variables. Each folder's Dataset-JSON states the keys its define.xml states.
/// Returns the peer's summary.
fn submission_checked(out: &Path) -> serde_json::Value {
    for part in ["sdtm", "adam"] {
        xmllint_valid(
            &out.join(part).join("define.xml"),
            define_schema(),
            "the Define-XML 2.1 schema odmlib ships (target/peers-venv)",
        );
    }
    let run = peer(
        &peer_python(),
        &[&check_script(), "submission", &out.display().to_string()],
    );
    let json = run.ok_json();
    assert_eq!(json["ok"], true, "{run:#?}");
    for part in ["sdtm", "adam"] {
        let checked = &json["parts"][part];
        assert_eq!(
            checked["dataset_json"]["keys"], checked["define"]["keys"],
            "{part}: one statement of the keys"
        );
        assert!(
            checked["define"]["values_checked"].as_u64() > Some(0)
                && checked["dataset_json"]["values_compared"].as_u64() > Some(0),
            "{part}: the data itself was read: {checked}"
        );
    }
    let adsl = std::fs::read_to_string(out.join("adam/adsl.json")).expect("adsl.json");
    assert!(
        adsl.contains(r#""dataType":"date","targetDataType":"integer","displayFormat":"DATE9.""#),
        "{adsl}"
    );
    json
}

fn check_script() -> String {
    workspace_root()
        .join("scripts/peers/export_check.py")
        .display()
        .to_string()
}

fn every_format_keeps_the_record_and_its_missing_states(backend: Backend) {
    let db = TestDb::new(backend);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();

    // Tidy CSV: one table per form, the codes in the cells, the withdrawn AE left out.
    let csv = export(&db, "csv", out);
    assert_eq!(
        (csv["subjects"].as_u64(), csv["study"].as_str()),
        (Some(2), Some("LENA-CLE"))
    );
    let labs = read(out, "csv", "lab.csv");
    let lines: Vec<&str> = labs.lines().collect();
    assert_eq!(lines.len(), 3, "{labs}");
    assert!(
        lines[0].starts_with("subject,site,visit,visit_date,repeat,record_id,"),
        "{labs}"
    );
    assert!(
        lines[1].starts_with("S01-001,S01,Baseline,") && lines[1].contains(",1.3,"),
        "{labs}"
    );
    assert!(
        lines[2].contains(",2,") && lines[2].contains(",NOT DONE,"),
        "{labs}"
    );
    let nerve = read(out, "csv", "nerve_conduction.csv");
    assert!(nerve.contains(",NOT APPLICABLE,UNKNOWN,"), "{nerve}");
    let events = read(out, "csv", "adverse_event.csv");
    assert_eq!(events.lines().count(), 2, "{events}");
    assert!(!events.contains("Entered in error"), "{events}");
    let dictionary = read(out, "csv", "dictionary.csv");
    assert!(
        dictionary.contains(
            "lab.csv,value,text,yes,Value,\"a value or NOT DONE, NOT APPLICABLE, UNKNOWN\""
        ),
        "{dictionary}"
    );
    assert!(read(out, "csv", "missing_codes.csv").contains("NOT DONE,not done"));
    // A page of one subject at a time writes the same tables.
    export_paged(&db, "csv", &out.join("csv-paged"), "1");
    same_files(&out.join("csv"), &out.join("csv-paged"));

    // SDTM as CSV: the screen failure in DM, not done in LBSTAT, the CLASI totals derived.
    let sdtm = export(&db, "sdtm", out);
    assert_eq!(sdtm["subjects"].as_u64(), Some(2));
    let dm = read(out, "sdtm", "dm.csv");
    assert!(dm.contains("LENA-CLE,DM,LENA-CLE-S01-001,S01-001,"), "{dm}");
    assert!(
        dm.contains(",SCRNFAIL,Screen Failure,SCRNFAIL,Screen Failure"),
        "{dm}"
    );
    let lb = read(out, "sdtm", "lb.csv");
    assert!(lb.contains(",NOT DONE,"), "{lb}");
    let rs = read(out, "sdtm", "rs.csv");
    // Activity: ears erythema 2 + scale 1 + mucous membrane 1; damage: chest dyspigmentation 1;
    // SLEDAI-2K: rash 2 + arthritis 4.
    assert!(
        rs.contains(",CLAACT,CLASI-Activity score,CLASI,4,4,4,,Y,"),
        "{rs}"
    );
    assert!(
        rs.contains(",CLADAM,CLASI-Damage score,CLASI,1,1,1,,Y,"),
        "{rs}"
    );
    assert!(
        rs.contains(",CLA02E,CLASI-Ears Erythema,CLASI,2,2,2,,,"),
        "{rs}"
    );
    assert!(
        rs.contains(",SLRASH,SLEDAI-2K-Rash,SLEDAI-2K,Y,Y,,,,-P10D,"),
        "{rs}"
    );
    assert!(
        rs.contains(",SLTOTAL,SLEDAI-2K-Total score,SLEDAI-2K,6,6,6,,Y,-P10D,"),
        "{rs}"
    );
    let ds = read(out, "sdtm", "ds.csv");
    assert!(ds.contains("ADVERSE EVENT"), "{ds}");
    assert!(
        ds.contains(",stopped for persistent neutropenia,PHYSICIAN DECISION,OTHER EVENT,"),
        "{ds}"
    );
    // EX: the regimen as prescribed, not an average; CM: as written beside the code.
    let ex = read(out, "sdtm", "ex.csv");
    assert!(
        ex.contains(",LENALIDOMIDE,5,mg,3 TIMES PER WEEK,ORAL,"),
        "{ex}"
    );
    let cm = read(out, "sdtm", "cm.csv");
    assert!(
        cm.contains(",Prednisone 10mg tabs,PREDNISONE,H02AB07,SLE arthritis,10,mg,QOD,ORAL,"),
        "{cm}"
    );
    assert!(cm.contains(",ONGOING,END OF RECORD"), "{cm}");
    assert!(read(out, "sdtm", "dv.csv").contains("VISIT WINDOW"));
    assert!(
        read(out, "sdtm", "variables.csv").contains("RS,Disease Response and Clin Classification,")
    );

    // XPT: every domain, whole 80-byte records; then the two readers agree.
    let xpt = export(&db, "xpt", out);
    assert_eq!(xpt["rows"], sdtm["rows"]);
    for domain in ["dm", "sv", "ex", "ae", "lb", "rs", "ds", "ie", "dv", "cm"] {
        let bytes = std::fs::read(out.join("xpt").join(format!("{domain}.xpt"))).expect("xpt");
        assert_eq!(bytes.len() % 80, 0, "{domain}.xpt");
        assert!(bytes.starts_with(b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"));
    }
    let xpt_dir = out.join("xpt").display().to_string();
    let run = peer(&peer_python(), &[&check_script(), "xpt", &xpt_dir]);
    let json = run.ok_json();
    assert_eq!(json["ok"], true, "{run:#?}");
    assert_eq!(json["special_missing_tags"]["d"], 1, "{run:#?}");
    let csv_dir = out.join("csv").display().to_string();
    let run = peer(&peer_python(), &[&check_script(), "csv", &csv_dir]);
    // Each code once in the data and once in missing_codes.csv.
    let json = run.ok_json();
    assert_eq!(json["codes"]["NOT DONE"], 2, "{run:#?}");
    assert_eq!(json["codes"]["NOT APPLICABLE"], 2, "{run:#?}");
    assert_eq!(json["codes"]["UNKNOWN"], 2, "{run:#?}");

    // ODM: audit records with reasons, the signature, the removal, missing codes flagged.
    export(&db, "odm", out);
    let odm = read(out, "odm", "odm.xml");
    for needle in [
        r#"ODMVersion="1.3.2" FileType="Transactional" Archival="Yes""#,
        "<StudyDescription>Lenalidomide in CLE &amp; &lt;friends&gt;</StudyDescription>",
        r#"<SignatureRef SignatureOID="SD.review"/>"#,
        "<ReasonForChange>transcription error</ReasonForChange>",
        r#"TransactionType="Remove""#,
        "<ReasonForChange>entered for the wrong patient</ReasonForChange>",
        r#"<ItemData ItemOID="IT.LAB.VALUE" TransactionType="Insert" IsNull="Yes">"#,
        r#"<FlagValue CodeListOID="CL.MISSING">NOT DONE</FlagValue>"#,
        r#"<ItemData ItemOID="IT.LAB.VALUE" TransactionType="Update" Value="1.3">"#,
    ] {
        assert!(odm.contains(needle), "odm.xml lacks {needle}");
    }
    xmllint_valid(
        &out.join("odm").join("odm.xml"),
        odm_schema(),
        "the ODM 1.3.2 schema odmlib ships (target/peers-venv)",
    );

    // Define-XML: the transport files with define.xml describing them, valid for xmllint and
    // odmlib, every leaf a file whose variables are those described.
    let define_dir = out.join("define");
    let json = define_checked(db.url_text(), &define_dir);
    let leaves: Vec<&str> = json["leaves"]
        .as_array()
        .expect("leaves")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert!(
        leaves.contains(&"dm.xpt") && leaves.contains(&"rs.xpt"),
        "{json}"
    );
    assert_eq!(leaves.len(), export::sdtm::DOMAINS.len(), "{json}");
    same_files_named(&define_dir, &out.join("xpt"), "xpt");
    let define = read(out, "define", "define.xml");
    for needle in [
        r#"def:Context="Submission""#,
        "<StudyDescription>Lenalidomide in CLE &amp; &lt;friends&gt;</StudyDescription>",
        r#"<def:leaf ID="LF.DM" xlink:href="dm.xpt">"#,
        r#"<Alias Context="nci:ExtCodeID" Name="C66731"/>"#,
        r#"<def:WhereClauseDef OID="WC.RS.RSTESTCD.CLAACT">"#,
        r#"<MethodDef OID="MT.RS.RSORRES.CLAACT""#,
    ] {
        assert!(define.contains(needle), "define.xml lacks {needle}");
    }
    // The submission folder, written in one pass, holds the transport files the separate
    // formats write: SDTM as `xpt`, ADaM as `adam`; its rows are theirs together.
    let submission = export(&db, "submission", out);
    let adam = export(&db, "adam", out);
    same_files_named(&out.join("submission/sdtm"), &out.join("xpt"), "xpt");
    same_files_named(&out.join("submission/adam"), &out.join("adam"), "xpt");
    assert_eq!(
        submission["rows"].as_u64(),
        xpt["rows"]
            .as_u64()
            .zip(adam["rows"].as_u64())
            .map(|(a, b)| a + b),
        "{submission}"
    );
    // odmlib: its schema validator, then its model's order, OID and conformance checks.
    let odm_file = out.join("odm").join("odm.xml").display().to_string();
    let run = peer(&peer_python(), &[&check_script(), "odm", &odm_file]);
    let json = run.ok_json();
    assert_eq!(
        (json["ok"].as_bool(), json["study"].as_str()),
        (Some(true), Some("ST.LENA-CLE")),
        "{run:#?}"
    );
    assert_eq!(json["clinical_data"], 1, "{run:#?}");

    // Audit CSV: every event, the chain intact (each row's prev_hash is the row before's hash).
    let audit = export(&db, "audit", out);
    let text = read(out, "audit", "audit_trail.csv");
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len() as u64, audit["events"].as_u64().expect("count"));
    for pair in rows.windows(2) {
        assert_eq!(
            &pair[1][13], &pair[0][14],
            "chain broken at seq {}",
            &pair[1][0]
        );
    }
    assert!(
        rows.iter()
            .any(|row| &row[4] == "S01-001" && &row[11] == "transcription error")
    );

    // ADaM (exported above) with its define.xml, and the submission folder, accepted by the
    // peers.
    let described = adam_define_checked(&out.join("adam"));
    assert_eq!(described["item_groups"], 4, "{described}");
    assert!(adam["rows"].as_u64() > Some(0), "{adam}");
    let checked = submission_checked(&out.join("submission"));
    assert_eq!(
        checked["parts"]["adam"]["define"]["keys"],
        described["keys"]
    );
}

/// The transport files in `a` and `b` hold the same datasets: the names, and each file's bytes
/// after its header (the headers carry the time they were written).
#[track_caller]
fn same_files_named(a: &Path, b: &Path, extension: &str) {
    let named = |dir: &Path| -> BTreeSet<OsString> {
        file_names(dir)
            .into_iter()
            .filter(|name| Path::new(name).extension().is_some_and(|e| e == extension))
            .collect()
    };
    assert_eq!(named(a), named(b));
    for name in named(a) {
        let bytes = |dir: &Path| std::fs::read(dir.join(&name)).expect("file");
        // Library header, its two timestamp records, member headers with their own times:
        // compare from the first observation header on.
        let data = |bytes: Vec<u8>| {
            let at = bytes
                .windows(48)
                .position(|w| w.starts_with(b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!"))
                .expect("observation header");
            bytes[at..].to_vec()
        };
        assert!(data(bytes(a)) == data(bytes(b)), "{name:?} differs");
    }
}

fn bad_input_is_refused_in_one_line(backend: Backend) {
    let db = TestDb::new(backend);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().display().to_string();
    let url = db.url_text();
    cletrial(
        &["export", "--db", url, "--format", "sas", "--out", &out],
        None,
    )
    .input_error("--format");
    cletrial(&["export", "--db", url, "--format", "csv"], None).input_error("--out");
    let args = [
        "export",
        "--db",
        url,
        "--format",
        "csv",
        "--out",
        &out,
        "--page-subjects",
        "0",
    ];
    cletrial(&args, None).input_error("--page-subjects");
    let file = dir.path().join("file");
    std::fs::write(&file, "").expect("file");
    let inside = file.join("sub").display().to_string();
    cletrial(
        &["export", "--db", url, "--format", "csv", "--out", &inside],
        None,
    )
    .input_error("out:");
}

#[test]
fn a_missing_database_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("none.db").display().to_string();
    let out = dir.path().join("out").display().to_string();
    cletrial(
        &["export", "--db", &db, "--format", "csv", "--out", &out],
        None,
    )
    .input_error("db");
}

/// Every export records the version of cletrial that wrote it: `export.json` beside the files
/// of every format, the tidy dictionary's last row and ODM's SourceSystemVersion.
#[test]
fn every_export_records_the_version_that_wrote_it() {
    let db = TestDb::new(Backend::Sqlite);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path();
    let written_by = written_by();
    let version = format!("{} (", env!("CARGO_PKG_VERSION"));
    assert!(
        written_by.starts_with(&format!("cletrial {version}")),
        "{written_by}"
    );
    for format in [
        "csv",
        "sdtm",
        "xpt",
        "dataset-json",
        "dataset-ndjson",
        "define",
        "odm",
        "audit",
    ] {
        let mut summary = export(&db, format, out);
        // The printed summary names the folder; the manifest inside it names no place.
        let place = summary
            .as_object_mut()
            .and_then(|summary| summary.remove("out"));
        assert!(place.is_some(), "{format}: the summary says where");
        assert_eq!(summary["written_by"], written_by.as_str(), "{format}");
        let manifest: serde_json::Value =
            serde_json::from_str(&read(out, format, "export.json")).expect("export.json");
        assert_eq!(manifest, summary, "{format}");
    }
    let dictionary = read(out, "csv", "dictionary.csv");
    assert!(
        dictionary.ends_with(&format!(",,,,Written by {written_by},\n")),
        "{dictionary}"
    );
    let odm = read(out, "odm", "odm.xml");
    let stamp = format!(
        r#"SourceSystem="cletrial" SourceSystemVersion="{}">"#,
        &written_by["cletrial ".len()..]
    );
    assert!(odm.contains(&stamp), "odm.xml lacks {stamp}");
    assert!(odm.contains(&format!("SourceSystemVersion=\"{version}")));
}

/// Exports `format` of the record at `db` (a URL or path) into `out`; the printed summary.
fn export_to(db: &str, format: &str, out: &Path) -> serde_json::Value {
    let out = out.to_str().expect("utf-8 path");
    cletrial(
        &["export", "--db", db, "--format", format, "--out", out],
        None,
    )
    .ok_json()
}

/// Dataset-JSON of every SDTM domain in both encodings, beside the transport files: each file
/// valid against the CDISC schema and read back by dsjframe with the values pyreadstat reads
/// from the XPT (the peer check); the rows, files and manifest as the XPT export's. Returns the
/// peer check's summary of the `.json` files.
fn dataset_json_agrees_with_xpt(db: &str, out: &Path) -> serde_json::Value {
    let xpt = export_to(db, "xpt", &out.join("xpt"));
    let mut summaries = Vec::new();
    for (format, extension) in [("dataset-json", "json"), ("dataset-ndjson", "ndjson")] {
        let dir = out.join(format);
        let summary = export_to(db, format, &dir);
        assert_eq!(summary["format"], format);
        assert_eq!(
            (&summary["rows"], &summary["subjects"]),
            (&xpt["rows"], &xpt["subjects"]),
            "{format}"
        );
        let files: Vec<String> = summary["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|name| name.as_str().expect("name"))
            .map(|name| match name.strip_suffix(&format!(".{extension}")) {
                Some(domain) if name != "export.json" => format!("{domain}.xpt"),
                _ => name.to_owned(),
            })
            .collect();
        let expected: Vec<&str> = xpt["files"]
            .as_array()
            .expect("files")
            .iter()
            .map(|name| name.as_str().expect("name"))
            .collect();
        assert_eq!(files, expected, "{format}: a file per domain, as the XPT");
        let run = peer(
            &peer_python(),
            &[
                &check_script(),
                "dataset-json",
                &dir.display().to_string(),
                &out.join("xpt").display().to_string(),
            ],
        );
        let json = run.ok_json();
        assert_eq!(json["ok"], true, "{run:#?}");
        assert_eq!(json["records"], xpt["rows"], "{run:#?}");
        assert!(json["values_compared"].as_u64() > Some(0), "{run:#?}");
        summaries.push(json);
    }
    let (json, ndjson) = (&summaries[0], &summaries[1]);
    assert_eq!(
        (&json["records"], &json["nulls"], &json["values_compared"]),
        (
            &ndjson["records"],
            &ndjson["nulls"],
            &ndjson["values_compared"]
        ),
        "the two encodings hold the same values"
    );
    summaries.swap_remove(0)
}

/// The test study's domains as Dataset-JSON: a not-done lab result is a null LBSTRESN and
/// "NOT DONE" in LBSTAT, as SDTM keeps it.
#[test]
fn dataset_json_holds_the_values_of_the_transport_files() {
    let db = TestDb::new(Backend::Sqlite);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = dataset_json_agrees_with_xpt(db.url_text(), dir.path());
    assert!(summary["nulls"].as_u64() > Some(0), "{summary}");
    let lb: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "dataset-json", "lb.json")).expect("lb.json");
    let position = |name: &str| {
        lb["columns"]
            .as_array()
            .and_then(|columns| columns.iter().position(|column| column["name"] == name))
            .expect(name)
    };
    let (result, status) = (position("LBSTRESN"), position("LBSTAT"));
    assert!(
        lb["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|row| { row[result].is_null() && row[status] == "NOT DONE" }),
        "{lb}"
    );
    assert_eq!(lb["itemGroupOID"], "IG.LB");
    assert_eq!(lb["studyOID"], "ST.LENA-CLE");
    assert_eq!(lb["metaDataRef"], "define.xml");
    // The foreign key of the define.xml export's MetaDataVersion.
    assert_eq!(lb["metaDataVersionOID"], "MDV.LENA-CLE.DEFINE");
}

/// The demo study of a shipped protocol as a submission folder the peers accept
/// (`submission_checked`), and as ODM that odmlib accepts.
fn demo_study_exports_what_the_peers_accept(study: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_record(dir.path(), study);
    let db = db.as_str();
    let out = dir.path().join("submission");
    let summary = export_to(db, "submission", &out);
    assert_eq!(summary["format"], "submission", "{study}: {summary}");
    let json = submission_checked(&out);
    let (sdtm, adam) = (&json["parts"]["sdtm"], &json["parts"]["adam"]);
    // Every SDTM dataset; RS's result described test by test: the 58 CLASI fields (3 items of
    // the scalp, 4 of each other area, 7 more) and the 25 of SLEDAI-2K; DSDECOD by its 3 DSCAT.
    assert_eq!(
        sdtm["define"]["item_groups"],
        export::sdtm::DOMAINS.len(),
        "{study}: {sdtm}"
    );
    assert_eq!(
        sdtm["define"]["where_clauses"],
        58 + 25 + 3,
        "{study}: {sdtm}"
    );
    // The paediatric chart review defines no response: ADSL and ADAE only.
    let analyses = if study == "pediatric-review" { 2 } else { 4 };
    assert_eq!(adam["define"]["item_groups"], analyses, "{study}: {adam}");
    let records = |part: &serde_json::Value| part["dataset_json"]["records"].as_u64();
    assert_eq!(
        records(sdtm).zip(records(adam)).map(|(a, b)| a + b),
        summary["rows"].as_u64(),
        "{study}: every row written is in the Dataset-JSON files"
    );
    export_to(db, "odm", &dir.path().join("odm"));
    let odm = dir.path().join("odm").join("odm.xml").display().to_string();
    let run = peer(&peer_python(), &[&check_script(), "odm", &odm]);
    let json = run.ok_json();
    assert_eq!(json["ok"], true, "{study}: {run:#?}");
    assert!(
        json["clinical_data"].as_u64() > Some(0),
        "{study}: {run:#?}"
    );
}

// One test per protocol, so they run side by side.
#[test]
fn the_lenalidomide_demo_exports_what_the_peers_accept() {
    demo_study_exports_what_the_peers_accept("nct01408199");
}

#[test]
fn the_thalidomide_demo_exports_what_the_peers_accept() {
    demo_study_exports_what_the_peers_accept("thalidomide-cohort");
}

#[test]
fn the_paediatric_demo_exports_what_the_peers_accept() {
    demo_study_exports_what_the_peers_accept("pediatric-review");
}

macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(::store::Backend::Sqlite);
                }
                #[test]
                fn postgres() {
                    super::$name(::store::Backend::Postgres);
                }
            }
        )*
    };
}

both_backends!(
    every_format_keeps_the_record_and_its_missing_states,
    bad_input_is_refused_in_one_line
);

/// A study whose code is longer than 20 characters (the paediatric demo's
/// `pediatric-review-demo`) exports to SAS transport: STUDYID is as wide as the longest study
/// code the record accepts.
#[test]
fn a_long_study_code_fits_the_transport_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("pediatric.db");
    let db = db.to_str().expect("path");
    let demo = cletrial(
        &[
            "demo",
            "--study",
            "pediatric-review",
            "--no-serve",
            "--db",
            db,
        ],
        None,
    );
    assert_eq!(demo.status, 0, "{demo:#?}");
    let out = dir.path().join("xpt");
    let run = cletrial(
        &[
            "export",
            "--db",
            db,
            "--format",
            "xpt",
            "--out",
            out.to_str().expect("path"),
        ],
        None,
    );
    assert_eq!(run.status, 0, "{run:#?}");
    assert!(
        out.join("dm.xpt").is_file() || out.join("DM.xpt").is_file(),
        "{run:#?}"
    );
}

/// A demo study of each shipped protocol exports SDTM and ADaM, and pandas, recomputing every
/// variable of ADSL and ADTTE from the SDTM files alone (`scripts/peers/adam_check.py`), agrees
/// with every ADaM value, and ADaM agrees with the report's own rows (best response, complete
/// response, relapse, times to event); the paediatric chart review, which defines no response,
/// has no ADRS or ADTTE and its manifest says why. pyreadstat and R haven read the ADaM files
/// alike.
#[test]
fn adam_agrees_with_pandas_recomputing_it_from_sdtm_for_each_protocol() {
    for study in ["nct01408199", "thalidomide-cohort", "pediatric-review"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = demo_record(dir.path(), study);
        let db = db.as_str();
        let folder = |format: &str| dir.path().join(format).display().to_string();
        for format in ["sdtm", "adam"] {
            let out = folder(format);
            let run = cletrial(
                &["export", "--db", db, "--format", format, "--out", &out],
                None,
            );
            assert_eq!(run.status, 0, "{study} {format}: {run:#?}");
        }
        let manifest: serde_json::Value =
            serde_json::from_str(&read(dir.path(), "adam", "export.json")).expect("export.json");
        let not_written: Vec<&str> = manifest["not_written"]
            .as_array()
            .map(|list| list.iter().filter_map(|n| n["dataset"].as_str()).collect())
            .unwrap_or_default();
        let report = cletrial(&["report", "--db", db, "--out", &folder("report")], None);
        assert_eq!(report.status, 0, "{study} report: {report:#?}");
        let protocol = workspace_root().join(format!("protocols/{study}.toml"));
        let script = workspace_root().join("scripts/peers/adam_check.py");
        let run = peer(
            &peer_python(),
            &[
                &script.display().to_string(),
                &folder("sdtm"),
                &folder("adam"),
                &protocol.display().to_string(),
                &folder("report"),
            ],
        );
        assert_eq!(run.status, 0, "{study}: {}\n{}", run.stdout, run.stderr);
        assert!(!run.stdout.contains("DIFFERS"), "{study}: {}", run.stdout);
        assert!(
            run.stdout.contains("agree  ADSL.SAFFL"),
            "{study}: {}",
            run.stdout
        );
        let adam = dir.path().join("adam");
        if study == "pediatric-review" {
            assert_eq!(not_written, ["ADRS", "ADTTE"], "{study}");
            assert!(!adam.join("adrs.xpt").exists() && !adam.join("adtte.xpt").exists());
        } else {
            assert!(not_written.is_empty(), "{study}: {not_written:?}");
            assert!(
                run.stdout.contains("agree  ADTTE.CNSR"),
                "{study}: {}",
                run.stdout
            );
            assert!(adam.join("adrs.xpt").is_file(), "{study}");
            assert!(
                run.stdout.contains("agree  report relapse"),
                "{study}: {}",
                run.stdout
            );
        }
        assert!(adam.join("adae.xpt").is_file() && adam.join("variables.csv").is_file());
        // pyreadstat and R haven read every ADaM transport file alike.
        let read = peer(&peer_python(), &[&check_script(), "xpt", &folder("adam")]);
        assert_eq!(read.status, 0, "{study}: {}\n{}", read.stdout, read.stderr);
        // define.xml describes them.
        let described = adam_define_checked(&adam);
        let groups = if study == "pediatric-review" { 2 } else { 4 };
        assert_eq!(described["item_groups"], groups, "{study}: {described}");
    }
}

/// The outcomes test study (the trial's protocol with `examples/protocol/outcomes.toml`): every
/// instrument entered through the store, the DLQI corrected with a reason, one Skindex item
/// left blank with the reason.
async fn outcomes_study(db: &TestDb) {
    use instruments::questionnaire::Instrument;
    let (store, admin) = Store::init(
        db.url(),
        &NewStudy {
            code: "OUTCOMES".into(),
            title: "The outcomes test study".into(),
            protocol_text: store::testing::outcomes_protocol(),
        },
        &NewUser {
            login: "admin".into(),
            printed_name: "Ada Admin".into(),
        },
        &Password::new(PASSWORD).expect("password"),
    )
    .await
    .expect("init");
    store.add_site(&admin, "S01", "First").await.expect("site");
    let password = Password::new(PASSWORD).expect("password");
    let user = NewUser {
        login: "inv".into(),
        printed_name: "Ivan Investigator".into(),
    };
    store
        .add_user(&admin, &user, &password)
        .await
        .expect("user");
    store
        .grant(&admin, "inv", "S01", Role::Investigator)
        .await
        .expect("grant");
    let inv = store.authenticate("inv", &password).await.expect("login");
    let subject = SubjectData {
        site: "S01".into(),
        code: "S01-001".into(),
        sex: Sex::Female,
        birth: BirthOrAge::BirthDate(Date::constant(1980, 5, 17)),
        subtype: None,
        screening_date: days_ago(29),
        consent_date: Some(days_ago(30)),
        enrolment_date: Some(days_ago(28)),
    };
    let p1 = store::testing::enrolled(&store, &inv, &subject)
        .await
        .expect("subject");
    let visit = store
        .add_visit(
            &inv,
            p1.id,
            &VisitData {
                name: "Baseline".into(),
                planned_date: None,
                actual_date: Some(days_ago(20)),
            },
        )
        .await
        .expect("visit");
    let taken = |instrument: Instrument, answers: &[(&str, &str)], reason: Option<&str>| {
        store::Questionnaire {
            subject_id: p1.id,
            visit_id: visit.id,
            instrument,
            completed_on: days_ago(20),
            source: store::AnswerSource::of(instrument),
            answers: answers
                .iter()
                .map(|(id, code)| ((*id).to_owned(), (*code).to_owned()))
                .collect(),
            unanswered_reason: reason.map(str::to_owned),
        }
    };
    let dlqi = [
        ("DLQI01", "very_much"),
        ("DLQI02", "a_lot"),
        ("DLQI03", "not_relevant"),
        ("DLQI04", "a_little"),
        ("DLQI05", "a_little"),
        ("DLQI06", "not_at_all"),
        ("DLQI07", "yes"),
        ("DLQI08", "a_lot"),
        ("DLQI09", "a_little"),
        ("DLQI10", "a_lot"),
    ];
    let first = store
        .add_record(&inv, &taken(Instrument::Dlqi, &dlqi, None))
        .await
        .expect("dlqi");
    let mut corrected = dlqi;
    corrected[9] = ("DLQI10", "very_much");
    store
        .update_record(
            &inv,
            first.id,
            first.version,
            &taken(Instrument::Dlqi, &corrected, None),
            "question 10 misread from the paper form",
        )
        .await
        .expect("corrected");
    let skindex: Vec<(String, &str)> = (2..=30)
        .map(|number| (format!("S{number:02}"), "sometimes"))
        .chain((1..=3).map(|number| (format!("L{number}"), "rarely")))
        .collect();
    let skindex: Vec<(&str, &str)> = skindex
        .iter()
        .map(|(id, code)| (id.as_str(), *code))
        .collect();
    for (instrument, answers, reason) in [
        (
            Instrument::Skindex,
            skindex.as_slice(),
            Some("the page was torn"),
        ),
        (Instrument::WorstPainNrs, &[("PAINNRS", "0")][..], None),
        (
            Instrument::ClaIgaR,
            &[("CLAERY", "2"), ("CLAMORPH", "1"), ("CLAFOLL", "0")][..],
            None,
        ),
        (Instrument::PgaSkin, &[("PGASKIN", "3")][..], None),
    ] {
        store
            .add_record(&inv, &taken(instrument, answers, reason))
            .await
            .unwrap_or_else(|error| panic!("{instrument}: {error}"));
    }
    // The itch NRS answered by the patient through a one-time link at week 4 (planned today,
    // in its window): the trail's actor is `patient (link 1)`, which ODM lists as a user.
    let week_4 = store
        .add_visit(
            &inv,
            p1.id,
            &VisitData {
                name: "Week 4".into(),
                planned_date: Some(days_ago(0)),
                actual_date: None,
            },
        )
        .await
        .expect("week 4");
    let link = store
        .issue_patient_link(&inv, week_4.id, Instrument::WorstItchNrs)
        .await
        .expect("link");
    store
        .answer_by_patient_link(
            &link.token,
            [("ITCHNRS".to_owned(), "6".to_owned())].into(),
            None,
        )
        .await
        .expect("answered by the patient");
    store.close().await;
}

/// The outcomes test study exports a QS the peers accept (define.xml with QS's codelists,
/// XPT, Dataset-JSON): every item a record (the blank one NOT DONE with its reason), the
/// corrected DLQI's score derived from the corrected answers under CDISC's DLQI test codes,
/// its meaning band in SUPPQS.
#[test]
fn the_outcomes_study_exports_qs_the_peers_accept() {
    let db = TestDb::new(Backend::Sqlite);
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(outcomes_study(&db));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("submission");
    let summary = export_to(db.url_text(), "submission", &out);
    assert_eq!(summary["format"], "submission", "{summary}");
    submission_checked(&out);
    let csv = dir.path().join("sdtm");
    export_to(db.url_text(), "sdtm", &csv);
    let qs = std::fs::read_to_string(csv.join("qs.csv")).expect("qs.csv");
    let mut rows = csv::Reader::from_reader(qs.as_bytes());
    let header = rows.headers().expect("header").clone();
    let rows: Vec<std::collections::BTreeMap<String, String>> = rows
        .records()
        .map(|row| {
            header
                .iter()
                .zip(row.expect("row").iter())
                .map(|(name, cell)| (name.to_owned(), cell.to_owned()))
                .collect()
        })
        .collect();
    let find = |code: &str| {
        rows.iter()
            .find(|row| row["QSTESTCD"] == code)
            .unwrap_or_else(|| panic!("no {code} in {qs}"))
    };
    // 10 DLQI (question 7 "yes": no follow-up) + 7 derived, 33 Skindex + 4 derived, 1 + 1
    // NRS, 3 CLA-IGA-R, 1 PGA-skin.
    assert_eq!(rows.len(), 17 + 37 + 2 + 3 + 1, "{qs}");
    // 3+2+0+1+1+0+3+2+1+3 after the correction of question 10.
    assert_eq!(find("DLQI111")["QSORRES"], "16");
    assert_eq!(find("DLQI111")["QSTEST"], "DLQI1-Score");
    assert_eq!(find("DLQI111")["QSDRVFL"], "Y");
    assert_eq!(find("DLQI103")["QSORRES"], "NOT RELEVANT");
    assert_eq!(find("DLQI107")["QSORRES"], "YES");
    let supp = std::fs::read_to_string(csv.join("suppqs.csv")).expect("suppqs.csv");
    assert_eq!(
        csv_column(&supp, "IDVARVAL", "QVAL"),
        [(
            find("DLQI111")["QSSEQ"].clone(),
            "VERY LARGE EFFECT".to_owned()
        )],
        "{supp}"
    );
    assert_eq!(find("S01")["QSSTAT"], "NOT DONE");
    assert_eq!(find("S01")["QSREASND"], "the page was torn");
    assert_eq!(find("S01")["QSORRES"], "");
    assert_eq!(find("SKXFUN")["QSSTRESN"], "50");
    assert_eq!(find("CLAERY")["QSEVAL"], "INVESTIGATOR");
    assert_eq!(find("ITCHNRS")["QSEVLINT"], "-PT24H");
    // The other formats carry the record as it is: the tidy table of the form, and ODM with
    // the correction's audit record, which odmlib accepts.
    export_to(db.url_text(), "csv", &dir.path().join("csv"));
    let tidy = std::fs::read_to_string(dir.path().join("csv").join("questionnaire.csv"))
        .expect("questionnaire.csv");
    assert_eq!(tidy.lines().count(), 1 + 6, "{tidy}");
    export_to(db.url_text(), "odm", &dir.path().join("odm"));
    let odm = dir.path().join("odm").join("odm.xml");
    let run = peer(
        &peer_python(),
        &[&check_script(), "odm", &odm.display().to_string()],
    );
    assert_eq!(run.ok_json()["ok"], true, "{run:#?}");
    let xml = std::fs::read_to_string(&odm).expect("odm.xml");
    assert!(
        xml.contains("question 10 misread from the paper form"),
        "the reason is audited"
    );
    // The patient's answers: their source in the tidy table, their actor a user of ODM's
    // AdminData, named by the link alone.
    assert!(
        tidy.lines()
            .any(|line| line.contains("worst_itch_nrs") && line.contains(",patient,")),
        "{tidy}"
    );
    assert!(
        xml.contains(r#"<User OID="USR.patient (link 1)"><LoginName>patient (link 1)</LoginName>"#),
        "the patient is a user of the trail"
    );
    assert!(xml.contains(r#"<UserRef UserOID="USR.patient (link 1)"/>"#));
}

/// `(subject, column)` of every row of a CSV text, by its header.
fn csv_column(text: &str, subject: &str, column: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (subject, column) = (at(subject), at(column));
    reader
        .records()
        .map(|row| {
            let row = row.expect("row");
            (row[subject].to_owned(), row[column].to_owned())
        })
        .collect()
}

/// A randomised study's SDTM and ADaM: without the allocation secret every randomised
/// subject's arm is BLINDED (define.xml's ARMCD codelist says so and the peers accept the
/// folder); with the registered secret each subject's arm is the one `allocation arms` gives,
/// and the peers accept that folder too. A secret is refused where it cannot serve: a format
/// without arms, another secret, a study that does not randomise.
#[test]
fn a_randomised_study_exports_blinded_and_with_the_secret_by_arm() {
    let (cli, key) = crate::allocation::randomised_record(6, 5);
    let out = |name: &str| cli.dir.path().join(name).display().to_string();
    let export = |format: &str, folder: &str, secret: Option<&str>| {
        let folder = out(folder);
        let mut args = vec!["export", "--format", format, "--out", &folder];
        if let Some(secret) = secret {
            args.extend(["--allocation-secret-file", secret]);
        }
        cli.run(&args, &[])
    };

    // Blinded.
    let blinded = export("sdtm", "blinded", None).ok_json();
    assert_eq!(blinded["allocation"], "blinded", "{blinded}");
    let dm = read(cli.dir.path(), "blinded", "dm.csv");
    let arms = csv_column(&dm, "SUBJID", "ARMCD");
    assert_eq!(arms.len(), 6, "{dm}");
    assert!(arms.iter().all(|(_, arm)| arm == "BLINDED"), "{dm}");
    assert!(
        !dm.contains("Placebo") && !dm.contains("Lenalidomide"),
        "{dm}"
    );
    let submission = export("submission", "blinded-submission", None).ok_json();
    assert_eq!(submission["allocation"], "blinded");
    submission_checked(Path::new(&out("blinded-submission")));
    let define = read(cli.dir.path(), "blinded-submission", "sdtm/define.xml");
    assert!(define.contains("CodedValue=\"BLINDED\"") && !define.contains("\"PBO\""));

    // Unblinded, with the study's secret: the arms `allocation arms` replays.
    let unblinded = export("sdtm", "unblinded", Some(&key)).ok_json();
    assert_eq!(unblinded["allocation"], "unblinded", "{unblinded}");
    let listed = cli.run(&["allocation", "arms", "--secret-file", &key], &[]);
    assert_eq!(listed.status, 0, "{listed:?}");
    let mut expected = csv_column(&listed.stdout, "subject", "arm");
    let mut got = csv_column(
        &read(cli.dir.path(), "unblinded", "dm.csv"),
        "SUBJID",
        "ARMCD",
    );
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert!(got.iter().any(|(_, arm)| arm == "LEN") && got.iter().any(|(_, arm)| arm == "PBO"));
    let submission = export("submission", "unblinded-submission", Some(&key)).ok_json();
    assert_eq!(submission["allocation"], "unblinded");
    submission_checked(Path::new(&out("unblinded-submission")));
    let adsl = read(cli.dir.path(), "unblinded-submission", "adam/adsl.json");
    assert!(adsl.contains("\"Placebo\"") && adsl.contains("\"Lenalidomide\""));

    // Refused where it cannot serve, with nothing written.
    export("csv", "csv-with-secret", Some(&key))
        .input_error("--allocation-secret-file: the csv export holds no arms");
    let other = out("other.key");
    let drawn = cletrial(&["allocation", "secret", "--out", &other], None);
    assert_eq!(drawn.status, 0, "{drawn:?}");
    export("sdtm", "other-secret", Some(&other)).input_error("is not the study's");
    assert!(!Path::new(&out("other-secret")).join("dm.csv").exists());
    let plain = crate::store::Cli::new(::store::Backend::Sqlite);
    let folder = plain.dir.path().join("plain").display().to_string();
    plain
        .run(
            &[
                "export",
                "--format",
                "sdtm",
                "--out",
                &folder,
                "--allocation-secret-file",
                &key,
            ],
            &[],
        )
        .input_error("declares no [randomisation]");
}

/// The report's fixed study under the trial's protocol with `[outcomes]`: ADRS carries
/// CLASI50/CLASI70 for the subjects whose baseline CLASI-A is at least 10, and pandas,
/// recomputing them and every CLASIA record's PCHG from the SDTM files alone
/// (`scripts/peers/adam_check.py`), agrees; define.xml lists the parameters.
#[test]
fn adrs_responders_agree_with_pandas_recomputing_them_from_sdtm() {
    let db = TestDb::new(Backend::Sqlite);
    let protocol_text = store::testing::outcomes_protocol();
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(crate::report::write_study_under(&db, protocol_text.clone()));
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = |format: &str| dir.path().join(format).display().to_string();
    for format in ["sdtm", "adam"] {
        export_to(db.url_text(), format, &dir.path().join(format));
    }
    let protocol = dir.path().join("protocol.toml");
    std::fs::write(&protocol, protocol_text).expect("protocol written");
    let script = workspace_root().join("scripts/peers/adam_check.py");
    let run = peer(
        &peer_python(),
        &[
            &script.display().to_string(),
            &folder("sdtm"),
            &folder("adam"),
            &protocol.display().to_string(),
        ],
    );
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("DIFFERS"), "{}", run.stdout);
    // 3 of the 4 subjects in the population have 4 post-baseline CLASI-A, one 3: 15 a parameter.
    assert!(
        run.stdout
            .contains("agree  ADRS responders.AVALC  (30 rows)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("agree  ADRS CLASIA.PCHG"),
        "{}",
        run.stdout
    );
    let define =
        std::fs::read_to_string(dir.path().join("adam").join("define.xml")).expect("define.xml");
    assert!(define.contains("CLASI50") && define.contains("CLASI-70 Responder"));
}
