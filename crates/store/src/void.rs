//! Marking a record entered in error, by kind, from the pages, the API and import: one command
//! over the subject commands and the generic record path.

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::error::StoreError;
use crate::record::{Stored, SubjectRecord};
use crate::records::{record_in, remove_record};
use crate::writer::{Reason, Writer};

/// The kinds of record a user marks entered in error by name ([`Store::void`]).
pub const VOIDABLE: &[&str] = &[
    "subject",
    "visit",
    "clasi",
    "sledai",
    "lab",
    "dose",
    "adverse_event",
    "conmed",
    "nerve_conduction",
    "nerve_conduction_study",
    "questionnaire",
    "photo",
    "disposition",
    "protocol_event",
];

/// Marks record `id` of `kind` of subject `subject_id` entered in error, if it is that
/// subject's (otherwise not found).
async fn void_record<T: SubjectRecord>(
    writer: &mut Writer,
    actor: &Actor,
    subject_id: i64,
    id: i64,
    based_on: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let current: Stored<T> = record_in(writer.tx(), id).await?;
    if current.data.subject_id() != subject_id {
        return Err(StoreError::NotFound {
            entity: T::kind().name,
            id: id.to_string(),
        });
    }
    remove_record::<T>(writer, actor, id, based_on, reason).await
}

impl Store {
    /// Marks the record of `kind` (one of [`VOIDABLE`]) with this id, of subject `subject_id`,
    /// entered in error, with a reason: it stays in the trail and leaves what the engine and
    /// the analyses read. The one command of the pages, the API and import.
    pub async fn void(
        &self,
        actor: &Actor,
        subject_id: i64,
        kind: &str,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        use crate::{
            adverse_events, clasi, course, doses, history, labs, nerve_conduction, photos,
            questionnaire, sledai,
        };
        let reason = Reason::new(reason)?;
        let kind = kind.to_owned();
        self.command(actor, move |writer, actor| {
            Box::pin(async move {
                let (w, a, s, r) = (writer, actor, subject_id, &reason);
                match kind.as_str() {
                    // A screening that did not lead to enrolment (a chart that did not
                    // qualify); an enrolled subject stays, and its disposition says how it ended.
                    "subject" => {
                        let subject = crate::subjects::subject_in(w.tx(), s).await?;
                        if id != s {
                            return Err(StoreError::NotFound {
                                entity: "subject",
                                id: id.to_string(),
                            });
                        }
                        if let Some(enrolled) = subject.data.enrolment_date {
                            return Err(StoreError::invalid(
                                "kind",
                                Refusal::of("refusal-void-enrolled").with("date", enrolled),
                            ));
                        }
                        crate::subject_commands::remove_subject(w, a, id, based_on, r).await
                    }
                    "visit" => {
                        let visit = crate::subjects::visit_in(w.tx(), id).await?;
                        if visit.subject_id != s {
                            return Err(StoreError::NotFound {
                                entity: "visit",
                                id: id.to_string(),
                            });
                        }
                        crate::subject_commands::remove_visit(w, a, id, based_on, r).await
                    }
                    "clasi" => {
                        void_record::<clasi::ClasiAssessment>(w, a, s, id, based_on, r).await
                    }
                    "sledai" => {
                        void_record::<sledai::SledaiAssessment>(w, a, s, id, based_on, r).await
                    }
                    "lab" => void_record::<labs::LabResult>(w, a, s, id, based_on, r).await,
                    "dose" => void_record::<doses::DosePeriod>(w, a, s, id, based_on, r).await,
                    "adverse_event" => {
                        void_record::<adverse_events::AdverseEvent>(w, a, s, id, based_on, r).await
                    }
                    "conmed" => {
                        void_record::<history::ConcomitantMedication>(w, a, s, id, based_on, r)
                            .await
                    }
                    "nerve_conduction" => {
                        void_record::<nerve_conduction::NerveConduction>(w, a, s, id, based_on, r)
                            .await
                    }
                    "nerve_conduction_study" => {
                        void_record::<nerve_conduction::NerveConductionStudy>(
                            w, a, s, id, based_on, r,
                        )
                        .await
                    }
                    "questionnaire" => {
                        void_record::<questionnaire::Questionnaire>(w, a, s, id, based_on, r).await
                    }
                    "photo" => void_record::<photos::Photo>(w, a, s, id, based_on, r).await,
                    "disposition" => {
                        void_record::<course::Disposition>(w, a, s, id, based_on, r).await
                    }
                    "protocol_event" => {
                        void_record::<course::ProtocolEvent>(w, a, s, id, based_on, r).await
                    }
                    other => Err(StoreError::invalid(
                        "kind",
                        Refusal::of("refusal-not-voidable")
                            .with("kind", other)
                            .with("allowed", VOIDABLE.join(", ")),
                    )),
                }
            })
        })
        .await
    }
}
