//! `audit verify`: recompute the hash chain, replay every event into projections held in memory,
//! and compare them with the live tables. The first problem found is named.

use std::collections::BTreeMap;

use crate::Refusal;
use crate::Store;
use crate::db::Tx;
use crate::error::StoreError;
use crate::event::{self, Action, Event, GENESIS_HASH};
use crate::schema::{self, KINDS, Kind};
use crate::value::{Ty, Value};
use crate::writer::{self, Row};

/// Where the record first disagrees with itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `event 17` or `subject 3` (a projection row).
    pub place: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// The outcome of a verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Events checked.
    pub events: i64,
    /// Projection rows compared.
    pub rows: usize,
    /// Hash of the last event (the head of the chain).
    pub head_hash: String,
    /// `None` when chain and projections all agree.
    pub problem: Option<Problem>,
}

/// The head of the chain written down outside the database (`SEQ:HASH`), so that a later
/// truncation or rewrite of the whole chain (which a recomputed chain alone cannot see) is found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    /// Reads `SEQ:HASH` (a positive sequence number and 64 lowercase hex digits).
    pub fn parse(text: &str) -> Result<Head, StoreError> {
        let bad = || {
            StoreError::invalid(
                "head",
                Refusal::of("refusal-head-format").with("text", text),
            )
        };
        let (seq, hash) = text.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if seq < 1 || hash.len() != 64 || !hash.chars().all(hex) {
            return Err(bad());
        }
        Ok(Head {
            seq,
            hash: hash.to_owned(),
        })
    }
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

impl Verification {
    /// The head of the chain as verified; `None` for an empty trail.
    pub fn head(&self) -> Option<Head> {
        (self.events > 0).then(|| Head {
            seq: self.events,
            hash: self.head_hash.clone(),
        })
    }
}

const PAGE: i64 = 5_000;

type Projections = BTreeMap<&'static str, BTreeMap<i64, Row>>;

impl Store {
    /// Verifies the whole record in one consistent snapshot.
    /// Photographs' files are checked too: each against the SHA-256 its record keeps.
    pub async fn verify(&self) -> Result<Verification, StoreError> {
        let mut tx = self.pool.read().await?;
        let mut verification = verify_in(&mut tx).await?;
        self.check_files(&mut tx, &mut verification, None).await?;
        Ok(verification)
    }

    /// Adds the first photograph whose file is not the one its record names, when the record
    /// itself agreed ([`file_problem`]).
    async fn check_files(
        &self,
        tx: &mut Tx,
        verification: &mut Verification,
        only: Option<&std::collections::BTreeSet<i64>>,
    ) -> Result<(), StoreError> {
        if verification.problem.is_none() {
            verification.problem = file_problem(tx, self.photos.as_ref(), only).await?;
        }
        Ok(())
    }

    /// Verifies the record and that the chain still passes through `expected`, a head written
    /// down earlier: the trail must reach its sequence number, and that event must carry its
    /// hash. Anything else means events were cut off or the chain was rewritten.
    pub async fn verify_with_head(&self, expected: &Head) -> Result<Verification, StoreError> {
        let mut tx = self.pool.read().await?;
        let mut verification = verify_in(&mut tx).await?;
        self.check_files(&mut tx, &mut verification, None).await?;
        if verification.problem.is_some() {
            return Ok(verification);
        }
        let found = tx
            .fetch_optional(
                "SELECT hash FROM audit_event WHERE seq = $1",
                &[expected.seq.into()],
                &[Ty::Text],
            )
            .await?
            .and_then(|values| values.into_iter().next().flatten());
        let message = match found.as_ref().and_then(Value::as_text) {
            None => format!(
                "the trail ends at event {}, before the head written down ({expected}): events were cut off",
                verification.events
            ),
            Some(hash) if hash != expected.hash => format!(
                "event {} has hash {hash}, not the {} written down: the chain was rewritten",
                expected.seq, expected.hash
            ),
            Some(_) => return Ok(verification),
        };
        verification.problem = Some(Problem {
            place: format!("event {}", expected.seq),
            message,
        });
        Ok(verification)
    }
}

