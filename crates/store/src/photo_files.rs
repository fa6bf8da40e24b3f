//! Where photographs' files are kept: outside the database, each under its own SHA-256
//! (`<dir>/sha256/ab/abcdef…`), so the record holds only the hash and the audit chain carries
//! it. A file is written once (a temporary file in `<dir>/tmp`, synced, made read-only, then
//! renamed into place, so a reader never sees half a file), never overwritten (the same bytes
//! have the same name) and never deleted: a photograph marked entered in error keeps its file,
//! which the trail still names.
//!
//! The directory: a SQLite record's is beside its file (`study.db` keeps its photographs in
//! `study.db.files/`); a PostgreSQL record's must be given ([`crate::Store::with_files`]), as
//! the database server's disk is not this program's.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::Refusal;
use crate::db::DbUrl;
use crate::error::StoreError;

/// A record's directory of photograph files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PhotoDir {
    root: Arc<PathBuf>,
}

/// What reading a kept file found, when it is not the file the record names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FileFault {
    Missing,
    Unreadable(String),
    /// The file hashes to this instead.
    Altered(String),
}

impl FileFault {
    /// What is wrong with a kept file, in a sentence's words.
    pub(crate) fn said(&self) -> String {
        match self {
            FileFault::Missing => "is missing".to_owned(),
            FileFault::Unreadable(error) => format!("cannot be read ({error})"),
            FileFault::Altered(found) => format!(
                "does not hash to the SHA-256 its record keeps (it hashes to {found}): the file was altered"
            ),
        }
    }
}

impl PhotoDir {
    pub(crate) fn new(root: PathBuf) -> PhotoDir {
        PhotoDir {
            root: Arc::new(root),
        }
    }

    /// The default directory of a record: `<file>.files` beside a SQLite file; none for an
    /// in-memory SQLite database or PostgreSQL.
    pub(crate) fn beside(url: &DbUrl) -> Option<PhotoDir> {
        let path = url.sqlite_path()?;
        if path.is_empty() || path.contains(":memory:") || url.as_str().contains("mode=memory") {
            return None;
        }
        Some(PhotoDir::new(PathBuf::from(format!("{path}.files"))))
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file of `sha256` (64 lowercase hex digits) is kept.
    pub(crate) fn path_of(&self, sha256: &str) -> PathBuf {
        self.root
            .join("sha256")
            .join(sha256.get(..2).unwrap_or("00"))
            .join(sha256)
    }

    /// Writes `bytes` as a temporary file, synced and read-only, ready for [`Staged::place`].
    pub(crate) fn stage(&self, bytes: &[u8], sha256: &str) -> Result<Staged, StoreError> {
        let tmp = self.root.join("tmp");
        fs::create_dir_all(&tmp).map_err(|error| io_error(&tmp, &error))?;
        let mut file = tempfile_in(&tmp)?;
        file.1
            .write_all(bytes)
            .and_then(|()| file.1.sync_all())
            .map_err(|error| io_error(&file.0, &error))?;
        let mut permissions = file
            .1
            .metadata()
            .map_err(|error| io_error(&file.0, &error))?
            .permissions();
        permissions.set_readonly(true);
        fs::set_permissions(&file.0, permissions).map_err(|error| io_error(&file.0, &error))?;
        Ok(Staged {
            temporary: Some(file.0),
            target: self.path_of(sha256),
        })
    }

    /// The kept file of `sha256`, checked against it.
    pub(crate) fn read(&self, sha256: &str) -> Result<Vec<u8>, FileFault> {
        let path = self.path_of(sha256);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(FileFault::Missing);
            }
            Err(error) => return Err(FileFault::Unreadable(error.to_string())),
        };
        let found = hex::encode(Sha256::digest(&bytes));
        if found != sha256 {
            return Err(FileFault::Altered(found));
        }
        Ok(bytes)
    }
}

/// A new file in `dir` with a name no other writer uses.
fn tempfile_in(dir: &Path) -> Result<(PathBuf, fs::File), StoreError> {
    let mut random = [0u8; 12];
    for _ in 0..8 {
        getrandom::fill(&mut random)
            .map_err(|error| StoreError::Other(Box::new(std::io::Error::other(error))))?;
        let path = dir.join(format!("upload-{}", hex::encode(random)));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(io_error(&path, &error)),
        }
    }
    Err(io_error(
        dir,
        &std::io::Error::other("no free temporary name"),
    ))
}

fn io_error(path: &Path, error: &std::io::Error) -> StoreError {
    StoreError::invalid(
        "file",
        Refusal::of("refusal-photo-file-io")
            .with("path", path.display())
            .with("error", error),
    )
}

/// A photograph's file written but not yet in place; dropped unplaced, it is removed.
#[derive(Debug)]
pub(crate) struct Staged {
    temporary: Option<PathBuf>,
    target: PathBuf,
}

impl Staged {
    /// Renames the file to its content address, unless a file is there already (the same bytes,
    /// by its name: it is never overwritten), and syncs the directory so the name survives a
    /// crash.
    pub(crate) fn place(mut self) -> Result<(), StoreError> {
        let Some(temporary) = self.temporary.take() else {
            return Ok(());
        };
        let folder = self.target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder).map_err(|error| io_error(folder, &error))?;
        if self.target.exists() {
            remove_quietly(&temporary);
            return Ok(());
        }
        fs::rename(&temporary, &self.target).map_err(|error| {
            remove_quietly(&temporary);
            io_error(&self.target, &error)
        })?;
        fs::File::open(folder)
            .and_then(|dir| dir.sync_all())
            .map_err(|error| io_error(folder, &error))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            remove_quietly(&temporary);
        }
    }
}

/// Removes a temporary file; one left behind (the disk went away) holds nothing the record
/// names and is harmless.
fn remove_quietly(path: &Path) {
    let _ = fs::remove_file(path);
}
