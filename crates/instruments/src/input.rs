//! JSON input readers: `&str -> Result<T, InputError>`, shared by the command line and the fuzz
//! targets so both exercise exactly the same parsing and checks.

use serde::de::DeserializeOwned;

use crate::clasi::Clasi;
use crate::sledai::Sledai2k;

/// Why a JSON input was refused: the path of the offending field (for example
/// `areas.scalp.erythema`, or `input` for the document as a whole) and what is allowed there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InputError {
    pub path: String,
    pub message: String,
}

/// Reads a CLASI assessment; the format is documented on [`Clasi`].
pub fn read_clasi(text: &str) -> Result<Clasi, InputError> {
    parse(text).map_err(|mut error| {
        // The form scores scalp scarring as scarring alopecia ("see below", INSTRUMENTS.md
        // §1.4); say so rather than only "unknown field".
        if error.path == "areas.scalp.scarring" {
            error.message = "not scored on the scalp; score scalp scarring as \
                             `scarring_alopecia` (one of 0, 3, 4, 5, 6)"
                .to_owned();
        }
        error
    })
}

/// Reads a SLEDAI-2K assessment; the format is documented on [`Sledai2k`].
pub fn read_sledai(text: &str) -> Result<Sledai2k, InputError> {
    parse(text)
}

/// Deserializes `text`, keeping the path of the field that failed. Range checks live in the
/// item types' `Deserialize` impls, so an accepted value is always a valid one.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(into_input_error)?;
    // Anything after the document is an error too, as with `serde_json::from_str`.
    deserializer.end().map_err(|error| InputError {
        path: WHOLE_INPUT.to_owned(),
        message: error.to_string(),
    })?;
    Ok(value)
}

/// The path given to errors about the document as a whole (a missing key, bad syntax).
const WHOLE_INPUT: &str = "input";

fn into_input_error(error: serde_path_to_error::Error<serde_json::Error>) -> InputError {
    // serde_path_to_error writes `.` for the root and `?` where the syntax broke off.
    let path = match error.path().to_string() {
        root if root == "." || root == "?" => WHOLE_INPUT.to_owned(),
        path => path,
    };
    InputError {
        path,
        message: error.into_inner().to_string(),
    }
}