impl Store {
    /// Verifies only what was appended after `from`, a head a full verification gave earlier:
    /// the event at its sequence number must still be there with its hash and content, every
    /// later event must link to it and match its own hash, and every record a later event
    /// touched must equal the replay of its whole history. What came before `from` is taken as
    /// verified then, so the work grows with what was appended, not with the trail; a chain
    /// rewritten before `from` is found (the head's hash no longer matches), an event altered
    /// there without rehashing is left to a full `verify`.
    pub async fn verify_since(&self, from: &Head) -> Result<Verification, StoreError> {
        let mut tx = self.pool.read().await?;
        let filter = crate::EventFilter::default();
        let head = event::page(&mut tx, from.seq - 1, 1, None, &filter).await?;
        let at_head = |message: String| Verification {
            events: from.seq,
            rows: 0,
            head_hash: from.hash.clone(),
            problem: Some(Problem {
                place: format!("event {}", from.seq),
                message,
            }),
        };
        let head = match head.into_iter().next() {
            Some(event) if event.seq == from.seq => event,
            _ => {
                return Ok(at_head(format!(
                    "the trail ends before the head given ({from}): events were cut off"
                )));
            }
        };
        if head.hash != from.hash {
            return Ok(at_head(format!(
                "event {} has hash {}, not the {} given: the chain was rewritten",
                from.seq, head.hash, from.hash
            )));
        }
        if head.compute_hash() != head.hash {
            return Ok(at_head(
                "content does not match its hash: the event was altered".to_owned(),
            ));
        }
        let (mut last_seq, mut last_hash, mut last_time) = (head.seq, head.hash, head.recorded_at);
        let mut touched = std::collections::BTreeSet::new();
        loop {
            let page = event::page(&mut tx, last_seq, PAGE, None, &filter).await?;
            if page.is_empty() {
                break;
            }
            for event in page {
                let kind = schema::kind(&event.entity);
                let hash_ok = event.compute_hash() == event.hash;
                let linked = check_link(&event, hash_ok, last_seq, &last_hash, &last_time)
                    .and_then(|()| {
                        kind.ok_or_else(|| format!("unknown entity '{}'", event.entity))
                    });
                match linked {
                    Ok(kind) => touched.insert((kind.name, event.entity_id)),
                    Err(message) => {
                        return Ok(Verification {
                            events: last_seq,
                            rows: 0,
                            head_hash: last_hash,
                            problem: Some(Problem {
                                place: format!("event {}", event.seq),
                                message,
                            }),
                        });
                    }
                };
                last_seq = event.seq;
                last_time = event.recorded_at;
                last_hash = event.hash;
            }
        }
        let mut problem = None;
        for (name, id) in &touched {
            let kind = schema::kind(name).ok_or_else(|| StoreError::corrupt("a kind vanished"))?;
            problem = check_record(&mut tx, kind, *id).await?;
            if problem.is_some() {
                break;
            }
        }
        let photos = touched
            .iter()
            .filter(|(name, _)| *name == schema::PHOTO.name)
            .map(|(_, id)| *id)
            .collect();
        let mut verification = Verification {
            events: last_seq,
            rows: touched.len(),
            head_hash: last_hash,
            problem,
        };
        self.check_files(&mut tx, &mut verification, Some(&photos))
            .await?;
        Ok(verification)
    }
}

/// Whether record `id` of `kind` equals the replay of every event it has.
async fn check_record(
    tx: &mut Tx,
    kind: &'static Kind,
    id: i64,
) -> Result<Option<Problem>, StoreError> {
    let live = stored_rows(tx, kind, id - 1, 1).await?;
    let live = live.into_iter().filter(|(row, _)| *row == id).collect();
    replayed_and_compared(tx, kind, (id - 1, id), &live).await
}

/// The whole record in one snapshot, in bounded memory: the chain in order (hashes computed on
/// both cores a page at a time), then each table against the replay of its records' events, a
/// page of records at a time. Only the users are rebuilt whole (for the password hashes).
pub(crate) async fn verify_in(tx: &mut Tx) -> Result<Verification, StoreError> {
    let chain = check_chain(tx).await?;
    let failed = |rows: usize, problem: Problem| Verification {
        events: chain.last_seq,
        rows,
        head_hash: chain.last_hash.clone(),
        problem: Some(problem),
    };
    if let Some(problem) = chain.problem.clone() {
        return Ok(failed(0, problem));
    }
    // A deleted last event leaves no gap; the tables then still show its effect, which the
    // comparison names.
    let mut rows = 0;
    for kind in KINDS {
        if let Some(problem) = check_table(tx, kind, &mut rows).await? {
            return Ok(failed(rows, problem));
        }
    }
    let problem = check_credentials(tx, &chain.users, &chain.credential_set).await?;
    Ok(Verification {
        events: chain.last_seq,
        rows,
        head_hash: chain.last_hash,
        problem,
    })
}

