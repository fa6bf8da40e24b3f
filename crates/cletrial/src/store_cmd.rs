//! The study record on the command line: `init`, `user`, `site`, `audit`, `backup`.
//!
//! Passwords come from an environment variable or are typed at a prompt without echo; they are
//! never printed or logged. Writes name their actor with `--as LOGIN` and re-authenticate.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use schemars::JsonSchema;
use serde::Serialize;
use store::{DbUrl, EventFilter, Head, NamedEvent, NewStudy, NewUser, Password, Role, Store};

use crate::help::{examples, with_password_rule};
use crate::io::{CliError, CmdResult, block_on, print_json};

/// The acting user's password, when not typed at the prompt.
const PASSWORD_VAR: &str = "CLETRIAL_PASSWORD";
/// A new user's initial password (`user add`), when not typed at the prompt.
const NEW_PASSWORD_VAR: &str = "CLETRIAL_NEW_PASSWORD";

/// Where the record is: `sqlite://PATH` (or a plain path) or `postgres://USER@HOST:PORT/DB`.
#[derive(Debug, Args)]
pub struct DbArg {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    db: String,
    /// Where the record keeps its lesion photographs' files: by default beside a SQLite file
    /// (study.db.files); required for a PostgreSQL record that has photographs.
    #[arg(long, value_name = "DIR")]
    files: Option<PathBuf>,
}

impl DbArg {
    /// `store` keeping its photographs where `--files` says, when it says.
    pub fn with_files(&self, store: Store) -> Store {
        match &self.files {
            Some(dir) => store.with_files(dir),
            None => store,
        }
    }
}

/// The acting user of a write.
#[derive(Debug, Args)]
pub struct ActorArgs {
    #[command(flatten)]
    db: DbArg,
    /// Your login; your password is read from CLETRIAL_PASSWORD or typed at a prompt.
    #[arg(long = "as", value_name = "LOGIN")]
    as_login: String,
}

/// Create a new study record with its protocol and first administrator.
///
/// The administrator's password is read from CLETRIAL_PASSWORD or typed twice at a prompt
/// (never echoed).
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = with_password_rule(examples!(
    r#"cletrial init --protocol protocols/nct01408199.toml --db sqlite://study.db --admin alice --admin-name "Alice Martin""#
)))]
pub struct InitArgs {
    /// The protocol file (TOML) or a shipped protocol's name (nct01408199, thalidomide-cohort,
    /// pediatric-review); kept verbatim as protocol version 1.
    #[arg(long, value_name = "FILE")]
    protocol: PathBuf,
    #[command(flatten)]
    db: DbArg,
    /// The study code (default: the protocol file's name without extension).
    #[arg(long, value_name = "CODE")]
    study: Option<String>,
    /// The study title (default: the study code).
    #[arg(long)]
    title: Option<String>,
    /// The first administrator's login.
    #[arg(long, value_name = "LOGIN", default_value = "admin")]
    admin: String,
    /// The administrator's name as printed with their signatures (default: the login).
    #[arg(long, value_name = "NAME")]
    admin_name: Option<String>,
}

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    "cletrial user list --db cletrial-demo.db",
    r#"cletrial user add --db cletrial-demo.db --as admin --login bob --name "Bob Stone""#
))]
pub enum UserCommand {
    /// Add a user. Their initial password is read from CLETRIAL_NEW_PASSWORD or typed twice.
    #[command(after_help = with_password_rule(examples!(
        r#"cletrial user add --db cletrial-demo.db --as admin --login bob --name "Bob Stone""#
    )))]
    Add {
        #[command(flatten)]
        actor: ActorArgs,
        /// The new account's login: 1 to 64 characters from A-Z a-z 0-9 . _ -, starting with a letter
        /// or digit.
        #[arg(long, value_name = "LOGIN")]
        login: String,
        /// The name printed with the user's signatures.
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// Give a user a role at a site.
    #[command(after_help = examples!(
        "cletrial user grant --db cletrial-demo.db --as admin --login bob --site S01 --role investigator"
    ))]
    Grant {
        #[command(flatten)]
        actor: ActorArgs,
        /// The login of the user given the role.
        #[arg(long, value_name = "LOGIN")]
        login: String,
        /// The site's code.
        #[arg(long, value_name = "CODE")]
        site: String,
        /// investigator, coordinator, monitor, statistician, unblinded_statistician (also sees
        /// a randomised study's arms), central_reader (scores lesion photographs blind,
        /// study-wide, and sees nothing else) or sponsor (notified of every emergency
        /// unblinding, study-wide; reads no casebook).
        #[arg(long, value_name = "ROLE")]
        role: String,
    },
    /// Every account with its roles per site, and whether it is an administrator, disabled, or
    /// must change its password.
    #[command(after_help = examples!("cletrial user list --db cletrial-demo.db"))]
    List {
        #[command(flatten)]
        db: DbArg,
    },
    /// Change your own password. The current one is read from CLETRIAL_PASSWORD or typed, the
    /// new one from CLETRIAL_NEW_PASSWORD or typed twice. Your other sessions end and your API
    /// tokens are revoked.
    #[command(after_help = with_password_rule(examples!(
        "cletrial user password --db cletrial-demo.db --as bob"
    )))]
    Password {
        #[command(flatten)]
        actor: ActorArgs,
    },
    /// Give a user a temporary password (read from CLETRIAL_NEW_PASSWORD or typed twice), with a
    /// reason; they must choose a new one at their next login, and their sessions end.
    #[command(after_help = with_password_rule(examples!(
        r#"cletrial user reset-password --db cletrial-demo.db --as admin --login bob --reason "forgot it""#
    )))]
    ResetPassword(AccountChange),
    /// Disable a user: they can no longer log in; their account and history stay.
    #[command(after_help = examples!(
        r#"cletrial user disable --db cletrial-demo.db --as admin --login bob --reason "left the team""#
    ))]
    Disable(AccountChange),
}

