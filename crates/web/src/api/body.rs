//! Reading a request body: exactly one JSON value, with no field its type does not declare
//! (every body type has `#[serde(deny_unknown_fields)]`), and serde's refusals put in words
//! naming the field by its JSON path. A script's author reads these messages: they say what
//! the field takes (`a date like 2026-12-06`), never the Rust type behind it.

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer, Visitor};
use serde_json::error::Category;

use crate::api::error::ApiError;

/// A request body read after the policy check; a field that does not fit is named by its JSON
/// path, an unknown one with the fields allowed, and text after the value is refused.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    an_object::<T>(body)?;
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        refusal(body, &path, error.into_inner())
    })?;
    // One value and nothing after it: a second object or stray text would be dropped unread.
    deserializer.end().map_err(|error| {
        ApiError::invalid(
            "body",
            format!(
                "has more after the JSON value ({}); send one JSON object",
                place(&error)
            ),
        )
    })?;
    Ok(value)
}

/// Every body is an object: serde would also read a struct from a list, field by position.
/// JSON that is no object is refused naming the fields the body takes; text that is no JSON
/// is left to the parse, which says where it breaks.
fn an_object<'de, T: Deserialize<'de>>(body: &[u8]) -> Result<(), ApiError> {
    if body.trim_ascii_start().starts_with(b"{") {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Ok(());
    };
    let given = match value {
        serde_json::Value::Object(_) => return Ok(()),
        serde_json::Value::Array(_) => "a list".to_owned(),
        serde_json::Value::String(text) => format!("the text {text:?}"),
        serde_json::Value::Number(number) => format!("the number {number}"),
        serde_json::Value::Bool(truth) => truth.to_string(),
        serde_json::Value::Null => "null".to_owned(),
    };
    let expected = match fields::<T>() {
        Some(fields) => format!("an object with fields {}", fields.join(", ")),
        None => "an object".to_owned(),
    };
    Err(ApiError::invalid(
        "body",
        format!("expected {expected}, not {given}"),
    ))
}

/// Where a syntax error is, in words.
fn place(error: &serde_json::Error) -> String {
    format!("line {}, column {}", error.line(), error.column())
}

fn refusal(body: &[u8], path: &str, error: serde_json::Error) -> ApiError {
    let message = error.to_string();
    let message = without_position(&message);
    match error.classify() {
        Category::Data => {
            let refused = in_words(path, message);
            ApiError::invalid(refused.field_or("body"), refused.message)
        }
        Category::Eof if body.trim_ascii().is_empty() => {
            ApiError::invalid("body", "is empty; send one JSON object")
        }
        Category::Eof => ApiError::invalid(
            "body",
            format!(
                "ends before its JSON value is complete ({}); send one JSON object",
                place(&error)
            ),
        ),
        // Valid JSON refused as syntax: serde_json reads a list of allowed words (an enum)
        // only from text, and says `expected value` of a number or `true` there.
        Category::Syntax if serde_json::from_slice::<de::IgnoredAny>(body).is_ok() => {
            let field = if path == "." { "body" } else { path };
            ApiError::invalid(field, "expected text, one of the words allowed here")
        }
        Category::Syntax | Category::Io => ApiError::invalid(
            "body",
            format!("is not valid JSON: {message} ({})", place(&error)),
        ),
    }
}

/// A refusal in words: the JSON path of the field at fault below the document (empty for the
/// document itself) and what is wrong with it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl Refusal {
    /// The field at fault, `whole` naming the document itself.
    fn field_or(&self, whole: &str) -> String {
        if self.path.is_empty() {
            whole.to_owned()
        } else {
            self.path.clone()
        }
    }
}

