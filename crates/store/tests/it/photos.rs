//! Lesion photographs: an upload is checked, stripped of its metadata and kept outside the
//! database under its SHA-256, which the record and the audit chain carry; `audit verify` checks
//! every file against it, a backup takes the files along, and a refusal leaves nothing behind.

use std::path::{Path, PathBuf};

use store::testing::{jpeg_with_exif, sample_jpeg, sample_png};
use store::{Backend, NewPhoto, Photo, Store, StoreError, Visit};

use crate::fixture::{Fixture, days_ago, fixture, refused};

both_backends!(
    a_photograph_is_kept_by_its_hash,
    a_refused_upload_leaves_nothing,
    a_tampered_file_fails_verification_naming_it,
    a_photograph_entered_in_error_keeps_its_file,
);

/// The fixture's store keeping its photographs in a directory of the test's own (a PostgreSQL
/// record has none by default; a SQLite one keeps them beside its file).
fn with_files(f: &Fixture) -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    (f.store.clone().with_files(dir.path()), dir)
}

fn upload(visit: &Visit, area: &str, bytes: Vec<u8>) -> NewPhoto {
    NewPhoto {
        subject_id: visit.subject_id,
        visit_id: visit.id,
        area: area.into(),
        taken_on: days_ago(2),
        caption: Some("  left cheek, close-up ".into()),
        bytes,
    }
}

/// Every file under `dir` (kept files and temporary ones).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn kept_path(store: &Store, photo: &Photo) -> PathBuf {
    let sha = photo.file().sha256();
    store
        .files()
        .expect("a photograph directory")
        .join("sha256")
        .join(&sha[..2])
        .join(sha)
}

async fn a_photograph_is_kept_by_its_hash(backend: Backend) {
    let f = fixture(backend).await;
    let (store, _dir) = with_files(&f);
    let visit = f.visit("S01-001").await;
    let gps = b"Exif\0\0GPSLatitude 40.4168 N GPSLongitude 3.7038 W";
    let sent = jpeg_with_exif(32, 24, gps);
    let photo = store
        .add_photo(&f.investigator, &upload(&visit, "nose_malar", sent.clone()))
        .await
        .expect("uploaded");
    assert_eq!(photo.data.area, instruments::clasi::Area::NoseMalar);
    assert_eq!(photo.data.caption.as_deref(), Some("left cheek, close-up"));
    assert_eq!(photo.data.file().media_type(), store::MediaType::Jpeg);
    let path = kept_path(&store, &photo.data);
    let kept = std::fs::read(&path).expect("the file is kept under its hash");
    assert!(kept.len() < sent.len(), "EXIF removed");
    assert!(!kept.windows(3).any(|w| w == b"GPS"));
    assert_eq!(
        photo.data.file().byte_size(),
        i64::try_from(kept.len()).expect("small")
    );
    assert!(
        std::fs::metadata(&path)
            .expect("metadata")
            .permissions()
            .readonly()
    );
    assert_eq!(store.photo_bytes(&photo.data).await.expect("read"), kept);
    // The hash is in the chain.
    let filter = store::EventFilter {
        entity: Some("photo".into()),
        field: Some("sha256".into()),
        ..Default::default()
    };
    let events = store.audit_page(&filter, 0, 10).await.expect("trail");
    assert_eq!(events.len(), 1);
    // Values in the trail are JSON.
    assert_eq!(
        events[0].new_value,
        Some(format!("\"{}\"", photo.data.file().sha256()))
    );
    // The same picture again (another area) is the same file, kept once.
    let again = store
        .add_photo(
            &f.investigator,
            &upload(&visit, "chest", sample_jpeg(32, 24)),
        )
        .await
        .expect("uploaded");
    assert_eq!(again.data.file().sha256(), photo.data.file().sha256());
    let png = store
        .add_photo(&f.investigator, &upload(&visit, "arms", sample_png(10, 10)))
        .await
        .expect("a PNG");
    assert_eq!(png.data.file().media_type(), store::MediaType::Png);
    let kept_files: Vec<PathBuf> = files_under(store.files().expect("dir"))
        .into_iter()
        .filter(|path| !path.starts_with(store.files().expect("dir").join("tmp")))
        .collect();
    assert_eq!(kept_files.len(), 2, "{kept_files:?}");
    Fixture::assert_verifies(&store.verify().await.expect("verify"));
}