/// What the pass over the chain found.
struct Chain {
    last_seq: i64,
    last_hash: String,
    /// The users, replayed (the only table rebuilt whole: the password hashes are checked
    /// against them).
    users: BTreeMap<i64, Row>,
    /// Per user, the event that last set the password's fingerprint.
    credential_set: BTreeMap<i64, i64>,
    problem: Option<Problem>,
}

/// Every event in order: linked to the one before, matching its hash, of a kind and action the
/// writer makes.
async fn check_chain(tx: &mut Tx) -> Result<Chain, StoreError> {
    let mut chain = Chain {
        last_seq: 0,
        last_hash: GENESIS_HASH.to_owned(),
        users: BTreeMap::new(),
        credential_set: BTreeMap::new(),
        problem: None,
    };
    let mut users: Projections = BTreeMap::from([(schema::USER.name, BTreeMap::new())]);
    let mut last_time = String::new();
    loop {
        let page = event::page(
            tx,
            chain.last_seq,
            PAGE,
            None,
            &crate::EventFilter::default(),
        )
        .await?;
        if page.is_empty() {
            break;
        }
        let hashed = hashes_match(&page);
        for (event, hash_ok) in page.into_iter().zip(hashed) {
            let checked = check_link(
                &event,
                hash_ok,
                chain.last_seq,
                &chain.last_hash,
                &last_time,
            )
            .and_then(|()| known(&event))
            .and_then(|kind| {
                if std::ptr::eq(kind, &schema::USER) {
                    replay(&mut users, &event)
                } else {
                    Ok(())
                }
            });
            if let Err(message) = checked {
                chain.problem = Some(Problem {
                    place: format!("event {}", event.seq),
                    message,
                });
                return Ok(chain);
            }
            if event.entity == schema::USER.name && event.field.as_deref() == Some(CREDENTIAL_FIELD)
            {
                chain.credential_set.insert(event.entity_id, event.seq);
            }
            chain.last_seq = event.seq;
            last_time = event.recorded_at;
            chain.last_hash = event.hash;
        }
    }
    chain.users = users.remove(schema::USER.name).unwrap_or_default();
    Ok(chain)
}

/// Whether each event's content matches its hash, computed on two threads (hashing is most of
/// the chain's work).
fn hashes_match(page: &[Event]) -> Vec<bool> {
    let check = |events: &[Event]| -> Vec<bool> {
        events
            .iter()
            .map(|event| event.compute_hash() == event.hash)
            .collect()
    };
    let (first, second) = page.split_at(page.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| check(second));
        let mut matched = check(first);
        // A panic while hashing would be a bug; the page then counts as unmatched, never as good.
        matched.extend(other.join().unwrap_or_else(|_| vec![false; second.len()]));
        matched
    })
}

/// The kind of an event's record, when it is one the writer makes and its action is known.
fn known(event: &Event) -> Result<&'static Kind, String> {
    Action::parse(&event.action).ok_or_else(|| format!("unknown action '{}'", event.action))?;
    schema::kind(&event.entity).ok_or_else(|| format!("unknown entity '{}'", event.entity))
}

/// Compares `kind`'s table with the replay of its records' events, a page of records at a time;
/// adds the rows compared to `rows`.
async fn check_table(
    tx: &mut Tx,
    kind: &'static Kind,
    rows: &mut usize,
) -> Result<Option<Problem>, StoreError> {
    let mut after = 0;
    loop {
        let live = match stored_rows(tx, kind, after, PAGE).await {
            Ok(live) => live,
            Err(error) => {
                return Ok(Some(Problem {
                    place: kind.table.to_owned(),
                    message: format!("a value cannot be read: {error}"),
                }));
            }
        };
        // The last page also takes the events of records past the table's last row.
        let last = match live.keys().next_back() {
            Some(last) if live.len() as i64 == PAGE => *last,
            _ => i64::MAX,
        };
        *rows += live.len();
        if let Some(problem) = replayed_and_compared(tx, kind, (after, last), &live).await? {
            return Ok(Some(problem));
        }
        if last == i64::MAX {
            return Ok(None);
        }
        after = last;
    }
}

