//! The lesion photograph manifest (issue 19): one row per live photograph and central reading
//! of it, saying which subject, visit and CLASI area the picture shows, the file's SHA-256,
//! media type and size (so a reader who has the files can check each one) and the blinded
//! central reader's scores of that area, if any. The image bytes are never exported: the
//! manifest is what the tidy CSV export and the submission folder carry of the photographs.
//!
//! A photograph read by two central readers has two rows; one not yet read has one row whose
//! reading columns are blank. The scalp has no scarring item (CLASI, INSTRUMENTS.md §1.4), so
//! its central scarring is `NOT APPLICABLE` (`missing_codes.csv`), never 0. Which reader
//! scored is not written: the manifest, like the other exports a statistician downloads, names
//! no staff.

use std::io::Write;

use crate::ExportError;
use crate::dataset::Missing;
use crate::sdtm::CLASI_AREAS;
use crate::source::{Casebook, FormRecord, Forms, Recorded};

/// The manifest's file name, in the tidy CSV folder and in the submission folder.
pub const FILE: &str = "photos.csv";

/// The manifest's columns.
pub const HEADER: [&str; 16] = [
    "subject",
    "visit",
    "visit_date",
    "area",
    "area_text",
    "taken_on",
    "sha256",
    "media_type",
    "byte_size",
    "reading",
    "central_erythema",
    "central_scale",
    "central_dyspigmentation",
    "central_scarring",
    "central_activity",
    "central_damage",
];

/// Writes the manifest a casebook at a time.
pub struct PhotoManifest<W: Write> {
    writer: csv::Writer<W>,
    photo: Option<usize>,
    visit: Option<usize>,
    reading: Option<usize>,
    forms: Forms,
    rows: u64,
}

impl<W: Write> PhotoManifest<W> {
    /// The manifest of `forms`' photographs (a record without the `photo` form writes the
    /// header alone), its header written to `out`.
    pub fn new(forms: &Forms, out: W) -> Result<PhotoManifest<W>, ExportError> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(HEADER)?;
        Ok(PhotoManifest {
            writer,
            photo: forms.index("photo"),
            visit: forms.index("visit"),
            reading: forms.index("central_reading"),
            forms: forms.clone(),
            rows: 0,
        })
    }

    /// The rows of one subject's photographs.
    pub fn casebook(&mut self, book: &Casebook) -> Result<(), ExportError> {
        let Some(photo_form) = self.photo else {
            return Ok(());
        };
        for photo in book.live(photo_form) {
            let field = |record: &FormRecord, name: &str| self.forms.entry(record, name).clone();
            let visit = field(photo, "visit_id")
                .integer()
                .zip(self.visit)
                .and_then(|(id, form)| book.find(form, id));
            let (visit_name, visit_date) = match visit {
                Some(visit) => (
                    cell(&field(visit, "name")),
                    cell(&field(visit, "actual_date")),
                ),
                None => (String::new(), String::new()),
            };
            let area = cell(&field(photo, "area"));
            let area_text = CLASI_AREAS
                .iter()
                .find(|(id, _, _)| *id == area)
                .map_or("", |(_, _, text)| text);
            let start = [
                book.code.clone(),
                visit_name,
                visit_date,
                area.clone(),
                area_text.to_owned(),
                cell(&field(photo, "taken_on")),
                cell(&field(photo, "sha256")),
                cell(&field(photo, "media_type")),
                cell(&field(photo, "byte_size")),
            ];
            let readings: Vec<&FormRecord> = self.reading.map_or_else(Vec::new, |form| {
                book.live(form)
                    .filter(|r| field(r, "photo_id").integer() == Some(photo.id))
                    .collect()
            });
            if readings.is_empty() {
                let blank = std::iter::repeat_n(String::new(), HEADER.len() - start.len());
                self.writer
                    .write_record(start.iter().cloned().chain(blank))?;
                self.rows += 1;
            }
            for (number, reading) in (1..).zip(&readings) {
                let scarring = match field(reading, "scarring") {
                    Recorded::Missing(Missing::Blank) if area == "scalp" => {
                        Missing::NotApplicable.csv_code().to_owned()
                    }
                    other => cell(&other),
                };
                let scores = [
                    number.to_string(),
                    cell(&field(reading, "erythema")),
                    cell(&field(reading, "scale")),
                    cell(&field(reading, "dyspigmentation")),
                    scarring,
                    cell(&field(reading, "activity")),
                    cell(&field(reading, "damage")),
                ];
                self.writer
                    .write_record(start.iter().cloned().chain(scores))?;
                self.rows += 1;
            }
        }
        Ok(())
    }

    /// Flushes the manifest; returns its rows.
    pub fn finish(mut self) -> Result<u64, ExportError> {
        self.writer.flush()?;
        Ok(self.rows)
    }
}

