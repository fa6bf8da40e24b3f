//! The study and its protocol file, and `init`, which creates the study with its first admin.

use std::sync::{Arc, Mutex};

use protocol::Protocol;

use crate::Refusal;
use crate::Store;
use crate::auth::{self, Actor, Password};
use crate::check;
use crate::db::Tx;
use crate::db::{DbUrl, OpenMode, Pool};
use crate::error::StoreError;
use crate::people::NewUser;
use crate::schema::{STUDY, USER};
use crate::value::{Ty, Value};
use crate::writer::{self, Reason, Writer};

/// What `init` needs to create a study.
#[derive(Clone, Debug)]
pub struct NewStudy {
    /// A short code, e.g. `LENA-CLE-01`.
    pub code: String,
    pub title: String,
    /// The protocol file as written (TOML), kept verbatim and versioned.
    pub protocol_text: String,
}

/// The study as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Study {
    pub version: i64,
    pub code: String,
    pub title: String,
    /// 1 for the protocol given at `init`, then one more per amendment.
    pub protocol_version: i64,
    pub protocol_sha256: String,
    pub protocol_text: String,
}

const PROTOCOL_MAX_BYTES: usize = 1 << 20;

/// A protocol file the engine can run: not empty, at most 1 MiB, and loadable (every problem
/// named by its TOML path).
fn check_protocol(text: &str) -> Result<Arc<Protocol>, StoreError> {
    if text.trim().is_empty() {
        return Err(StoreError::invalid(
            "protocol",
            Refusal::of("refusal-empty"),
        ));
    }
    if text.len() > PROTOCOL_MAX_BYTES {
        return Err(StoreError::invalid(
            "protocol",
            Refusal::of("refusal-protocol-too-large"),
        ));
    }
    let protocol = Protocol::from_toml(text)
        .map_err(|error| StoreError::invalid("protocol", Refusal::untranslated(error)))?;
    Ok(Arc::new(protocol))
}

/// Protocols already loaded, by the SHA-256 of their text: a study's protocol is read at every
/// command that codes against it, and parsed once per version. Keyed by content, so never stale.
static LOADED: Mutex<Vec<(String, Arc<Protocol>)>> = Mutex::new(Vec::new());

/// How many protocol versions [`LOADED`] keeps (a process serves one study; tests a few).
const LOADED_MAX: usize = 8;

/// The study's protocol as it stands in `tx` (the latest amendment).
pub(crate) async fn protocol_in(tx: &mut Tx) -> Result<Arc<Protocol>, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT protocol_sha256 FROM study WHERE id = 1",
            &[],
            &[Ty::Text],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "study",
            id: "1".into(),
        })?;
    let sha = row
        .first()
        .and_then(|value| value.as_ref())
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_owned();
    if let Some(protocol) = loaded(&sha) {
        return Ok(protocol);
    }
    let text = writer::load(tx, &STUDY, 1)
        .await?
        .and_then(|row| row.text("protocol_text").map(str::to_owned))
        .unwrap_or_default();
    let protocol = check_protocol(&text).map_err(|error| {
        StoreError::corrupt(format!(
            "the study's protocol cannot be read by this version ({error})"
        ))
    })?;
    let mut cache = LOADED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.len() >= LOADED_MAX {
        cache.remove(0);
    }
    cache.push((sha, Arc::clone(&protocol)));
    Ok(protocol)
}

/// The study's protocol as `writer`'s transaction stands, read once per transaction: every
/// coded record of a batch (a lab result, a dose) would otherwise read the study again.
pub(crate) async fn protocol_for(writer: &mut Writer) -> Result<Arc<Protocol>, StoreError> {
    if let Some(protocol) = writer.protocol_read() {
        return Ok(protocol);
    }
    let protocol = protocol_in(writer.tx()).await?;
    writer.protocol_was_read(Arc::clone(&protocol));
    Ok(protocol)
}

/// The study's protocol version as it stands in `tx`.
pub(crate) async fn protocol_version_in(tx: &mut Tx) -> Result<i64, StoreError> {
    writer::load(tx, &STUDY, 1)
        .await?
        .and_then(|row| row.int("protocol_version"))
        .ok_or_else(|| StoreError::NotFound {
            entity: "study",
            id: "1".into(),
        })
}

