//! ICC(2,1) against R (`scripts/peers/golden.R`, irr's `icc(model = "twoway", type =
//! "agreement")` in base R): the coefficient, the mean squares and McGraw and Wong's interval at
//! 1e-9 relative; the inputs R refuses (one pair, every rating equal) refused here too, and
//! perfect agreement with no interval on both sides.

use stats::icc::icc_agreement_pairs;
use stats::{Level, Method};

use crate::golden::{Mismatches, cases, floats};

#[test]
fn icc_matches_r() {
    let mut check = Mismatches::default();
    let mut refused = 0;
    let mut without_interval = 0;
    for case in cases("icc") {
        let x = floats(&case.input["x"]);
        let y = floats(&case.input["y"]);
        let pairs: Vec<(f64, f64)> = x.into_iter().zip(y).collect();
        let level = Level::new(case.input["level"].as_f64().expect("level")).expect("level");
        let id = case.id.as_str();
        match (icc_agreement_pairs(&pairs, level), case.r_error()) {
            (Err(_), true) => {
                refused += 1;
                check.same(id, "refused", true, true);
            }
            (Ok(icc), false) => {
                check.num(id, "icc", icc.icc, &case.r["icc"]);
                check.num(id, "ms_subjects", icc.ms_subjects, &case.r["ms_subjects"]);
                check.num(id, "ms_raters", icc.ms_raters, &case.r["ms_raters"]);
                check.num(id, "ms_error", icc.ms_error, &case.r["ms_error"]);
                check.same(id, "method", icc.method, Method::IccAgreement);
                match (icc.ci, case.r["ci"].is_null()) {
                    (None, true) => without_interval += 1,
                    (Some((low, high)), false) => {
                        let bounds = floats(&case.r["ci"]);
                        check.value(id, "ci_low", Some(low), Some(bounds[0]));
                        check.value(id, "ci_high", Some(high), Some(bounds[1]));
                    }
                    (ours, _) => check.same(id, "interval", ours, None),
                }
            }
            (ours, _) => check.same(id, "refusal", ours.is_err(), case.r_error()),
        }
    }
    // The degenerate cases are in the file on both sides: refused, and 1 without interval.
    assert_eq!((refused, without_interval), (4, 2));
    check.finish("icc");
}
