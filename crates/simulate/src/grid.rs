//! A CLASI form, area by area, whose totals are given: the per-area items a study record holds
//! for a virtual or published patient whose course is known only by its activity and damage
//! totals.
//!
//! The items are filled the way the form adds up (INSTRUMENTS.md §1): activity is erythema
//! (0-3 per area) then scale (0-2 per area); damage is scarring (0-2 per area below the scalp)
//! then dyspigmentation (0-1 per area, not doubled). The patient's involved areas are filled
//! first, one point at a time around them, so that a lesion fades evenly; only what they cannot
//! hold spills to the other areas, in form order. The once-only activity items (mucous membrane,
//! hair loss, non-scarring alopecia) stay absent: they are assessed and 0. A damage above the 37
//! points the areas hold takes scarring alopecia of the scalp (3-6) and, above 43, the 12-month
//! dyspigmentation that doubles (INSTRUMENTS.md §1: 24 + 2 × 13 + 6 = 56).

use instruments::clasi::{
    Area, AreaScores, Clasi, Dyspigmentation, Erythema, Scale, ScalpScores, Scarring,
    ScarringAlopecia,
};
use instruments::subtype::Subtype;

/// The areas a virtual patient of `subtype` has lesions on, for the simulator's records: the
/// face for localized DLE and tumidus, face, scalp and upper trunk for the widespread forms.
/// Illustrative (the simulator's model has no sites); it only places the totals on the form.
pub fn typical_areas(subtype: Subtype) -> &'static [Area] {
    match subtype {
        Subtype::DleLocalized
        | Subtype::DleMucosal
        | Subtype::DleHypertrophic
        | Subtype::Tumidus
        | Subtype::AcleLocalized => &[Area::NoseMalar, Area::RestOfFace],
        Subtype::ScleAnnular | Subtype::SclePapulosquamous | Subtype::AcleGeneralized => {
            &[Area::NoseMalar, Area::VNeck, Area::Arms, Area::BackButtocks]
        }
        Subtype::LupusProfundus => &[Area::Arms, Area::RestOfFace, Area::BackButtocks],
        Subtype::Chilblain => &[Area::Hands, Area::Feet],
        Subtype::DleGeneralized | Subtype::Other => {
            &[Area::Scalp, Area::NoseMalar, Area::RestOfFace, Area::VNeck]
        }
    }
}

/// The areas in filling order, `involved` first (as given, without repeats), then the rest;
/// and how many of them are involved.
fn order(involved: &[Area]) -> (Vec<Area>, usize) {
    let mut areas: Vec<Area> = Vec::with_capacity(Area::ALL.len());
    for area in involved {
        if !areas.contains(area) {
            areas.push(*area);
        }
    }
    let count = areas.len();
    for area in Area::ALL {
        if !areas.contains(&area) {
            areas.push(area);
        }
    }
    (areas, count)
}

/// Adds up to `left` points to `column` at `slots`, one at a time around them (so that the
/// points spread evenly), none above `max`.
fn fill(
    left: &mut u8,
    column: &mut [u8],
    slots: std::ops::Range<usize>,
    max: impl Fn(usize) -> u8,
) {
    loop {
        let before = *left;
        for slot in slots.clone() {
            if *left > 0 && column[slot] < max(slot) {
                column[slot] += 1;
                *left -= 1;
            }
        }
        if *left == 0 || *left == before {
            return;
        }
    }
}

