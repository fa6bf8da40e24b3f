//! JSON in, JSON out: the conventions every calculator-style command shares.
//!
//! Input comes from a path or `-` (standard input). Bad input is the user's to fix, so it exits
//! with status 2 and one line on stderr that names the field and what is allowed; anything else
//! that fails exits with status 1.

use std::io::{Read, Write};
use std::path::Path;

use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a command failed, which decides its exit status.
#[derive(Debug)]
pub enum CliError {
    /// The user's input is wrong (exit 2). The message names the field and what is allowed.
    Input(String),
    /// Anything else (exit 1).
    Other(anyhow::Error),
}

impl CliError {
    pub fn input(message: impl Into<String>) -> CliError {
        CliError::Input(message.into())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_) => 2,
            CliError::Other(_) => 1,
        }
    }

    /// One line, whatever the error: multi-line causes are joined with "; ".
    pub fn one_line(&self) -> String {
        let text = match self {
            CliError::Input(message) => message.clone(),
            CliError::Other(error) => format!("{error:#}"),
        };
        text.split('\n')
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl From<anyhow::Error> for CliError {
    fn from(error: anyhow::Error) -> CliError {
        CliError::Other(error)
    }
}

/// A refusal of the study record is the user's to fix (exit 2); a failing database is not (exit 1).
impl From<store::StoreError> for CliError {
    fn from(error: store::StoreError) -> CliError {
        if error.is_user_error() {
            CliError::input(error.to_string())
        } else {
            CliError::Other(anyhow::Error::new(error))
        }
    }
}

/// A report or export not written: the user's to fix (exit 2), naming the option, unless the
/// export's writer or the disk failed (exit 1).
impl From<outputs::OutputError> for CliError {
    fn from(error: outputs::OutputError) -> CliError {
        use analysis::report::ReportError;
        use outputs::OutputError;
        match error {
            OutputError::Store(error) => error.into(),
            error @ (OutputError::Report(ReportError::Write { .. })
            | OutputError::Folder { .. }) => CliError::input(format!("--out: {error}")),
            OutputError::OwnProtocol(problem) => CliError::input(format!(
                "--protocol: the study's own protocol cannot be used ({problem}); name one with --protocol"
            )),
            error @ OutputError::Empty(_) => CliError::input(format!("db: {error}")),
            OutputError::Allocation(why) => {
                CliError::input(format!("--allocation-secret-file: {why}"))
            }
            error @ (OutputError::Export(_) | OutputError::Manifest { .. }) => {
                CliError::Other(anyhow::Error::new(error))
            }
            error @ OutputError::Report(_) => CliError::input(error.to_string()),
        }
    }
}

pub type CmdResult = Result<(), CliError>;

/// Runs the async work of a command (the study record, the web server) to completion.
pub fn block_on<T>(work: impl Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)?
        .block_on(work)
}

/// Reads the whole input named by `path`; `-` reads standard input.
/// `flag` is the option that named the path, so the message can point at it.
pub fn read_text(flag: &str, path: &Path) -> Result<String, CliError> {
    let mut text = String::new();
    let result = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(drop)
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text).map(drop))
    };
    match result {
        Ok(()) => Ok(text),
        Err(error) => Err(CliError::input(format!(
            "{flag}: cannot read '{}': {error}",
            path.display()
        ))),
    }
}

/// Parses JSON into `T`; on failure the message starts with the path of the offending field
/// (for example `areas.scalp.erythema: invalid value: integer `4`, expected 0 to 3`). A date
/// that does not parse is said in words ([`not_a_date`]), not in the date parser's terms.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, CliError> {
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = match error.path().to_string() {
            path if path == "." => "input".to_owned(),
            path => path,
        };
        let date = refused_date(text, error.path(), error.inner());
        let message = date.unwrap_or_else(|| error.into_inner().to_string());
        CliError::input(format!("{field}: {message}"))
    })
}

/// When `error` is a date field refusing the value at `path` of the JSON `text`, that refusal
/// in words. jiff's messages ("failed to parse four digit integer as year") name its parser's
/// steps, so the value is parsed again here to recognise them.
fn refused_date(
    text: &str,
    path: &serde_path_to_error::Path,
    error: &serde_json::Error,
) -> Option<String> {
    let root: serde_json::Value = serde_json::from_str(text).ok()?;
    let value = path
        .iter()
        .try_fold(&root, |value, segment| match segment {
            serde_path_to_error::Segment::Seq { index } => value.get(index),
            serde_path_to_error::Segment::Map { key } => value.get(key),
            _ => None,
        })?;
    let message = error.to_string();
    match value {
        serde_json::Value::String(written) => {
            let parse_error = written.parse::<Date>().err()?;
            message
                .starts_with(&parse_error.to_string())
                .then(|| not_a_date(written))
        }
        // A number or anything else where jiff wanted a date's text.
        other => message.contains("expected a date").then(|| {
            format!("{other} is not a date; write it as \"YYYY-MM-DD\", e.g. \"2026-03-12\"")
        }),
    }
}

/// Why `text` is not a date, in words that say what is allowed: a date is YYYY-MM-DD, and one
/// written that way must be on the calendar.
pub fn not_a_date(text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    if let [year, month, day] = parts[..]
        && [(year, 4), (month, 2), (day, 2)]
            .iter()
            .all(|(part, len)| part.len() == *len && part.bytes().all(|b| b.is_ascii_digit()))
        && let (Ok(year), Ok(month), Ok(day)) =
            (year.parse::<i16>(), month.parse::<i8>(), day.parse::<i8>())
    {
        return match Date::new(year, month, 1) {
            Err(_) => format!("'{text}' is not a date: month {month} (months are 01 to 12)"),
            Ok(first) => format!(
                "'{text}' is not a date: {year:04}-{month:02} has days 01 to {}, not {day:02}",
                first.days_in_month()
            ),
        };
    }
    format!("'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-12")
}

/// A date given on the command line (`--start`, `--as-of`, `--expires`): YYYY-MM-DD, or an
/// error naming `flag` and saying so.
pub fn parse_date(flag: &str, text: &str) -> Result<Date, CliError> {
    text.trim()
        .parse()
        .map_err(|_| CliError::input(format!("{flag}: {}", not_a_date(text.trim()))))
}

/// Reads and parses a JSON input in one step.
pub fn read_json<T: DeserializeOwned>(flag: &str, path: &Path) -> Result<T, CliError> {
    parse_json(&read_text(flag, path)?)
}

/// Prints `value` as pretty JSON on standard output. A closed pipe (`| head`) is not an error.
pub fn print_json<T: Serialize>(value: &T) -> CmdResult {
    let text = serde_json::to_string_pretty(value).map_err(anyhow::Error::from)?;
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}") {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(CliError::Other(error.into()))
        }
        _ => Ok(()),
    }
}
