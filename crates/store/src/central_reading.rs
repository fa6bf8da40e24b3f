//! Blinded central reading of lesion photographs (issue 19): a central reader, a study-wide
//! role, scores the CLASI items of the area a photograph shows without seeing whose it is. The
//! queue and the photograph are reached by an opaque reading id (no subject, site, visit or
//! date); the score is a `central_reading` record of its own, which the trail keeps under the
//! photograph's subject (for the audit) but which is no part of the site's casebook: it
//! voids no signature and the site never enters it.
//!
//! [`Store::central_scores_of`] reads a subject's central scores back for the report, which
//! compares them with the site's CLASI of the same area and visit (an ICC).

use instruments::clasi::{Area, Dyspigmentation, Erythema, Scale, Scarring};
use sha2::{Digest, Sha256};

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::db::Tx;
use crate::error::StoreError;
use crate::photo_content::MediaType;
use crate::photo_files::PhotoDir;
use crate::schema::CENTRAL_READING;
use crate::value::{Ty, Value};
use crate::writer::Writer;

/// A photograph in the central reader's queue: what the reader may know of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Opaque: derived from the photograph's id and hash, it names no subject, site or visit
    /// and cannot be guessed from another.
    pub reading_id: String,
    /// The CLASI area to score.
    pub area: Area,
    pub media_type: MediaType,
    /// Whether this reader has scored it.
    pub read: bool,
}

/// The CLASI items of one area as a central reader scores them from the photograph (CLASI,
/// INSTRUMENTS.md §1.3-§1.4: erythema 0-3 and scale 0-2 make the area's activity,
/// dyspigmentation 0-1 and scarring 0-2 its damage; the scalp has no scarring item, its
/// scarring being scarring alopecia, which a photograph of one area does not score).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AreaScore {
    pub erythema: u8,
    pub scale: u8,
    pub dyspigmentation: u8,
    /// `None` for the scalp.
    pub scarring: Option<u8>,
}

/// A photograph as the queue reads it: its id and subject stay here, never shown.
struct Queued {
    photo_id: i64,
    subject_id: i64,
    reading: Reading,
    sha256: String,
}

/// The opaque id of photograph `id` whose file hashes to `sha256`.
fn reading_id(id: i64, sha256: &str) -> String {
    let digest = Sha256::digest(format!("cletrial-central-reading-v1:{id}:{sha256}").as_bytes());
    hex::encode(&digest[..8])
}

impl AreaScore {
    /// The items in range for `area` (the scalp has no scarring), and the area's activity
    /// and damage.
    fn checked(self, area: Area) -> Result<(u8, u8), StoreError> {
        let item = |field: &'static str| {
            move |error: instruments::clasi::ItemError| {
                StoreError::invalid(field, Refusal::untranslated(error))
            }
        };
        let erythema = Erythema::new(self.erythema)
            .map_err(item("erythema"))?
            .value();
        let scale = Scale::new(self.scale).map_err(item("scale"))?.value();
        let dyspigmentation = Dyspigmentation::new(self.dyspigmentation)
            .map_err(item("dyspigmentation"))?
            .value();
        let scarring = match (area, self.scarring) {
            (Area::Scalp, None) => 0,
            (Area::Scalp, Some(_)) => {
                return Err(StoreError::invalid(
                    "scarring",
                    Refusal::of("refusal-scalp-no-scarring"),
                ));
            }
            (_, None) => {
                return Err(StoreError::invalid(
                    "scarring",
                    Refusal::of("refusal-required"),
                ));
            }
            (_, Some(value)) => Scarring::new(value).map_err(item("scarring"))?.value(),
        };
        Ok((erythema + scale, dyspigmentation + scarring))
    }
}

/// Refuses an actor who holds no central reader role (at any site: the role is study-wide).
async fn require_reader(tx: &mut Tx, actor: &Actor) -> Result<(), StoreError> {
    let rows = tx
        .fetch(
            "SELECT user_id FROM role_grant WHERE user_id = $1 AND role = $2 AND NOT removed",
            &[actor.user_id.into(), Role::CentralReader.as_str().into()],
            &[Ty::Int],
        )
        .await?;
    if rows.is_empty() {
        return Err(StoreError::Forbidden(format!(
            "{} holds no central reader role",
            actor.login
        )));
    }
    Ok(())
}

