//! CLASI: Cutaneous Lupus Erythematosus Disease Area and Severity Index (Albrecht et al.,
//! J Invest Dermatol 2005;125:889) (INSTRUMENTS.md §1).
//!
//! Activity (0-70) = erythema and scale/hypertrophy in each of 13 areas, plus mucous membrane
//! lesions, recent hair loss and non-scarring alopecia, each scored once. Damage (0-56) =
//! dyspigmentation in each of 13 areas (doubled when it usually lasts at least 12 months),
//! scarring/atrophy/panniculitis in the 12 areas other than the scalp, plus scarring alopecia
//! of the scalp [S3, S5]. Each area is scored by its worst lesion [S5]; erythema and scale are
//! independent columns and may come from different lesions (INSTRUMENTS.md §1.1).
//!
//! A missing item is not zero: any item not assessed makes its total `None` (§1.5).
//!
//! The responder endpoints of the 2020s trials ([`ClasiResponse`]: CLASI-50, CLASI-70), the
//! percent change of activity ([`percent_change`]) and the erythema + scale sum entry criteria
//! use ([`ActivityParts::erythema_and_scale`]) cite their sources by the `O#` ids of
//! `docs/OUTCOMES.md`.

use std::fmt;

use serde::de::{self, Unexpected, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::scale::{OutOfRange, within};

/// A value outside an item's scale.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{item} must be one of {}, got {value}", levels_text(.allowed))]
pub struct ItemError {
    pub item: &'static str,
    pub value: u8,
    pub allowed: &'static [u8],
}

fn levels_text(levels: &[u8]) -> String {
    levels
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The points an item adds to its total.
pub trait Points {
    fn points(self) -> u8;
}

fn points<T: Points>(item: Option<T>) -> Option<u8> {
    item.map(Points::points)
}

/// Reads an item's level, accepting only the listed integers; the message lists them.
/// Fractions, negative numbers and strings are refused by serde with the same message.
struct Levels(&'static [u8]);

impl Visitor<'_> for Levels {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of {}", levels_text(self.0))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u8, E> {
        match u8::try_from(value) {
            Ok(level) if self.0.contains(&level) => Ok(level),
            _ => Err(E::invalid_value(Unexpected::Unsigned(value), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u8, E> {
        match u64::try_from(value) {
            Ok(value) => self.visit_u64(value),
            Err(_) => Err(E::invalid_value(Unexpected::Signed(value), &self)),
        }
    }
}

const ZERO_TO_THREE: [u8; 4] = [0, 1, 2, 3];

/// Defines an ordinal item scored 0..=MAX: a newtype that cannot hold another value.
macro_rules! ordinal_item {
    ($(#[$doc:meta])* $name:ident, $label:literal, max = $max:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u8);

        impl $name {
            pub const MAX: $name = $name($max);
            const LEVELS: &'static [u8] = ZERO_TO_THREE.split_at($max + 1).0;

            pub fn new(value: u8) -> Result<$name, ItemError> {
                if value <= $max {
                    Ok($name(value))
                } else {
                    Err(ItemError { item: $label, value, allowed: Self::LEVELS })
                }
            }

            pub fn value(self) -> u8 {
                self.0
            }
        }

        impl Points for $name {
            fn points(self) -> u8 {
                self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u8(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_u64(Levels(Self::LEVELS)).map($name)
            }
        }
    };
}

ordinal_item!(
    /// Erythema, per area, 0-3: absent, pink/faint, red, dark red/violaceous/crusted [S5].
    Erythema, "erythema", max = 3
);
ordinal_item!(
    /// Scale/hypertrophy, per area, 0-2: absent, scale, verrucous/hypertrophic [S5].
    Scale, "scale", max = 2
);
ordinal_item!(
    /// Dyspigmentation, per area, 0-1 [S5, S9].
    Dyspigmentation, "dyspigmentation", max = 1
);
ordinal_item!(
    /// Scarring/atrophy/panniculitis, per area except the scalp, 0-2: absent, scarring,
    /// severely atrophic scarring or panniculitis (INSTRUMENTS.md §1.4).
    Scarring, "scarring", max = 2
);
ordinal_item!(
    /// Mucous membrane lesions, once, 0-1: absent, lesion or ulceration (§1.3).
    MucousMembrane, "mucous_membrane", max = 1
);
ordinal_item!(
    /// Recent hair loss (within the last 30 days, patient-reported), once, 0-1 (§1.3).
    RecentHairLoss, "recent_hair_loss", max = 1
);
ordinal_item!(
    /// Non-scarring alopecia of the scalp, once, 0-3: absent, diffuse non-inflammatory, focal
    /// or patchy in one quadrant, in more than one quadrant (§1.3, [S6]).
    NonScarringAlopecia, "nonscarring_alopecia", max = 3
);

/// Scarring of the scalp (scarring alopecia, judged clinically), once, scored 0, 3, 4, 5 or 6;
/// the scale has no 1 or 2 (INSTRUMENTS.md §1.4, §1.5). Serialized as its points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScarringAlopecia {
    #[default]
    Absent,
    OneQuadrant,
    TwoQuadrants,
    ThreeQuadrants,
    /// The whole skull. Four quadrants without "whole skull" has no level on the form; score
    /// it here and flag it for review (§1.5).
    WholeSkull,
}

impl ScarringAlopecia {
    const LEVELS: &'static [u8] = &[0, 3, 4, 5, 6];

    pub fn from_points(points: u8) -> Result<ScarringAlopecia, ItemError> {
        Ok(match points {
            0 => ScarringAlopecia::Absent,
            3 => ScarringAlopecia::OneQuadrant,
            4 => ScarringAlopecia::TwoQuadrants,
            5 => ScarringAlopecia::ThreeQuadrants,
            6 => ScarringAlopecia::WholeSkull,
            value => {
                return Err(ItemError {
                    item: "scarring_alopecia",
                    value,
                    allowed: Self::LEVELS,
                });
            }
        })
    }
}

impl Points for ScarringAlopecia {
    fn points(self) -> u8 {
        match self {
            ScarringAlopecia::Absent => 0,
            ScarringAlopecia::OneQuadrant => 3,
            ScarringAlopecia::TwoQuadrants => 4,
            ScarringAlopecia::ThreeQuadrants => 5,
            ScarringAlopecia::WholeSkull => 6,
        }
    }
}

impl Serialize for ScarringAlopecia {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.points())
    }
}

impl<'de> Deserialize<'de> for ScarringAlopecia {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let points = deserializer.deserialize_u64(Levels(Self::LEVELS))?;
        ScarringAlopecia::from_points(points).map_err(de::Error::custom)
    }
}

/// The 13 CLASI areas, in form order; each is one bilateral unit [S5].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Scalp,
    Ears,
    NoseMalar,
    RestOfFace,
    VNeck,
    PosteriorNeckShoulders,
    Chest,
    Abdomen,
    BackButtocks,
    Arms,
    Hands,
    Legs,
    Feet,
}

impl Area {
    /// Every area, in form order.
    pub const ALL: [Area; 13] = [
        Area::Scalp,
        Area::Ears,
        Area::NoseMalar,
        Area::RestOfFace,
        Area::VNeck,
        Area::PosteriorNeckShoulders,
        Area::Chest,
        Area::Abdomen,
        Area::BackButtocks,
        Area::Arms,
        Area::Hands,
        Area::Legs,
        Area::Feet,
    ];

    /// The area's id: its JSON name, the start of its record fields (`nose_malar_erythema`)
    /// and its key in the words catalogue.
    pub fn id(self) -> &'static str {
        match self {
            Area::Scalp => "scalp",
            Area::Ears => "ears",
            Area::NoseMalar => "nose_malar",
            Area::RestOfFace => "rest_of_face",
            Area::VNeck => "v_neck",
            Area::PosteriorNeckShoulders => "posterior_neck_shoulders",
            Area::Chest => "chest",
            Area::Abdomen => "abdomen",
            Area::BackButtocks => "back_buttocks",
            Area::Arms => "arms",
            Area::Hands => "hands",
            Area::Legs => "legs",
            Area::Feet => "feet",
        }
    }
}

/// An item left at its default is absent (0); JSON `null` means "not assessed".
fn absent<T: Default>() -> Option<T> {
    Some(T::default())
}

/// The scalp's per-area items. Scalp scarring is not scored here but as
/// [`ScarringAlopecia`] ("see below" on the form, INSTRUMENTS.md §1.4), so there is no field
/// for it and JSON input naming one is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalpScores {
    #[serde(default = "absent")]
    pub erythema: Option<Erythema>,
    #[serde(default = "absent")]
    pub scale: Option<Scale>,
    #[serde(default = "absent")]
    pub dyspigmentation: Option<Dyspigmentation>,
}

