//! Passwords (argon2id) and the authenticated [`Actor`] every write needs.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

use crate::Refusal;
use crate::error::StoreError;

/// A password as typed. Never logged: `Debug` hides it.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Minimum length of a new password. NIST SP 800-63B-4 asks for at least 8 characters and
    /// recommends 15 for a password used alone; 12 is this project's floor (a setting later).
    pub const MIN_CHARS: usize = 12;

    /// A password as typed at login: anything non-empty.
    pub fn typed(text: &str) -> Result<Password, StoreError> {
        if text.is_empty() {
            return Err(StoreError::invalid(
                "password",
                Refusal::of("refusal-empty"),
            ));
        }
        Ok(Password(text.to_owned()))
    }

    /// A new password: at least [`Password::MIN_CHARS`] characters, and not easy to guess
    /// (see [`Password::fits_account`]).
    pub fn new(text: &str) -> Result<Password, StoreError> {
        if text.chars().count() < Self::MIN_CHARS {
            return Err(StoreError::invalid(
                "password",
                Refusal::of("refusal-min-characters").with("count", Self::MIN_CHARS),
            ));
        }
        let password = Password(text.to_owned());
        password.fits_account(&[])?;
        Ok(password)
    }

    pub(crate) fn same_as(&self, other: &Password) -> bool {
        self.0 == other.0
    }

    /// Refuses a password easy to guess, or built from the account's own words (its login,
    /// printed name). NIST SP 800-63B-4 section 3.1.1.2 asks that a new password be checked
    /// against passwords from breaches, dictionary words and context-specific words; zxcvbn
    /// does all three from the frequency lists it ships (passwords from breach corpora,
    /// English words, names) and estimates the guesses needed. Score 3 ("safely unguessable:
    /// moderate protection from offline attacks", about 10^8 guesses) is the floor.
    pub fn fits_account(&self, account_words: &[&str]) -> Result<(), StoreError> {
        let estimate = zxcvbn::zxcvbn(&self.0, account_words);
        if estimate.score() >= zxcvbn::Score::Three {
            return Ok(());
        }
        // zxcvbn's warning is English: it stays so in every language.
        let refusal = match estimate.feedback().and_then(|feedback| feedback.warning()) {
            Some(warning) => {
                Refusal::of("refusal-password-guessable-because").with("warning", warning)
            }
            None => Refusal::of("refusal-password-guessable"),
        };
        Err(StoreError::invalid("password", refusal))
    }
}

/// Hashes with argon2id (the crate's default parameters) on a blocking thread, at most one
/// hash per core but one.
pub(crate) async fn hash(password: &Password) -> Result<String, StoreError> {
    let _permit = hashing().acquire().await.map_err(StoreError::other)?;
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.0.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|error| StoreError::Other(error.to_string().into()))
    })
    .await
    .map_err(StoreError::other)?
}

/// The SHA-256 of a PHC string, kept in the audited user record. It reveals nothing usable
/// about the password (the salt and hash stay in the credential table).
pub(crate) fn fingerprint(phc: &str) -> String {
    crate::sha256_hex(phc)
}

/// Password checks running at once. argon2id is CPU-bound and memory-hard, so more checks than
/// cores only queue on the CPU; a login waits here holding no database connection or lock, so
/// reads and writes of other users go on (issue 15, item 4).
pub(crate) fn hashing() -> &'static Semaphore {
    static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(hashing_permits()));
    &HASHING
}

/// One core fewer than the machine has (at least one): a burst of logins keeps every core but
/// one busy, and the last serves everyone else's requests.
pub(crate) fn hashing_permits() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().saturating_sub(1).max(1))
}

/// A hash of no one's password, checked when there is no credential to check, so an unknown or
/// disabled login costs what a wrong password costs (no user enumeration by timing; issue 15,
/// item 5).
fn absent_phc() -> &'static str {
    static ABSENT: LazyLock<String> = LazyLock::new(|| {
        Argon2::default()
            .hash_password(b"no account has this password")
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    });
    &ABSENT
}

/// Whether `password` matches the PHC string `phc`; with no `phc` (unknown or disabled login) a
/// dummy hash is checked and the answer is no. On a blocking thread, at most one check per core
/// but one.
pub(crate) async fn verify(password: &Password, phc: Option<&str>) -> Result<bool, StoreError> {
    let _permit = hashing().acquire().await.map_err(StoreError::other)?;
    let password = password.clone();
    let phc = phc.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let checked = phc.as_deref().unwrap_or_else(|| absent_phc());
        let matches = Argon2::default()
            .verify_password(password.0.as_bytes(), checked)
            .is_ok();
        matches && phc.is_some()
    })
    .await
    .map_err(StoreError::other)
}

/// A user who has proved who they are in this session. Only the store makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub(crate) user_id: i64,
    pub(crate) login: String,
    pub(crate) is_admin: bool,
    /// Set only for the patient answering through one-time link N (`store::patient_links`):
    /// no user, no role; the trail names them `patient (link N)`, never by name.
    pub(crate) patient_link: Option<i64>,
}

