//! SLEDAI-2K (Gladman, Ibanez, Urowitz. J Rheumatol 2002;29:288) [S13, S15] and flare rules
//! (INSTRUMENTS.md §2).
//!
//! The score is the sum of the weights of the descriptors present, each counted once however
//! many manifestations it has; range 0-105 [S17]. Attribution (only items confidently due to
//! lupus and reversible [S17]) is the assessor's job: this module scores what it is given.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The 24 SLEDAI-2K descriptors, in form order [S13].
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
pub enum Descriptor {
    Seizure,
    Psychosis,
    OrganicBrainSyndrome,
    VisualDisturbance,
    CranialNerveDisorder,
    LupusHeadache,
    Cva,
    Vasculitis,
    /// Joints with pain and signs of inflammation: "≥2" on most 2K forms, "more than 2" on one
    /// rendering [S13, S23]; unresolved (INSTRUMENTS.md §7.4). The assessor decides presence.
    Arthritis,
    Myositis,
    UrinaryCasts,
    Hematuria,
    Proteinuria,
    Pyuria,
    Rash,
    Alopecia,
    MucosalUlcers,
    Pleurisy,
    Pericarditis,
    LowComplement,
    IncreasedDnaBinding,
    Fever,
    Thrombocytopenia,
    Leukopenia,
}

impl Descriptor {
    pub const ALL: [Descriptor; 24] = [
        Descriptor::Seizure,
        Descriptor::Psychosis,
        Descriptor::OrganicBrainSyndrome,
        Descriptor::VisualDisturbance,
        Descriptor::CranialNerveDisorder,
        Descriptor::LupusHeadache,
        Descriptor::Cva,
        Descriptor::Vasculitis,
        Descriptor::Arthritis,
        Descriptor::Myositis,
        Descriptor::UrinaryCasts,
        Descriptor::Hematuria,
        Descriptor::Proteinuria,
        Descriptor::Pyuria,
        Descriptor::Rash,
        Descriptor::Alopecia,
        Descriptor::MucosalUlcers,
        Descriptor::Pleurisy,
        Descriptor::Pericarditis,
        Descriptor::LowComplement,
        Descriptor::IncreasedDnaBinding,
        Descriptor::Fever,
        Descriptor::Thrombocytopenia,
        Descriptor::Leukopenia,
    ];

    /// The descriptor's weight: 8 for the neurological descriptors and vasculitis, 4 for the
    /// musculoskeletal and renal ones, 2 for the skin, serosal and immunological ones, 1 for
    /// fever and the cytopenias [S13, S18, S23]; they sum to 105 [S17].
    pub fn weight(self) -> u8 {
        use Descriptor::*;
        match self {
            Seizure | Psychosis | OrganicBrainSyndrome | VisualDisturbance
            | CranialNerveDisorder | LupusHeadache | Cva | Vasculitis => 8,
            Arthritis | Myositis | UrinaryCasts | Hematuria | Proteinuria | Pyuria => 4,
            Rash | Alopecia | MucosalUlcers | Pleurisy | Pericarditis | LowComplement
            | IncreasedDnaBinding => 2,
            Fever | Thrombocytopenia | Leukopenia => 1,
        }
    }
}

/// The look-back window the descriptors were assessed over, recorded with the score.
/// Serialized as `"10d"` or `"30d"`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
pub enum Window {
    /// Present at the visit or in the preceding 10 days: the instrument's definition [S13].
    #[default]
    #[serde(rename = "10d")]
    Days10,
    /// The validated 30-day variant (Touma et al., Lupus 2010;19:49) [S14].
    #[serde(rename = "30d")]
    Days30,
}

/// One SLEDAI-2K assessment.
///
/// JSON input: `{"descriptors": ["arthritis", "rash"], "window": "10d"}`. `descriptors` lists the
/// ids of the descriptors present (see [`Descriptor`]; an id listed twice counts once);
/// `window` is `"10d"` (the default when omitted, the instrument's own window [S13]) or `"30d"`.
/// Unknown keys and unknown ids are errors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sledai2k {
    pub descriptors: BTreeSet<Descriptor>,
    #[serde(default)]
    pub window: Window,
}

impl Sledai2k {
    /// The SLEDAI-2K score, 0 to 105.
    pub fn score(&self) -> u8 {
        self.descriptors.iter().map(|d| d.weight()).sum()
    }
}

/// Which flare definition to apply; the choice is a protocol setting (INSTRUMENTS.md §0.4, §2.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlareRule {
    /// The index trial's rule (Cortes-Hernandez 2012 [S20]) and the change-score convention
    /// [S17]: an increase above 3 is a mild flare, an increase above 12 a severe one.
    #[default]
    ChangeScore,
    /// The score part of the SELENA-SLEDAI Flare Index [S16, S17]: an increase of 3 or more
    /// that stays at or below 12 is a mild/moderate flare; an increase that takes the score
    /// above 12 is severe. The index's clinical criteria (new rash types, prednisone, PGA...)
    /// are not scores and are not covered here.
    Selena,
}

/// A flare's severity. Under [`FlareRule::Selena`], `Mild` stands for "mild/moderate".
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Flare {
    Mild,
    Severe,
}

/// Classifies the change from `previous` to `current` SLEDAI-2K score; `None` means no flare.
///
/// Under [`FlareRule::Selena`] "change to >12" is read as: the score went up (by any amount)
/// and the new score is above 12. A score that was already above 12 and did not go up is no
/// flare.
pub fn classify_flare(rule: FlareRule, previous: u8, current: u8) -> Option<Flare> {
    let increase = i16::from(current) - i16::from(previous);
    match rule {
        FlareRule::ChangeScore if increase > 12 => Some(Flare::Severe),
        FlareRule::ChangeScore if increase > 3 => Some(Flare::Mild),
        FlareRule::Selena if increase > 0 && current > 12 => Some(Flare::Severe),
        FlareRule::Selena if increase >= 3 => Some(Flare::Mild),
        _ => None,
    }
}
