//! PGA-skin on a study-set scale: the scale's own checks, values on both sides of its top and
//! between its steps, and the change from baseline.

use instruments::pga::{PgaError, PgaScale};

#[test]
fn a_scale_is_a_maximum_and_a_step_that_divides_it() {
    #[track_caller]
    fn check(max: u16, step: u16, ok: bool) {
        assert_eq!(PgaScale::new(max, step).is_ok(), ok, "0-{max} by {step}");
    }
    check(40, 10, true);
    check(30, 1, true);
    check(100, 10, true);
    check(1000, 1000, true);
    check(1001, 1, false);
    check(0, 1, false);
    check(40, 0, false);
    check(40, 40, true);
    check(40, 41, false);
    check(30, 4, false);
    assert_eq!(
        PgaScale::new(30, 4).unwrap_err(),
        PgaError::OffStep {
            value: instruments::pga::Tenths(30),
            step: instruments::pga::Tenths(4)
        }
    );
}

#[test]
fn values_on_an_ordinal_0_to_4() {
    let scale = PgaScale::new(40, 10).expect("0-4");
    #[track_caller]
    fn check(scale: PgaScale, tenths: u16, expect: Result<&str, &str>) {
        let got = scale
            .value(tenths)
            .map(|pga| pga.to_string())
            .map_err(|error| error.to_string());
        assert_eq!(got.as_deref().map_err(String::as_str), expect, "{tenths}");
    }
    check(scale, 0, Ok("0"));
    check(scale, 10, Ok("1"));
    check(scale, 40, Ok("4"));
    check(scale, 50, Err("PGA-skin (tenths) must be 0 to 40, got 50"));
    check(scale, 41, Err("PGA-skin (tenths) must be 0 to 40, got 41"));
    check(
        scale,
        25,
        Err("PGA-skin 2.5 is not a step of 1 on its scale"),
    );
    let vas = PgaScale::new(30, 1).expect("0-3 by 0.1");
    check(vas, 25, Ok("2.5"));
    check(vas, 30, Ok("3"));
    check(vas, 31, Err("PGA-skin (tenths) must be 0 to 30, got 31"));
}

#[test]
fn worked_example_scored_by_hand() {
    // A 0-3 scale read to 0.1: baseline 2.4, week 16 0.9: improvement 2.4 - 0.9 = 1.5 points,
    // 15 tenths; a worsening 0.9 -> 2.4 is -15.
    let vas = PgaScale::new(30, 1).expect("scale");
    let baseline = vas.value(24).expect("2.4");
    let week_16 = vas.value(9).expect("0.9");
    assert_eq!(week_16.improvement_since(baseline), 15);
    assert_eq!(baseline.improvement_since(week_16), -15);
    assert_eq!(week_16.to_string(), "0.9");
}
