//! CLASI: item bounds, maxima, the doubling rule, missing items, severity bands and response
//! definitions, each on both sides of its boundary.

use instruments::clasi::{
    Area, Clasi, Dyspigmentation, Erythema, MucousMembrane, NonScarringAlopecia, RecentHairLoss,
    Scale, Scarring, ScarringAlopecia, Severity, activity_change, severity,
};
use instruments::clasi::{ClasiResponse, percent_change};
use instruments::input::{InputError, read_clasi};
use serde_json::{Value, json};

const AREAS: [&str; 13] = [
    "scalp",
    "ears",
    "nose_malar",
    "rest_of_face",
    "v_neck",
    "posterior_neck_shoulders",
    "chest",
    "abdomen",
    "back_buttocks",
    "arms",
    "hands",
    "legs",
    "feet",
];
const ONCE: [(&str, u8); 4] = [
    ("mucous_membrane", 1),
    ("recent_hair_loss", 1),
    ("nonscarring_alopecia", 3),
    ("scarring_alopecia", 6),
];

/// A CLASI document: nothing found, then `changes` applied as (JSON pointer, value).
fn document(changes: &[(&str, Value)]) -> Value {
    let mut doc = json!({
        "areas": {},
        "mucous_membrane": 0,
        "recent_hair_loss": 0,
        "nonscarring_alopecia": 0,
        "scarring_alopecia": 0,
        "dyspigmentation_lasts_12_months": false,
    });
    for (pointer, value) in changes {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let mut node = &mut doc;
        for step in parent.split('/').skip(1) {
            node = node
                .as_object_mut()
                .unwrap()
                .entry(step)
                .or_insert_with(|| json!({}));
        }
        node.as_object_mut()
            .unwrap()
            .insert(key.to_owned(), value.clone());
    }
    doc
}

fn read(changes: &[(&str, Value)]) -> Result<Clasi, InputError> {
    read_clasi(&document(changes).to_string())
}

/// Checks (activity, damage) of the document with `changes`.
#[track_caller]
fn check(changes: &[(&str, Value)], expect: (Option<u8>, Option<u8>)) {
    let clasi = read(changes).unwrap_or_else(|error| panic!("{changes:?}: {error}"));
    assert_eq!((clasi.activity(), clasi.damage()), expect, "{changes:?}");
}

/// Checks that the document with `changes` is refused at `path` with a message containing
/// `needle`.
#[track_caller]
fn check_refused(changes: &[(&str, Value)], path: &str, needle: &str) {
    let error = read(changes).expect_err("refused");
    assert_eq!(error.path, path, "{changes:?}: {error}");
    assert!(error.message.contains(needle), "{changes:?}: {error}");
}

#[test]
fn nothing_found_scores_zero_and_mild() {
    check(&[], (Some(0), Some(0)));
    assert_eq!(Clasi::clear().activity(), Some(0));
    assert_eq!(Clasi::clear().severity(), Some(Severity::Mild));
}

#[test]
fn every_per_area_item_accepts_its_range_and_refuses_one_more() {
    // (item, maximum, which total it adds to)
    let items: [(&str, u8, bool); 4] = [
        ("erythema", 3, true),
        ("scale", 2, true),
        ("dyspigmentation", 1, false),
        ("scarring", 2, false),
    ];
    for area in AREAS {
        for (item, max, is_activity) in items {
            if area == "scalp" && item == "scarring" {
                continue;
            }
            let pointer = format!("/areas/{area}/{item}");
            for level in 0..=max {
                let points = Some(level);
                let expect = if is_activity {
                    (points, Some(0))
                } else {
                    (Some(0), points)
                };
                check(&[(&pointer, json!(level))], expect);
            }
            let path = format!("areas.{area}.{item}");
            let allowed = (0..=max)
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let needle = format!("expected one of {allowed}");
            check_refused(&[(&pointer, json!(max + 1))], &path, &needle);
            check_refused(&[(&pointer, json!(-1))], &path, &needle);
            check_refused(&[(&pointer, json!(0.5))], &path, "floating point");
            check_refused(&[(&pointer, json!("1"))], &path, "string");
        }
    }
}

