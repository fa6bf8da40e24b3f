//! The documentation runs as printed: every `cletrial` command shown in README.md and
//! examples/*/README.md, and every example of every command's `--help`, is run and its output
//! compared with what the text says.
//!
//! What the docs write, and this test reads:
//! - In a ```sh block, a line that runs cletrial (`cletrial ...`, `$ cletrial ...`, after
//!   `VAR=value`, after `echo ... |`, or inside a `for ...; do ... done` loop) is run by `sh`; a
//!   line ending in `\` goes on on the next. Other lines (`cargo`, `export`, `openssl`) are not
//!   ours and not run.
//! - After a `$ ` line, the lines up to the next `$ ` line are its output: a JSON object whose keys
//!   and values must be in the real output. `...` stands for what is not shown: more keys or
//!   elements, or a value.
//! - A table whose first column holds commands (`cletrial ...`), or files of the page's "Run with
//!   `cletrial ... <file>`", runs each row; a column headed by a key of the output holds that key's
//!   value, and `exit N` is the exit status. Every row must check at least one value.
//! - A line saying that a `--flag` "is not available" or is "not yet" there is a claim checked
//!   against the `--help` of the page's commands.
//! - A help's `Examples:` section is one complete command a line, each run in turn (a group's
//!   examples are among its subcommands'); its `Output` is checked against its first example.
//!
//! Each page, and the help examples in the order `--help` lists the commands, run in their own
//! sandbox: a temporary folder with examples/, protocols/ and data/ linked from the repository and
//! the record `cletrial demo --no-serve` creates (cletrial-demo.db), line after line as a reader
//! following the page would. `CLETRIAL_PASSWORD` is the password of the line's `--as` login (a
//! placeholder `CLETRIAL_PASSWORD=...` in the line is dropped); a command that sets a password
//! (init, user add, user password, user reset-password) gets a new one, which the sandbox then
//! remembers for that login.
//!
//! Checked by parsing only, with `--help` appended (clap then refuses an unknown flag or a bad
//! value, or prints the help and exits 0): `serve` and a `demo` that serves, which never end, and
//! a command on a PostgreSQL record, for which there is no server here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{Run, workspace_root};

/// The pages whose commands are run: README.md and every example folder's README.md.
fn pages() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut pages = vec![root.join("README.md")];
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("examples/")
        .map(|entry| entry.expect("entry").path().join("README.md"))
        .filter(|page| page.is_file())
        .collect();
    examples.sort();
    pages.extend(examples);
    pages
}

