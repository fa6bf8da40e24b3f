//! `cletrial token create|revoke`: API tokens for scripts calling the web API.
//!
//! A token is printed once, on creation, and kept in the record by its SHA-256 only; issuing and
//! revoking are audited. An administrator issues tokens for anyone, a user for themself.

use clap::Subcommand;

use crate::help::examples;
use crate::io::block_on;
use crate::io::{CmdResult, parse_date, print_json};
use crate::store_cmd::{ActorArgs, open_as};

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    r#"cletrial token create --db cletrial-demo.db --as admin --for statistician --label "nightly export""#,
    r#"cletrial token revoke --db cletrial-demo.db --as admin --id 1 --reason "script retired""#
))]
pub enum TokenCommand {
    /// Issue an API token; it is printed once (as `token`) and cannot be shown again.
    ///
    /// It works until the end of its expiry day (UTC; default 90 days from today, or --expires).
    #[command(after_help = examples!(
        r#"cletrial token create --db cletrial-demo.db --as admin --for statistician --label "nightly export""#,
        r#"cletrial token create --db cletrial-demo.db --as statistician --label "weekly listings""#
    ))]
    Create {
        #[command(flatten)]
        actor: ActorArgs,
        /// The user the token acts as (default: yourself; another user needs an administrator).
        #[arg(long = "for", value_name = "LOGIN")]
        for_login: Option<String>,
        /// What the token is for, shown in the audit trail.
        #[arg(long)]
        label: String,
        /// The last day the token works (YYYY-MM-DD, UTC). Default: 90 days from today.
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
    },
    /// Revoke a token for good, with a reason (kept in the audit trail).
    #[command(after_help = examples!(
        r#"cletrial token revoke --db cletrial-demo.db --as admin --id 1 --reason "script retired""#
    ))]
    Revoke {
        #[command(flatten)]
        actor: ActorArgs,
        /// The token's id, as printed by `token create`.
        #[arg(long, value_name = "ID")]
        id: i64,
        /// Why the token is revoked (required: it goes into the audit trail).
        #[arg(long, value_name = "REASON")]
        reason: String,
    },
}

pub fn run(command: TokenCommand) -> CmdResult {
    block_on(async move {
        match command {
            TokenCommand::Create {
                actor,
                for_login,
                label,
                expires,
            } => {
                let expires = match expires {
                    Some(text) => parse_date("--expires", &text)?,
                    None => store::default_token_expiry(),
                };
                let (store, actor) = open_as(&actor).await?;
                let login = for_login.unwrap_or_else(|| actor.login().to_owned());
                let issued = web::issue_token(&store, &actor, &login, &label, expires).await;
                store.close().await;
                let (issued, token) = issued?;
                print_json(&TokenCreated {
                    expires: issued.expires_on.map(|date| date.to_string()),
                    for_login: issued.login,
                    id: issued.id,
                    label: issued.label,
                    token,
                })
            }
            TokenCommand::Revoke { actor, id, reason } => {
                let (store, actor) = open_as(&actor).await?;
                let revoked = store.revoke_token(&actor, id, &reason).await;
                store.close().await;
                revoked?;
                print_json(&TokenRevoked { revoked: id })
            }
        }
    })
}

// Fields in alphabetical order: these outputs were maps (sorted keys) before they had types.

/// `token create`: the token, printed once and never again.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct TokenCreated {
    /// The last day the token is accepted (YYYY-MM-DD), or null.
    expires: Option<String>,
    /// The login the token acts as.
    #[serde(rename = "for")]
    for_login: String,
    /// The token's id, for `token revoke --id`.
    id: i64,
    label: String,
    /// The bearer token itself.
    token: String,
}

/// `token revoke`: the id of the token revoked.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct TokenRevoked {
    revoked: i64,
}
