//! The commands that add, change and remove subjects and visits (the subject's own records go
//! through `records`); each checks its data against the subject's other records and the
//! actor's grant, and ends in `changed::after_change`. The types and reads are `subjects`'.

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::changed::after_change;
use crate::check;
use crate::error::StoreError;
use crate::people::{require_data_entry, site_by_code};
use crate::randomisation::randomisation_of;
use crate::schema::{SUBJECT, VISIT};
use crate::subjects::{Subject, SubjectData, Visit, VisitData, entry_in, subject_in, visit_in};
use crate::value::Value;
use crate::writer::{self, Reason, Writer};

/// Whether a subject change is the enrolment command's: only it may set the enrolment date
/// (after the eligibility checklist or an investigator's waiver, `crate::enrolment`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Enrolling {
    Yes,
    No,
}

fn not_by_enrolment() -> StoreError {
    StoreError::invalid("enrolment_date", Refusal::of("refusal-enrol-by-enrolment"))
}

pub(crate) async fn add_subject(
    writer: &mut Writer,
    actor: &Actor,
    data: &SubjectData,
) -> Result<Subject, StoreError> {
    let protocol = crate::study::protocol_for(writer).await?;
    let waived = protocol.file().study.design == protocol::model::Design::Retrospective;
    data.check(check::today(), waived)?;
    if data.enrolment_date.is_some() {
        return Err(not_by_enrolment());
    }
    let (site_id, _) = site_by_code(writer.tx(), &data.site).await?;
    require_data_entry(writer.tx(), actor, site_id).await?;
    check::subject_code(&data.site, &data.code)?;
    if writer::find_by(writer.tx(), &SUBJECT, "code", data.code.trim())
        .await?
        .is_some()
    {
        return Err(StoreError::invalid(
            "code",
            Refusal::of("refusal-already-used").with("code", data.code.trim()),
        ));
    }
    let mut changes = data.changes(site_id);
    changes.push(("consent", waived.then(|| Value::Text("waived".to_owned()))));
    let id = writer.create(&SUBJECT, changes).await?;
    subject_in(writer.tx(), id).await
}

pub(crate) async fn update_subject(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    based_on: i64,
    data: &SubjectData,
    reason: &Reason,
    enrolling: Enrolling,
) -> Result<Subject, StoreError> {
    let current = writer::load(writer.tx(), &SUBJECT, id)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "subject",
            id: id.to_string(),
        })?;
    let consent_waived = current.text("consent") == Some("waived");
    data.check(check::today(), consent_waived)?;
    if current.date("enrolment_date").is_none()
        && data.enrolment_date.is_some()
        && enrolling == Enrolling::No
    {
        return Err(not_by_enrolment());
    }
    let old_site = current
        .get("site_id")
        .and_then(Value::as_int)
        .unwrap_or_default();
    require_data_entry(writer.tx(), actor, old_site).await?;
    let (site_id, _) = site_by_code(writer.tx(), &data.site).await?;
    require_data_entry(writer.tx(), actor, site_id).await?;
    // A code given before codes carried their site stays usable while neither changes.
    if current.text("code") != Some(data.code.trim()) || old_site != site_id {
        check::subject_code(&data.site, &data.code)?;
    }
    if let Some((other, _)) =
        writer::find_by(writer.tx(), &SUBJECT, "code", data.code.trim()).await?
        && other != id
    {
        return Err(StoreError::invalid(
            "code",
            Refusal::of("refusal-already-used").with("code", data.code.trim()),
        ));
    }
    // Every record of the subject must stay valid against the changed subject (a later
    // consent date must not leave a visit or a lab result before consent).
    let changed = Subject {
        id,
        version: based_on + 1,
        data: data.clone(),
        consent_waived,
    };
    crate::recheck::subject_records(writer.tx(), &changed, check::today()).await?;
    if data.enrolment_date.is_none()
        && let Some(randomised) = randomisation_of(writer.tx(), id).await?
    {
        return Err(StoreError::invalid(
            "enrolment_date",
            Refusal::of("refusal-randomised-enrolment").with("number", randomised.number),
        ));
    }
    let version = writer
        .update(&SUBJECT, id, based_on, reason, data.changes(site_id))
        .await?;
    if version != based_on {
        after_change(writer, id, None, (&SUBJECT, id), reason).await?;
    }
    subject_in(writer.tx(), id).await
}

pub(crate) async fn remove_subject(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    based_on: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let current = writer::load(writer.tx(), &SUBJECT, id)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "subject",
            id: id.to_string(),
        })?;
    require_data_entry(
        writer.tx(),
        actor,
        current
            .get("site_id")
            .and_then(Value::as_int)
            .unwrap_or_default(),
    )
    .await?;
    if let Some(randomised) = randomisation_of(writer.tx(), id).await? {
        return Err(StoreError::invalid(
            "subject",
            Refusal::of("refusal-randomised-stays").with("number", randomised.number),
        ));
    }
    writer.remove(&SUBJECT, id, based_on, reason).await?;
    after_change(writer, id, None, (&SUBJECT, id), reason).await
}

