//! The study record as tidy CSV, SDTM (CSV, SAS transport or Dataset-JSON, or SAS transport with
//! its Define-XML 2.1), ADaM (SAS transport, derived from the SDTM rows), a submission folder of
//! both (transport and Dataset-JSON, each standard with its define.xml), CDISC ODM 1.3.2 or the
//! audit trail as CSV. One read transaction, subjects a page at a time: a study of any size
//! streams through (`store::stream` reads, `export` writes).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use export::arms::Allocation;
use export::dataset_json::{Encoding, Provenance};
use export::photos::{self, PhotoManifest};
use export::source::{
    AuditEvent, Casebook, Datum, FieldDef, FieldType, FormDef, FormRecord, Forms, Recorded,
    StudyInfo,
};
use export::{ExportError, adam, sdtm, tidy};
use protocol::allocation::Secret;
use store::stream::{Entity, Reader, Record};
use store::{Meaning, Store, Ty, Value};

use crate::OutputError;

/// Audit events read per page.
const EVENTS_PER_PAGE: i64 = 5000;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One tidy CSV table per form, a data dictionary, the missing codes, the protocol and the
    /// photograph manifest.
    Csv,
    /// SDTM domains as CSV.
    Sdtm,
    /// SDTM domains as SAS transport v5.
    Xpt,
    /// The SDTM transport files with define.xml (Define-XML 2.1) describing them: a folder a
    /// reviewer opens as it is, every `def:leaf` a file beside it.
    Define,
    /// ADaM datasets (ADSL, ADRS, ADTTE, ADAE) as SAS transport v5, derived from the SDTM rows
    /// under the study's protocol, with define.xml (Define-XML 2.1, ADaMIG 1.3) describing them.
    Adam,
    /// SDTM domains as CDISC Dataset-JSON v1.1, one JSON object per domain.
    DatasetJson,
    /// SDTM domains as CDISC Dataset-JSON v1.1 in its NDJSON form: a line of metadata, then a
    /// line per row.
    DatasetNdjson,
    /// A submission folder: `sdtm/` and `adam/`, each with its datasets as SAS transport v5 and
    /// Dataset-JSON v1.1 side by side, `variables.csv` and its own `define.xml`, and the
    /// photograph manifest `photos.csv`, written in one pass over the record.
    Submission,
    /// CDISC ODM 1.3.2 with audit records and signatures (names staff).
    Odm,
    /// The audit trail as CSV (names staff).
    Audit,
}

impl Format {
    /// The name `export.json` records (`csv`, `sdtm`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Sdtm => "sdtm",
            Format::Xpt => "xpt",
            Format::Define => "define",
            Format::Adam => "adam",
            Format::DatasetJson => "dataset-json",
            Format::DatasetNdjson => "dataset-ndjson",
            Format::Submission => "submission",
            Format::Odm => "odm",
            Format::Audit => "audit",
        }
    }
}

/// Opens the output files, remembering their names.
struct Files {
    dir: PathBuf,
    names: Vec<String>,
}

impl Files {
    /// Opens `name`, a path relative to the output folder (`sdtm/dm.xpt`), creating its folder.
    fn open(&mut self, name: &str) -> Result<BufWriter<File>, ExportError> {
        let path = self.dir.join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let file = File::create(path)?;
        self.names.push(name.to_owned());
        Ok(BufWriter::new(file))
    }
}