/// An administrator's change to one account, with its reason.
#[derive(Debug, Args)]
pub struct AccountChange {
    #[command(flatten)]
    actor: ActorArgs,
    /// The account's login.
    #[arg(long, value_name = "LOGIN")]
    login: String,
    /// Why (required: it goes into the audit trail).
    #[arg(long, value_name = "REASON")]
    reason: String,
}

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    r#"cletrial site add --db cletrial-demo.db --as admin --code S03 --name "Hôpital Saint-Louis""#
))]
pub enum SiteCommand {
    /// Add a site.
    #[command(after_help = examples!(
        r#"cletrial site add --db cletrial-demo.db --as admin --code S03 --name "Hôpital Saint-Louis""#
    ))]
    Add {
        #[command(flatten)]
        actor: ActorArgs,
        /// The site's code: 1 to 10 characters from A-Z a-z 0-9 . _, starting with a letter or
        /// digit; its subjects' study ids start with it (S03 gives S03-001, ...).
        #[arg(long, value_name = "CODE")]
        code: String,
        /// The site's name as pages show it.
        #[arg(long, value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// One JSON array of events.
    Json,
    /// RFC 4180 CSV with a header row.
    Csv,
}

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    "cletrial audit verify --db cletrial-demo.db",
    "cletrial audit log --db cletrial-demo.db --subject S02-P12 --since 2026-01-01 --format csv"
))]
pub enum AuditCommand {
    /// Recompute the hash chain and rebuild the current state from the events; exit 0 when
    /// everything agrees, 1 naming the first bad event or row. Prints the head (`SEQ:HASH`, the
    /// last event and its hash): write it down outside the database, and give it back with
    /// --expect-head later to find a trail cut off or rewritten since, or with --from to verify
    /// only what was appended since (the events after it, and every record they touched, replayed
    /// from its whole history: the work grows with what was appended, not with the trail). The
    /// record is opened read-only and left as it was; what is not a study record is refused
    /// (exit 2).
    #[command(after_help = examples!("cletrial audit verify --db cletrial-demo.db"))]
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// A head written down earlier (SEQ:HASH); fail unless the chain still passes through it.
        #[arg(long, value_name = "SEQ:HASH", conflicts_with = "from")]
        expect_head: Option<String>,
        /// A head a full verification gave earlier (SEQ:HASH): verify only what was appended
        /// after it, and fail unless the chain still passes through it.
        #[arg(long, value_name = "SEQ:HASH")]
        from: Option<String>,
    },
    /// Print the audit trail, oldest first, streamed. The stored columns are all there, so the
    /// hash chain can be recomputed from the output; beside the ids come the site's code, the
    /// subject's study id and a label of the record (as they stand now).
    #[command(after_help = examples!(
        "cletrial audit log --db cletrial-demo.db --subject S02-P12 --since 2026-01-01 --format csv"
    ))]
    Log {
        #[command(flatten)]
        db: DbArg,
        /// Only events about this subject (pseudonymous study id).
        #[arg(long, value_name = "ID")]
        subject: Option<String>,
        /// Only events recorded at or after this UTC time (RFC 3339) or date (YYYY-MM-DD).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// How the events are printed.
        #[arg(long, value_enum, default_value = "json")]
        format: LogFormat,
    },
}

