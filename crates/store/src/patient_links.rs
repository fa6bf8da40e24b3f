//! One-time links by which a patient answers a questionnaire of a scheduled visit themself, on
//! their own phone, without an account (issue 19). Staff who enter data at the subject's site
//! issue a link for one (subject, visit, instrument); the secret in it is 256 random bits from
//! the operating system, shown once, and the record keeps its SHA-256 only (as API tokens).
//!
//! The window: a link opens and closes with its visit's window in the protocol's schedule, as
//! `protocol::schedule::calendar` lays it out from the subject's enrolment date, computed from
//! the record as it stands whenever the link is read (a corrected visit date moves it; it is
//! never kept). A visit counts
//! for the scheduled slot whose window holds its date (planned, else actual), the rule the
//! worklists use to say whether a visit was done on time (PROTOCOL.md, schedule: "windows in
//! the file"); two windows holding it, the slot whose date is nearest. The patient answers on
//! a day from the window's first to its last, both included; before it the link is not open
//! yet, after it the link has expired: no answers are back-filled for a window that has
//! closed (issue 19).
//!
//! Answering goes through the same command staff use (`records::add_record`, so the same
//! refusals), with the patient as the actor: the trail names them `patient (link N)`, never by
//! name, and the record's source is `patient`. The link is then spent (its `used_on` and the
//! questionnaire's id set in the same transaction). Staff revoke a link with a reason, which
//! removes it. Issuing, answering and revoking are events of the audit trail.

use instruments::questionnaire::{Answers, Instrument};
use jiff::civil::Date;
use protocol::Protocol;

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::questionnaire::{Questionnaire, Source};
use crate::record::Stored;
use crate::schema::VISIT;
use crate::schema::{PATIENT_LINK, QUESTIONNAIRE};
use crate::study::protocol_in;
use crate::subjects::{Subject, Visit, entry_in, subject_in, visit_from, visit_in};
use crate::value::{Ty, Value};
use crate::writer::{self, Reason, Row, Writer};

/// A link as the record knows it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientLink {
    pub id: i64,
    pub version: i64,
    pub subject_id: i64,
    pub visit_id: i64,
    pub instrument: Instrument,
    /// The visit's window as the record stands; none when the visit falls in no scheduled
    /// window any more (its date removed or moved out of the schedule).
    pub window: Option<Window>,
    /// The day the patient answered; the link is then spent.
    pub used_on: Option<Date>,
    /// The questionnaire the patient's answers became.
    pub questionnaire_id: Option<i64>,
    pub revoked: bool,
}

/// The first and last day of a visit's window: the days a link may be answered on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub opens_on: Date,
    pub closes_on: Date,
}

/// Where a link stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// The patient may answer today.
    Open,
    /// The window opens on this day.
    NotYetOpen(Date),
    /// The window closed on this day (its last day).
    Expired(Date),
    /// Answered on this day.
    Used(Date),
    Revoked,
    /// The visit falls in no scheduled window as the record stands.
    Unscheduled,
}

impl LinkState {
    /// The state's code (`open`, `not_yet_open`, `expired`, `used`, `revoked`), for the pages'
    /// words and the API.
    pub fn code(self) -> &'static str {
        match self {
            LinkState::Open => "open",
            LinkState::NotYetOpen(_) => "not_yet_open",
            LinkState::Expired(_) => "expired",
            LinkState::Used(_) => "used",
            LinkState::Revoked => "revoked",
            LinkState::Unscheduled => "unscheduled",
        }
    }

    /// The refusal of an answer sent through a link in this state; none when open.
    pub fn refusal(self) -> Option<StoreError> {
        let refusal = match self {
            LinkState::Open => return None,
            LinkState::NotYetOpen(date) => {
                Refusal::of("refusal-link-not-yet-open").with("date", date)
            }
            LinkState::Expired(date) => Refusal::of("refusal-link-expired").with("date", date),
            LinkState::Used(date) => Refusal::of("refusal-link-used").with("date", date),
            LinkState::Revoked => Refusal::of("refusal-link-revoked"),
            LinkState::Unscheduled => Refusal::of("refusal-link-unscheduled"),
        };
        Some(StoreError::invalid("link", refusal))
    }
}

impl PatientLink {
    /// Where the link stands on `today`: revoked and used come first (a spent link stays
    /// spent whatever the day), then the window, both of its days included.
    pub fn state_on(&self, today: Date) -> LinkState {
        if self.revoked {
            LinkState::Revoked
        } else if let Some(used) = self.used_on {
            LinkState::Used(used)
        } else {
            match self.window {
                None => LinkState::Unscheduled,
                Some(window) if today < window.opens_on => LinkState::NotYetOpen(window.opens_on),
                Some(window) if today > window.closes_on => LinkState::Expired(window.closes_on),
                Some(_) => LinkState::Open,
            }
        }
    }