/// Writes `format` into `dir` (which exists), reading `page` subjects at a time, and
/// `export.json` beside the files; returns that summary. A randomised study's SDTM and ADaM
/// give each subject's arm only with `secret`, the study's allocation secret (`export::arms`);
/// without it they are blinded.
pub async fn write(
    store: &Store,
    format: Format,
    dir: &Path,
    page: i64,
    version: &str,
    secret: Option<&Secret>,
) -> Result<Summary, OutputError> {
    let written_by = crate::written_by(version);
    let mut reader = store.reader().await?;
    let study = study_info(&mut reader).await?;
    let allocation = allocation(&mut reader, format, secret).await?;
    let forms = forms();
    let mut files = Files {
        dir: dir.to_owned(),
        names: Vec::new(),
    };
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    // RFC 3339 in UTC: ODM's CreationDateTime and Dataset-JSON's datasetJSONCreationDateTime.
    let created = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut subjects = None;
    let mut summary = Summary {
        allocation: allocation.said().map(str::to_owned),
        format: format.name().to_owned(),
        study: study.code.clone(),
        written_by: written_by.clone(),
        ..Summary::default()
    };
    match format {
        Format::Csv => {
            let mut tables = tidy::TidyCsv::new(&forms, |name| files.open(name))?;
            let mut photos = PhotoManifest::new(&forms, files.open(photos::FILE)?)?;
            subjects = Some(
                each_casebook(&mut reader, &forms, page, false, |book| {
                    photos.casebook(book)?;
                    tables.casebook(book)
                })
                .await?,
            );
            let rows = tables.finish()?;
            summary.photos = Some(photos.finish()?);
            let dictionary = files.open("dictionary.csv")?;
            tidy::write_dictionary(&forms, &written_by, dictionary)?;
            let codes = files.open("missing_codes.csv")?;
            tidy::write_missing_codes(codes)?;
            let text = protocol_text(&mut reader).await?;
            let cohort = if study.code.ends_with(DEMO_SUFFIX) {
                "demo\n"
            } else {
                "record\n"
            };
            for (name, text) in [(PROTOCOL_FILE, text.as_str()), (COHORT_FILE, cohort)] {
                let mut file = files.open(name)?;
                file.write_all(text.as_bytes())
                    .and_then(|()| file.flush())
                    .map_err(ExportError::from)?;
            }
            summary.rows = Some(rows);
        }
        Format::Sdtm
        | Format::Xpt
        | Format::Define
        | Format::DatasetJson
        | Format::DatasetNdjson
        | Format::Adam
        | Format::Submission => {
            let plan = Plan::of(
                format,
                now.datetime(),
                Provenance::of(&study, &created, version),
            );
            // QS scores the answers under the protocol's [outcomes] settings; LB names the
            // tests of its [[labs]].
            let protocol = own_protocol(&mut reader).await?;
            let sdtm = sdtm::Sdtm::new(&study.code, &forms)?
                .with_outcomes(protocol.outcomes())
                .with_labs(protocol.labs())?
                .with_allocation(allocation);
            let adam = match plan.adam {
                Some(_) => Some(analysis(&mut reader, &study).await?),
                None => None,
            };
            // The metadata is built before any data is read, so a dataset it cannot describe
            // stops the export before it starts.
            let sdtm_define = match &plan.sdtm {
                Some(part) if part.define => Some(export::define::Standard {
                    model: export::define::Model::Sdtmig,
                    tables: export::define::sdtm::tables(&sdtm, "xpt")?,
                }),
                _ => None,
            };
            let adam_define = match (&plan.adam, &adam) {
                (Some(part), Some(adam)) if part.define => Some(export::define::Standard {
                    model: export::define::Model::Adamig,
                    tables: export::define::adam::tables(
                        adam.datasets(),
                        "xpt",
                        adam.responders().is_some(),
                    )?,
                }),
                _ => None,
            };
            let mut sdtm_out = match &plan.sdtm {
                Some(part) => part.open(sdtm.datasets(), &mut files)?,
                None => Vec::new(),
            };
            let mut adam_out = match (&plan.adam, &adam) {
                (Some(part), Some(adam)) => part.open(adam.datasets(), &mut files)?,
                _ => Vec::new(),
            };
            // The submission folder carries the photograph manifest beside sdtm/ and adam/.
            let mut photos = match format {
                Format::Submission => Some(PhotoManifest::new(&forms, files.open(photos::FILE)?)?),
                _ => None,
            };
            let mut rows = 0u64;
            // One subject's SDTM rows at a time: its ADaM rows are derived from them alone.
            let mut subject_rows = Vec::new();
            subjects = Some(
                each_casebook(&mut reader, &forms, page, false, |book| {
                    if let Some(photos) = &mut photos {
                        photos.casebook(book)?;
                    }
                    subject_rows.clear();
                    sdtm.casebook(book, &mut |domain, cells| {
                        if !sdtm_out.is_empty() {
                            rows += 1;
                            for out in &mut sdtm_out {
                                out.row(domain, cells)?;
                            }
                        }
                        if adam.is_some() {
                            subject_rows.push((domain, cells.to_vec()));
                        }
                        Ok(())
                    })?;
                    if let Some(adam) = &adam {
                        adam.subject(sdtm.datasets(), &subject_rows, &mut |dataset, cells| {
                            rows += 1;
                            adam_out
                                .iter_mut()
                                .try_for_each(|out| out.row(dataset, cells))
                        })?;
                    }
                    Ok(())
                })
                .await?,
            );
            for out in sdtm_out.into_iter().chain(adam_out) {
                out.finish()?;
            }
            summary.photos = photos.map(PhotoManifest::finish).transpose()?;
            if let Some(part) = &plan.sdtm {
                part.describe(
                    sdtm.datasets(),
                    sdtm_define,
                    &study,
                    &created,
                    version,
                    &mut files,
                )?;
            }
            if let (Some(part), Some(adam)) = (&plan.adam, &adam) {
                part.describe(
                    adam.datasets(),
                    adam_define,
                    &study,
                    &created,
                    version,
                    &mut files,
                )?;
                summary.not_written = adam
                    .not_written()
                    .iter()
                    .map(|n| NotWritten {
                        dataset: n.dataset.clone(),
                        reason: n.reason.clone(),
                    })
                    .collect();
            }
            summary.rows = Some(rows);
        }
        Format::Odm => {
            let file = files.open("odm.xml")?;
            let mut odm = export::odm::OdmWriter::new(file, &study, &forms, &created, version)?;
            subjects = Some(
                each_casebook(&mut reader, &forms, page, true, |book| odm.casebook(book)).await?,
            );
            summary.transactions = Some(odm.finish()?);
        }
        Format::Audit => {
            let file = files.open("audit_trail.csv")?;
            let mut trail = export::audit::AuditCsv::new(file)?;
            let mut after = 0;
            loop {
                let page = reader.trail(after, EVENTS_PER_PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.event.seq;
                for entry in page {
                    let event = audit_event(entry.event, entry.subject, entry.site);
                    trail.event(&event)?;
                }
            }
            summary.events = Some(trail.finish()?);
        }
    };
    files.names.push(MANIFEST_FILE.to_owned());
    summary.files = files.names;
    summary.subjects = subjects;
    // The manifest travels with the folder, so it names no place; what is printed does.
    write_manifest(dir, &summary)?;
    summary.out = Some(dir.display().to_string());
    Ok(summary)
}

/// The datasets of one standard (SDTM or ADaM) as a format writes them: the folder inside the
/// output folder, the file formats each dataset is written in, and whether a define.xml
/// describes them.
struct Part {
    /// "" (the output folder itself) or a folder name with its slash (`sdtm/`).
    folder: &'static str,
    formats: Vec<sdtm::FileFormat>,
    define: bool,
}

/// What a format writes of each standard.
struct Plan {
    sdtm: Option<Part>,
    adam: Option<Part>,
}

impl Plan {
    fn of(format: Format, created: jiff::civil::DateTime, provenance: Provenance) -> Plan {
        let xpt = || sdtm::FileFormat::Xpt { created };
        let json = |encoding| sdtm::FileFormat::DatasetJson {
            encoding,
            provenance: Box::new(provenance.clone()),
        };
        let part = |folder, formats, define| {
            Some(Part {
                folder,
                formats,
                define,
            })
        };
        let (sdtm, adam) = match format {
            Format::Sdtm => (part("", vec![sdtm::FileFormat::Csv], false), None),
            Format::Xpt => (part("", vec![xpt()], false), None),
            Format::Define => (part("", vec![xpt()], true), None),
            Format::DatasetJson => (part("", vec![json(Encoding::Json)], false), None),
            Format::DatasetNdjson => (part("", vec![json(Encoding::Ndjson)], false), None),
            Format::Adam => (None, part("", vec![xpt()], true)),
            // The FDA's layout (Study Data Technical Conformance Guide, section 7): tabulation
            // and analysis datasets in their own folders, each with its own define.xml.
            Format::Submission => (
                part("sdtm/", vec![xpt(), json(Encoding::Json)], true),
                part("adam/", vec![xpt(), json(Encoding::Json)], true),
            ),
            Format::Csv | Format::Odm | Format::Audit => (None, None),
        };
        Plan { sdtm, adam }
    }
}

impl Part {
    /// Opens a file per dataset in each of the part's formats.
    fn open(
        &self,
        datasets: &[export::dataset::Dataset],
        files: &mut Files,
    ) -> Result<Vec<sdtm::SdtmFiles<BufWriter<File>>>, ExportError> {
        self.formats
            .iter()
            .map(|format| {
                sdtm::SdtmFiles::open(datasets, format, |name| {
                    files.open(&format!("{}{name}", self.folder))
                })
            })
            .collect()
    }

    /// Writes what describes the datasets: `variables.csv`, and `define.xml` when the part has
    /// one.
    fn describe(
        &self,
        datasets: &[export::dataset::Dataset],
        define: Option<export::define::Standard>,
        study: &StudyInfo,
        created: &str,
        version: &str,
        files: &mut Files,
    ) -> Result<(), ExportError> {
        let metadata = files.open(&format!("{}variables.csv", self.folder))?;
        sdtm::write_metadata(datasets, metadata)?;
        if let Some(standard) = define {
            let file = files.open(&format!("{}{DEFINE_FILE}", self.folder))?;
            export::define::write(file, study, &[standard], created, version)?;
        }
        Ok(())
    }
}

/// The ADaM builder of the study's protocol: its response definitions, when it has any.
/// The study's protocol as the record keeps it, loaded.
/// How the SDTM and ADaM of this export name the arms: a study that does not randomise has one;
/// a randomised one's are blinded without `secret` and the study's arms with it. A secret is
/// refused, not ignored, where it cannot serve: a study that does not randomise, a format
/// without arms, a secret that is not the study's.
async fn allocation(
    reader: &mut Reader,
    format: Format,
    secret: Option<&Secret>,
) -> Result<Allocation, OutputError> {
    let protocol = own_protocol(reader).await?;
    let refused = |why: &str| Err(OutputError::Allocation(why.to_owned()));
    let Some(secret) = secret else {
        return Ok(match protocol.randomisation() {
            Some(_) => Allocation::Blinded,
            None => Allocation::SingleArm,
        });
    };
    let design = crate::arms::design_of(&protocol)?;
    if matches!(format, Format::Csv | Format::Odm | Format::Audit) {
        return refused(&format!(
            "the {} export holds no arms (the SDTM and ADaM formats do)",
            format.name()
        ));
    }
    reader.check_allocation_secret(secret).await?;
    let randomised = reader.randomisations().await?;
    let (arms, of) = crate::arms::replayed(design, secret, &randomised)?;
    Ok(Allocation::Unblinded { arms, of })
}

async fn own_protocol(reader: &mut Reader) -> Result<protocol::Protocol, OutputError> {
    let text = protocol_text(reader).await?;
    protocol::Protocol::from_toml(&text)
        .map_err(|error| OutputError::OwnProtocol(error.to_string()))
}

async fn analysis(reader: &mut Reader, study: &StudyInfo) -> Result<adam::Adam, OutputError> {
    let protocol = own_protocol(reader).await?;
    let definitions = protocol
        .algorithm()
        .map(|algorithm| protocol::endpoint::ResponseDefinitions::of(&algorithm.settings.response));
    // A study with `[outcomes]` measures the CLASI-50/70 responders (`adam::adrs`).
    let responders = protocol
        .file()
        .outcomes
        .as_ref()
        .map(|_| adam::adrs::Responders {
            clasi_50: protocol.outcomes().clasi_50(),
            clasi_70: protocol.outcomes().clasi_70(),
        });
    Ok(adam::Adam::new(
        &study.code,
        protocol.id(),
        definitions,
        responders,
    )?)
}

// The fields are declared alphabetically: this was a map (sorted keys) before it had a type.
/// What `export` prints and, without `out`, writes as `export.json` beside the files (as does
/// `simulate --format tidy --out`, with `source` and no `files`).
#[derive(Debug, Default, serde::Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// How a randomised study's arms were written: `blinded` (without the allocation secret,
    /// every randomised subject's arm BLINDED) or `unblinded`; absent in a study that does not
    /// randomise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocation: Option<String>,
    /// Audit trail events written (`--format audit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    /// The files written, this manifest last (none from `simulate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// csv, sdtm, xpt, dataset-json, dataset-ndjson, define, adam, submission, odm or audit.
    pub format: String,
    /// Datasets of the format the study's protocol gives no content for, each with the reason
    /// (`adam` without response definitions: ADRS and ADTTE).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_written: Vec<NotWritten>,
    /// The folder written; printed only, never in export.json.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub out: Option<String>,
    /// Rows of the photograph manifest `photos.csv` (`csv`, `submission`): a photograph per
    /// central reading of it, or one row when unread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<u64>,
    /// Data rows written (`csv`, `sdtm`, `xpt`, `dataset-json`, `dataset-ndjson`, `define`, `adam`;
    /// `submission`: the SDTM and ADaM rows, each counted once however many formats hold it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// What wrote a folder other than `export` (`cletrial simulate --format tidy`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The study code (or, for a simulated cohort, the protocol's id).
    pub study: String,
    /// Subjects exported (every format but `audit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subjects: Option<u64>,
    /// ODM ClinicalData transactions written (`--format odm`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<u64>,
    /// The version of cletrial that wrote the files.
    pub written_by: String,
}

