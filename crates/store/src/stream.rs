//! Paged reads of the whole record, for exports: one read transaction (so every page comes from
//! the same consistent state), the study-wide records, then subjects a page at a time with every
//! record and audit event that belongs to them, then the audit trail a page at a time. Memory is
//! bounded by the page size, never by the size of the study.

use crate::Refusal;
use crate::Store;
use crate::db::Tx;
use crate::error::StoreError;
use crate::event::{self, Event};
use crate::schema::{self, Kind, Scope};
use crate::value::{Ty, Value};
use crate::writer;

/// One kind of record, as exports describe it.
#[derive(Clone, Copy, Debug)]
pub struct Entity {
    kind: &'static Kind,
}

/// One field of an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntityField {
    pub name: &'static str,
    pub ty: Ty,
    /// Never blank.
    pub required: bool,
    /// For references: the entity whose id the field holds.
    pub refers_to: Option<&'static str>,
    /// Whether the field may hold a missing code (not done, not applicable, unknown).
    pub missing: bool,
}

impl Entity {
    /// The name in the audit trail (`clasi`, `lab`, ...).
    pub fn name(&self) -> &'static str {
        self.kind.name
    }

    pub fn fields(&self) -> impl Iterator<Item = EntityField> {
        self.kind.fields.iter().map(|field| EntityField {
            name: field.name,
            ty: field.ty,
            required: field.required,
            refers_to: field.refers_to.map(|kind| kind.name),
            missing: field.missing,
        })
    }

    /// Whether records of this entity belong to one subject (the subject itself included).
    pub fn per_subject(&self) -> bool {
        matches!(self.kind.scope, Scope::Subject(_) | Scope::OwnSubject(_))
    }

    /// Whether records of this entity are a subject's data (the subject and its casebook), which
    /// a monitor queries, verifies and locks; not the records about them (signatures, queries,
    /// verifications, locks).
    pub fn is_casebook_data(&self) -> bool {
        schema::is_data_record(self.kind)
    }

    /// Every entity, parents before children.
    pub fn all() -> impl Iterator<Item = Entity> {
        schema::KINDS.iter().map(|kind| Entity { kind })
    }

    /// The entity named `name`.
    pub fn named(name: &str) -> Option<Entity> {
        schema::kind(name).map(|kind| Entity { kind })
    }
}

/// One record as its projection holds it (removed records too, flagged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub entity: Entity,
    pub id: i64,
    pub version: i64,
    /// Withdrawn as entered in error; kept with its history.
    pub removed: bool,
    /// The last audit event that touched the record.
    pub last_seq: i64,
    /// One value per field of the entity, in order; `None` is blank.
    pub values: Vec<Option<Value>>,
}

impl PartialEq for Entity {
    fn eq(&self, other: &Entity) -> bool {
        std::ptr::eq(self.kind, other.kind)
    }
}
impl Eq for Entity {}

impl Record {
    /// The value of `field` (`None`: blank or no such field).
    pub fn get(&self, field: &str) -> Option<&Value> {
        let i = self
            .entity
            .kind
            .fields
            .iter()
            .position(|f| f.name == field)?;
        self.values.get(i).and_then(Option::as_ref)
    }

    fn from_row(kind: &'static Kind, values: Vec<Option<Value>>) -> Record {
        let (id, row) = writer::row_from(kind, values);
        Record {
            entity: Entity { kind },
            id,
            version: row.version,
            removed: row.removed,
            last_seq: row.last_seq,
            values: kind
                .fields
                .iter()
                .map(|field| row.fields.get(field.name).cloned().flatten())
                .collect(),
        }
    }
}

/// Everything recorded about one subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Casebook {
    pub subject: Record,
    /// The code of the subject's site.
    pub site: String,
    /// Every record of the subject (visits first, then each entity in schema order), by id.
    pub records: Vec<Record>,
    /// The subject's audit events in order, when asked for.
    pub events: Vec<Event>,
}

impl Casebook {
    /// The subject's pseudonymous study id.
    pub fn code(&self) -> &str {
        self.subject
            .get("code")
            .and_then(Value::as_text)
            .unwrap_or_default()
    }

    /// The subject's records of one entity, by id.
    pub fn of<'a>(&'a self, entity: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.records
            .iter()
            .filter(move |record| record.entity.name() == entity)
    }
}

/// One audit event with the study ids it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrailEntry {
    pub event: Event,
    /// The subject's study id, for events about a subject's records.
    pub subject: Option<String>,
    /// The site's code, for events scoped to a site.
    pub site: Option<String>,
}

/// A consistent read of the whole record, page by page.
pub struct Reader {
    tx: Tx,
    sites: Vec<(i64, String)>,
}

impl Store {
    /// Opens one read transaction for an export; it sees no change made after this call.
    pub async fn reader(&self) -> Result<Reader, StoreError> {
        let mut tx = self.pool.read().await?;
        let sites = writer::load_all(&mut tx, &schema::SITE)
            .await?
            .into_iter()
            .map(|(id, row)| (id, row.text("code").unwrap_or_default().to_owned()))
            .collect();
        Ok(Reader { tx, sites })
    }
}

/// The subject-scoped kinds, the subject excluded, visits first.
fn subject_kinds() -> impl Iterator<Item = &'static Kind> {
    schema::KINDS
        .iter()
        .copied()
        .filter(|kind| matches!(kind.scope, Scope::Subject(_)))
}

impl Reader {
    /// Every randomisation, by number, in this read (as [`Store::randomisations`]).
    pub async fn randomisations(&mut self) -> Result<Vec<crate::Randomisation>, StoreError> {
        crate::randomisation::randomisations_in(&mut self.tx).await
    }

