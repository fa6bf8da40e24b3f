//! Medication as prescribed: the drug (coded), the amount per administration with its unit, and
//! how often it is taken (a CDISC frequency term). Study drugs and concomitant medications use the
//! same vocabularies, so "prednisone 10 mg once daily" reads the same on every channel.
//!
//! Sources (`docs/INSTRUMENTS.md` and the seeds):
//! - Frequencies are CDISC Controlled Terminology codelist FREQ (C71113): the submission value
//!   (SDTM `EXDOSFRQ`, `CMDOSFRQ`) with its NCI concept code. Administrations per week follow the
//!   term's definition (QOD: every other day, 3.5 a week).
//! - Units are CDISC UNIT submission values (`mg`, `g`, `ug`).
//! - Drugs are those the three studies name (lenalidomide, thalidomide; prednisone, antimalarials,
//!   immunosuppressants, topical steroids in the eligibility criteria and the paediatric review),
//!   with their WHO ATC code where the drug has one.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::vocabulary::{self, Unknown};

/// Why a medication field was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MedicationError {
    /// "unknown drug 'predisone'; nearest: prednisone, ...".
    #[error(transparent)]
    Unknown(#[from] Unknown),
    /// An amount that is not a positive decimal exact to the microgram.
    #[error(
        "'{0}' is not an amount: a number more than 0, e.g. 5 or 2.5, to at most 3 decimals of a mg"
    )]
    Amount(String),
}

/// How often a drug is taken: a term of CDISC codelist FREQ (C71113).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Frequency {
    OnceDaily,
    TwiceDaily,
    ThreeTimesDaily,
    FourTimesDaily,
    AlternateDays,
    OnceWeekly,
    TwiceWeekly,
    ThreeTimesWeekly,
    FourTimesWeekly,
    FiveTimesWeekly,
    SixTimesWeekly,
    InTheMorning,
    InTheEvening,
    AtBedtime,
    AsNeeded,
}

impl Frequency {
    pub const ALL: [Frequency; 15] = [
        Frequency::OnceDaily,
        Frequency::TwiceDaily,
        Frequency::ThreeTimesDaily,
        Frequency::FourTimesDaily,
        Frequency::AlternateDays,
        Frequency::OnceWeekly,
        Frequency::TwiceWeekly,
        Frequency::ThreeTimesWeekly,
        Frequency::FourTimesWeekly,
        Frequency::FiveTimesWeekly,
        Frequency::SixTimesWeekly,
        Frequency::InTheMorning,
        Frequency::InTheEvening,
        Frequency::AtBedtime,
        Frequency::AsNeeded,
    ];