/// A dataset not written, and why.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct NotWritten {
    pub dataset: String,
    pub reason: String,
}

/// Writes `export.json` beside the files: what was exported, by which version of cletrial.
pub fn write_manifest(dir: &Path, summary: &Summary) -> Result<(), OutputError> {
    // Strings and numbers always serialise.
    let text = serde_json::to_string_pretty(summary).unwrap_or_default();
    let path = dir.join(MANIFEST_FILE);
    std::fs::write(&path, text + "\n").map_err(|error| OutputError::Manifest { path, error })
}

/// Hands every subject's casebook to `write`, a page at a time; returns the number of subjects.
async fn each_casebook(
    reader: &mut Reader,
    forms: &Forms,
    page: i64,
    with_events: bool,
    mut write_book: impl FnMut(&Casebook) -> Result<(), ExportError>,
) -> Result<u64, OutputError> {
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = reader.casebooks(after, page, with_events).await?;
        let Some(last) = page.last() else {
            return Ok(count);
        };
        after = last.subject.id;
        for book in page {
            let code = book.code().to_owned();
            let book = Casebook {
                code,
                site: book.site,
                subject: form_record(forms, &book.subject),
                records: book.records.iter().map(|r| form_record(forms, r)).collect(),
                events: book
                    .events
                    .into_iter()
                    .map(|event| {
                        let subject = Some(book.subject.get("code").map_or_else(String::new, text));
                        audit_event(event, subject, None)
                    })
                    .collect(),
            };
            write_book(&book)?;
            count += 1;
        }
    }
}