/// Replays the events of `kind`'s records with ids in `(after, last]` and compares them with
/// `live`, those rows as the table holds them.
async fn replayed_and_compared(
    tx: &mut Tx,
    kind: &'static Kind,
    (after, last): (i64, i64),
    live: &BTreeMap<i64, Row>,
) -> Result<Option<Problem>, StoreError> {
    let mut rebuilt: Projections = BTreeMap::from([(kind.name, BTreeMap::new())]);
    for event in event::of_records(tx, kind.name, after, last).await? {
        if let Err(message) = replay(&mut rebuilt, &event) {
            return Ok(Some(Problem {
                place: format!("event {}", event.seq),
                message,
            }));
        }
    }
    let expected = rebuilt[kind.name]
        .iter()
        .map(|(id, row)| (*id, as_stored(row)))
        .collect();
    Ok(compare(kind, live, &expected))
}

/// The user field holding the fingerprint of the password hash.
const CREDENTIAL_FIELD: &str = "credential_sha256";

/// Every user has one password hash, it is the one whose fingerprint the trail holds, and it
/// points at the event that set that fingerprint (`set_seq`): every column is covered.
async fn check_credentials(
    tx: &mut Tx,
    users: &BTreeMap<i64, Row>,
    credential_set: &BTreeMap<i64, i64>,
) -> Result<Option<Problem>, StoreError> {
    let rows = tx
        .fetch(
            "SELECT user_id, phc, set_seq FROM credential ORDER BY user_id",
            &[],
            &[Ty::Int, Ty::Text, Ty::Int],
        )
        .await?;
    let mut stored: BTreeMap<i64, (String, i64)> = BTreeMap::new();
    for row in rows {
        if let [
            Some(Value::Int(user_id)),
            Some(Value::Text(phc)),
            Some(Value::Int(seq)),
        ] = row.as_slice()
        {
            stored.insert(*user_id, (phc.clone(), *seq));
        }
    }
    let ids: std::collections::BTreeSet<i64> = users.keys().chain(stored.keys()).copied().collect();
    for id in ids {
        let audited = users.get(&id).and_then(|user| user.text(CREDENTIAL_FIELD));
        let message = match (audited, stored.get(&id)) {
            (Some(audited), Some((phc, seq)))
                if crate::auth::fingerprint(phc) == audited
                    && credential_set.get(&id) == Some(seq) =>
            {
                continue;
            }
            (Some(audited), Some((phc, _))) if crate::auth::fingerprint(phc) == audited => {
                "the password hash does not point at the event that set it (set_seq)"
            }
            (Some(_), Some(_)) => "the password hash is not the one the trail records",
            (Some(_), None) => "the user has no password hash",
            (None, _) => "a password hash for no user in the trail",
        };
        return Ok(Some(Problem {
            place: format!("credential {id}"),
            message: message.to_owned(),
        }));
    }
    Ok(None)
}

/// Up to `limit` rows of a projection table with ids above `after`, dates read as the text
/// stored, so that a date column holding something else is a difference in a named row rather
/// than an unreadable table.
async fn stored_rows(
    tx: &mut Tx,
    kind: &'static Kind,
    after: i64,
    limit: i64,
) -> Result<BTreeMap<i64, Row>, StoreError> {
    let (list, mut types) = writer::select_list(kind);
    for ty in &mut types {
        if *ty == Ty::Date {
            *ty = Ty::Text;
        }
    }
    let rows = tx
        .fetch(
            &format!(
                "SELECT {list} FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
                kind.table
            ),
            &[after.into(), limit.into()],
            &types,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|values| writer::row_from(kind, values))
        .collect())
}

/// A replayed row as [`stored_rows`] reads it: dates as their text.
fn as_stored(row: &Row) -> Row {
    let mut row = row.clone();
    for value in row.fields.values_mut() {
        if let Some(Value::Date(date)) = value {
            *value = Some(Value::Text(date.to_string()));
        }
    }
    row
}

