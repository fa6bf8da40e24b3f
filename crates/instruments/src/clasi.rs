//! CLASI: Cutaneous Lupus Erythematosus Disease Area and Severity Index (Albrecht et al.,
//! J Invest Dermatol 2005;125:889) (INSTRUMENTS.md §1).

use serde::{Deserialize, Serialize};

/// Severity band of a CLASI activity score (Klein et al., Arch Dermatol 2011;147:203 [S7]):
/// 0-9 mild, 10-20 moderate, 21-70 severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
