//! NCI Common Terminology Criteria for Adverse Events (CTCAE) v5.0, 27 Nov 2017.
//!
//! - Lab grading of the five haematology terms the trial monitors ([`grade_lab`]), following the
//!   executable ladders of pharmaverse/admiral `ncictcaev5*.json` [S10], which match the CTCAE
//!   v5.0 document [S24] (INSTRUMENTS.md §3.2).
//! - The whole term catalogue ([`CtcaeTerm`]: 837 terms with MedDRA codes, system organ classes,
//!   grade texts and definitions) from NCI's "CTCAE v5.0 Clean Copy",
//!   `CTCAE_v5.0_2017-11-27.xlsx`, converted in `shared/data/ctcae-v5.0.csv` [S24]. The trial's
//!   non-lab terms (INSTRUMENTS.md §3.3) are among them, with NCI's own grade texts (open item
//!   §7.3, closed). The two parts of them that are computable: [`weight_loss_grade`] and
//!   [`diarrhea_grade`].
//!
//! - Plausibility of a lab value and LLN per test and unit ([`LabTest::plausible`]): a number
//!   typed in another unit than the one given is refused by [`grade_lab`], naming the unit it
//!   was likely typed in (a check of the unit, not a clinical range).
//!
//! Terms and lab tests are typed text matched through [`crate::vocabulary`]: the id or the
//! printed text, in any case and spacing; anything else is refused naming the nearest.
//!
//! Pinned to v5.0: v6.0 (2025) rewords several terms [INSTRUMENTS.md §3.1].

mod plausible;
mod terms;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use plausible::{Implausible, LabField, Plausible, Span};
pub use terms::CtcaeTerm;

use crate::vocabulary::{self, Unknown};

/// A CTCAE grade. Grade 0 means "no adverse event by this term".
/// Serialized as its number (0 to 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CtcaeGrade {
    G0,
    G1,
    G2,
    G3,
    G4,
    G5,
}

impl CtcaeGrade {
    pub const ALL: [CtcaeGrade; 6] = [
        CtcaeGrade::G0,
        CtcaeGrade::G1,
        CtcaeGrade::G2,
        CtcaeGrade::G3,
        CtcaeGrade::G4,
        CtcaeGrade::G5,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(number: u8) -> Option<CtcaeGrade> {
        CtcaeGrade::ALL.get(usize::from(number)).copied()
    }
}

impl fmt::Display for CtcaeGrade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "grade {}", self.number())
    }
}

impl Serialize for CtcaeGrade {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

impl schemars::JsonSchema for CtcaeGrade {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CtcaeGrade".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A CTCAE grade, 0 (no adverse event by this term) to 5.",
            "type": "integer",
            "minimum": 0,
            "maximum": 5,
        })
    }
}

impl<'de> Deserialize<'de> for CtcaeGrade {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = u8::deserialize(deserializer)?;
        CtcaeGrade::from_number(number).ok_or_else(|| {
            serde::de::Error::custom(format!("CTCAE grade must be 0 to 5, got {number}"))
        })
    }
}

/// The haematology lab tests graded here, with their CTCAE v5.0 terms.
/// Serialized as its id; parsed from the id in any case and spacing ([`crate::vocabulary`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabTest {
    Neutrophils,
    Leukocytes,
    Platelets,
    Lymphocytes,
    Hemoglobin,
}

impl LabTest {
    pub const ALL: [LabTest; 5] = [
        LabTest::Neutrophils,
        LabTest::Leukocytes,
        LabTest::Platelets,
        LabTest::Lymphocytes,
        LabTest::Hemoglobin,
    ];

