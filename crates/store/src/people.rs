//! Sites, users and their role grants per site. Managing them needs an administrator.

use crate::Refusal;
use crate::Store;
use crate::auth::{self, Actor, Password, Role};
use crate::check;
use crate::db::Tx;
use crate::error::StoreError;
use crate::schema::{GRANT, SITE, USER};
use crate::value::{Ty, Value};
use crate::writer::{self, Changes, Reason, Row, Writer};

/// A new user account.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Unique and never reassigned (21 CFR 11.100).
    pub login: String,
    /// The name printed with the user's signatures (21 CFR 11.50).
    pub printed_name: String,
}

pub(crate) struct CheckedUser {
    pub(crate) login: String,
    printed_name: String,
}

impl NewUser {
    pub(crate) fn checked(&self) -> Result<CheckedUser, StoreError> {
        Ok(CheckedUser {
            login: check::code("login", &self.login, 64)?,
            printed_name: check::label("printed name", &self.printed_name, 120)?,
        })
    }
}

impl CheckedUser {
    /// The new account's fields; `phc` is its password hash.
    pub(crate) fn changes(&self, is_admin: bool, phc: &str) -> Changes {
        vec![
            ("login", Some(Value::Text(self.login.clone()))),
            ("printed_name", Some(Value::Text(self.printed_name.clone()))),
            ("is_admin", Some(Value::Bool(is_admin))),
            ("disabled", Some(Value::Bool(false))),
            ("must_change_password", Some(Value::Bool(false))),
            (
                "credential_sha256",
                Some(Value::Text(auth::fingerprint(phc))),
            ),
        ]
    }
}

/// A user account as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub version: i64,
    pub login: String,
    pub printed_name: String,
    pub is_admin: bool,
    pub disabled: bool,
    /// An administrator reset the password: the user must choose a new one at the next login.
    pub must_change_password: bool,
}

/// A site as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub id: i64,
    pub version: i64,
    pub code: String,
    pub name: String,
}

fn text(row: &Row, field: &str) -> String {
    row.get(field)
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_owned()
}

fn user_from(id: i64, row: &Row) -> User {
    User {
        id,
        version: row.version,
        login: text(row, "login"),
        printed_name: text(row, "printed_name"),
        is_admin: row
            .get("is_admin")
            .and_then(Value::as_bool)
            .unwrap_or_default(),
        disabled: row
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or_default(),
        must_change_password: row
            .get("must_change_password")
            .and_then(Value::as_bool)
            .unwrap_or_default(),
    }
}

/// Stores the password hash `phc` of `user_id`, pointing at the event just written (the user's
/// fingerprint of it, the last field of its change).
pub(crate) async fn set_credential(
    writer: &mut Writer,
    user_id: i64,
    phc: &str,
) -> Result<(), StoreError> {
    let seq = writer.last_seq();
    writer
        .tx()
        .execute(
            "INSERT INTO credential (user_id, phc, set_seq) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET phc = $2, set_seq = $3",
            &[user_id.into(), phc.into(), seq.into()],
        )
        .await?;
    Ok(())
}

/// A new password for an existing account, in `writer`: the fingerprint and the must-change
/// flag audited with `reason`, the hash beside them.
async fn replace_credential(
    writer: &mut Writer,
    user_id: i64,
    version: i64,
    password: &Password,
    must_change: bool,
    reason: &Reason,
) -> Result<(), StoreError> {
    let phc = auth::hash(password).await?;
    writer
        .update(
            &USER,
            user_id,
            version,
            reason,
            vec![
                ("must_change_password", Some(Value::Bool(must_change))),
                (
                    "credential_sha256",
                    Some(Value::Text(auth::fingerprint(&phc))),
                ),
            ],
        )
        .await?;
    set_credential(writer, user_id, &phc).await
}

async fn user_by_login(tx: &mut Tx, login: &str) -> Result<(i64, Row), StoreError> {
    writer::find_by(tx, &USER, "login", login)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "user",
            id: login.to_owned(),
        })
}

pub(crate) async fn site_by_code(tx: &mut Tx, code: &str) -> Result<(i64, Row), StoreError> {
    match writer::find_by(tx, &SITE, "code", code).await? {
        Some((id, row)) if !row.removed => Ok((id, row)),
        _ => Err(no_site(code)),
    }
}

/// The refusal of a site code that names no live site.
pub(crate) fn no_site(code: &str) -> StoreError {
    StoreError::invalid(
        "site",
        Refusal::of("refusal-no-such-site").with("code", code),
    )
}

