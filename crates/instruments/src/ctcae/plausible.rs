//! Plausible lab values and lower limits of normal (LLN), per test and unit.
//!
//! **A plausibility check, not a clinical range.** Its only purpose is to catch a number typed in
//! another unit than the one it is given in: the counts' units differ by a factor of 1,000
//! (`/mm3` and `10^9/L`), haemoglobin's by 10 (`g/dL` and `g/L`) or about 1.6 (`g/dL` and
//! `mmol/L`), and a number in the wrong unit is graded silently and wrongly (an LLN of 1.8
//! `/mm3` makes every neutrophil count grade 0; haemoglobin 75 `g/dL` is grade 0 or null).
//! Every bound is therefore far outside what a patient's result or a laboratory's reference
//! interval can be, yet inside the factor that separates the units:
//!
//! - A **value** is bounded by survival and by what analysers report: counts from 0 (an
//!   analyser reports a count below its resolution as 0, e.g. agranulocytosis) or from the
//!   analyser's reporting resolution (0.01 x 10^9/L for the white count and its parts, 1 x 10^9/L
//!   for platelets: a smaller count that is not 0 is a `10^9/L` number typed as `/mm3`), up to
//!   the highest counts reported in life (hyperleukocytosis in leukaemia, about 1,000 x 10^9/L;
//!   extreme thrombocytosis, about 5,000 x 10^9/L); haemoglobin from 1 g/dL (survival of
//!   extreme anaemia has been reported just above it) to 25 g/dL (above the highest
//!   polycythaemia values).
//! - An **LLN** is bounded by the reference intervals laboratories publish, with a wide margin:
//!   the lowest ones (children; populations with benign ethnic neutropenia, whose neutrophil LLN
//!   is about 1.0-1.2 x 10^9/L) and the highest (adult men at altitude).
//!
//! The units' relations are INSTRUMENTS.md §3.2's: 1/mm3 = 1/uL, 10^9/L = 1,000/mm3, Hb g/L =
//! g/dL x 10, Hb mmol/L = g/dL x 0.6206 (the haemoglobin monomer, 16.1 kDa). They are used only
//! to suggest the unit a refused number was likely typed in; grading never converts.

use std::fmt;

use super::{LabError, LabTest, LabUnit};

/// The plausible numbers of one field in one unit: `low..=high`, and 0 where `zero` says so.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// 0 is plausible too (a count below the analyser's resolution is reported as 0).
    pub zero: bool,
    pub low: f64,
    pub high: f64,
}

impl Span {
    /// `low..=high`.
    const fn between(low: f64, high: f64) -> Span {
        Span {
            zero: false,
            low,
            high,
        }
    }

    /// 0, or `low..=high`: a count.
    const fn count(low: f64, high: f64) -> Span {
        Span {
            zero: true,
            low,
            high,
        }
    }

    pub fn contains(self, number: f64) -> bool {
        (self.zero && number == 0.0) || (self.low..=self.high).contains(&number)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.zero {
            f.write_str("0 or ")?;
        }
        write!(f, "{}-{}", self.low, self.high)
    }
}

/// The plausible value and LLN of a test in a unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plausible {
    pub value: Span,
    pub lln: Span,
}

/// Which number of a lab result a refusal is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabField {
    Test,
    Unit,
    Value,
    Lln,
}

impl LabField {
    /// The field's name in JSON, forms and import mappings: `test`, `unit`, `value`, `lln`.
    pub fn name(self) -> &'static str {
        match self {
            LabField::Test => "test",
            LabField::Unit => "unit",
            LabField::Value => "value",
            LabField::Lln => "lln",
        }
    }
}

// The bounds, one table per test and unit (`/mm3` and `/uL` are the same quantity and share one).
// The counts' values run to the white count's ceiling for the white count and its parts
// (neutrophils and lymphocytes cannot outnumber it; chronic lymphocytic leukaemia can bring the
// lymphocytes close to it).