async fn a_refused_upload_leaves_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let (store, dir) = with_files(&f);
    let visit = f.visit("S01-001").await;
    let events = f.event_count().await;
    let jpeg = || sample_jpeg(16, 16);
    let cases: Vec<(NewPhoto, &str, &str)> = vec![
        (
            upload(&visit, "nose_malar", b"GIF89a not a photo".to_vec()),
            "file",
            "only JPEG and PNG",
        ),
        (
            upload(&visit, "nose_malar", jpeg()[..20].to_vec()),
            "file",
            "header cannot be read",
        ),
        (
            upload(&visit, "nose_malar", vec![0xFF; store::MAX_PHOTO_BYTES + 1]),
            "file",
            "at most 10.0 MiB",
        ),
        (
            upload(&visit, "elbow", jpeg()),
            "area",
            "'elbow' is not allowed",
        ),
        (
            NewPhoto {
                taken_on: days_ago(-1),
                ..upload(&visit, "chest", jpeg())
            },
            "taken_on",
            "",
        ),
        (
            NewPhoto {
                caption: Some("a\u{7}bell".into()),
                ..upload(&visit, "chest", jpeg())
            },
            "caption",
            "U+0007",
        ),
    ];
    for (photo, field, words) in cases {
        refused(store.add_photo(&f.investigator, &photo).await, field, words);
    }
    // A refusal of the record, after the file was read and staged: another subject's visit.
    let other = f.visit("S01-002").await;
    let events_now = f.event_count().await;
    let wrong_visit = NewPhoto {
        visit_id: other.id,
        ..upload(&visit, "chest", jpeg())
    };
    refused(
        store.add_photo(&f.investigator, &wrong_visit).await,
        "visit_id",
        "",
    );
    assert!(
        files_under(dir.path()).is_empty(),
        "{:?}",
        files_under(dir.path())
    );
    assert!(events_now > events, "the second subject's events only");
    assert_eq!(f.event_count().await, events_now);
}

async fn a_tampered_file_fails_verification_naming_it(backend: Backend) {
    let f = fixture(backend).await;
    let (store, _dir) = with_files(&f);
    let visit = f.visit("S01-001").await;
    let photo = store::testing::photographed(
        &store,
        &f.investigator,
        &visit,
        "hands",
        sample_jpeg(20, 20),
    )
    .await
    .expect("uploaded");
    Fixture::assert_verifies(&store.verify().await.expect("verify"));
    let path = kept_path(&store, &photo.data);
    let original = std::fs::read(&path).expect("kept");
    let mut permissions = std::fs::metadata(&path).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&path, permissions).expect("writable");
    let mut altered = original.clone();
    let last = altered.len() - 3;
    altered[last] ^= 0x55;
    std::fs::write(&path, &altered).expect("tampered");
    let problem = store
        .verify()
        .await
        .expect("verify runs")
        .problem
        .expect("the altered file is found");
    assert_eq!(problem.place, format!("photo {}", photo.id));
    for words in [
        path.display().to_string(),
        "subject S01-001".into(),
        "visit week 4".into(),
        "the file was altered".into(),
    ] {
        assert!(problem.message.contains(&words), "{problem}");
    }
    // The page shows no altered photograph either.
    assert!(matches!(
        store.photo_bytes(&photo.data).await,
        Err(StoreError::Corrupt(_))
    ));
    std::fs::remove_file(&path).expect("removed");
    let problem = store
        .verify()
        .await
        .expect("runs")
        .problem
        .expect("missing");
    assert!(problem.message.contains("is missing"), "{problem}");
    std::fs::write(&path, &original).expect("restored");
    Fixture::assert_verifies(&store.verify().await.expect("verify"));
    // An incremental verification from a head before the upload checks the file too.
    std::fs::write(&path, &altered).expect("tampered again");
    let head = store::Head {
        seq: 1,
        hash: store
            .audit_page(&store::EventFilter::default(), 0, 1)
            .await
            .expect("first")[0]
            .hash
            .clone(),
    };
    let since = store.verify_since(&head).await.expect("runs");
    assert_eq!(
        since.problem.map(|p| p.place),
        Some(format!("photo {}", photo.id))
    );
}