    /// The CDISC submission value (SDTM `--DOSFRQ`), e.g. `QD`, `QOD`, `3 TIMES PER WEEK`.
    pub fn code(self) -> &'static str {
        self.facts().0
    }

    /// The NCI concept code of the term in codelist C71113, e.g. `C25473` for QD.
    pub fn nci_code(self) -> &'static str {
        self.facts().1
    }

    /// As a clinician says it: "once daily", "on alternate days", "three times weekly".
    pub fn words(self) -> &'static str {
        self.facts().2
    }

    /// Administrations in a week, by the term's definition; `None` for as needed, which has no
    /// fixed count.
    pub fn per_week(self) -> Option<f64> {
        self.facts().3
    }

    fn facts(self) -> (&'static str, &'static str, &'static str, Option<f64>) {
        match self {
            Frequency::OnceDaily => ("QD", "C25473", "once daily", Some(7.0)),
            Frequency::TwiceDaily => ("BID", "C64496", "twice daily", Some(14.0)),
            Frequency::ThreeTimesDaily => ("TID", "C64527", "three times daily", Some(21.0)),
            Frequency::FourTimesDaily => ("QID", "C64530", "four times daily", Some(28.0)),
            Frequency::AlternateDays => ("QOD", "C64525", "on alternate days", Some(3.5)),
            Frequency::OnceWeekly => ("EVERY WEEK", "C67069", "once weekly", Some(1.0)),
            Frequency::TwiceWeekly => ("2 TIMES PER WEEK", "C64497", "twice weekly", Some(2.0)),
            Frequency::ThreeTimesWeekly => (
                "3 TIMES PER WEEK",
                "C64528",
                "three times weekly",
                Some(3.0),
            ),
            Frequency::FourTimesWeekly => {
                ("4 TIMES PER WEEK", "C64531", "four times weekly", Some(4.0))
            }
            Frequency::FiveTimesWeekly => {
                ("5 TIMES PER WEEK", "C85552", "five times weekly", Some(5.0))
            }
            Frequency::SixTimesWeekly => {
                ("6 TIMES PER WEEK", "C98857", "six times weekly", Some(6.0))
            }
            Frequency::InTheMorning => ("QAM", "C64595", "every morning", Some(7.0)),
            Frequency::InTheEvening => ("QPM", "C64596", "every evening", Some(7.0)),
            Frequency::AtBedtime => ("QHS", "C64593", "at bedtime", Some(7.0)),
            Frequency::AsNeeded => ("PRN", "C64499", "as needed", None),
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// The CDISC submission value or the words, in any case and spacing ("qod", "three times
/// weekly", "3 times per week"); anything else is refused naming the nearest terms.
impl FromStr for Frequency {
    type Err = MedicationError;

    fn from_str(text: &str) -> Result<Frequency, MedicationError> {
        let names = Frequency::ALL.into_iter().flat_map(|frequency| {
            [
                (frequency.code(), frequency),
                (frequency.words(), frequency),
            ]
        });
        vocabulary::find("frequency", text, names).map_err(|_| {
            Unknown::among("frequency", text, Frequency::ALL.map(Frequency::words)).into()
        })
    }
}

/// The unit of an amount per administration: a CDISC UNIT submission value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DoseUnit {
    Milligram,
    Gram,
    Microgram,
}

impl DoseUnit {
    pub const ALL: [DoseUnit; 3] = [DoseUnit::Milligram, DoseUnit::Gram, DoseUnit::Microgram];

    /// The CDISC submission value (SDTM `--DOSU`).
    pub fn code(self) -> &'static str {
        match self {
            DoseUnit::Milligram => "mg",
            DoseUnit::Gram => "g",
            DoseUnit::Microgram => "ug",
        }
    }

    fn micrograms(self) -> u64 {
        match self {
            DoseUnit::Milligram => 1_000,
            DoseUnit::Gram => 1_000_000,
            DoseUnit::Microgram => 1,
        }
    }
}

impl fmt::Display for DoseUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `mg`, `g`, `ug` (also `mcg` and `µg`), in any case.
impl FromStr for DoseUnit {
    type Err = MedicationError;

    fn from_str(text: &str) -> Result<DoseUnit, MedicationError> {
        let names = DoseUnit::ALL
            .into_iter()
            .map(|unit| (unit.code(), unit))
            .chain([("mcg", DoseUnit::Microgram), ("µg", DoseUnit::Microgram)]);
        Ok(vocabulary::find("dose unit", text, names)?)
    }
}

/// An amount per administration, exact to the microgram, so that a regimen is matched to a dose
/// level by equality of whole numbers, never of averages or floats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Amount {
    micrograms: u64,
}

