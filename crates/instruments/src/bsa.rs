//! Body surface area involved, by Wallace's rule of nines (INSTRUMENTS.md §4, [S27]).
//!
//! Adults only: children need the Lund-Browder chart, which is not implemented. The trial's
//! inclusion "> 18% of body surface involved" (PROTOCOL.md I6) is [`BodySurface::over_18_percent`].
//! CLASI is not BSA-based; this is a separate eligibility measurement.

use serde::{Deserialize, Serialize};

/// A rule-of-nines region. The trunk is one region whose front is the anterior trunk (chest
/// and abdomen, 18%) and whose back is the posterior trunk (back and buttocks, 18%) [S27].
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
pub enum Region {
    HeadNeck,
    Trunk,
    LeftUpperLimb,
    RightUpperLimb,
    LeftLowerLimb,
    RightLowerLimb,
    Perineum,
}

impl Region {
    pub const ALL: [Region; 7] = [
        Region::HeadNeck,
        Region::Trunk,
        Region::LeftUpperLimb,
        Region::RightUpperLimb,
        Region::LeftLowerLimb,
        Region::RightLowerLimb,
        Region::Perineum,
    ];

    /// The region's share of the body surface in half percent, so that half a region stays
    /// exact: head and neck 9%, trunk 36%, each upper limb 9%, each lower limb 18%,
    /// perineum 1%; total 100% [S27].
    fn half_percent(self) -> u16 {
        match self {
            Region::HeadNeck | Region::LeftUpperLimb | Region::RightUpperLimb => 18,
            Region::Trunk => 72,
            Region::LeftLowerLimb | Region::RightLowerLimb => 36,
            Region::Perineum => 2,
        }
    }

    /// The region's whole share of the body surface, in percent.
    pub fn percent(self) -> f64 {
        f64::from(self.half_percent()) / 2.0
    }
}

/// How much of a region is involved: all of it, or its front or back half ("front or back of
/// one region = half its value" [S27]).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Extent {
    #[default]
    Whole,
    Front,
    Back,
}

/// One involved region, as recorded: `{"region": "trunk", "extent": "front"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Involvement {
    pub region: Region,
    #[serde(default)]
    pub extent: Extent,
}

/// The involved body surface. Recording the same half twice counts it once; front plus back is
/// the whole region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodySurface {
    /// Per region (in [`Region::ALL`] order): front involved, back involved.
    halves: [(bool, bool); 7],
}

impl BodySurface {
    /// No region involved.
    pub fn new() -> BodySurface {
        BodySurface::default()
    }

    /// Marks `extent` of `region` as involved.
    pub fn involve(&mut self, region: Region, extent: Extent) -> &mut BodySurface {
        let (front, back) = &mut self.halves[region as usize];
        *front |= extent != Extent::Back;
        *back |= extent != Extent::Front;
        self
    }

    /// The involved regions with the extent and percentage used for each, for the record.
    pub fn involved(&self) -> Vec<(Region, Extent, f64)> {
        Region::ALL
            .into_iter()
            .zip(self.halves)
            .filter_map(|(region, halves)| {
                let extent = match halves {
                    (true, true) => Extent::Whole,
                    (true, false) => Extent::Front,
                    (false, true) => Extent::Back,
                    (false, false) => return None,
                };
                Some((region, extent, share(region, extent) / 2.0))
            })
            .collect()
    }

    /// The involved body surface in percent, 0 to 100.
    pub fn percent(&self) -> f64 {
        self.involved().iter().map(|&(_, _, percent)| percent).sum()
    }

    /// The trial's eligibility test: strictly more than 18% of the body surface involved
    /// (PROTOCOL.md I6); exactly 18% does not qualify.
    pub fn over_18_percent(&self) -> bool {
        self.percent() > 18.0
    }
}

/// Half percents of `extent` of `region`, as f64 (exact: small integers).
fn share(region: Region, extent: Extent) -> f64 {
    let whole = region.half_percent();
    f64::from(if extent == Extent::Whole {
        whole
    } else {
        whole / 2
    })
}

impl FromIterator<Involvement> for BodySurface {
    fn from_iter<I: IntoIterator<Item = Involvement>>(involvements: I) -> Self {
        let mut surface = BodySurface::new();
        for Involvement { region, extent } in involvements {
            surface.involve(region, extent);
        }
        surface
    }
}