/// The event follows the previous one and its content matches its hash.
fn check_link(
    event: &Event,
    hash_ok: bool,
    last_seq: i64,
    last_hash: &str,
    last_time: &str,
) -> Result<(), String> {
    if event.seq != last_seq + 1 {
        return Err(format!(
            "sequence number follows {last_seq}: events are missing or reordered"
        ));
    }
    if event.prev_hash != last_hash {
        return Err(format!(
            "prev_hash does not match the hash of event {last_seq}: an event was removed, inserted or reordered"
        ));
    }
    if !hash_ok {
        return Err("content does not match its hash: the event was altered".to_owned());
    }
    let canonical_time = event
        .recorded_at
        .parse::<jiff::Timestamp>()
        .is_ok_and(|time| format!("{time:.6}") == event.recorded_at);
    if !canonical_time {
        return Err(format!(
            "recorded_at '{}' is not a UTC time in the trail's format",
            event.recorded_at
        ));
    }
    if event.recorded_at.as_str() < last_time {
        return Err(format!(
            "recorded at {}, before event {last_seq} ({last_time})",
            event.recorded_at
        ));
    }
    Ok(())
}

/// Applies one event to the in-memory projections, checking it is one the writer could make.
fn replay(projections: &mut Projections, event: &Event) -> Result<(), String> {
    let kind =
        schema::kind(&event.entity).ok_or_else(|| format!("unknown entity '{}'", event.entity))?;
    let action =
        Action::parse(&event.action).ok_or_else(|| format!("unknown action '{}'", event.action))?;
    let rows = projections
        .get_mut(kind.name)
        .ok_or_else(|| format!("unknown entity '{}'", event.entity))?;
    let reason_given = event
        .reason
        .as_deref()
        .is_some_and(|reason| !reason.trim().is_empty());
    if action != Action::Create && !reason_given {
        return Err("a change after first entry has no reason".to_owned());
    }
    let value_of =
        |text: &Option<String>, field: &schema::Field| -> Result<Option<Value>, String> {
            match text {
                None => Ok(None),
                Some(text) => Value::from_canonical(field.ty, text)
                    .filter(|value| field.missing || value.as_missing().is_none())
                    .map(Some)
                    .ok_or_else(|| {
                        format!(
                            "'{text}' is not a canonical {:?} value for {}",
                            field.ty, field.name
                        )
                    }),
            }
        };
    let field = match (&event.field, action) {
        (Some(name), Action::Create | Action::Update) => Some(
            kind.field(name)
                .ok_or_else(|| format!("{} has no field '{name}'", kind.name))?,
        ),
        (None, Action::Remove) => None,
        _ => return Err("field does not fit the action".to_owned()),
    };
    let record = format!("{} {}", kind.name, event.entity_id);
    match (action, rows.get_mut(&event.entity_id)) {
        (Action::Create, None) => {
            if event.version != 1 {
                return Err(format!("creates {record} at version {}", event.version));
            }
            let fields = kind.fields.iter().map(|field| (field.name, None)).collect();
            rows.insert(
                event.entity_id,
                Row {
                    version: 1,
                    removed: false,
                    last_seq: 0,
                    fields,
                },
            );
        }
        (Action::Create, Some(row)) if row.version == 1 && event.version == 1 => {}
        (Action::Create, Some(_)) => return Err(format!("creates {record}, which already exists")),
        (_, None) => return Err(format!("changes {record}, which was never created")),
        (_, Some(row)) if row.removed => {
            return Err(format!("changes {record}, which was removed"));
        }
        (_, Some(row))
            if event.version != row.version + 1
                && !(event.version == row.version && row.version > 1) =>
        {
            return Err(format!(
                "gives {record} version {} after version {}",
                event.version, row.version
            ));
        }
        (_, Some(_)) => {}
    }
    let row = rows
        .get_mut(&event.entity_id)
        .ok_or_else(|| format!("{record} vanished"))?;
    row.version = event.version;
    row.last_seq = event.seq;
    match field {
        Some(field) => {
            let old = value_of(&event.old_value, field)?;
            if row.fields.get(field.name).cloned().flatten() != old {
                return Err(format!(
                    "old value of {record} {} does not match the value before it",
                    field.name
                ));
            }
            row.fields
                .insert(field.name, value_of(&event.new_value, field)?);
        }
        None => row.removed = true,
    }
    Ok(())
}