/// A recorded value as the manifest writes it: the value, or its missing code (blank when
/// nothing was recorded).
fn cell(recorded: &Recorded) -> String {
    match recorded {
        Recorded::Value(datum) => datum.plain(),
        Recorded::Missing(missing) => missing.csv_code().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Datum, FieldDef, FieldType, FormDef};

    fn form(name: &str, fields: &[(&str, FieldType)]) -> FormDef {
        FormDef {
            name: name.to_owned(),
            fields: fields
                .iter()
                .map(|(name, ty)| FieldDef {
                    name: (*name).to_owned(),
                    ty: *ty,
                    required: false,
                    refers_to: None,
                    missing: false,
                })
                .collect(),
        }
    }

    fn forms() -> Forms {
        use FieldType::{Date, Integer, Text};
        Forms(vec![
            form("visit", &[("name", Text), ("actual_date", Date)]),
            form(
                "photo",
                &[
                    ("visit_id", Integer),
                    ("area", Text),
                    ("taken_on", Date),
                    ("sha256", Text),
                    ("media_type", Text),
                    ("byte_size", Integer),
                ],
            ),
            form(
                "central_reading",
                &[
                    ("photo_id", Integer),
                    ("erythema", Integer),
                    ("scale", Integer),
                    ("dyspigmentation", Integer),
                    ("scarring", Integer),
                    ("activity", Integer),
                    ("damage", Integer),
                ],
            ),
        ])
    }

    fn record(form: usize, id: i64, removed: bool, entries: Vec<Recorded>) -> FormRecord {
        FormRecord {
            form,
            id,
            removed,
            entries,
        }
    }

    fn int(value: i64) -> Recorded {
        Recorded::Value(Datum::Integer(value))
    }

    fn text(value: &str) -> Recorded {
        Recorded::Value(Datum::Text(value.to_owned()))
    }

    fn date(day: i8) -> Recorded {
        Recorded::Value(Datum::Date(jiff::civil::date(2026, 3, day)))
    }

    fn photo(id: i64, area: &str, removed: bool) -> FormRecord {
        let sha = format!("{id:0>64}");
        record(
            1,
            id,
            removed,
            vec![
                int(7),
                text(area),
                date(2),
                text(&sha),
                text("image/jpeg"),
                int(2048),
            ],
        )
    }

    fn reading(id: i64, photo: i64, scarring: Recorded) -> FormRecord {
        record(
            2,
            id,
            false,
            vec![int(photo), int(2), int(1), int(0), scarring, int(3), int(1)],
        )
    }

    fn written(records: Vec<FormRecord>) -> (String, u64) {
        let forms = forms();
        let mut manifest = PhotoManifest::new(&forms, Vec::new()).expect("manifest");
        let book = Casebook {
            code: "S01-001".to_owned(),
            site: "S01".to_owned(),
            subject: record(usize::MAX, 1, false, Vec::new()),
            records,
            events: Vec::new(),
        };
        manifest.casebook(&book).expect("rows");
        let rows = manifest.rows;
        let bytes = manifest.writer.into_inner().expect("flushed");
        (String::from_utf8(bytes).expect("utf-8"), rows)
    }

    /// Unread, read once, read on the scalp (no scarring item), and removed: one row each but
    /// the removed one, whose file the manifest does not list.
    #[test]
    fn each_live_photograph_is_a_row_per_reading() {
        let visit = record(0, 7, false, vec![text("Week 4"), date(1)]);
        let (csv, rows) = written(vec![
            visit,
            photo(10, "nose_malar", false),
            photo(11, "legs", false),
            reading(20, 11, int(1)),
            photo(12, "scalp", false),
            reading(21, 12, Recorded::BLANK),
            reading(22, 12, Recorded::BLANK),
            photo(13, "arms", true),
        ]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], HEADER.join(","));
        let sha = |id: i64| format!("{id:0>64}");
        assert_eq!(
            lines[1..],
            [
                format!(
                    "S01-001,Week 4,2026-03-01,nose_malar,Nose/malar,2026-03-02,{},image/jpeg,2048,,,,,,,",
                    sha(10)
                ),
                format!(
                    "S01-001,Week 4,2026-03-01,legs,Legs,2026-03-02,{},image/jpeg,2048,1,2,1,0,1,3,1",
                    sha(11)
                ),
                format!(
                    "S01-001,Week 4,2026-03-01,scalp,Scalp,2026-03-02,{},image/jpeg,2048,1,2,1,0,NOT APPLICABLE,3,1",
                    sha(12)
                ),
                format!(
                    "S01-001,Week 4,2026-03-01,scalp,Scalp,2026-03-02,{},image/jpeg,2048,2,2,1,0,NOT APPLICABLE,3,1",
                    sha(12)
                ),
            ]
        );
        assert_eq!(rows, 4);
    }

    /// A record without photographs: the header alone.
    #[test]
    fn no_photograph_is_the_header_alone() {
        let (csv, rows) = written(Vec::new());
        assert_eq!(csv, format!("{}\n", HEADER.join(",")));
        assert_eq!(rows, 0);
    }
}