    /// The id used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            LabTest::Neutrophils => "neutrophils",
            LabTest::Leukocytes => "leukocytes",
            LabTest::Platelets => "platelets",
            LabTest::Lymphocytes => "lymphocytes",
            LabTest::Hemoglobin => "hemoglobin",
        }
    }

    /// The CTCAE v5.0 term graded from this test [S10, S24].
    pub fn term(self) -> &'static str {
        match self {
            LabTest::Neutrophils => "Neutrophil count decreased",
            LabTest::Leukocytes => "White blood cell decreased",
            LabTest::Platelets => "Platelet count decreased",
            LabTest::Lymphocytes => "Lymphocyte count decreased",
            LabTest::Hemoglobin => "Anemia",
        }
    }

    /// The units this test can be reported in.
    pub fn units(self) -> &'static [LabUnit] {
        match self {
            LabTest::Hemoglobin => &[LabUnit::GPerDl, LabUnit::GPerL, LabUnit::MmolPerL],
            _ => &[LabUnit::PerMm3, LabUnit::PerUl, LabUnit::E9PerL],
        }
    }

    /// The cut-offs in `unit`, highest grade first: a value below a cut-off has that grade.
    /// Each unit has its own published numbers [S10, S24]; none is converted from another, so
    /// a value compares against exactly the figure printed in the table. In particular the
    /// mmol/L anaemia cut-offs 6.2 and 4.9 are the table's, not 10.0 and 8.0 g/dL converted.
    fn cut_offs(self, unit: LabUnit) -> Result<&'static [(CtcaeGrade, f64)], LabError> {
        use CtcaeGrade::{G2, G3, G4};
        use LabUnit::{E9PerL, GPerDl, GPerL, MmolPerL, PerMm3, PerUl};
        Ok(match (self, unit) {
            (LabTest::Neutrophils, PerMm3 | PerUl) => &[(G4, 500.0), (G3, 1000.0), (G2, 1500.0)],
            (LabTest::Neutrophils, E9PerL) => &[(G4, 0.5), (G3, 1.0), (G2, 1.5)],
            (LabTest::Leukocytes, PerMm3 | PerUl) => &[(G4, 1000.0), (G3, 2000.0), (G2, 3000.0)],
            (LabTest::Leukocytes, E9PerL) => &[(G4, 1.0), (G3, 2.0), (G2, 3.0)],
            (LabTest::Platelets, PerMm3 | PerUl) => {
                &[(G4, 25_000.0), (G3, 50_000.0), (G2, 75_000.0)]
            }
            (LabTest::Platelets, E9PerL) => &[(G4, 25.0), (G3, 50.0), (G2, 75.0)],
            (LabTest::Lymphocytes, PerMm3 | PerUl) => &[(G4, 200.0), (G3, 500.0), (G2, 800.0)],
            (LabTest::Lymphocytes, E9PerL) => &[(G4, 0.2), (G3, 0.5), (G2, 0.8)],
            // Anaemia by lab value stops at grade 3: grades 4 and 5 need clinical facts [S24].
            (LabTest::Hemoglobin, GPerDl) => &[(G3, 8.0), (G2, 10.0)],
            (LabTest::Hemoglobin, GPerL) => &[(G3, 80.0), (G2, 100.0)],
            (LabTest::Hemoglobin, MmolPerL) => &[(G3, 4.9), (G2, 6.2)],
            _ => return Err(LabError::UnitDoesNotFit { test: self, unit }),
        })
    }
}

impl fmt::Display for LabTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for LabTest {
    type Err = LabError;

    /// The test whose id is `text` in any case and spacing ("Neutrophils ", "NEUTROPHILS");
    /// otherwise [`LabError::UnknownTest`] naming the nearest ids.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let tests = LabTest::ALL.map(|test| (test.id(), test));
        vocabulary::find("lab test", text, tests).map_err(LabError::UnknownTest)
    }
}

impl Serialize for LabTest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl schemars::JsonSchema for LabTest {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LabTest".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A haematology test CTCAE v5.0 grades, by its id.",
            "type": "string",
            "enum": LabTest::ALL.map(LabTest::id),
        })
    }
}