/// The first row where the live table and the replay differ.
fn compare(
    kind: &Kind,
    live: &BTreeMap<i64, Row>,
    expected: &BTreeMap<i64, Row>,
) -> Option<Problem> {
    let ids: std::collections::BTreeSet<i64> =
        live.keys().chain(expected.keys()).copied().collect();
    for id in ids {
        let place = format!("{} {id}", kind.table);
        let message = match (live.get(&id), expected.get(&id)) {
            (Some(_), None) => "row has no events behind it".to_owned(),
            (None, Some(_)) => "row is missing from the table".to_owned(),
            (Some(live), Some(expected)) if live != expected => describe(kind, live, expected),
            _ => continue,
        };
        return Some(Problem { place, message });
    }
    None
}

fn describe(kind: &Kind, live: &Row, expected: &Row) -> String {
    let show = |value: Option<&Value>| value.map_or("blank".to_owned(), Value::canonical);
    for field in kind.fields {
        if live.get(field.name) != expected.get(field.name) {
            return format!(
                "{} is {} in the table but {} from the events",
                field.name,
                show(live.get(field.name)),
                show(expected.get(field.name))
            );
        }
    }
    format!(
        "bookkeeping differs: table has version {} removed {} last_seq {}, events give version {} removed {} last_seq {}",
        live.version,
        live.removed,
        live.last_seq,
        expected.version,
        expected.removed,
        expected.last_seq
    )
}

/// The first photograph whose file is not the one its record names (gone, unreadable or
/// altered), named with its file, its subject (study id) and its visit: `audit verify`'s check
/// of what the chain's hashes stand for outside the database. Photographs marked entered in
/// error are checked too (their files stay: the trail names them). `only`: these photographs'
/// ids (an incremental verification), else every one.
async fn file_problem(
    tx: &mut Tx,
    dir: Option<&crate::photo_files::PhotoDir>,
    only: Option<&std::collections::BTreeSet<i64>>,
) -> Result<Option<Problem>, StoreError> {
    let rows = tx
        .fetch(
            "SELECT photo.id, photo.sha256, subject.code, visit.name FROM photo \
             JOIN subject ON subject.id = photo.subject_id \
             JOIN visit ON visit.id = photo.visit_id ORDER BY photo.id",
            &[],
            &[Ty::Int, Ty::Text, Ty::Text, Ty::Text],
        )
        .await?;
    for row in rows {
        let mut values = row.into_iter();
        let mut next = || values.next().flatten();
        let id = next().and_then(|value| value.as_int()).unwrap_or_default();
        let text = |value: Option<Value>| {
            value
                .and_then(|value| value.as_text().map(str::to_owned))
                .unwrap_or_default()
        };
        let (sha256, subject, visit) = (text(next()), text(next()), text(next()));
        if only.is_some_and(|only| !only.contains(&id)) {
            continue;
        }
        let whose = format!("photo {id} (subject {subject}, visit {visit})");
        let message = match dir {
            None => format!(
                "the file of {whose} cannot be checked: no photograph directory was given for this record"
            ),
            Some(dir) => match dir.read(&sha256) {
                Ok(_) => continue,
                Err(fault) => format!(
                    "file {} of {whose} {}",
                    dir.path_of(&sha256).display(),
                    fault.said()
                ),
            },
        };
        return Ok(Some(Problem {
            place: format!("photo {id}"),
            message,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, expect: Option<i64>) {
        assert_eq!(
            Head::parse(text).ok().map(|head| head.seq),
            expect,
            "{text}"
        );
    }

    #[test]
    fn heads_are_seq_colon_hash() {
        let hash = "0123456789abcdef".repeat(4);
        check(&format!("1:{hash}"), Some(1));
        check(&format!(" 42:{hash} "), Some(42));
        check(&format!("0:{hash}"), None);
        check(&format!("-1:{hash}"), None);
        check(&format!("x:{hash}"), None);
        check(&format!("1:{}", hash.to_uppercase()), None);
        check(&format!("1:{}", &hash[1..]), None);
        check(&format!("1:{hash}0"), None);
        check(&hash, None);
        check("", None);
        let head = Head::parse(&format!("7:{hash}")).expect("head");
        assert_eq!(head.to_string(), format!("7:{hash}"));
    }
}