/// The per-area items of the 12 areas other than the scalp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaScores {
    #[serde(default = "absent")]
    pub erythema: Option<Erythema>,
    #[serde(default = "absent")]
    pub scale: Option<Scale>,
    #[serde(default = "absent")]
    pub dyspigmentation: Option<Dyspigmentation>,
    #[serde(default = "absent")]
    pub scarring: Option<Scarring>,
}

impl Default for ScalpScores {
    /// An uninvolved scalp: every item assessed and absent.
    fn default() -> Self {
        ScalpScores {
            erythema: absent(),
            scale: absent(),
            dyspigmentation: absent(),
        }
    }
}

impl Default for AreaScores {
    /// An uninvolved area: every item assessed and absent.
    fn default() -> Self {
        AreaScores {
            erythema: absent(),
            scale: absent(),
            dyspigmentation: absent(),
            scarring: absent(),
        }
    }
}

/// The 13 areas. An area left out of the JSON input is uninvolved (every item 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Areas {
    pub scalp: ScalpScores,
    pub ears: AreaScores,
    pub nose_malar: AreaScores,
    pub rest_of_face: AreaScores,
    pub v_neck: AreaScores,
    pub posterior_neck_shoulders: AreaScores,
    pub chest: AreaScores,
    pub abdomen: AreaScores,
    pub back_buttocks: AreaScores,
    pub arms: AreaScores,
    pub hands: AreaScores,
    pub legs: AreaScores,
    pub feet: AreaScores,
}

