//! Cutaneous lupus erythematosus subtypes and the two classifications that group them
//! (INSTRUMENTS.md §6).
//!
//! - Gilliam/Sontheimer: ACLE, SCLE, CCLE, with LE tumidus under CCLE [S39, S40].
//! - Duesseldorf (Kuhn et al. 2004): ACLE, SCLE, CCLE and intermittent CLE (ICLE), where LE
//!   tumidus is ICLE, not CCLE [S12].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A CLE subtype, as recorded for a patient. Ids are snake case, e.g. `dle_localized`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subtype {
    /// Acute CLE, localized (malar) [S40].
    AcleLocalized,
    /// Acute CLE, generalized [S40].
    AcleGeneralized,
    /// Subacute CLE, annular [S40].
    ScleAnnular,
    /// Subacute CLE, papulosquamous [S40].
    SclePapulosquamous,
    /// Classic discoid LE confined to the head and neck [S40, S41].
    DleLocalized,
    /// Classic discoid LE extending below the neck [S40, S41].
    DleGeneralized,
    /// Hypertrophic (verrucous) DLE [S39, S41].
    DleHypertrophic,
    /// Mucosal DLE: oral, conjunctival, nasal, genital [S39].
    DleMucosal,
    /// Lupus panniculitis / LE profundus [S39, S41].
    LupusProfundus,
    /// Chilblain LE [S40, S41].
    Chilblain,
    /// LE tumidus [S40, S41].
    Tumidus,
    /// Any other form (e.g. TEN-like ACLE, erythrodermic SCLE, DLE/lichen planus overlap):
    /// recorded but not grouped.
    Other,
}

/// Which classification groups the subtypes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    Gilliam,
    Dusseldorf,
}

/// A subtype's category under a [`Scheme`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Acute cutaneous LE.
    Acle,
    /// Subacute cutaneous LE.
    Scle,
    /// Chronic cutaneous LE.
    Ccle,
    /// Intermittent cutaneous LE (Duesseldorf only).
    Icle,
    /// Not grouped ([`Subtype::Other`]).
    Other,
}

impl Subtype {
    pub const ALL: [Subtype; 12] = [
        Subtype::AcleLocalized,
        Subtype::AcleGeneralized,
        Subtype::ScleAnnular,
        Subtype::SclePapulosquamous,
        Subtype::DleLocalized,
        Subtype::DleGeneralized,
        Subtype::DleHypertrophic,
        Subtype::DleMucosal,
        Subtype::LupusProfundus,
        Subtype::Chilblain,
        Subtype::Tumidus,
        Subtype::Other,
    ];

    /// The id used in JSON and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Subtype::AcleLocalized => "acle_localized",
            Subtype::AcleGeneralized => "acle_generalized",
            Subtype::ScleAnnular => "scle_annular",
            Subtype::SclePapulosquamous => "scle_papulosquamous",
            Subtype::DleLocalized => "dle_localized",
            Subtype::DleGeneralized => "dle_generalized",
            Subtype::DleHypertrophic => "dle_hypertrophic",
            Subtype::DleMucosal => "dle_mucosal",
            Subtype::LupusProfundus => "lupus_profundus",
            Subtype::Chilblain => "chilblain",
            Subtype::Tumidus => "tumidus",
            Subtype::Other => "other",
        }
    }

    /// The name a clinician reads on a page, e.g. `DLE, localized` (the abbreviations of
    /// [S40]: ACLE, SCLE, DLE, LE).
    pub fn label(self) -> &'static str {
        match self {
            Subtype::AcleLocalized => "ACLE, localized",
            Subtype::AcleGeneralized => "ACLE, generalized",
            Subtype::ScleAnnular => "SCLE, annular",
            Subtype::SclePapulosquamous => "SCLE, papulosquamous",
            Subtype::DleLocalized => "DLE, localized",
            Subtype::DleGeneralized => "DLE, generalized",
            Subtype::DleHypertrophic => "DLE, hypertrophic",
            Subtype::DleMucosal => "DLE, mucosal",
            Subtype::LupusProfundus => "LE profundus",
            Subtype::Chilblain => "Chilblain LE",
            Subtype::Tumidus => "LE tumidus",
            Subtype::Other => "Other CLE",
        }
    }

    /// Classic DLE, localized when confined to the head and neck and generalized when it
    /// extends below the neck [S40, S41].
    pub fn classic_dle(extends_below_neck: bool) -> Subtype {
        if extends_below_neck {
            Subtype::DleGeneralized
        } else {
            Subtype::DleLocalized
        }
    }

    /// Whether this is a form of discoid LE (classic, hypertrophic or mucosal).
    pub fn is_dle(self) -> bool {
        matches!(
            self,
            Subtype::DleLocalized
                | Subtype::DleGeneralized
                | Subtype::DleHypertrophic
                | Subtype::DleMucosal
        )
    }

    /// The category under `scheme`. The schemes differ only for LE tumidus: CCLE under
    /// Gilliam [S40], ICLE under Duesseldorf [S12].
    pub fn category(self, scheme: Scheme) -> Category {
        match self {
            Subtype::AcleLocalized | Subtype::AcleGeneralized => Category::Acle,
            Subtype::ScleAnnular | Subtype::SclePapulosquamous => Category::Scle,
            Subtype::Tumidus if scheme == Scheme::Dusseldorf => Category::Icle,
            Subtype::Tumidus
            | Subtype::DleLocalized
            | Subtype::DleGeneralized
            | Subtype::DleHypertrophic
            | Subtype::DleMucosal
            | Subtype::LupusProfundus
            | Subtype::Chilblain => Category::Ccle,
            Subtype::Other => Category::Other,
        }
    }
}

