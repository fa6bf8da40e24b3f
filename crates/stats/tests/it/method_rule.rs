//! R's rule for exact versus normal rank tests (wilcox.test, R 4.2), on both sides of each
//! boundary: sample size 49/50, ties or none, zero differences or none.

use stats::Method;
use stats::wilcoxon::{mann_whitney, signed_rank};

/// Distinct values 1..=n shifted by `offset` (no ties unless `tie` repeats the first value).
fn sample(n: usize, offset: f64, tie: bool) -> Vec<f64> {
    let mut values: Vec<f64> = (1..=n).map(|i| i as f64 * 2.0 + offset).collect();
    if tie && n > 1 {
        values[1] = values[0];
    }
    values
}

#[track_caller]
fn check_two_sample(nx: usize, ny: usize, tie: bool, expect: Method) {
    let test = mann_whitney(&sample(nx, 0.0, tie), &sample(ny, 1.0, false)).expect("valid");
    assert_eq!(test.method, expect, "nx {nx}, ny {ny}, tie {tie}");
}

#[track_caller]
fn check_signed(n: usize, tie: bool, zero: bool, expect: Method) {
    let mut d = sample(n, 0.5, tie);
    // Alternate signs so the statistic is not extreme; a zero difference is appended.
    for (i, v) in d.iter_mut().enumerate() {
        if i % 2 == 1 {
            *v = -*v;
        }
    }
    if zero {
        d.push(0.0);
    }
    let test = signed_rank(&d).expect("valid");
    assert_eq!(test.method, expect, "n {n}, tie {tie}, zero {zero}");
    assert_eq!(test.zeros_dropped, usize::from(zero));
}

const EXACT: Method = Method::Exact;
const NORMAL: Method = Method::NormalApprox {
    continuity: true,
    ties: false,
};
const NORMAL_TIES: Method = Method::NormalApprox {
    continuity: true,
    ties: true,
};

#[test]
fn mann_whitney_is_exact_below_50_per_sample_without_ties() {
    check_two_sample(1, 1, false, EXACT);
    check_two_sample(49, 49, false, EXACT);
    check_two_sample(49, 50, false, NORMAL);
    check_two_sample(50, 49, false, NORMAL);
    check_two_sample(50, 50, false, NORMAL);
    check_two_sample(10, 10, true, NORMAL_TIES);
    check_two_sample(49, 49, true, NORMAL_TIES);
}

#[test]
fn signed_rank_is_exact_below_50_without_ties_or_zeros() {
    check_signed(1, false, false, EXACT);
    check_signed(49, false, false, EXACT);
    check_signed(50, false, false, NORMAL);
    check_signed(10, true, false, NORMAL_TIES);
    check_signed(10, false, true, NORMAL);
    // 49 non-zero differences plus a zero: n after dropping is 49, but the zero forces normal.
    check_signed(49, false, true, NORMAL);
}
