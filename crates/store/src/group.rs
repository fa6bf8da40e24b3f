//! Group commit: the single commands of concurrent callers share one transaction, so one
//! durable commit (one fsync on SQLite) acknowledges them all.
//!
//! A durable commit costs a disk flush, and the disk flushes a few hundred times a second at
//! best; a command's own work costs far less. So one writer task takes every command waiting in
//! its queue, runs each in its own savepoint of one transaction (a refused command is undone
//! alone and gets its own error, exactly as in a [`crate::Batch`]), commits once, and only then
//! answers each caller. Nothing is acknowledged before its commit is on disk; if the commit
//! fails, every command of the group is told so and none of them is written. Commands run one
//! after another in the order they arrived, so the audit trail's sequence is commit order.
//!
//! The task runs each command to its end even when its caller has gone away (a closed
//! connection), so a transaction never holds half a command. It is started by the first command
//! (on the caller's runtime) and started again if that runtime has ended.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};

use crate::Store;
use crate::auth::Actor;
use crate::db::Pool;
use crate::error::StoreError;
use crate::writer::Writer;

/// At most this many commands share a transaction, so one group's answer is never far off.
const MAX_GROUP: usize = 256;

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One command, as the group runs it: the writer (inside the command's savepoint) and the actor.
pub(crate) type Command<T> = Box<
    dyn for<'w> FnOnce(&'w mut Writer, &'w Actor) -> BoxFuture<'w, Result<T, StoreError>> + Send,
>;

impl Store {
    /// Runs one command in the next group commit; answers once it is on disk (or refused).
    pub(crate) async fn command<T, F>(&self, actor: &Actor, command: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'w> FnOnce(&'w mut Writer, &'w Actor) -> BoxFuture<'w, Result<T, StoreError>>
            + Send
            + 'static,
    {
        self.committer.run(actor, Box::new(command)).await
    }
}

/// Where commands wait for the writer task.
type Queue = mpsc::UnboundedSender<Box<dyn Member>>;

/// The writer task's queue, shared by every clone of a [`crate::Store`].
#[derive(Clone, Debug)]
pub(crate) struct Committer {
    pool: Pool,
    queue: Arc<Mutex<Option<Queue>>>,
}

impl Committer {
    pub(crate) fn new(pool: Pool) -> Committer {
        Committer {
            pool,
            queue: Arc::new(Mutex::new(None)),
        }
    }

    /// Runs `command` for `actor` in the next group and answers once that group has committed.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        actor: &Actor,
        command: Command<T>,
    ) -> Result<T, StoreError> {
        let (member, answer) = Pending::new(actor, command);
        self.queue()
            .send(Box::new(member))
            .map_err(|_| stopped("the writer task has stopped"))?;
        answer
            .await
            .map_err(|_| stopped("the writer task stopped before the commit"))?
    }

    /// The queue of a running writer task, starting one when there is none.
    fn queue(&self) -> Queue {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        match &*queue {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::unbounded_channel();
                tokio::spawn(writer_task(self.pool.clone(), receiver));
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

fn stopped(message: &str) -> StoreError {
    StoreError::other(std::io::Error::other(message.to_owned()))
}

/// Takes every command waiting, commits them as one group, answers, and waits for more.
async fn writer_task(pool: Pool, mut queue: mpsc::UnboundedReceiver<Box<dyn Member>>) {
    while let Some(first) = queue.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(member) => group.push(member),
                Err(_) => break,
            }
        }
        let outcome = commit(&pool, &mut group).await;
        for member in group {
            member.answer(outcome.as_ref().map(|_| ()));
        }
    }
}

/// One transaction: each member in its savepoint, then one commit. An error here is the
/// group's (the transaction could not be opened, a savepoint could not be undone, the commit
/// failed): the transaction is then rolled back and nothing of the group is written.
async fn commit(pool: &Pool, group: &mut [Box<dyn Member>]) -> Result<(), StoreError> {
    let mut writer = Writer::begin(pool, "").await?;
    for member in group.iter_mut() {
        member.run(&mut writer).await?;
    }
    writer.commit().await
}

/// A command waiting in the queue, with the caller to answer.
trait Member: Send {
    /// Runs the command in its own savepoint. An error is the savepoint's own (the transaction
    /// is unusable); the command's result is kept for [`Member::answer`].
    fn run<'w>(&'w mut self, writer: &'w mut Writer) -> BoxFuture<'w, Result<(), StoreError>>;

    /// Answers the caller once the group's fate is known.
    fn answer(self: Box<Self>, group: Result<(), &StoreError>);
}

struct Pending<T> {
    actor: Actor,
    command: Option<Command<T>>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T: Send + 'static> Pending<T> {
    /// The member to queue, and where its answer will arrive.
    fn new(
        actor: &Actor,
        command: Command<T>,
    ) -> (Pending<T>, oneshot::Receiver<Result<T, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let member = Pending {
            actor: actor.clone(),
            command: Some(command),
            result: None,
            reply,
        };
        (member, answer)
    }
}

impl<T: Send + 'static> Member for Pending<T> {
    fn run<'w>(&'w mut self, writer: &'w mut Writer) -> BoxFuture<'w, Result<(), StoreError>> {
        Box::pin(async move {
            let Some(command) = self.command.take() else {
                return Ok(());
            };
            writer.set_actor(self.actor.login());
            let mark = writer.mark().await?;
            let result = command(writer, &self.actor).await;
            writer.settle(mark, result.is_err()).await?;
            self.result = Some(result);
            Ok(())
        })
    }

    fn answer(self: Box<Self>, group: Result<(), &StoreError>) {
        let answer = match (self.result, group) {
            // A refused command was undone alone: its refusal stands whatever became of the rest.
            (Some(Err(refusal)), _) => Err(refusal),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (_, Err(error)) => Err(stopped(&format!(
                "nothing was saved: the transaction shared with other commands failed ({error})"
            ))),
            (None, Ok(())) => Err(stopped("the command was not run")),
        };
        // The caller may have gone away (a closed connection); the command stands either way.
        let _ = self.reply.send(answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Backend;
    use crate::schema::SITE;
    use crate::testing::TestDb;
    use crate::value::Value;

    /// A command that adds site `code`; with `then_refuse`, it writes the site and then refuses,
    /// as a command does that finds a problem after its first write.
    fn add_site(code: &'static str, then_refuse: bool) -> Command<i64> {
        Box::new(move |writer, _actor| {
            Box::pin(async move {
                let changes = vec![
                    ("code", Some(Value::Text(code.into()))),
                    ("name", Some(Value::Text(format!("Site {code}")))),
                ];
                let id = writer.create(&SITE, changes).await?;
                if then_refuse {
                    return Err(StoreError::invalid(
                        "site code",
                        crate::Refusal::untranslated("refused after writing"),
                    ));
                }
                Ok(id)
            })
        })
    }

    /// One group of three in one transaction, the middle one refused after it wrote: it alone is
    /// undone (rows and chain), its neighbours commit and the trail verifies.
    #[tokio::test]
    async fn a_refused_command_fails_alone_while_its_group_commits() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let db = TestDb::new(backend);
            let (store, admin) = crate::testing::new_study(&db, "Group commit").await;
            let events_before = store.verify().await.expect("verify").events;
            let (first, first_answer) = Pending::new(&admin, add_site("A", false));
            let (refused, refused_answer) = Pending::new(&admin, add_site("X", true));
            let (last, last_answer) = Pending::new(&admin, add_site("B", false));
            let mut group: Vec<Box<dyn Member>> =
                vec![Box::new(first), Box::new(refused), Box::new(last)];
            commit(&store.pool, &mut group).await.expect("group commit");
            for member in group {
                member.answer(Ok(()));
            }
            assert!(first_answer.await.expect("answer").is_ok(), "{backend:?}");
            assert!(last_answer.await.expect("answer").is_ok(), "{backend:?}");
            match refused_answer.await.expect("answer") {
                Err(StoreError::Invalid { field, .. }) => assert_eq!(field, "site code"),
                other => panic!("{backend:?}: expected the refusal, got {other:?}"),
            }
            let codes: Vec<String> = store
                .sites()
                .await
                .expect("sites")
                .into_iter()
                .map(|site| site.code)
                .collect();
            assert_eq!(codes, ["A", "B"], "{backend:?}");
            let verification = store.verify().await.expect("verify");
            assert_eq!(verification.problem, None, "{backend:?}");
            // Two fields per site: the refused site left no event behind.
            assert_eq!(verification.events, events_before + 4, "{backend:?}");
        }
    }

    /// When the group's commit fails, no caller hears success, and a refused command still
    /// hears its own refusal.
    #[test]
    fn a_failed_group_answers_every_member() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            let actor = Actor {
                user_id: 1,
                login: "admin".into(),
                is_admin: true,
                patient_link: None,
            };
            let (mut ran, ran_answer) = Pending::new(&actor, add_site("A", false));
            ran.result = Some(Ok(7));
            let (mut refused, refused_answer) = Pending::new(&actor, add_site("X", true));
            let refusal = crate::Refusal::untranslated("refused");
            refused.result = Some(Err(StoreError::invalid("site code", refusal)));
            let (waiting, waiting_answer) = Pending::new(&actor, add_site("B", false));
            let failure = StoreError::corrupt("disk full");
            Box::new(ran).answer(Err(&failure));
            Box::new(refused).answer(Err(&failure));
            Box::new(waiting).answer(Err(&failure));
            let ran = ran_answer.await.expect("answer");
            assert!(
                matches!(&ran, Err(StoreError::Other(error)) if error.to_string().contains("disk full")),
                "{ran:?}"
            );
            assert!(matches!(
                refused_answer.await.expect("answer"),
                Err(StoreError::Invalid { .. })
            ));
            assert!(matches!(
                waiting_answer.await.expect("answer"),
                Err(StoreError::Other(_))
            ));
        });
    }
}
