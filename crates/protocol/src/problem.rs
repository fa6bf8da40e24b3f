//! What is wrong with a protocol file, each problem at its TOML path: the loader and the
//! `[analysis]` compiler gather them alike.

use std::collections::BTreeSet;
use std::fmt;

/// One thing wrong with a protocol file, at a TOML path such as `treatment.taper.ladder[2]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The problems found so far; the loader reports them all at once.
#[derive(Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.list.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Reports ids seen twice within one list.
    pub(crate) fn unique<'a>(&mut self, path: &str, ids: impl IntoIterator<Item = &'a str>) {
        let mut seen = BTreeSet::new();
        for (index, id) in ids.into_iter().enumerate() {
            if id.is_empty() {
                self.add(format!("{path}[{index}].id"), "must not be empty");
            } else if !seen.insert(id) {
                self.add(
                    format!("{path}[{index}].id"),
                    format!("duplicate id '{id}'"),
                );
            }
        }
    }
}