/// The fields serde's derive gives `T` when it is a struct, noted by a deserializer that reads
/// nothing, so a body of the wrong shape is told the fields it takes.
fn fields<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    struct Note<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for Note<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(de::Error::custom("noted"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    let mut noted = None;
    // Refused by design: only the fields noted on the way matter.
    let _ = T::deserialize(Note(&mut noted));
    noted
}

/// `message` without serde_json's ` at line L column C`: the field's path says where.
pub(crate) fn without_position(message: &str) -> &str {
    let Some(at) = message.rfind(" at line ") else {
        return message;
    };
    let place = &message[at + " at line ".len()..];
    let numbers = place
        .split_once(" column ")
        .is_some_and(|(line, column)| all_digits(line) && all_digits(column));
    if numbers { &message[..at] } else { message }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// serde's `message` about the value at `path` (serde_path_to_error's: `.` for the document)
/// in words. Messages serde did not write (the range checks of the item types, the date
/// parser's) are already words and stay.
pub(crate) fn in_words(path: &str, message: &str) -> Refusal {
    let path = if path == "." { "" } else { path };
    let below = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    // serde quotes names in backticks: the first is the field or word at fault, the others
    // those allowed.
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let (at, words) = match (message, quoted.split_first()) {
        // serde_path_to_error's path already ends with the unknown key.
        (m, Some((_, allowed))) if m.starts_with("unknown field ") => (
            path.to_owned(),
            match allowed {
                [] => "unknown field; no fields are allowed here".to_owned(),
                _ => format!("unknown field; allowed: {}", allowed.join(", ")),
            },
        ),
        (m, Some((word, allowed))) if m.starts_with("unknown variant ") => (
            path.to_owned(),
            match allowed {
                [] => format!("'{word}' is not allowed"),
                _ => format!("'{word}' is not allowed; allowed: {}", allowed.join(", ")),
            },
        ),
        (m, Some((key, _))) if m.starts_with("missing field ") => {
            (below(key), "is required".to_owned())
        }
        (m, Some((key, _))) if m.starts_with("duplicate field ") => {
            (below(key), "is given twice; give it once".to_owned())
        }
        _ => (path.to_owned(), mismatch(message)),
    };
    Refusal {
        path: at,
        message: words,
    }
}

/// serde's `invalid type: ..., expected ...` and kin in words; other messages as they are.
fn mismatch(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    let expected = expectation(expected);
    if let Some(given) = head
        .strip_prefix("invalid type: ")
        .or_else(|| head.strip_prefix("invalid value: "))
    {
        format!("expected {expected}, not {}", value_words(given))
    } else if let Some(length) = head.strip_prefix("invalid length ") {
        format!("expected {expected}, not {length} items")
    } else {
        message.to_owned()
    }
}

/// What serde's visitors expect, as a script's author would say it.
fn expectation(expected: &str) -> String {
    if expected.starts_with("struct ") {
        return "an object".to_owned();
    }
    if expected.starts_with("enum ") {
        return "text, one of the words allowed here".to_owned();
    }
    if let Some(size) = expected
        .strip_prefix("a tuple of size ")
        .or_else(|| expected.strip_prefix("tuple of size "))
    {
        return format!("a list of {size} values");
    }
    match expected {
        "u8" => "a whole number from 0 to 255",
        "u16" => "a whole number from 0 to 65535",
        "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a string" | "a borrowed string" => "text",
        "a character" => "one character",
        "a sequence" => "a list",
        "a map" => "an object",
        "option" => "a value or null",
        "unit" => "null",
        "a date string" => "a date like 2026-12-06",
        "any valid JSON value" => "a JSON value",
        other => other,
    }
    .to_owned()
}

/// serde's description of the value sent (`integer `5``, `string "x"`, `map`) in words.
fn value_words(given: &str) -> String {
    let quoted = |prefix: &str| {
        given
            .strip_prefix(prefix)
            .map(|rest| rest.trim_matches('`').to_owned())
    };
    if let Some(text) = given.strip_prefix("string ") {
        return format!("the text {text}");
    }
    if let Some(number) = quoted("integer ").or_else(|| quoted("floating point ")) {
        return format!("the number {number}");
    }
    if let Some(truth) = quoted("boolean ") {
        return truth;
    }
    match given {
        "sequence" => "a list",
        "map" => "an object",
        "unit value" => "null",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct VisitLike {
        name: String,
        planned_date: Option<jiff::civil::Date>,
        grade: u8,
        count: Option<i64>,
        done: bool,
        unit: Option<Unit>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Unit {
        Mg,
        G,
    }

    #[track_caller]
    fn check(body: &str, field: &str, message: &str) {
        match parse::<VisitLike>(body.as_bytes()) {
            Err(ApiError::Invalid {
                field: named,
                message: said,
            }) => {
                assert_eq!((named.as_str(), said.as_str()), (field, message), "{body}");
            }
            other => panic!("{body}: expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn serde_refusals_are_said_in_words_naming_the_field() {
        let fields = "an object with fields name, planned_date, grade, count, done, unit";
        for (body, field, message) in [
            ("", "body", "is empty; send one JSON object"),
            (
                "{\"name\": ",
                "body",
                "ends before its JSON value is complete (line 1, column 9); send one JSON object",
            ),
            (
                "{name: 1}",
                "body",
                "is not valid JSON: key must be a string (line 1, column 2)",
            ),
            (
                "\"week 4\"",
                "body",
                &format!("expected {fields}, not the text \"week 4\""),
            ),
            (
                "[\"x\", null, 1, null, true]",
                "body",
                &format!("expected {fields}, not a list"),
            ),
            ("null", "body", &format!("expected {fields}, not null")),
            (
                "{\"name\": \"x\", \"grade\": 1, \"done\": true, \"count\": {\"n\": 1}}",
                "count",
                "expected a whole number, not an object",
            ),
            (
                "{\"nmae\": \"x\"}",
                "nmae",
                "unknown field; allowed: name, planned_date, grade, count, done, unit",
            ),
            ("{\"grade\": 1}", "name", "is required"),
            (
                "{\"name\": \"a\", \"name\": \"b\"}",
                "name",
                "is given twice; give it once",
            ),
            ("{\"name\": 4}", "name", "expected text, not the number 4"),
            (
                "{\"name\": \"x\", \"planned_date\": 20260101}",
                "planned_date",
                "expected a date like 2026-12-06, not the number 20260101",
            ),
            (
                "{\"name\": \"x\", \"grade\": 300}",
                "grade",
                "expected a whole number from 0 to 255, not the number 300",
            ),
            (
                "{\"name\": \"x\", \"grade\": -1.5}",
                "grade",
                "expected a whole number from 0 to 255, not the number -1.5",
            ),
            (
                "{\"name\": \"x\", \"count\": [1]}",
                "count",
                "expected a whole number, not a list",
            ),
            (
                "{\"name\": \"x\", \"done\": {}}",
                "done",
                "expected true or false, not an object",
            ),
            (
                "{\"name\": \"x\", \"unit\": \"furlong\"}",
                "unit",
                "'furlong' is not allowed; allowed: mg, g",
            ),
            (
                "{\"name\": \"x\", \"unit\": 5}",
                "unit",
                "expected text, one of the words allowed here",
            ),
            (
                "{\"name\": \"x\", \"grade\": 1, \"done\": true} {}",
                "body",
                "has more after the JSON value (line 1, column 41); send one JSON object",
            ),
            (
                "{\"name\": \"x\", \"grade\": 1, \"done\": true} xyz",
                "body",
                "has more after the JSON value (line 1, column 41); send one JSON object",
            ),
        ] {
            check(body, field, message);
        }
    }

    #[test]
    fn messages_serde_did_not_write_stay_as_they_are() {
        assert_eq!(
            in_words("areas.scalp.erythema", "expected one of 0, 1, 2, 3"),
            Refusal {
                path: "areas.scalp.erythema".into(),
                message: "expected one of 0, 1, 2, 3".into(),
            }
        );
        assert_eq!(
            without_position("invalid type: null, expected u8 at line 3 column 14"),
            "invalid type: null, expected u8"
        );
        assert_eq!(
            without_position("arrives at line five"),
            "arrives at line five"
        );
    }
}
