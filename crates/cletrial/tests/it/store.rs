//! `init`, `user`, `site`, `audit` and `backup` against a real record, on both backends.

use std::path::Path;
use std::process::{Command, Stdio};

use ::store::Backend;
use ::store::testing::{TestDb, tamper};

use crate::support::Run;

pub(crate) const ADMIN_PASSWORD: &str = "correct horse battery";
pub(crate) const BOB_PASSWORD: &str = "staple gun elephant";

/// Runs `cletrial ARGS` with `env` set and no terminal, so passwords come only from the
/// environment.
pub(crate) fn run(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cletrial"));
    command
        .args(args)
        .env_remove("CLETRIAL_PASSWORD")
        .env_remove("CLETRIAL_NEW_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("cletrial runs");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Environment variables for one run.
type Env<'a> = &'a [(&'a str, &'a str)];
/// Arguments, environment, and what the one-line error must say.
type Case<'a> = (&'a [&'a str], Env<'a>, &'a str);

pub(crate) const AS_ADMIN: &[(&str, &str)] = &[("CLETRIAL_PASSWORD", ADMIN_PASSWORD)];

/// A record made through the command line: study, site S01, user bob (investigator at S01).
/// Shared with the `import` tests.
pub(crate) struct Cli {
    pub(crate) db: TestDb,
    pub(crate) dir: tempfile::TempDir,
}

impl Cli {
    pub(crate) fn new(backend: Backend) -> Cli {
        Cli::with_protocol(backend, store::testing::PROTOCOL)
    }

    /// As [`Cli::new`], the study's protocol `protocol` (a TOML text).
    pub(crate) fn with_protocol(backend: Backend, protocol: &str) -> Cli {
        let db = TestDb::new(backend);
        let dir = tempfile::tempdir().expect("temp dir");
        let text = protocol;
        let protocol = dir.path().join("lena-cle.toml");
        std::fs::write(&protocol, text).expect("protocol file");
        let cli = Cli { db, dir };
        let init = cli.run(
            &[
                "init",
                "--protocol",
                &path(&protocol),
                "--admin-name",
                "Ada Admin",
            ],
            AS_ADMIN,
        );
        let json = init.ok_json();
        assert_eq!(
            (json["study"].as_str(), json["protocol_version"].as_i64()),
            (Some("lena-cle"), Some(1))
        );
        cli.run(
            &[
                "site", "add", "--as", "admin", "--code", "S01", "--name", "First",
            ],
            AS_ADMIN,
        )
        .ok_json();
        let env = [
            ("CLETRIAL_PASSWORD", ADMIN_PASSWORD),
            ("CLETRIAL_NEW_PASSWORD", BOB_PASSWORD),
        ];
        cli.run(
            &[
                "user",
                "add",
                "--as",
                "admin",
                "--login",
                "bob",
                "--name",
                "Bob Stone",
            ],
            &env,
        )
        .ok_json();
        let grant = [
            "user",
            "grant",
            "--as",
            "admin",
            "--login",
            "bob",
            "--site",
            "S01",
            "--role",
            "investigator",
        ];
        cli.run(&grant, AS_ADMIN).ok_json();
        cli
    }

    /// Runs a command with `--db` added.
    pub(crate) fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all = args.to_vec();
        all.extend(["--db", self.db.url_text()]);
        run(&all, env)
    }
}

pub(crate) fn path(path: &Path) -> String {
    path.to_str().expect("utf-8 temp path").to_owned()
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
pub(crate) use both_backends;

both_backends!(
    a_new_record_verifies_and_logs,
    the_head_is_printed_and_checked_and_the_log_names_things,
    tampering_fails_verify_naming_the_place_and_the_change,
    bad_input_exits_2_and_changes_nothing,
);

fn a_new_record_verifies_and_logs(backend: Backend) {
    let cli = Cli::new(backend);
    let verify = cli.run(&["audit", "verify"], &[]).ok_json();
    assert_eq!(verify["ok"], true, "{verify}");
    let events = verify["events"].as_i64().expect("events");
    let json_log = cli.run(&["audit", "log"], &[]);
    let log = json_log.ok_json();
    let log = log.as_array().expect("a JSON array");
    assert_eq!(log.len() as i64, events);
    assert_eq!(log[0]["actor"], "admin");
    assert_eq!(log.last().expect("events")["hash"], verify["head_hash"]);
    let csv = cli.run(&["audit", "log", "--format", "csv"], &[]);
    assert_eq!(csv.status, 0, "{csv:?}");
    assert_eq!(
        csv.stdout.lines().count() as i64,
        events + 1,
        "{}",
        csv.stdout
    );
    assert!(csv.stdout.starts_with("seq,recorded_at,actor,"));
    let none = cli
        .run(&["audit", "log", "--since", "2999-01-01"], &[])
        .ok_json();
    assert_eq!(none, serde_json::json!([]));
    // Passwords never appear in any output.
    for output in [&csv.stdout, &json_log.stdout] {
        assert!(!output.contains(ADMIN_PASSWORD) && !output.contains(BOB_PASSWORD));
        assert!(!output.contains("argon2"));
    }
    let disable = cli.run(
        &[
            "user", "disable", "--as", "admin", "--login", "bob", "--reason", "left",
        ],
        AS_ADMIN,
    );
    assert_eq!(disable.ok_json()["disabled"], "bob");
    let out = cli.dir.path().join("backup.db");
    let backup = cli.run(&["backup", "--out", &path(&out)], &[]);
    match backend {
        Backend::Sqlite => {
            let json = backup.ok_json();
            assert_eq!(json["verified"], true);
            let copy = format!("sqlite://{}", path(&out));
            let verify_copy = run(&["audit", "verify", "--db", &copy], &[]).ok_json();
            assert_eq!(verify_copy["head_hash"], json["head_hash"]);
        }
        Backend::Postgres => {
            backup.input_error("pg_dump");
        }
    }
}

fn tampering_fails_verify_naming_the_place_and_the_change(backend: Backend) {
    let cli = Cli::new(backend);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime
        .block_on(tamper(
            cli.db.url(),
            "UPDATE audit_event SET actor = 'mallory' WHERE seq = 4",
        ))
        .expect("tamper");
    let verify = cli.run(&["audit", "verify"], &[]);
    assert_eq!(verify.status, 1, "{verify:?}");
    let message = "content does not match its hash: the event was altered";
    assert_eq!(
        verify.json()["problem"],
        serde_json::json!({"place": "event 4", "message": message})
    );
    assert_eq!(
        verify.stderr.trim_end(),
        format!("error: audit verify failed: event 4: {message}"),
        "{verify:?}"
    );
}

fn bad_input_exits_2_and_changes_nothing(backend: Backend) {
    let cli = Cli::new(backend);
    let before = cli.run(&["audit", "verify"], &[]).ok_json()["events"].clone();
    let wrong = [("CLETRIAL_PASSWORD", "not the password")];
    let short = [
        ("CLETRIAL_PASSWORD", ADMIN_PASSWORD),
        ("CLETRIAL_NEW_PASSWORD", "short"),
    ];
    let cases: [Case; 8] = [
        (
            &[
                "site", "add", "--as", "admin", "--code", "S02", "--name", "x",
            ],
            &wrong,
            "authentication failed",
        ),
        (
            &[
                "site", "add", "--as", "admin", "--code", "S02", "--name", "x",
            ],
            &[],
            "CLETRIAL_PASSWORD",
        ),
        (
            &[
                "site", "add", "--as", "admin", "--code", "S 02", "--name", "x",
            ],
            AS_ADMIN,
            "site code",
        ),
        (
            &[
                "user", "add", "--as", "admin", "--login", "eve", "--name", "Eve",
            ],
            &short,
            "at least 12",
        ),
        (
            &[
                "user", "grant", "--as", "admin", "--login", "bob", "--site", "S01", "--role",
                "god",
            ],
            AS_ADMIN,
            "role",
        ),
        (
            &[
                "user", "grant", "--as", "admin", "--login", "bob", "--site", "S09", "--role",
                "monitor",
            ],
            AS_ADMIN,
            "S09",
        ),
        (
            &[
                "user", "disable", "--as", "admin", "--login", "bob", "--reason", " ",
            ],
            AS_ADMIN,
            "reason",
        ),
        (&["audit", "log", "--since", "last tuesday"], &[], "--since"),
    ];
    for (args, env, needle) in cases {
        cli.run(args, env).input_error(needle);
    }
    let protocol = cli.dir.path().join("lena-cle.toml");
    cli.run(&["init", "--protocol", &path(&protocol)], AS_ADMIN)
        .input_error("already holds a study");
    let after = cli.run(&["audit", "verify"], &[]).ok_json();
    assert_eq!(
        (after["ok"].clone(), after["events"].clone()),
        (serde_json::json!(true), before)
    );
    run(&["audit", "verify", "--db", "mysql://x"], &[]).input_error("unknown scheme");
    let missing = cli.dir.path().join("missing.db");
    run(&["audit", "verify", "--db", &path(&missing)], &[]).input_error("no database");
}

fn the_head_is_printed_and_checked_and_the_log_names_things(backend: Backend) {
    let cli = Cli::new(backend);
    let verify = cli.run(&["audit", "verify"], &[]).ok_json();
    let events = verify["events"].as_i64().expect("events");
    let hash = verify["head_hash"].as_str().expect("hash").to_owned();
    let head = verify["head"].as_str().expect("head").to_owned();
    assert_eq!(head, format!("{events}:{hash}"));
    let again = cli
        .run(&["audit", "verify", "--expect-head", &head], &[])
        .ok_json();
    assert_eq!(again["ok"], true, "{again}");
    // A head past the end of the trail: the trail was cut off since it was written down.
    let ahead = format!("{}:{hash}", events + 5);
    let cut = cli.run(&["audit", "verify", "--expect-head", &ahead], &[]);
    assert_eq!(cut.status, 1, "{cut:?}");
    assert!(cut.stderr.contains("cut off"), "{}", cut.stderr);
    // Another event's hash at that place: the chain was rewritten.
    let other = format!("1:{hash}");
    let rewritten = cli.run(&["audit", "verify", "--expect-head", &other], &[]);
    assert_eq!(rewritten.status, 1, "{rewritten:?}");
    assert!(
        rewritten.stderr.contains("rewritten"),
        "{}",
        rewritten.stderr
    );
    cli.run(&["audit", "verify", "--expect-head", "12:abc"], &[])
        .input_error("head");
    // From a head written down earlier: only what was appended since is verified.
    let site = [
        "site", "add", "--as", "admin", "--code", "S02", "--name", "Second",
    ];
    cli.run(&site, AS_ADMIN).ok_json();
    let since = cli
        .run(&["audit", "verify", "--from", &head], &[])
        .ok_json();
    let full = cli.run(&["audit", "verify"], &[]).ok_json();
    assert_eq!(
        (since["ok"].clone(), since["head"].clone()),
        (true.into(), full["head"].clone())
    );
    assert_eq!(since["rows"], 1, "the new site only: {since}");
    let cut = cli.run(&["audit", "verify", "--from", &ahead], &[]);
    assert_eq!(cut.status, 1, "{cut:?}");
    assert!(cut.stderr.contains("cut off"), "{}", cut.stderr);
    let both = ["audit", "verify", "--from", &head, "--expect-head", &head];
    assert_eq!(cli.run(&both, &[]).status, 2, "one or the other");

    // The log names the site by code and users by login, in JSON and in CSV.
    let log = cli.run(&["audit", "log"], &[]).ok_json();
    let log = log.as_array().expect("array");
    let site = log
        .iter()
        .find(|event| event["entity"] == "site")
        .expect("site event");
    assert_eq!(
        (&site["site"], &site["record"]),
        (&"S01".into(), &"S01".into())
    );
    let bob = log
        .iter()
        .find(|event| event["entity"] == "user" && event["entity_id"] == 2)
        .expect("bob's account");
    assert_eq!(bob["record"], "bob");
    assert_eq!(bob["subject"], serde_json::Value::Null);
    let csv = cli.run(&["audit", "log", "--format", "csv"], &[]);
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "seq,recorded_at,actor,site_id,site,subject_id,subject,entity,entity_id,record,\
             action,field,old_value,new_value,reason,version,prev_hash,hash"
        )
    );
    assert!(
        lines.any(|line| line.contains(",1,S01,,,site,1,S01,create,")),
        "{}",
        csv.stdout
    );
}

/// `init --protocol` takes a shipped protocol's name, in any case, as the other commands do.
#[test]
fn init_takes_a_shipped_protocol_by_name() {
    let db = TestDb::new(Backend::Sqlite);
    let init = run(
        &[
            "init",
            "--protocol",
            "Pediatric-Review",
            "--study",
            "wu-2017",
            "--db",
            db.url_text(),
        ],
        AS_ADMIN,
    )
    .ok_json();
    assert_eq!(init["study"], "wu-2017", "{init}");
    let unknown = run(
        &["init", "--protocol", "lenalidomide", "--db", db.url_text()],
        AS_ADMIN,
    )
    .input_error("--protocol");
    assert!(
        unknown.contains("unknown protocol 'lenalidomide'"),
        "{unknown}"
    );
}

both_backends!(audit_verify_checks_the_photographs_files);

/// `audit verify --files DIR` checks every lesion photograph's file against the SHA-256 the
/// trail carries: an altered file fails it, naming the file, the photograph, its subject and
/// visit; without the directory a PostgreSQL record's photographs cannot be checked, which
/// fails too.
fn audit_verify_checks_the_photographs_files(backend: Backend) {
    let cli = Cli::new(backend);
    let files = cli.dir.path().join("photos");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (photo, kept) = runtime.block_on(async {
        let store = ::store::Store::open(cli.db.url())
            .await
            .expect("open")
            .with_files(&files);
        let bob = store
            .authenticate(
                "bob",
                &::store::Password::new(BOB_PASSWORD).expect("password"),
            )
            .await
            .expect("bob");
        let today = jiff::Zoned::now().date();
        let subject = store
            .add_subject(
                &bob,
                &::store::SubjectData {
                    site: "S01".into(),
                    code: "S01-001".into(),
                    sex: ::store::Sex::Female,
                    birth: ::store::BirthOrAge::AgeYears(41),
                    subtype: None,
                    screening_date: today,
                    consent_date: Some(today),
                    enrolment_date: None,
                },
            )
            .await
            .expect("subject");
        let visit = store
            .add_visit(
                &bob,
                subject.id,
                &::store::VisitData {
                    name: "screening".into(),
                    planned_date: None,
                    actual_date: Some(today),
                },
            )
            .await
            .expect("visit");
        let photo = ::store::testing::photographed(
            &store,
            &bob,
            &visit,
            "arms",
            ::store::testing::sample_png(6, 6),
        )
        .await
        .expect("photo");
        store.close().await;
        let sha = photo.data.file().sha256().to_owned();
        (photo.id, files.join("sha256").join(&sha[..2]).join(&sha))
    });
    let with_files = ["audit", "verify", "--files", &path(&files)];
    assert_eq!(cli.run(&with_files, &[]).ok_json()["ok"], true);
    if backend == Backend::Postgres {
        let without = cli.run(&["audit", "verify"], &[]);
        assert_eq!(without.status, 1, "{without:?}");
        assert!(
            without.stderr.contains("no photograph directory"),
            "{without:?}"
        );
    }
    let original = std::fs::read(&kept).expect("kept");
    let mut permissions = std::fs::metadata(&kept).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&kept, permissions).expect("writable");
    std::fs::write(&kept, b"not the photograph").expect("tampered");
    let verify = cli.run(&with_files, &[]);
    assert_eq!(verify.status, 1, "{verify:?}");
    let problem = &verify.json()["problem"];
    assert_eq!(problem["place"], format!("photo {photo}"));
    let message = problem["message"].as_str().expect("message");
    for words in [
        path(&kept).as_str(),
        "subject S01-001",
        "visit screening",
        "the file was altered",
    ] {
        assert!(message.contains(words), "{words}: {message}");
    }
    std::fs::write(&kept, original).expect("restored");
    assert_eq!(cli.run(&with_files, &[]).ok_json()["ok"], true);
}