/// Refuses unless `actor` holds a live grant at `site_id` of a role `allowed` accepts;
/// `needed` names those roles in the message.
pub(crate) async fn require_role(
    tx: &mut Tx,
    actor: &Actor,
    site_id: i64,
    allowed: fn(Role) -> bool,
    needed: &str,
) -> Result<(), StoreError> {
    let roles = tx
        .fetch(
            "SELECT role FROM role_grant WHERE user_id = $1 AND site_id = $2 AND NOT removed",
            &[actor.user_id.into(), site_id.into()],
            &[Ty::Text],
        )
        .await?;
    let granted = roles.iter().any(|row| {
        matches!(row.first(), Some(Some(Value::Text(role)))
            if Role::parse(role).is_ok_and(allowed))
    });
    if granted {
        Ok(())
    } else {
        Err(no_role(actor, needed))
    }
}

fn no_role(actor: &Actor, needed: &str) -> StoreError {
    StoreError::Forbidden(format!(
        "{} holds no {needed} role at this site",
        actor.login
    ))
}

/// What those who may enter data hold.
const DATA_ENTRY_ROLES: &str = "investigator or coordinator";

/// The refusal of a user who holds no role that enters data at the site.
pub(crate) fn no_data_entry_role(actor: &Actor) -> StoreError {
    no_role(actor, DATA_ENTRY_ROLES)
}

/// Refuses unless `actor` may enter data at `site_id`.
pub(crate) async fn require_data_entry(
    tx: &mut Tx,
    actor: &Actor,
    site_id: i64,
) -> Result<(), StoreError> {
    require_role(tx, actor, site_id, Role::enters_data, DATA_ENTRY_ROLES).await
}

/// The password hash (PHC string) of the live, enabled account `user_id`; none for a removed
/// or disabled account. Read, then checked outside the transaction (`auth::verify`).
pub(crate) async fn credential(tx: &mut Tx, user_id: i64) -> Result<Option<String>, StoreError> {
    let Some(row) = writer::load(tx, &USER, user_id).await? else {
        return Ok(None);
    };
    if row.removed || user_from(user_id, &row).disabled {
        return Ok(None);
    }
    Ok(tx
        .fetch_optional(
            "SELECT phc FROM credential WHERE user_id = $1",
            &[user_id.into()],
            &[Ty::Text],
        )
        .await?
        .and_then(|values| values.into_iter().next().flatten())
        .and_then(|value| value.as_text().map(str::to_owned)))
}

/// A login's account and password hash, when the account is live and enabled.
pub(crate) struct Account {
    pub(crate) actor: Actor,
    pub(crate) phc: String,
}

/// `error` about the password, named as the form names the field.
fn rename(error: StoreError, field: &str) -> StoreError {
    match error {
        StoreError::Invalid { message, .. } => StoreError::invalid(field, message),
        other => other,
    }
}

impl Store {
    /// The account `login` names, if it may log in. The read transaction ends before any
    /// password is checked.
    pub(crate) async fn account(&self, login: &str) -> Result<Option<Account>, StoreError> {
        let mut tx = self.pool.read().await?;
        let Some((id, row)) = writer::find_by(&mut tx, &USER, "login", login).await? else {
            return Ok(None);
        };
        let user = user_from(id, &row);
        Ok(credential(&mut tx, id).await?.map(|phc| Account {
            actor: Actor {
                user_id: id,
                login: user.login,
                is_admin: user.is_admin,
                patient_link: None,
            },
            phc,
        }))
    }

    /// Checks a login and password, without the web's throttle (the command line, whose user
    /// holds the database file anyway). A wrong password, an unknown login and a disabled
    /// account all give the same error, after the same work.
    pub async fn authenticate(
        &self,
        login: &str,
        password: &Password,
    ) -> Result<Actor, StoreError> {
        let account = self.account(login).await?;
        let phc = account.as_ref().map(|account| account.phc.as_str());
        let matches = auth::verify(password, phc).await?;
        match account {
            Some(account) if matches => Ok(account.actor),
            _ => Err(StoreError::AuthenticationFailed),
        }
    }

    pub async fn add_site(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
    ) -> Result<Site, StoreError> {
        actor.require_admin("adding a site")?;
        let code = check::site_code(code)?;
        let name = check::label("site name", name, 200)?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        if writer::find_by(writer.tx(), &SITE, "code", &code)
            .await?
            .is_some()
        {
            return Err(StoreError::invalid(
                "site code",
                Refusal::of("refusal-already-used").with("code", code),
            ));
        }
        let id = writer
            .create(
                &SITE,
                vec![
                    ("code", Some(Value::Text(code.clone()))),
                    ("name", Some(Value::Text(name.clone()))),
                ],
            )
            .await?;
        writer.commit().await?;
        Ok(Site {
            id,
            version: 1,
            code,
            name,
        })
    }