#[test]
fn every_once_only_item_accepts_its_range_and_refuses_one_more() {
    for (item, max) in ONCE {
        let pointer = format!("/{item}");
        let is_activity = item != "scarring_alopecia";
        let levels: &[u8] = if is_activity {
            &[0, 1, 2, 3]
        } else {
            &[0, 3, 4, 5, 6]
        };
        for &level in levels.iter().filter(|&&l| l <= max) {
            let expect = if is_activity {
                (Some(level), Some(0))
            } else {
                (Some(0), Some(level))
            };
            check(&[(&pointer, json!(level))], expect);
        }
        check_refused(&[(&pointer, json!(max + 1))], item, "expected one of");
        check_refused(&[(&pointer, json!(-1))], item, "expected one of");
        check_refused(&[(&pointer, json!(1.5))], item, "floating point");
    }
    // The scarring alopecia scale has no 1 or 2.
    for level in [1, 2, 7] {
        check_refused(
            &[("/scarring_alopecia", json!(level))],
            "scarring_alopecia",
            "expected one of 0, 3, 4, 5, 6",
        );
    }
}

#[test]
fn item_types_cannot_hold_values_off_their_scale() {
    #[track_caller]
    fn check<T: std::fmt::Debug>(new: fn(u8) -> Result<T, instruments::clasi::ItemError>, max: u8) {
        for level in 0..=max {
            assert!(new(level).is_ok(), "{level}");
        }
        let error = new(max + 1).unwrap_err();
        assert_eq!(error.value, max + 1);
    }
    check(Erythema::new, 3);
    check(Scale::new, 2);
    check(Dyspigmentation::new, 1);
    check(Scarring::new, 2);
    check(MucousMembrane::new, 1);
    check(RecentHairLoss::new, 1);
    check(NonScarringAlopecia::new, 3);
    for (points, ok) in [
        (0, true),
        (1, false),
        (2, false),
        (3, true),
        (6, true),
        (7, false),
    ] {
        assert_eq!(
            ScarringAlopecia::from_points(points).is_ok(),
            ok,
            "{points}"
        );
    }
    let message = ScarringAlopecia::from_points(2).unwrap_err().to_string();
    assert_eq!(
        message,
        "scarring_alopecia must be one of 0, 3, 4, 5, 6, got 2"
    );
}

/// Every item at its maximum, with or without the doubling.
fn everything_at_maximum(lasts_12_months: bool) -> Vec<(String, Value)> {
    let mut changes = Vec::new();
    for area in AREAS {
        changes.push((format!("/areas/{area}/erythema"), json!(3)));
        changes.push((format!("/areas/{area}/scale"), json!(2)));
        changes.push((format!("/areas/{area}/dyspigmentation"), json!(1)));
        if area != "scalp" {
            changes.push((format!("/areas/{area}/scarring"), json!(2)));
        }
    }
    for (item, max) in ONCE {
        changes.push((format!("/{item}"), json!(max)));
    }
    changes.push((
        "/dyspigmentation_lasts_12_months".into(),
        json!(lasts_12_months),
    ));
    changes
}

fn borrowed(changes: &[(String, Value)]) -> Vec<(&str, Value)> {
    changes
        .iter()
        .map(|(p, v)| (p.as_str(), v.clone()))
        .collect()
}

#[test]
fn maxima_are_70_and_56() {
    check(
        &borrowed(&everything_at_maximum(true)),
        (Some(70), Some(56)),
    );
    assert_eq!(Clasi::MAX_ACTIVITY, 70);
    assert_eq!(Clasi::MAX_DAMAGE, 56);
    // Without the doubling, dyspigmentation adds 13 instead of 26.
    check(
        &borrowed(&everything_at_maximum(false)),
        (Some(70), Some(43)),
    );
}

