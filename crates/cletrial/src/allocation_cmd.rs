//! `cletrial allocation secret|register|list|arms`: the unblinded statistician's side of
//! randomisation. `secret` draws a study's allocation secret into a file of its own (never into
//! the study record) and prints its check; `register` records that check in the study before
//! anyone is randomised, so no other secret file is ever taken for it; `list` regenerates the permuted-block list of every stratum from the protocol and that
//! secret, as `protocol::allocation` assigns it; `arms` gives each randomised subject of a record
//! its arm, which the record itself does not hold (`store::arms`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use protocol::allocation::{Method, Secret, blocks};

use crate::help::examples;
use crate::io::{CliError, CmdResult, block_on, print_json, read_text};
use crate::protocol_cmd::load_protocol;
use crate::store_cmd::{ActorArgs, DbArg, open_as, open_to_read};

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    "cletrial allocation secret --out trial.key",
    "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial init --protocol randomised.toml --db sqlite://registered.db --admin alice --admin-name \"Alice Martin\" && cletrial allocation secret --out registered.key && CLETRIAL_PASSWORD=... cletrial allocation register --db sqlite://registered.db --as alice --secret-file registered.key",
    "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial allocation secret --out list.key && cletrial allocation list --protocol randomised.toml --secret-file list.key --blocks 2",
    "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial init --protocol randomised.toml --db sqlite://randomised.db --admin alice --admin-name \"Alice Martin\" && cletrial allocation secret --out arms.key && CLETRIAL_PASSWORD=... cletrial allocation register --db sqlite://randomised.db --as alice --secret-file arms.key && cletrial allocation arms --db sqlite://randomised.db --secret-file arms.key"
))]
pub enum AllocationCommand {
    /// Draw a new allocation secret (32 random bytes from the operating system, written as 64
    /// hexadecimal digits) into a new file readable by its owner only. Keep it away from the
    /// study record and from blinded staff: whoever holds it can regenerate the list.
    #[command(after_help = examples!("cletrial allocation secret --out trial.key"))]
    Secret {
        /// The file to create (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Register the check of the study's allocation secret in its record (an administrator,
    /// once, before the first enrolment): nobody can be randomised before, and every later use
    /// of a secret file (serve, arms, exports by arm) is refused unless it is this secret. The
    /// check names the secret without revealing it; give the secret file or the check that
    /// `allocation secret` printed.
    #[command(after_help = examples!(
        "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial init --protocol randomised.toml --db sqlite://registered.db --admin alice --admin-name \"Alice Martin\" && cletrial allocation secret --out registered.key && CLETRIAL_PASSWORD=... cletrial allocation register --db sqlite://registered.db --as alice --secret-file registered.key"
    ))]
    Register(RegisterArgs),
    /// Print a randomised protocol's allocation list as CSV: every stratum's first --blocks
    /// permuted blocks, each place with its arm (stratum, block, block_size, place, arm,
    /// arm_label). The list is the one enrolment follows, regenerated from the secret alone.
    #[command(after_help = examples!(
        "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial allocation secret --out list.key && cletrial allocation list --protocol randomised.toml --secret-file list.key --blocks 2"
    ))]
    List(ListArgs),
    /// Print each randomised subject of a study record with its arm, as CSV (number, subject,
    /// randomised_on, stratum, place, arm, arm_label): the allocation replayed from the secret
    /// over the record's randomisations in order. The record holds no arm; this is the only way
    /// to see one, and it unblinds the whole study to whoever reads it.
    #[command(after_help = examples!(
        "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial init --protocol randomised.toml --db sqlite://randomised.db --admin alice --admin-name \"Alice Martin\" && cletrial allocation secret --out arms.key && CLETRIAL_PASSWORD=... cletrial allocation register --db sqlite://randomised.db --as alice --secret-file arms.key && cletrial allocation arms --db sqlite://randomised.db --secret-file arms.key"
    ))]
    Arms(ArmsArgs),
}

#[derive(Debug, Args)]
pub struct ArmsArgs {
    #[command(flatten)]
    db: DbArg,
    /// The study's allocation secret, as `allocation secret` wrote it.
    #[arg(long, value_name = "FILE")]
    secret_file: PathBuf,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("secret").required(true).args(["secret_file", "check"]))]
pub struct RegisterArgs {
    #[command(flatten)]
    actor: ActorArgs,
    /// The study's allocation secret, as `allocation secret` wrote it (only its check is kept).
    #[arg(long, value_name = "FILE")]
    secret_file: Option<PathBuf>,
    /// The secret's check, as `allocation secret` printed it (64 hexadecimal digits).
    #[arg(long, value_name = "HEX")]
    check: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// A protocol TOML file with a [randomisation] section (crates/protocol/FORMAT.md).
    #[arg(long, value_name = "FILE")]
    protocol: String,
    /// The study's allocation secret, as `allocation secret` wrote it.
    #[arg(long, value_name = "FILE")]
    secret_file: PathBuf,
    /// Blocks listed per stratum.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    blocks: u64,
}

pub fn run(command: AllocationCommand) -> CmdResult {
    match command {
        AllocationCommand::Secret { out } => secret(&out),
        AllocationCommand::Register(args) => register(args),
        AllocationCommand::List(args) => list(&args),
        AllocationCommand::Arms(args) => arms(&args),
    }
}