/// The protocol the study was recorded under, as its TOML text.
async fn protocol_text(reader: &mut Reader) -> Result<String, OutputError> {
    reader
        .study_records("study")
        .await?
        .first()
        .and_then(|study| study.get("protocol_text").map(text))
        .ok_or(OutputError::Empty("protocol"))
}

fn text(value: &Value) -> String {
    value.as_text().unwrap_or_default().to_owned()
}

/// The protocol the tidy tables were recorded under, written beside them (`report --csv` reads
/// its definitions from it).
pub const PROTOCOL_FILE: &str = "protocol.toml";
/// Beside the tidy tables: what the cohort is (`record`, `demo` or `synthetic`), which the report
/// prints in its header.
pub const COHORT_FILE: &str = "cohort.txt";
/// The Define-XML file of `--format define` and `--format adam`.
pub const DEFINE_FILE: &str = "define.xml";
/// Beside every export's files: the summary `export` prints, with the version that wrote them.
pub const MANIFEST_FILE: &str = "export.json";
/// The study codes of `cletrial demo` end in this.
pub const DEMO_SUFFIX: &str = "-demo";

/// The study, its users, sites and signature meanings.
async fn study_info(reader: &mut Reader) -> Result<StudyInfo, OutputError> {
    let study = reader.study_records("study").await?;
    let study = study.first().ok_or(OutputError::Empty("study"))?;
    let get = |record: &Record, field: &str| record.get(field).map_or_else(String::new, text);
    let users = reader.study_records("user").await?;
    let sites = reader.study_records("site").await?;
    // A patient who answered through a link is an actor of the trail without an account: named
    // by the link alone, never by name, and with no user id (0: ids start at 1).
    let patients = reader.patient_actors().await?;
    Ok(StudyInfo {
        code: get(study, "code"),
        title: get(study, "title"),
        protocol_version: study
            .get("protocol_version")
            .and_then(Value::as_int)
            .unwrap_or(1),
        users: users
            .iter()
            .map(|user| (user.id, get(user, "login"), get(user, "printed_name")))
            .chain(patients.into_iter().map(|actor| (0, actor.clone(), actor)))
            .collect(),
        sites: sites
            .iter()
            .map(|site| (get(site, "code"), get(site, "name")))
            .collect(),
        signature_meanings: Meaning::ALL.iter().map(|m| m.as_str().to_owned()).collect(),
    })
}