#[test]
fn every_command_in_the_docs_runs_as_shown() {
    let demo = Demo::new();
    let mut failures = Vec::new();
    for page in pages() {
        let name = page
            .strip_prefix(workspace_root())
            .unwrap_or(&page)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&page).expect("page");
        let mut sandbox = Sandbox::new(&demo);
        let mut ran = 0;
        for (command, shown) in shell_commands(&text) {
            ran += 1;
            let run = sandbox.run(&command);
            if let Err(why) = expect_success(&run).and_then(|()| match &shown {
                Some(shown) => matches_shown(shown, &run.stdout),
                None => Ok(()),
            }) {
                failures.push(format!("{name}: `{command}`: {why}"));
            }
        }
        for (command, expected) in table_rows(&text) {
            ran += 1;
            let run = sandbox.run(&command);
            if let Err(why) = check_row(&run, &expected) {
                failures.push(format!("{name}: `{command}`: {why}"));
            }
        }
        failures.extend(
            false_claims(&text, &sandbox)
                .into_iter()
                .map(|why| format!("{name}: {why}")),
        );
        if ran == 0 {
            failures.push(format!("{name} shows no command the test can run"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_help_ends_with_examples_that_run() {
    let demo = Demo::new();
    let mut sandbox = Sandbox::new(&demo);
    let mut failures = Vec::new();
    let mut commands = Vec::new();
    helps(&sandbox, &[], &mut commands);
    // A group's examples are its subcommands', run there.
    let mut leaf_examples = Vec::new();
    for Help {
        path,
        text: help,
        subcommands,
    } in &commands
    {
        let examples = match examples_of(help) {
            Ok(examples) => examples,
            Err(why) => {
                failures.push(format!("cletrial {} --help: {why}", path.join(" ")));
                continue;
            }
        };
        let invocation = format!("cletrial {}", path.join(" "));
        let runs = |part: &str| {
            let part = format!("{} ", strip_placeholders(part));
            part.starts_with(&format!("{invocation} "))
                || part.contains(&format!("| {invocation} "))
        };
        for example in &examples {
            if !example.split(" && ").any(runs) {
                failures.push(format!(
                    "{invocation} --help: the example `{example}` does not run {invocation}"
                ));
            }
        }
        if !subcommands.is_empty() {
            continue;
        }
        for (index, example) in examples.iter().enumerate() {
            let run = sandbox.run(example);
            let checked = expect_success(&run).and_then(|()| match output_shown(help) {
                Some(shown) if index == 0 => matches_shown(&shown, &run.stdout),
                _ => Ok(()),
            });
            if let Err(why) = checked {
                failures.push(format!("{invocation} --help: `{example}`: {why}"));
            }
            leaf_examples.push(example.clone());
        }
    }
    for Help {
        path,
        text: help,
        subcommands,
    } in &commands
    {
        if subcommands.is_empty() {
            continue;
        }
        for example in examples_of(help).unwrap_or_default() {
            if !leaf_examples.contains(&example) {
                failures.push(format!(
                    "cletrial {} --help: `{example}` is none of its subcommands' examples",
                    path.join(" ")
                ));
            }
        }
    }
    assert!(commands.len() > 30, "{} commands", commands.len());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// One command's `--help`.
struct Help {
    /// The words after `cletrial`.
    path: Vec<String>,
    /// As printed at 80 columns, where a wrapped example would show.
    text: String,
    /// The subcommands it lists (none: a command that runs).
    subcommands: Vec<String>,
}

/// The help of every command under `path`, depth first in the order `--help` lists them.
fn helps(sandbox: &Sandbox, path: &[String], into: &mut Vec<Help>) {
    let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
    args.push("--help");
    let run = sandbox.cletrial(&args);
    assert_eq!(run.status, 0, "cletrial {args:?}: {run:#?}");
    let listed: Vec<String> = run
        .stdout
        .split("\nCommands:\n")
        .nth(1)
        .map(|list| {
            list.lines()
                .take_while(|line| line.starts_with("  "))
                .filter_map(|line| line.split_whitespace().next())
                .filter(|name| *name != "help")
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !path.is_empty() {
        into.push(Help {
            path: path.to_vec(),
            text: run.stdout.clone(),
            subcommands: listed.clone(),
        });
    }
    for name in listed {
        let mut sub = path.to_vec();
        sub.push(name);
        helps(sandbox, &sub, into);
    }
}

/// The commands of a help's `Examples:` section, which must exist, hold at least one command
/// and be the only place a line ends in "Example:" or "Examples:".
fn examples_of(help: &str) -> Result<Vec<String>, String> {
    let lines: Vec<&str> = help.lines().collect();
    let mut sections = lines.iter().enumerate().filter(|(_, line)| {
        let line = line.trim_end();
        line.ends_with("Example:") || line.ends_with("Examples:")
    });
    let Some((start, header)) = sections.next() else {
        return Err("no Examples section".to_owned());
    };
    if header.trim() != "Examples:" && header.trim() != "Example:" {
        return Err(format!("'{header}' is not followed by an example"));
    }
    if let Some((_, other)) = sections.next() {
        return Err(format!("a second examples heading: '{other}'"));
    }
    let examples: Vec<String> = lines[start + 1..]
        .iter()
        .take_while(|line| !line.trim().is_empty())
        .map(|line| line.trim().to_owned())
        .collect();
    if examples.is_empty() {
        return Err("an empty Examples section".to_owned());
    }
    if let Some(line) = lines[start + 1..]
        .iter()
        .take(examples.len())
        .find(|line| !line.starts_with("  "))
    {
        return Err(format!("'{line}' in Examples is not indented as a command"));
    }
    if let Some(example) = examples
        .iter()
        .find(|example| cletrial_words(example).is_none())
    {
        return Err(format!(
            "'{example}' in Examples is not a cletrial command (an example wrapped onto the next line?)"
        ));
    }
    Ok(examples)
}

/// A help's `Output` description: the first `{...}` after a line starting with "Output".
fn output_shown(help: &str) -> Option<String> {
    let at = help.find("\nOutput")?;
    first_object(&help[at..]).map(str::to_owned)
}

/// The commands of a page's ```sh blocks that run cletrial, each with the output shown after it
/// (after a `$ ` line only).
fn shell_commands(page: &str) -> Vec<(String, Option<String>)> {
    let mut commands: Vec<(String, Option<String>)> = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    // The last `$ ` command, whose output lines follow it.
    let mut prompted: Option<usize> = None;
    for line in page.lines() {
        if line.trim_start().starts_with("```") {
            in_block = line.trim() == "```sh";
            prompted = None;
            continue;
        }
        if !in_block {
            continue;
        }
        let part = line.trim_end();
        pending.push_str(part.trim_end_matches('\\'));
        // A loop goes on to its `done`, its lines joined as `sh` reads them.
        let open_loop = pending.trim_start().starts_with("for ") && !part.ends_with("done");
        if part.ends_with('\\') || (open_loop && part.ends_with(" do")) {
            pending.push(' ');
            continue;
        }
        if open_loop {
            pending.push_str("; ");
            continue;
        }
        let logical = std::mem::take(&mut pending);
        let (text, prompt) = match logical.trim_start().strip_prefix("$ ") {
            Some(rest) => (rest.to_owned(), true),
            None => (logical.trim().to_owned(), false),
        };
        if prompt || prompted.is_none() {
            prompted = None;
            if cletrial_words(&text).is_some() {
                commands.push((text, None));
                if prompt {
                    prompted = Some(commands.len() - 1);
                }
            }
        } else if let Some(index) = prompted {
            let shown = commands[index].1.get_or_insert_with(String::new);
            shown.push_str(&text);
            shown.push(' ');
        }
    }
    commands
}

/// The rows of a page's tables that are examples: a first column of commands, or of files run
/// by the page's "Run with `cletrial ... <file>`", and at least one column headed by a key
/// (lowercase, one word). Each row's command with its (key, expected value) cells.
fn table_rows(page: &str) -> Vec<(String, Vec<(String, String)>)> {
    let template = page
        .split('`')
        .find(|code| code.starts_with("cletrial ") && code.contains("<file>"));
    let mut rows = Vec::new();
    let lines: Vec<&str> = page.lines().collect();
    let mut at = 0;
    while at < lines.len() {
        if !lines[at].starts_with('|') {
            at += 1;
            continue;
        }
        let table: Vec<Vec<String>> = lines[at..]
            .iter()
            .take_while(|line| line.starts_with('|'))
            .map(|line| cells(line))
            .collect();
        at += table.len();
        let Some((header, body)) = table.split_first() else {
            continue;
        };
        let keys: Vec<(usize, &String)> = header
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, name)| {
                !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .collect();
        if keys.is_empty() {
            continue;
        }
        for row in body.iter().filter(|row| !row[0].starts_with("---")) {
            let first = row[0].trim_matches('`');
            let command = if first.starts_with("cletrial ") {
                first.to_owned()
            } else if header[0] == "file"
                && let Some(template) = template
            {
                template.replace("<file>", first)
            } else {
                continue;
            };
            let expected = keys
                .iter()
                .filter_map(|(index, key)| {
                    let cell = row.get(*index)?.trim_matches('`');
                    Some(((*key).clone(), cell.to_owned()))
                })
                .collect();
            rows.push((command, expected));
        }
    }
    rows
}

/// The cells of a table line, trimmed (`\|` inside a cell is a `|`).
fn cells(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .replace("\\|", "\u{0}")
        .split('|')
        .map(|cell| cell.trim().replace('\u{0}', "|"))
        .collect()
}

/// A table row's expectations: `exit N` cells the exit status, other cells the value of their
/// column's key in the output when it has that key (other columns are words).
fn check_row(run: &Run, expected: &[(String, String)]) -> Result<(), String> {
    let mut checked = 0;
    for (key, cell) in expected {
        if let Some(code) = cell.strip_prefix("exit ") {
            if run.status.to_string() != code {
                return Err(format!(
                    "{key}: exit status {}, the table says {code}",
                    run.status
                ));
            }
            checked += 1;
        }
    }
    if checked == 0 {
        expect_success(run)?;
        let output: Value = serde_json::from_str(&run.stdout)
            .map_err(|error| format!("output is not JSON ({error})"))?;
        for (key, cell) in expected {
            let Some(actual) = output.get(key) else {
                continue;
            };
            let shown = serde_json::from_str(cell).unwrap_or_else(|_| Value::String(cell.clone()));
            if !same_value(&shown, actual) {
                return Err(format!("{key} is {actual}, the table says {cell}"));
            }
            checked += 1;
        }
    }
    if checked == 0 {
        return Err("no column of the row is checked: no key of the output heads one".to_owned());
    }
    Ok(())
}

/// Lines claiming that a `--flag` is not there ("is not available yet"), checked against the
/// `--help` of every command the page runs.
fn false_claims(page: &str, sandbox: &Sandbox) -> Vec<String> {
    const ABSENT: [&str; 4] = ["not available", "not yet", "not supported", "no longer"];
    let commands: std::collections::BTreeSet<Vec<String>> = shell_commands(page)
        .iter()
        .filter_map(|(line, _)| cletrial_words(line))
        .map(|words| {
            words
                .into_iter()
                .take_while(|word| !word.starts_with('-'))
                .collect()
        })
        .collect();
    let mut failures = Vec::new();
    for line in page
        .lines()
        .filter(|line| ABSENT.iter().any(|words| line.contains(words)))
    {
        let flags = line
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|code| code.starts_with("--"));
        for flag in flags {
            let option = format!("{flag} ");
            for command in &commands {
                let mut args: Vec<&str> = command.iter().map(String::as_str).collect();
                args.push("--help");
                let help = sandbox.cletrial(&args).stdout;
                if help.lines().any(|l| l.trim_start().starts_with(&option)) {
                    failures.push(format!(
                        "says `{flag}` is not there (\"{}\"), but `cletrial {}` lists it",
                        line.trim(),
                        args.join(" ")
                    ));
                }
            }
        }
    }
    failures
}

/// The words of the cletrial command a line runs (after `cletrial`), or `None` when it runs
/// none: `cletrial ...`, `VAR=value cletrial ...`, `... | cletrial ...`, `... do cletrial ...`.
fn cletrial_words(line: &str) -> Option<Vec<String>> {
    let words = shell_words(line);
    let at = words.iter().enumerate().position(|(index, word)| {
        word == "cletrial"
            && (index == 0
                || ["|", "&&", "do", ";"].contains(&words[index - 1].as_str())
                || words[..index].iter().all(|w| w.contains('=')))
    })?;
    Some(words[at + 1..].to_vec())
}

/// A line split as `sh` would split it, simply: whitespace outside quotes, quotes removed, a
/// word starting with `#` ends the line, `;` at a word's end is a word of its own.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                started = true;
            }
            (None, '#') if !started => break,
            (None, c) if c.is_whitespace() => {
                if started {
                    let semicolon = word.strip_suffix(';').map(str::to_owned);
                    match semicolon {
                        Some(before) => {
                            words.push(before);
                            words.push(";".to_owned());
                        }
                        None => words.push(word.clone()),
                    }
                    word.clear();
                    started = false;
                }
            }
            (None, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// The value after `flag` among `words`.
fn option<'a>(words: &'a [String], flag: &str) -> Option<&'a str> {
    words
        .windows(2)
        .find(|pair| pair[0] == flag)
        .map(|pair| pair[1].as_str())
}

/// A line without its password placeholders (`CLETRIAL_PASSWORD=...`): the sandbox sets them.
fn strip_placeholders(line: &str) -> String {
    line.split(' ')
        .filter(|word| !(word.starts_with("CLETRIAL_") && word.ends_with("=...")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn expect_success(run: &Run) -> Result<(), String> {
    if run.status == 0 {
        Ok(())
    } else {
        Err(format!("exit status {}: {}", run.status, run.stderr.trim()))
    }
}

/// The first balanced `{...}` of `text`.
fn first_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let mut depth = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in text[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' | '[' | '(' if !in_string => depth += 1,
            '}' | ']' | ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[start..=start + at]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Does the output agree with what the text shows of it (the first `{...}` of `shown`)?
fn matches_shown(shown: &str, stdout: &str) -> Result<(), String> {
    let object = first_object(shown).ok_or_else(|| format!("no {{...}} in '{shown}'"))?;
    let actual: Value = serde_json::from_str(stdout)
        .map_err(|error| format!("output is not JSON ({error}): {stdout}"))?;
    matches(&Shown::parse(object), &actual, "")
        .map_err(|why| format!("{why}\n  shown: {object}\n  output: {}", compact(&actual)))
}

fn compact(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(600) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

/// What a text shows of a JSON value: JSON where `...` stands for what is left out, keys may
/// come without values (`{"p_value", "method"}`), and a value that is not JSON (`"cr"|"pr"`,
/// `10.93..`, `U of x (R's W)`) only says that the key is there.
#[derive(Debug)]
enum Shown {
    /// Keys each with what is shown of its value; more keys may be in the output.
    Object(Vec<(String, Shown)>),
    /// Elements shown from the first; `open` when `...` says more follow.
    Array {
        items: Vec<Shown>,
        open: bool,
    },
    Value(Value),
    /// Something is there.
    Any,
}

impl Shown {
    fn parse(text: &str) -> Shown {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            let members = split_top(inner)
                .into_iter()
                .filter(|member| *member != "...")
                .filter_map(|member| {
                    let rest = member.strip_prefix('"')?;
                    let end = rest.find('"')?;
                    let value = match rest[end + 1..].trim_start().strip_prefix(':') {
                        Some(value) => Shown::parse(value),
                        None => Shown::Any,
                    };
                    Some((rest[..end].to_owned(), value))
                })
                .collect();
            return Shown::Object(members);
        }
        if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let parts = split_top(inner);
            let open = parts.contains(&"...");
            let items = parts
                .into_iter()
                .filter(|part| *part != "...")
                .map(Shown::parse)
                .collect();
            return Shown::Array { items, open };
        }
        serde_json::from_str(text).map_or(Shown::Any, Shown::Value)
    }
}

/// `text` split at its commas outside strings and brackets, each part trimmed; empty parts
/// dropped.
fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0, false, false, 0);
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' | '[' | '(' if !in_string => depth += 1,
            '}' | ']' | ')' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => {
                parts.push(text[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts.retain(|part| !part.is_empty());
    parts
}

fn matches(shown: &Shown, actual: &Value, at: &str) -> Result<(), String> {
    match shown {
        Shown::Any => Ok(()),
        Shown::Value(value) if same_value(value, actual) => Ok(()),
        Shown::Value(value) => Err(format!("{at}: shown {value}, is {}", compact(actual))),
        Shown::Object(members) => {
            for (key, value) in members {
                let inner = actual
                    .get(key)
                    .ok_or_else(|| format!("{at}: no key \"{key}\" in the output"))?;
                matches(value, inner, &format!("{at}.{key}"))?;
            }
            Ok(())
        }
        Shown::Array { items, open } => {
            let actual = actual
                .as_array()
                .ok_or_else(|| format!("{at}: shown a list, is {}", compact(actual)))?;
            let all_values = items.iter().all(|item| matches!(item, Shown::Value(_)));
            if !open && all_values && items.len() != actual.len() {
                return Err(format!(
                    "{at}: shown {} elements, has {}",
                    items.len(),
                    actual.len()
                ));
            }
            for (index, item) in items.iter().enumerate() {
                let inner = actual
                    .get(index)
                    .ok_or_else(|| format!("{at}: shown element {index}, has {}", actual.len()))?;
                matches(item, inner, &format!("{at}[{index}]"))?;
            }
            Ok(())
        }
    }
}

/// Equal JSON values, numbers by value (17 is 17.0).
fn same_value(shown: &Value, actual: &Value) -> bool {
    match (shown, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => shown == actual,
    }
}

/// The demo record every sandbox starts from, made once per test, with its logins' passwords.
struct Demo {
    dir: tempfile::TempDir,
    passwords: HashMap<String, String>,
}

impl Demo {
    fn new() -> Demo {
        let dir = tempfile::tempdir().expect("temp dir");
        let output = Command::new(env!("CARGO_BIN_EXE_cletrial"))
            .args(["demo", "--no-serve"])
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("cletrial demo runs");
        let demo: Value = serde_json::from_slice(&output.stdout).expect("demo prints JSON");
        let passwords = demo["logins"]
            .as_array()
            .expect("logins")
            .iter()
            .map(|login| {
                (
                    login["login"].as_str().expect("login").to_owned(),
                    login["password"].as_str().expect("password").to_owned(),
                )
            })
            .collect();
        Demo { dir, passwords }
    }
}

/// A folder where the docs' commands run as a reader would run them from the repository.
struct Sandbox {
    dir: tempfile::TempDir,
    passwords: HashMap<String, String>,
    /// New passwords given so far, so each is another.
    issued: usize,
}

impl Sandbox {
    fn new(demo: &Demo) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        for shared in ["examples", "protocols", "data"] {
            std::os::unix::fs::symlink(workspace_root().join(shared), dir.path().join(shared))
                .expect("link");
        }
        std::fs::copy(
            demo.dir.path().join("cletrial-demo.db"),
            dir.path().join("cletrial-demo.db"),
        )
        .expect("the demo record");
        Sandbox {
            dir,
            passwords: demo.passwords.clone(),
            issued: 0,
        }
    }

    /// `cletrial ARGS` run directly in the sandbox.
    fn cletrial(&self, args: &[&str]) -> Run {
        let mut command = self.command(env!("CARGO_BIN_EXE_cletrial"));
        command.args(args);
        output(command)
    }

    /// Runs one line of the docs with `sh`, as the module's doc says.
    fn run(&mut self, line: &str) -> Run {
        let line = strip_placeholders(line);
        let words = cletrial_words(&line).unwrap_or_default();
        let path: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .take_while(|word| !word.starts_with('-'))
            .collect();
        let serves = path.first() == Some(&"serve")
            || (path.first() == Some(&"demo") && !words.iter().any(|w| w == "--no-serve"));
        let mut command = self.command("sh");
        if serves || line.contains("postgres://") {
            command.arg("-c").arg(format!("{line} --help"));
            return output(command);
        }
        command.arg("-c").arg(&line);
        if let Some(login) = option(&words, "--as")
            && let Some(password) = self.passwords.get(login)
        {
            command.env("CLETRIAL_PASSWORD", password);
        }
        // Who gets a new password, and from which variable.
        let new = match path.as_slice() {
            ["init", ..] => Some((
                "CLETRIAL_PASSWORD",
                option(&words, "--admin").unwrap_or("admin"),
            )),
            ["user", "add" | "reset-password", ..] => {
                option(&words, "--login").map(|login| ("CLETRIAL_NEW_PASSWORD", login))
            }
            ["user", "password", ..] => {
                option(&words, "--as").map(|login| ("CLETRIAL_NEW_PASSWORD", login))
            }
            _ => None,
        };
        let new = new.map(|(variable, login)| {
            self.issued += 1;
            let password = format!("copper tundra violin {}", self.issued);
            command.env(variable, &password);
            (login.to_owned(), password)
        });
        let run = output(command);
        if run.status == 0
            && let Some((login, password)) = new
        {
            self.passwords.insert(login, password);
        }
        run
    }

    /// `program` in the sandbox, finding `cletrial` first on the PATH, at 80 columns (where a
    /// wrapped example would show), with no password but those the sandbox sets.
    fn command(&self, program: &str) -> Command {
        let bin = Path::new(env!("CARGO_BIN_EXE_cletrial"))
            .parent()
            .expect("the binary's folder");
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![bin.to_path_buf()];
        paths.extend(std::env::split_paths(&path));
        let mut command = Command::new(program);
        command
            .current_dir(self.dir.path())
            .env("PATH", std::env::join_paths(paths).expect("PATH"))
            .env("COLUMNS", "80")
            .env_remove("CLETRIAL_PASSWORD")
            .env_remove("CLETRIAL_NEW_PASSWORD")
            .stdin(Stdio::null());
        command
    }
}

fn output(mut command: Command) -> Run {
    let output = command.output().expect("runs");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
