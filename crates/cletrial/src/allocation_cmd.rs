//! `cletrial allocation secret|list`: the unblinded statistician's side of randomisation. `secret`
//! draws a study's allocation secret into a file of its own (never into the study record);
//! `list` regenerates the permuted-block list of every stratum from the protocol and that secret,
//! as `protocol::allocation` assigns it.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use protocol::allocation::{Method, Secret, blocks};

use crate::help::examples;
use crate::io::{CliError, CmdResult, read_text};
use crate::protocol_cmd::load_protocol;

#[derive(Debug, Subcommand)]
#[command(after_help = examples!(
    "cletrial allocation secret --out trial.key",
    "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial allocation secret --out list.key && cletrial allocation list --protocol randomised.toml --secret-file list.key --blocks 2"
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
    /// Print a randomised protocol's allocation list as CSV: every stratum's first --blocks
    /// permuted blocks, each place with its arm (stratum, block, block_size, place, arm,
    /// arm_label). The list is the one enrolment follows, regenerated from the secret alone.
    #[command(after_help = examples!(
        "cat protocols/nct01408199.toml examples/protocol/randomisation.toml > randomised.toml && cletrial allocation secret --out list.key && cletrial allocation list --protocol randomised.toml --secret-file list.key --blocks 2"
    ))]
    List(ListArgs),
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
        AllocationCommand::List(args) => list(&args),
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
    let text = read_text("--secret-file", &args.secret_file)?;
    let secret = Secret::from_hex(&text)
        .map_err(|error| CliError::input(format!("--secret-file: {error}")))?;
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