/// Every live photograph with whether `actor` has read it, in reading-id order (which says
/// nothing of subject, site or time).
async fn queue_in(tx: &mut Tx, actor: &Actor) -> Result<Vec<Queued>, StoreError> {
    require_reader(tx, actor).await?;
    let read: Vec<i64> = tx
        .fetch(
            "SELECT photo_id FROM central_reading WHERE reader_id = $1 AND NOT removed",
            &[actor.user_id.into()],
            &[Ty::Int],
        )
        .await?
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten()?.as_int())
        .collect();
    let rows = tx
        .fetch(
            "SELECT id, subject_id, area, sha256, media_type FROM photo WHERE NOT removed",
            &[],
            &[Ty::Int, Ty::Int, Ty::Text, Ty::Text, Ty::Text],
        )
        .await?;
    let mut queue = Vec::new();
    for row in rows {
        let mut values = row.into_iter();
        let mut next = || values.next().flatten();
        let photo_id = next().and_then(|v| v.as_int()).unwrap_or_default();
        let subject_id = next().and_then(|v| v.as_int()).unwrap_or_default();
        let text = |value: Option<Value>| {
            value
                .and_then(|value| value.as_text().map(str::to_owned))
                .unwrap_or_default()
        };
        let (area, sha256, media_type) = (text(next()), text(next()), text(next()));
        queue.push(Queued {
            photo_id,
            subject_id,
            reading: Reading {
                reading_id: reading_id(photo_id, &sha256),
                area: crate::photos::area(&area)?,
                media_type: MediaType::parse(&media_type)?,
                read: read.contains(&photo_id),
            },
            sha256,
        });
    }
    queue.sort_by(|a, b| a.reading.reading_id.cmp(&b.reading.reading_id));
    Ok(queue)
}

/// The queued photograph with this reading id, or not found.
async fn queued(tx: &mut Tx, actor: &Actor, id: &str) -> Result<Queued, StoreError> {
    queue_in(tx, actor)
        .await?
        .into_iter()
        .find(|queued| queued.reading.reading_id == id)
        .ok_or_else(|| StoreError::NotFound {
            entity: "reading",
            id: id.to_owned(),
        })
}

/// A central reader's score of one photograph's area, as the report reads it (the reader is
/// not named: the report compares scores, not people).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CentralScore {
    pub photo_id: i64,
    /// The area's erythema + scale/hypertrophy (0-5), its CLASI activity.
    pub activity: u8,
    /// The area's dyspigmentation + scarring.
    pub damage: u8,
}

impl Store {
    /// Every live central score of the subject's photographs, in the order recorded.
    pub async fn central_scores_of(
        &self,
        subject_id: i64,
    ) -> Result<Vec<CentralScore>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT photo_id, activity, damage FROM central_reading WHERE subject_id = $1 AND NOT removed ORDER BY id",
                &[subject_id.into()],
                &[Ty::Int, Ty::Int, Ty::Int],
            )
            .await?;
        let mut scores = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = row.into_iter();
            let mut next = || values.next().flatten().and_then(|value| value.as_int());
            let (Some(photo_id), Some(activity), Some(damage)) = (next(), next(), next()) else {
                return Err(StoreError::corrupt(format!(
                    "a central reading of subject {subject_id} lacks its photograph or scores"
                )));
            };
            let score = |value: i64| {
                u8::try_from(value).map_err(|_| {
                    StoreError::corrupt(format!(
                        "a central reading of subject {subject_id} has a score of {value}"
                    ))
                })
            };
            scores.push(CentralScore {
                photo_id,
                activity: score(activity)?,
                damage: score(damage)?,
            });
        }
        Ok(scores)
    }

    /// The central reader's queue: every photograph of the study, unread ones first.
    pub async fn reading_queue(&self, actor: &Actor) -> Result<Vec<Reading>, StoreError> {
        let mut tx = self.pool.read().await?;
        let mut queue: Vec<Reading> = queue_in(&mut tx, actor)
            .await?
            .into_iter()
            .map(|queued| queued.reading)
            .collect();
        queue.sort_by_key(|reading| reading.read);
        Ok(queue)
    }

    /// One photograph of the queue, by its reading id.
    pub async fn reading(&self, actor: &Actor, id: &str) -> Result<Reading, StoreError> {
        let mut tx = self.pool.read().await?;
        Ok(queued(&mut tx, actor, id).await?.reading)
    }

    /// The file of the photograph with this reading id, checked against its SHA-256.
    pub async fn reading_file(&self, actor: &Actor, id: &str) -> Result<Vec<u8>, StoreError> {
        let sha256 = {
            let mut tx = self.pool.read().await?;
            queued(&mut tx, actor, id).await?.sha256
        };
        let dir: &PhotoDir = self.photos.as_ref().ok_or_else(|| {
            StoreError::invalid("file", Refusal::of("refusal-photo-no-directory"))
        })?;
        dir.read(&sha256).map_err(|fault| {
            StoreError::corrupt(format!(
                "photo file {}: {}",
                dir.path_of(&sha256).display(),
                fault.said()
            ))
        })
    }

    /// Records `actor`'s blinded score of the photograph with this reading id; a second score
    /// of the same photograph by the same reader is refused, naming the first.
    pub async fn record_central_reading(
        &self,
        actor: &Actor,
        id: &str,
        score: AreaScore,
    ) -> Result<i64, StoreError> {
        let id = id.to_owned();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { record(writer, actor, &id, score).await })
        })
        .await
    }
}

