//! What the writers read: the study record described by its forms, a subject at a time (a
//! casebook), and its audit trail. The binary fills these from the store page by page, so the
//! writers never hold more than one subject.

use jiff::civil::Date;

use crate::dataset::Missing;

/// The type of a form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    Boolean,
    Date,
}

impl FieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: String,
    pub ty: FieldType,
    pub required: bool,
    /// For references: the form whose record id the field holds.
    pub refers_to: Option<String>,
    /// Whether the field may hold a missing code instead of a value.
    pub missing: bool,
}

/// One kind of record kept per subject (`subject`, `visit`, `clasi`, `lab`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormDef {
    pub name: String,
    pub fields: Vec<FieldDef>,
}

impl FormDef {
    pub fn position(&self, field: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == field)
    }

    /// Whether the form's records can belong to a visit.
    pub fn at_visits(&self) -> bool {
        self.position(VISIT_REF).is_some()
    }
}

/// The field by which a record names its subject, and the one naming its visit.
pub const SUBJECT_REF: &str = "subject_id";
pub const VISIT_REF: &str = "visit_id";

/// One typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Datum {
    Text(String),
    Integer(i64),
    Boolean(bool),
    Date(Date),
}

impl Datum {
    /// Plain text: numbers in decimal, `true`/`false`, ISO 8601 dates.
    pub fn plain(&self) -> String {
        match self {
            Datum::Text(text) => text.clone(),
            Datum::Integer(number) => number.to_string(),
            Datum::Boolean(flag) => flag.to_string(),
            Datum::Date(date) => date.to_string(),
        }
    }
}

/// A field as recorded: a value, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    Value(Datum),
    Missing(Missing),
}

impl Recorded {
    pub const BLANK: Recorded = Recorded::Missing(Missing::Blank);

    pub fn datum(&self) -> Option<&Datum> {
        match self {
            Recorded::Value(datum) => Some(datum),
            Recorded::Missing(_) => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self.datum() {
            Some(Datum::Text(text)) => Some(text),
            _ => None,
        }
    }

    pub fn integer(&self) -> Option<i64> {
        match self.datum() {
            Some(Datum::Integer(number)) => Some(*number),
            _ => None,
        }
    }

    pub fn boolean(&self) -> Option<bool> {
        match self.datum() {
            Some(Datum::Boolean(flag)) => Some(*flag),
            _ => None,
        }
    }

    pub fn date(&self) -> Option<Date> {
        match self.datum() {
            Some(Datum::Date(date)) => Some(*date),
            _ => None,
        }
    }
}

/// One record of a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormRecord {
    /// The form's index in the [`Forms`].
    pub form: usize,
    pub id: i64,
    /// Withdrawn as entered in error (its history stays in the trail).
    pub removed: bool,
    /// One entry per field of the form, in order.
    pub entries: Vec<Recorded>,
}

/// Every form, the subject form included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forms(pub Vec<FormDef>);

impl Forms {
    pub fn index(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|form| form.name == name)
    }

    pub fn get(&self, index: usize) -> &FormDef {
        &self.0[index]
    }

    /// The entry of `field` in `record` (blank when the form has no such field).
    pub fn entry<'a>(&self, record: &'a FormRecord, field: &str) -> &'a Recorded {
        self.0
            .get(record.form)
            .and_then(|form| form.position(field))
            .and_then(|i| record.entries.get(i))
            .unwrap_or(&Recorded::BLANK)
    }
}

/// Everything recorded about one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Casebook {
    /// The pseudonymous study id.
    pub code: String,
    /// The site's code.
    pub site: String,
    /// The subject record itself (form `subject`).
    pub subject: FormRecord,
    /// Every other record of the subject, visits included, each form by id.
    pub records: Vec<FormRecord>,
    /// The subject's audit events in order (filled for ODM only).
    pub events: Vec<AuditEvent>,
}

impl Casebook {
    /// The live records of form `form`.
    pub fn live(&self, form: usize) -> impl Iterator<Item = &FormRecord> {
        self.records
            .iter()
            .filter(move |record| record.form == form && !record.removed)
    }

    /// The record of `form` with `id` (removed ones too).
    pub fn find(&self, form: usize, id: i64) -> Option<&FormRecord> {
        self.records
            .iter()
            .find(|record| record.form == form && record.id == id)
    }
}

/// One audit event. Values are typed where the field is known; `text_*` keep the stored
/// canonical text for the audit CSV and the hash chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    /// UTC, RFC 3339.
    pub recorded_at: String,
    pub actor: String,
    pub site: Option<String>,
    pub subject: Option<String>,
    pub entity: String,
    pub entity_id: i64,
    /// `create`, `update` or `remove`.
    pub action: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// The new value read with the field's type (blank when cleared).
    pub new_entry: Recorded,
    pub reason: Option<String>,
    pub version: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// The study as a whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudyInfo {
    pub code: String,
    pub title: String,
    pub protocol_version: i64,
    /// Users by (record id, login, printed name).
    pub users: Vec<(i64, String, String)>,
    /// Sites by (code, name).
    pub sites: Vec<(String, String)>,
    /// What a signature can mean (authorship, review, ...).
    pub signature_meanings: Vec<String>,
}

impl StudyInfo {
    /// The study's OID (`ST.LENA-CLE`): ODM's and Define-XML's `Study/@OID` and Dataset-JSON's
    /// `studyOID` name it alike.
    pub fn oid(&self) -> String {
        format!("ST.{}", self.code)
    }

    /// The OID of the metadata of its protocol version (`MDV.1`), as `oid`.
    pub fn metadata_version_oid(&self) -> String {
        format!("MDV.{}", self.protocol_version)
    }

    /// The OID of the Define-XML's MetaDataVersion (`MDV.LENA-CLE.DEFINE`), which Dataset-JSON's
    /// `metaDataVersionOID` names as its foreign key.
    pub fn define_metadata_version_oid(&self) -> String {
        format!("MDV.{}.DEFINE", self.code)
    }
}