fn secret(out: &Path) -> CmdResult {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| anyhow::anyhow!("the operating system gave no random bytes: {error}"))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(out).map_err(|error| {
        CliError::input(format!(
            "--out: cannot create '{}' ({error})",
            out.display()
        ))
    })?;
    let digits: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    file.write_all(format!("{digits}\n").as_bytes())
        .map_err(|error| anyhow::anyhow!("writing '{}': {error}", out.display()))?;
    eprintln!(
        "allocation secret written to {} (keep it away from the study record and blinded staff)",
        out.display()
    );
    let check = Secret::from_bytes(bytes).check();
    eprintln!(
        "its check, for `cletrial allocation register --check` before the first enrolment: {check}"
    );
    Ok(())
}

fn register(args: RegisterArgs) -> CmdResult {
    let check = match (&args.secret_file, args.check) {
        (Some(file), _) => read_secret("--secret-file", file)?.check(),
        (None, Some(check)) => check,
        (None, None) => unreachable!("clap requires --secret-file or --check"),
    };
    block_on(async {
        let (store, actor) = open_as(&args.actor).await?;
        store.register_allocation_check(&actor, &check).await?;
        let registered = store
            .allocation_check()
            .await?
            .ok_or_else(|| anyhow::anyhow!("the check just registered cannot be read back"))?;
        store.close().await;
        print_json(&Registered {
            registered_on: registered.registered_on.to_string(),
            check: registered.check,
        })
    })
}

/// `allocation register`: the check registered and its day.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Registered {
    /// The day the check was first registered (an earlier day when it was already).
    registered_on: String,
    /// The secret's check: 64 hexadecimal digits.
    check: String,
}

/// Reads the secret file given as `flag` and refuses it unless it is the study's (its check is
/// the one registered).
pub(crate) async fn study_secret(
    store: &store::Store,
    flag: &str,
    file: &Path,
) -> Result<Secret, CliError> {
    let secret = read_secret(flag, file)?;
    store
        .check_allocation_secret(&secret)
        .await
        .map_err(|error| CliError::input(format!("{flag}: {error}")))?;
    Ok(secret)
}

pub(crate) fn read_secret(flag: &str, file: &Path) -> Result<Secret, CliError> {
    let text = read_text(flag, file)?;
    Secret::from_hex(&text).map_err(|error| CliError::input(format!("{flag}: {error}")))
}

fn arms(args: &ArmsArgs) -> CmdResult {
    let (protocol, randomised, subjects, secret) = block_on(async {
        let store = open_to_read(&args.db).await?;
        let secret = study_secret(&store, "--secret-file", &args.secret_file).await?;
        let protocol = store.protocol().await?;
        let randomised = store.randomisations().await?;
        let subjects = store.subjects().await?;
        Ok::<_, CliError>((protocol, randomised, subjects, secret))
    })?;
    let design = protocol.randomisation().ok_or_else(|| {
        CliError::input("--db: the study's protocol declares no [randomisation]".to_owned())
    })?;
    let arms = store::arms(design, secret, &randomised).map_err(CliError::from)?;
    let code = |id: i64| {
        subjects
            .iter()
            .find(|subject| subject.id == id)
            .map_or_else(
                || format!("subject {id}"),
                |subject| subject.data.code.clone(),
            )
    };
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    let failed = |error: csv::Error| anyhow::anyhow!("writing the arms: {error}");
    out.write_record([
        "number",
        "subject",
        "randomised_on",
        "stratum",
        "place",
        "arm",
        "arm_label",
    ])
    .map_err(failed)?;
    for (randomisation, arm) in randomised.iter().zip(arms) {
        let arm = &design.arms()[arm];
        out.write_record([
            randomisation.number.to_string().as_str(),
            &code(randomisation.subject_id),
            &randomisation.randomised_on.to_string(),
            &randomisation.stratum,
            &randomisation.place.to_string(),
            &arm.code,
            &arm.label,
        ])
        .map_err(failed)?;
    }
    out.flush()
        .map_err(|error| anyhow::anyhow!("writing the arms: {error}"))?;
    Ok(())
}

fn list(args: &ListArgs) -> CmdResult {
    let protocol = load_protocol(&args.protocol)?;
    let design = protocol.randomisation().ok_or_else(|| {
        CliError::input(format!(
            "--protocol {}: the protocol declares no [randomisation]",
            args.protocol
        ))
    })?;
    if let Method::Minimisation { .. } = design.method() {
        return Err(CliError::input(format!(
            "--protocol {}: minimisation has no list made in advance (each arm depends on the subjects before)",
            args.protocol
        )));
    }
    let secret = read_secret("--secret-file", &args.secret_file)?;
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    let failed = |error: csv::Error| anyhow::anyhow!("writing the list: {error}");
    out.write_record([
        "stratum",
        "block",
        "block_size",
        "place",
        "arm",
        "arm_label",
    ])
    .map_err(failed)?;
    for profile in design.strata() {
        let stratum = design.stratum(&profile);
        let list = blocks::schedule(design, &secret, &stratum, args.blocks)
            .map_err(|error| CliError::input(error.to_string()))?;
        for block in list {
            for (place, arm) in block.arms.iter().enumerate() {
                let arm = &design.arms()[*arm];
                out.write_record([
                    stratum.as_str(),
                    &(block.number + 1).to_string(),
                    &block.arms.len().to_string(),
                    &(place + 1).to_string(),
                    &arm.code,
                    &arm.label,
                ])
                .map_err(failed)?;
            }
        }
    }
    out.flush()
        .map_err(|error| anyhow::anyhow!("writing the list: {error}"))?;
    Ok(())
}
