//! Eligibility: inclusion and exclusion criteria as data, evaluated to met / not met / unknown.
//!
//! A criterion is a comparison of one candidate [`Field`] with a threshold (`age_years > 18`),
//! or `all` / `any` of such comparisons. Three-valued logic keeps "we do not know" apart from
//! "no": a missing value makes a comparison unknown, never false. Overall: eligible when every
//! inclusion criterion is met and no exclusion criterion is met; not eligible as soon as one
//! inclusion is not met or one exclusion is met; otherwise incomplete (`None`).

use std::collections::BTreeMap;
use std::fmt;

use instruments::bsa::{BodySurface, Involvement};
use instruments::ctcae::LabUnit;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What the candidate record holds that a criterion may test. The names are the TOML `field`
/// values and the keys of the candidate JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Whole years from `birth_date` to the index date of a retrospective review, else to
    /// `screening_date`.
    AgeYears,
    CleHistologyConfirmed,
    SleDiagnosis,
    /// The study drug was given (for chart reviews of treated patients).
    DrugReceived,
    /// The highest erythema score (0-3) over the CLASI areas in `clasi_erythema`.
    MaxErythema,
    /// CLASI erythema plus scale/hypertrophy summed over the 13 areas (0-65), in
    /// `clasi_erythema_scale`: the lesions' own activity, without mucosa and hair, which
    /// LAVENDER's entry criterion "erythema + scale >= 7" tests (FRONTIER.md, "entry thresholds",
    /// NCT06015737 listings). The listing names the CLASI components, not a per-area rule, so
    /// the sum is over the whole body as `instruments::clasi::ActivityParts::erythema_and_scale`
    /// computes it (the listing itself was not retrieved here [UNVERIFIED]).
    ErythemaScale,
    PrednisoneMgPerDay,
    RegimenStableDays,
    RefractoryMonths,
    /// Body surface involved, % (rule of nines).
    BsaPercent,
    ThalidomideSevereSideEffects,
    ThalidomideLackOfEfficacy,
    ThalidomideHypersensitivity,
    Pregnant,
    Lactating,
    ReproductivePotential,
    AdequateContraception,
    Sledai2k,
    RequiresSystemicImmunosuppressants,
    Platelets,
    Leukocytes,
    Neutrophils,
    ThrombosisHistory,
    AntiphospholipidAntibodies,
    Gfr,
    ProgressiveRenalDisease,
    PsychiatricOrSocialDisorder,
    Hiv,
    ViralHepatitis,
}

/// What values a field takes; a threshold must fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    YesNo,
    /// A number in `unit`, from `min` to `max`.
    Number {
        unit: &'static str,
        min: f64,
        max: f64,
    },
    /// A blood count: thresholds in `/mm3`, `/uL` or `10^9/L` (converted to cells/mm3).
    Count,
}

const COUNT_MAX_PER_MM3: f64 = 2_000_000.0;