impl Amount {
    /// The decimal text `text` in `unit`: more than zero and exact to the microgram ("2.5" mg,
    /// "0.25" g; "0.0005" mg is refused).
    pub fn parse(text: &str, unit: DoseUnit) -> Result<Amount, MedicationError> {
        let refuse = || MedicationError::Amount(text.to_owned());
        let trimmed = text.trim();
        let (whole, fraction) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 9 || !digits(whole) || !digits(fraction) {
            return Err(refuse());
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = unit.micrograms();
        let places = scale.ilog10() as usize;
        if fraction.len() > places {
            return Err(refuse());
        }
        let whole: u64 = whole.parse().map_err(|_| refuse())?;
        let padded = format!("{fraction:0<places$}");
        let fraction: u64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| refuse())?
        };
        let micrograms = whole * scale + fraction;
        if micrograms == 0 {
            return Err(refuse());
        }
        Ok(Amount { micrograms })
    }

    /// A protocol's mg figure (a TOML number); `None` unless more than zero and exact to the
    /// microgram.
    pub fn from_mg(mg: f64) -> Option<Amount> {
        let micrograms = (mg * 1_000.0).round();
        let exact = (micrograms / 1_000.0 - mg).abs() < 1e-9;
        (exact && (1.0..1e15).contains(&micrograms)).then_some(Amount {
            micrograms: micrograms as u64,
        })
    }

    pub fn micrograms(self) -> u64 {
        self.micrograms
    }

    pub fn mg(self) -> f64 {
        self.micrograms as f64 / 1_000.0
    }

    /// In `unit` as short decimal text: 5000 ug is "5" mg, 2500 ug "2.5" mg.
    pub fn text_in(self, unit: DoseUnit) -> String {
        let scale = unit.micrograms();
        let whole = self.micrograms / scale;
        let rest = self.micrograms % scale;
        if rest == 0 {
            return whole.to_string();
        }
        let places = scale.ilog10() as usize;
        let fraction = format!("{rest:0places$}");
        format!("{whole}.{}", fraction.trim_end_matches('0'))
    }
}

/// A drug of the studies' vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Drug {
    entry: &'static DrugEntry,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct DrugEntry {
    id: &'static str,
    name: &'static str,
    /// WHO ATC code of the substance, when it has one.
    atc: Option<&'static str>,
    /// Other names a clinician writes (INN against USAN, older names).
    also: &'static [&'static str],
}

/// The drugs the three studies name: the study drugs, and what the eligibility criteria and the
/// paediatric review record beside them (steroids, antimalarials, immunosuppressants).
static DRUGS: &[DrugEntry] = &[
    drug("lenalidomide", "Lenalidomide", Some("L04AX04"), &[]),
    drug("thalidomide", "Thalidomide", Some("L04AX02"), &[]),
    drug("prednisone", "Prednisone", Some("H02AB07"), &[]),
    drug("prednisolone", "Prednisolone", Some("H02AB06"), &[]),
    drug(
        "methylprednisolone",
        "Methylprednisolone",
        Some("H02AB04"),
        &[],
    ),
    drug("dexamethasone", "Dexamethasone", Some("H02AB02"), &[]),
    drug("deflazacort", "Deflazacort", Some("H02AB13"), &[]),
    drug(
        "hydroxychloroquine",
        "Hydroxychloroquine",
        Some("P01BA02"),
        &[],
    ),
    drug("chloroquine", "Chloroquine", Some("P01BA01"), &[]),
    drug("quinacrine", "Quinacrine", Some("P01AX05"), &["mepacrine"]),
    drug("methotrexate", "Methotrexate", Some("L04AX03"), &[]),
    drug("azathioprine", "Azathioprine", Some("L04AX01"), &[]),
    drug(
        "mycophenolate_mofetil",
        "Mycophenolate mofetil",
        Some("L04AA06"),
        &["mycophenolate", "mycophenolic acid"],
    ),
    drug(
        "cyclosporine",
        "Cyclosporine",
        Some("L04AD01"),
        &["ciclosporin"],
    ),
    drug("tacrolimus", "Tacrolimus", Some("L04AD02"), &[]),
    drug("dapsone", "Dapsone", Some("J04BA02"), &[]),
    drug("clofazimine", "Clofazimine", Some("J04BA01"), &[]),
    drug("acitretin", "Acitretin", Some("D05BB02"), &[]),
    drug("isotretinoin", "Isotretinoin", Some("D10BA01"), &[]),
    drug("belimumab", "Belimumab", None, &[]),
    drug("anifrolumab", "Anifrolumab", None, &[]),
    drug("rituximab", "Rituximab", Some("L01FA01"), &[]),
    drug("cyclophosphamide", "Cyclophosphamide", Some("L01AA01"), &[]),
    drug("clobetasol", "Clobetasol (topical)", Some("D07AD01"), &[]),
    drug(
        "triamcinolone",
        "Triamcinolone (topical or intralesional)",
        Some("D07AB09"),
        &[],
    ),
    drug(
        "betamethasone",
        "Betamethasone (topical)",
        Some("D07AC01"),
        &[],
    ),
    drug("aspirin", "Acetylsalicylic acid", Some("B01AC06"), &[]),
    drug("warfarin", "Warfarin", Some("B01AA03"), &[]),
    drug("enoxaparin", "Enoxaparin", Some("B01AB05"), &[]),
    // A medication outside this list, named in words beside it (as CTCAE's "Other, specify").
    drug("other", "Other medication (specify)", None, &[]),
];