/// White blood cells, 10^9/L. Value: 0, or 0.01 (analysers' resolution) to 1,000
/// (hyperleukocytosis in leukaemia, about the highest counts reported). LLN: 1 to 10 (published
/// LLNs are 3.0-4.5, about 2.5 with benign ethnic neutropenia).
const LEUKOCYTES_SI: Plausible = Plausible {
    value: Span::count(0.01, 1000.0),
    lln: Span::between(1.0, 10.0),
};
/// White blood cells, /mm3: [`LEUKOCYTES_SI`] x 1,000.
const LEUKOCYTES_MM3: Plausible = Plausible {
    value: Span::count(10.0, 1_000_000.0),
    lln: Span::between(1000.0, 10_000.0),
};
/// Neutrophils, 10^9/L. Value: 0, or 0.01 (analysers' resolution) to 1,000 (the white count's
/// ceiling). LLN: 0.5 to 5 (published LLNs are 1.5-2.0, about 1.0-1.2 with benign ethnic
/// neutropenia).
const NEUTROPHILS_SI: Plausible = Plausible {
    value: Span::count(0.01, 1000.0),
    lln: Span::between(0.5, 5.0),
};
/// Neutrophils, /mm3: [`NEUTROPHILS_SI`] x 1,000.
const NEUTROPHILS_MM3: Plausible = Plausible {
    value: Span::count(10.0, 1_000_000.0),
    lln: Span::between(500.0, 5000.0),
};
/// Lymphocytes, 10^9/L. Value: 0, or 0.01 (analysers' resolution) to 1,000 (the white count's
/// ceiling). LLN: 0.2 to 3 (published LLNs are 0.8-1.5).
const LYMPHOCYTES_SI: Plausible = Plausible {
    value: Span::count(0.01, 1000.0),
    lln: Span::between(0.2, 3.0),
};
/// Lymphocytes, /mm3: [`LYMPHOCYTES_SI`] x 1,000.
const LYMPHOCYTES_MM3: Plausible = Plausible {
    value: Span::count(10.0, 1_000_000.0),
    lln: Span::between(200.0, 3000.0),
};
/// Platelets, 10^9/L. Value: 0, or 1 (analysers' resolution) to 5,000 (extreme thrombocytosis,
/// about the highest counts reported). LLN: 50 to 300 (published LLNs are 125-165).
const PLATELETS_SI: Plausible = Plausible {
    value: Span::count(1.0, 5000.0),
    lln: Span::between(50.0, 300.0),
};
/// Platelets, /mm3: [`PLATELETS_SI`] x 1,000.
const PLATELETS_MM3: Plausible = Plausible {
    value: Span::count(1000.0, 5_000_000.0),
    lln: Span::between(50_000.0, 300_000.0),
};
/// Haemoglobin, g/dL. Value: 1 (survival of extreme anaemia has been reported just above it) to
/// 25 (above the highest values of polycythaemia). LLN: 8 to 18 (published LLNs are 9.5 in
/// infants to 13.5-15 in adult men at altitude).
const HEMOGLOBIN_G_DL: Plausible = Plausible {
    value: Span::between(1.0, 25.0),
    lln: Span::between(8.0, 18.0),
};
/// Haemoglobin, g/L: [`HEMOGLOBIN_G_DL`] x 10.
const HEMOGLOBIN_G_L: Plausible = Plausible {
    value: Span::between(10.0, 250.0),
    lln: Span::between(80.0, 180.0),
};
/// Haemoglobin, mmol/L: [`HEMOGLOBIN_G_DL`] x 0.6206, rounded outwards to one decimal.
const HEMOGLOBIN_MMOL_L: Plausible = Plausible {
    value: Span::between(0.6, 15.6),
    lln: Span::between(4.9, 11.2),
};