    /// Where the link stands today (UTC, the day every record's dates are checked against).
    pub fn state(&self) -> LinkState {
        self.state_on(check::today())
    }
}

/// A link just issued, with its secret: the only time the secret exists outside the patient's
/// hands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedLink {
    pub link: PatientLink,
    /// 64 hexadecimal digits (256 bits); the URL's last part.
    pub token: String,
}

/// The window of the scheduled visit that `visit_date` counts for, from the subject's
/// enrolment date (see the module's comment for the rule): its first and last day.
pub fn visit_window(protocol: &Protocol, enrolled_on: Date, visit_date: Date) -> Option<Window> {
    protocol::schedule::calendar(protocol.schedule(), enrolled_on)
        .visits
        .into_iter()
        .filter(|slot| (slot.earliest..=slot.latest).contains(&visit_date))
        .min_by_key(|slot| protocol::schedule::days_between(slot.date, visit_date).abs())
        .map(|slot| Window {
            opens_on: slot.earliest,
            closes_on: slot.latest,
        })
}

/// The window of `visit` of `subject`, or the refusal that says why it has none.
fn window_of(protocol: &Protocol, subject: &Subject, visit: &Visit) -> Result<Window, StoreError> {
    let enrolled_on = subject
        .data
        .enrolment_date
        .ok_or_else(|| StoreError::invalid("visit_id", Refusal::of("refusal-link-not-enrolled")))?;
    let visit_date = visit
        .data
        .planned_date
        .or(visit.data.actual_date)
        .ok_or_else(|| {
            StoreError::invalid("visit_id", Refusal::of("refusal-link-visit-undated"))
        })?;
    visit_window(protocol, enrolled_on, visit_date).ok_or_else(|| {
        StoreError::invalid(
            "visit_id",
            Refusal::of("refusal-link-no-window").with("date", visit_date),
        )
    })
}

/// The link a trail's actor answered through, when the actor is a patient (`patient (link 12)`,
/// as [`Actor`] names them), for the audit views to say so in their reader's words.
pub fn link_of_actor(actor: &str) -> Option<i64> {
    actor
        .strip_prefix("patient (link ")?
        .strip_suffix(')')?
        .parse()
        .ok()
}

/// 256 random bits from the operating system, as hexadecimal.
fn new_secret() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| StoreError::other(std::io::Error::other(error.to_string())))?;
    Ok(hex::encode(bytes))
}

/// Link `id` from its `row`, its window from the record as it stands in `tx`.
async fn link_in(
    tx: &mut Tx,
    protocol: &Protocol,
    id: i64,
    row: &Row,
) -> Result<PatientLink, StoreError> {
    let subject_id = row.need("subject_id", row.int("subject_id"))?;
    let visit_id = row.need("visit_id", row.int("visit_id"))?;
    let subject = subject_in(tx, subject_id).await?;
    let window = match writer::load(tx, &VISIT, visit_id).await? {
        Some(visit) if !visit.removed => {
            window_of(protocol, &subject, &visit_from(visit_id, &visit)).ok()
        }
        _ => None,
    };
    Ok(PatientLink {
        id,
        version: row.version,
        subject_id,
        visit_id,
        instrument: crate::questionnaire::instrument(
            row.need("instrument", row.text("instrument"))?,
        )?,
        window,
        used_on: row.date("used_on"),
        questionnaire_id: row.int("questionnaire_id"),
        revoked: row.removed,
    })
}

/// The link (live or revoked) whose secret is `token`.
async fn by_token(tx: &mut Tx, token: &str) -> Result<Option<PatientLink>, StoreError> {
    match writer::find_by(tx, &PATIENT_LINK, "token_sha256", crate::sha256_hex(token)).await? {
        Some((id, row)) => {
            let protocol = protocol_in(tx).await?;
            Ok(Some(link_in(tx, &protocol, id, &row).await?))
        }
        None => Ok(None),
    }
}

fn unknown() -> StoreError {
    StoreError::NotFound {
        entity: "patient_link",
        id: "(the link given)".to_owned(),
    }
}

/// The live questionnaire of `instrument` at `visit_id`, if any.
async fn answered_at(
    writer: &mut Writer,
    subject_id: i64,
    visit_id: i64,
    instrument: Instrument,
) -> Result<Option<i64>, StoreError> {
    let taken: Vec<Stored<Questionnaire>> =
        crate::records::records_in(writer.tx(), subject_id).await?;
    Ok(taken
        .into_iter()
        .find(|stored| stored.data.visit_id == visit_id && stored.data.instrument == instrument)
        .map(|stored| stored.id))
}