impl fmt::Display for Subtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// An id that names no [`Subtype`]; the message lists the allowed ids.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown CLE subtype '{0}'; allowed: {ids}", ids = allowed_ids())]
pub struct UnknownSubtype(pub String);

fn allowed_ids() -> String {
    Subtype::ALL.map(Subtype::id).join(", ")
}

impl FromStr for Subtype {
    type Err = UnknownSubtype;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Subtype::ALL
            .into_iter()
            .find(|subtype| subtype.id() == text)
            .ok_or_else(|| UnknownSubtype(text.to_owned()))
    }
}

/// CLE subtype as the paper's Table 1 groups them (Gilliam's classification, tumidus apart).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
pub enum SubtypeGroup {
    #[serde(rename = "DLE")]
    Dle,
    #[serde(rename = "Lupus profundus")]
    LupusProfundus,
    #[serde(rename = "SCLE")]
    Scle,
    #[serde(rename = "ACLE")]
    Acle,
    #[serde(rename = "LET")]
    Tumidus,
    #[serde(rename = "Other")]
    Other,
}

impl SubtypeGroup {
    pub const ALL: [SubtypeGroup; 6] = [
        SubtypeGroup::Dle,
        SubtypeGroup::LupusProfundus,
        SubtypeGroup::Scle,
        SubtypeGroup::Acle,
        SubtypeGroup::Tumidus,
        SubtypeGroup::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SubtypeGroup::Dle => "DLE",
            SubtypeGroup::LupusProfundus => "Lupus profundus",
            SubtypeGroup::Scle => "SCLE",
            SubtypeGroup::Acle => "ACLE",
            SubtypeGroup::Tumidus => "LET",
            SubtypeGroup::Other => "Other",
        }
    }

    /// The group with this id or label, in any case (`scle`, `SCLE`, `lupus profundus`).
    pub fn find(text: &str) -> Option<SubtypeGroup> {
        let wanted = crate::vocabulary::normalise(text);
        SubtypeGroup::ALL.into_iter().find(|g| {
            crate::vocabulary::normalise(g.id()) == wanted
                || crate::vocabulary::normalise(g.label()) == wanted
        })
    }

    /// A stable id for result names (`lupus_profundus`).
    pub fn id(self) -> &'static str {
        match self {
            SubtypeGroup::Dle => "dle",
            SubtypeGroup::LupusProfundus => "lupus_profundus",
            SubtypeGroup::Scle => "scle",
            SubtypeGroup::Acle => "acle",
            SubtypeGroup::Tumidus => "let",
            SubtypeGroup::Other => "other",
        }
    }

    /// The group of a recorded subtype: every discoid form is DLE (the paper's Table 1 prints DLE
    /// with its extent), profundus and tumidus keep their own rows as in the paper.
    pub fn of(subtype: Subtype) -> SubtypeGroup {
        use Subtype as S;
        match subtype {
            s if s.is_dle() => SubtypeGroup::Dle,
            S::LupusProfundus => SubtypeGroup::LupusProfundus,
            S::ScleAnnular | S::SclePapulosquamous => SubtypeGroup::Scle,
            S::AcleLocalized | S::AcleGeneralized => SubtypeGroup::Acle,
            S::Tumidus => SubtypeGroup::Tumidus,
            _ => SubtypeGroup::Other,
        }
    }
}
