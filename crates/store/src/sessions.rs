//! Web sessions: the state a web front end keeps beside the record.
//!
//! Not audited and not part of the trail (rows come and go), so these are plain statements on
//! their own tables. A session is found by the SHA-256 of its token: the database never holds a
//! token that could be replayed. Times are Unix seconds, given by the caller (one clock, testable).

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::error::StoreError;
use crate::schema::USER;
use crate::value::Ty;
use crate::writer;

/// A live session: who it belongs to and the token its forms must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionActor {
    pub actor: Actor,
    pub csrf_token: String,
    /// An administrator reset the password: nothing but choosing a new one until then.
    pub must_change_password: bool,
}

/// Shortest session token accepted (hex of 128 random bits).
pub(crate) const MIN_TOKEN_CHARS: usize = 32;

impl Store {
    /// Opens a session for `actor` under a fresh random `token` chosen by the caller.
    pub async fn open_session(
        &self,
        actor: &Actor,
        token: &str,
        csrf_token: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        if token.len() < MIN_TOKEN_CHARS || csrf_token.len() < MIN_TOKEN_CHARS {
            return Err(StoreError::invalid(
                "session token",
                Refusal::of("refusal-min-characters").with("count", MIN_TOKEN_CHARS),
            ));
        }
        self.pool
            .execute_plain(
                "INSERT INTO web_session (token_sha256, user_id, csrf_token, created_at, last_seen_at)
                 VALUES ($1, $2, $3, $4, $4)",
                &[
                    crate::sha256_hex(token).into(),
                    actor.user_id.into(),
                    csrf_token.into(),
                    now.into(),
                ],
            )
            .await?;
        Ok(())
    }

    /// The session's user when the session exists, was used within `idle_seconds`, and the account
    /// is still enabled; marks it used at `now`. An idle or orphaned session is ended.
    pub async fn resume_session(
        &self,
        token: &str,
        idle_seconds: i64,
        now: i64,
    ) -> Result<Option<SessionActor>, StoreError> {
        let hash = crate::sha256_hex(token);
        let mut tx = self.pool.read().await?;
        let Some(row) = tx
            .fetch_optional(
                "SELECT user_id, csrf_token, last_seen_at FROM web_session WHERE token_sha256 = $1",
                &[hash.clone().into()],
                &[Ty::Int, Ty::Text, Ty::Int],
            )
            .await?
        else {
            return Ok(None);
        };
        let mut values = row.into_iter();
        let mut next = || values.next().flatten();
        let (user_id, csrf_token, last_seen) = (
            next().and_then(|v| v.as_int()).unwrap_or_default(),
            next()
                .and_then(|v| v.as_text().map(str::to_owned))
                .unwrap_or_default(),
            next().and_then(|v| v.as_int()).unwrap_or_default(),
        );
        let user = writer::load(&mut tx, &USER, user_id).await?;
        drop(tx);
        let live_user = user.filter(|row| !row.removed && row.flag("disabled") != Some(true));
        let (Some(user), false) = (live_user, now - last_seen > idle_seconds) else {
            self.end_session(token).await?;
            return Ok(None);
        };
        if now > last_seen {
            self.pool
                .execute_plain(
                    "UPDATE web_session SET last_seen_at = $1 WHERE token_sha256 = $2",
                    &[now.into(), hash.into()],
                )
                .await?;
        }
        Ok(Some(SessionActor {
            actor: Actor {
                user_id,
                login: user.text("login").unwrap_or_default().to_owned(),
                is_admin: user.flag("is_admin").unwrap_or_default(),
                patient_link: None,
            },
            csrf_token,
            must_change_password: user.flag("must_change_password").unwrap_or_default(),
        }))
    }

    /// Forgets sessions idle longer than `idle_seconds`, throttle counts that no longer delay
    /// anything and devices no longer trusted; without this, sessions never presented again and
    /// failed logins under made-up names would pile up.
    pub async fn prune_sessions(&self, idle_seconds: i64, now: i64) -> Result<(), StoreError> {
        self.pool
            .execute_plain(
                "DELETE FROM web_session WHERE last_seen_at < $1",
                &[(now - idle_seconds).into()],
            )
            .await?;
        self.prune_throttle(now).await
    }

    /// Ends every session of `user_id` but `except` (a session token), e.g. after a password
    /// change.
    pub(crate) async fn end_sessions_of(
        &self,
        user_id: i64,
        except: Option<&str>,
    ) -> Result<(), StoreError> {
        let kept = except.map(crate::sha256_hex).unwrap_or_default();
        self.pool
            .execute_plain(
                "DELETE FROM web_session WHERE user_id = $1 AND token_sha256 <> $2",
                &[user_id.into(), kept.into()],
            )
            .await?;
        Ok(())
    }

    /// Ends a session (logout); ending an unknown session is not an error.
    pub async fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.pool
            .execute_plain(
                "DELETE FROM web_session WHERE token_sha256 = $1",
                &[crate::sha256_hex(token).into()],
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Backend;
    use crate::testing::TestDb;

    async fn study(db: &TestDb) -> (Store, Actor) {
        crate::testing::new_study(db, "Sessions").await
    }

    #[tokio::test]
    async fn pruning_forgets_only_sessions_idle_too_long() {
        let db = TestDb::new(Backend::Sqlite);
        let (store, admin) = study(&db).await;
        let csrf = "c".repeat(64);
        let (old, recent) = ("o".repeat(64), "r".repeat(64));
        store
            .open_session(&admin, &old, &csrf, 1000)
            .await
            .expect("old");
        store
            .open_session(&admin, &recent, &csrf, 3000)
            .await
            .expect("recent");
        // Idle limit 1800 at 3000: the old session (idle 2000) goes, the other stays.
        store.prune_sessions(1800, 3000).await.expect("prune");
        let forever = i64::MAX / 2;
        let found = |token: String| {
            let store = store.clone();
            async move {
                store
                    .resume_session(&token, forever, 3000)
                    .await
                    .expect("resume")
            }
        };
        assert_eq!(found(old).await, None);
        let kept = found(recent).await.expect("kept");
        assert_eq!(kept.actor, admin);
        assert_eq!(kept.csrf_token, csrf);
    }

    #[tokio::test]
    async fn short_tokens_are_refused() {
        let db = TestDb::new(Backend::Sqlite);
        let (store, admin) = study(&db).await;
        let long = "t".repeat(MIN_TOKEN_CHARS);
        let short = "t".repeat(MIN_TOKEN_CHARS - 1);
        for (token, csrf, accepted) in [
            (&long, &long, true),
            (&short, &long, false),
            (&long, &short, false),
        ] {
            let result = store.open_session(&admin, token, csrf, 1).await;
            assert_eq!(result.is_ok(), accepted, "{} {}", token.len(), csrf.len());
            store.end_session(token).await.expect("end");
        }
    }
}
