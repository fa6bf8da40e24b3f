//! The one write path: every command opens a [`Writer`], which holds the writer lock, appends
//! hash-chained events and updates the projections in the same transaction. Nothing is written
//! unless [`Writer::commit`] runs, so a refused command leaves the database unchanged.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use protocol::Protocol;

use crate::Refusal;
use crate::db::{Arg, Pool, Tx};
use crate::error::{Conflict, StoreError};
use crate::event::{self, Action, Event, GENESIS_HASH};
use crate::schema::{Field, Kind, Scope};
use crate::value::{Missing, Ty, Value, canonical};

/// A reason for change: required for every change after first entry, whatever the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    const MAX_CHARS: usize = 1000;

    /// A reason is non-blank text of at most 1000 characters, without control characters.
    pub fn new(text: &str) -> Result<Reason, StoreError> {
        crate::check::printable("reason", text)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::ReasonRequired);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(StoreError::invalid(
                "reason",
                Refusal::of("refusal-too-long").with("max", Self::MAX_CHARS),
            ));
        }
        Ok(Reason(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The current state of one record, as the projection holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub version: i64,
    pub removed: bool,
    /// The last event that touched the record (who changed it last, and when).
    pub last_seq: i64,
    pub fields: BTreeMap<&'static str, Option<Value>>,
}

impl Row {
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.fields.get(field).and_then(Option::as_ref)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Value::as_text)
    }

    pub fn int(&self, field: &str) -> Option<i64> {
        self.get(field).and_then(Value::as_int)
    }

    pub fn flag(&self, field: &str) -> Option<bool> {
        self.get(field).and_then(Value::as_bool)
    }

    pub fn date(&self, field: &str) -> Option<jiff::civil::Date> {
        self.get(field).and_then(Value::as_date)
    }

    /// A required field, or the error naming it (the table holds what the writer never writes).
    pub(crate) fn need<T>(&self, field: &str, value: Option<T>) -> Result<T, StoreError> {
        value.ok_or_else(|| StoreError::corrupt(format!("required field {field} is blank")))
    }
}