impl<'de> Deserialize<'de> for LabTest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A lab unit. `/mm3` and `/uL` are the same quantity; `10^9/L` is a thousand of them.
/// Serialized as its symbol; parsed from the symbol apart from case and surrounding
/// whitespace. A unit is a symbol, not a vocabulary entry: its punctuation is kept, so `mm3`
/// is not `/mm3`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabUnit {
    PerMm3,
    PerUl,
    E9PerL,
    GPerDl,
    GPerL,
    MmolPerL,
}

impl LabUnit {
    pub const ALL: [LabUnit; 6] = [
        LabUnit::PerMm3,
        LabUnit::PerUl,
        LabUnit::E9PerL,
        LabUnit::GPerDl,
        LabUnit::GPerL,
        LabUnit::MmolPerL,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            LabUnit::PerMm3 => "/mm3",
            LabUnit::PerUl => "/uL",
            LabUnit::E9PerL => "10^9/L",
            LabUnit::GPerDl => "g/dL",
            LabUnit::GPerL => "g/L",
            LabUnit::MmolPerL => "mmol/L",
        }
    }
}

impl fmt::Display for LabUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl FromStr for LabUnit {
    type Err = LabError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let symbol = text.trim();
        LabUnit::ALL
            .into_iter()
            .find(|unit| unit.symbol().eq_ignore_ascii_case(symbol))
            .ok_or_else(|| LabError::UnknownUnit(text.to_owned()))
    }
}

impl Serialize for LabUnit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.symbol())
    }
}

impl schemars::JsonSchema for LabUnit {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LabUnit".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A lab unit, by its symbol.",
            "type": "string",
            "enum": LabUnit::ALL.map(LabUnit::symbol),
        })
    }
}

impl<'de> Deserialize<'de> for LabUnit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Why a lab value (or another CTCAE measurement) cannot be graded.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LabError {
    /// "unknown lab test 'neutrofils'; nearest: neutrophils, ...".
    #[error(transparent)]
    UnknownTest(Unknown),
    #[error("unknown unit '{0}'; allowed: /mm3, /uL, 10^9/L, g/dL, g/L, mmol/L")]
    UnknownUnit(String),
    #[error("unit '{unit}' does not fit {test}; allowed: {}", units_text(.test.units()))]
    UnitDoesNotFit { test: LabTest, unit: LabUnit },
    #[error("{what} must be a finite number of at least {minimum}, got {value}")]
    OutOfRange {
        what: &'static str,
        minimum: f64,
        value: f64,
    },
    /// A value or LLN outside what its test can plausibly be in its unit ([`LabTest::plausible`]):
    /// "hemoglobin 75 g/dL is not plausible (allowed 1-25 g/dL); did you mean 75 g/L (= 7.5
    /// g/dL)?".
    #[error("{0}")]
    Implausible(Implausible),
}

impl LabError {
    /// The field of a lab result the error is about, for a caller to point at it.
    pub fn field(&self) -> LabField {
        match self {
            LabError::UnknownTest(_) => LabField::Test,
            LabError::UnknownUnit(_) | LabError::UnitDoesNotFit { .. } => LabField::Unit,
            LabError::OutOfRange { what: LLN, .. } => LabField::Lln,
            LabError::OutOfRange { .. } => LabField::Value,
            LabError::Implausible(implausible) => implausible.field,
        }
    }
}

/// What [`LabError::OutOfRange`] calls the lower limit of normal.
const LLN: &str = "LLN";

