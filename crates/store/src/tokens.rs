//! API tokens: how scripts authenticate to the web API. An administrator issues one for any user,
//! a user for themself. The token is shown once by whoever made it; the record keeps its SHA-256
//! only, and issuing and revoking are audited events (with a reason for revoking).

use jiff::civil::Date;

use crate::Refusal;
use crate::Store;
use crate::auth::Actor;
use crate::check;
use crate::error::StoreError;
use crate::schema::{API_TOKEN, USER};
use crate::value::Value;
use crate::writer::{self, Reason, Row, Writer};

/// Shortest token accepted: 256 random bits as hex.
pub const MIN_TOKEN_CHARS: usize = 64;

/// An issued token as the record knows it (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub version: i64,
    /// The login of the user the token acts as.
    pub login: String,
    /// What the token is for, e.g. `nightly export`.
    pub label: String,
    /// The last day (UTC) the token works; none on tokens issued before expiry dates.
    pub expires_on: Option<Date>,
    pub revoked: bool,
}

/// How long a token works unless its issuer says otherwise.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

/// The expiry of a token issued today with the default lifetime.
pub fn default_token_expiry() -> Date {
    today()
        .checked_add(jiff::Span::new().days(DEFAULT_TOKEN_DAYS))
        .unwrap_or(Date::MAX)
}

/// Today in UTC: tokens expire at the end of their day in UTC, wherever the server is.
fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Revokes every live token of `user_id` in `writer`, with `reason`.
pub(crate) async fn revoke_all(
    writer: &mut Writer,
    user_id: i64,
    reason: &Reason,
) -> Result<(), StoreError> {
    let tokens = writer::load_all(writer.tx(), &API_TOKEN).await?;
    for (id, row) in tokens {
        if !row.removed && row.int("user_id") == Some(user_id) {
            writer.remove(&API_TOKEN, id, row.version, reason).await?;
        }
    }
    Ok(())
}

/// Refuses unless `actor` is an administrator or the token's own user.
fn require_owner_or_admin(actor: &Actor, user_id: i64, what: &str) -> Result<(), StoreError> {
    if actor.user_id == user_id {
        Ok(())
    } else {
        actor.require_admin(what)
    }
}

fn api_token_from(id: i64, row: &Row, login: String) -> ApiToken {
    ApiToken {
        id,
        version: row.version,
        login,
        label: row.text("label").unwrap_or_default().to_owned(),
        expires_on: row.date("expires_on"),
        revoked: row.removed,
    }
}

impl Store {
    /// Records `token` (random, chosen by the caller, at least [`MIN_TOKEN_CHARS`] characters)
    /// as acting for `login` until the end of `expires_on` (UTC; today or later).
    pub async fn create_token(
        &self,
        actor: &Actor,
        login: &str,
        label: &str,
        token: &str,
        expires_on: Date,
    ) -> Result<ApiToken, StoreError> {
        if expires_on < today() {
            return Err(StoreError::invalid(
                "expires",
                Refusal::of("refusal-expired").with("date", expires_on),
            ));
        }
        if token.len() < MIN_TOKEN_CHARS {
            return Err(StoreError::invalid(
                "token",
                Refusal::of("refusal-min-characters").with("count", MIN_TOKEN_CHARS),
            ));
        }
        check::printable("label", label)?;
        let label = label.trim();
        if label.is_empty() {
            return Err(StoreError::invalid(
                "label",
                Refusal::of("refusal-token-label-empty"),
            ));
        }
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let (user_id, user) = writer::find_by(writer.tx(), &USER, "login", login)
            .await?
            .filter(|(_, row)| !row.removed && row.flag("disabled") != Some(true))
            .ok_or_else(|| StoreError::NotFound {
                entity: "user",
                id: login.to_owned(),
            })?;
        require_owner_or_admin(actor, user_id, "a token for another user")?;
        let id = writer
            .create(
                &API_TOKEN,
                vec![
                    ("user_id", Some(Value::Int(user_id))),
                    ("label", Some(Value::Text(label.to_owned()))),
                    ("token_sha256", Some(Value::Text(crate::sha256_hex(token)))),
                    ("expires_on", Some(Value::Date(expires_on))),
                ],
            )
            .await?;
        let row = writer::load(writer.tx(), &API_TOKEN, id)
            .await?
            .ok_or_else(|| StoreError::corrupt("a token just written is missing"))?;
        writer.commit().await?;
        Ok(api_token_from(
            id,
            &row,
            user.text("login").unwrap_or_default().to_owned(),
        ))
    }