const fn drug(
    id: &'static str,
    name: &'static str,
    atc: Option<&'static str>,
    also: &'static [&'static str],
) -> DrugEntry {
    DrugEntry {
        id,
        name,
        atc,
        also,
    }
}

impl Drug {
    /// Every drug of the vocabulary, in its order.
    pub fn all() -> impl Iterator<Item = Drug> {
        DRUGS.iter().map(|entry| Drug { entry })
    }

    /// The code kept in the record and exports, e.g. `lenalidomide`.
    pub fn id(self) -> &'static str {
        self.entry.id
    }

    /// As a clinician writes it, e.g. "Mycophenolate mofetil".
    pub fn name(self) -> &'static str {
        self.entry.name
    }

    /// The WHO ATC code, when the substance has one in this vocabulary.
    pub fn atc(self) -> Option<&'static str> {
        self.entry.atc
    }

    /// Whether this is the "other medication" entry, which needs the medication in words.
    pub fn is_other(self) -> bool {
        self.entry.id == "other"
    }

    /// The drug named by its id, its name or another name it goes by, in any case and spacing;
    /// anything else is refused naming the nearest drugs.
    pub fn find(text: &str) -> Result<Drug, MedicationError> {
        let names = DRUGS.iter().flat_map(|entry| {
            let drug = Drug { entry };
            [entry.id, entry.name]
                .into_iter()
                .chain(entry.also.iter().copied())
                .map(move |name| (name, drug))
        });
        // Refused naming the nearest drugs once each, by name.
        vocabulary::find("drug", text, names)
            .map_err(|_| Unknown::among("drug", text, DRUGS.iter().map(|entry| entry.name)).into())
    }
}

impl fmt::Display for Drug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Drug {
    type Err = MedicationError;

    fn from_str(text: &str) -> Result<Drug, MedicationError> {
        Drug::find(text)
    }
}

/// How a medication is given: a CDISC ROUTE submission value (SDTM `--ROUTE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Oral,
    Topical,
    Intralesional,
    Subcutaneous,
    Intramuscular,
    Intravenous,
}

impl Route {
    pub const ALL: [Route; 6] = [
        Route::Oral,
        Route::Topical,
        Route::Intralesional,
        Route::Subcutaneous,
        Route::Intramuscular,
        Route::Intravenous,
    ];