fn units_text(units: &[LabUnit]) -> String {
    units
        .iter()
        .map(|unit| unit.symbol())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks that a measurement is finite and at least `minimum`.
fn measurement(what: &'static str, value: f64, minimum: f64) -> Result<f64, LabError> {
    if value.is_finite() && value >= minimum {
        Ok(value)
    } else {
        Err(LabError::OutOfRange {
            what,
            minimum,
            value,
        })
    }
}

/// Grades a lab value by CTCAE v5.0 (INSTRUMENTS.md §3.2; admiral's ladder [S10]).
///
/// The ladder is checked from the highest grade down; the first cut-off the value is below
/// gives the grade; otherwise the value is grade 1 if below the lower limit of normal (LLN)
/// and grade 0 if not. Consequences, kept on purpose because admiral does the same [S10]:
/// - an LLN at or above the grade 1 upper bound (e.g. ANC LLN 1800, value 1600) still gives
///   grade 1;
/// - an LLN below the grade 1/2 cut (e.g. ANC LLN 1400, value 1450) gives grade 2, because
///   "< 1500" fires first;
/// - without an LLN a value that could be grade 0 or 1 is undecidable (`Ok(None)`); a value
///   below the grade 2 cut is graded without it;
/// - anaemia by lab value caps at grade 3 ("transfusion indicated" and grades 4 and 5 are
///   clinical).
///
/// Comparison policy: the value and the LLN are compared as given, in the unit given, with the
/// cut-offs published for that unit, using strict `<` ("<A - B" reads "below A and at least
/// B"). Nothing is converted or rounded, so a value typed as `1.5` 10^9/L meets the cut-off
/// `1.5` exactly; round to the laboratory's reported precision before calling
/// (admiral rounds to 15 significant digits, which changes no reported value).
///
/// Errors: a unit that does not fit the test; a value or LLN that is negative or not finite, or
/// not plausible for the test in the unit ([`LabTest::plausible`], which names the unit the number
/// was likely typed in).
pub fn grade_lab(
    test: LabTest,
    value: f64,
    unit: LabUnit,
    lln: Option<f64>,
) -> Result<Option<CtcaeGrade>, LabError> {
    let cut_offs = test.cut_offs(unit)?;
    let value = measurement("value", value, 0.0)?;
    let lln = lln.map(|lln| measurement(LLN, lln, 0.0)).transpose()?;
    plausible::check(test, unit, LabField::Value, value)?;
    if let Some(lln) = lln {
        plausible::check(test, unit, LabField::Lln, lln)?;
    }
    if let Some(&(grade, _)) = cut_offs.iter().find(|&&(_, cut)| value < cut) {
        return Ok(Some(grade));
    }
    Ok(lln.map(|lln| {
        if value < lln {
            CtcaeGrade::G1
        } else {
            CtcaeGrade::G0
        }
    }))
}

/// The grade that weight loss alone gives (INSTRUMENTS.md §3.3): loss from baseline below 5% is
/// grade 0, 5 to <10% grade 1, 10 to <20% grade 2, 20% or more grade 3. The intervention
/// qualifiers (nutritional support, tube feeding) are clinical facts that can raise it.
/// A weight gain is grade 0.
///
/// The loss is computed as `(baseline - current) * 100 / baseline`, so a loss that is exactly
/// 5%, 10% or 20% of the baseline reaches that band.
pub fn weight_loss_grade(baseline_kg: f64, current_kg: f64) -> Result<CtcaeGrade, LabError> {
    let baseline = measurement("baseline weight (kg)", baseline_kg, f64::MIN_POSITIVE)?;
    let current = measurement("current weight (kg)", current_kg, 0.0)?;
    let percent_lost = (baseline - current) * 100.0 / baseline;
    Ok(match percent_lost {
        p if p >= 20.0 => CtcaeGrade::G3,
        p if p >= 10.0 => CtcaeGrade::G2,
        p if p >= 5.0 => CtcaeGrade::G1,
        _ => CtcaeGrade::G0,
    })
}

/// The grade that the increase in stools per day over baseline alone gives (INSTRUMENTS.md
/// §3.3, [S26]): no increase is grade 0, 1 to 3 grade 1, 4 to 6 grade 2, 7 or more grade 3.
/// Hospitalization, ADL limits and ostomy output are clinical facts that can raise it ("or").
pub fn diarrhea_grade(baseline_stools_per_day: u32, stools_per_day: u32) -> CtcaeGrade {
    match stools_per_day.saturating_sub(baseline_stools_per_day) {
        0 => CtcaeGrade::G0,
        1..=3 => CtcaeGrade::G1,
        4..=6 => CtcaeGrade::G2,
        _ => CtcaeGrade::G3,
    }
}