/// Write a verified copy of a SQLite record (safe while others use it).
#[derive(Debug, Args)]
#[command(after_help = examples!(
    "cletrial backup --db cletrial-demo.db --out cletrial-demo-2026-11-22.db"
))]
pub struct BackupArgs {
    #[command(flatten)]
    db: DbArg,
    /// The new file (must not exist).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn url(db: &DbArg) -> Result<DbUrl, CliError> {
    DbUrl::parse(&db.db).map_err(CliError::from)
}

async fn open(db: &DbArg) -> Result<Store, CliError> {
    let store = Store::open(&url(db)?).await.map_err(CliError::from)?;
    Ok(db.with_files(store))
}

/// Opens the record for a command that only reads it, which leaves it as it was.
pub(crate) async fn open_to_read(db: &DbArg) -> Result<Store, CliError> {
    let store = Store::open_read_only(&url(db)?)
        .await
        .map_err(CliError::from)?;
    Ok(db.with_files(store))
}

/// A password from `var`, else typed at the terminal (twice when `confirm`).
fn password(var: &str, prompt: &str, confirm: bool) -> Result<String, CliError> {
    if let Ok(text) = std::env::var(var) {
        return Ok(text);
    }
    let typed = rpassword::prompt_password(prompt).map_err(|error| {
        CliError::input(format!(
            "password: set {var} or run in a terminal ({error})"
        ))
    })?;
    if confirm {
        let again = rpassword::prompt_password("Again: ")
            .map_err(|error| CliError::input(format!("password: {error}")))?;
        if again != typed {
            return Err(CliError::input("password: the two entries differ"));
        }
    }
    Ok(typed)
}

fn new_password(var: &str, prompt: &str) -> Result<Password, CliError> {
    Password::new(&password(var, prompt, true)?).map_err(CliError::from)
}

/// Opens the record and authenticates `--as`.
pub(crate) async fn open_as(args: &ActorArgs) -> Result<(Store, store::Actor), CliError> {
    let typed = Password::typed(&password(PASSWORD_VAR, "Password: ", false)?)?;
    let store = open(&args.db).await?;
    let actor = store.authenticate(&args.as_login, &typed).await?;
    Ok((store, actor))
}

