//! The lenalidomide trial's published numbers that follow from its tables
//! (seeds/lenalidomide-cle-trial-2012.txt): Table 1 CLASI A/D at baseline for 15 patients, and
//! 12 of 14 evaluable patients in complete response.

use stats::Level;
use stats::describe::summarize;
use stats::proportion::{ProportionMethod, proportion_ci};

/// Table 1, column "CLASI A/D", patients 1 to 15.
const CLASI_ACTIVITY: [f64; 15] = [
    6., 7., 3., 6., 19., 19., 20., 9., 13., 6., 15., 17., 3., 11., 10.,
];
const CLASI_DAMAGE: [f64; 15] = [2., 1., 1., 0., 6., 0., 1., 0., 2., 0., 9., 8., 0., 2., 3.];

#[track_caller]
fn check(x: &[f64], published_mean: f64, published_sd: f64, decimals: i32) {
    let summary = summarize(x).expect("15 values");
    let round = |v: f64| (v * 10f64.powi(decimals)).round() / 10f64.powi(decimals);
    assert_eq!(summary.n, 15);
    assert_eq!(round(summary.mean), published_mean, "mean {}", summary.mean);
    assert_eq!(
        round(summary.sd.expect("n > 1")),
        published_sd,
        "sd {:?}",
        summary.sd
    );
}

#[test]
fn baseline_clasi_activity_is_10_93_sd_5_91() {
    check(&CLASI_ACTIVITY, 10.93, 5.91, 2);
    // The abstract's rounding of the same numbers: 11 +- 5.9.
    check(&CLASI_ACTIVITY, 10.9, 5.9, 1);
}

#[test]
fn baseline_clasi_damage_is_2_33_sd_2_97() {
    // The text prints 2.33 +- 2.96; Table 1 gives SD 2.968..., which rounds to 2.97.
    check(&CLASI_DAMAGE, 2.33, 2.97, 2);
}

#[test]
fn complete_response_12_of_14_with_exact_interval() {
    let ci =
        proportion_ci(12, 14, ProportionMethod::ClopperPearson, Level::NINETY_FIVE).expect("valid");
    // 86% as published; R binom.test(12, 14): 0.5718708 to 0.9822055.
    assert_eq!((ci.estimate * 100.0).round(), 86.0);
    assert!((ci.low - 0.571_870_8).abs() < 5e-8, "low {}", ci.low);
    assert!((ci.high - 0.982_205_5).abs() < 5e-8, "high {}", ci.high);
}