impl Field {
    pub const ALL: [Field; 29] = [
        Field::AgeYears,
        Field::CleHistologyConfirmed,
        Field::SleDiagnosis,
        Field::DrugReceived,
        Field::MaxErythema,
        Field::ErythemaScale,
        Field::PrednisoneMgPerDay,
        Field::RegimenStableDays,
        Field::RefractoryMonths,
        Field::BsaPercent,
        Field::ThalidomideSevereSideEffects,
        Field::ThalidomideLackOfEfficacy,
        Field::ThalidomideHypersensitivity,
        Field::Pregnant,
        Field::Lactating,
        Field::ReproductivePotential,
        Field::AdequateContraception,
        Field::Sledai2k,
        Field::RequiresSystemicImmunosuppressants,
        Field::Platelets,
        Field::Leukocytes,
        Field::Neutrophils,
        Field::ThrombosisHistory,
        Field::AntiphospholipidAntibodies,
        Field::Gfr,
        Field::ProgressiveRenalDisease,
        Field::PsychiatricOrSocialDisorder,
        Field::Hiv,
        Field::ViralHepatitis,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::AgeYears => "age_years",
            Field::CleHistologyConfirmed => "cle_histology_confirmed",
            Field::SleDiagnosis => "sle_diagnosis",
            Field::DrugReceived => "drug_received",
            Field::MaxErythema => "max_erythema",
            Field::ErythemaScale => "clasi_erythema_scale",
            Field::PrednisoneMgPerDay => "prednisone_mg_per_day",
            Field::RegimenStableDays => "regimen_stable_days",
            Field::RefractoryMonths => "refractory_months",
            Field::BsaPercent => "bsa_percent",
            Field::ThalidomideSevereSideEffects => "thalidomide_severe_side_effects",
            Field::ThalidomideLackOfEfficacy => "thalidomide_lack_of_efficacy",
            Field::ThalidomideHypersensitivity => "thalidomide_hypersensitivity",
            Field::Pregnant => "pregnant",
            Field::Lactating => "lactating",
            Field::ReproductivePotential => "reproductive_potential",
            Field::AdequateContraception => "adequate_contraception",
            Field::Sledai2k => "sledai_2k",
            Field::RequiresSystemicImmunosuppressants => "requires_systemic_immunosuppressants",
            Field::Platelets => "platelets",
            Field::Leukocytes => "leukocytes",
            Field::Neutrophils => "neutrophils",
            Field::ThrombosisHistory => "thrombosis_history",
            Field::AntiphospholipidAntibodies => "antiphospholipid_antibodies",
            Field::Gfr => "gfr",
            Field::ProgressiveRenalDisease => "progressive_renal_disease",
            Field::PsychiatricOrSocialDisorder => "psychiatric_or_social_disorder",
            Field::Hiv => "hiv",
            Field::ViralHepatitis => "viral_hepatitis",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }

    pub fn kind(self) -> FieldKind {
        let number = |unit, min, max| FieldKind::Number { unit, min, max };
        match self {
            Field::AgeYears => number("years", 0.0, 130.0),
            Field::MaxErythema => number("points", 0.0, 3.0),
            // Erythema 0-3 and scale 0-2 in each of 13 areas (INSTRUMENTS.md §1.3).
            Field::ErythemaScale => number("points", 0.0, 65.0),
            Field::PrednisoneMgPerDay => number("mg/day", 0.0, 2000.0),
            Field::RegimenStableDays => number("days", 0.0, 36_500.0),
            Field::RefractoryMonths => number("months", 0.0, 1200.0),
            Field::BsaPercent => number("%", 0.0, 100.0),
            // SLEDAI-2K ranges 0 to 105 (INSTRUMENTS.md §2).
            Field::Sledai2k => number("points", 0.0, 105.0),
            Field::Gfr => number("ml/min/1.73m2", 0.0, 300.0),
            Field::Platelets | Field::Leukocytes | Field::Neutrophils => FieldKind::Count,
            _ => FieldKind::YesNo,
        }
    }

    pub fn names() -> String {
        Field::ALL.map(Field::name).join(", ")
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A comparison operator of a criterion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    pub const ALLOWED: &'static str = "<, <=, >, >=, =, !=";

    pub fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "=" => Op::Eq,
            "!=" => Op::Ne,
            _ => return None,
        })
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "=",
            Op::Ne => "!=",
        }
    }

    fn holds<T: PartialOrd>(self, left: T, right: T) -> bool {
        match self {
            Op::Lt => left < right,
            Op::Le => left <= right,
            Op::Gt => left > right,
            Op::Ge => left >= right,
            Op::Eq => left == right,
            Op::Ne => left != right,
        }
    }
}