async fn a_photograph_entered_in_error_keeps_its_file(backend: Backend) {
    let f = fixture(backend).await;
    let (store, _dir) = with_files(&f);
    let visit = f.visit("S01-001").await;
    let photo =
        store::testing::photographed(&store, &f.investigator, &visit, "legs", sample_png(12, 12))
            .await
            .expect("uploaded");
    store
        .void(
            &f.investigator,
            visit.subject_id,
            "photo",
            photo.id,
            photo.version,
            "wrong subject's photograph",
        )
        .await
        .expect("voided");
    assert!(
        store
            .records_of::<Photo>(visit.subject_id)
            .await
            .expect("read")
            .is_empty()
    );
    let path = kept_path(&store, &photo.data);
    assert!(path.exists(), "the trail still names it");
    Fixture::assert_verifies(&store.verify().await.expect("verify"));
    std::fs::remove_file(&path).expect("removed");
    let problem = store.verify().await.expect("runs").problem.expect("found");
    assert_eq!(problem.place, format!("photo {}", photo.id));
}

/// A PostgreSQL record keeps no photographs until it is given a directory, and says so.
#[tokio::test]
async fn a_postgresql_record_needs_a_directory_given() {
    let f = fixture(Backend::Postgres).await;
    assert_eq!(f.store.files(), None);
    let visit = f.visit("S01-001").await;
    refused(
        store::testing::photographed(
            &f.store,
            &f.investigator,
            &visit,
            "scalp",
            sample_jpeg(8, 8),
        )
        .await,
        "file",
        "no photograph directory",
    );
    let (store, _dir) = with_files(&f);
    store::testing::photographed(&store, &f.investigator, &visit, "scalp", sample_jpeg(8, 8))
        .await
        .expect("uploaded");
    // Verified without the directory, the file cannot be checked: that is a failure, not a pass.
    let problem = f
        .store
        .verify()
        .await
        .expect("runs")
        .problem
        .expect("found");
    assert!(
        problem.message.contains("no photograph directory"),
        "{problem}"
    );
}

/// A SQLite record keeps its photographs beside its file, and a backup copies them beside the
/// copy, verified; the copy, put back, shows the photograph.
#[tokio::test]
async fn a_backup_takes_the_photographs_along() {
    let f = fixture(Backend::Sqlite).await;
    let db_path = PathBuf::from(f.db.url().sqlite_path().expect("sqlite"));
    assert_eq!(
        f.store.files(),
        Some(PathBuf::from(format!("{}.files", db_path.display())).as_path())
    );
    let visit = f.visit("S01-001").await;
    let photo = store::testing::photographed(
        &f.store,
        &f.investigator,
        &visit,
        "feet",
        sample_jpeg(24, 24),
    )
    .await
    .expect("uploaded");
    let dir = f.db.dir().expect("sqlite dir");
    let out = dir.join("backup.db");
    let verification = f.store.backup(&out).await.expect("backup");
    Fixture::assert_verifies(&verification);
    let copied = dir
        .join("backup.db.files/sha256")
        .join(&photo.data.file().sha256()[..2])
        .join(photo.data.file().sha256());
    assert!(copied.exists(), "{}", copied.display());
    // Restore: the backup and its files moved together to a new place.
    let restored = dir.join("restored");
    std::fs::create_dir(&restored).expect("dir");
    std::fs::rename(&out, restored.join("study.db")).expect("db moved");
    std::fs::rename(dir.join("backup.db.files"), restored.join("study.db.files"))
        .expect("files moved");
    let url = store::DbUrl::parse(&restored.join("study.db").display().to_string()).expect("url");
    let back = Store::open(&url).await.expect("opens");
    Fixture::assert_verifies(&back.verify().await.expect("verify"));
    let read: Photo = back.record::<Photo>(photo.id).await.expect("record").data;
    assert_eq!(
        back.photo_bytes(&read).await.expect("bytes"),
        f.store.photo_bytes(&photo.data).await.expect("bytes")
    );
    // The copy without its files fails verification, naming the photograph.
    std::fs::rename(restored.join("study.db.files"), restored.join("elsewhere")).expect("moved");
    let problem = back.verify().await.expect("runs").problem.expect("found");
    assert_eq!(problem.place, format!("photo {}", photo.id));
    back.close().await;
}

