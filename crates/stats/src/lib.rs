//! `stats`: the statistics of the trial reports, written to agree with R.
//!
//! Every test here reproduces what R 4.2 (and `survival` 3.5) computes, to a relative 1e-9, and is
//! checked against committed golden files made by `scripts/peers/generate` (R and SciPy), so
//! `cargo test` needs neither. Each result says which method produced it ([`Method`]) so a report
//! can print it. Bad or degenerate input gives a [`StatsError`] naming the field; nothing panics.
//!
//! Invariants: no I/O; no result ever holds NaN (an undefined value is `None`, an infinite
//! odds ratio or bound is `f64::INFINITY`, which is a documented value, not an accident).

mod dist;
mod error;
mod linalg;
mod rank;
mod root;

pub mod describe;
pub mod icc;
pub mod logistic;
pub mod proportion;
pub mod survival;
pub mod table2x2;
pub mod ttest;
pub mod wilcoxon;

pub use dist::{chi_square_sf, normal_two_sided_p};
pub use error::StatsError;

/// How a result was computed, for the report's footnotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Sample statistics (mean, SD with n - 1, quantiles of R's type 7).
    Descriptive,
    /// Clopper-Pearson exact interval (as R `binom.test`).
    ClopperPearson,
    /// Wilson score interval without continuity correction (as R `prop.test(correct = FALSE)`).
    Wilson,
    /// Paired t test (as R `t.test(paired = TRUE)`).
    PairedT,
    /// Two-sample t test with pooled variance (as R `t.test(var.equal = TRUE)`).
    StudentT,
    /// Two-sample t test with Welch-Satterthwaite degrees of freedom (R's default `t.test`).
    WelchT,
    /// The exact permutation (or conditional) distribution.
    Exact,
    /// Normal approximation; `continuity` when the 0.5 correction was applied, `ties` when the
    /// variance was corrected for ties.
    NormalApprox { continuity: bool, ties: bool },
    /// Pearson chi-square; `yates` when Yates' continuity correction was applied.
    ChiSquare { yates: bool },
    /// Sample odds ratio with Woolf's logit interval; `haldane` when 0.5 was added to each cell.
    Woolf { haldane: bool },
    /// Kaplan-Meier with Greenwood's variance.
    KaplanMeier,
    /// Log-rank test (as R `survdiff`, rho = 0).
    LogRank,
    /// Logistic regression by iteratively reweighted least squares, Wald intervals.
    LogisticIrls,
    /// ICC(2,1): two-way random effects, absolute agreement, single rater, with McGraw and
    /// Wong's F interval (as R `irr::icc(model = "twoway", type = "agreement")`).
    IccAgreement,
}

impl Method {
    /// A short name for outputs (`"exact"`, `"normal"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Method::Descriptive => "descriptive",
            Method::ClopperPearson => "clopper-pearson",
            Method::Wilson => "wilson",
            Method::PairedT => "paired",
            Method::StudentT => "student",
            Method::WelchT => "welch",
            Method::Exact => "exact",
            Method::NormalApprox { .. } => "normal",
            Method::ChiSquare { yates: true } => "chi-square-yates",
            Method::ChiSquare { yates: false } => "chi-square",
            Method::Woolf { haldane: true } => "woolf-haldane",
            Method::Woolf { haldane: false } => "woolf",
            Method::KaplanMeier => "kaplan-meier-greenwood",
            Method::LogRank => "log-rank",
            Method::LogisticIrls => "logistic-irls-wald",
            Method::IccAgreement => "icc-2-1-absolute-agreement",
        }
    }
}

/// A confidence level strictly between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level(f64);

impl Level {
    /// The usual 95%.
    pub const NINETY_FIVE: Level = Level(0.95);

    pub fn new(level: f64) -> Result<Level, StatsError> {
        if level > 0.0 && level < 1.0 {
            Ok(Level(level))
        } else {
            Err(StatsError::OutOfRange {
                field: "level",
                allowed: "a number strictly between 0 and 1",
            })
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }

    /// The standard normal quantile for a two-sided interval at this level.
    pub(crate) fn z(self) -> f64 {
        dist::normal_quantile(1.0 - (1.0 - self.0) / 2.0)
    }
}

impl Default for Level {
    fn default() -> Level {
        Level::NINETY_FIVE
    }
}

/// Checks that every value is finite; `field` names the input in the error.
pub(crate) fn check_finite(field: &'static str, values: &[f64]) -> Result<(), StatsError> {
    match values.iter().position(|value| !value.is_finite()) {
        Some(index) => Err(StatsError::NotFinite { field, index }),
        None => Ok(()),
    }
}

/// Checks that there are at least `needed` values.
pub(crate) fn check_len(field: &'static str, got: usize, needed: usize) -> Result<(), StatsError> {
    if got < needed {
        Err(StatsError::TooFew { field, needed, got })
    } else {
        Ok(())
    }
}