fn loaded(sha: &str) -> Option<Arc<Protocol>> {
    let cache = LOADED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    cache
        .iter()
        .find(|(key, _)| key == sha)
        .map(|(_, protocol)| Arc::clone(protocol))
}

impl Store {
    /// Creates a new record: the study (protocol version 1) and its first administrator, who is
    /// the actor of these first events. Refused when the database already holds a study.
    pub async fn init(
        url: &DbUrl,
        study: &NewStudy,
        admin: &NewUser,
        password: &Password,
    ) -> Result<(Store, Actor), StoreError> {
        let code = check::code("study code", &study.code, 32)?;
        let title = check::label("title", &study.title, 200)?;
        check_protocol(&study.protocol_text)?;
        let admin = admin.checked()?;
        let phc = auth::hash(password).await?;
        let store = Store::on(Pool::open(url, OpenMode::Create).await?).beside(url);
        let mut writer = Writer::begin(&store.pool, &admin.login).await?;
        if writer.last_seq() > 0 {
            return Err(StoreError::invalid(
                "db",
                Refusal::of("refusal-db-has-study"),
            ));
        }
        let user_id = writer.create(&USER, admin.changes(true, &phc)).await?;
        crate::people::set_credential(&mut writer, user_id, &phc).await?;
        writer
            .create(
                &STUDY,
                vec![
                    ("code", Some(Value::Text(code))),
                    ("title", Some(Value::Text(title))),
                    ("protocol_version", Some(Value::Int(1))),
                    (
                        "protocol_sha256",
                        Some(Value::Text(crate::sha256_hex(&study.protocol_text))),
                    ),
                    (
                        "protocol_text",
                        Some(Value::Text(study.protocol_text.clone())),
                    ),
                ],
            )
            .await?;
        writer.commit().await?;
        let actor = Actor {
            user_id,
            login: admin.login,
            is_admin: true,
            patient_link: None,
        };
        Ok((store, actor))
    }

    pub async fn study(&self) -> Result<Study, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = writer::load(&mut tx, &STUDY, 1)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "study",
                id: "1".into(),
            })?;
        let text = |field: &str| {
            row.get(field)
                .and_then(Value::as_text)
                .unwrap_or_default()
                .to_owned()
        };
        Ok(Study {
            version: row.version,
            code: text("code"),
            title: text("title"),
            protocol_version: row
                .get("protocol_version")
                .and_then(Value::as_int)
                .unwrap_or_default(),
            protocol_sha256: text("protocol_sha256"),
            protocol_text: text("protocol_text"),
        })
    }

    /// The study's protocol as amended last, loaded.
    pub async fn protocol(&self) -> Result<Arc<Protocol>, StoreError> {
        protocol_in(&mut self.pool.read().await?).await
    }

    /// Replaces the protocol file (an amendment); the protocol version goes up by one.
    pub async fn amend_protocol(
        &self,
        actor: &Actor,
        based_on: i64,
        protocol_text: &str,
        reason: &str,
    ) -> Result<Study, StoreError> {
        actor.require_admin("amending the protocol")?;
        let reason = Reason::new(reason)?;
        let amended = check_protocol(protocol_text)?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        // The allocation is replayed under the design that made it (`crate::randomisation`).
        let randomised = writer
            .tx()
            .count("SELECT COUNT(*) FROM randomisation", &[])
            .await?;
        if randomised > 0
            && protocol_in(writer.tx()).await?.randomisation() != amended.randomisation()
        {
            return Err(StoreError::invalid(
                "protocol",
                Refusal::of("refusal-randomisation-changed").with("count", randomised),
            ));
        }
        let current = writer::load(writer.tx(), &STUDY, 1)
            .await?
            .and_then(|row| row.get("protocol_version").and_then(Value::as_int))
            .unwrap_or_default();
        writer
            .update(
                &STUDY,
                1,
                based_on,
                &reason,
                vec![
                    ("protocol_version", Some(Value::Int(current + 1))),
                    (
                        "protocol_sha256",
                        Some(Value::Text(crate::sha256_hex(protocol_text))),
                    ),
                    ("protocol_text", Some(Value::Text(protocol_text.to_owned()))),
                ],
            )
            .await?;
        writer.commit().await?;
        self.study().await
    }
}
