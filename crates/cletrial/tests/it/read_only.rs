//! Commands that only read the study record open it read-only (issue 23, item 2): `audit verify`,
//! `audit log`, `user list`, `report --db`, `export` and `backup` (its source). What is not a
//! cletrial study record is refused with exit 2 and one line naming the file and what is wrong,
//! and no file of the record's folder changes or appears: each is compared by its SHA-256 before
//! and after (SQLite's `-wal` and `-shm` beside the file included).

use std::collections::BTreeMap;
use std::path::Path;

use ::store::testing::{TestDb, execute_guarded};
use ::store::{Backend, DbUrl};
use sha2::{Digest, Sha256};

use crate::store::{Cli, both_backends, path, run};

/// Every read-only command, with its output (if any) in `out`; `--db` is added by the caller.
fn readers(out: &Path) -> Vec<Vec<String>> {
    let into = |name: &str| path(&out.join(name));
    [
        vec!["audit", "verify"],
        vec!["audit", "log"],
        vec!["user", "list"],
        vec!["report", "--quiet", "--out", &into("report")],
        vec!["export", "--format", "csv", "--out", &into("export")],
        vec!["backup", "--out", &into("backup.db")],
    ]
    .iter()
    .map(|args| args.iter().map(|arg| (*arg).to_owned()).collect())
    .collect()
}

/// Runs `args` with `--db db`.
fn read_with(args: &[String], db: &str) -> crate::support::Run {
    let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
    all.extend(["--db", db]);
    run(&all, &[])
}

/// Each file of `dir`, by name, with the SHA-256 of its bytes.
fn hashes(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .expect("the folder reads")
        .map(|entry| {
            let entry = entry.expect("an entry");
            let bytes = std::fs::read(entry.path()).expect("the file reads");
            (
                entry.file_name().to_string_lossy().into_owned(),
                hex::encode(Sha256::digest(&bytes)),
            )
        })
        .collect()
}

/// Runs SQL on a database past the store, from a test without a runtime of its own.
fn execute(url: &DbUrl, sql: &str) -> Result<(), String> {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(execute_guarded(url, sql))
}

fn sqlite_url(file: &Path) -> DbUrl {
    DbUrl::parse(&format!("sqlite://{}", path(file))).expect("a SQLite URL")
}

#[test]
fn what_is_not_a_study_record_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("empty.db"), "").expect("empty file");
    std::fs::write(
        dir.path().join("notes.db"),
        "Patients to call back on Monday\n",
    )
    .expect("text file");
    // Another application's SQLite database, in WAL mode as a study record is.
    let other = dir.path().join("other.db");
    std::fs::write(&other, "").expect("file");
    execute(
        &sqlite_url(&other),
        "PRAGMA journal_mode = WAL; CREATE TABLE contact (name TEXT); \
         INSERT INTO contact VALUES ('A. Martin');",
    )
    .expect("another application's database");
    let cases = [
        ("empty.db", "is empty: not a cletrial study record"),
        ("notes.db", "is not a SQLite database"),
        ("missing.db", "no database at"),
        ("other.db", "is not a cletrial study record"),
    ];
    for (file, needle) in cases {
        let db = path(&dir.path().join(file));
        for args in readers(out.path()) {
            let before = hashes(dir.path());
            let line = read_with(&args, &db).input_error(needle);
            assert!(line.contains(file), "{args:?} on {file}: {line}");
            assert_eq!(hashes(dir.path()), before, "{args:?} on {file}: {line}");
        }
    }
}

#[test]
fn reading_a_record_changes_no_file() {
    let cli = Cli::new(Backend::Sqlite);
    let dir = cli.db.dir().expect("a SQLite record's folder");
    let out = tempfile::tempdir().expect("temp dir");
    let before = hashes(dir);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        ["study.db"],
        "the writers closed the record"
    );
    for args in readers(out.path()) {
        let ran = read_with(&args, cli.db.url_text());
        assert_eq!(ran.status, 0, "{args:?}: {ran:#?}");
        assert_eq!(hashes(dir), before, "{args:?}");
    }
}

both_backends!(
    a_record_of_another_version_is_refused_not_migrated,
    a_database_without_a_record_is_not_given_one,
);

/// A record whose schema is not this build's is refused by name and left as it is (an older one is
/// upgraded only by a command that writes): had a reader migrated it, the next would not refuse.
fn a_record_of_another_version_is_refused_not_migrated(backend: Backend) {
    let cli = Cli::new(backend);
    let url = cli.db.url().clone();
    let out = tempfile::tempdir().expect("temp dir");
    let last = "(SELECT max(version) FROM _sqlx_migrations)";
    let changes = [
        (
            format!(
                "INSERT INTO _sqlx_migrations \
                 SELECT version + 1000, description, installed_on, success, checksum, execution_time \
                 FROM _sqlx_migrations WHERE version = {last}"
            ),
            "newer cletrial",
        ),
        (
            format!(
                "DELETE FROM _sqlx_migrations WHERE version >= 1000; \
                     DELETE FROM _sqlx_migrations WHERE version = {last}"
            ),
            "older cletrial",
        ),
    ];
    for (change, needle) in changes {
        execute(&url, &change).expect(&change);
        for args in readers(out.path()) {
            let before = cli.db.dir().map(hashes);
            read_with(&args, cli.db.url_text()).input_error(needle);
            assert_eq!(cli.db.dir().map(hashes), before, "{args:?}");
        }
    }
}

/// An empty PostgreSQL database (SQLite's is the empty file above) is refused and stays empty.
fn a_database_without_a_record_is_not_given_one(backend: Backend) {
    let db = TestDb::new(backend);
    if backend == Backend::Sqlite {
        std::fs::write(db.url().sqlite_path().expect("a path"), "").expect("empty file");
    }
    let out = tempfile::tempdir().expect("temp dir");
    for args in readers(out.path()) {
        read_with(&args, db.url_text()).input_error("not a cletrial study record");
    }
    let error = execute(db.url(), "SELECT count(*) FROM _sqlx_migrations")
        .expect_err("no migrations table");
    assert!(error.contains("_sqlx_migrations"), "{error}");
}

/// PostgreSQL read-only sessions (every transaction read-only) read all that the readers need;
/// backup is refused before it reads (PostgreSQL is backed up by its own tools).
#[test]
fn every_reader_reads_a_postgres_record() {
    let cli = Cli::new(Backend::Postgres);
    let out = tempfile::tempdir().expect("temp dir");
    for args in readers(out.path()) {
        let ran = read_with(&args, cli.db.url_text());
        if args[0] == "backup" {
            ran.input_error("pg_dump");
        } else {
            assert_eq!(ran.status, 0, "{args:?}: {ran:#?}");
        }
    }
}