#[test]
fn dyspigmentation_lasting_12_months_doubles_its_sum_only() {
    let two_areas = [
        ("/areas/chest/dyspigmentation", json!(1)),
        ("/areas/scalp/dyspigmentation", json!(1)),
        ("/areas/arms/scarring", json!(2)),
        ("/scarring_alopecia", json!(3)),
    ];
    let with = |flag: Value| {
        let mut changes = two_areas.to_vec();
        changes.push(("/dyspigmentation_lasts_12_months", flag));
        changes
    };
    check(&with(json!(false)), (Some(0), Some(2 + 2 + 3)));
    check(&with(json!(true)), (Some(0), Some(4 + 2 + 3)));
    let parts = read(&with(json!(true))).unwrap().damage_parts();
    let columns = (
        parts.dyspigmentation,
        parts.dyspigmentation_factor,
        parts.scarring,
        parts.scarring_alopecia,
    );
    assert_eq!(columns, (Some(2), Some(2), Some(2), Some(3)));
    // Unknown duration: damage is unknown, activity is not.
    check(&with(Value::Null), (Some(0), None));
    // Unknown duration without dyspigmentation cannot change damage.
    check(
        &[
            ("/areas/arms/scarring", json!(2)),
            ("/dyspigmentation_lasts_12_months", Value::Null),
        ],
        (Some(0), Some(2)),
    );
}

#[test]
fn an_item_not_assessed_makes_its_total_missing() {
    let some = [
        ("/areas/nose_malar/erythema", json!(2)),
        ("/areas/nose_malar/dyspigmentation", json!(1)),
    ];
    let with = |pointer: &'static str| {
        let mut changes = some.to_vec();
        changes.push((pointer, Value::Null));
        changes
    };
    check(&some, (Some(2), Some(1)));
    // Only the column with the unassessed item goes missing.
    let parts = read(&with("/areas/feet/scale")).unwrap().activity_parts();
    assert_eq!(
        (parts.erythema, parts.scale, parts.total()),
        (Some(2), None, None)
    );
    for pointer in [
        "/areas/scalp/erythema",
        "/areas/feet/scale",
        "/mucous_membrane",
        "/recent_hair_loss",
        "/nonscarring_alopecia",
    ] {
        check(&with(pointer), (None, Some(1)));
    }
    for pointer in [
        "/areas/ears/dyspigmentation",
        "/areas/legs/scarring",
        "/scarring_alopecia",
    ] {
        check(&with(pointer), (Some(2), None));
    }
}

#[test]
fn omitted_items_areas_and_once_only_items() {
    // An area left out is uninvolved; an item left out of a listed area is absent.
    check(&[("/areas/legs/erythema", json!(1))], (Some(1), Some(0)));
    // A once-only item left out is an error, not a zero.
    for item in [
        "mucous_membrane",
        "recent_hair_loss",
        "nonscarring_alopecia",
        "scarring_alopecia",
        "dyspigmentation_lasts_12_months",
        "areas",
    ] {
        let mut doc = document(&[]);
        doc.as_object_mut().unwrap().remove(item);
        let error = read_clasi(&doc.to_string()).unwrap_err();
        assert!(
            error.message.contains(&format!("missing field `{item}`")),
            "{error}"
        );
    }
}

#[test]
fn refused_inputs_name_the_field() {
    check_refused(
        &[("/areas/scalp/scarring", json!(1))],
        "areas.scalp.scarring",
        "score scalp scarring as `scarring_alopecia`",
    );
    check_refused(
        &[("/areas/scalp/scarring", json!(0))],
        "areas.scalp.scarring",
        "not scored on the scalp",
    );
    check_refused(
        &[("/areas/nose/erythema", json!(1))],
        "areas.nose",
        "unknown field `nose`",
    );
    check_refused(
        &[("/areas/ears/erythrema", json!(1))],
        "areas.ears.erythrema",
        "unknown field",
    );
    check_refused(
        &[("/dyspigmentation_lasts_12_month", json!(true))],
        "dyspigmentation_lasts_12_month",
        "unknown field",
    );
    check_refused(
        &[("/dyspigmentation_lasts_12_months", json!(1))],
        "dyspigmentation_lasts_12_months",
        "expected a boolean",
    );
    for text in ["", "[]", "{", "null", "{\"areas\": {}} trailing"] {
        assert!(read_clasi(text).is_err(), "{text:?}");
    }
}