    /// Revokes token `id` for good; its user or an administrator may, with a reason.
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        id: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let reason = Reason::new(reason)?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let row = writer::load(writer.tx(), &API_TOKEN, id)
            .await?
            .filter(|row| !row.removed)
            .ok_or_else(|| StoreError::NotFound {
                entity: "token",
                id: id.to_string(),
            })?;
        let user_id = row.int("user_id").unwrap_or_default();
        require_owner_or_admin(actor, user_id, "revoking another user's token")?;
        writer.remove(&API_TOKEN, id, row.version, &reason).await?;
        writer.commit().await
    }

    /// The user a presented token acts for, when the token is live (not revoked, not past its
    /// expiry day) and the account enabled.
    pub async fn token_actor(&self, token: &str) -> Result<Option<Actor>, StoreError> {
        let mut tx = self.pool.read().await?;
        let Some((_, row)) = writer::find_by(
            &mut tx,
            &API_TOKEN,
            "token_sha256",
            &crate::sha256_hex(token),
        )
        .await?
        else {
            return Ok(None);
        };
        let user_id = row.int("user_id").unwrap_or_default();
        let user = writer::load(&mut tx, &USER, user_id).await?;
        let expired = row.date("expires_on").is_some_and(|last| last < today());
        Ok(user
            .filter(|user| {
                !row.removed && !expired && !user.removed && user.flag("disabled") != Some(true)
            })
            .map(|user| Actor {
                user_id,
                login: user.text("login").unwrap_or_default().to_owned(),
                is_admin: user.flag("is_admin").unwrap_or_default(),
                patient_link: None,
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use crate::{Backend, NewUser, Password};

    const PASSWORD: &str = "correct horse battery";

    async fn study(db: &TestDb) -> (Store, Actor, Actor) {
        let (store, admin) = crate::testing::new_study(db, "Tokens").await;
        for login in ["ann", "bob"] {
            let user = NewUser {
                login: login.into(),
                printed_name: login.into(),
            };
            let password = Password::new(PASSWORD).expect("password");
            store
                .add_user(&admin, &user, &password)
                .await
                .expect("user");
        }
        let ann = store
            .authenticate("ann", &Password::new(PASSWORD).expect("password"))
            .await
            .expect("ann");
        (store, admin, ann)
    }

    #[tokio::test]
    async fn a_token_acts_for_its_user_until_revoked() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let db = TestDb::new(backend);
            let (store, admin, ann) = study(&db).await;
            let token = "a".repeat(MIN_TOKEN_CHARS);
            let issued = store
                .create_token(
                    &admin,
                    "ann",
                    "nightly export",
                    &token,
                    default_token_expiry(),
                )
                .await
                .expect("issue");
            assert_eq!(issued.login, "ann");
            assert_eq!(store.token_actor(&token).await.expect("read"), Some(ann));
            assert_eq!(
                store.token_actor(&"b".repeat(64)).await.expect("read"),
                None
            );
            let refused = store.revoke_token(&admin, issued.id, " ").await;
            assert!(
                matches!(refused, Err(StoreError::ReasonRequired)),
                "{refused:?}"
            );
            store
                .revoke_token(&admin, issued.id, "leaked in a log")
                .await
                .expect("revoke");
            assert_eq!(store.token_actor(&token).await.expect("read"), None);
            // Issuing and revoking are in the trail; the token itself is nowhere in it.
            let events = store
                .audit_page(&crate::EventFilter::default(), 0, 1000)
                .await
                .expect("trail");
            let text = format!("{events:?}");
            assert!(text.contains(&crate::sha256_hex(&token)));
            assert!(!text.contains(&token));
            // The token table is rebuilt from those events like every projection.
            let verification = store.verify().await.expect("verify");
            assert_eq!(verification.problem, None);
        }
    }

    #[tokio::test]
    async fn only_the_user_or_an_administrator_issues_and_revokes() {
        let db = TestDb::new(Backend::Sqlite);
        let (store, admin, ann) = study(&db).await;
        let token = |c: &str| c.repeat(MIN_TOKEN_CHARS);
        let own = store
            .create_token(&ann, "ann", "mine", &token("c"), default_token_expiry())
            .await
            .expect("own");
        let other = store
            .create_token(&ann, "bob", "bob's", &token("d"), default_token_expiry())
            .await;
        assert!(matches!(other, Err(StoreError::Forbidden(_))), "{other:?}");
        let bobs = store
            .create_token(&admin, "bob", "bob's", &token("e"), default_token_expiry())
            .await
            .expect("admin");
        let revoke_other = store.revoke_token(&ann, bobs.id, "not mine").await;
        assert!(
            matches!(revoke_other, Err(StoreError::Forbidden(_))),
            "{revoke_other:?}"
        );
        store
            .revoke_token(&ann, own.id, "done")
            .await
            .expect("revoke own");
    }

    #[tokio::test]
    async fn bad_tokens_and_labels_are_refused() {
        let db = TestDb::new(Backend::Sqlite);
        let (store, admin, _) = study(&db).await;
        for (token, label, field) in [
            ("f".repeat(MIN_TOKEN_CHARS - 1), "ok", "token"),
            ("f".repeat(MIN_TOKEN_CHARS), "  ", "label"),
            (
                "f".repeat(MIN_TOKEN_CHARS),
                "nightly\u{1b}[2J export",
                "label",
            ),
        ] {
            let refused = store
                .create_token(&admin, "ann", label, &token, default_token_expiry())
                .await;
            assert!(
                matches!(&refused, Err(StoreError::Invalid { field: f, .. }) if f == field),
                "{refused:?}"
            );
        }
        let unknown = store
            .create_token(
                &admin,
                "nobody",
                "x",
                &"f".repeat(MIN_TOKEN_CHARS),
                default_token_expiry(),
            )
            .await;
        assert!(
            matches!(unknown, Err(StoreError::NotFound { .. })),
            "{unknown:?}"
        );
    }
}