/// A checked threshold: a yes/no answer, or a number in the field's unit (counts in cells/mm3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    YesNo(bool),
    Number(f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub field: Field,
    pub op: Op,
    pub threshold: Threshold,
    /// The comparison as the protocol wrote it, e.g. `neutrophils < 1000 /uL`.
    pub written: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Compare(Comparison),
    All(Vec<Condition>),
    Any(Vec<Condition>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub text: String,
    pub condition: Condition,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Eligibility {
    pub inclusion: Vec<Criterion>,
    pub exclusion: Vec<Criterion>,
}

/// Cells per mm3 from a count in `unit`; `None` for a unit that is not a count.
pub fn count_per_mm3(value: f64, unit: LabUnit) -> Option<f64> {
    match unit {
        LabUnit::PerMm3 | LabUnit::PerUl => Some(value),
        LabUnit::E9PerL => Some(value * 1000.0),
        LabUnit::GPerDl | LabUnit::GPerL | LabUnit::MmolPerL => None,
    }
}

/// A blood count as entered.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub value: f64,
    pub unit: LabUnit,
}

/// The candidate's screening record. Every item is optional: what is absent is unknown.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    pub screening_date: Option<Date>,
    /// The date a retrospective review judges the criteria at: the start of the drug (Wu et
    /// al.: "information was gathered at drug initiation"). Ages are then whole years at this
    /// date, not at the (later) chart review. Absent in a prospective study.
    #[serde(default)]
    pub index_date: Option<Date>,
    pub birth_date: Option<Date>,
    /// Completed years at the index date (else at screening), where the birth date is not
    /// recorded (with a birth date and that date the age is computed, and a given age must
    /// agree).
    #[serde(default)]
    pub age_years: Option<u8>,
    /// CLASI erythema score (0-3) by area, e.g. `{"face": 2, "scalp": 1}`.
    pub clasi_erythema: Option<BTreeMap<String, u8>>,
    /// CLASI erythema plus scale/hypertrophy summed over the areas (0-65, a whole number).
    #[serde(default)]
    pub clasi_erythema_scale: Option<f64>,
    pub cle_histology_confirmed: Option<bool>,
    pub sle_diagnosis: Option<bool>,
    pub drug_received: Option<bool>,
    pub prednisone_mg_per_day: Option<f64>,
    pub regimen_stable_days: Option<f64>,
    pub refractory_months: Option<f64>,
    pub bsa_percent: Option<f64>,
    /// Involved regions by the rule of nines (adults); gives `bsa_percent` via
    /// `instruments::bsa`. Give this or `bsa_percent`, not both.
    pub bsa_involvement: Option<Vec<Involvement>>,
    pub thalidomide_severe_side_effects: Option<bool>,
    pub thalidomide_lack_of_efficacy: Option<bool>,
    pub thalidomide_hypersensitivity: Option<bool>,
    pub pregnant: Option<bool>,
    pub lactating: Option<bool>,
    pub reproductive_potential: Option<bool>,
    pub adequate_contraception: Option<bool>,
    pub sledai_2k: Option<f64>,
    pub requires_systemic_immunosuppressants: Option<bool>,
    pub platelets: Option<Count>,
    pub leukocytes: Option<Count>,
    pub neutrophils: Option<Count>,
    pub thrombosis_history: Option<bool>,
    pub antiphospholipid_antibodies: Option<bool>,
    pub gfr: Option<f64>,
    pub progressive_renal_disease: Option<bool>,
    pub psychiatric_or_social_disorder: Option<bool>,
    pub hiv: Option<bool>,
    pub viral_hepatitis: Option<bool>,
}

/// A candidate value out of its range; names the JSON field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CandidateError {
    pub field: String,
    pub message: String,
}

/// A known value of a field, with how it was obtained (for the sentence).
#[derive(Clone, Debug, PartialEq)]
enum Known {
    YesNo(bool),
    Number { value: f64, found: Found },
}