impl Areas {
    /// The 12 areas other than the scalp, in form order.
    pub fn below_scalp(&self) -> [(Area, &AreaScores); 12] {
        [
            (Area::Ears, &self.ears),
            (Area::NoseMalar, &self.nose_malar),
            (Area::RestOfFace, &self.rest_of_face),
            (Area::VNeck, &self.v_neck),
            (Area::PosteriorNeckShoulders, &self.posterior_neck_shoulders),
            (Area::Chest, &self.chest),
            (Area::Abdomen, &self.abdomen),
            (Area::BackButtocks, &self.back_buttocks),
            (Area::Arms, &self.arms),
            (Area::Hands, &self.hands),
            (Area::Legs, &self.legs),
            (Area::Feet, &self.feet),
        ]
    }

    /// One area's row of the paper form: its activity (erythema + scale/hypertrophy) and its
    /// damage (dyspigmentation + scarring/atrophy/panniculitis; the scalp's scarring is scored
    /// once, as scarring alopecia), before the dyspigmentation sum is doubled for lasting 12
    /// months (INSTRUMENTS.md §1.3-§1.5). `None` where an item of the row was not assessed.
    pub fn row(&self, area: Area) -> (Option<u8>, Option<u8>) {
        let sum = |a: Option<u8>, b: Option<u8>| Some(a? + b?);
        match self
            .below_scalp()
            .into_iter()
            .find(|(each, _)| *each == area)
        {
            Some((_, scores)) => (
                sum(points(scores.erythema), points(scores.scale)),
                sum(points(scores.dyspigmentation), points(scores.scarring)),
            ),
            None => (
                sum(points(self.scalp.erythema), points(self.scalp.scale)),
                points(self.scalp.dyspigmentation),
            ),
        }
    }

    /// Erythema of every area, in form order.
    pub fn erythema(&self) -> [(Area, Option<Erythema>); 13] {
        let mut all = [(Area::Scalp, self.scalp.erythema); 13];
        for (slot, (area, scores)) in all[1..].iter_mut().zip(self.below_scalp()) {
            *slot = (area, scores.erythema);
        }
        all
    }