async fn record(
    writer: &mut Writer,
    actor: &Actor,
    id: &str,
    score: AreaScore,
) -> Result<i64, StoreError> {
    let queued = queued(writer.tx(), actor, id).await?;
    let (activity, damage) = score.checked(queued.reading.area)?;
    let earlier = writer
        .tx()
        .fetch(
            "SELECT id FROM central_reading WHERE photo_id = $1 AND reader_id = $2 AND NOT removed",
            &[queued.photo_id.into(), actor.user_id.into()],
            &[Ty::Int],
        )
        .await?;
    if let Some(first) = earlier
        .into_iter()
        .find_map(|row| row.into_iter().next().flatten()?.as_int())
    {
        return Err(StoreError::Exists {
            entity: CENTRAL_READING.name,
            id: first,
        });
    }
    let int = |value: u8| Some(Value::Int(i64::from(value)));
    writer
        .create(
            &CENTRAL_READING,
            vec![
                ("photo_id", Some(Value::Int(queued.photo_id))),
                ("subject_id", Some(Value::Int(queued.subject_id))),
                ("reader_id", Some(Value::Int(actor.user_id))),
                ("erythema", int(score.erythema)),
                ("scale", int(score.scale)),
                ("dyspigmentation", int(score.dyspigmentation)),
                ("scarring", score.scarring.and_then(int)),
                ("activity", int(activity)),
                ("damage", int(damage)),
            ],
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The area's activity and damage, or the field refused.
    fn check(area: Area, score: (u8, u8, u8, Option<u8>), expect: Result<(u8, u8), &str>) {
        let (erythema, scale, dyspigmentation, scarring) = score;
        let got = AreaScore {
            erythema,
            scale,
            dyspigmentation,
            scarring,
        }
        .checked(area);
        match (got, expect) {
            (Ok(got), Ok(expect)) => assert_eq!(got, expect, "{area:?} {score:?}"),
            (Err(StoreError::Invalid { field, .. }), Err(expect)) => {
                assert_eq!(field, expect, "{area:?} {score:?}");
            }
            (got, expect) => panic!("{area:?} {score:?}: got {got:?}, expected {expect:?}"),
        }
    }

    /// Each item at its top and one past it (INSTRUMENTS.md §1.3-§1.4), and the scalp's
    /// missing scarring item.
    #[test]
    fn items_are_in_range_and_sum_to_activity_and_damage() {
        use Area::{Legs, Scalp};
        check(Legs, (0, 0, 0, Some(0)), Ok((0, 0)));
        check(Legs, (3, 2, 1, Some(2)), Ok((5, 3)));
        check(Legs, (4, 2, 1, Some(2)), Err("erythema"));
        check(Legs, (3, 3, 1, Some(2)), Err("scale"));
        check(Legs, (3, 2, 2, Some(2)), Err("dyspigmentation"));
        check(Legs, (3, 2, 1, Some(3)), Err("scarring"));
        check(Legs, (1, 1, 0, None), Err("scarring"));
        check(Scalp, (3, 2, 1, None), Ok((5, 1)));
        check(Scalp, (1, 0, 0, Some(0)), Err("scarring"));
    }

    #[test]
    fn reading_ids_are_opaque_and_distinct() {
        let sha = "ab".repeat(32);
        let one = reading_id(1, &sha);
        assert_eq!(one.len(), 16);
        assert_ne!(one, reading_id(2, &sha));
        assert!(!one.contains(&sha[..6]));
    }
}