async fn issue(
    writer: &mut Writer,
    actor: &Actor,
    visit_id: i64,
    instrument: Instrument,
) -> Result<IssuedLink, StoreError> {
    if actor.patient_link.is_some() {
        return Err(StoreError::Forbidden(
            "a patient does not issue links".to_owned(),
        ));
    }
    let visit = visit_in(writer.tx(), visit_id).await?;
    let entry = entry_in(writer.tx(), actor, visit.subject_id, Some(visit_id)).await?;
    entry.require_data_entry(actor)?;
    entry.require_visit(visit_id)?;
    let protocol = crate::study::protocol_for(writer).await?;
    if protocol.outcomes().setup(instrument).is_none() {
        return Err(crate::questionnaire::not_collected(instrument));
    }
    if !instrument.patient_reported() {
        return Err(StoreError::invalid(
            "instrument",
            Refusal::of("refusal-link-clinician-instrument").with("instrument", instrument),
        ));
    }
    let window = window_of(&protocol, &entry.subject, &visit)?;
    if window.closes_on < check::today() {
        return Err(StoreError::invalid(
            "visit_id",
            Refusal::of("refusal-link-expired").with("date", window.closes_on),
        ));
    }
    if let Some(existing) = answered_at(writer, visit.subject_id, visit_id, instrument).await? {
        return Err(StoreError::Exists {
            entity: QUESTIONNAIRE.name,
            id: existing,
        });
    }
    let token = new_secret()?;
    let (id, row) = writer
        .create_row(
            &PATIENT_LINK,
            vec![
                ("subject_id", Some(Value::Int(visit.subject_id))),
                ("visit_id", Some(Value::Int(visit_id))),
                (
                    "instrument",
                    Some(Value::Text(instrument.code().to_owned())),
                ),
                ("token_sha256", Some(Value::Text(crate::sha256_hex(&token)))),
            ],
        )
        .await?;
    Ok(IssuedLink {
        link: link_in(writer.tx(), &protocol, id, &row).await?,
        token,
    })
}

async fn revoke(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let row = writer::load(writer.tx(), &PATIENT_LINK, id)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "patient_link",
            id: id.to_string(),
        })?;
    let protocol = crate::study::protocol_for(writer).await?;
    let link = link_in(writer.tx(), &protocol, id, &row).await?;
    let entry = entry_in(writer.tx(), actor, link.subject_id, None).await?;
    entry.require_data_entry(actor)?;
    if actor.patient_link.is_some() {
        return Err(StoreError::Forbidden(
            "a patient does not revoke links".to_owned(),
        ));
    }
    // A spent or revoked link has nothing left to revoke: say which.
    if let Some(refused) = match link.state() {
        state @ (LinkState::Used(_) | LinkState::Revoked) => state.refusal(),
        _ => None,
    } {
        return Err(refused);
    }
    writer.remove(&PATIENT_LINK, id, row.version, reason).await
}

async fn answer(
    writer: &mut Writer,
    actor: &Actor,
    token: &str,
    answers: Answers,
    unanswered_reason: Option<String>,
) -> Result<Stored<Questionnaire>, StoreError> {
    let link = by_token(writer.tx(), token).await?.ok_or_else(unknown)?;
    if actor.patient_link != Some(link.id) {
        return Err(unknown());
    }
    let today = check::today();
    if let Some(refused) = link.state_on(today).refusal() {
        return Err(refused);
    }
    let data = Questionnaire {
        subject_id: link.subject_id,
        visit_id: link.visit_id,
        instrument: link.instrument,
        completed_on: today,
        source: Source::Patient,
        answers,
        unanswered_reason: unanswered_reason.filter(|reason| !reason.trim().is_empty()),
    };
    let stored = crate::records::add_record(writer, actor, &data).await?;
    let reason = Reason::new("answered by the patient through the link")?;
    writer
        .update(
            &PATIENT_LINK,
            link.id,
            link.version,
            &reason,
            vec![
                ("used_on", Some(Value::Date(today))),
                ("questionnaire_id", Some(Value::Int(stored.id))),
            ],
        )
        .await?;
    Ok(stored)
}

impl Store {
    /// Issues a one-time link for the patient of visit `visit_id` to answer `instrument`
    /// (one the protocol collects and the patient gives), open in the visit's window. Refused
    /// to an actor who may not enter data at the subject's site, for a subject not enrolled,
    /// a visit without a date or outside every scheduled window, a window already closed, or
    /// an instrument already recorded at the visit.
    pub async fn issue_patient_link(
        &self,
        actor: &Actor,
        visit_id: i64,
        instrument: Instrument,
    ) -> Result<IssuedLink, StoreError> {
        self.command(actor, move |writer, actor| {
            Box::pin(async move { issue(writer, actor, visit_id, instrument).await })
        })
        .await
    }