    fn scale(&self) -> impl Iterator<Item = Option<Scale>> + '_ {
        let below = self
            .below_scalp()
            .into_iter()
            .map(|(_, scores)| scores.scale);
        std::iter::once(self.scalp.scale).chain(below)
    }

    fn dyspigmentation(&self) -> impl Iterator<Item = Option<Dyspigmentation>> + '_ {
        let below = self
            .below_scalp()
            .into_iter()
            .map(|(_, s)| s.dyspigmentation);
        std::iter::once(self.scalp.dyspigmentation).chain(below)
    }
}

/// One CLASI assessment.
///
/// JSON input (every key required except inside `areas`; unknown keys are errors):
///
/// ```json
/// {"areas": {"nose_malar": {"erythema": 2, "scale": 1, "dyspigmentation": 1, "scarring": 1}},
///  "mucous_membrane": 0, "recent_hair_loss": 1, "nonscarring_alopecia": 0,
///  "scarring_alopecia": 0, "dyspigmentation_lasts_12_months": false}
/// ```
///
/// - `areas` maps area ids ([`Area`]) to items; an area left out is uninvolved, and an item left
///   out of a listed area is absent (0), as a blank cell on the form. `null` means "not assessed".
///   The scalp has no `scarring`: scalp scarring is `scarring_alopecia`.
/// - The five once-only items must be present: leaving one out is an error, not a zero, because
///   each is a separate question the assessor answers once; `null` records "not assessed".
/// - `dyspigmentation_lasts_12_months`: the patient's answer to "dyspigmentation usually lasts
///   at least 12 months"; `true` doubles the dyspigmentation sum ([S5]; ≥ 12 months, §1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clasi {
    pub areas: Areas,
    #[serde(deserialize_with = "required")]
    pub mucous_membrane: Option<MucousMembrane>,
    #[serde(deserialize_with = "required")]
    pub recent_hair_loss: Option<RecentHairLoss>,
    #[serde(deserialize_with = "required")]
    pub nonscarring_alopecia: Option<NonScarringAlopecia>,
    #[serde(deserialize_with = "required")]
    pub scarring_alopecia: Option<ScarringAlopecia>,
    #[serde(deserialize_with = "required")]
    pub dyspigmentation_lasts_12_months: Option<bool>,
}

/// A nullable field that must be present: with `deserialize_with`, serde reports a missing
/// field instead of defaulting it to `None`.
fn required<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

impl Clasi {
    /// The maximum activity score [S3].
    pub const MAX_ACTIVITY: u8 = 70;
    /// The maximum damage score [S3].
    pub const MAX_DAMAGE: u8 = 56;

    /// An assessment with nothing found: every item assessed and absent.
    pub fn clear() -> Clasi {
        Clasi {
            areas: Areas::default(),
            mucous_membrane: absent(),
            recent_hair_loss: absent(),
            nonscarring_alopecia: absent(),
            scarring_alopecia: absent(),
            dyspigmentation_lasts_12_months: Some(false),
        }
    }

    /// CLASI activity, 0-70, or `None` if any activity item was not assessed.
    pub fn activity(&self) -> Option<u8> {
        self.activity_parts().total()
    }

    /// CLASI damage, 0-56, or `None` if any damage item was not assessed.
    pub fn damage(&self) -> Option<u8> {
        self.damage_parts().total()
    }

    /// The activity columns, each summed over the areas.
    pub fn activity_parts(&self) -> ActivityParts {
        ActivityParts {
            erythema: self
                .areas
                .erythema()
                .map(|(_, item)| points(item))
                .into_iter()
                .sum(),
            scale: self.areas.scale().map(points).sum(),
            mucous_membrane: points(self.mucous_membrane),
            recent_hair_loss: points(self.recent_hair_loss),
            nonscarring_alopecia: points(self.nonscarring_alopecia),
        }
    }

    /// The damage columns, each summed over the areas.
    pub fn damage_parts(&self) -> DamageParts {
        let dyspigmentation: Option<u8> = self.areas.dyspigmentation().map(points).sum();
        // The 12-month answer only matters when some dyspigmentation is present, so an
        // unanswered question does not hide a damage score it cannot change.
        let dyspigmentation_factor = match (dyspigmentation, self.dyspigmentation_lasts_12_months) {
            (Some(0), _) | (_, Some(false)) => Some(1),
            (_, Some(true)) => Some(2),
            (_, None) => None,
        };
        let scarring = self
            .areas
            .below_scalp()
            .map(|(_, scores)| points(scores.scarring));
        DamageParts {
            dyspigmentation,
            dyspigmentation_factor,
            scarring: scarring.into_iter().sum(),
            scarring_alopecia: points(self.scarring_alopecia),
        }
    }

