//! The CTCAE v5.0 term catalogue: all 837 terms with their MedDRA codes, system organ classes,
//! grade texts and definitions, from NCI's "CTCAE v5.0 Clean Copy"
//! (`CTCAE_v5.0_2017-11-27.xlsx`, converted unchanged in `shared/data/ctcae-v5.0.csv` and
//! copied to `crates/instruments/data/`). This closes INSTRUMENTS.md §7 open item 3: the grade
//! texts of the trial's non-lab terms (§3.3) are no longer hand-copied from reproductions
//! [S25, S26] but read from NCI's spreadsheet [S24].
//!
//! The file is embedded in the binary and parsed once, on first use; the tests parse every row.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::CtcaeGrade;
use crate::vocabulary::{self, Unknown};

/// NCI's spreadsheet as CSV: `meddra_code, meddra_soc, ctcae_term, grade_1 .. grade_5,
/// definition, navigational_note, v5_change`, one row per term, `-` where a grade (or the
/// definition) does not exist.
const CSV: &str = include_str!("../../data/ctcae-v5.0.csv");

/// The vocabulary's name in messages.
const VOCABULARY: &str = "CTCAE v5.0 term";

/// What CTCAE prints where a grade or a definition does not exist.
const ABSENT: &str = "-";

/// One CTCAE v5.0 term: an index into the catalogue, in the spreadsheet's order (by system
/// organ class, then alphabetical).
///
/// Found by [`CtcaeTerm::lookup`] from its id, its printed term or its MedDRA code, in any case
/// and spacing. Serialized as its id; deserialized through [`CtcaeTerm::lookup`], so JSON input
/// accepts any spelling and a bad one fails naming the nearest terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CtcaeTerm(u16);

/// One row of the spreadsheet, as read.
#[derive(Deserialize)]
struct Row {
    meddra_code: u32,
    meddra_soc: String,
    ctcae_term: String,
    grade_1: String,
    grade_2: String,
    grade_3: String,
    grade_4: String,
    grade_5: String,
    definition: String,
}

/// One term, as kept.
struct TermData {
    meddra_code: u32,
    soc: String,
    term: String,
    id: String,
    /// Grades 1 to 5; `None` where CTCAE prints "-".
    grades: [Option<String>; 5],
    definition: String,
}

struct Catalogue {
    entries: Vec<TermData>,
    /// `entries.len()`, which every index fits in.
    count: u16,
    /// Normalised term (the same as the normalised id) and MedDRA code -> term.
    by_name: HashMap<String, CtcaeTerm>,
}

fn present(text: String) -> Option<String> {
    (text != ABSENT).then_some(text)
}

impl TermData {
    fn of(row: Row) -> TermData {
        TermData {
            meddra_code: row.meddra_code,
            soc: row.meddra_soc,
            id: vocabulary::id_of(&row.ctcae_term),
            term: row.ctcae_term,
            grades: [
                row.grade_1,
                row.grade_2,
                row.grade_3,
                row.grade_4,
                row.grade_5,
            ]
            .map(present),
            definition: present(row.definition).unwrap_or_default(),
        }
    }
}

impl Catalogue {
    /// Parses the embedded spreadsheet. It is data fixed at compile time and every row is read
    /// by the tests, so a row that does not parse, or two terms that would be found by the same
    /// text, stop the program here rather than give a wrong term later.
    fn parse(csv: &str) -> Catalogue {
        let entries: Vec<TermData> = csv::Reader::from_reader(csv.as_bytes())
            .deserialize()
            .map(|row| TermData::of(row.expect("data/ctcae-v5.0.csv: every row parses")))
            .collect();
        let count = u16::try_from(entries.len()).expect("fewer than 65,536 CTCAE terms");
        let mut by_name = HashMap::with_capacity(2 * entries.len());
        for (index, entry) in (0..count).zip(&entries) {
            let term = CtcaeTerm(index);
            for name in [
                vocabulary::normalise(&entry.term),
                entry.meddra_code.to_string(),
            ] {
                let earlier = by_name.insert(name, term);
                assert!(
                    earlier.is_none(),
                    "data/ctcae-v5.0.csv: two terms are found by the text of '{}'",
                    entry.term
                );
            }
        }
        Catalogue {
            entries,
            count,
            by_name,
        }
    }
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::parse(CSV))
}

