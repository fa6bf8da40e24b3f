//! Slowing password guessing without letting a stranger lock anyone out (issue 15, items 1-3).
//!
//! Sources: OWASP ASVS 4.0.3 V2.2.1 (anti-automation that resists brute force and account
//! lockout attacks: growing delays, soft lockouts), NIST SP 800-63B-4 section 3.2.2 (rate
//! limiting, at most 100 consecutive failures), 21 CFR 11.300(d) (detect and report attempts at
//! the unauthorised use of passwords).
//!
//! Every password attempt is counted against its keys *before* the password is checked, by one
//! statement that refuses it while a key waits out a delay: concurrent attempts cannot slip
//! between the check and the count. A right password takes its count back. (A client address
//! is the exception: shared by a whole clinic, it counts failures only.) Keys:
//! - a login name as typed, and the client's address: attempts from a browser not yet trusted
//!   for that login;
//! - a trusted device: a browser where the user has logged in before. Its attempts count on its
//!   own key only, so a stranger's failures elsewhere never slow the owner there;
//! - a signer: signature passwords, typed in a logged-in session.
//!
//! Each key allows some failures free; each further failure makes the next attempt wait, the
//! wait doubling from `first_delay_seconds` up to `max_delay_seconds` (a refusal in practice:
//! 96 guesses a day). Failures past the free ones are security events for the administrator.

use crate::Refusal;
use crate::Store;
use crate::auth::{self, Actor, Password};
use crate::error::StoreError;
use crate::value::Ty;

/// How failed password attempts slow further ones. Settings, not rules: the defaults are this
/// project's, within the sources' ceilings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    /// Failures free of delay per login name, and per trusted device.
    pub login_free_failures: i64,
    /// Failures free of delay per client address, over all login names (slows spraying one
    /// password over many logins). Everyone behind one address (a clinic's network) shares it.
    pub client_free_failures: i64,
    /// A client address with no failure for this long starts again from nothing: shorter than
    /// `forget_seconds`, so a clinic's ordinary typos never add up to a wait.
    pub client_forget_seconds: i64,
    /// Failures free of delay per signer.
    pub signature_free_failures: i64,
    /// The wait after the first failure past the free ones; each further failure doubles it.
    pub first_delay_seconds: i64,
    /// The longest wait.
    pub max_delay_seconds: i64,
    /// A key with no failure for this long starts again from nothing.
    pub forget_seconds: i64,
    /// A browser stays trusted for a login this long after it was last used to log in.
    pub device_trusted_seconds: i64,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            login_free_failures: 5,
            client_free_failures: 50,
            client_forget_seconds: 60 * 60,
            signature_free_failures: 3,
            first_delay_seconds: 30,
            max_delay_seconds: 15 * 60,
            forget_seconds: 24 * 60 * 60,
            device_trusted_seconds: 90 * 24 * 60 * 60,
        }
    }
}

/// Counts a failure on a key: `$1` key, `$2` now, `$3` free failures, `$4` first delay, `$5`
/// longest delay, `$6` the time before which a quiet key starts again from nothing. One
/// statement: the check (the WHERE: not while the key waits) and the count cannot be separated
/// by another attempt. Reaching the free failures sets the wait and doubles the next one.
static COUNT_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    // The count and the next delay after this failure, a quiet key starting again.
    let failures =
        "(CASE WHEN login_throttle.last_at < $6 THEN 1 ELSE login_throttle.failures + 1 END)";
    let delay = "(CASE WHEN login_throttle.last_at < $6 THEN $4 ELSE login_throttle.delay END)";
    format!(
        "INSERT INTO login_throttle (throttle_key, failures, blocked_until, delay, last_at)
         VALUES ($1, 1,
                 CASE WHEN 1 >= $3 THEN $2 + $4 ELSE NULL END,
                 CASE WHEN 1 >= $3 THEN (CASE WHEN 2 * $4 > $5 THEN $5 ELSE 2 * $4 END) ELSE $4 END,
                 $2)
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = {failures},
           blocked_until = CASE WHEN {failures} >= $3 THEN $2 + {delay} ELSE NULL END,
           delay = CASE WHEN {failures} >= $3
                        THEN (CASE WHEN 2 * {delay} > $5 THEN $5 ELSE 2 * {delay} END)
                        ELSE {delay} END,
           last_at = $2
         WHERE login_throttle.blocked_until IS NULL OR login_throttle.blocked_until <= $2"
    )
});