    /// The severity band of the activity score [S7], or `None` if activity is missing.
    pub fn severity(&self) -> Option<Severity> {
        self.activity().map(severity)
    }

    /// Whether some area has erythema of at least `level` (the trial's inclusion asks for
    /// grade 2 or more, PROTOCOL.md I3): `Some(true)` as soon as one assessed area does,
    /// `Some(false)` only when every area was assessed and none does, `None` otherwise.
    pub fn erythema_at_least(&self, level: Erythema) -> Option<bool> {
        let erythema = self.areas.erythema();
        if erythema
            .iter()
            .any(|(_, item)| item.is_some_and(|e| e >= level))
        {
            Some(true)
        } else if erythema.iter().all(|(_, item)| item.is_some()) {
            Some(false)
        } else {
            None
        }
    }
}

/// CLASI activity by column; `None` where an item of the column was not assessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ActivityParts {
    /// Erythema summed over the 13 areas (0-39).
    pub erythema: Option<u8>,
    /// Scale/hypertrophy summed over the 13 areas (0-26).
    pub scale: Option<u8>,
    pub mucous_membrane: Option<u8>,
    pub recent_hair_loss: Option<u8>,
    pub nonscarring_alopecia: Option<u8>,
}

impl ActivityParts {
    /// The activity score: the sum of the columns.
    pub fn total(&self) -> Option<u8> {
        [
            self.erythema,
            self.scale,
            self.mucous_membrane,
            self.recent_hair_loss,
            self.nonscarring_alopecia,
        ]
        .into_iter()
        .sum()
    }

    /// Erythema plus scale/hypertrophy summed over the 13 areas (0-65): the activity of the
    /// lesions themselves, without mucosa and hair, which entry criteria such as LAVENDER's
    /// "erythema + scale >= 7" test (FRONTIER.md, NCT06015737; the listing was not retrieved
    /// here [UNVERIFIED]). `None` if an erythema or scale item was not assessed.
    pub fn erythema_and_scale(&self) -> Option<u8> {
        Some(self.erythema? + self.scale?)
    }
}

/// CLASI damage by column; `None` where an item of the column was not assessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DamageParts {
    /// Dyspigmentation summed over the 13 areas, before doubling (0-13).
    pub dyspigmentation: Option<u8>,
    /// 2 when dyspigmentation usually lasts at least 12 months, else 1 [S5].
    pub dyspigmentation_factor: Option<u8>,
    /// Scarring/atrophy/panniculitis summed over the 12 areas other than the scalp (0-24).
    pub scarring: Option<u8>,
    /// Scarring alopecia of the scalp (0, 3-6).
    pub scarring_alopecia: Option<u8>,
}

impl DamageParts {
    /// The damage score: doubled-or-not dyspigmentation plus scarring plus scarring alopecia.
    pub fn total(&self) -> Option<u8> {
        Some(
            self.dyspigmentation? * self.dyspigmentation_factor?
                + self.scarring?
                + self.scarring_alopecia?,
        )
    }
}

/// Severity band of a CLASI activity score (Klein et al., Arch Dermatol 2011;147:203 [S7]):
/// 0-9 mild, 10-20 moderate, 21-70 severe.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mild,
    Moderate,
    Severe,
}

/// The severity band of a CLASI activity score [S7]. Activity cannot exceed 70; a larger
/// number is still "severe".
pub fn severity(activity: u8) -> Severity {
    match activity {
        0..=9 => Severity::Mild,
        10..=20 => Severity::Moderate,
        _ => Severity::Severe,
    }
}

