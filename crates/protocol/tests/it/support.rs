//! Shared helpers: shipped protocols, protocol variants with one setting changed, dates.

use std::path::PathBuf;

use jiff::civil::Date;
use protocol::Protocol;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

pub fn protocol_text(name: &str) -> String {
    let path = repo_root().join("protocols").join(format!("{name}.toml"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[track_caller]
pub fn shipped(name: &str) -> Protocol {
    Protocol::from_toml(&protocol_text(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The shipped protocol `name` with settings replaced: each key is a dotted TOML path
/// (`treatment.flare.rule`) and its value the new TOML value.
#[track_caller]
pub fn variant(name: &str, settings: &serde_json::Map<String, serde_json::Value>) -> Protocol {
    let mut table: toml::Table =
        toml::from_str(&protocol_text(name)).expect("shipped protocol parses");
    for (path, value) in settings {
        let keys: Vec<&str> = path.split('.').collect();
        let (last, parents) = keys.split_last().expect("non-empty path");
        let mut here = &mut table;
        for key in parents {
            here = here
                .get_mut(*key)
                .and_then(toml::Value::as_table_mut)
                .unwrap_or_else(|| panic!("setting {path}: no table {key}"));
        }
        let value: toml::Value =
            serde_json::from_value(value.clone()).expect("setting is a TOML value");
        here.insert((*last).to_owned(), value);
    }
    let text = toml::to_string(&table).expect("serialises");
    Protocol::from_toml(&text).unwrap_or_else(|error| panic!("variant of {name}: {error}"))
}

#[track_caller]
pub fn date(text: &str) -> Date {
    text.parse()
        .unwrap_or_else(|error| panic!("date {text}: {error}"))
}

/// The lenalidomide trial made randomised (`examples/protocol/randomisation.toml`, arms LEN and
/// PBO) with `extension` appended: a `[randomisation.extension]` section, or nothing.
pub fn randomised_text(extension: &str) -> String {
    let section = std::fs::read_to_string(repo_root().join("examples/protocol/randomisation.toml"))
        .expect("the randomisation example");
    format!("{}\n{section}\n{extension}", protocol_text("nct01408199"))
}

/// [`randomised_text`] checked.
#[track_caller]
pub fn randomised(extension: &str) -> Protocol {
    Protocol::from_toml(&randomised_text(extension))
        .unwrap_or_else(|error| panic!("randomised trial: {error}"))
}

/// An open-label extension from `from_day`, LEN and PBO entering as given.
pub fn extension_section(from_day: u32, len: &str, pbo: &str) -> String {
    format!(
        "[randomisation.extension]\nfrom_day = {from_day}\n\n[randomisation.extension.entry]\nLEN = \"{len}\"\nPBO = \"{pbo}\"\n"
    )
}
