//! Randomisation at enrolment, for a protocol with a `[randomisation]` section
//! (`protocol::allocation`).
//!
//! The record keeps no arm. It keeps, for each randomised subject, the randomisation number (its
//! place in the study's sequence), its level of each stratification factor, its stratum and its
//! place in that stratum. The arm is a function of these and the study's allocation secret, which
//! is kept outside the record: the permuted-block list is regenerated from the secret, and
//! minimisation is replayed over the enrolments in order ([`arms`]). So no page, API response,
//! export, audit view, count or timing can show a blinded reader an arm the database does not
//! hold; only whoever holds the secret (the unblinded statistician, and the emergency unblinding
//! of one subject) can compute one.
//!
//! Randomisation is part of the enrolment command (`crate::enrolment`), in its transaction: a
//! refused enrolment randomises nobody, and an enrolled subject of a randomised study is always
//! randomised. Eligible subjects only: an enrolment under an eligibility waiver is refused in a
//! randomised study (ICH E9 section 2.3.1: randomisation after eligibility is confirmed).
//! Numbers are never reused or removed: a randomised subject stays in the intention-to-treat
//! population whatever follows.
//!
//! Emergency unblinding ([`Store::unblind`]) is an investigator's act on one randomised subject
//! of their site, with a reason and a second confirmation (the subject's study id typed again),
//! recorded before the arm is computed by whoever holds the secret (the server): the trail says
//! who unblinded whom, when and why, never the arm.

use jiff::civil::Date;
use protocol::Protocol;
use protocol::allocation::{AllocationError, Allocator, Arm, Design, Profile, Secret};

use crate::Refusal;
use crate::Store;
use crate::auth::{Actor, Role};
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::people::require_role;
use crate::schema::{RANDOMISATION, UNBLINDING};
use crate::subjects::subject_in;
use crate::value::{Ty, Value};
use crate::writer::{self, Row, Writer};

/// One subject's randomisation, as the record keeps it (no arm).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Randomisation {
    pub subject_id: i64,
    /// The randomisation number: the subject's place in the study's sequence, from 1.
    pub number: i64,
    /// The subject's level of each factor, in the protocol's factor order.
    pub levels: Vec<(String, String)>,
    /// The stratum, as the allocation list names it (`subtype=DLE;baseline CLASI-A=10 or more`).
    pub stratum: String,
    /// The subject's place in its stratum, from 1 (the allocation list's place).
    pub place: i64,
    pub randomised_on: Date,
    /// The protocol version whose design randomised the subject.
    pub protocol_version: i64,
}

impl Randomisation {
    fn from_row(row: &Row) -> Result<Randomisation, StoreError> {
        let levels: Vec<(String, String)> =
            serde_json::from_str(row.need("levels", row.text("levels"))?)
                .map_err(|error| StoreError::corrupt(format!("randomisation levels: {error}")))?;
        Ok(Randomisation {
            subject_id: row.need("subject_id", row.int("subject_id"))?,
            number: row.need("number", row.int("number"))?,
            levels,
            stratum: row.need("stratum", row.text("stratum"))?.to_owned(),
            place: row.need("place", row.int("place"))?,
            randomised_on: row.need("randomised_on", row.date("randomised_on"))?,
            protocol_version: row.need("protocol_version", row.int("protocol_version"))?,
        })
    }

    /// The subject's profile under `design`, to replay the allocation.
    fn profile(&self, design: &Design) -> Result<Profile, StoreError> {
        let levels: Vec<(&str, &str)> = self
            .levels
            .iter()
            .map(|(factor, level)| (factor.as_str(), level.as_str()))
            .collect();
        design.profile(&levels).map_err(|error| {
            StoreError::corrupt(format!(
                "randomisation number {} does not fit the protocol's design: {error}",
                self.number
            ))
        })
    }
}