    /// The CDISC submission value, e.g. `ORAL`.
    pub fn code(self) -> &'static str {
        match self {
            Route::Oral => "ORAL",
            Route::Topical => "TOPICAL",
            Route::Intralesional => "INTRALESIONAL",
            Route::Subcutaneous => "SUBCUTANEOUS",
            Route::Intramuscular => "INTRAMUSCULAR",
            Route::Intravenous => "INTRAVENOUS",
        }
    }

    /// As a clinician says it: "by mouth", "on the skin".
    pub fn words(self) -> &'static str {
        match self {
            Route::Oral => "by mouth",
            Route::Topical => "on the skin",
            Route::Intralesional => "into the lesion",
            Route::Subcutaneous => "under the skin",
            Route::Intramuscular => "into a muscle",
            Route::Intravenous => "into a vein",
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

/// The CDISC submission value, the words or the usual abbreviation (PO, SC, IM, IV), in any case.
impl FromStr for Route {
    type Err = MedicationError;

    fn from_str(text: &str) -> Result<Route, MedicationError> {
        let names = Route::ALL
            .into_iter()
            .flat_map(|route| [(route.code(), route), (route.words(), route)])
            .chain([
                ("PO", Route::Oral),
                ("SC", Route::Subcutaneous),
                ("IM", Route::Intramuscular),
                ("IV", Route::Intravenous),
            ]);
        vocabulary::find("route", text, names)
            .map_err(|_| Unknown::among("route", text, Route::ALL.map(Route::code)).into())
    }
}

/// Serialized as its code; read from any of its names.
macro_rules! serde_by_code {
    ($type:ty, $code:ident) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$code())
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_by_code!(Frequency, code);
serde_by_code!(DoseUnit, code);
serde_by_code!(Drug, id);
serde_by_code!(Route, code);

impl schemars::JsonSchema for Drug {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Drug".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Drug::all().map(Drug::id).collect();
        schemars::json_schema!({
            "description": "A drug of the vocabulary, by its id.",
            "type": "string",
            "enum": ids,
        })
    }
}

/// A drug as prescribed: so much per administration, so often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Regimen {
    pub drug: Drug,
    pub amount: Amount,
    pub unit: DoseUnit,
    pub frequency: Frequency,
}

impl Regimen {
    /// Milligrams a week, for totals and plots; `None` when taken as needed.
    pub fn mg_per_week(&self) -> Option<f64> {
        Some(self.amount.mg() * self.frequency.per_week()?)
    }

    /// The dose without the drug: "5 mg three times weekly".
    pub fn dose_words(&self) -> String {
        format!(
            "{} {} {}",
            self.amount.text_in(self.unit),
            self.unit,
            self.frequency
        )
    }
}