impl Actor {
    /// The patient answering through link `link_id`. Only `store::patient_links` makes one,
    /// inside the command that checks the link.
    pub(crate) fn patient(link_id: i64) -> Actor {
        Actor {
            user_id: 0,
            login: format!("patient (link {link_id})"),
            is_admin: false,
            patient_link: Some(link_id),
        }
    }

    /// The one-time link a patient answers through, when this actor is that patient.
    pub fn patient_link(&self) -> Option<i64> {
        self.patient_link
    }

    pub fn login(&self) -> &str {
        &self.login
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn is_admin(&self) -> bool {
        self.is_admin
    }

    pub(crate) fn require_admin(&self, what: &str) -> Result<(), StoreError> {
        if self.is_admin {
            Ok(())
        } else {
            Err(StoreError::Forbidden(format!(
                "{what} needs an administrator"
            )))
        }
    }
}

/// What a user may do at a site (issue 6, item 2). Administration is the account flag
/// `is_admin`, not a role. What each role may do is the web layer's table (`web::policy`);
/// the store enforces its own floor (data entry, signing) again on every write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything clinical at the site; signs visits.
    Investigator,
    /// Enters data at the site; cannot sign.
    Coordinator,
    /// Reads, raises and closes data queries, verifies against source, at the site.
    Monitor,
    /// Reads pseudonymised data and exports, at every site; never writes clinical data.
    Statistician,
    /// A statistician who may also see a randomised study's arms (with the allocation secret);
    /// nobody else may (ICH E9 section 2.3.2: the blind kept by all others).
    UnblindedStatistician,
    /// Scores lesion photographs blind, study-wide, seeing nothing else of the record
    /// (`central_reading`).
    CentralReader,
    /// The sponsor's oversight, study-wide: notified of every emergency unblinding (ICH E6(R2)
    /// section 4.7: the investigator promptly documents and explains any premature unblinding to
    /// the sponsor); reads no casebook.
    Sponsor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Investigator,
        Role::Coordinator,
        Role::Monitor,
        Role::Statistician,
        Role::UnblindedStatistician,
        Role::CentralReader,
        Role::Sponsor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Investigator => "investigator",
            Role::Coordinator => "coordinator",
            Role::Monitor => "monitor",
            Role::Statistician => "statistician",
            Role::UnblindedStatistician => "unblinded_statistician",
            Role::CentralReader => "central_reader",
            Role::Sponsor => "sponsor",
        }
    }

    /// A role by name. `data_manager`, a role of earlier records (reads, raises and resolves
    /// queries), is folded into monitor, which issue 6 gives exactly those rights.
    pub fn parse(text: &str) -> Result<Role, StoreError> {
        if text == "data_manager" {
            return Ok(Role::Monitor);
        }
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| {
                StoreError::invalid(
                    "role",
                    Refusal::of("refusal-unknown-role")
                        .with("text", text)
                        .with("allowed", Role::ALL.map(Role::as_str).join(", ")),
                )
            })
    }

    /// Whether the role may enter or change clinical data.
    pub fn enters_data(self) -> bool {
        matches!(self, Role::Investigator | Role::Coordinator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, expect: Option<Role>) {
        assert_eq!(Role::parse(text).ok(), expect, "{text}");
    }

    #[track_caller]
    fn check_new(text: &str, account: &[&str], expect: Result<(), &str>) {
        let result = Password::new(text).and_then(|password| password.fits_account(account));
        match (result, expect) {
            (Ok(()), Ok(())) => {}
            (Err(StoreError::Invalid { field, message }), Err(part)) => {
                assert_eq!(field, "password", "{text}");
                assert!(message.to_string().contains(part), "{text}: {message}");
            }
            (result, expect) => panic!("{text}: {result:?}, expected {expect:?}"),
        }
    }

    /// The policy: 12 characters at least (both sides of the boundary), then not guessable
    /// (zxcvbn score 3), nor built from the account's words.
    #[test]
    fn new_passwords_follow_the_policy() {
        check_new("violet harb", &[], Err("at least 12 characters"));
        check_new("violet harbo", &[], Ok(()));
        check_new("password1234", &[], Err("too easy to guess"));
        check_new("qwertyuiop123", &[], Err("too easy to guess"));
        check_new("Password1234", &[], Err("too easy to guess"));
        check_new("correct horse battery", &[], Ok(()));
        check_new("kowalczyk_a 2026", &[], Ok(()));
        check_new(
            "kowalczyk_a 2026",
            &["kowalczyk_a"],
            Err("too easy to guess"),
        );
    }

    #[test]
    fn roles_by_name() {
        for role in Role::ALL {
            check(role.as_str(), Some(role));
        }
        check("data_manager", Some(Role::Monitor));
        check("admin", None);
        check("Investigator", None);
        check("", None);
    }
}