/// A CLASI whose activity is `activity` and damage `damage`, lesions on `involved` first;
/// `None` when the totals cannot be placed (activity above 65 this way, or damage above 56).
pub fn clasi_with_totals(activity: u8, damage: u8, involved: &[Area]) -> Option<Clasi> {
    let (areas, involved_count) = order(involved);
    let count = areas.len();
    let mine = 0..involved_count;
    let others = mine.end..count;
    let mut erythema = vec![0u8; count];
    let mut scale = vec![0u8; count];
    let mut scarring = vec![0u8; count];
    let mut dyspigmentation = vec![0u8; count];
    let mut left = activity;
    for slots in [mine.clone(), others.clone()] {
        fill(&mut left, &mut erythema, slots.clone(), |_| 3);
        fill(&mut left, &mut scale, slots, |_| 2);
    }
    if left > 0 {
        return None;
    }
    // Scarring of the scalp is scarring alopecia (0, 3-6), so the scalp takes no scarring here.
    let scarring_max = |slot: usize| if areas[slot] == Area::Scalp { 0 } else { 2 };
    let split = DamageSplit::of(damage)?;
    if split.doubled {
        // Every area's dyspigmentation counts twice; scarring takes what is left (12-24 points).
        left = Area::ALL.len() as u8;
        for slots in [mine.clone(), others.clone()] {
            fill(&mut left, &mut dyspigmentation, slots, |_| 1);
        }
        left = split.on_areas - 2 * Area::ALL.len() as u8;
        for slots in [mine, others] {
            fill(&mut left, &mut scarring, slots, scarring_max);
        }
    } else {
        left = split.on_areas;
        for slots in [mine, others] {
            fill(&mut left, &mut scarring, slots.clone(), scarring_max);
            fill(&mut left, &mut dyspigmentation, slots, |_| 1);
        }
    }
    if left > 0 {
        return None;
    }

    let mut clasi = Clasi::clear();
    clasi.scarring_alopecia = Some(ScarringAlopecia::from_points(split.scarring_alopecia).ok()?);
    clasi.dyspigmentation_lasts_12_months = Some(split.doubled);
    for (index, area) in areas.iter().enumerate() {
        let erythema = Erythema::new(erythema[index]).ok()?;
        let scale = Scale::new(scale[index]).ok()?;
        let dyspigmentation = Dyspigmentation::new(dyspigmentation[index]).ok()?;
        if *area == Area::Scalp {
            clasi.areas.scalp = ScalpScores {
                erythema: Some(erythema),
                scale: Some(scale),
                dyspigmentation: Some(dyspigmentation),
            };
            continue;
        }
        let scores = AreaScores {
            erythema: Some(erythema),
            scale: Some(scale),
            dyspigmentation: Some(dyspigmentation),
            scarring: Some(Scarring::new(scarring[index]).ok()?),
        };
        *area_mut(&mut clasi, *area)? = scores;
    }
    Some(clasi)
}

/// How a damage total is shared between the areas, scarring alopecia and the doubling.
struct DamageSplit {
    scarring_alopecia: u8,
    doubled: bool,
    /// Points of scarring and dyspigmentation (each dyspigmentation point counted twice when
    /// doubled).
    on_areas: u8,
}

impl DamageSplit {
    /// The areas alone hold 24 scarring + 13 dyspigmentation = 37; scarring alopecia scores 3-6,
    /// so 38-43 take it at 3 or more and the areas the rest (35-37); 44-56 take it at 6 with the
    /// doubling (areas 38-50 of 24 + 2 × 13).
    fn of(damage: u8) -> Option<DamageSplit> {
        let (scarring_alopecia, doubled) = match damage {
            0..=37 => (0, false),
            38..=43 => ((damage - 37).max(3), false),
            44..=Clasi::MAX_DAMAGE => (6, true),
            _ => return None,
        };
        Some(DamageSplit {
            scarring_alopecia,
            doubled,
            on_areas: damage - scarring_alopecia,
        })
    }
}

