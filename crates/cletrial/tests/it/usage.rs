//! Command-line usage errors follow the same contract as bad input: exit 2, one line naming the problem.

use crate::support::cletrial;

/// A usage error: one line with clap's message, and one pointer to --help (clap's own "For
/// more information, try '--help'." once doubled it).
#[track_caller]
fn check(args: &[&str], needle: &str) {
    let line = cletrial(args, None).input_error(needle);
    assert!(line.ends_with("(see --help)"), "{line}");
    assert_eq!(line.matches("--help").count(), 1, "{line}");
    assert!(!line.contains("For more information"), "{line}");
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    check(
        &["grade", "--test", "neutrophils", "--value", "900"],
        "required arguments were not provided: --unit <UNIT>",
    );
    check(
        &["no-such-command"],
        "unrecognized subcommand 'no-such-command'",
    );
    check(
        &["stats", "ttest", "--bogus"],
        "unexpected argument '--bogus'",
    );
    check(
        &["export", "--db", "x.db", "--format", "xlsx", "--out", "x"],
        "invalid value 'xlsx' for '--format <FORMAT>' [possible values: csv, sdtm, xpt, dataset-json, dataset-ndjson, define, adam, submission, odm, audit]",
    );
    check(
        &["serve", "--db", "x.db", "--max-connections", "many"],
        "invalid value 'many' for '--max-connections <N>'",
    );
}

/// A mistyped command, flag or value is answered with the nearest one (clap's `suggestions`);
/// values the commands check themselves name the nearest too (protocols, lab tests, pregnancy
/// policies: in their own tests).
#[test]
fn a_typo_is_answered_with_the_nearest_name() {
    check(
        &["scor"],
        "unrecognized subcommand 'scor'; a similar subcommand exists: 'score'",
    );
    check(
        &["stats", "fisherr", "--input", "examples/stats/fisher.json"],
        "unrecognized subcommand 'fisherr'; a similar subcommand exists: 'fisher'",
    );
    check(
        &["grade", "--tset", "neutrophils"],
        "unexpected argument '--tset' found; a similar argument exists: '--test'",
    );
    check(
        &["export", "--db", "x.db", "--format", "odn", "--out", "x"],
        "a similar value exists: 'odm'",
    );
    cletrial(
        &[
            "grade",
            "--test",
            "neutrofils",
            "--value",
            "900",
            "--unit",
            "/mm3",
        ],
        None,
    )
    .input_error("--test: unknown lab test 'neutrofils'; nearest: neutrophils");
}

#[test]
fn a_command_without_its_subcommand_lists_the_choices() {
    let run = cletrial(&["score"], None);
    assert_eq!(run.status, 2, "{run:#?}");
    assert!(
        run.stderr.contains("clasi") && run.stderr.contains("sledai"),
        "{run:#?}"
    );
}

#[test]
fn help_and_version_succeed() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["score", "clasi", "--help"],
    ] {
        let run = cletrial(args, None);
        assert_eq!(run.status, 0, "{args:?}: {run:#?}");
        assert!(!run.stdout.is_empty(), "{args:?}");
    }
}

/// `--version` names the workspace's version, the commit and the commit's date:
/// `cletrial 0.9.0 (abc1234 2026-12-06)` (`unknown` for either outside a git checkout).
#[test]
fn version_names_the_release_the_commit_and_its_date() {
    let run = cletrial(&["--version"], None);
    assert_eq!(run.status, 0, "{run:#?}");
    let line = run.stdout.strip_suffix('\n').expect("one line");
    let prefix = format!("cletrial {} (", env!("CARGO_PKG_VERSION"));
    let stamp = line
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{line:?} is not '{prefix}COMMIT DATE)'"));
    let (commit, date) = stamp.split_once(' ').expect("commit and date");
    assert!(
        commit == "unknown" || (commit.len() >= 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{commit}"
    );
    assert!(
        date == "unknown" || date.parse::<jiff::civil::Date>().is_ok(),
        "{date}"
    );
    // The workspace's version is a release's, not the placeholder 0.0.0.
    assert_ne!(env!("CARGO_PKG_VERSION"), "0.0.0");
}

/// The command list gives each command one line. (Every command's examples are run by the
/// `docs` tests.)
#[test]
fn the_command_list_gives_each_command_one_line() {
    let list = cletrial(&["--help"], None);
    for command in ["report", "reproduce"] {
        let line = list
            .stdout
            .lines()
            .find(|line| line.trim_start().starts_with(command))
            .unwrap_or_default();
        assert!(
            !line.is_empty() && !line.contains("index.html"),
            "{command}: {line}"
        );
    }
}

/// Every command that sets a password states the rule it must pass, from the store's own
/// minimum length.
#[test]
fn commands_that_set_a_password_state_the_rule() {
    let length = format!("at least {} characters", ::store::Password::MIN_CHARS);
    for command in [
        &["init", "--help"][..],
        &["user", "add", "--help"],
        &["user", "password", "--help"],
        &["user", "reset-password", "--help"],
    ] {
        let help = cletrial(command, None).stdout;
        assert!(
            help.contains(&length) && help.contains("breached passwords"),
            "{command:?}: {help}"
        );
    }
}