/// What a password attempt is counted against.
#[derive(Clone, Copy, Debug)]
enum Key<'a> {
    Login(&'a str),
    Client(&'a str),
    /// The SHA-256 of a trusted device's token.
    Device(&'a str),
    Signer(i64),
    /// Unknown patient links opened from a client address (`patient_links`): the secrets
    /// cannot be guessed, but a client trying many is slowed all the same.
    LinkClient(&'a str),
}

impl Key<'_> {
    fn text(self) -> String {
        match self {
            Key::Login(login) => format!("login:{login}"),
            Key::Client(address) => format!("client:{address}"),
            Key::Device(sha256) => format!("device:{sha256}"),
            Key::Signer(user_id) => format!("signer:{user_id}"),
            Key::LinkClient(address) => format!("patient-link:{address}"),
        }
    }

    /// Whether an attempt counts before its password is checked (so concurrent guesses at one
    /// account cannot pass together) or only once it failed. A client address is shared by
    /// everyone behind it (a clinic's network): counting its attempts before the check would
    /// refuse a burst of right passwords, so only its failures count.
    fn counted_before_check(self) -> bool {
        !matches!(self, Key::Client(_) | Key::LinkClient(_))
    }

    fn forget_seconds(self, throttle: &Throttle) -> i64 {
        match self {
            Key::Client(_) | Key::LinkClient(_) => throttle.client_forget_seconds,
            _ => throttle.forget_seconds,
        }
    }

    fn free_failures(self, throttle: &Throttle) -> i64 {
        match self {
            Key::Login(_) | Key::Device(_) => throttle.login_free_failures,
            // A household or a clinic behind one address: as many as a client's passwords.
            Key::Client(_) | Key::LinkClient(_) => throttle.client_free_failures,
            Key::Signer(_) => throttle.signature_free_failures,
        }
    }

    /// In words, for the security events.
    fn describe(self) -> String {
        match self {
            Key::Login(_) => "from browsers not trusted for this login".to_owned(),
            Key::Client(address) => format!("from address {address}, over all logins"),
            Key::Device(_) => "from a browser trusted for this login".to_owned(),
            Key::Signer(_) => "signature passwords".to_owned(),
            Key::LinkClient(address) => format!("from address {address}"),
        }
    }
}

/// A login attempt on the web.
#[derive(Clone, Copy, Debug)]
pub struct LoginAttempt<'a> {
    pub login: &'a str,
    pub password: &'a Password,
    /// The client's address as the server saw it.
    pub client: &'a str,
    /// The token of the browser's device cookie, if it sent one.
    pub device: Option<&'a str>,
    /// Unix seconds.
    pub now: i64,
}

/// A successful login.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedIn {
    pub actor: Actor,
    /// Whether the browser's device cookie was already trusted for this login; if not, the
    /// caller issues one ([`Store::trust_device`]).
    pub trusted_device: bool,
    /// Failed attempts on the account since its owner last logged in, told to the owner now.
    pub failed_since_last_login: Option<FailedLogins>,
}

/// Failed attempts on an account since its owner's last login.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailedLogins {
    pub count: i64,
    /// Unix seconds of the last one.
    pub last_at: i64,
}

/// Something an administrator reviews (21 CFR 11.300(d)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityEvent {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// `password_failures`.
    pub kind: String,
    /// The login as typed (or the signer's login).
    pub login: String,
    /// The client's address, when known.
    pub client: Option<String>,
    /// What happened, in words.
    pub detail: String,
}

/// Unix seconds now.
fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