/// What a comparison found in the candidate record, kept apart from how it is said, so that a
/// page can say it in its user's words ([`Why`]); `Display` says it as the protocol file does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Found {
    YesNo {
        answer: bool,
    },
    /// A number or a count with its unit, as entered.
    Amount {
        value: f64,
        unit: String,
    },
    /// Age in completed years, from the birth date on the day ages are judged (screening, or
    /// the index date of a retrospective review), or as recorded when there is no birth date.
    Age {
        years: i16,
        born: Option<Date>,
        at_index_date: bool,
        on: Option<Date>,
    },
    /// The highest CLASI erythema score and the area it was found in.
    Erythema {
        score: u8,
        area: String,
    },
    /// Body surface by the rule of nines: each involved region, its extent and its share.
    RuleOfNines {
        percent: f64,
        parts: Vec<(instruments::bsa::Region, instruments::bsa::Extent, f64)>,
    },
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Found::YesNo { answer } => write!(f, "{answer}"),
            Found::Amount { value, unit } => write!(f, "{value} {unit}"),
            Found::Age {
                years,
                born: Some(born),
                at_index_date,
                on: Some(on),
            } => {
                let when = if *at_index_date {
                    "at the index date"
                } else {
                    "screened"
                };
                write!(f, "{years} years (born {born}, {when} {on})")
            }
            Found::Age { years, .. } => write!(f, "{years} years (age as recorded)"),
            Found::Erythema { score, area } => write!(f, "highest erythema {score} ({area})"),
            Found::RuleOfNines { percent, parts } => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|(region, extent, share)| {
                        format!("{} {} {share}%", snake(region), snake(extent))
                    })
                    .collect();
                write!(f, "{percent}% by the rule of nines ({})", parts.join(", "))
            }
        }
    }
}

/// Why a criterion stands as it does: each comparison with what it found (`None`: not
/// recorded), and how they combine. `Display` is the sentence in the protocol file's terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    Compare {
        /// The candidate field (`age_years`).
        field: String,
        /// `<`, `<=`, `>`, `>=`, `=` or `!=`.
        op: String,
        /// The threshold as written, with its unit (`18 years`, `true`).
        threshold: String,
        found: Option<Found>,
    },
    All {
        parts: Vec<Why>,
    },
    Any {
        parts: Vec<Why>,
    },
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Compare {
                field,
                op,
                threshold,
                found,
            } => {
                write!(f, "{field} {op} {threshold}? ")?;
                match found {
                    None => write!(f, "{field} not recorded"),
                    Some(Found::YesNo { answer }) => write!(f, "{field} is {answer}"),
                    Some(found) => write!(f, "{found}"),
                }
            }
            Why::All { parts } | Why::Any { parts } => {
                let joiner = if matches!(self, Why::All { .. }) {
                    " and "
                } else {
                    " or "
                };
                let parts: Vec<String> = parts.iter().map(ToString::to_string).collect();
                write!(f, "({})", parts.join(joiner))
            }
        }
    }
}

impl Candidate {
    /// The date ages are judged at, by name: the index date of a retrospective review, else
    /// the screening date.
    fn age_judged_at(&self) -> Option<(&'static str, Date)> {
        match (self.index_date, self.screening_date) {
            (Some(index), _) => Some(("index_date", index)),
            (None, Some(screening)) => Some(("screening_date", screening)),
            (None, None) => None,
        }
    }

