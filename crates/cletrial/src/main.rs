//! `cletrial`: the thin binary that wires the crates together. Each command lives in its own
//! module; the clinical and statistical logic lives in the library crates.

mod allocation_cmd;
mod calc;
mod demo_cmd;
mod enter;
mod export_cmd;
mod help;
mod import_cmd;
mod io;
mod protocol_cmd;
mod report_cmd;
mod reproduce_cmd;
mod schemas;
mod serve_cmd;
mod simulate_cmd;
mod stats_cmd;
mod store_cmd;
mod token_cmd;
mod version;

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

use crate::io::CmdResult;

/// Runs clinical studies in cutaneous lupus erythematosus (CLE), from screening to the final report.
///
/// Calculator commands read JSON (a file, or `-` for standard input) and print JSON on standard
/// output. Bad input exits with status 2 and one line on standard error naming the field and what
/// is allowed. Example inputs are in the repository's `examples/` folder.
#[derive(Debug, Parser)]
#[command(name = "cletrial", version = version::VERSION, propagate_version = true, term_width = 0)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    // Each command's help is its arguments' documentation (with an example).
    Demo(demo_cmd::DemoArgs),
    /// Score a clinical instrument (CLASI, SLEDAI-2K) from a JSON file.
    #[command(subcommand)]
    Score(calc::ScoreCommand),
    /// Grade a laboratory value by NCI CTCAE v5.0.
    Grade(calc::GradeArgs),
    /// Check a candidate against a protocol's inclusion and exclusion criteria.
    Eligibility(protocol_cmd::EligibilityArgs),
    /// Say what the protocol asks for next for one patient, and which rule says so.
    Decide(protocol_cmd::DecideArgs),
    /// Print a protocol's visit and laboratory calendar from a start date.
    Schedule(protocol_cmd::ScheduleArgs),
    /// Run one statistical method on JSON input (checkable against R).
    #[command(subcommand)]
    Stats(stats_cmd::StatsCommand),
    Reproduce(reproduce_cmd::ReproduceArgs),
    Report(report_cmd::ReportArgs),
    Export(export_cmd::ExportArgs),
    /// Run a virtual cohort through a protocol: calibrated patients, the real engine, operating characteristics.
    Simulate(simulate_cmd::SimulateArgs),
    Init(store_cmd::InitArgs),
    /// Manage user accounts and their roles per site.
    #[command(subcommand)]
    User(store_cmd::UserCommand),
    /// Manage sites.
    #[command(subcommand)]
    Site(store_cmd::SiteCommand),
    /// Verify or print the audit trail.
    #[command(subcommand)]
    Audit(store_cmd::AuditCommand),
    Backup(store_cmd::BackupArgs),
    Import(import_cmd::ImportArgs),
    Serve(serve_cmd::ServeArgs),
    /// Issue or revoke API tokens for scripts calling the web API.
    #[command(subcommand)]
    Token(token_cmd::TokenCommand),
    /// A randomised trial's allocation secret and list (for the unblinded statistician).
    #[command(subcommand)]
    Allocation(allocation_cmd::AllocationCommand),
}

/// clap's usage errors in one line, like every other bad-input message: the message, clap's
/// "a similar ... exists" tips (from its `suggestions` feature), and one pointer to `--help`. The
/// usage block, clap's own "For more information" line and its other tips are left out.
fn usage_error_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let mut message = Vec::new();
    let mut similar = Vec::new();
    for line in rendered.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        match line.strip_prefix("tip: ") {
            Some(tip) if tip.contains(" similar ") => similar.push(tip),
            Some(_) => {}
            None if !line.is_empty() => message.push(line),
            None => {}
        }
    }
    let mut line = message.join(" ");
    for tip in similar {
        line.push_str("; ");
        line.push_str(tip);
    }
    format!("{line} (see --help)")
}

/// mimalloc instead of the system allocator: the report's readers allocate a row's cells on one
/// thread and free them on another, where glibc's malloc spent over a quarter of the CPU
/// (BENCHMARKS.md, report).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print in full and exit 0; a command given without its subcommand
        // prints its help (exit 2), which lists the choices.
        Err(error)
            if !error.use_stderr()
                || error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            error.exit()
        }
        Err(error) => {
            eprintln!("{}", usage_error_line(&error));
            return ExitCode::from(2);
        }
    };
    let result: CmdResult = match cli.command {
        Command::Demo(args) => demo_cmd::run(args),
        Command::Score(command) => calc::score(command),
        Command::Grade(args) => calc::grade(args),
        Command::Eligibility(args) => protocol_cmd::eligibility(args),
        Command::Decide(args) => protocol_cmd::decide(args),
        Command::Schedule(args) => protocol_cmd::schedule(args),
        Command::Stats(command) => stats_cmd::run(command),
        Command::Reproduce(args) => reproduce_cmd::run(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Export(args) => export_cmd::run(args),
        Command::Simulate(args) => simulate_cmd::run(args),
        Command::Init(args) => store_cmd::init(args),
        Command::User(command) => store_cmd::user(command),
        Command::Site(command) => store_cmd::site(command),
        Command::Audit(command) => store_cmd::audit(command),
        Command::Backup(args) => store_cmd::backup(args),
        Command::Import(args) => import_cmd::import(args),
        Command::Serve(args) => serve_cmd::run(args),
        Command::Token(command) => token_cmd::run(command),
        Command::Allocation(command) => allocation_cmd::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error.one_line());
            ExitCode::from(error.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every argument of every command says what it takes in its help: one without leaves the
    /// user a question `--help` cannot answer. (The examples of each command are run by the
    /// integration test `docs`.)
    #[test]
    fn every_argument_has_help() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in command.get_arguments() {
                let help = arg.get_long_help().or(arg.get_help());
                if help.is_none_or(|help| help.to_string().trim().is_empty()) {
                    let name = arg.get_long().unwrap_or(arg.get_id().as_str());
                    missing.push(format!("{path} --{name}"));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut command = super::Cli::command();
        command.build();
        command.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&command, "cletrial", &mut missing);
        assert!(missing.is_empty(), "arguments without help: {missing:#?}");
    }
}
