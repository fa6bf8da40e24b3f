//! Rule of nines: region shares, halves, and the strictly-greater-than-18% test.

use instruments::bsa::{BodySurface, Extent, Involvement, Region};

#[track_caller]
fn check(involved: &[(Region, Extent)], percent: f64, over_18: bool) {
    let surface: BodySurface = involved
        .iter()
        .map(|&(region, extent)| Involvement { region, extent })
        .collect();
    assert_eq!(surface.percent(), percent, "{involved:?}");
    assert_eq!(surface.over_18_percent(), over_18, "{involved:?}");
}

#[test]
fn region_shares_sum_to_100() {
    use Extent::Whole;
    let whole: Vec<_> = Region::ALL.into_iter().map(|r| (r, Whole)).collect();
    check(&whole, 100.0, true);
    check(&[(Region::HeadNeck, Whole)], 9.0, false);
    check(&[(Region::LeftUpperLimb, Whole)], 9.0, false);
    check(&[(Region::Trunk, Whole)], 36.0, true);
    check(&[(Region::RightLowerLimb, Whole)], 18.0, false);
    check(&[(Region::Perineum, Whole)], 1.0, false);
}

#[test]
fn halves_and_the_18_percent_boundary() {
    use Extent::{Back, Front, Whole};
    use Region::*;
    // Anterior trunk is 18%: exactly 18 is not over 18.
    check(&[(Trunk, Front)], 18.0, false);
    check(&[(Trunk, Back)], 18.0, false);
    check(&[(Trunk, Front), (Perineum, Front)], 18.5, true);
    check(&[(LeftLowerLimb, Front)], 9.0, false);
    check(&[(HeadNeck, Whole), (LeftUpperLimb, Whole)], 18.0, false);
    check(
        &[(HeadNeck, Whole), (LeftUpperLimb, Whole), (Perineum, Whole)],
        19.0,
        true,
    );
    check(
        &[
            (HeadNeck, Whole),
            (RightUpperLimb, Front),
            (LeftUpperLimb, Front),
        ],
        18.0,
        false,
    );
    // Front plus back is the whole region; the same half twice counts once.
    check(
        &[(RightLowerLimb, Front), (RightLowerLimb, Back)],
        18.0,
        false,
    );
    check(&[(Trunk, Front), (Trunk, Front)], 18.0, false);
    check(&[(Trunk, Whole), (Trunk, Front)], 36.0, true);
}

#[test]
fn involved_regions_are_recorded_with_their_share() {
    let mut surface = BodySurface::new();
    surface
        .involve(Region::Trunk, Extent::Back)
        .involve(Region::HeadNeck, Extent::Front);
    assert_eq!(
        surface.involved(),
        vec![
            (Region::HeadNeck, Extent::Front, 4.5),
            (Region::Trunk, Extent::Back, 18.0)
        ]
    );
    let parsed: Involvement = serde_json::from_str(r#"{"region": "left_lower_limb"}"#).unwrap();
    assert_eq!(
        parsed,
        Involvement {
            region: Region::LeftLowerLimb,
            extent: Extent::Whole
        }
    );
    assert!(serde_json::from_str::<Involvement>(r#"{"region": "tail"}"#).is_err());
}