pub fn init(args: InitArgs) -> CmdResult {
    let protocol_text = crate::protocol_cmd::protocol_text(&args.protocol.to_string_lossy())?;
    let code = match args.study {
        Some(code) => code,
        None => args
            .protocol
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let study = NewStudy {
        title: args.title.unwrap_or_else(|| code.clone()),
        code,
        protocol_text,
    };
    let admin = NewUser {
        printed_name: args.admin_name.unwrap_or_else(|| args.admin.clone()),
        login: args.admin,
    };
    let url = url(&args.db)?;
    let password = new_password(PASSWORD_VAR, "New administrator password: ")?;
    block_on(async {
        let (store, actor) = Store::init(&url, &study, &admin, &password).await?;
        let study = store.study().await?;
        store.close().await;
        print_json(&InitOutput {
            admin: actor.login().to_owned(),
            protocol_sha256: study.protocol_sha256,
            protocol_version: study.protocol_version,
            study: study.code,
        })
    })
}

// The output types below print their fields in declaration order; the fields are declared
// alphabetically because these outputs were maps (sorted keys) before they had types.

/// What `init` printed: the new record's study, protocol version and first administrator.
#[derive(Serialize, JsonSchema)]
pub(crate) struct InitOutput {
    /// The first administrator's login.
    admin: String,
    /// SHA-256 of the protocol text, hex.
    protocol_sha256: String,
    /// Always 1 on a new record.
    protocol_version: i64,
    /// The study code.
    study: String,
}

/// `user add`: the user added.
#[derive(Serialize, JsonSchema)]
pub(crate) struct UserAdded {
    /// The new user's login.
    added: String,
    printed_name: String,
}

/// `user grant`: the role granted to a user at a site.
#[derive(Serialize, JsonSchema)]
pub(crate) struct UserGranted {
    /// The role granted.
    granted: &'static str,
    /// The site's code.
    site: String,
    /// The user's login.
    user: String,
}

/// `user list`: one user (the output is an array of these).
#[derive(Serialize, JsonSchema)]
pub(crate) struct UserListed {
    administrator: bool,
    disabled: bool,
    login: String,
    must_change_password: bool,
    printed_name: String,
    /// The user's roles, site by site.
    roles: Vec<UserRole>,
}

/// One role of a user at a site.
#[derive(Serialize, JsonSchema)]
pub(crate) struct UserRole {
    role: &'static str,
    /// The site's code.
    site: String,
}

/// `user password`: whose password was changed.
#[derive(Serialize, JsonSchema)]
pub(crate) struct PasswordChanged {
    password_changed: String,
}

/// `user reset-password`: whose password was reset; they must change it at next login.
#[derive(Serialize, JsonSchema)]
pub(crate) struct PasswordReset {
    must_change_password: bool,
    password_reset: String,
}

/// `user disable`: the user disabled.
#[derive(Serialize, JsonSchema)]
pub(crate) struct UserDisabled {
    disabled: String,
}

/// `site add`: the site added.
#[derive(Serialize, JsonSchema)]
pub(crate) struct SiteAdded {
    /// The new site's code.
    added: String,
    name: String,
}

/// `audit verify`: whether the audit trail's hash chain and the records agree, and where not.
#[derive(Serialize, JsonSchema)]
pub(crate) struct VerifyOutput {
    /// Events checked.
    events: i64,
    /// The head to give to a later `audit verify --expect-head`; null for an empty trail.
    head: Option<String>,
    /// The last event's hash.
    head_hash: String,
    /// True when no problem was found (the command then exits 0).
    ok: bool,
    /// The first problem found, or null.
    problem: Option<VerifyProblem>,
    /// Record rows checked against the trail.
    rows: usize,
}

/// Where the verification failed and why.
#[derive(Serialize, JsonSchema)]
pub(crate) struct VerifyProblem {
    message: String,
    place: String,
}

/// `audit log` (JSON): one event of the audit trail (the output is an array of these).
#[derive(Serialize, JsonSchema)]
pub(crate) struct LogEvent<'a> {
    action: &'a str,
    /// The login of the user who made the change.
    actor: &'a str,
    /// The kind of record (`subject`, `visit`, ...).
    entity: &'a str,
    entity_id: i64,
    /// The field, for create and update events.
    field: Option<&'a str>,
    hash: &'a str,
    /// Canonical text of the value after (null: blank).
    new_value: Option<&'a str>,
    /// Canonical text of the value before (null: blank or first entry).
    old_value: Option<&'a str>,
    prev_hash: &'a str,
    /// Why; required for every event after first entry.
    reason: Option<&'a str>,
    /// The record's label, when it has one.
    record: Option<&'a str>,
    /// UTC, RFC 3339 with microseconds.
    recorded_at: &'a str,
    /// 1, 2, 3, ... without gaps.
    seq: i64,
    /// The site's code.
    site: Option<&'a str>,
    site_id: Option<i64>,
    /// The subject's code.
    subject: Option<&'a str>,
    subject_id: Option<i64>,
    /// The record's version after this event.
    version: i64,
}

/// `backup`: the verified copy written.
#[derive(Serialize, JsonSchema)]
pub(crate) struct BackupOutput {
    /// Where the copy was written.
    backup: String,
    events: i64,
    head_hash: String,
    /// Always true: a copy that does not verify is an error.
    verified: bool,
}

