//! The Wilcoxon tests, two-sided, as R `wilcox.test` (R 4.2): the rank-sum test (Mann-Whitney U)
//! of two samples and the signed-rank test of paired ones.
//!
//! R's rule for the method, followed exactly: the exact distribution when there are no ties
//! (and, for the signed-rank test, no zero differences) and every sample is smaller than 50;
//! otherwise the normal approximation with the tie-corrected variance and the 0.5 continuity
//! correction. Zero differences are dropped before ranking, as R does by default.

use crate::dist::normal_two_sided_p;
use crate::rank::{mid_ranks, tie_sum};
use crate::{Method, StatsError, check_finite, check_len};

/// R's size limit for the exact distribution (`n < 50`).
const EXACT_BELOW: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct RankTest {
    /// Mann-Whitney: U of x (R's W). Signed rank: sum of the ranks of positive differences (R's V).
    pub statistic: f64,
    pub p_value: f64,
    pub method: Method,
    /// Signed rank only: zero differences dropped before ranking (0 for Mann-Whitney).
    pub zeros_dropped: usize,
}

/// Mann-Whitney U test (Wilcoxon rank-sum) of x against y.
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Result<RankTest, StatsError> {
    check_len("x", x.len(), 1)?;
    check_len("y", y.len(), 1)?;
    check_finite("x", x)?;
    check_finite("y", y)?;
    let (nx, ny) = (x.len(), y.len());
    let combined: Vec<f64> = x.iter().chain(y).copied().collect();
    let (ranks, groups) = mid_ranks(&combined);
    let ties = groups.iter().any(|&t| t > 1);
    let rank_sum_x: f64 = ranks[..nx].iter().sum();
    let statistic = rank_sum_x - (nx * (nx + 1)) as f64 / 2.0;
    let (mf, nf) = (nx as f64, ny as f64);
    if !ties && nx < EXACT_BELOW && ny < EXACT_BELOW {
        let counts = rank_sum_counts(nx, ny);
        let p = exact_two_sided(&counts, statistic, mf * nf / 2.0);
        return Ok(RankTest {
            statistic,
            p_value: p,
            method: Method::Exact,
            zeros_dropped: 0,
        });
    }
    let total = mf + nf;
    let variance = mf * nf / 12.0 * ((total + 1.0) - tie_sum(&groups) / (total * (total - 1.0)));
    let p = normal_p(statistic - mf * nf / 2.0, variance, "x")?;
    Ok(RankTest {
        statistic,
        p_value: p,
        method: Method::NormalApprox {
            continuity: true,
            ties,
        },
        zeros_dropped: 0,
    })
}

/// Wilcoxon signed-rank test of the differences `d` (x - y for paired data, x - mu for one
/// sample) against zero.
pub fn signed_rank(d: &[f64]) -> Result<RankTest, StatsError> {
    check_len("x", d.len(), 1)?;
    check_finite("x", d)?;
    let nonzero: Vec<f64> = d.iter().copied().filter(|&v| v != 0.0).collect();
    let zeros_dropped = d.len() - nonzero.len();
    if nonzero.is_empty() {
        return Err(StatsError::Degenerate {
            field: "x",
            reason: "every difference is zero, so the signed-rank test is undefined",
        });
    }
    let n = nonzero.len();
    let magnitudes: Vec<f64> = nonzero.iter().map(|v| v.abs()).collect();
    let (ranks, groups) = mid_ranks(&magnitudes);
    let ties = groups.iter().any(|&t| t > 1);
    let statistic: f64 = ranks
        .iter()
        .zip(&nonzero)
        .filter(|(_, v)| **v > 0.0)
        // From +0: an empty f64 sum is -0, which V = 0 (every difference negative) must not print.
        .fold(0.0, |sum, (r, _)| sum + r);
    let nf = n as f64;
    let centre = nf * (nf + 1.0) / 4.0;
    if !ties && zeros_dropped == 0 && n < EXACT_BELOW {
        let counts = signed_rank_counts(n);
        let p = exact_two_sided(&counts, statistic, centre);
        return Ok(RankTest {
            statistic,
            p_value: p,
            method: Method::Exact,
            zeros_dropped,
        });
    }
    let variance = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_sum(&groups) / 48.0;
    let p = normal_p(statistic - centre, variance, "x")?;
    Ok(RankTest {
        statistic,
        p_value: p,
        method: Method::NormalApprox {
            continuity: true,
            ties,
        },
        zeros_dropped,
    })
}

/// Two-sided p-value with continuity correction: z = (d - sign(d)/2) / sqrt(variance).
fn normal_p(deviation: f64, variance: f64, field: &'static str) -> Result<f64, StatsError> {
    if variance.is_nan() || variance <= 0.0 {
        return Err(StatsError::Degenerate {
            field,
            reason: "all values are tied, so the rank statistic has no variance",
        });
    }
    let correction = if deviation == 0.0 {
        0.0
    } else {
        0.5 * deviation.signum()
    };
    Ok(normal_two_sided_p(
        (deviation - correction) / variance.sqrt(),
    ))
}

/// R's exact two-sided rule: double the smaller tail, computed from the side the statistic
/// lies on (P(S >= s) above the centre, P(S <= s) otherwise), capped at 1.
fn exact_two_sided(counts: &[f64], statistic: f64, centre: f64) -> f64 {
    let total: f64 = counts.iter().sum();
    let s = statistic as usize;
    let tail: f64 = if statistic > centre {
        counts[s..].iter().sum()
    } else {
        counts[..=s].iter().sum()
    };
    (2.0 * tail / total).min(1.0)
}

/// Number of ways U = k (k = 0..=m n) for samples of sizes m and n without ties, by the
/// recurrence f(m, n, k) = f(m - 1, n, k - n) + f(m, n - 1, k), additions only so small
/// tails keep full relative precision.
pub(crate) fn rank_sum_counts(m: usize, n: usize) -> Vec<f64> {
    // row[i] holds f(i, j, .) for the current j; f(i, 0, .) = [1] and f(0, j, .) = [1].
    let mut row: Vec<Vec<f64>> = vec![vec![1.0]; m + 1];
    for j in 1..=n {
        for i in 1..=m {
            let mut next = vec![0.0; i * j + 1];
            // f(i, j - 1, k): row[i] before this update, of length i (j - 1) + 1.
            for (k, value) in row[i].iter().enumerate() {
                next[k] += value;
            }
            // f(i - 1, j, k - j): row[i - 1] already updated for this j.
            for (k, value) in row[i - 1].iter().enumerate() {
                next[k + j] += value;
            }
            row[i] = next;
        }
    }
    row.swap_remove(m)
}

/// Number of sign patterns with signed-rank sum V = k (k = 0..=n(n+1)/2), by adding one rank
/// at a time.
pub(crate) fn signed_rank_counts(n: usize) -> Vec<f64> {
    let max = n * (n + 1) / 2;
    let mut counts = vec![0.0; max + 1];
    counts[0] = 1.0;
    for rank in 1..=n {
        for k in (rank..=rank * (rank + 1) / 2).rev() {
            counts[k] += counts[k - rank];
        }
    }
    counts
}