impl LabTest {
    /// The plausible value and LLN of this test in `unit` (see the module's documentation: a
    /// check of the unit, not a clinical range); a unit that does not fit the test is refused.
    pub fn plausible(self, unit: LabUnit) -> Result<Plausible, LabError> {
        use LabUnit::{E9PerL, GPerDl, GPerL, MmolPerL, PerMm3, PerUl};
        Ok(match (self, unit) {
            (LabTest::Leukocytes, PerMm3 | PerUl) => LEUKOCYTES_MM3,
            (LabTest::Leukocytes, E9PerL) => LEUKOCYTES_SI,
            (LabTest::Neutrophils, PerMm3 | PerUl) => NEUTROPHILS_MM3,
            (LabTest::Neutrophils, E9PerL) => NEUTROPHILS_SI,
            (LabTest::Lymphocytes, PerMm3 | PerUl) => LYMPHOCYTES_MM3,
            (LabTest::Lymphocytes, E9PerL) => LYMPHOCYTES_SI,
            (LabTest::Platelets, PerMm3 | PerUl) => PLATELETS_MM3,
            (LabTest::Platelets, E9PerL) => PLATELETS_SI,
            (LabTest::Hemoglobin, GPerDl) => HEMOGLOBIN_G_DL,
            (LabTest::Hemoglobin, GPerL) => HEMOGLOBIN_G_L,
            (LabTest::Hemoglobin, MmolPerL) => HEMOGLOBIN_MMOL_L,
            _ => return Err(LabError::UnitDoesNotFit { test: self, unit }),
        })
    }
}

impl LabUnit {
    /// How many of this unit make one of the quantity's reference unit (`/mm3` for counts, `g/dL`
    /// for haemoglobin): INSTRUMENTS.md §3.2.
    fn per_reference(self) -> f64 {
        match self {
            LabUnit::PerMm3 | LabUnit::PerUl | LabUnit::GPerDl => 1.0,
            LabUnit::E9PerL => 0.001,
            LabUnit::GPerL => 10.0,
            LabUnit::MmolPerL => 0.6206,
        }
    }
}

/// A number refused as implausible for its test, field and unit, with the unit it was likely
/// typed in.
#[derive(Clone, Debug, PartialEq)]
pub struct Implausible {
    pub test: LabTest,
    pub field: LabField,
    pub number: f64,
    pub unit: LabUnit,
    pub allowed: Span,
    /// Another unit of the test in which the same number is plausible, and the number it
    /// stands for in `unit`.
    pub meant: Option<(LabUnit, f64)>,
}

impl fmt::Display for Implausible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Implausible {
            test,
            number,
            unit,
            allowed,
            ..
        } = self;
        match self.field {
            LabField::Lln => write!(
                f,
                "{number} {unit} is not a plausible lower limit of normal for {test}"
            )?,
            _ => write!(f, "{test} {number} {unit} is not plausible")?,
        }
        write!(f, " (allowed {allowed} {unit})")?;
        if let Some((meant, converted)) = self.meant {
            write!(
                f,
                "; did you mean {number} {meant} (= {} {unit})?",
                significant(converted)
            )?;
        }
        Ok(())
    }
}

/// `number` to 4 significant digits, without trailing zeros (1800, 7.5, 19.34).
fn significant(number: f64) -> String {
    if number == 0.0 || !number.is_finite() {
        return number.to_string();
    }
    let decimals = (3 - number.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{number:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Refuses `number` as `field` of `test` in `unit` when it is outside the plausible span (a
/// finite, non-negative number: the caller checks that first).
pub(super) fn check(
    test: LabTest,
    unit: LabUnit,
    field: LabField,
    number: f64,
) -> Result<(), LabError> {
    let span = |plausible: Plausible| match field {
        LabField::Lln => plausible.lln,
        _ => plausible.value,
    };
    let allowed = span(test.plausible(unit)?);
    if allowed.contains(number) {
        return Ok(());
    }
    let meant = test
        .units()
        .iter()
        .filter(|other| other.per_reference() != unit.per_reference())
        .find(|other| {
            test.plausible(**other)
                .is_ok_and(|plausible| span(plausible).contains(number))
        })
        .map(|other| {
            let converted = number / other.per_reference() * unit.per_reference();
            (*other, converted)
        });
    Err(LabError::Implausible(Implausible {
        test,
        field,
        number,
        unit,
        allowed,
        meant,
    }))
}
