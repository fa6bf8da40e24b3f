//! Lesion photographs (issue 19): one picture of one CLASI area, taken at a visit. The record
//! keeps the area, the date, a caption and the file's SHA-256, media type and size, so the
//! audit chain carries the hash; the file itself is kept outside the database by its hash
//! (`photo_files`), after the checks of `photo_content`. [`Store::add_photo`] is the one upload
//! command of every channel (page, API); a photograph is corrected (area, date, caption) and
//! marked entered in error through the generic record path, and its file stays.

use instruments::clasi::Area;
use jiff::civil::Date;

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::error::StoreError;
use crate::photo_content::{MediaType, prepare};
use crate::photo_files::PhotoDir;
use crate::record::{Sealed, Stored, SubjectRecord, not_before_consent};
use crate::records::add_record;
use crate::schema::{Kind, PHOTO};
use crate::subjects::Subject;
use crate::value::Value;
use crate::writer::{Changes, Row};

/// Longest caption, in characters.
const CAPTION_MAX: usize = 200;

/// What the record says of a photograph's file. Made only by an upload ([`Store::add_photo`]),
/// so a record never names a file that was not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoFile {
    sha256: String,
    media_type: MediaType,
    byte_size: i64,
}

impl PhotoFile {
    /// The SHA-256 of the file as kept, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn media_type(&self) -> MediaType {
        self.media_type
    }

    /// Bytes, as kept (metadata removed).
    pub fn byte_size(&self) -> i64 {
        self.byte_size
    }
}

/// A lesion photograph of one CLASI area at a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Photo {
    pub subject_id: i64,
    pub visit_id: i64,
    /// The CLASI area pictured, coded as the CLASI grid codes it (`nose_malar`).
    pub area: Area,
    pub taken_on: Date,
    pub caption: Option<String>,
    file: PhotoFile,
}

impl Photo {
    pub fn file(&self) -> &PhotoFile {
        &self.file
    }
}

/// An upload: the photograph's facts as typed and the file's bytes as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPhoto {
    pub subject_id: i64,
    pub visit_id: i64,
    /// A CLASI area's id (`scalp`, `nose_malar`, ...).
    pub area: String,
    pub taken_on: Date,
    pub caption: Option<String>,
    pub bytes: Vec<u8>,
}

/// The CLASI area with this id, or a refusal naming the ids allowed.
pub fn area(text: &str) -> Result<Area, StoreError> {
    let text = text.trim();
    Area::ALL
        .into_iter()
        .find(|area| area.id() == text)
        .ok_or_else(|| {
            let allowed: Vec<&str> = Area::ALL.iter().map(|area| area.id()).collect();
            StoreError::invalid(
                "area",
                Refusal::of("refusal-not-allowed")
                    .with("text", text)
                    .with("allowed", allowed.join(", ")),
            )
        })
}

impl Sealed for Photo {}

impl SubjectRecord for Photo {
    fn kind() -> &'static Kind {
        &PHOTO
    }

    fn subject_id(&self) -> i64 {
        self.subject_id
    }

    fn visit_id(&self) -> Option<i64> {
        Some(self.visit_id)
    }

    fn check(&self, subject: &Subject, today: Date) -> Result<(), StoreError> {
        check::not_future("taken_on", self.taken_on, today)?;
        not_before_consent("taken_on", self.taken_on, subject)?;
        if let Some(caption) = &self.caption {
            check::label("caption", caption, CAPTION_MAX)?;
        }
        Ok(())
    }

    fn changes(&self) -> Result<Changes, StoreError> {
        Ok(vec![
            ("subject_id", Some(Value::Int(self.subject_id))),
            ("visit_id", Some(Value::Int(self.visit_id))),
            ("area", Some(Value::Text(self.area.id().to_owned()))),
            ("taken_on", Some(Value::Date(self.taken_on))),
            (
                "caption",
                self.caption
                    .as_deref()
                    .map(|caption| Value::Text(caption.trim().to_owned())),
            ),
            ("sha256", Some(Value::Text(self.file.sha256.clone()))),
            (
                "media_type",
                Some(Value::Text(self.file.media_type.code().to_owned())),
            ),
            ("byte_size", Some(Value::Int(self.file.byte_size))),
        ])
    }

    fn from_row(row: &Row) -> Result<Photo, StoreError> {
        Ok(Photo {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            visit_id: row.need("visit_id", row.int("visit_id"))?,
            area: area(row.need("area", row.text("area"))?)?,
            taken_on: row.need("taken_on", row.date("taken_on"))?,
            caption: row.text("caption").map(str::to_owned),
            file: PhotoFile {
                sha256: row.need("sha256", row.text("sha256"))?.to_owned(),
                media_type: MediaType::parse(row.need("media_type", row.text("media_type"))?)?,
                byte_size: row.need("byte_size", row.int("byte_size"))?,
            },
        })
    }
}

impl Store {
    /// The record's photograph directory: set by [`Store::with_files`], else beside a SQLite
    /// file (`study.db.files`); none for PostgreSQL until given.
    pub fn files(&self) -> Option<&std::path::Path> {
        self.photos.as_ref().map(PhotoDir::root)
    }

    /// This store keeping photograph files in `dir` (a PostgreSQL record's must be given).
    #[must_use]
    pub fn with_files(mut self, dir: impl Into<std::path::PathBuf>) -> Store {
        self.photos = Some(PhotoDir::new(dir.into()));
        self
    }

    fn photo_dir(&self) -> Result<&PhotoDir, StoreError> {
        self.photos
            .as_ref()
            .ok_or_else(|| StoreError::invalid("file", Refusal::of("refusal-photo-no-directory")))
    }

    /// Uploads a photograph: the file is checked and stripped of its metadata
    /// (`photo_content::prepare`), written beside the record under its SHA-256, and recorded in
    /// the same command; a refusal (of the file or of the record) leaves nothing behind. The
    /// one upload command of every channel.
    pub async fn add_photo(
        &self,
        actor: &Actor,
        upload: &NewPhoto,
    ) -> Result<Stored<Photo>, StoreError> {
        let dir = self.photo_dir()?;
        let area = area(&upload.area)?;
        let content = prepare(&upload.bytes)?;
        let photo = Photo {
            subject_id: upload.subject_id,
            visit_id: upload.visit_id,
            area,
            taken_on: upload.taken_on,
            caption: upload
                .caption
                .as_deref()
                .map(str::trim)
                .filter(|caption| !caption.is_empty())
                .map(str::to_owned),
            file: PhotoFile {
                byte_size: i64::try_from(content.bytes.len())
                    .map_err(|_| StoreError::corrupt("a photograph larger than i64"))?,
                sha256: content.sha256.clone(),
                media_type: content.media_type,
            },
        };
        let staged = dir.stage(&content.bytes, &content.sha256)?;
        self.command(actor, move |writer, actor| {
            Box::pin(async move {
                let stored = add_record(writer, actor, &photo).await?;
                // Last, once the record is accepted: a refused record leaves no file.
                staged.place()?;
                Ok(stored)
            })
        })
        .await
    }

    /// The file of a live photograph, checked against the SHA-256 its record keeps: a file
    /// altered or gone is refused, never shown.
    pub async fn photo_bytes(&self, photo: &Photo) -> Result<Vec<u8>, StoreError> {
        let dir = self.photo_dir()?.clone();
        let sha256 = photo.file.sha256.clone();
        let path = dir.path_of(&sha256);
        dir.read(&sha256).map_err(|fault| {
            StoreError::corrupt(format!("photo file {}: {}", path.display(), fault.said()))
        })
    }
}