pub(crate) async fn add_visit(
    writer: &mut Writer,
    actor: &Actor,
    subject_id: i64,
    data: &VisitData,
) -> Result<Visit, StoreError> {
    let entry = entry_in(writer.tx(), actor, subject_id, None).await?;
    data.check(&entry.subject, check::today())?;
    entry.require_data_entry(actor)?;
    let (id, row) = writer.create_row(&VISIT, data.changes(subject_id)).await?;
    let reason = Reason::new("a visit was added")?;
    after_change(writer, subject_id, None, (&VISIT, id), &reason).await?;
    // What a change does besides itself (`after_change`) never writes the visit itself.
    Ok(crate::subjects::visit_from(id, &row))
}

pub(crate) async fn update_visit(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    based_on: i64,
    data: &VisitData,
    reason: &Reason,
) -> Result<Visit, StoreError> {
    let visit = visit_in(writer.tx(), id).await?;
    let entry = entry_in(writer.tx(), actor, visit.subject_id, None).await?;
    data.check(&entry.subject, check::today())?;
    entry.require_data_entry(actor)?;
    let version = writer
        .update(&VISIT, id, based_on, reason, data.changes(visit.subject_id))
        .await?;
    if version != based_on {
        after_change(writer, visit.subject_id, Some(id), (&VISIT, id), reason).await?;
    }
    visit_in(writer.tx(), id).await
}

/// Marks a visit entered in error (a duplicate, the wrong subject): it and its history stay in
/// the trail. Refused while records taken at it are live: they are marked first, each with its
/// own reason.
pub(crate) async fn remove_visit(
    writer: &mut Writer,
    actor: &Actor,
    id: i64,
    based_on: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let visit = visit_in(writer.tx(), id).await?;
    entry_in(writer.tx(), actor, visit.subject_id, None)
        .await?
        .require_data_entry(actor)?;
    let mut held = Vec::new();
    for kind in crate::schema::VISIT_RECORDS {
        let live = crate::records::live_at_visit(writer.tx(), kind, id).await?;
        held.extend(live.into_iter().map(|record| {
            Refusal::of("refusal-record-id")
                .record("record", kind.name)
                .with("id", record)
        }));
    }
    if !held.is_empty() {
        return Err(StoreError::invalid(
            "visit",
            Refusal::of("refusal-visit-holds").phrases("records", held),
        ));
    }
    writer.remove(&VISIT, id, based_on, reason).await?;
    after_change(writer, visit.subject_id, Some(id), (&VISIT, id), reason).await
}

impl Store {
    /// Marks a visit entered in error (see [`remove_visit`]).
    pub async fn remove_visit(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.command(actor, move |writer, actor| {
            Box::pin(async move { remove_visit(writer, actor, id, based_on, &reason).await })
        })
        .await
    }

    /// Registers a subject at a site where `actor` enters data.
    pub async fn add_subject(
        &self,
        actor: &Actor,
        data: &SubjectData,
    ) -> Result<Subject, StoreError> {
        let data = data.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { add_subject(writer, actor, &data).await })
        })
        .await
    }

    /// Replaces a subject's data; only the fields that differ make events.
    pub async fn update_subject(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        data: &SubjectData,
        reason: &str,
    ) -> Result<Subject, StoreError> {
        let reason = Reason::new(reason)?;
        let data = data.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move {
                update_subject(writer, actor, id, based_on, &data, &reason, Enrolling::No).await
            })
        })
        .await
    }

    /// Withdraws a subject record entered in error (it and its history stay in the trail).
    pub async fn remove_subject(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.command(actor, move |writer, actor| {
            Box::pin(async move { remove_subject(writer, actor, id, based_on, &reason).await })
        })
        .await
    }

    pub async fn add_visit(
        &self,
        actor: &Actor,
        subject_id: i64,
        data: &VisitData,
    ) -> Result<Visit, StoreError> {
        let data = data.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { add_visit(writer, actor, subject_id, &data).await })
        })
        .await
    }

    pub async fn update_visit(
        &self,
        actor: &Actor,
        id: i64,
        based_on: i64,
        data: &VisitData,
        reason: &str,
    ) -> Result<Visit, StoreError> {
        let reason = Reason::new(reason)?;
        let data = data.clone();
        self.command(actor, move |writer, actor| {
            Box::pin(async move { update_visit(writer, actor, id, based_on, &data, &reason).await })
        })
        .await
    }
}