/// "Lenalidomide 5 mg three times weekly".
impl fmt::Display for Regimen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.drug, self.dose_words())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<I: fmt::Debug, T: PartialEq + fmt::Debug>(cases: &[(I, T)], parse: impl Fn(&I) -> T) {
        for (input, expect) in cases {
            assert_eq!(&parse(input), expect, "{input:?}");
        }
    }

    #[test]
    fn frequencies_read_as_code_or_words() {
        check(
            &[
                ("QD", Ok(Frequency::OnceDaily)),
                ("qod", Ok(Frequency::AlternateDays)),
                ("3 times per week", Ok(Frequency::ThreeTimesWeekly)),
                ("Three times weekly", Ok(Frequency::ThreeTimesWeekly)),
                ("twice_weekly", Ok(Frequency::TwiceWeekly)),
                ("PRN", Ok(Frequency::AsNeeded)),
                ("", Err(())),
                ("daily-ish", Err(())),
            ],
            |text| text.parse::<Frequency>().map_err(drop),
        );
        let error = "3x weekly".parse::<Frequency>().unwrap_err().to_string();
        assert!(
            error.starts_with("unknown frequency '3x weekly'"),
            "{error}"
        );
    }

    #[test]
    fn every_frequency_has_a_distinct_code_and_words() {
        let mut names: Vec<&str> = Frequency::ALL
            .iter()
            .flat_map(|f| [f.code(), f.words(), f.nci_code()])
            .collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count);
        for frequency in Frequency::ALL {
            assert_eq!(frequency.code().parse::<Frequency>(), Ok(frequency));
            assert_eq!(frequency.words().parse::<Frequency>(), Ok(frequency));
        }
    }

    #[test]
    fn administrations_per_week_follow_the_term() {
        check(
            &[
                ("QD", Some(7.0)),
                ("QOD", Some(3.5)),
                ("3 TIMES PER WEEK", Some(3.0)),
                ("2 TIMES PER WEEK", Some(2.0)),
                ("BID", Some(14.0)),
                ("EVERY WEEK", Some(1.0)),
                ("PRN", None),
            ],
            |text| text.parse::<Frequency>().unwrap().per_week(),
        );
    }

    #[test]
    fn amounts_are_exact_to_the_microgram_on_both_sides() {
        let mg = |text: &str| Amount::parse(text, DoseUnit::Milligram).map(Amount::micrograms);
        check(
            &[
                ("5", Ok(5_000)),
                ("2.5", Ok(2_500)),
                (" 10.000 ", Ok(10_000)),
                ("0.001", Ok(1)),
                ("0.0005", Err(())),
                ("0", Err(())),
                ("0.000", Err(())),
                ("-5", Err(())),
                ("5 mg", Err(())),
                (".5", Err(())),
                ("", Err(())),
            ],
            |text| mg(text).map_err(drop),
        );
        assert_eq!(
            Amount::parse("0.25", DoseUnit::Gram).map(Amount::micrograms),
            Ok(250_000)
        );
        assert_eq!(
            Amount::parse("400", DoseUnit::Microgram).map(Amount::micrograms),
            Ok(400)
        );
        assert!(Amount::parse("0.5", DoseUnit::Microgram).is_err());
    }

    #[test]
    fn amounts_print_short_in_their_unit() {
        let amount = |mg: &str| Amount::parse(mg, DoseUnit::Milligram).unwrap();
        check(
            &[
                ("5", "5"),
                ("2.5", "2.5"),
                ("2.50", "2.5"),
                ("0.125", "0.125"),
            ]
            .map(|(mg, text)| (mg, text.to_owned())),
            |mg| amount(mg).text_in(DoseUnit::Milligram),
        );
        assert_eq!(amount("250").text_in(DoseUnit::Gram), "0.25");
    }

    #[test]
    fn protocol_figures_become_amounts_only_when_exact() {
        check(
            &[
                (5.0, Some(5_000)),
                (2.5, Some(2_500)),
                (0.001, Some(1)),
                (0.0004, None),
                (0.0, None),
                (-5.0, None),
            ],
            |mg| Amount::from_mg(*mg).map(Amount::micrograms),
        );
    }

    #[test]
    fn drugs_read_by_id_name_or_other_name() {
        check(
            &[
                ("lenalidomide", Ok("lenalidomide")),
                ("Prednisone", Ok("prednisone")),
                ("MEPACRINE", Ok("quinacrine")),
                ("Mycophenolate mofetil", Ok("mycophenolate_mofetil")),
                ("ciclosporin", Ok("cyclosporine")),
                ("revlimid", Err(())),
            ],
            |text| Drug::find(text).map(Drug::id).map_err(drop),
        );
        let error = Drug::find("predisone").unwrap_err().to_string();
        assert!(
            error.starts_with("unknown drug 'predisone'; nearest: Prednisone"),
            "{error}"
        );
    }

    #[test]
    fn drug_ids_are_unique_and_canonical() {
        let mut ids: Vec<&str> = Drug::all().map(Drug::id).collect();
        for id in &ids {
            assert_eq!(&vocabulary::id_of(id), id);
        }
        ids.sort_unstable();
        let count = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn routes_read_as_code_or_words() {
        check(
            &[
                ("ORAL", Ok(Route::Oral)),
                ("by mouth", Ok(Route::Oral)),
                ("topical", Ok(Route::Topical)),
                ("IV", Ok(Route::Intravenous)),
                ("nasal", Err(())),
            ],
            |text| text.parse::<Route>().map_err(drop),
        );
    }

    #[test]
    fn a_regimen_reads_as_prescribed() {
        let regimen = Regimen {
            drug: Drug::find("lenalidomide").unwrap(),
            amount: Amount::parse("5", DoseUnit::Milligram).unwrap(),
            unit: DoseUnit::Milligram,
            frequency: Frequency::ThreeTimesWeekly,
        };
        assert_eq!(regimen.to_string(), "Lenalidomide 5 mg three times weekly");
        assert_eq!(regimen.mg_per_week(), Some(15.0));
    }
}