/// The fields a command sets, by name; `None` blanks a field.
pub type Changes = Vec<(&'static str, Option<Value>)>;

pub(crate) struct Writer {
    tx: Tx,
    pool: Pool,
    actor: String,
    recorded_at: String,
    last_seq: i64,
    last_hash: String,
    /// Why the whole transaction was run (an import), written on every event that has no
    /// reason of its own.
    note: Option<Reason>,
    /// The study's protocol as this transaction has it, once read ([`Writer::protocol_read`]).
    protocol: Option<Arc<Protocol>>,
    /// Subjects seen in this transaction to have no lock that holds, no valid signature and no
    /// standing verification ([`Writer::meets_nothing`]).
    unmet: BTreeSet<i64>,
    /// What [`Writer::known`] read or the writer wrote in this transaction.
    seen: Seen,
}

/// What [`Writer::known`] would read again at every save of a batch: which records are live, each
/// subject's site, each kind's highest id. While the writer holds the lock only it changes them,
/// and it keeps them as it writes: a record it creates is live and the highest of its kind, a
/// record it removes is not live, a subject it changes may have moved site. A command undone
/// forgets everything.
#[derive(Default)]
struct Seen {
    /// (table, id) of records read or written live.
    live: BTreeSet<(&'static str, i64)>,
    /// Subject id to its site.
    site_of: BTreeMap<i64, i64>,
    /// Table to its highest id (`None`: the table is empty).
    max_id: BTreeMap<&'static str, Option<i64>>,
}

/// What [`Writer::known`] read: the referenced fields whose records are live, the subject the
/// record is about with its site, the highest id of the kind.
#[derive(Default)]
struct Known {
    live: Vec<(&'static str, i64)>,
    subject_site: Option<(i64, Option<i64>)>,
    max_id: Option<i64>,
}

/// The chain head at a savepoint, restored when the command after it is undone.
pub(crate) struct Mark {
    last_seq: i64,
    last_hash: String,
}

/// The time written into events: UTC with microseconds, so text order is time order.
pub(crate) fn now_text() -> String {
    format!("{:.6}", jiff::Timestamp::now())
}

impl Writer {
    /// Takes the writer lock and reads the chain head. `actor` is a login.
    pub(crate) async fn begin(pool: &Pool, actor: &str) -> Result<Writer, StoreError> {
        let mut tx = pool.write().await?;
        let head = tx
            .fetch_optional(
                "SELECT seq, hash, recorded_at FROM audit_event ORDER BY seq DESC LIMIT 1",
                &[],
                &[Ty::Int, Ty::Text, Ty::Text],
            )
            .await?;
        let now = now_text();
        let (last_seq, last_hash, recorded_at) = match head.as_deref() {
            Some(
                [
                    Some(Value::Int(seq)),
                    Some(Value::Text(hash)),
                    Some(Value::Text(last)),
                ],
            ) => {
                // Times in the trail never go backwards, even if the clock is set back: a
                // command then carries the previous event's time (ALCOA+ "consistent").
                (*seq, hash.clone(), now.max(last.clone()))
            }
            _ => (0, GENESIS_HASH.to_owned(), now),
        };
        Ok(Writer {
            tx,
            pool: pool.clone(),
            actor: actor.to_owned(),
            recorded_at,
            last_seq,
            last_hash,
            note: None,
            protocol: None,
            unmet: BTreeSet::new(),
            seen: Seen::default(),
        })
    }

    /// Records `note` on every later event that has no reason of its own.
    pub(crate) fn set_note(&mut self, note: Reason) {
        self.note = Some(note);
    }

    /// Why the whole transaction runs, when its caller said (an import).
    pub(crate) fn note(&self) -> Option<&Reason> {
        self.note.as_ref()
    }

    /// Starts a command that can be undone alone (SQL savepoint), leaving the rest of the
    /// transaction as it was.
    pub(crate) async fn mark(&mut self) -> Result<Mark, StoreError> {
        self.tx.execute("SAVEPOINT command", &[]).await?;
        Ok(Mark {
            last_seq: self.last_seq,
            last_hash: self.last_hash.clone(),
        })
    }

    /// Ends the command started at `mark`: kept when it succeeded, undone (rows and chain head)
    /// when it `failed`, so a refused command leaves the transaction as it found it. An error
    /// here is the savepoint's own: the transaction can then no longer be trusted.
    pub(crate) async fn settle(&mut self, mark: Mark, failed: bool) -> Result<(), StoreError> {
        if failed {
            self.tx
                .execute("ROLLBACK TO SAVEPOINT command", &[])
                .await?;
            self.last_seq = mark.last_seq;
            self.last_hash = mark.last_hash;
            // The command undone may have written what was read since.
            self.protocol = None;
            self.unmet.clear();
            self.seen = Seen::default();
        }
        self.tx.execute("RELEASE SAVEPOINT command", &[]).await?;
        Ok(())
    }

    /// The login the next events are recorded for (a group transaction serves many users).
    pub(crate) fn set_actor(&mut self, login: &str) {
        login.clone_into(&mut self.actor);
    }

    pub(crate) fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// The study's protocol as this transaction has read it (`study::protocol_for`): while the
    /// writer holds the lock only its own commands change the study, and it forgets what it
    /// read when it writes the study ([`Writer::wrote`]) or undoes a command.
    pub(crate) fn protocol_read(&self) -> Option<Arc<Protocol>> {
        self.protocol.clone()
    }

    /// Remembers the study's protocol as read in this transaction.
    pub(crate) fn protocol_was_read(&mut self, protocol: Arc<Protocol>) {
        self.protocol = Some(protocol);
    }

    /// Whether `subject` was seen in this transaction to have no lock that holds, no valid
    /// signature and no standing verification (`changed`): true until the writer writes a lock,
    /// a signature or a verification, or undoes a command.
    pub(crate) fn meets_nothing(&self, subject: i64) -> bool {
        self.unmet.contains(&subject)
    }

    /// Notes that `subject` has no lock that holds, no valid signature and no standing
    /// verification, as read in this transaction.
    pub(crate) fn met_nothing(&mut self, subject: i64) {
        self.unmet.insert(subject);
    }

    /// Forgets what this transaction read that a write of `kind` may change.
    fn wrote(&mut self, kind: &Kind) {
        use crate::schema::{LOCK, SIGNATURE, STUDY, VERIFICATION};
        if std::ptr::eq(kind, &STUDY) {
            self.protocol = None;
        }
        if [&LOCK, &SIGNATURE, &VERIFICATION]
            .into_iter()
            .any(|changes| std::ptr::eq(kind, changes))
        {
            self.unmet.clear();
        }
    }

    pub(crate) fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// The time every event of this command carries.
    pub(crate) fn recorded_at(&self) -> &str {
        &self.recorded_at
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        self.pool.committed();
        Ok(())
    }

    /// Creates a record from `changes` (every required field must be present) and returns its id.
    pub(crate) async fn create(
        &mut self,
        kind: &'static Kind,
        changes: Changes,
    ) -> Result<i64, StoreError> {
        Ok(self.create_row(kind, changes).await?.0)
    }

    /// As [`Writer::create`], returning also the row as written: what [`load`] would read back
    /// in this transaction, so a command that answers with the new record need not read it.
    pub(crate) async fn create_row(
        &mut self,
        kind: &'static Kind,
        changes: Changes,
    ) -> Result<(i64, Row), StoreError> {
        self.wrote(kind);
        let (fields, known) = self.checked(kind, changes, true).await?;
        for field in kind.fields.iter().filter(|field| field.required) {
            if fields.get(field.name).is_none_or(Option::is_none) {
                return Err(StoreError::invalid(
                    field.name,
                    Refusal::of("refusal-required"),
                ));
            }
        }
        let id = known.max_id.unwrap_or(0) + 1;
        let mut row = Row {
            version: 1,
            removed: false,
            last_seq: 0,
            fields: kind
                .fields
                .iter()
                .map(|field| (field.name, fields.get(field.name).cloned().flatten()))
                .collect(),
        };
        let (site_id, subject_id) = self.scope(kind, id, &row, known.subject_site).await?;
        let events: Vec<Event> = kind
            .fields
            .iter()
            .filter_map(|field| {
                let value = row.get(field.name)?;
                Some(self.chain(
                    kind,
                    id,
                    site_id,
                    subject_id,
                    Action::Create,
                    Some(field.name),
                    None,
                    Some(value),
                    None,
                    1,
                ))
            })
            .collect();
        event::insert(&mut self.tx, &events).await?;
        let mut names = vec!["id", "version", "removed", "last_seq"];
        names.extend(kind.fields.iter().map(|field| field.name));
        let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let mut args: Vec<Arg> = vec![
            id.into(),
            1.into(),
            Arg::Bool(Some(false)),
            self.last_seq.into(),
        ];
        args.extend(
            kind.fields
                .iter()
                .map(|field| Arg::field(field.ty, row.get(field.name))),
        );
        self.tx
            .execute(
                &format!(
                    "INSERT INTO {} ({}) VALUES ({})",
                    kind.table,
                    names.join(", "),
                    placeholders.join(", ")
                ),
                &args,
            )
            .await?;
        row.last_seq = self.last_seq;
        self.seen.live.insert((kind.table, id));
        self.seen.max_id.insert(kind.table, Some(id));
        if let Scope::OwnSubject(site) = kind.scope
            && let Some(site) = row.int(site)
        {
            self.seen.site_of.insert(id, site);
        }
        Ok((id, row))
    }

    /// Changes fields of a record whose current version is `based_on`; returns the new version.
    /// Fields that already hold the given value make no event; when none change, nothing is written.
    pub(crate) async fn update(
        &mut self,
        kind: &'static Kind,
        id: i64,
        based_on: i64,
        reason: &Reason,
        changes: Changes,
    ) -> Result<i64, StoreError> {
        self.wrote(kind);
        let (fields, known) = self.checked(kind, changes, false).await?;
        let current = self.current(kind, id, based_on).await?;
        let changed: Vec<(&'static Field, Option<Value>)> = kind
            .fields
            .iter()
            .filter_map(|field| {
                let new = fields.get(field.name)?.clone();
                (current.get(field.name) != new.as_ref()).then_some((field, new))
            })
            .collect();
        if changed.is_empty() {
            return Ok(current.version);
        }
        if let Some((field, _)) = changed
            .iter()
            .find(|(field, new)| field.required && new.is_none())
        {
            return Err(StoreError::invalid(
                field.name,
                Refusal::of("refusal-required-not-blank"),
            ));
        }
        let mut after = current.clone();
        for (field, new) in &changed {
            after.fields.insert(field.name, new.clone());
        }
        let (site_id, subject_id) = self.scope(kind, id, &after, known.subject_site).await?;
        let version = current.version + 1;
        let events: Vec<Event> = changed
            .iter()
            .map(|(field, new)| {
                self.chain(
                    kind,
                    id,
                    site_id,
                    subject_id,
                    Action::Update,
                    Some(field.name),
                    current.get(field.name),
                    new.as_ref(),
                    Some(reason),
                    version,
                )
            })
            .collect();
        event::insert(&mut self.tx, &events).await?;
        let sets: Vec<String> = changed
            .iter()
            .enumerate()
            .map(|(i, (field, _))| format!("{} = ${}", field.name, i + 3))
            .collect();
        let mut args: Vec<Arg> = vec![version.into(), self.last_seq.into()];
        args.extend(
            changed
                .iter()
                .map(|(field, new)| Arg::field(field.ty, new.as_ref())),
        );
        args.extend([id.into(), based_on.into()]);
        if let Scope::OwnSubject(_) = kind.scope {
            self.seen.site_of.remove(&id);
        }
        let n = args.len();
        self.write_row(
            &format!(
                "UPDATE {} SET version = $1, last_seq = $2, {} WHERE id = ${} AND version = ${}",
                kind.table,
                sets.join(", "),
                n - 1,
                n
            ),
            &args,
        )
        .await?;
        Ok(version)
    }

    /// Withdraws a record from current state. The record and its history stay.
    pub(crate) async fn remove(
        &mut self,
        kind: &'static Kind,
        id: i64,
        based_on: i64,
        reason: &Reason,
    ) -> Result<(), StoreError> {
        self.wrote(kind);
        let current = self.current(kind, id, based_on).await?;
        let (site_id, subject_id) = self.scope(kind, id, &current, None).await?;
        let version = current.version + 1;
        let event = self.chain(
            kind,
            id,
            site_id,
            subject_id,
            Action::Remove,
            None,
            None,
            None,
            Some(reason),
            version,
        );
        event::insert(&mut self.tx, &[event]).await?;
        self.seen.live.remove(&(kind.table, id));
        let args = [
            version.into(),
            self.last_seq.into(),
            id.into(),
            based_on.into(),
        ];
        self.write_row(
            &format!(
                "UPDATE {} SET version = $1, last_seq = $2, removed = TRUE WHERE id = $3 AND version = $4",
                kind.table
            ),
            &args,
        )
        .await
    }

    async fn write_row(&mut self, sql: &str, args: &[Arg]) -> Result<(), StoreError> {
        match self.tx.execute(sql, args).await? {
            1 => Ok(()),
            n => Err(StoreError::corrupt(format!(
                "expected to write one row, wrote {n}"
            ))),
        }
    }

    /// The live record at version `based_on`, or the conflict naming who changed it since.
    async fn current(
        &mut self,
        kind: &'static Kind,
        id: i64,
        based_on: i64,
    ) -> Result<Row, StoreError> {
        let row = load(&mut self.tx, kind, id)
            .await?
            .ok_or_else(|| not_found(kind, id))?;
        if row.removed {
            return Err(StoreError::invalid(
                kind.name,
                Refusal::of("refusal-removed")
                    .record("record", kind.name)
                    .with("id", id),
            ));
        }
        if row.version != based_on {
            let last = self
                .tx
                .fetch_optional(
                    "SELECT actor, recorded_at FROM audit_event WHERE seq = $1",
                    &[row.last_seq.into()],
                    &[Ty::Text, Ty::Text],
                )
                .await?
                .unwrap_or_default();
            let text = |i: usize| {
                last.get(i)
                    .cloned()
                    .flatten()
                    .and_then(|v| v.as_text().map(str::to_owned))
            };
            return Err(StoreError::Conflict(Box::new(Conflict {
                entity: kind.name,
                id,
                based_on,
                current: row.version,
                changed_by: text(0).unwrap_or_default(),
                changed_at: text(1).unwrap_or_default(),
            })));
        }
        Ok(row)
    }

    /// Checks names and types, and that referenced records exist and are live; also returns
    /// what else [`Writer::known`] read (with `max_id`, the highest id of `kind`).
    async fn checked(
        &mut self,
        kind: &'static Kind,
        changes: Changes,
        max_id: bool,
    ) -> Result<(BTreeMap<&'static str, Option<Value>>, Known), StoreError> {
        let known = self.known(kind, &changes, max_id).await?;
        let mut fields = BTreeMap::new();
        for (name, value) in changes {
            let field = kind.field(name).ok_or_else(|| {
                StoreError::invalid(
                    name,
                    Refusal::of("refusal-not-a-field").record("record", kind.name),
                )
            })?;
            if let Some(value) = &value {
                match value.ty() {
                    Some(ty) if ty != field.ty => {
                        return Err(StoreError::invalid(
                            name,
                            Refusal::of("refusal-wrong-type")
                                .phrase("expected", type_said(field.ty))
                                .phrase("got", type_said(ty)),
                        ));
                    }
                    None if !field.missing => {
                        return Err(StoreError::invalid(
                            name,
                            Refusal::of("refusal-missing-not-allowed"),
                        ));
                    }
                    _ => {}
                }
                if let (Some(target), Some(id)) = (field.refers_to, value.as_int())
                    && !known.live.contains(&(field.name, id))
                {
                    return Err(StoreError::invalid(
                        name,
                        Refusal::of("refusal-no-such-reference")
                            .record("record", target.name)
                            .with("id", id),
                    ));
                }
            }
            fields.insert(field.name, value);
        }
        Ok((fields, known))
    }

    /// Reads in one query what [`Writer::checked`], [`Writer::scope`] and a new id need, since
    /// these reads run under the writer lock on every save; what this transaction has already
    /// read or written ([`Seen`]) is not read again, and often nothing is left to read.
    async fn known(
        &mut self,
        kind: &'static Kind,
        changes: &Changes,
        max_id: bool,
    ) -> Result<Known, StoreError> {
        let mut known = Known::default();
        let mut columns = Vec::new();
        let mut types = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        let mut references = Vec::new();
        for (name, value) in changes {
            let field = kind.field(name);
            let target = field.and_then(|field| field.refers_to);
            if let (Some(field), Some(target), Some(id)) =
                (field, target, value.as_ref().and_then(Value::as_int))
            {
                if self.seen.live.contains(&(target.table, id)) {
                    known.live.push((field.name, id));
                    continue;
                }
                args.push(id.into());
                columns.push(format!(
                    "(SELECT NOT removed FROM {} WHERE id = ${})",
                    target.table,
                    args.len()
                ));
                types.push(Ty::Bool);
                references.push((field.name, target.table, id));
            }
        }
        let subject = match kind.scope {
            Scope::Subject(field) => changes
                .iter()
                .find(|(name, _)| *name == field)
                .and_then(|(_, value)| value.as_ref().and_then(Value::as_int)),
            _ => None,
        };
        let mut site_to_read = None;
        if let Some(subject) = subject {
            match self.seen.site_of.get(&subject) {
                Some(site) => known.subject_site = Some((subject, Some(*site))),
                None => {
                    args.push(subject.into());
                    columns.push(format!(
                        "(SELECT site_id FROM {} WHERE id = ${})",
                        crate::schema::SUBJECT.table,
                        args.len()
                    ));
                    types.push(Ty::Int);
                    site_to_read = Some(subject);
                }
            }
        }
        let mut max_to_read = false;
        if max_id {
            match self.seen.max_id.get(kind.table) {
                Some(max) => known.max_id = *max,
                None => {
                    columns.push(format!("(SELECT MAX(id) FROM {})", kind.table));
                    types.push(Ty::Int);
                    max_to_read = true;
                }
            }
        }
        if columns.is_empty() {
            return Ok(known);
        }
        let values = self
            .tx
            .fetch_optional(&format!("SELECT {}", columns.join(", ")), &args, &types)
            .await?
            .unwrap_or_default();
        let mut values = values.into_iter();
        for (field, table, id) in references {
            if values.next().flatten().and_then(|value| value.as_bool()) == Some(true) {
                known.live.push((field, id));
                self.seen.live.insert((table, id));
            }
        }
        if let Some(subject) = site_to_read {
            let site = values.next().flatten().and_then(|value| value.as_int());
            known.subject_site = Some((subject, site));
            if let Some(site) = site {
                self.seen.site_of.insert(subject, site);
            }
        }
        if max_to_read {
            known.max_id = values.next().flatten().and_then(|value| value.as_int());
            self.seen.max_id.insert(kind.table, known.max_id);
        }
        Ok(known)
    }

    /// The site and subject an event on this record is about; `known` is a subject's site
    /// already read in this command.
    async fn scope(
        &mut self,
        kind: &Kind,
        id: i64,
        row: &Row,
        known: Option<(i64, Option<i64>)>,
    ) -> Result<(Option<i64>, Option<i64>), StoreError> {
        let int = |field: &str| row.get(field).and_then(Value::as_int);
        Ok(match kind.scope {
            Scope::Study => (None, None),
            Scope::OwnSite => (Some(id), None),
            Scope::Site(field) => (int(field), None),
            Scope::OwnSubject(site) => (int(site), Some(id)),
            Scope::Subject(field) => {
                let subject = int(field);
                let site = match (subject, known) {
                    (Some(subject), Some((read, site))) if read == subject => site,
                    (Some(subject), _) => load(&mut self.tx, &crate::schema::SUBJECT, subject)
                        .await?
                        .and_then(|row| row.get("site_id").and_then(Value::as_int)),
                    (None, _) => None,
                };
                (site, subject)
            }
        })
    }

    /// The next event of the chain (its hash computed, the head moved on); the caller inserts
    /// it before the command ends, so a refused command's savepoint undoes both.
    #[allow(clippy::too_many_arguments)]
    fn chain(
        &mut self,
        kind: &Kind,
        id: i64,
        site_id: Option<i64>,
        subject_id: Option<i64>,
        action: Action,
        field: Option<&str>,
        old: Option<&Value>,
        new: Option<&Value>,
        reason: Option<&Reason>,
        version: i64,
    ) -> Event {
        let mut event = Event {
            seq: self.last_seq + 1,
            recorded_at: self.recorded_at.clone(),
            actor: self.actor.clone(),
            site_id,
            subject_id,
            entity: kind.name.to_owned(),
            entity_id: id,
            action: action.as_str().to_owned(),
            field: field.map(str::to_owned),
            old_value: canonical(old),
            new_value: canonical(new),
            reason: reason
                .or(self.note.as_ref())
                .map(|reason| reason.as_str().to_owned()),
            version,
            prev_hash: self.last_hash.clone(),
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        self.last_seq = event.seq;
        self.last_hash.clone_from(&event.hash);
        event
    }
}

fn not_found(kind: &Kind, id: i64) -> StoreError {
    StoreError::NotFound {
        entity: kind.name,
        id: id.to_string(),
    }
}

/// The SELECT list of a projection: bookkeeping columns, then the fields in descriptor order.
pub(crate) fn select_list(kind: &Kind) -> (String, Vec<Ty>) {
    let mut names = vec!["id", "version", "removed", "last_seq"];
    names.extend(kind.fields.iter().map(|field| field.name));
    let mut types = vec![Ty::Int, Ty::Int, Ty::Bool, Ty::Int];
    types.extend(kind.fields.iter().map(|field| field.ty));
    (names.join(", "), types)
}

/// Reads a row selected with [`select_list`] as (id, row).
pub(crate) fn row_from(kind: &'static Kind, values: Vec<Option<Value>>) -> (i64, Row) {
    let mut values = values.into_iter();
    let mut int = || values.next().flatten();
    let id = int().and_then(|v| v.as_int()).unwrap_or_default();
    let version = int().and_then(|v| v.as_int()).unwrap_or_default();
    let removed = int().and_then(|v| v.as_bool()).unwrap_or_default();
    let last_seq = int().and_then(|v| v.as_int()).unwrap_or_default();
    let fields = kind
        .fields
        .iter()
        .map(|field| {
            let value = values.next().flatten();
            // A field that allows missing codes keeps them as their text in its column.
            let missing = field
                .missing
                .then(|| {
                    value
                        .as_ref()
                        .and_then(Value::as_text)
                        .and_then(Missing::parse)
                })
                .flatten();
            (field.name, missing.map(Value::Missing).or(value))
        })
        .collect();
    (
        id,
        Row {
            version,
            removed,
            last_seq,
            fields,
        },
    )
}

/// One record by id (removed ones too).
pub(crate) async fn load(
    tx: &mut Tx,
    kind: &'static Kind,
    id: i64,
) -> Result<Option<Row>, StoreError> {
    let (list, types) = select_list(kind);
    let row = tx
        .fetch_optional(
            &format!("SELECT {list} FROM {} WHERE id = $1", kind.table),
            &[id.into()],
            &types,
        )
        .await?;
    Ok(row.map(|values| row_from(kind, values).1))
}

/// Every record of a kind, by id.
pub(crate) async fn load_all(
    tx: &mut Tx,
    kind: &'static Kind,
) -> Result<BTreeMap<i64, Row>, StoreError> {
    let (list, types) = select_list(kind);
    let rows = tx
        .fetch(
            &format!("SELECT {list} FROM {} ORDER BY id", kind.table),
            &[],
            &types,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|values| row_from(kind, values))
        .collect())
}

/// The record (live or removed) whose unique field `field` equals `value`.
pub(crate) async fn find_by(
    tx: &mut Tx,
    kind: &'static Kind,
    field: &str,
    value: impl Into<Arg>,
) -> Result<Option<(i64, Row)>, StoreError> {
    let (list, types) = select_list(kind);
    let row = tx
        .fetch_optional(
            &format!("SELECT {list} FROM {} WHERE {field} = $1", kind.table),
            &[value.into()],
            &types,
        )
        .await?;
    Ok(row.map(|values| row_from(kind, values)))
}

/// A type of value in words, for a refusal.
fn type_said(ty: Ty) -> Refusal {
    Refusal::of(match ty {
        Ty::Text => "refusal-type-text",
        Ty::Int => "refusal-type-int",
        Ty::Bool => "refusal-type-bool",
        Ty::Date => "refusal-type-date",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::schema::{GRANT, SITE};
    use crate::testing::TestDb;

    fn site(code: &str) -> Changes {
        vec![
            ("code", Some(Value::Text(code.into()))),
            ("name", Some(Value::Text(format!("Site {code}")))),
        ]
    }

    /// A role at `site` for the administrator (user 1).
    fn grant(site: i64) -> Changes {
        vec![
            ("user_id", Some(Value::Int(1))),
            ("site_id", Some(Value::Int(site))),
            ("role", Some(Value::Text("investigator".into()))),
        ]
    }

    fn refused_reference(result: Result<i64, StoreError>) -> bool {
        matches!(result, Err(StoreError::Invalid { field, .. }) if field == "site_id")
    }

    /// What the writer remembers between commands ([`Seen`]) follows its own writes: a record it
    /// removed is no longer live, and a command undone takes back what it wrote, its id
    /// included (the next record gets that id again, as it would from the table).
    #[tokio::test]
    async fn what_the_writer_remembers_follows_its_writes() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let db = TestDb::new(backend);
            let (store, _) = crate::testing::new_study(&db, "Seen").await;
            let mut writer = Writer::begin(&store.pool, "admin").await.expect("writer");
            let first = writer.create(&SITE, site("A")).await.expect("site");
            writer.create(&GRANT, grant(first)).await.expect("grant");
            let reason = Reason::new("entered in error").expect("reason");
            writer
                .remove(&SITE, first, 1, &reason)
                .await
                .expect("removed");
            assert!(
                refused_reference(writer.create(&GRANT, grant(first)).await),
                "{backend:?}: a grant at a removed site"
            );
            let mark = writer.mark().await.expect("savepoint");
            let undone = writer.create(&SITE, site("B")).await.expect("site");
            writer.settle(mark, true).await.expect("undone");
            assert!(
                refused_reference(writer.create(&GRANT, grant(undone)).await),
                "{backend:?}: a grant at a site undone"
            );
            let again = writer.create(&SITE, site("C")).await.expect("site");
            assert_eq!(again, undone, "{backend:?}");
            writer.create(&GRANT, grant(again)).await.expect("grant");
        }
    }
}