impl Store {
    /// The throttle this store applies (the default unless [`Store::with_throttle`]).
    pub fn throttle(&self) -> Throttle {
        self.throttle
    }

    /// This store with other throttle settings.
    pub fn with_throttle(mut self, throttle: Throttle) -> Store {
        self.throttle = throttle;
        self
    }

    /// Logs in on the web: the attempt is counted before its password is checked, and refused
    /// with [`StoreError::Throttled`] while one of its keys waits out a delay. A wrong password,
    /// an unknown login and a disabled account give the same error after the same work.
    pub async fn log_in(&self, attempt: LoginAttempt<'_>) -> Result<LoggedIn, StoreError> {
        let account = self.account(attempt.login).await?;
        let user_id = account.as_ref().map(|account| account.actor.user_id);
        let device = attempt.device.map(crate::sha256_hex);
        let trusted = match (&device, user_id) {
            (Some(device), Some(user_id)) => {
                self.device_trusted(device, user_id, attempt.now).await?
            }
            _ => false,
        };
        let keys = match &device {
            Some(device) if trusted => vec![Key::Device(device)],
            _ => vec![Key::Login(attempt.login), Key::Client(attempt.client)],
        };
        let note = |text: &str| (attempt.login, Some(attempt.client), text.to_owned());
        if let Err(refused) = self.count_attempt(&keys, attempt.now).await {
            if let Some(user_id) = user_id {
                self.note_failed_login(user_id, attempt.now).await?;
            }
            return Err(refused);
        }
        let phc = account.as_ref().map(|account| account.phc.as_str());
        let matches = auth::verify(attempt.password, phc).await?;
        match account {
            Some(account) if matches => {
                self.take_back(&keys).await?;
                if let Some(device) = device.as_deref().filter(|_| trusted) {
                    self.pool
                        .execute_plain(
                            "UPDATE trusted_device SET last_used_at = $1 WHERE token_sha256 = $2",
                            &[attempt.now.into(), device.into()],
                        )
                        .await?;
                }
                Ok(LoggedIn {
                    failed_since_last_login: self.take_failed_logins(account.actor.user_id).await?,
                    actor: account.actor,
                    trusted_device: trusted,
                })
            }
            _ => {
                if let Some(user_id) = user_id {
                    self.note_failed_login(user_id, attempt.now).await?;
                }
                self.password_failed(&keys, note("login password"), attempt.now)
                    .await?;
                Err(StoreError::AuthenticationFailed)
            }
        }
    }

    /// Refuses ([`StoreError::Throttled`]) a patient link opened from `client` while that
    /// address waits out a delay earned by unknown links.
    pub async fn patient_link_allowed(&self, client: &str) -> Result<(), StoreError> {
        self.count_attempt(&[Key::LinkClient(client)], now()).await
    }

    /// Counts an unknown patient link opened from `client`; past the free failures, a
    /// security event, and a delay before the next link from there.
    pub async fn patient_link_unknown(&self, client: &str) -> Result<(), StoreError> {
        let note = ("(patient link)", Some(client), "patient link".to_owned());
        self.password_failed(&[Key::LinkClient(client)], note, now())
            .await
    }

    /// Checks a signer's password again (21 CFR 11.200(a)(1)), through the throttle: refused
    /// with [`StoreError::Throttled`] after repeated failures, each failure past the free ones
    /// a security event. Returns the hash checked, which the signing transaction compares with
    /// the one it reads (a password changed meanwhile refuses the signature).
    pub(crate) async fn check_signer(
        &self,
        actor: &Actor,
        password: &Password,
    ) -> Result<String, StoreError> {
        let at = now();
        let keys = [Key::Signer(actor.user_id)];
        self.count_attempt(&keys, at).await?;
        let phc = {
            let mut tx = self.pool.read().await?;
            crate::people::credential(&mut tx, actor.user_id).await?
        };
        match phc {
            Some(phc) if auth::verify(password, Some(&phc)).await? => {
                self.take_back(&keys).await?;
                Ok(phc)
            }
            _ => {
                let note = (actor.login(), None, "signature password".to_owned());
                self.password_failed(&keys, note, at).await?;
                Err(StoreError::AuthenticationFailed)
            }
        }
    }

