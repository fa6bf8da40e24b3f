//! Web sessions and login-failure counts: the state a web front end keeps beside the record.
//!
//! Not audited and not part of the trail (rows come and go), so these are plain statements on
//! their own tables. A session is found by the SHA-256 of its token: the database never holds a
//! token that could be replayed. Times are Unix seconds, given by the caller (one clock, testable).

use sha2::{Digest, Sha256};

use crate::Store;
use crate::auth::{Actor, Password};
use crate::error::StoreError;
use crate::schema::USER;
use crate::value::Ty;
use crate::writer;

/// When repeated failed logins lock a login name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockPolicy {
    /// Consecutive failures that lock the login (at least 1).
    pub max_failures: i64,
    /// How long the lock lasts, in seconds.
    pub lock_seconds: i64,
}

/// A live session: who it belongs to and the token its forms must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionActor {
    pub actor: Actor,
    pub csrf_token: String,
}

/// Shortest session token accepted (hex of 128 random bits).
const MIN_TOKEN_CHARS: usize = 32;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Store {
    /// Checks a login like [`Store::authenticate`], counting consecutive failures per login name
    /// as typed. A locked login is refused with `Forbidden` before its password is checked, so a
    /// lock gives no password oracle; a success clears the count.
    pub async fn authenticate_counted(
        &self,
        login: &str,
        password: &Password,
        policy: LockPolicy,
        now: i64,
    ) -> Result<Actor, StoreError> {
        if let Some(until) = self.locked_until(login).await?
            && until > now
        {
            return Err(StoreError::Forbidden(
                "too many failed logins; this login is locked for a while".into(),
            ));
        }
        match self.authenticate(login, password).await {
            Ok(actor) => {
                self.pool
                    .execute_plain(
                        "DELETE FROM login_failure WHERE login = $1",
                        &[login.into()],
                    )
                    .await?;
                Ok(actor)
            }
            Err(StoreError::AuthenticationFailed) => {
                // One statement, so concurrent failures all count.
                self.pool
                    .execute_plain(
                        "INSERT INTO login_failure (login, failures, locked_until)
                         VALUES ($1, 1, CASE WHEN 1 >= $2 THEN $3 ELSE NULL END)
                         ON CONFLICT (login) DO UPDATE SET
                           failures = CASE WHEN login_failure.failures + 1 >= $2
                                           THEN 0 ELSE login_failure.failures + 1 END,
                           locked_until = CASE WHEN login_failure.failures + 1 >= $2
                                               THEN $3 ELSE login_failure.locked_until END",
                        &[
                            login.into(),
                            policy.max_failures.max(1).into(),
                            (now + policy.lock_seconds).into(),
                        ],
                    )
                    .await?;
                Err(StoreError::AuthenticationFailed)
            }
            Err(other) => Err(other),
        }
    }

    async fn locked_until(&self, login: &str) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = tx
            .fetch_optional(
                "SELECT locked_until FROM login_failure WHERE login = $1",
                &[login.into()],
                &[Ty::Int],
            )
            .await?;
        Ok(row.and_then(|values| values.into_iter().next().flatten().and_then(|v| v.as_int())))
    }

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
                format!("must have at least {MIN_TOKEN_CHARS} characters"),
            ));
        }
        self.pool
            .execute_plain(
                "INSERT INTO web_session (token_sha256, user_id, csrf_token, created_at, last_seen_at)
                 VALUES ($1, $2, $3, $4, $4)",
                &[
                    token_hash(token).into(),
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
        let hash = token_hash(token);
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
            },
            csrf_token,
        }))
    }

    /// Ends a session (logout); ending an unknown session is not an error.
    pub async fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.pool
            .execute_plain(
                "DELETE FROM web_session WHERE token_sha256 = $1",
                &[token_hash(token).into()],
            )
            .await?;
        Ok(())
    }
}