/// The profile of the levels given at enrolment, or the refusal naming the factor
/// (`factors.<name>`) and what it allows. A study without `[randomisation]` takes no levels.
pub(crate) fn profile_of(
    protocol: &Protocol,
    levels: &[(String, String)],
) -> Result<Option<Profile>, StoreError> {
    let Some(design) = protocol.randomisation() else {
        return match levels.first() {
            None => Ok(None),
            Some((factor, _)) => Err(StoreError::invalid(
                format!("factors.{factor}"),
                Refusal::of("refusal-not-randomised"),
            )),
        };
    };
    let pairs: Vec<(&str, &str)> = levels
        .iter()
        .map(|(factor, level)| (factor.trim(), level.trim()))
        .collect();
    for (index, (factor, _)) in pairs.iter().enumerate() {
        if pairs[..index].iter().any(|(earlier, _)| earlier == factor) {
            return Err(StoreError::invalid(
                format!("factors.{factor}"),
                Refusal::of("refusal-factor-twice"),
            ));
        }
    }
    let factors = || {
        design
            .factors()
            .iter()
            .map(|factor| factor.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    design
        .profile(&pairs)
        .map(Some)
        .map_err(|error| match error {
            AllocationError::UnknownFactor(factor) => StoreError::invalid(
                format!("factors.{factor}"),
                Refusal::of("refusal-factor-unknown").with("allowed", factors()),
            ),
            AllocationError::MissingFactor(factor) => StoreError::invalid(
                format!("factors.{factor}"),
                Refusal::of("refusal-factor-missing"),
            ),
            AllocationError::UnknownLevel {
                factor, allowed, ..
            } => StoreError::invalid(
                format!("factors.{factor}"),
                Refusal::of("refusal-factor-level").with("allowed", allowed),
            ),
            other => StoreError::corrupt(other.to_string()),
        })
}

/// Randomises `subject_id` with `profile` under `protocol` (version `version`): the next number,
/// and the next place in its stratum. Within the enrolment's transaction; the unique number keeps
/// two writers from sharing one.
pub(crate) async fn randomise(
    writer: &mut Writer,
    (protocol, version): (&Protocol, i64),
    subject_id: i64,
    profile: &Profile,
    on: Date,
) -> Result<Randomisation, StoreError> {
    let design = protocol
        .randomisation()
        .ok_or_else(|| StoreError::corrupt("randomising without [randomisation]"))?;
    crate::allocation_check::require_registered(writer.tx()).await?;
    let stratum = design.stratum(profile);
    let levels: Vec<(String, String)> = design
        .factors()
        .iter()
        .zip(profile.levels())
        .map(|(factor, level)| (factor.name.clone(), factor.levels[*level].clone()))
        .collect();
    let number = writer
        .tx()
        .count("SELECT COUNT(*) FROM randomisation", &[])
        .await?
        + 1;
    let place = writer
        .tx()
        .count(
            "SELECT COUNT(*) FROM randomisation WHERE stratum = $1",
            &[stratum.as_str().into()],
        )
        .await?
        + 1;
    let randomisation = Randomisation {
        subject_id,
        number,
        levels,
        stratum,
        place,
        randomised_on: on,
        protocol_version: version,
    };
    let levels = serde_json::to_string(&randomisation.levels)
        .map_err(|error| StoreError::corrupt(error.to_string()))?;
    writer
        .create(
            &RANDOMISATION,
            vec![
                ("subject_id", Some(Value::Int(subject_id))),
                ("number", Some(Value::Int(number))),
                ("levels", Some(Value::Text(levels))),
                ("stratum", Some(Value::Text(randomisation.stratum.clone()))),
                ("place", Some(Value::Int(place))),
                ("randomised_on", Some(Value::Date(on))),
                ("protocol_version", Some(Value::Int(version))),
            ],
        )
        .await?;
    Ok(randomisation)
}

/// Every randomisation, by number.
pub(crate) async fn randomisations_in(tx: &mut Tx) -> Result<Vec<Randomisation>, StoreError> {
    let mut all = writer::load_all(tx, &RANDOMISATION)
        .await?
        .values()
        .filter(|row| !row.removed)
        .map(Randomisation::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    all.sort_by_key(|randomisation| randomisation.number);
    Ok(all)
}

/// The randomisation of `subject_id`, if the subject was randomised.
pub(crate) async fn randomisation_of(
    tx: &mut Tx,
    subject_id: i64,
) -> Result<Option<Randomisation>, StoreError> {
    match writer::find_by(tx, &RANDOMISATION, "subject_id", subject_id).await? {
        Some((_, row)) if !row.removed => Randomisation::from_row(&row).map(Some),
        _ => Ok(None),
    }
}

/// Each randomisation's arm (an index into `design.arms()`), in number order: the allocation
/// replayed from the secret over the enrolments as they happened. Only whoever holds the secret
/// can call this; the record alone cannot. A stratum that differs from the one recorded means
/// the design or the record has changed since, and is reported rather than guessed past.
pub fn arms(
    design: &Design,
    secret: Secret,
    randomisations: &[Randomisation],
) -> Result<Vec<usize>, StoreError> {
    let mut allocator = Allocator::new(design, secret);
    randomisations
        .iter()
        .map(|randomisation| {
            let assignment = allocator.assign(&randomisation.profile(design)?);
            if assignment.stratum != randomisation.stratum
                || i64::try_from(assignment.sequence) != Ok(randomisation.number)
            {
                return Err(StoreError::corrupt(format!(
                    "randomisation number {} was recorded in stratum {} as number {}, the design replays it in {} as number {}",
                    randomisation.number,
                    randomisation.stratum,
                    randomisation.number,
                    assignment.stratum,
                    assignment.sequence
                )));
            }
            Ok(assignment.arm)
        })
        .collect()
}

/// An investigator's request to unblind one subject in an emergency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unblinding {
    pub subject_id: i64,
    /// Why the treatment must be known now (a serious adverse event, say).
    pub reason: String,
    /// The subject's study id typed again: the second confirmation.
    pub confirmation: String,
}

/// An emergency unblinding as recorded: who (the event's actor, by login), when and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unblinded {
    pub subject_id: i64,
    pub unblinded_on: Date,
    pub reason: String,
    pub by: String,
}

async fn unblind(
    writer: &mut Writer,
    actor: &Actor,
    request: &Unblinding,
    secret: Option<&Secret>,
) -> Result<(Randomisation, Arm), StoreError> {
    let subject = subject_in(writer.tx(), request.subject_id).await?;
    let site_id = crate::subjects::site_id_in(writer.tx(), subject.id).await?;
    require_role(
        writer.tx(),
        actor,
        site_id,
        |role| role == Role::Investigator,
        "investigator",
    )
    .await?;
    let reason = check::label("reason", &request.reason, 1000).map_err(|error| match error {
        StoreError::Invalid { .. } if request.reason.trim().is_empty() => {
            StoreError::invalid("reason", Refusal::of("refusal-unblind-reason"))
        }
        other => other,
    })?;
    if request.confirmation.trim() != subject.data.code {
        return Err(StoreError::invalid(
            "confirmation",
            Refusal::of("refusal-unblind-confirm").with("code", &subject.data.code),
        ));
    }
    let randomisation = randomisation_of(writer.tx(), subject.id)
        .await?
        .ok_or_else(|| {
            StoreError::invalid("subject", Refusal::of("refusal-unblind-not-randomised"))
        })?;
    // The arm is computed before anything is recorded: an unblinding that could show nothing
    // (no secret on this server) is refused, not recorded.
    let secret = secret
        .ok_or_else(|| StoreError::invalid("form", Refusal::of("refusal-unblind-no-secret")))?;
    crate::allocation_check::require_secret(writer.tx(), secret).await?;
    let protocol = crate::study::protocol_for(writer).await?;
    let design = protocol
        .randomisation()
        .ok_or_else(|| StoreError::corrupt("a randomisation without [randomisation]"))?;
    let all = randomisations_in(writer.tx()).await?;
    let arms = arms(design, secret.clone(), &all)?;
    let arm = all
        .iter()
        .zip(arms)
        .find(|(other, _)| other.number == randomisation.number)
        .and_then(|(_, arm)| design.arms().get(arm).cloned())
        .ok_or_else(|| StoreError::corrupt("a randomisation missing from the replay"))?;
    writer
        .create(
            &UNBLINDING,
            vec![
                ("subject_id", Some(Value::Int(subject.id))),
                ("unblinded_on", Some(Value::Date(check::today()))),
                ("reason", Some(Value::Text(reason))),
            ],
        )
        .await?;
    Ok((randomisation, arm))
}

impl Store {
    /// Records an emergency unblinding of one randomised subject (see the module
    /// documentation) and gives back the subject's randomisation and arm, computed with
    /// `secret` (the server's; never stored). Refused, with nothing recorded, unless the actor
    /// is an investigator at the subject's site, gives a reason, types the study id again, and
    /// the secret is there.
    pub async fn unblind(
        &self,
        actor: &Actor,
        request: &Unblinding,
        secret: Option<&Secret>,
    ) -> Result<(Randomisation, Arm), StoreError> {
        let request = request.clone();
        let secret = secret.cloned();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { unblind(writer, actor, &request, secret.as_ref()).await })
        })
        .await
    }

    /// Every emergency unblinding, oldest first.
    pub async fn unblindings(&self) -> Result<Vec<Unblinded>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT u.subject_id, u.unblinded_on, u.reason, e.actor FROM unblinding u \
                 JOIN audit_event e ON e.entity = 'unblinding' AND e.entity_id = u.id \
                 AND e.action = 'create' AND e.field = 'subject_id' \
                 WHERE NOT u.removed ORDER BY u.id",
                &[],
                &[Ty::Int, Ty::Date, Ty::Text, Ty::Text],
            )
            .await?;
        rows.into_iter()
            .map(|row| {
                let mut values = row.into_iter();
                let mut next = || values.next().flatten();
                let corrupt = || StoreError::corrupt("an unblinding without its fields");
                Ok(Unblinded {
                    subject_id: next().and_then(|v| v.as_int()).ok_or_else(corrupt)?,
                    unblinded_on: next().and_then(|v| v.as_date()).ok_or_else(corrupt)?,
                    reason: next()
                        .and_then(|v| v.as_text().map(str::to_owned))
                        .ok_or_else(corrupt)?,
                    by: next()
                        .and_then(|v| v.as_text().map(str::to_owned))
                        .ok_or_else(corrupt)?,
                })
            })
            .collect()
    }

    /// The arm code of `subject_id` for `protocol`'s open-label extension, when the arms enter
    /// it differently (`protocol::extension`) and `secret` (the server's) is given: the one
    /// place outside emergency unblinding and the unblinded outputs where an arm is computed,
    /// because the protocol says its decisions from the extension on depend on it. `None` for a
    /// subject not randomised, a protocol without such an extension, or no secret (the decision
    /// then goes to the physician). A secret other than the registered one is refused.
    pub async fn extension_arm(
        &self,
        protocol: &Protocol,
        subject_id: i64,
        secret: Option<&Secret>,
    ) -> Result<Option<String>, StoreError> {
        let (Some(design), Some(extension), Some(secret)) =
            (protocol.randomisation(), protocol.extension(), secret)
        else {
            return Ok(None);
        };
        if !extension.depends_on_arm() {
            return Ok(None);
        }
        let mut tx = self.pool.read().await?;
        crate::allocation_check::require_secret(&mut tx, secret).await?;
        let all = randomisations_in(&mut tx).await?;
        let Some(place) = all.iter().position(|r| r.subject_id == subject_id) else {
            return Ok(None);
        };
        // The allocation replays in order, so the subjects up to this one suffice.
        let arms = arms(design, secret.clone(), &all[..=place])?;
        Ok(arms
            .last()
            .and_then(|arm| design.arms().get(*arm))
            .map(|arm| arm.code.clone()))
    }

    /// How many emergency unblindings there are: what a notice of them needs, without reading
    /// each one.
    pub async fn unblinding_count(&self) -> Result<i64, StoreError> {
        self.pool
            .read()
            .await?
            .count("SELECT COUNT(*) FROM unblinding WHERE NOT removed", &[])
            .await
    }

    /// Every randomisation, by number (no arms: see the module documentation).
    pub async fn randomisations(&self) -> Result<Vec<Randomisation>, StoreError> {
        randomisations_in(&mut self.pool.read().await?).await
    }

    /// The randomisation of one subject, if randomised.
    pub async fn randomisation(
        &self,
        subject_id: i64,
    ) -> Result<Option<Randomisation>, StoreError> {
        randomisation_of(&mut self.pool.read().await?, subject_id).await
    }
}