/// The change of CLASI activity from a baseline, with the response definitions that use it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ActivityChange {
    pub baseline: u8,
    pub current: u8,
    /// Baseline minus current: positive is improvement.
    pub decrease: i16,
    /// The decrease as a percentage of baseline; `None` when the baseline is 0.
    pub percent_decrease: Option<f64>,
    /// CLASI-50: a decrease of at least 50% [S8] (the trial's partial response, PROTOCOL.md).
    pub clasi_50: Option<bool>,
    /// A decrease of at least 4 points (Klein 2011 ROC [S7]).
    pub improved_4_points: bool,
    /// A decrease of at least 20% (Klein 2011 ROC [S7]).
    pub improved_20_percent: Option<bool>,
}

/// Compares activity `current` with `baseline`. Percent-based definitions are `None` (not
/// "responder") when the baseline is 0 (§1.6). The percentage thresholds are tested in integer
/// arithmetic (`decrease * 100 >= percent * baseline`), so exactly 50% or 20% qualifies.
pub fn activity_change(baseline: u8, current: u8) -> ActivityChange {
    let decrease = i16::from(baseline) - i16::from(current);
    let at_least =
        |percent: i16| (baseline > 0).then(|| decrease * 100 >= percent * i16::from(baseline));
    ActivityChange {
        baseline,
        current,
        decrease,
        percent_decrease: (baseline > 0).then(|| f64::from(decrease) * 100.0 / f64::from(baseline)),
        clasi_50: at_least(50),
        improved_4_points: decrease >= 4,
        improved_20_percent: at_least(20),
    }
}

/// A CLASI-A responder definition: a fall of at least `percent`% from baseline, counted only
/// among patients whose baseline activity is at least `min_baseline`. CLASI-50 is LILAC's
/// "decrease of >= 50% from baseline in CLASI-A score" [O13] and CLASI-70 AMETHYST's "at least
/// 70%" [O12]; both trials enrolled patients with CLASI-A >= 10 [O12, FRONTIER.md], the
/// default minimum. Chakka et al. (JAAD 2021) suggest 8 instead [S8]: a protocol sets its own.
/// [`ActivityChange::clasi_50`] is the index trial's partial response, defined for any baseline
/// above 0; this is the trials' endpoint with its responder population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClasiResponse {
    percent: u8,
    min_baseline: u8,
}

impl ClasiResponse {
    /// >= 50% fall, baseline >= 10 [O13].
    pub const CLASI_50: ClasiResponse = ClasiResponse {
        percent: 50,
        min_baseline: 10,
    };
    /// >= 70% fall, baseline >= 10 [O12].
    pub const CLASI_70: ClasiResponse = ClasiResponse {
        percent: 70,
        min_baseline: 10,
    };

    /// `percent` 1 to 100; `min_baseline` 1 to 70 (a baseline of 0 has no percentage to fall).
    pub fn new(percent: u8, min_baseline: u8) -> Result<ClasiResponse, OutOfRange> {
        within("the CLASI response percentage", percent.into(), 1, 100)?;
        within(
            "the CLASI response minimum baseline",
            min_baseline.into(),
            1,
            Clasi::MAX_ACTIVITY.into(),
        )?;
        Ok(ClasiResponse {
            percent,
            min_baseline,
        })
    }

    pub fn percent(self) -> u8 {
        self.percent
    }

    pub fn min_baseline(self) -> u8 {
        self.min_baseline
    }

    /// `Some(true)` when activity fell from `baseline` to `current` by at least the percentage
    /// (tested in integers, so exactly 50% qualifies); `None` when the baseline is below the
    /// minimum: that patient is outside the responder population, which is not "non-responder".
    pub fn judge(self, baseline: u8, current: u8) -> Option<bool> {
        (baseline >= self.min_baseline).then(|| {
            let fall = i32::from(baseline) - i32::from(current);
            fall * 100 >= i32::from(self.percent) * i32::from(baseline)
        })
    }
}

/// The percent change of CLASI activity from `baseline` to `current`, `(current - baseline) /
/// baseline x 100`: negative is improvement (PAISLEY CLE's primary endpoint, FRONTIER.md).
/// `None` when the baseline is 0: there is nothing to take a percentage of, and any number
/// (0%, or -100% for a patient still clear) would be invented.
pub fn percent_change(baseline: u8, current: u8) -> Option<f64> {
    (baseline > 0).then(|| (f64::from(current) - f64::from(baseline)) * 100.0 / f64::from(baseline))
}