    /// Checks ranges once, so evaluation can trust the values.
    pub fn check(&self) -> Result<(), CandidateError> {
        let error = |field: &str, message: String| CandidateError {
            field: field.to_owned(),
            message,
        };
        if let (Some(index), Some(screening)) = (self.index_date, self.screening_date)
            && index > screening
        {
            return Err(error(
                "index_date",
                format!("{index} is after screening_date {screening}: a review looks back"),
            ));
        }
        if let (Some(birth), Some((name, on))) = (self.birth_date, self.age_judged_at())
            && birth > on
        {
            return Err(error("birth_date", format!("{birth} is after {name} {on}")));
        }
        if let (Some(birth), Some((name, on)), Some(age)) =
            (self.birth_date, self.age_judged_at(), self.age_years)
            && whole_years(birth, on) != i16::from(age)
        {
            return Err(error(
                "age_years",
                format!(
                    "{age} differs from the age the birth date gives at the {} ({})",
                    name.replace('_', " "),
                    whole_years(birth, on)
                ),
            ));
        }
        if self.age_years.is_some_and(|age| age > 130) {
            return Err(error("age_years", "must be 0 to 130 years".to_owned()));
        }
        if self.bsa_percent.is_some() && self.bsa_involvement.is_some() {
            return Err(error(
                "bsa_involvement",
                "give bsa_percent or bsa_involvement, not both".to_owned(),
            ));
        }
        if let Some(areas) = &self.clasi_erythema {
            for (area, &score) in areas {
                if score > 3 {
                    return Err(error(
                        &format!("clasi_erythema.{area}"),
                        format!("erythema must be 0 to 3, got {score}"),
                    ));
                }
            }
        }
        for field in Field::ALL {
            let FieldKind::Number { unit, min, max } = field.kind() else {
                continue;
            };
            if field == Field::AgeYears || field == Field::MaxErythema {
                continue;
            }
            if let Some(value) = self.number(field)
                && !(value.is_finite() && (min..=max).contains(&value))
            {
                return Err(error(
                    field.name(),
                    format!("must be {min} to {max} {unit}, got {value}"),
                ));
            }
        }
        // A CLASI sum is a whole number of points.
        if let Some(sum) = self.clasi_erythema_scale
            && sum.fract() != 0.0
        {
            return Err(error(
                Field::ErythemaScale.name(),
                format!("must be a whole number of points, got {sum}"),
            ));
        }
        for (field, count) in [
            (Field::Platelets, self.platelets),
            (Field::Leukocytes, self.leukocytes),
            (Field::Neutrophils, self.neutrophils),
        ] {
            let Some(count) = count else { continue };
            match count_per_mm3(count.value, count.unit) {
                Some(cells)
                    if count.value.is_finite() && (0.0..=COUNT_MAX_PER_MM3).contains(&cells) => {}
                Some(_) => {
                    return Err(error(
                        &format!("{field}.value"),
                        format!(
                            "must be a count from 0 to 2000000 /mm3, got {}",
                            count.value
                        ),
                    ));
                }
                None => {
                    return Err(error(
                        &format!("{field}.unit"),
                        format!(
                            "'{}' is not a count unit; allowed: /mm3, /uL, 10^9/L",
                            count.unit
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn number(&self, field: Field) -> Option<f64> {
        match field {
            Field::ErythemaScale => self.clasi_erythema_scale,
            Field::PrednisoneMgPerDay => self.prednisone_mg_per_day,
            Field::RegimenStableDays => self.regimen_stable_days,
            Field::RefractoryMonths => self.refractory_months,
            Field::BsaPercent => self.bsa_percent,
            Field::Sledai2k => self.sledai_2k,
            Field::Gfr => self.gfr,
            _ => None,
        }
    }

    fn yes_no(&self, field: Field) -> Option<bool> {
        match field {
            Field::CleHistologyConfirmed => self.cle_histology_confirmed,
            Field::SleDiagnosis => self.sle_diagnosis,
            Field::DrugReceived => self.drug_received,
            Field::ThalidomideSevereSideEffects => self.thalidomide_severe_side_effects,
            Field::ThalidomideLackOfEfficacy => self.thalidomide_lack_of_efficacy,
            Field::ThalidomideHypersensitivity => self.thalidomide_hypersensitivity,
            Field::Pregnant => self.pregnant,
            Field::Lactating => self.lactating,
            Field::ReproductivePotential => self.reproductive_potential,
            Field::AdequateContraception => self.adequate_contraception,
            Field::RequiresSystemicImmunosuppressants => self.requires_systemic_immunosuppressants,
            Field::ThrombosisHistory => self.thrombosis_history,
            Field::AntiphospholipidAntibodies => self.antiphospholipid_antibodies,
            Field::ProgressiveRenalDisease => self.progressive_renal_disease,
            Field::PsychiatricOrSocialDisorder => self.psychiatric_or_social_disorder,
            Field::Hiv => self.hiv,
            Field::ViralHepatitis => self.viral_hepatitis,
            _ => None,
        }
    }

    fn value(&self, field: Field) -> Option<Known> {
        match field.kind() {
            FieldKind::YesNo => self.yes_no(field).map(Known::YesNo),
            FieldKind::Count => {
                let count = match field {
                    Field::Platelets => self.platelets,
                    Field::Leukocytes => self.leukocytes,
                    _ => self.neutrophils,
                }?;
                let value = count_per_mm3(count.value, count.unit)?;
                Some(Known::Number {
                    value,
                    found: Found::Amount {
                        value: count.value,
                        unit: count.unit.to_string(),
                    },
                })
            }
            FieldKind::Number { unit, .. } => match field {
                Field::AgeYears => match (self.birth_date, self.age_judged_at()) {
                    (Some(birth), Some((name, on))) => {
                        let years = whole_years(birth, on);
                        Some(Known::Number {
                            value: f64::from(years),
                            found: Found::Age {
                                years,
                                born: Some(birth),
                                at_index_date: name == "index_date",
                                on: Some(on),
                            },
                        })
                    }
                    _ => self.age_years.map(|years| Known::Number {
                        value: f64::from(years),
                        found: Found::Age {
                            years: i16::from(years),
                            born: None,
                            at_index_date: false,
                            on: None,
                        },
                    }),
                },
                Field::MaxErythema => {
                    let (area, score) = self
                        .clasi_erythema
                        .as_ref()?
                        .iter()
                        .max_by_key(|(_, score)| **score)?;
                    Some(Known::Number {
                        value: f64::from(*score),
                        found: Found::Erythema {
                            score: *score,
                            area: area.clone(),
                        },
                    })
                }
                Field::BsaPercent if self.bsa_involvement.is_some() => {
                    let surface: BodySurface =
                        self.bsa_involvement.iter().flatten().copied().collect();
                    Some(Known::Number {
                        value: surface.percent(),
                        found: Found::RuleOfNines {
                            percent: surface.percent(),
                            parts: surface.involved(),
                        },
                    })
                }
                _ => self.number(field).map(|value| Known::Number {
                    value,
                    found: Found::Amount {
                        value,
                        unit: unit.to_owned(),
                    },
                }),
            },
        }
    }
}

/// `HeadNeck` -> `head_neck`: the serde names, for sentences.
fn snake(value: &impl fmt::Debug) -> String {
    let mut text = String::new();
    for (index, c) in format!("{value:?}").chars().enumerate() {
        if c.is_ascii_uppercase() && index > 0 {
            text.push('_');
        }
        text.push(c.to_ascii_lowercase());
    }
    text
}

/// Completed years of age on `on`.
pub fn whole_years(birth: Date, on: Date) -> i16 {
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    on.year() - birth.year() - i16::from(before_birthday)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    Unknown,
}

/// One criterion's verdict with the values it used and a sentence.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CriterionResult {
    pub id: String,
    pub kind: &'static str,
    pub status: Status,
    pub text: String,
    /// [`Why`] as one sentence in the protocol file's terms, after the status.
    pub reason: String,
    pub why: Why,
}

#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EligibilityResult {
    /// `true` eligible, `false` not eligible, `null` incomplete.
    pub eligible: Option<bool>,
    pub criteria: Vec<CriterionResult>,
    /// Fields whose absence left a criterion unknown.
    pub missing: Vec<String>,
}

/// Evaluates every criterion of `rules` for `candidate`.
pub fn evaluate(
    rules: &Eligibility,
    candidate: &Candidate,
) -> Result<EligibilityResult, CandidateError> {
    candidate.check()?;
    let mut missing = Vec::new();
    let mut criteria = Vec::new();
    for (kind, list) in [
        ("inclusion", &rules.inclusion),
        ("exclusion", &rules.exclusion),
    ] {
        for criterion in list {
            let (status, why) = judge(&criterion.condition, candidate, &mut missing);
            criteria.push(CriterionResult {
                id: criterion.id.clone(),
                kind,
                status,
                text: criterion.text.clone(),
                reason: format!("{}: {why}", status_word(status)),
                why,
            });
        }
    }
    let inclusion = criteria.iter().filter(|c| c.kind == "inclusion");
    let exclusion = criteria.iter().filter(|c| c.kind == "exclusion");
    let failed = inclusion.clone().any(|c| c.status == Status::NotMet)
        || exclusion.clone().any(|c| c.status == Status::Met);
    let passed = inclusion.clone().all(|c| c.status == Status::Met)
        && exclusion.clone().all(|c| c.status == Status::NotMet);
    let eligible = if failed {
        Some(false)
    } else if passed {
        Some(true)
    } else {
        None
    };
    missing.sort();
    missing.dedup();
    Ok(EligibilityResult {
        eligible,
        criteria,
        missing,
    })
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::NotMet => "not met",
        Status::Unknown => "unknown",
    }
}

fn judge(condition: &Condition, candidate: &Candidate, missing: &mut Vec<String>) -> (Status, Why) {
    match condition {
        Condition::Compare(comparison) => compare(comparison, candidate, missing),
        Condition::All(parts) | Condition::Any(parts) => {
            let is_all = matches!(condition, Condition::All(_));
            let results: Vec<_> = parts
                .iter()
                .map(|part| judge(part, candidate, missing))
                .collect();
            let (decisive, complete) = if is_all {
                (Status::NotMet, Status::Met)
            } else {
                (Status::Met, Status::NotMet)
            };
            let status = if results.iter().any(|(status, _)| *status == decisive) {
                decisive
            } else if results.iter().all(|(status, _)| *status == complete) {
                complete
            } else {
                Status::Unknown
            };
            let parts = results.into_iter().map(|(_, why)| why).collect();
            let why = if is_all {
                Why::All { parts }
            } else {
                Why::Any { parts }
            };
            (status, why)
        }
    }
}

fn compare(
    comparison: &Comparison,
    candidate: &Candidate,
    missing: &mut Vec<String>,
) -> (Status, Why) {
    let Comparison {
        field,
        op,
        threshold,
        written,
    } = comparison;
    let verdict = |holds: bool| if holds { Status::Met } else { Status::NotMet };
    let (status, found) = match (candidate.value(*field), threshold) {
        (None, _) => {
            missing.push(field.name().to_owned());
            (Status::Unknown, None)
        }
        (Some(Known::YesNo(answer)), Threshold::YesNo(expected)) => (
            verdict(op.holds(answer, *expected)),
            Some(Found::YesNo { answer }),
        ),
        // Count thresholds are stored in cells/mm3 whatever unit the protocol wrote.
        (Some(Known::Number { value, found }), Threshold::Number(limit)) => {
            (verdict(op.holds(value, *limit)), Some(found))
        }
        // The loader rejects a threshold of the wrong kind, so this is unreachable in practice;
        // answering "unknown" keeps it harmless.
        (Some(_), _) => (Status::Unknown, None),
    };
    // The loader writes `field op threshold`; the threshold is what follows.
    let lead = format!("{field} {} ", op.symbol());
    let why = Why::Compare {
        field: field.name().to_owned(),
        op: op.symbol().to_owned(),
        threshold: written.strip_prefix(&lead).unwrap_or(written).to_owned(),
        found,
    };
    (status, why)
}