both_backends!(a_central_reader_scores_blind);

/// A central reader sees each photograph by an opaque reading id and its area only, scores the
/// area's CLASI items once, and nobody else reaches the queue.
async fn a_central_reader_scores_blind(backend: Backend) {
    let f = fixture(backend).await;
    let (store, _dir) = with_files(&f);
    let visit = f.visit("S01-001").await;
    let photo =
        store::testing::photographed(&store, &f.investigator, &visit, "legs", sample_jpeg(12, 12))
            .await
            .expect("uploaded");
    let password = crate::fixture::password("plum kettle orbit");
    let reader = store::testing::central_reader(&store, &f.admin, "reader", "S01", &password)
        .await
        .expect("reader");
    let queue = store.reading_queue(&reader).await.expect("queue");
    assert_eq!(queue.len(), 1);
    let reading = &queue[0];
    assert_eq!(reading.area, instruments::clasi::Area::Legs);
    assert!(!reading.read);
    assert_eq!(reading.reading_id.len(), 16);
    assert_eq!(
        store
            .reading_file(&reader, &reading.reading_id)
            .await
            .expect("file"),
        store.photo_bytes(&photo.data).await.expect("bytes")
    );
    let score = store::AreaScore {
        erythema: 2,
        scale: 1,
        dyspigmentation: 0,
        scarring: Some(1),
    };
    refused(
        store
            .record_central_reading(
                &reader,
                &reading.reading_id,
                store::AreaScore {
                    erythema: 4,
                    ..score
                },
            )
            .await,
        "erythema",
        "",
    );
    store
        .record_central_reading(&reader, &reading.reading_id, score)
        .await
        .expect("scored");
    assert!(matches!(
        store
            .record_central_reading(&reader, &reading.reading_id, score)
            .await,
        Err(StoreError::Exists { .. })
    ));
    assert!(store.reading_queue(&reader).await.expect("queue")[0].read);
    // The site's investigator is no central reader; an unknown reading id is not found.
    assert!(matches!(
        store.reading_queue(&f.investigator).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        store.reading(&reader, "0123456789abcdef").await,
        Err(StoreError::NotFound { .. })
    ));
    let filter = store::EventFilter {
        entity: Some("central_reading".into()),
        field: Some("activity".into()),
        ..Default::default()
    };
    let events = store.audit_page(&filter, 0, 10).await.expect("trail");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].new_value.as_deref(), Some("3"));
    // The report reads the score back by the photograph's subject: activity 2 + 1, damage 0 + 1.
    assert_eq!(
        store
            .central_scores_of(photo.data.subject_id)
            .await
            .expect("scores"),
        [store::CentralScore {
            photo_id: photo.id,
            activity: 3,
            damage: 1,
        }]
    );
    Fixture::assert_verifies(&store.verify().await.expect("verify"));
}
