//! The intraclass correlation of absolute agreement of single ratings, ICC(2,1): two-way random
//! effects (subjects and raters both random), absolute agreement, a single rater (Shrout PE,
//! Fleiss JL. Intraclass correlations: uses in assessing rater reliability. Psychol Bull
//! 1979;86:420-428, "ICC(2,1)"; McGraw KO, Wong SP. Forming inferences about some intraclass
//! correlation coefficients. Psychol Methods 1996;1:30-46, "ICC(A,1)").
//!
//! From the two-way ANOVA of the n x k ratings without replication, with mean squares MSR
//! (subjects, n - 1 df), MSC (raters, k - 1 df) and MSE (residual, (n - 1)(k - 1) df):
//!
//! ICC = (MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n),
//!
//! and the interval of McGraw and Wong (1996, Table 7, case 2A), with Satterthwaite's degrees of
//! freedom v for the denominator's mixture of MSC and MSE, as R's `irr::icc(model = "twoway",
//! type = "agreement", unit = "single")` computes it:
//!
//! a = k ICC / (n (1 - ICC)), b = 1 + k ICC (n - 1) / (n (1 - ICC)),
//! v = (a MSC + b MSE)^2 / ((a MSC)^2 / (k - 1) + (b MSE)^2 / ((n - 1)(k - 1))),
//! FL = F(1 - alpha/2; n - 1, v), FU = F(1 - alpha/2; v, n - 1),
//! low = n (MSR - FL MSE) / (FL (k MSC + (k n - k - n) MSE) + n MSR),
//! high = n (FU MSR - MSE) / (k MSC + (k n - k - n) MSE + n FU MSR).
//!
//! Degenerate data are refused, never given a number: fewer than 2 subjects or raters, or
//! ratings all equal (the ICC is 0/0). Perfect agreement (every subject rated alike by every
//! rater, the subjects differing) has ICC 1 and no interval: its v is 0/0.

use crate::dist::{MAX_BETA_SHAPE, beta_quantile};
use crate::{Level, Method, StatsError};

/// ICC(2,1) with its mean squares and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Icc {
    /// Subjects (rows).
    pub n: usize,
    /// Raters (columns).
    pub k: usize,
    pub icc: f64,
    /// `None` under perfect agreement (ICC 1), where the interval is undefined.
    pub ci: Option<(f64, f64)>,
    pub ms_subjects: f64,
    pub ms_raters: f64,
    pub ms_error: f64,
    pub method: Method,
}

/// The F quantile at `p` with `d1` and `d2` degrees of freedom, from the Beta quantile
/// (F = d2 x / (d1 (1 - x)) for x ~ Beta(d1/2, d2/2)).
fn f_quantile(p: f64, d1: f64, d2: f64) -> Result<f64, StatsError> {
    if !(0.5 * d1 <= MAX_BETA_SHAPE && 0.5 * d2 <= MAX_BETA_SHAPE) {
        return Err(StatsError::OutOfRange {
            field: "ratings",
            allowed: "at most 100,000 subjects (the F quantile's degrees of freedom)",
        });
    }
    let x = beta_quantile(p, 0.5 * d1, 0.5 * d2);
    Ok(d2 * x / (d1 * (1.0 - x)))
}

/// ICC(2,1) of `ratings`: one row per subject, one column per rater, every row as long.
pub fn icc_agreement(ratings: &[Vec<f64>], level: Level) -> Result<Icc, StatsError> {
    let n = ratings.len();
    if n < 2 {
        return Err(StatsError::TooFew {
            field: "ratings",
            needed: 2,
            got: n,
        });
    }
    let k = ratings[0].len();
    if k < 2 {
        return Err(StatsError::TooFew {
            field: "raters",
            needed: 2,
            got: k,
        });
    }
    for (index, row) in ratings.iter().enumerate() {
        if row.len() != k {
            return Err(StatsError::LengthMismatch {
                field: "ratings",
                left: k,
                right: row.len(),
            });
        }
        if !row.iter().all(|x| x.is_finite()) {
            return Err(StatsError::NotFinite {
                field: "ratings",
                index,
            });
        }
    }
    let (nf, kf) = (n as f64, k as f64);
    let grand = ratings.iter().flatten().sum::<f64>() / (nf * kf);
    let row_means: Vec<f64> = ratings.iter().map(|r| r.iter().sum::<f64>() / kf).collect();
    let col_means: Vec<f64> = (0..k)
        .map(|j| ratings.iter().map(|r| r[j]).sum::<f64>() / nf)
        .collect();
    let square = |x: f64| x * x;
    let ss_rows = kf * row_means.iter().map(|m| square(m - grand)).sum::<f64>();
    let ss_cols = nf * col_means.iter().map(|m| square(m - grand)).sum::<f64>();
    // The residuals themselves, not SST - SSR - SSC, which cancels when agreement is close.
    let ss_error: f64 = ratings
        .iter()
        .zip(&row_means)
        .flat_map(|(row, rm)| {
            row.iter()
                .zip(&col_means)
                .map(move |(x, cm)| square(x - rm - cm + grand))
        })
        .sum();
    let msr = ss_rows / (nf - 1.0);
    let msc = ss_cols / (kf - 1.0);
    let mse = ss_error / ((nf - 1.0) * (kf - 1.0));
    let denominator = msr + (kf - 1.0) * mse + kf * (msc - mse) / nf;
    if denominator <= 0.0 {
        return Err(StatsError::Degenerate {
            field: "ratings",
            reason: "all ratings are equal: the ICC is 0/0",
        });
    }
    let icc = (msr - mse) / denominator;
    let ci = if mse == 0.0 && msc == 0.0 {
        None
    } else {
        let a = kf * icc / (nf * (1.0 - icc));
        let b = 1.0 + kf * icc * (nf - 1.0) / (nf * (1.0 - icc));
        let v = square(a * msc + b * mse)
            / (square(a * msc) / (kf - 1.0) + square(b * mse) / ((nf - 1.0) * (kf - 1.0)));
        let p = 1.0 - (1.0 - level.get()) / 2.0;
        let fl = f_quantile(p, nf - 1.0, v)?;
        let fu = f_quantile(p, v, nf - 1.0)?;
        let mixed = kf * msc + (kf * nf - kf - nf) * mse;
        let low = nf * (msr - fl * mse) / (fl * mixed + nf * msr);
        let high = nf * (fu * msr - mse) / (mixed + nf * fu * msr);
        Some((low, high))
    };
    Ok(Icc {
        n,
        k,
        icc,
        ci,
        ms_subjects: msr,
        ms_raters: msc,
        ms_error: mse,
        method: Method::IccAgreement,
    })
}

/// ICC(2,1) of pairs of ratings of the same subjects by two raters.
pub fn icc_agreement_pairs(pairs: &[(f64, f64)], level: Level) -> Result<Icc, StatsError> {
    let rows: Vec<Vec<f64>> = pairs.iter().map(|&(a, b)| vec![a, b]).collect();
    icc_agreement(&rows, level)
}