    /// Counts one attempt against every key that counts attempts before the check, refusing it
    /// (and counting nothing) while any key waits out a delay.
    async fn count_attempt(&self, keys: &[Key<'_>], now: i64) -> Result<(), StoreError> {
        for (done, key) in keys.iter().enumerate() {
            let allowed = if key.counted_before_check() {
                self.count(*key, now).await?
            } else {
                self.blocked_until(*key)
                    .await?
                    .is_none_or(|until| until <= now)
            };
            if !allowed {
                self.take_back(&keys[..done]).await?;
                let until = self.blocked_until(*key).await?.unwrap_or(now + 1);
                return Err(StoreError::Throttled {
                    retry_after_seconds: (until - now).max(1),
                });
            }
        }
        Ok(())
    }

    /// Counts a failure on `key` unless it waits out a delay; whether it was counted.
    async fn count(&self, key: Key<'_>, now: i64) -> Result<bool, StoreError> {
        let throttle = self.throttle;
        let counted = self
            .pool
            .execute_plain(
                &COUNT_SQL,
                &[
                    key.text().into(),
                    now.into(),
                    key.free_failures(&throttle).into(),
                    throttle.first_delay_seconds.into(),
                    throttle.max_delay_seconds.into(),
                    (now - key.forget_seconds(&throttle)).into(),
                ],
            )
            .await?;
        Ok(counted > 0)
    }

    /// A right password: its attempt was not a failure, and its keys start again from nothing.
    async fn take_back(&self, keys: &[Key<'_>]) -> Result<(), StoreError> {
        for key in keys.iter().filter(|key| key.counted_before_check()) {
            self.pool
                .execute_plain(
                    "DELETE FROM login_throttle WHERE throttle_key = $1",
                    &[key.text().into()],
                )
                .await?;
        }
        Ok(())
    }

    async fn blocked_until(&self, key: Key<'_>) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = tx
            .fetch_optional(
                "SELECT blocked_until FROM login_throttle WHERE throttle_key = $1",
                &[key.text().into()],
                &[Ty::Int],
            )
            .await?;
        Ok(row.and_then(|values| values.into_iter().next().flatten()?.as_int()))
    }

    /// A wrong password: counted on the keys that count after the check, and a security event
    /// for each key past its free failures.
    async fn password_failed(
        &self,
        keys: &[Key<'_>],
        (login, client, what): (&str, Option<&str>, String),
        now: i64,
    ) -> Result<(), StoreError> {
        for key in keys {
            if !key.counted_before_check() {
                self.count(*key, now).await?;
            }
            let failures = {
                let mut tx = self.pool.read().await?;
                tx.fetch_optional(
                    "SELECT failures FROM login_throttle WHERE throttle_key = $1",
                    &[key.text().into()],
                    &[Ty::Int],
                )
                .await?
                .and_then(|values| values.into_iter().next().flatten()?.as_int())
                .unwrap_or_default()
            };
            if failures >= key.free_failures(&self.throttle) {
                let detail = format!(
                    "{failures} failed {what} attempts in a row {}; further attempts are delayed",
                    key.describe()
                );
                self.pool
                    .execute_plain(
                        "INSERT INTO security_event (at, kind, login, client, detail)
                         VALUES ($1, 'password_failures', $2, $3, $4)",
                        &[
                            now.into(),
                            login.into(),
                            client.map(str::to_owned).into(),
                            detail.into(),
                        ],
                    )
                    .await?;
            }
        }
        Ok(())
    }

    async fn note_failed_login(&self, user_id: i64, now: i64) -> Result<(), StoreError> {
        self.pool
            .execute_plain(
                "INSERT INTO failed_login_notice (user_id, failures, last_at) VALUES ($1, 1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET
                   failures = failed_login_notice.failures + 1, last_at = $2",
                &[user_id.into(), now.into()],
            )
            .await?;
        Ok(())
    }

    /// The failed attempts since the last login, forgotten once read.
    async fn take_failed_logins(&self, user_id: i64) -> Result<Option<FailedLogins>, StoreError> {
        let row = {
            let mut tx = self.pool.read().await?;
            tx.fetch_optional(
                "SELECT failures, last_at FROM failed_login_notice WHERE user_id = $1",
                &[user_id.into()],
                &[Ty::Int, Ty::Int],
            )
            .await?
        };
        let Some(values) = row else {
            return Ok(None);
        };
        self.pool
            .execute_plain(
                "DELETE FROM failed_login_notice WHERE user_id = $1",
                &[user_id.into()],
            )
            .await?;
        let mut values = values
            .into_iter()
            .map(|value| value.and_then(|v| v.as_int()));
        Ok(Some(FailedLogins {
            count: values.next().flatten().unwrap_or_default(),
            last_at: values.next().flatten().unwrap_or_default(),
        }))
    }

    async fn device_trusted(
        &self,
        device_sha256: &str,
        user_id: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.read().await?;
        let row = tx
            .fetch_optional(
                "SELECT last_used_at FROM trusted_device WHERE token_sha256 = $1 AND user_id = $2",
                &[device_sha256.into(), user_id.into()],
                &[Ty::Int],
            )
            .await?;
        let last_used = row.and_then(|values| values.into_iter().next().flatten()?.as_int());
        Ok(last_used.is_some_and(|at| now - at <= self.throttle.device_trusted_seconds))
    }

    /// Trusts the browser holding `token` (a fresh random token the caller sets in a cookie)
    /// for `actor`'s logins from now on.
    pub async fn trust_device(
        &self,
        actor: &Actor,
        token: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        if token.len() < crate::sessions::MIN_TOKEN_CHARS {
            return Err(StoreError::invalid(
                "device token",
                Refusal::of("refusal-min-characters")
                    .with("count", crate::sessions::MIN_TOKEN_CHARS),
            ));
        }
        self.pool
            .execute_plain(
                "INSERT INTO trusted_device (token_sha256, user_id, last_used_at) VALUES ($1, $2, $3)",
                &[crate::sha256_hex(token).into(), actor.user_id.into(), now.into()],
            )
            .await?;
        Ok(())
    }

    /// Forgets throttle counts and trusted devices that no longer matter.
    pub(crate) async fn prune_throttle(&self, now: i64) -> Result<(), StoreError> {
        let throttle = self.throttle;
        self.pool
            .execute_plain(
                "DELETE FROM login_throttle WHERE last_at < $1
                   AND (blocked_until IS NULL OR blocked_until <= $2)",
                &[(now - throttle.forget_seconds).into(), now.into()],
            )
            .await?;
        self.pool
            .execute_plain(
                "DELETE FROM trusted_device WHERE last_used_at < $1",
                &[(now - throttle.device_trusted_seconds).into()],
            )
            .await?;
        Ok(())
    }

    /// Security events, newest first, at most `limit`.
    pub async fn security_events(&self, limit: i64) -> Result<Vec<SecurityEvent>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = tx
            .fetch(
                "SELECT id, at, kind, login, client, detail FROM security_event
                 ORDER BY id DESC LIMIT $1",
                &[limit.into()],
                &[Ty::Int, Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|values| {
                let mut values = values.into_iter();
                let mut int = || values.next().flatten().and_then(|v| v.as_int());
                let (id, at) = (int().unwrap_or_default(), int().unwrap_or_default());
                let mut text = || {
                    values
                        .next()
                        .flatten()
                        .and_then(|v| v.as_text().map(str::to_owned))
                };
                SecurityEvent {
                    id,
                    at,
                    kind: text().unwrap_or_default(),
                    login: text().unwrap_or_default(),
                    client: text(),
                    detail: text().unwrap_or_default(),
                }
            })
            .collect())
    }
}