    /// Refuses `secret` unless it is the study's allocation secret, in this read (as
    /// [`Store::check_allocation_secret`]).
    pub async fn check_allocation_secret(
        &mut self,
        secret: &protocol::allocation::Secret,
    ) -> Result<(), StoreError> {
        crate::allocation_check::require_secret(&mut self.tx, secret).await
    }

    /// The trail's names of the patients who answered through a one-time link
    /// (`patient (link N)`, one per link issued, by id): actors without an account, whom a
    /// format that lists the trail's users (ODM's `AdminData`) must list too.
    pub async fn patient_actors(&mut self) -> Result<Vec<String>, StoreError> {
        let rows = self
            .tx
            .fetch("SELECT id FROM patient_link ORDER BY id", &[], &[Ty::Int])
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten()?.as_int())
            .map(|id| crate::auth::Actor::patient(id).login().to_owned())
            .collect())
    }

    /// Every record of a study-wide entity (study, site, user, grant), by id.
    pub async fn study_records(&mut self, entity: &str) -> Result<Vec<Record>, StoreError> {
        let kind = schema::kind(entity)
            .filter(|kind| !matches!(kind.scope, Scope::Subject(_) | Scope::OwnSubject(_)))
            .ok_or_else(|| {
                StoreError::invalid(
                    "entity",
                    Refusal::of("refusal-not-study-wide").with("entity", entity),
                )
            })?;
        let (list, types) = writer::select_list(kind);
        let rows = self
            .tx
            .fetch(
                &format!("SELECT {list} FROM {} ORDER BY id", kind.table),
                &[],
                &types,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|values| Record::from_row(kind, values))
            .collect())
    }

    /// Up to `limit` subjects with id above `after` (removed ones too), each with all its
    /// records and, when `with_events`, its audit events. Empty when there are no more.
    pub async fn casebooks(
        &mut self,
        after: i64,
        limit: i64,
        with_events: bool,
    ) -> Result<Vec<Casebook>, StoreError> {
        let (list, types) = writer::select_list(&schema::SUBJECT);
        let subjects = self
            .tx
            .fetch(
                &format!("SELECT {list} FROM subject WHERE id > $1 ORDER BY id LIMIT $2"),
                &[after.into(), limit.into()],
                &types,
            )
            .await?;
        let mut books: Vec<Casebook> = Vec::with_capacity(subjects.len());
        for values in subjects {
            let subject = Record::from_row(&schema::SUBJECT, values);
            let site_id = subject.get("site_id").and_then(Value::as_int);
            let site = self
                .sites
                .iter()
                .find(|(id, _)| Some(*id) == site_id)
                .map(|(_, code)| code.clone())
                .ok_or_else(|| StoreError::corrupt("a subject names no site"))?;
            books.push(Casebook {
                subject,
                site,
                records: Vec::new(),
                events: Vec::new(),
            });
        }
        let (Some(first), Some(last)) = (books.first(), books.last()) else {
            return Ok(books);
        };
        let (first, last) = (first.subject.id, last.subject.id);
        let index = |books: &[Casebook], subject_id: Option<i64>| {
            subject_id.and_then(|id| books.binary_search_by_key(&id, |book| book.subject.id).ok())
        };
        for kind in subject_kinds() {
            let (list, types) = writer::select_list(kind);
            let rows = self
                .tx
                .fetch(
                    &format!(
                        "SELECT {list} FROM {} WHERE subject_id BETWEEN $1 AND $2 \
                         ORDER BY subject_id, id",
                        kind.table
                    ),
                    &[first.into(), last.into()],
                    &types,
                )
                .await?;
            for values in rows {
                let record = Record::from_row(kind, values);
                let subject_id = record.get("subject_id").and_then(Value::as_int);
                let i = index(&books, subject_id).ok_or_else(|| {
                    StoreError::corrupt(format!("a {} names no subject", kind.name))
                })?;
                books[i].records.push(record);
            }
        }
        if with_events {
            let rows = self
                .tx
                .fetch(
                    &format!(
                        "SELECT {} FROM audit_event WHERE subject_id BETWEEN $1 AND $2 \
                         ORDER BY subject_id, seq",
                        event::COLUMNS
                    ),
                    &[first.into(), last.into()],
                    event::TYPES,
                )
                .await?;
            for event in rows.into_iter().map(event::from_row) {
                if let Some(i) = index(&books, event.subject_id) {
                    books[i].events.push(event);
                }
            }
        }
        Ok(books)
    }

    /// Up to `limit` audit events after `after_seq`, in order, with the study ids they concern.
    pub async fn trail(
        &mut self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<TrailEntry>, StoreError> {
        let columns = event::COLUMNS
            .split(", ")
            .map(|column| format!("e.{column}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut types = event::TYPES.to_vec();
        types.extend([Ty::Text, Ty::Text]);
        let rows = self
            .tx
            .fetch(
                &format!(
                    "SELECT {columns}, s.code, t.code FROM audit_event e \
                     LEFT JOIN subject s ON s.id = e.subject_id \
                     LEFT JOIN site t ON t.id = e.site_id \
                     WHERE e.seq > $1 ORDER BY e.seq LIMIT $2"
                ),
                &[after_seq.into(), limit.into()],
                &types,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|mut values| {
                let site = values.pop().flatten();
                let subject = values.pop().flatten();
                let text =
                    |value: Option<Value>| value.and_then(|v| v.as_text().map(str::to_owned));
                TrailEntry {
                    event: event::from_row(values),
                    subject: text(subject),
                    site: text(site),
                }
            })
            .collect())
    }
}