pub fn user(command: UserCommand) -> CmdResult {
    block_on(async {
        match command {
            UserCommand::Add { actor, login, name } => {
                let initial = new_password(NEW_PASSWORD_VAR, "New user's password: ")?;
                let (store, actor) = open_as(&actor).await?;
                let user = NewUser {
                    login,
                    printed_name: name,
                };
                let user = store.add_user(&actor, &user, &initial).await?;
                store.close().await;
                print_json(&UserAdded {
                    added: user.login,
                    printed_name: user.printed_name,
                })
            }
            UserCommand::Grant {
                actor,
                login,
                site,
                role,
            } => {
                let role = Role::parse(&role)?;
                let (store, actor) = open_as(&actor).await?;
                store.grant(&actor, &login, &site, role).await?;
                store.close().await;
                print_json(&UserGranted {
                    granted: role.as_str(),
                    site,
                    user: login,
                })
            }
            UserCommand::List { db } => {
                let store = open_to_read(&db).await?;
                let users = store.users().await;
                let mut listed = Vec::new();
                for user in users? {
                    let grants = store.grants_of(user.id).await?;
                    listed.push(UserListed {
                        administrator: user.is_admin,
                        disabled: user.disabled,
                        login: user.login,
                        must_change_password: user.must_change_password,
                        printed_name: user.printed_name,
                        roles: grants
                            .into_iter()
                            .map(|grant| UserRole {
                                role: grant.role.as_str(),
                                site: grant.site.code,
                            })
                            .collect(),
                    });
                }
                store.close().await;
                print_json(&listed)
            }
            UserCommand::Password { actor } => {
                let current =
                    Password::typed(&password(PASSWORD_VAR, "Current password: ", false)?)?;
                let new = new_password(NEW_PASSWORD_VAR, "New password: ")?;
                let store = open(&actor.db).await?;
                let user = store.authenticate(&actor.as_login, &current).await;
                let changed = match user {
                    Ok(user) => store.change_password(&user, &current, &new, None).await,
                    Err(error) => Err(error),
                };
                store.close().await;
                changed?;
                print_json(&PasswordChanged {
                    password_changed: actor.as_login,
                })
            }
            UserCommand::ResetPassword(AccountChange {
                actor,
                login,
                reason,
            }) => {
                let temporary = new_password(NEW_PASSWORD_VAR, "Temporary password: ")?;
                let (store, actor) = open_as(&actor).await?;
                let user = store
                    .reset_password(&actor, &login, &temporary, &reason)
                    .await;
                store.close().await;
                let user = user?;
                print_json(&PasswordReset {
                    must_change_password: user.must_change_password,
                    password_reset: user.login,
                })
            }
            UserCommand::Disable(AccountChange {
                actor,
                login,
                reason,
            }) => {
                let (store, actor) = open_as(&actor).await?;
                let user = store.disable_user(&actor, &login, &reason).await?;
                store.close().await;
                print_json(&UserDisabled {
                    disabled: user.login,
                })
            }
        }
    })
}

pub fn site(command: SiteCommand) -> CmdResult {
    block_on(async {
        let SiteCommand::Add { actor, code, name } = command;
        let (store, actor) = open_as(&actor).await?;
        let site = store.add_site(&actor, &code, &name).await?;
        store.close().await;
        print_json(&SiteAdded {
            added: site.code,
            name: site.name,
        })
    })
}

pub fn audit(command: AuditCommand) -> CmdResult {
    match command {
        AuditCommand::Verify {
            db,
            expect_head,
            from,
        } => block_on(async move {
            let head = |text: Option<String>| {
                text.as_deref()
                    .map(|text| Head::parse(text).map_err(CliError::from))
                    .transpose()
            };
            let (expected, from) = (head(expect_head)?, head(from)?);
            let store = open_to_read(&db).await?;
            let verification = match (&expected, &from) {
                (_, Some(from)) => store.verify_since(from).await,
                (Some(head), None) => store.verify_with_head(head).await,
                (None, None) => store.verify().await,
            };
            store.close().await;
            let verification = verification?;
            print_json(&VerifyOutput {
                events: verification.events,
                head: verification.head().map(|head| head.to_string()),
                head_hash: verification.head_hash.clone(),
                ok: verification.problem.is_none(),
                problem: verification.problem.as_ref().map(|problem| VerifyProblem {
                    message: problem.message.clone(),
                    place: problem.place.clone(),
                }),
                rows: verification.rows,
            })?;
            match verification.problem {
                None => Ok(()),
                Some(problem) => Err(anyhow::format_err!("audit verify failed: {problem}").into()),
            }
        }),
        AuditCommand::Log {
            db,
            subject,
            since,
            format,
        } => {
            let since = since.as_deref().map(parse_since).transpose()?;
            block_on(async move {
                let store = open_to_read(&db).await?;
                let filter = EventFilter {
                    subject,
                    since,
                    ..EventFilter::default()
                };
                let result = stream_log(&store, &filter, format).await;
                store.close().await;
                result
            })
        }
    }
}