    pub async fn sites(&self) -> Result<Vec<Site>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = writer::load_all(&mut tx, &SITE).await?;
        Ok(rows
            .into_iter()
            .filter(|(_, row)| !row.removed)
            .map(|(id, row)| Site {
                id,
                version: row.version,
                code: text(&row, "code"),
                name: text(&row, "name"),
            })
            .collect())
    }

    /// Adds a (non-admin) user with an initial password.
    pub async fn add_user(
        &self,
        actor: &Actor,
        user: &NewUser,
        password: &Password,
    ) -> Result<User, StoreError> {
        actor.require_admin("adding a user")?;
        let user = user.checked()?;
        let phc = auth::hash(password).await?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        if writer::find_by(writer.tx(), &USER, "login", &user.login)
            .await?
            .is_some()
        {
            return Err(StoreError::invalid(
                "login",
                Refusal::of("refusal-login-used").with("login", &user.login),
            ));
        }
        let id = writer.create(&USER, user.changes(false, &phc)).await?;
        set_credential(&mut writer, id, &phc).await?;
        let (_, row) = user_by_login(writer.tx(), &user.login).await?;
        writer.commit().await?;
        Ok(user_from(id, &row))
    }

    /// Every account, in the order they were added.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut tx = self.pool.read().await?;
        let rows = writer::load_all(&mut tx, &USER).await?;
        Ok(rows
            .into_iter()
            .filter(|(_, row)| !row.removed)
            .map(|(id, row)| user_from(id, &row))
            .collect())
    }

    /// Changes the actor's own password. The current password is typed again (and counts
    /// toward the throttle like a signature's); the new one must differ and follow the
    /// password policy. Every other session of the user ends and their API tokens are revoked:
    /// a password changed because it may be known ends every way in but the one in use
    /// (`keep_session`, the token of the session making the change).
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &Password,
        new: &Password,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        self.check_signer(actor, current).await?;
        let user = self.user(actor.login()).await?;
        if new.same_as(current) {
            return Err(StoreError::invalid(
                "new password",
                Refusal::of("refusal-password-same"),
            ));
        }
        new.fits_account(&[&user.login, &user.printed_name])
            .map_err(|error| rename(error, "new password"))?;
        let reason = Reason::new("password changed by its user")?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        replace_credential(&mut writer, user.id, user.version, new, false, &reason).await?;
        let revoked = Reason::new("the user changed their password")?;
        crate::tokens::revoke_all(&mut writer, user.id, &revoked).await?;
        writer.commit().await?;
        self.end_sessions_of(user.id, keep_session).await
    }

    /// An administrator gives `login` a temporary password, with a reason; the user must choose
    /// a new one at the next login, and every session of theirs ends.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        login: &str,
        temporary: &Password,
        reason: &str,
    ) -> Result<User, StoreError> {
        actor.require_admin("resetting another user's password")?;
        let reason = Reason::new(reason)?;
        let user = self.user(login).await?;
        temporary.fits_account(&[&user.login, &user.printed_name])?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        replace_credential(&mut writer, user.id, user.version, temporary, true, &reason).await?;
        let (id, row) = user_by_login(writer.tx(), login).await?;
        writer.commit().await?;
        self.end_sessions_of(user.id, None).await?;
        Ok(user_from(id, &row))
    }

    pub async fn user(&self, login: &str) -> Result<User, StoreError> {
        let mut tx = self.pool.read().await?;
        let (id, row) = user_by_login(&mut tx, login).await?;
        Ok(user_from(id, &row))
    }

    /// Gives `login` a role at a site.
    pub async fn grant(
        &self,
        actor: &Actor,
        login: &str,
        site_code: &str,
        role: Role,
    ) -> Result<(), StoreError> {
        actor.require_admin("granting a role")?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let (user_id, _) = user_by_login(writer.tx(), login).await?;
        let (site_id, _) = site_by_code(writer.tx(), site_code).await?;
        let existing = writer
            .tx()
            .fetch(
                "SELECT id FROM role_grant WHERE user_id = $1 AND site_id = $2 AND role = $3 AND NOT removed",
                &[user_id.into(), site_id.into(), role.as_str().into()],
                &[Ty::Int],
            )
            .await?;
        if !existing.is_empty() {
            return Err(StoreError::invalid(
                "role",
                Refusal::of("refusal-role-held")
                    .with("login", login)
                    .role("role", role)
                    .with("site", site_code),
            ));
        }
        writer
            .create(
                &GRANT,
                vec![
                    ("user_id", Some(Value::Int(user_id))),
                    ("site_id", Some(Value::Int(site_id))),
                    ("role", Some(Value::Text(role.as_str().to_owned()))),
                ],
            )
            .await?;
        writer.commit().await
    }

    /// Disables an account (it stays, with its history and signatures; it can no longer log in).
    pub async fn disable_user(
        &self,
        actor: &Actor,
        login: &str,
        reason: &str,
    ) -> Result<User, StoreError> {
        actor.require_admin("disabling a user")?;
        let reason = Reason::new(reason)?;
        let mut writer = Writer::begin(&self.pool, actor.login()).await?;
        let (id, row) = user_by_login(writer.tx(), login).await?;
        writer
            .update(
                &USER,
                id,
                row.version,
                &reason,
                vec![("disabled", Some(Value::Bool(true)))],
            )
            .await?;
        let (_, row) = user_by_login(writer.tx(), login).await?;
        writer.commit().await?;
        Ok(user_from(id, &row))
    }
}