/// The forms of a subject: every entity kept per subject, the subject first.
pub fn forms() -> Forms {
    Forms(
        Entity::all()
            .filter(Entity::per_subject)
            .map(|entity| FormDef {
                name: entity.name().to_owned(),
                fields: entity
                    .fields()
                    .map(|field| FieldDef {
                        name: field.name.to_owned(),
                        ty: field_type(field.ty),
                        required: field.required,
                        refers_to: field.refers_to.map(str::to_owned),
                        missing: field.missing,
                    })
                    .collect(),
            })
            .collect(),
    )
}

fn field_type(ty: Ty) -> FieldType {
    match ty {
        Ty::Text => FieldType::Text,
        Ty::Int => FieldType::Integer,
        Ty::Bool => FieldType::Boolean,
        Ty::Date => FieldType::Date,
    }
}

/// A stored value as an export entry; blank stays blank.
pub fn entry(value: Option<&Value>) -> Recorded {
    match value {
        None => Recorded::BLANK,
        Some(Value::Text(text)) => Recorded::Value(Datum::Text(text.clone())),
        Some(Value::Int(number)) => Recorded::Value(Datum::Integer(*number)),
        Some(Value::Bool(flag)) => Recorded::Value(Datum::Boolean(*flag)),
        Some(Value::Date(date)) => Recorded::Value(Datum::Date(*date)),
        Some(Value::Missing(missing)) => Recorded::Missing(match missing {
            store::Missing::NotDone => export::Missing::NotDone,
            store::Missing::NotApplicable => export::Missing::NotApplicable,
            store::Missing::Unknown => export::Missing::Unknown,
        }),
    }
}