#[test]
fn severity_bands_on_both_sides_of_each_boundary() {
    #[track_caller]
    fn check(activity: u8, expect: Severity) {
        assert_eq!(severity(activity), expect, "{activity}");
    }
    check(0, Severity::Mild);
    check(9, Severity::Mild);
    check(10, Severity::Moderate);
    check(20, Severity::Moderate);
    check(21, Severity::Severe);
    check(70, Severity::Severe);
}

#[test]
fn response_definitions_on_both_sides_of_each_boundary() {
    // (baseline, current) -> (decrease, CLASI-50, 4 points, 20%)
    #[track_caller]
    fn check(baseline: u8, current: u8, expect: (i16, Option<bool>, bool, Option<bool>)) {
        let change = activity_change(baseline, current);
        let got = (
            change.decrease,
            change.clasi_50,
            change.improved_4_points,
            change.improved_20_percent,
        );
        assert_eq!(got, expect, "{baseline} -> {current}");
    }
    check(10, 5, (5, Some(true), true, Some(true)));
    check(10, 6, (4, Some(false), true, Some(true)));
    check(10, 7, (3, Some(false), false, Some(true)));
    check(10, 8, (2, Some(false), false, Some(true)));
    check(10, 9, (1, Some(false), false, Some(false)));
    check(17, 9, (8, Some(false), true, Some(true)));
    check(17, 8, (9, Some(true), true, Some(true)));
    check(25, 20, (5, Some(false), true, Some(true)));
    check(25, 21, (4, Some(false), true, Some(false)));
    check(8, 12, (-4, Some(false), false, Some(false)));
    // No baseline activity: percent-based definitions are undefined, not "responder".
    check(0, 0, (0, None, false, None));
    assert_eq!(activity_change(0, 0).percent_decrease, None);
    assert_eq!(
        activity_change(11, 4)
            .percent_decrease
            .map(|p| (p * 100.0).round()),
        Some(6364.0)
    );
}

#[test]
fn erythema_of_grade_2_somewhere() {
    #[track_caller]
    fn check(changes: &[(&str, Value)], expect: Option<bool>) {
        let clasi = read(changes).unwrap();
        assert_eq!(
            clasi.erythema_at_least(Erythema::new(2).unwrap()),
            expect,
            "{changes:?}"
        );
    }
    check(&[], Some(false));
    check(&[("/areas/arms/erythema", json!(1))], Some(false));
    check(&[("/areas/arms/erythema", json!(2))], Some(true));
    check(&[("/areas/scalp/erythema", json!(3))], Some(true));
    check(
        &[
            ("/areas/arms/erythema", json!(1)),
            ("/areas/legs/erythema", Value::Null),
        ],
        None,
    );
    check(
        &[
            ("/areas/arms/erythema", json!(2)),
            ("/areas/legs/erythema", Value::Null),
        ],
        Some(true),
    );
    let clasi = read(&[("/areas/feet/erythema", json!(2))]).unwrap();
    assert_eq!(
        clasi.areas.erythema()[12],
        (Area::Feet, Some(Erythema::new(2).unwrap()))
    );
}

/// The areas in form order, each id its JSON name.
#[test]
fn areas_are_listed_in_form_order_by_their_json_names() {
    assert_eq!(Area::ALL.map(Area::id), AREAS);
    for area in Area::ALL {
        assert_eq!(
            serde_json::to_value(area).expect("serialises"),
            json!(area.id())
        );
    }
}