/// `--since`: an RFC 3339 time, or a date meaning its midnight UTC.
fn parse_since(text: &str) -> Result<jiff::Timestamp, CliError> {
    if let Ok(time) = text.parse::<jiff::Timestamp>() {
        return Ok(time);
    }
    text.parse::<jiff::civil::Date>()
        .ok()
        .and_then(|date| date.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|zoned| zoned.timestamp())
        .ok_or_else(|| {
            CliError::input(format!(
                "--since: '{text}' is neither a date (2026-01-31) nor an RFC 3339 time (2026-01-31T08:00:00Z)"
            ))
        })
}

const LOG_PAGE: i64 = 1_000;

const CSV_HEADER: &str = "seq,recorded_at,actor,site_id,site,subject_id,subject,entity,entity_id,\
     record,action,field,old_value,new_value,reason,version,prev_hash,hash";

/// Writes the trail page by page, so memory stays flat however long the trail is.
async fn stream_log(store: &Store, filter: &EventFilter, format: LogFormat) -> CmdResult {
    let mut out = std::io::stdout().lock();
    let mut write = |text: &str| -> CmdResult {
        match out.write_all(text.as_bytes()) {
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(CliError::Other(error.into()))
            }
            _ => Ok(()),
        }
    };
    write(match format {
        LogFormat::Json => "[",
        LogFormat::Csv => CSV_HEADER,
    })?;
    let mut after = 0;
    let mut first = true;
    loop {
        let page = store.audit_page_named(filter, after, LOG_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.event.seq;
        for event in &page {
            let line = match format {
                LogFormat::Json => {
                    let separator = if first { "\n  " } else { ",\n  " };
                    format!("{separator}{}", event_json(event)?)
                }
                LogFormat::Csv => format!("\n{}", event_csv(event)),
            };
            first = false;
            write(&line)?;
        }
    }
    write(match format {
        LogFormat::Json if first => "]\n",
        LogFormat::Json => "\n]\n",
        LogFormat::Csv => "\n",
    })
}

/// One event as one line of JSON.
fn event_json(named: &NamedEvent) -> Result<String, CliError> {
    let event = &named.event;
    let line = LogEvent {
        action: &event.action,
        actor: &event.actor,
        entity: &event.entity,
        entity_id: event.entity_id,
        field: event.field.as_deref(),
        hash: &event.hash,
        new_value: event.new_value.as_deref(),
        old_value: event.old_value.as_deref(),
        prev_hash: &event.prev_hash,
        reason: event.reason.as_deref(),
        record: named.record.as_deref(),
        recorded_at: &event.recorded_at,
        seq: event.seq,
        site: named.site.as_deref(),
        site_id: event.site_id,
        subject: named.subject.as_deref(),
        subject_id: event.subject_id,
        version: event.version,
    };
    Ok(serde_json::to_string(&line).map_err(anyhow::Error::from)?)
}

/// One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); blank for none.
fn csv_field(text: Option<&str>) -> String {
    match text {
        None => String::new(),
        Some(text) if text.contains([',', '"', '\n', '\r']) => {
            format!("\"{}\"", text.replace('"', "\"\""))
        }
        Some(text) => text.to_owned(),
    }
}

fn event_csv(named: &NamedEvent) -> String {
    let event = &named.event;
    let number = |n: Option<i64>| n.map(|n| n.to_string());
    [
        Some(event.seq.to_string()),
        Some(event.recorded_at.clone()),
        Some(event.actor.clone()),
        number(event.site_id),
        named.site.clone(),
        number(event.subject_id),
        named.subject.clone(),
        Some(event.entity.clone()),
        Some(event.entity_id.to_string()),
        named.record.clone(),
        Some(event.action.clone()),
        event.field.clone(),
        event.old_value.clone(),
        event.new_value.clone(),
        event.reason.clone(),
        Some(event.version.to_string()),
        Some(event.prev_hash.clone()),
        Some(event.hash.clone()),
    ]
    .iter()
    .map(|field| csv_field(field.as_deref()))
    .collect::<Vec<_>>()
    .join(",")
}

pub fn backup(args: BackupArgs) -> CmdResult {
    block_on(async move {
        let store = open_to_read(&args.db).await?;
        let result = store.backup(&args.out).await;
        store.close().await;
        let verification = result?;
        if let Some(problem) = verification.problem {
            return Err(anyhow::format_err!("the backup does not verify: {problem}").into());
        }
        print_json(&BackupOutput {
            backup: args.out.display().to_string(),
            events: verification.events,
            head_hash: verification.head_hash,
            verified: true,
        })
    })
}
