//! Many commands in one transaction: a [`Batch`] holds the writer lock, runs each command with
//! the same checks as when it runs alone, and writes everything at [`Batch::commit`] or nothing.
//!
//! Each command in a batch is undone alone when it is refused (a SQL savepoint), so a caller
//! such as the importer can try every row, collect every refusal, and then decide not to commit.
//! A caller that gives up at the first refusal (a simulated cohort, the demo) opens the batch
//! with [`Undo::Whole`] instead: no savepoint per command (two statements fewer each), and after
//! a refusal the batch refuses every further command and its commit, so what a refused command
//! wrote half-way is never committed. The single-command methods of [`Store`] for subjects,
//! visits and subject records are each a batch of one, so a command checks the same whether it
//! runs alone or in a batch.

use std::sync::Arc;

use protocol::Protocol;

use crate::Store;
use crate::auth::Actor;
use crate::error::StoreError;
use crate::record::{Stored, SubjectRecord};
use crate::records;
use crate::subject_commands;
use crate::subjects::{self, Subject, SubjectData, Visit, VisitData};
use crate::writer::{Reason, Writer};

/// An open all-or-nothing transaction (see the module documentation). Dropping it without
/// [`Batch::commit`] writes nothing.
pub struct Batch {
    writer: Writer,
    actor: Actor,
    undo: Undo,
    /// A command was refused in a batch undone whole: nothing more of it may run or commit.
    refused: bool,
}

/// How a batch undoes a refused command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undo {
    /// Alone, by a savepoint: the batch goes on and may still commit (an import collects every
    /// refusal).
    EachCommand,
    /// With the whole batch: the first refusal ends it, and neither another command nor the
    /// commit is then accepted.
    Whole,
}

/// A command or commit of a batch undone whole ([`Undo::Whole`]) after one of its commands was
/// refused: that command may have written part of itself, so the batch cannot go on.
#[derive(Debug, thiserror::Error)]
#[error(
    "an earlier command of this batch was refused, so the batch is undone whole and accepts nothing more"
)]
pub struct BatchRefused;

impl Store {
    /// Opens a batch for `actor` whose refused commands are undone alone
    /// ([`Undo::EachCommand`]). `reason`, when given, is recorded on every event the batch writes
    /// that has no reason of its own, first entries included (an import records why it was
    /// run).
    pub async fn batch(&self, actor: &Actor, reason: Option<&str>) -> Result<Batch, StoreError> {
        self.batch_undone(actor, reason, Undo::EachCommand).await
    }

    /// Opens a batch as [`Store::batch`] does, undoing a refused command as `undo` says.
    pub async fn batch_undone(
        &self,
        actor: &Actor,
        reason: Option<&str>,
        undo: Undo,
    ) -> Result<Batch, StoreError> {
        let reason = reason.map(Reason::new).transpose()?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        if let Some(reason) = reason {
            writer.set_note(reason);
        }
        Ok(Batch {
            writer,
            actor: actor.clone(),
            undo,
            refused: false,
        })
    }
}

impl Batch {
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Runs one command so that a refused command is undone as the batch's [`Undo`] says: alone
    /// inside a savepoint, or with the whole batch.
    pub(crate) async fn savepoint<T>(
        &mut self,
        command: impl AsyncFnOnce(&mut Writer, &Actor) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self.undo {
            Undo::EachCommand => {
                let mark = self.writer.mark().await?;
                let result = command(&mut self.writer, &self.actor).await;
                self.writer.settle(mark, result.is_err()).await?;
                result
            }
            Undo::Whole => {
                self.usable()?;
                let result = command(&mut self.writer, &self.actor).await;
                self.refused |= result.is_err();
                result
            }
        }
    }

    /// Refuses to go on after a refusal in a batch undone whole.
    fn usable(&self) -> Result<(), StoreError> {
        match self.refused {
            true => Err(StoreError::other(BatchRefused)),
            false => Ok(()),
        }
    }