/// Each area's row: activity (erythema + scale) and damage (dyspigmentation + scarring, the
/// scalp's without scarring), before the 12-month doubling; an unassessed item blanks its half.
#[test]
fn each_row_sums_its_activity_and_damage_items() {
    use instruments::clasi::Area;
    #[track_caller]
    fn row(changes: &[(&str, Value)], area: Area, expect: (Option<u8>, Option<u8>)) {
        let clasi = read(changes).unwrap_or_else(|error| panic!("{changes:?}: {error}"));
        assert_eq!(clasi.areas.row(area), expect, "{changes:?}");
    }
    let arms = [
        ("/areas/arms/erythema", json!(3)),
        ("/areas/arms/scale", json!(2)),
        ("/areas/arms/dyspigmentation", json!(1)),
        ("/areas/arms/scarring", json!(2)),
        ("/dyspigmentation_lasts_12_months", json!(true)),
    ];
    row(&arms, Area::Arms, (Some(5), Some(3)));
    row(&arms, Area::Legs, (Some(0), Some(0)));
    let scalp = [
        ("/areas/scalp/erythema", json!(1)),
        ("/areas/scalp/scale", json!(1)),
        ("/areas/scalp/dyspigmentation", json!(1)),
        ("/scarring_alopecia", json!(6)),
    ];
    row(&scalp, Area::Scalp, (Some(2), Some(1)));
    row(
        &[("/areas/arms/scale", Value::Null)],
        Area::Arms,
        (None, Some(0)),
    );
    row(
        &[("/areas/arms/scarring", Value::Null)],
        Area::Arms,
        (Some(0), None),
    );
}

#[test]
fn clasi_50_and_70_on_both_sides_of_each_boundary() {
    // (definition, baseline, current) -> responder
    #[track_caller]
    fn check(response: ClasiResponse, baseline: u8, current: u8, expect: Option<bool>) {
        assert_eq!(
            response.judge(baseline, current),
            expect,
            "{}% from {baseline} to {current}",
            response.percent()
        );
    }
    let (c50, c70) = (ClasiResponse::CLASI_50, ClasiResponse::CLASI_70);
    // Baseline 10, the lowest counted: 5 is exactly 50%, 6 is 40%.
    check(c50, 10, 5, Some(true));
    check(c50, 10, 6, Some(false));
    check(c50, 70, 35, Some(true));
    check(c50, 70, 36, Some(false));
    // 11 -> 6 is 45.5%, 11 -> 5 is 54.5%.
    check(c50, 11, 6, Some(false));
    check(c50, 11, 5, Some(true));
    // 10 -> 3 is exactly 70%, 10 -> 4 is 60%; 20 -> 6 is 70%, 20 -> 7 is 65%.
    check(c70, 10, 3, Some(true));
    check(c70, 10, 4, Some(false));
    check(c70, 20, 6, Some(true));
    check(c70, 20, 7, Some(false));
    check(c70, 12, 0, Some(true));
    // Worse than baseline: not a responder.
    check(c50, 12, 20, Some(false));
    // Baseline below 10: outside the responder population, not "non-responder".
    check(c50, 9, 0, None);
    check(c70, 9, 0, None);
    check(c50, 0, 0, None);
    // A protocol's own minimum: Chakka's 8.
    let from_8 = ClasiResponse::new(50, 8).expect("setting");
    check(from_8, 8, 4, Some(true));
    check(from_8, 8, 5, Some(false));
    check(from_8, 7, 0, None);
    assert_eq!(ClasiResponse::new(50, 10), Ok(ClasiResponse::CLASI_50));
    assert_eq!(ClasiResponse::new(70, 10), Ok(ClasiResponse::CLASI_70));
}

