//! Shared helpers: the shipped protocols.

use protocol::Protocol;

pub fn shipped(name: &str) -> Protocol {
    let path = format!("{}/../../protocols/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("shipped protocol readable");
    Protocol::from_toml(&text).expect("shipped protocol valid")
}