    /// Writes every command of the batch, atomically; refused (writing nothing) when a command
    /// of a batch undone whole was refused.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.usable()?;
        self.writer.commit().await
    }

    pub async fn add_subject(&mut self, data: &SubjectData) -> Result<Subject, StoreError> {
        self.savepoint(async |writer, actor| {
            subject_commands::add_subject(writer, actor, data).await
        })
        .await
    }

    pub async fn update_subject(
        &mut self,
        id: i64,
        based_on: i64,
        data: &SubjectData,
        reason: &str,
    ) -> Result<Subject, StoreError> {
        let reason = Reason::new(reason)?;
        self.savepoint(async |writer, actor| {
            subject_commands::update_subject(
                writer,
                actor,
                id,
                based_on,
                data,
                &reason,
                subject_commands::Enrolling::No,
            )
            .await
        })
        .await
    }

    pub async fn remove_subject(
        &mut self,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.savepoint(async |writer, actor| {
            subject_commands::remove_subject(writer, actor, id, based_on, &reason).await
        })
        .await
    }

    pub async fn add_visit(
        &mut self,
        subject_id: i64,
        data: &VisitData,
    ) -> Result<Visit, StoreError> {
        self.savepoint(async |writer, actor| {
            subject_commands::add_visit(writer, actor, subject_id, data).await
        })
        .await
    }

    pub async fn update_visit(
        &mut self,
        id: i64,
        based_on: i64,
        data: &VisitData,
        reason: &str,
    ) -> Result<Visit, StoreError> {
        let reason = Reason::new(reason)?;
        self.savepoint(async |writer, actor| {
            subject_commands::update_visit(writer, actor, id, based_on, data, &reason).await
        })
        .await
    }

    pub async fn remove_visit(
        &mut self,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.savepoint(async |writer, actor| {
            subject_commands::remove_visit(writer, actor, id, based_on, &reason).await
        })
        .await
    }

    pub async fn add_record<T: SubjectRecord>(
        &mut self,
        data: &T,
    ) -> Result<Stored<T>, StoreError> {
        self.savepoint(async |writer, actor| records::add_record(writer, actor, data).await)
            .await
    }

    pub async fn update_record<T: SubjectRecord>(
        &mut self,
        id: i64,
        based_on: i64,
        data: &T,
        reason: &str,
    ) -> Result<Stored<T>, StoreError> {
        let reason = Reason::new(reason)?;
        self.savepoint(async |writer, actor| {
            records::update_record(writer, actor, id, based_on, data, &reason).await
        })
        .await
    }

    pub async fn remove_record<T: SubjectRecord>(
        &mut self,
        id: i64,
        based_on: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        self.savepoint(async |writer, actor| {
            records::remove_record::<T>(writer, actor, id, based_on, &reason).await
        })
        .await
    }

    /// The live subject with this pseudonymous study id, as the batch sees it (its own writes
    /// included); `None` when there is none.
    pub async fn subject_by_code(&mut self, code: &str) -> Result<Option<Subject>, StoreError> {
        self.usable()?;
        subjects::subject_by_code_in(self.writer.tx(), code).await
    }

    /// The randomisation of a subject, as the batch sees it; `None` when not randomised.
    pub async fn randomisation(
        &mut self,
        subject_id: i64,
    ) -> Result<Option<crate::Randomisation>, StoreError> {
        self.usable()?;
        crate::randomisation::randomisation_of(self.writer.tx(), subject_id).await
    }

    /// Every live visit of a subject, as the batch sees it.
    pub async fn visits_of(&mut self, subject_id: i64) -> Result<Vec<Visit>, StoreError> {
        self.usable()?;
        subjects::visits_in(self.writer.tx(), subject_id).await
    }

    /// The study's protocol as the batch sees it: the one coded records are coded against
    /// (so a caller matching rows to stored records can code them first, as
    /// `LabResult::code_against`).
    pub async fn protocol(&mut self) -> Result<Arc<Protocol>, StoreError> {
        self.usable()?;
        crate::study::protocol_for(&mut self.writer).await
    }

    /// Every live record of type `T` of a subject, as the batch sees it.
    pub async fn records_of<T: SubjectRecord>(
        &mut self,
        subject_id: i64,
    ) -> Result<Vec<Stored<T>>, StoreError> {
        self.usable()?;
        records::records_in(self.writer.tx(), subject_id).await
    }
}