#[test]
fn clasi_response_settings_are_checked() {
    #[track_caller]
    fn check(percent: u8, min_baseline: u8, expect: Result<(), &str>) {
        let got = ClasiResponse::new(percent, min_baseline)
            .map(|_| ())
            .map_err(|error| error.to_string());
        assert_eq!(
            got.as_ref().map_err(String::as_str),
            expect.as_ref().map_err(|e| *e)
        );
    }
    check(1, 1, Ok(()));
    check(100, 70, Ok(()));
    check(
        0,
        10,
        Err("the CLASI response percentage must be 1 to 100, got 0"),
    );
    check(
        101,
        10,
        Err("the CLASI response percentage must be 1 to 100, got 101"),
    );
    check(
        50,
        0,
        Err("the CLASI response minimum baseline must be 1 to 70, got 0"),
    );
    check(
        50,
        71,
        Err("the CLASI response minimum baseline must be 1 to 70, got 71"),
    );
}

#[test]
fn percent_change_from_baseline() {
    #[track_caller]
    fn check(baseline: u8, current: u8, expect: Option<f64>) {
        assert_eq!(
            percent_change(baseline, current),
            expect,
            "{baseline} -> {current}"
        );
    }
    check(10, 5, Some(-50.0));
    check(10, 15, Some(50.0));
    check(20, 20, Some(0.0));
    check(1, 0, Some(-100.0));
    check(70, 0, Some(-100.0));
    check(4, 5, Some(25.0));
    // No baseline activity: no percentage, whatever came after.
    check(0, 0, None);
    check(0, 7, None);
    // 12 -> 7: (7 - 12) / 12 x 100 = -41.666...
    let got = percent_change(12, 7).expect("defined");
    assert!((got - (-500.0 / 12.0)).abs() < 1e-9, "{got}");
}

#[test]
fn erythema_and_scale_sum_over_the_areas() {
    // (area pointer changes) -> erythema + scale; an entry criterion of ">= 7" is met from 7.
    #[track_caller]
    fn check(changes: &[(&str, Value)], expect: Option<u8>) {
        let clasi = read(changes).unwrap_or_else(|error| panic!("{changes:?}: {error}"));
        assert_eq!(
            clasi.activity_parts().erythema_and_scale(),
            expect,
            "{changes:?}"
        );
    }
    check(&[], Some(0));
    // Worked by hand: nose 2 + 1, scalp 3 + 2, arms 0 + 0 = 8; mucosa and hair are not
    // counted (the activity is 8 + 1 + 1 = 10).
    check(
        &[
            ("/areas/nose_malar/erythema", json!(2)),
            ("/areas/nose_malar/scale", json!(1)),
            ("/areas/scalp/erythema", json!(3)),
            ("/areas/scalp/scale", json!(2)),
            ("/mucous_membrane", json!(1)),
            ("/recent_hair_loss", json!(1)),
        ],
        Some(8),
    );
    let six = [
        ("/areas/chest/erythema", json!(3)),
        ("/areas/arms/erythema", json!(2)),
        ("/areas/arms/scale", json!(1)),
    ];
    check(&six, Some(6));
    let mut seven = six.to_vec();
    seven.push(("/areas/legs/scale", json!(1)));
    check(&seven, Some(7));
    // Every area at its worst: 13 x 3 + 13 x 2 = 65.
    let worst: Vec<(String, Value)> = AREAS
        .iter()
        .flat_map(|area| {
            [
                (format!("/areas/{area}/erythema"), json!(3)),
                (format!("/areas/{area}/scale"), json!(2)),
            ]
        })
        .collect();
    let worst: Vec<(&str, Value)> = worst.iter().map(|(p, v)| (p.as_str(), v.clone())).collect();
    check(&worst, Some(65));
    // An area's scale not assessed: the sum is unknown, not 0.
    check(&[("/areas/feet/scale", Value::Null)], None);
    check(&[("/areas/feet/erythema", Value::Null)], None);
    // ... but mucosa not assessed does not hide it.
    check(&[("/mucous_membrane", Value::Null)], Some(0));
}