impl CtcaeTerm {
    /// Every term, in the spreadsheet's order (837).
    pub fn all() -> impl Iterator<Item = CtcaeTerm> {
        (0..catalogue().count).map(CtcaeTerm)
    }

    /// The term found by `text`: its id (`peripheral_sensory_neuropathy`), its printed term
    /// ("Peripheral sensory neuropathy") or its MedDRA code ("10034620"), in any case and
    /// spacing ([`vocabulary::normalise`]). Anything else is [`Unknown`], naming the three
    /// nearest printed terms.
    pub fn lookup(text: &str) -> Result<CtcaeTerm, Unknown> {
        catalogue()
            .by_name
            .get(&vocabulary::normalise(text))
            .copied()
            .ok_or_else(|| Unknown::among(VOCABULARY, text, CtcaeTerm::all().map(CtcaeTerm::term)))
    }

    fn entry(self) -> &'static TermData {
        &catalogue().entries[usize::from(self.0)]
    }

    /// The canonical id: [`vocabulary::id_of`] the printed term (`peripheral_sensory_neuropathy`).
    pub fn id(self) -> &'static str {
        &self.entry().id
    }

    /// The term as CTCAE prints it ("Peripheral sensory neuropathy"); SDTM `AEDECOD`.
    pub fn term(self) -> &'static str {
        &self.entry().term
    }

    /// The term's MedDRA lowest level term code (CTCAE v5.0 is built on MedDRA 20.1).
    pub fn meddra_code(self) -> u32 {
        self.entry().meddra_code
    }

    /// The MedDRA system organ class ("Nervous system disorders"); SDTM `AEBODSYS`.
    pub fn soc(self) -> &'static str {
        &self.entry().soc
    }

    /// CTCAE's definition of the term; empty where CTCAE prints "-" (the "Other, specify"
    /// terms).
    pub fn definition(self) -> &'static str {
        &self.entry().definition
    }

    /// The text of `grade` for this term; `None` for grade 0 and for grades CTCAE does not
    /// offer ("-"). A semicolon in a grade text means "or" (INSTRUMENTS.md §3.1).
    pub fn grade_text(self, grade: CtcaeGrade) -> Option<&'static str> {
        let index = usize::from(grade.number()).checked_sub(1)?;
        self.entry().grades[index].as_deref()
    }

    /// Whether CTCAE offers `grade` for this term. The grades offered need not be contiguous:
    /// Eosinophilia offers grades 1 and 3 only, Vaginal stricture every grade but 4.
    pub fn offers(self, grade: CtcaeGrade) -> bool {
        self.grade_text(grade).is_some()
    }

    /// The highest grade CTCAE offers for this term (every term offers at least one).
    pub fn max_grade(self) -> CtcaeGrade {
        CtcaeGrade::ALL
            .into_iter()
            .rev()
            .find(|&grade| self.offers(grade))
            .unwrap_or(CtcaeGrade::G0)
    }

    /// Whether this is one of the "`<system organ class>` - Other, specify" terms, which need
    /// the investigator's verbatim description of the event.
    pub fn is_other_specify(self) -> bool {
        self.term().ends_with(" - Other, specify")
    }
}

impl fmt::Display for CtcaeTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.term())
    }
}

impl FromStr for CtcaeTerm {
    type Err = Unknown;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        CtcaeTerm::lookup(text)
    }
}

impl Serialize for CtcaeTerm {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl schemars::JsonSchema for CtcaeTerm {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CtcaeTerm".into()
    }

    // A string, not an enum of the hundreds of term ids: the schema would be mostly the list.
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A CTCAE v5.0 term, by its id: the printed term in snake case (\"peripheral_sensory_neuropathy\").",
            "type": "string",
        })
    }
}

impl<'de> Deserialize<'de> for CtcaeTerm {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CtcaeTerm::lookup(&text).map_err(serde::de::Error::custom)
    }
}