    /// Revokes link `id` with a reason; a used or revoked link is refused saying so.
    pub async fn revoke_patient_link(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.command(actor, move |writer, actor| {
            Box::pin(async move { revoke(writer, actor, id, &reason).await })
        })
        .await
    }

    /// The link whose secret is `token` (a revoked one too, to say so), or none.
    pub async fn patient_link(&self, token: &str) -> Result<Option<PatientLink>, StoreError> {
        by_token(&mut self.pool.read().await?, token).await
    }

    /// Every link issued for visit `visit_id`, revoked ones too, oldest first.
    pub async fn patient_links_of_visit(
        &self,
        visit_id: i64,
    ) -> Result<Vec<PatientLink>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT id FROM patient_link WHERE visit_id = $1 ORDER BY id",
                &[visit_id.into()],
                &[Ty::Int],
            )
            .await?;
        let protocol = protocol_in(&mut tx).await?;
        let mut links = Vec::new();
        for id in rows
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten()?.as_int())
        {
            if let Some(row) = writer::load(&mut tx, &PATIENT_LINK, id).await? {
                links.push(link_in(&mut tx, &protocol, id, &row).await?);
            }
        }
        Ok(links)
    }

    /// Records the patient's answers through the link whose secret is `token`: today's
    /// questionnaire of the link's instrument at its visit, by the store's one record command
    /// (the same refusals as staff get), the patient its actor, the link spent in the same
    /// transaction. An unknown link is not found; a link not open is refused naming why.
    pub async fn answer_by_patient_link(
        &self,
        token: &str,
        answers: Answers,
        unanswered_reason: Option<String>,
    ) -> Result<Stored<Questionnaire>, StoreError> {
        let link = self.patient_link(token).await?.ok_or_else(unknown)?;
        let actor = Actor::patient(link.id);
        let token = token.to_owned();
        self.command(&actor, move |writer, actor| {
            Box::pin(async move { answer(writer, actor, &token, answers, unanswered_reason).await })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(opens_on: &str, closes_on: &str, used_on: Option<&str>, revoked: bool) -> PatientLink {
        let window = Window {
            opens_on: opens_on.parse().expect("date"),
            closes_on: closes_on.parse().expect("date"),
        };
        PatientLink {
            id: 1,
            version: 1,
            subject_id: 1,
            visit_id: 1,
            instrument: Instrument::Dlqi,
            window: Some(window),
            used_on: used_on.map(|date| date.parse().expect("date")),
            questionnaire_id: None,
            revoked,
        }
    }

    #[track_caller]
    fn check(link: &PatientLink, today: &str, expect: LinkState) {
        assert_eq!(
            link.state_on(today.parse().expect("date")),
            expect,
            "{today}"
        );
    }

    /// The window's first and last days are open; the day before and the day after are not.
    #[test]
    fn a_link_is_open_on_the_days_of_its_window_only() {
        let window = link("2026-03-10", "2026-03-24", None, false);
        let date = |text: &str| text.parse::<Date>().expect("date");
        for (today, expect) in [
            ("2026-03-09", LinkState::NotYetOpen(date("2026-03-10"))),
            ("2026-03-10", LinkState::Open),
            ("2026-03-17", LinkState::Open),
            ("2026-03-24", LinkState::Open),
            ("2026-03-25", LinkState::Expired(date("2026-03-24"))),
        ] {
            check(&window, today, expect);
        }
    }

    #[test]
    fn the_trail_names_a_patient_by_the_link_only() {
        assert_eq!(link_of_actor(Actor::patient(12).login()), Some(12));
        for staff in [
            "inv",
            "patient",
            "patient (link )",
            "patient (link 12",
            "patient (link x)",
        ] {
            assert_eq!(link_of_actor(staff), None, "{staff}");
        }
    }

    /// Spent or revoked, a link stays so inside its window and out of it.
    #[test]
    fn a_used_or_revoked_link_stays_closed_whatever_the_day() {
        let date = |text: &str| text.parse::<Date>().expect("date");
        let used = link("2026-03-10", "2026-03-24", Some("2026-03-12"), false);
        let revoked = link("2026-03-10", "2026-03-24", None, true);
        let both = link("2026-03-10", "2026-03-24", Some("2026-03-12"), true);
        for today in ["2026-03-09", "2026-03-10", "2026-03-24", "2026-03-25"] {
            check(&used, today, LinkState::Used(date("2026-03-12")));
            check(&revoked, today, LinkState::Revoked);
            check(&both, today, LinkState::Revoked);
        }
        let mut unscheduled = link("2026-03-10", "2026-03-24", None, false);
        unscheduled.window = None;
        check(&unscheduled, "2026-03-17", LinkState::Unscheduled);
    }
}