fn form_record(forms: &Forms, record: &Record) -> FormRecord {
    FormRecord {
        form: forms.index(record.entity.name()).unwrap_or(usize::MAX),
        id: record.id,
        removed: record.removed,
        entries: record.values.iter().map(|v| entry(v.as_ref())).collect(),
    }
}

/// An audit event with its new value read with the field's type.
fn audit_event(event: store::Event, subject: Option<String>, site: Option<String>) -> AuditEvent {
    let ty = Entity::named(&event.entity).and_then(|entity| {
        entity
            .fields()
            .find(|field| Some(field.name) == event.field.as_deref())
            .map(|field| field.ty)
    });
    let new_entry = match (ty, &event.new_value) {
        (Some(ty), Some(text)) => match Value::from_canonical(ty, text) {
            Some(value) => entry(Some(&value)),
            None => Recorded::Value(Datum::Text(text.clone())),
        },
        _ => Recorded::BLANK,
    };
    AuditEvent {
        seq: event.seq,
        recorded_at: event.recorded_at,
        actor: event.actor,
        site,
        subject,
        entity: event.entity,
        entity_id: event.entity_id,
        action: event.action,
        field: event.field,
        old_value: event.old_value,
        new_value: event.new_value,
        new_entry,
        reason: event.reason,
        version: event.version,
        prev_hash: event.prev_hash,
        hash: event.hash,
    }
}