fn area_mut(clasi: &mut Clasi, area: Area) -> Option<&mut AreaScores> {
    let areas = &mut clasi.areas;
    Some(match area {
        Area::Scalp => return None,
        Area::Ears => &mut areas.ears,
        Area::NoseMalar => &mut areas.nose_malar,
        Area::RestOfFace => &mut areas.rest_of_face,
        Area::VNeck => &mut areas.v_neck,
        Area::PosteriorNeckShoulders => &mut areas.posterior_neck_shoulders,
        Area::Chest => &mut areas.chest,
        Area::Abdomen => &mut areas.abdomen,
        Area::BackButtocks => &mut areas.back_buttocks,
        Area::Arms => &mut areas.arms,
        Area::Hands => &mut areas.hands,
        Area::Legs => &mut areas.legs,
        Area::Feet => &mut areas.feet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(activity: u8, damage: u8, involved: &[Area], expect: Option<(u8, u8)>) {
        let clasi = clasi_with_totals(activity, damage, involved);
        assert_eq!(
            clasi.map(|c| (
                c.activity().expect("every item assessed"),
                c.damage().expect("every item assessed")
            )),
            expect,
            "activity {activity}, damage {damage}, {involved:?}"
        );
    }

    #[test]
    fn the_totals_come_back_from_the_form() {
        let face = [Area::NoseMalar, Area::RestOfFace];
        check(0, 0, &face, Some((0, 0)));
        check(
            17,
            8,
            &[Area::Scalp, Area::NoseMalar, Area::VNeck],
            Some((17, 8)),
        );
        // 13 areas hold 39 erythema and 26 scale points, 24 scarring and 13 dyspigmentation;
        // scarring alopecia (up to 6) and the doubling of dyspigmentation (13 more) reach 56.
        check(65, 56, &face, Some((65, 56)));
        check(66, 0, &face, None);
        check(0, 57, &face, None);
        for activity in 0..=65 {
            check(activity, 0, &[Area::Scalp], Some((activity, 0)));
        }
        for damage in 0..=56 {
            check(0, damage, &[Area::Scalp], Some((0, damage)));
        }
    }

    #[test]
    fn damage_beyond_the_areas_takes_alopecia_then_the_doubling() {
        // (damage, scarring alopecia, doubled) on both sides of 37 and 43.
        for (damage, alopecia, doubled) in [
            (37, 0, false),
            (38, 3, false),
            (40, 3, false),
            (41, 4, false),
            (43, 6, false),
            (44, 6, true),
            (56, 6, true),
        ] {
            let clasi = clasi_with_totals(5, damage, &[Area::NoseMalar]).expect("fits");
            let parts = clasi.damage_parts();
            assert_eq!(parts.scarring_alopecia, Some(alopecia), "damage {damage}");
            assert_eq!(
                clasi.dyspigmentation_lasts_12_months,
                Some(doubled),
                "damage {damage}"
            );
        }
    }

    #[track_caller]
    fn check_face(activity: u8, expect: [(u8, u8); 3]) {
        let clasi =
            clasi_with_totals(activity, 0, &[Area::NoseMalar, Area::RestOfFace]).expect("fits");
        let item = |scores: &AreaScores| {
            (
                scores.erythema.map_or(0, Erythema::value),
                scores.scale.map_or(0, Scale::value),
            )
        };
        assert_eq!(
            [
                item(&clasi.areas.nose_malar),
                item(&clasi.areas.rest_of_face),
                item(&clasi.areas.ears)
            ],
            expect,
            "activity {activity}"
        );
    }

    #[test]
    fn involved_areas_take_erythema_then_scale_before_others_are_touched() {
        check_face(1, [(1, 0), (0, 0), (0, 0)]);
        check_face(3, [(2, 0), (1, 0), (0, 0)]);
        check_face(6, [(3, 0), (3, 0), (0, 0)]);
        check_face(7, [(3, 1), (3, 0), (0, 0)]);
        check_face(10, [(3, 2), (3, 2), (0, 0)]);
        // Only then the scalp (first in form order), then the ears.
        check_face(12, [(3, 2), (3, 2), (1, 0)]);
    }

    #[test]
    fn the_scalp_never_takes_scarring() {
        // The involved scalp takes dyspigmentation; the scarring goes to the next area.
        let clasi = clasi_with_totals(0, 2, &[Area::Scalp]).expect("fits");
        assert_eq!(
            clasi.areas.scalp.dyspigmentation,
            Dyspigmentation::new(1).ok()
        );
        assert_eq!(clasi.areas.ears.scarring, Scarring::new(1).ok());
        assert_eq!(clasi.damage_parts().scarring_alopecia, Some(0));
    }
}
